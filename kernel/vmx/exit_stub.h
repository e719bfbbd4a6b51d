/*
 * What exit_stub.S and the C code it calls agree on: the constants the
 * stub uses (checked against the C definitions at compile time) and the C
 * functions it calls.  Included by the stub (with __ASSEMBLY__) and by C.
 */
#ifndef SKIFF_VMX_EXIT_STUB_H
#define SKIFF_VMX_EXIT_STUB_H

/* The VM_EXIT_REASON field's encoding (checked in exit.c, which has
 * vmcs.h). */
#define STUB_VMCS_VM_EXIT_REASON	0x4402

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Every exit, with all registers in vmx_guest_regs and the exit reason
 * the stub has read. */
void vmx_exit_handler(uint32_t reason);

/* Reading VM_EXIT_REASON failed (fail_invalid: CF, else ZF); VMRESUME
 * failed.  Reported as skiff's own fault; neither returns. */
__attribute__((noreturn)) void vmx_exit_reason_unreadable(int fail_invalid);
__attribute__((noreturn)) void vmx_resume_failed(int fail_invalid);
#endif

#endif
