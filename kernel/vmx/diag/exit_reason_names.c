/* Names of the basic exit reasons, after SDM Vol. 3D Table C-1. */
#include "vmx/exit_reason.h"

#include <stddef.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Holes (35, 38, 42) stay NULL: exit_reason_defined() tells them apart. */
static const char *const exit_reason_names[] = {
	[EXIT_REASON_EXCEPTION_NMI]		= "exception or NMI",
	[EXIT_REASON_EXTERNAL_INTERRUPT]	= "external interrupt",
	[EXIT_REASON_TRIPLE_FAULT]		= "triple fault",
	[EXIT_REASON_INIT]			= "INIT signal",
	[EXIT_REASON_SIPI]			= "start-up IPI",
	[EXIT_REASON_IO_SMI]			= "I/O SMI",
	[EXIT_REASON_OTHER_SMI]			= "other SMI",
	[EXIT_REASON_INTERRUPT_WINDOW]		= "interrupt window",
	[EXIT_REASON_NMI_WINDOW]		= "NMI window",
	[EXIT_REASON_TASK_SWITCH]		= "task switch",
	[EXIT_REASON_CPUID]			= "CPUID",
	[EXIT_REASON_GETSEC]			= "GETSEC",
	[EXIT_REASON_HLT]			= "HLT",
	[EXIT_REASON_INVD]			= "INVD",
	[EXIT_REASON_INVLPG]			= "INVLPG",
	[EXIT_REASON_RDPMC]			= "RDPMC",
	[EXIT_REASON_RDTSC]			= "RDTSC",
	[EXIT_REASON_RSM]			= "RSM",
	[EXIT_REASON_VMCALL]			= "VMCALL",
	[EXIT_REASON_VMCLEAR]			= "VMCLEAR",
	[EXIT_REASON_VMLAUNCH]			= "VMLAUNCH",
	[EXIT_REASON_VMPTRLD]			= "VMPTRLD",
	[EXIT_REASON_VMPTRST]			= "VMPTRST",
	[EXIT_REASON_VMREAD]			= "VMREAD",
	[EXIT_REASON_VMRESUME]			= "VMRESUME",
	[EXIT_REASON_VMWRITE]			= "VMWRITE",
	[EXIT_REASON_VMXOFF]			= "VMXOFF",
	[EXIT_REASON_VMXON]			= "VMXON",
	[EXIT_REASON_CR_ACCESS]			= "control-register access",
	[EXIT_REASON_DR_ACCESS]			= "MOV DR",
	[EXIT_REASON_IO_INSTRUCTION]		= "I/O instruction",
	[EXIT_REASON_RDMSR]			= "RDMSR",
	[EXIT_REASON_WRMSR]			= "WRMSR",
	[EXIT_REASON_INVALID_GUEST_STATE]	= "VM-entry failure: invalid guest state",
	[EXIT_REASON_MSR_LOADING]		= "VM-entry failure: MSR loading",
	[EXIT_REASON_MWAIT]			= "MWAIT",
	[EXIT_REASON_MONITOR_TRAP_FLAG]		= "monitor trap flag",
	[EXIT_REASON_MONITOR]			= "MONITOR",
	[EXIT_REASON_PAUSE]			= "PAUSE",
	[EXIT_REASON_MACHINE_CHECK_DURING_ENTRY] = "VM-entry failure: machine-check event",
	[EXIT_REASON_TPR_BELOW_THRESHOLD]	= "TPR below threshold",
	[EXIT_REASON_APIC_ACCESS]		= "APIC access",
	[EXIT_REASON_VIRTUALIZED_EOI]		= "virtualized EOI",
	[EXIT_REASON_GDTR_IDTR_ACCESS]		= "access to GDTR or IDTR",
	[EXIT_REASON_LDTR_TR_ACCESS]		= "access to LDTR or TR",
	[EXIT_REASON_EPT_VIOLATION]		= "EPT violation",
	[EXIT_REASON_EPT_MISCONFIG]		= "EPT misconfiguration",
	[EXIT_REASON_INVEPT]			= "INVEPT",
	[EXIT_REASON_RDTSCP]			= "RDTSCP",
	[EXIT_REASON_PREEMPTION_TIMER]		= "VMX-preemption timer expired",
	[EXIT_REASON_INVVPID]			= "INVVPID",
	[EXIT_REASON_WBINVD]			= "WBINVD or WBNOINVD",
	[EXIT_REASON_XSETBV]			= "XSETBV",
	[EXIT_REASON_APIC_WRITE]		= "APIC write",
	[EXIT_REASON_RDRAND]			= "RDRAND",
	[EXIT_REASON_INVPCID]			= "INVPCID",
	[EXIT_REASON_VMFUNC]			= "VMFUNC",
	[EXIT_REASON_ENCLS]			= "ENCLS",
	[EXIT_REASON_RDSEED]			= "RDSEED",
	[EXIT_REASON_PML_FULL]			= "page-modification log full",
	[EXIT_REASON_XSAVES]			= "XSAVES",
	[EXIT_REASON_XRSTORS]			= "XRSTORS",
	[EXIT_REASON_PCONFIG]			= "PCONFIG",
	[EXIT_REASON_SPP_EVENT]			= "SPP-related event",
	[EXIT_REASON_UMWAIT]			= "UMWAIT",
	[EXIT_REASON_TPAUSE]			= "TPAUSE",
	[EXIT_REASON_LOADIWKEY]			= "LOADIWKEY",
	[EXIT_REASON_ENCLV]			= "ENCLV",
	[EXIT_REASON_SGX_CONFLICT]		= "SGX conflict",
	[EXIT_REASON_ENQCMD_PASID_FAILURE]	= "ENQCMD PASID translation failure",
	[EXIT_REASON_ENQCMDS_PASID_FAILURE]	= "ENQCMDS PASID translation failure",
	[EXIT_REASON_BUS_LOCK]			= "bus lock",
	[EXIT_REASON_INSTRUCTION_TIMEOUT]	= "instruction timeout",
	[EXIT_REASON_SEAMCALL]			= "SEAMCALL",
	[EXIT_REASON_TDCALL]			= "TDCALL",
	[EXIT_REASON_RDMSRLIST]			= "RDMSRLIST",
	[EXIT_REASON_WRMSRLIST]			= "WRMSRLIST",
};
_Static_assert(ARRAY_SIZE(exit_reason_names) == EXIT_REASON_COUNT,
	       "one name slot per basic exit reason");

bool exit_reason_defined(uint32_t basic)
{
	return basic < EXIT_REASON_COUNT && exit_reason_names[basic] != NULL;
}

const char *exit_reason_name(uint32_t basic)
{
	return exit_reason_defined(basic) ? exit_reason_names[basic] : "unknown";
}
