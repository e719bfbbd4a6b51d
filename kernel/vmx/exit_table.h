/*
 * The fixed dispatch table: one entry per basic exit reason the SDM
 * defines (Vol. 3D appendix C), each a handler or an explicit policy.
 * exit_table.c proves at compile time that every defined reason has an
 * entry; tests/unit/test_exit_table.c checks the same on the host.
 */
#ifndef SKIFF_VMX_EXIT_TABLE_H
#define SKIFF_VMX_EXIT_TABLE_H

#include <stdint.h>

#include "vmx/exit_reason.h"

struct vmx_vcpu;

enum exit_policy {
	EXIT_UNSET = 0,		/* no entry: a hole in the SDM's numbering */
	EXIT_HANDLE,		/* call fn */
	EXIT_INJECT_UD,		/* the guest has no such instruction: #UD */
	EXIT_FATAL,		/* cannot happen with skiff's controls, or
				 * cannot be handled: report, crash policy */
};

typedef void (*vmx_exit_fn)(struct vmx_vcpu *v);

struct exit_entry {
	enum exit_policy policy;
	vmx_exit_fn fn;		/* EXIT_HANDLE only */
	const char *why;	/* for EXIT_FATAL and EXIT_INJECT_UD: one line */
};

extern const struct exit_entry vmx_exit_table[EXIT_REASON_COUNT];

/* Every handler the table names, so host tests can stand them in. */
#define VMX_EXIT_HANDLERS(X)		\
	X(vmx_exit_exception)		\
	X(vmx_exit_external_interrupt)	\
	X(vmx_exit_triple_fault)	\
	X(vmx_exit_init)		\
	X(vmx_exit_sipi)		\
	X(vmx_exit_window)		\
	X(vmx_exit_nmi_window)		\
	X(vmx_exit_cpuid)		\
	X(vmx_exit_hlt)			\
	X(vmx_exit_invd)		\
	X(vmx_exit_vmcall)		\
	X(vmx_exit_cr_access)		\
	X(vmx_exit_io)			\
	X(vmx_exit_rdmsr)		\
	X(vmx_exit_wrmsr)		\
	X(vmx_exit_entry_failure)	\
	X(vmx_exit_nop)			\
	X(vmx_exit_ept_violation)	\
	X(vmx_exit_ept_misconfig)	\
	X(vmx_exit_wbinvd)		\
	X(vmx_exit_xsetbv)		\
	X(vmx_exit_preemption_timer)

#define VMX_DECLARE_HANDLER(name) void name(struct vmx_vcpu *v);
VMX_EXIT_HANDLERS(VMX_DECLARE_HANDLER)
#undef VMX_DECLARE_HANDLER

#endif
