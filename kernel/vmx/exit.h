/* What the exit handlers share; see exit.c. */
#ifndef SKIFF_VMX_EXIT_H
#define SKIFF_VMX_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/exit_info.h"
#include "vmx/vmx_insn.h"

#define VECTOR_DB	1
#define VECTOR_NMI	2
#define VECTOR_UD	6
#define VECTOR_GP	13
#define VECTOR_AC	17

/* Exception exits in a row (handlers.c counts, exit.c resets). */
extern unsigned vmx_exception_streak;

/* Moves the guest past the instruction that exited, as if it had run. */
void vmx_skip_instruction(void);

/* Queues an event for the next VM entry (SDM Vol. 3C 25.8.3). */
void vmx_inject(uint8_t vector, enum intr_type type, bool has_error, uint32_t error,
		uint32_t insn_len);
void vmx_inject_ud(void);
void vmx_inject_gp(void);		/* #GP(0) */

/* CR0/CR4 as the guest reads them (shadow for skiff's bits). */
uint64_t vmx_guest_cr0(void);
uint64_t vmx_guest_cr4(void);

/* A guest crash or hang: full report, then the crash policy (vm_incident). */
__attribute__((noreturn)) void vmx_guest_crash(const char *what, const char *detail);
__attribute__((noreturn)) void vmx_guest_hang(const char *what);

/* Runs the software VM-entry checker on the current VMCS and prints what
 * it finds (kernel/vmx/entry_check.c). */
void vmx_explain_entry(void);

/* VMLAUNCH/VMRESUME failed with VMfail: explained, then vm_entry_failed(). */
__attribute__((noreturn)) void vmx_entry_failed_report(const char *insn, enum vmx_status st);

#endif
