/*
 * What exit_stub.S and the C code it calls agree on: the constants the
 * stub uses (checked against the C definitions at compile time) and the C
 * functions it calls.  Included by the stub (with __ASSEMBLY__) and by C.
 */
#ifndef SKIFF_VMX_EXIT_STUB_H
#define SKIFF_VMX_EXIT_STUB_H

/* The VM_EXIT_REASON field's encoding and the exit reasons the stub sends
 * to a fast path (exit_fast.c). */
#define STUB_VMCS_VM_EXIT_REASON	0x4402
#define STUB_EXIT_REASON_CPUID		10
#define STUB_EXIT_REASON_VMCALL		18
/* Where struct vcpu keeps its own address (vm/vcpu.h), from the GS base. */
#define STUB_VCPU_SELF			128
/* For vmx_exit_stub_smi_quirk: the guest interruptibility state's
 * encoding and its "blocking by SMI" bit. */
#define STUB_VMCS_GUEST_INTERRUPTIBILITY	0x4824
#define STUB_GUEST_INTR_BLOCK_SMI		4

#ifndef __ASSEMBLY__
#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_reason.h"
#include "vmx/vcpu.h"

_Static_assert(STUB_VCPU_SELF == __builtin_offsetof(struct vmx_vcpu, vcpu.self),
	       "exit_stub.S: the vCPU's own address");
_Static_assert(STUB_EXIT_REASON_CPUID == EXIT_REASON_CPUID, "exit_stub.S: CPUID's exit reason");
_Static_assert(STUB_EXIT_REASON_VMCALL == EXIT_REASON_VMCALL, "exit_stub.S: VMCALL's exit reason");
/* STUB_VMCS_VM_EXIT_REASON is checked in exit.c, which has vmcs.h. */

/*
 * The fast paths (exit_fast.c).  They run before the stub has saved more
 * than the guest registers their instruction reads into the vCPU:
 * they keep every other register as it was (no_caller_saved_registers:
 * the function itself saves what it uses), so the stub need not save and
 * restore all fifteen.
 */
#ifdef SKIFF_HOST_TEST
#define EXIT_FAST_PATH			/* host tests call them as plain C */
#else
#define EXIT_FAST_PATH			__attribute__((no_caller_saved_registers))
#endif

/* True when the CPUID exit is handled and RAX, RBX, RCX, RDX in the
 * vCPU's registers hold the guest's new values; false, having changed
 * nothing, when the generic path must handle it.  The vCPU is the one the
 * GS base points at (VMX_THIS_VCPU). */
EXIT_FAST_PATH bool vmx_exit_cpuid_fast(void);

/* The same for VMCALL, with the guest's RDI and RSI saved as well; on
 * true the guest's new RAX is in the vCPU's registers. */
EXIT_FAST_PATH bool vmx_exit_vmcall_fast(void);

/* The generic path: every other exit, with all registers in v's and the
 * exit reason the stub has read. */
void vmx_exit_handler(struct vmx_vcpu *v, uint32_t reason);

/* Reading VM_EXIT_REASON failed (fail_invalid: CF, else ZF); VMRESUME
 * failed.  Reported as skiff's own fault; neither returns. */
__attribute__((noreturn)) void vmx_exit_reason_unreadable(struct vmx_vcpu *v, int fail_invalid);
__attribute__((noreturn)) void vmx_resume_failed(struct vmx_vcpu *v, int fail_invalid);
#endif

#endif
