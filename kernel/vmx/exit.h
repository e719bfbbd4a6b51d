/* What the exit handlers share; see exit.c. */
#ifndef SKIFF_VMX_EXIT_H
#define SKIFF_VMX_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/hypercall_abi.h"
#include "vmx/caps.h"
#include "vmx/exit_info.h"
#include "vmx/exit_reason.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

#define VECTOR_DB	1
#define VECTOR_NMI	2
#define VECTOR_UD	6
#define VECTOR_GP	13
#define VECTOR_AC	17

/* Moves the guest past the instruction that exited, as if it had run. */
void vmx_skip_instruction(void);

/* The same for an instruction skiff emulated, len bytes long, where the
 * exit gives no length (an EPT violation). */
void vmx_skip_emulated(uint32_t len);

/*
 * Whether skipping the exit's instruction means only moving RIP, and to
 * where: the exit's instruction length (prefixes included, SDM Vol. 3C
 * 28.2.5) on from RIP.  False, reading no more, when more is owed: the
 * instruction ended STI or MOV-SS blocking, RFLAGS.TF owes a single-step
 * trap, or RIP + length carries into bit 32, where a 32-bit guest's EIP
 * wraps (its RIP is below 4 GiB and the length at most 15; a 64-bit
 * guest's crossing of a 4 GiB line is rare enough to take the general
 * way too).  vmx_skip_instruction() does the rest; the fast paths
 * (exit_fast.c) use this to decide before they change anything.
 */
static inline bool vmx_skip_is_simple(uint64_t *next_rip)
{
	uint64_t next;
	uint32_t len;

	if (vmcs_read32(GUEST_INTERRUPTIBILITY_STATE) &
	    (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS))
		return false;
	if (vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_TF)
		return false;
	len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	next = vmcs_read_natural(GUEST_RIP) + len;
	if ((uint32_t)next < len)
		return false;
	*next_rip = next;
	return true;
}

/* CPL = SS.DPL (SDM Vol. 3C 25.4.1); 0 in real mode. */
static inline unsigned vmx_guest_cpl(void)
{
	return (vmcs_read32(GUEST_SS_ACCESS_RIGHTS) >> 5) & 3;
}

/* IA-32e mode: the guest runs 64-bit or compatibility-mode code. */
static inline bool vmx_guest_long_mode(void)
{
	return (vmcs_read32(VM_ENTRY_CONTROLS) & VM_ENTRY_IA32E_MODE_GUEST) != 0;
}

/* 64-bit mode: IA-32e mode with CS.L = 1 (SDM Vol. 3A 2.2.1; the L bit is
 * bit 13 of the access rights, Vol. 3C 25.4.1).  Compatibility mode, CS.L
 * = 0, runs 32-bit code: 32-bit operands, an EIP that wraps at 4 GiB. */
#define VMX_AR_L	(1u << 13)

static inline bool vmx_guest_64bit_mode(void)
{
	return vmx_guest_long_mode() && (vmcs_read32(GUEST_CS_ACCESS_RIGHTS) & VMX_AR_L);
}

/* Queues an event for the next VM entry (SDM Vol. 3C 25.8.3). */
void vmx_inject(struct vmx_vcpu *v, uint8_t vector, enum intr_type type, bool has_error,
		uint32_t error, uint32_t insn_len);
void vmx_inject_ud(struct vmx_vcpu *v);
void vmx_inject_gp(struct vmx_vcpu *v);		/* #GP(0) */

/* Delivers the NMI the vCPU holds for the guest, or opens the NMI window
 * to deliver it as soon as the guest can take it.  window: called from
 * the NMI-window exit, where the CPU has found the guest ready. */
void vmx_deliver_nmi(struct vmx_vcpu *v, bool window);


/* CR0/CR4 as the guest reads them (shadow for skiff's bits). */
uint64_t vmx_guest_cr0(const struct vmx_vcpu *v);
uint64_t vmx_guest_cr4(const struct vmx_vcpu *v);

/* Whether the CPU can park a guest in the HLT activity state (vmx.c). */
bool vmx_halt_state_supported(const struct vmx_vcpu *v);

/* ---- reports (diag/report.c): only when something went wrong ---- */

/* A guest crash or hang: full report, then the crash policy (vm_incident). */
__attribute__((noreturn)) void vmx_guest_crash(struct vmx_vcpu *v, const char *what,
					       const char *detail);
__attribute__((noreturn)) void vmx_guest_hang(struct vmx_vcpu *v, const char *what);

/* Runs the software VM-entry checker on the current VMCS and prints what
 * it finds (kernel/vmx/diag/entry_check.c). */
void vmx_explain_entry(const struct vmx_vcpu *v);

/* vmx_arch.print_exit_stats (vm/vm.h): every vCPU's counts by reason. */
struct vm;
void vmx_print_exit_stats(const struct vm *vm);

/* VM entry failed with an exit (bit 31 of the reason): explained, then
 * vm_entry_failed(). */
__attribute__((noreturn)) void vmx_entry_failure(struct vmx_vcpu *v, uint32_t reason);

/* VMLAUNCH/VMRESUME failed with VMfail: explained, then vm_entry_failed(). */
__attribute__((noreturn)) void vmx_entry_failed_report(struct vmx_vcpu *v, const char *insn,
						       enum vmx_status st);

#endif
