/*
 * Every VM exit goes through this table, indexed by the basic exit reason
 * (bits 15:0 of VM_EXIT_REASON) once exit.c has ruled out a VM-entry
 * failure (bit 31).  One entry per reason the SDM defines (Vol. 3D
 * appendix C): a handler, or an explicit policy with its reason.
 *
 * Why a reason is FATAL: skiff's controls never enable that exit (so it
 * happening is a bug worth a report, not something to paper over), or
 * nothing sensible can be done for the guest.  INJECT_UD: the guest sees
 * an instruction it was told (by CPUID) it does not have.
 *
 * The build proves the table complete: ENTRY() counts itself with
 * __COUNTER__ and refuses holes; -Werror=override-init (from -Wextra)
 * refuses a reason listed twice; so as many entries as defined reasons,
 * none twice and none in a hole, means every defined reason has one.
 */
#include <stddef.h>

#include "vmx/exit_table.h"

/* A compile-time error (negative array size) when r is a hole or out of range. */
#define CHECK_REASON(r) \
	(0 * sizeof(char[(!EXIT_REASON_IS_HOLE(r) && (r) <= EXIT_REASON_MAX) ? 1 : -1]))
#define ENTRY(r, p, f, w) \
	[(r) + CHECK_REASON(r) + 0 * __COUNTER__] = { .policy = (p), .fn = (f), .why = (w) }

#define HANDLE(r, f)	ENTRY(r, EXIT_HANDLE, f, NULL)
#define UD(r, w)	ENTRY(r, EXIT_INJECT_UD, NULL, w)
#define FATAL(r, w)	ENTRY(r, EXIT_FATAL, NULL, w)

#define NOT_ENABLED	"skiff does not enable this exit"
#define NO_VMX		"VMX is hidden from the guest"

enum { counter_before_table = __COUNTER__ };

const struct exit_entry vmx_exit_table[EXIT_REASON_COUNT] = {
	HANDLE(EXIT_REASON_EXCEPTION_NMI,		vmx_exit_exception),
	HANDLE(EXIT_REASON_EXTERNAL_INTERRUPT,		vmx_exit_external_interrupt),
	HANDLE(EXIT_REASON_TRIPLE_FAULT,		vmx_exit_triple_fault),
	HANDLE(EXIT_REASON_INIT,			vmx_exit_init),
	HANDLE(EXIT_REASON_SIPI,			vmx_exit_sipi),
	FATAL(EXIT_REASON_IO_SMI,			"SMIs exit only under a dual-monitor SMM, which skiff never activates"),
	FATAL(EXIT_REASON_OTHER_SMI,			"SMIs exit only under a dual-monitor SMM, which skiff never activates"),
	HANDLE(EXIT_REASON_INTERRUPT_WINDOW,		vmx_exit_window),
	HANDLE(EXIT_REASON_NMI_WINDOW,			vmx_exit_nmi_window),
	FATAL(EXIT_REASON_TASK_SWITCH,			"hardware task switches are not emulated"),
	HANDLE(EXIT_REASON_CPUID,			vmx_exit_cpuid),
	UD(EXIT_REASON_GETSEC,				"SMX is hidden from the guest"),
	HANDLE(EXIT_REASON_HLT,				vmx_exit_hlt),
	HANDLE(EXIT_REASON_INVD,			vmx_exit_invd),
	FATAL(EXIT_REASON_INVLPG,			NOT_ENABLED),
	FATAL(EXIT_REASON_RDPMC,			NOT_ENABLED),
	FATAL(EXIT_REASON_RDTSC,			NOT_ENABLED),
	UD(EXIT_REASON_RSM,				"the guest is never in SMM"),
	HANDLE(EXIT_REASON_VMCALL,			vmx_exit_vmcall),
	UD(EXIT_REASON_VMCLEAR,				NO_VMX),
	UD(EXIT_REASON_VMLAUNCH,			NO_VMX),
	UD(EXIT_REASON_VMPTRLD,				NO_VMX),
	UD(EXIT_REASON_VMPTRST,				NO_VMX),
	UD(EXIT_REASON_VMREAD,				NO_VMX),
	UD(EXIT_REASON_VMRESUME,			NO_VMX),
	UD(EXIT_REASON_VMWRITE,				NO_VMX),
	UD(EXIT_REASON_VMXOFF,				NO_VMX),
	UD(EXIT_REASON_VMXON,				NO_VMX),
	HANDLE(EXIT_REASON_CR_ACCESS,			vmx_exit_cr_access),
	FATAL(EXIT_REASON_DR_ACCESS,			NOT_ENABLED),
	HANDLE(EXIT_REASON_IO_INSTRUCTION,		vmx_exit_io),
	HANDLE(EXIT_REASON_RDMSR,			vmx_exit_rdmsr),
	HANDLE(EXIT_REASON_WRMSR,			vmx_exit_wrmsr),
	HANDLE(EXIT_REASON_INVALID_GUEST_STATE,		vmx_exit_entry_failure),
	HANDLE(EXIT_REASON_MSR_LOADING,			vmx_exit_entry_failure),
	HANDLE(EXIT_REASON_MWAIT,			vmx_exit_nop),
	FATAL(EXIT_REASON_MONITOR_TRAP_FLAG,		NOT_ENABLED),
	HANDLE(EXIT_REASON_MONITOR,			vmx_exit_nop),
	HANDLE(EXIT_REASON_PAUSE,			vmx_exit_nop),
	HANDLE(EXIT_REASON_MACHINE_CHECK_DURING_ENTRY,	vmx_exit_entry_failure),
	FATAL(EXIT_REASON_TPR_BELOW_THRESHOLD,		NOT_ENABLED),
	FATAL(EXIT_REASON_APIC_ACCESS,			NOT_ENABLED),
	FATAL(EXIT_REASON_VIRTUALIZED_EOI,		NOT_ENABLED),
	FATAL(EXIT_REASON_GDTR_IDTR_ACCESS,		NOT_ENABLED),
	FATAL(EXIT_REASON_LDTR_TR_ACCESS,		NOT_ENABLED),
	HANDLE(EXIT_REASON_EPT_VIOLATION,		vmx_exit_ept_violation),
	HANDLE(EXIT_REASON_EPT_MISCONFIG,		vmx_exit_ept_misconfig),
	UD(EXIT_REASON_INVEPT,				NO_VMX),
	FATAL(EXIT_REASON_RDTSCP,			NOT_ENABLED),
	HANDLE(EXIT_REASON_PREEMPTION_TIMER,		vmx_exit_preemption_timer),
	UD(EXIT_REASON_INVVPID,				NO_VMX),
	HANDLE(EXIT_REASON_WBINVD,			vmx_exit_wbinvd),
	HANDLE(EXIT_REASON_XSETBV,			vmx_exit_xsetbv),
	FATAL(EXIT_REASON_APIC_WRITE,			NOT_ENABLED),
	FATAL(EXIT_REASON_RDRAND,			NOT_ENABLED),
	FATAL(EXIT_REASON_INVPCID,			NOT_ENABLED),
	UD(EXIT_REASON_VMFUNC,				"no VM functions are enabled for the guest"),
	UD(EXIT_REASON_ENCLS,				"SGX is not offered to the guest"),
	FATAL(EXIT_REASON_RDSEED,			NOT_ENABLED),
	FATAL(EXIT_REASON_PML_FULL,			NOT_ENABLED),
	FATAL(EXIT_REASON_XSAVES,			NOT_ENABLED),
	FATAL(EXIT_REASON_XRSTORS,			NOT_ENABLED),
	UD(EXIT_REASON_PCONFIG,				"PCONFIG is not offered to the guest"),
	FATAL(EXIT_REASON_SPP_EVENT,			NOT_ENABLED),
	UD(EXIT_REASON_UMWAIT,				"user wait is not offered to the guest"),
	UD(EXIT_REASON_TPAUSE,				"user wait is not offered to the guest"),
	UD(EXIT_REASON_LOADIWKEY,			"Key Locker is not offered to the guest"),
	UD(EXIT_REASON_ENCLV,				"SGX is not offered to the guest"),
	FATAL(EXIT_REASON_SGX_CONFLICT,			NOT_ENABLED),
	FATAL(EXIT_REASON_ENQCMD_PASID_FAILURE,		NOT_ENABLED),
	FATAL(EXIT_REASON_ENQCMDS_PASID_FAILURE,	NOT_ENABLED),
	FATAL(EXIT_REASON_BUS_LOCK,			NOT_ENABLED),
	FATAL(EXIT_REASON_INSTRUCTION_TIMEOUT,		NOT_ENABLED),
	UD(EXIT_REASON_SEAMCALL,			"there is no TDX module for the guest"),
	UD(EXIT_REASON_TDCALL,				"the guest is not a TDX trust domain"),
	UD(EXIT_REASON_RDMSRLIST,			"MSR lists are not offered to the guest"),
	UD(EXIT_REASON_WRMSRLIST,			"MSR lists are not offered to the guest"),
};

_Static_assert(__COUNTER__ - counter_before_table - 1 == EXIT_REASONS_DEFINED,
	       "the exit table must have exactly one entry per defined exit reason");
