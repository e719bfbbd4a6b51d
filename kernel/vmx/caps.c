/*
 * Decoding of the VMX capability MSRs, SDM Vol. 3D appendix A.  Pure: the
 * caller reads the MSRs (minding which exist) and hands the values in.
 */
#include "vmx/caps.h"

#include <stddef.h>

#include "lib/errno.h"
#include "lib/printf.h"
#include "x86.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
/* Bit number of a one-bit control mask, usable as a designator. */
#define BIT_OF(mask)	__builtin_ctz(mask)

struct vmx_basic vmx_decode_basic(uint64_t msr)
{
	struct vmx_basic b = {
		.revision = (uint32_t)(msr & VMX_BASIC_REVISION_MASK),
		.region_size = (uint32_t)((msr >> VMX_BASIC_REGION_SIZE_SHIFT) &
					  VMX_BASIC_REGION_SIZE_MASK),
		.memory_type = (uint8_t)((msr >> VMX_BASIC_MEMORY_TYPE_SHIFT) &
					 VMX_BASIC_MEMORY_TYPE_MASK),
		.phys_addr_32bit = (msr & VMX_BASIC_PHYS_ADDR_32BIT) != 0,
		.dual_monitor = (msr & VMX_BASIC_DUAL_MONITOR) != 0,
		.ins_outs_info = (msr & VMX_BASIC_INS_OUTS_INFO) != 0,
		.true_ctls = (msr & VMX_BASIC_TRUE_CTLS) != 0,
		.no_error_code_check = (msr & VMX_BASIC_NO_ERROR_CODE_CHECK) != 0,
	};

	return b;
}

int vmx_basic_check(const struct vmx_basic *basic, const char **why)
{
	if (basic->region_size == 0 || basic->region_size > VMX_REGION_MAX_SIZE)
		*why = "VMCS region size outside 1..4096 bytes";
	else if (basic->memory_type != VMX_MEMORY_TYPE_WB)
		*why = "VMCS memory type is not write-back";
	else if (basic->phys_addr_32bit)
		*why = "VMX structures limited to 32-bit physical addresses";
	else
		return 0;
	return -ENOTSUP;
}

/* The allowed-1 half of a control capability MSR says whether bit may be 1. */
static bool allowed1(uint64_t cap_msr, uint32_t control)
{
	return ((cap_msr >> 32) & control) != 0;
}

bool vmx_has_procbased_ctls2(uint64_t procbased_ctls)
{
	return allowed1(procbased_ctls, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
}

bool vmx_has_ept_vpid_cap(uint64_t procbased_ctls, uint64_t procbased_ctls2)
{
	return vmx_has_procbased_ctls2(procbased_ctls) &&
	       allowed1(procbased_ctls2, SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID);
}

bool vmx_has_vmfunc(uint64_t procbased_ctls, uint64_t procbased_ctls2)
{
	return vmx_has_procbased_ctls2(procbased_ctls) &&
	       allowed1(procbased_ctls2, SECONDARY_EXEC_ENABLE_VM_FUNCTIONS);
}

bool vmx_has_procbased_ctls3(uint64_t procbased_ctls)
{
	return allowed1(procbased_ctls, CPU_BASED_ACTIVATE_TERTIARY_CONTROLS);
}

bool vmx_has_exit_ctls2(uint64_t exit_ctls)
{
	return allowed1(exit_ctls, VM_EXIT_ACTIVATE_SECONDARY_CONTROLS);
}

uint32_t vmx_ctls_msr(uint64_t vmx_basic, enum vmx_ctls which)
{
	bool true_ctls = (vmx_basic & VMX_BASIC_TRUE_CTLS) != 0;

	switch (which) {
	case VMX_CTLS_PINBASED:
		return true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS : MSR_IA32_VMX_PINBASED_CTLS;
	case VMX_CTLS_PROCBASED:
		return true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS : MSR_IA32_VMX_PROCBASED_CTLS;
	case VMX_CTLS_PROCBASED2:
		return MSR_IA32_VMX_PROCBASED_CTLS2;
	case VMX_CTLS_EXIT:
		return true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS : MSR_IA32_VMX_EXIT_CTLS;
	case VMX_CTLS_ENTRY:
		return true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS : MSR_IA32_VMX_ENTRY_CTLS;
	default:
		return 0;
	}
}

int vmx_adjust_controls(uint64_t cap_msr, uint32_t wanted, uint32_t optional,
			uint32_t *out, uint32_t *missing)
{
	/* LAB 5 BEGIN: vmx_adjust_controls(): a control word the capability MSR allows */
	uint32_t must_be_1 = (uint32_t)cap_msr;		/* allowed-0 settings */
	uint32_t may_be_1 = (uint32_t)(cap_msr >> 32);	/* allowed-1 settings */

	*missing = wanted & ~may_be_1;
	*out = (must_be_1 | wanted | optional) & may_be_1;
	return *missing ? -ENOTSUP : 0;
	/* LAB 5 END */
}

/* ---- CR0 and CR4 fixed bits, A.7 and A.8 ---- */

uint64_t vmx_cr_adjust(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (value | fixed0) & fixed1;
}

uint64_t vmx_cr_violations(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
	return (fixed0 & ~value) | (value & ~fixed1);
}

uint64_t vmx_guest_cr0_fixed0(uint64_t fixed0, bool unrestricted)
{
	return unrestricted ? fixed0 & ~(CR0_PE | CR0_PG) : fixed0;
}

uint64_t vmx_guest_cr0_violations(uint64_t cr0, uint64_t fixed0, uint64_t fixed1,
				  bool unrestricted)
{
	uint64_t bad = vmx_cr_violations(cr0, vmx_guest_cr0_fixed0(fixed0, unrestricted), fixed1);

	bad &= ~(CR0_CD | CR0_NW);
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		bad |= CR0_PE;
	return bad;
}

/* CD and NW pass through untouched: VM entry does not check them. */
uint64_t vmx_guest_cr0_adjust(uint64_t cr0, uint64_t fixed0, uint64_t fixed1,
			      bool unrestricted)
{
	uint64_t keep = cr0 & (CR0_CD | CR0_NW);
	uint64_t v = vmx_cr_adjust(cr0, vmx_guest_cr0_fixed0(fixed0, unrestricted), fixed1);

	v = (v & ~(CR0_CD | CR0_NW)) | keep;
	if (v & CR0_PG)
		v |= CR0_PE;
	return v;
}

/* ---- IA32_FEATURE_CONTROL ---- */

enum vmx_feature_control vmx_classify_feature_control(uint64_t value)
{
	if (!(value & FEATURE_CONTROL_LOCKED))
		return VMX_FC_UNLOCKED;
	if (!(value & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
		return VMX_FC_DISABLED_BY_FIRMWARE;
	return VMX_FC_USABLE;
}

uint64_t vmx_feature_control_enable(uint64_t value)
{
	return value | FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCKED;
}

const char *vmx_feature_control_explain(enum vmx_feature_control fc)
{
	switch (fc) {
	case VMX_FC_USABLE:
		return "VMX enabled by the firmware";
	case VMX_FC_DISABLED_BY_FIRMWARE:
		return "VMX disabled and locked by the firmware: "
		       "enable Intel VT-x in the firmware setup";
	case VMX_FC_UNLOCKED:
		return "IA32_FEATURE_CONTROL unlocked: skiff enables VMX and locks it";
	}
	return "unknown IA32_FEATURE_CONTROL state";
}

/* ---- control names, for messages (SDM Vol. 3C 25.6-25.8 tables) ---- */

static const char *const pin_based_names[32] = {
	[BIT_OF(PIN_BASED_EXTERNAL_INTERRUPT_EXITING)]	= "external-interrupt exiting",
	[BIT_OF(PIN_BASED_NMI_EXITING)]			= "NMI exiting",
	[BIT_OF(PIN_BASED_VIRTUAL_NMIS)]		= "virtual NMIs",
	[BIT_OF(PIN_BASED_VMX_PREEMPTION_TIMER)]	= "activate VMX-preemption timer",
	[BIT_OF(PIN_BASED_POSTED_INTERRUPTS)]		= "process posted interrupts",
};

static const char *const cpu_based_names[32] = {
	[BIT_OF(CPU_BASED_INTERRUPT_WINDOW_EXITING)]	= "interrupt-window exiting",
	[BIT_OF(CPU_BASED_USE_TSC_OFFSETTING)]		= "use TSC offsetting",
	[BIT_OF(CPU_BASED_HLT_EXITING)]			= "HLT exiting",
	[BIT_OF(CPU_BASED_INVLPG_EXITING)]		= "INVLPG exiting",
	[BIT_OF(CPU_BASED_MWAIT_EXITING)]		= "MWAIT exiting",
	[BIT_OF(CPU_BASED_RDPMC_EXITING)]		= "RDPMC exiting",
	[BIT_OF(CPU_BASED_RDTSC_EXITING)]		= "RDTSC exiting",
	[BIT_OF(CPU_BASED_CR3_LOAD_EXITING)]		= "CR3-load exiting",
	[BIT_OF(CPU_BASED_CR3_STORE_EXITING)]		= "CR3-store exiting",
	[BIT_OF(CPU_BASED_ACTIVATE_TERTIARY_CONTROLS)]	= "activate tertiary controls",
	[BIT_OF(CPU_BASED_CR8_LOAD_EXITING)]		= "CR8-load exiting",
	[BIT_OF(CPU_BASED_CR8_STORE_EXITING)]		= "CR8-store exiting",
	[BIT_OF(CPU_BASED_USE_TPR_SHADOW)]		= "use TPR shadow",
	[BIT_OF(CPU_BASED_NMI_WINDOW_EXITING)]		= "NMI-window exiting",
	[BIT_OF(CPU_BASED_MOV_DR_EXITING)]		= "MOV-DR exiting",
	[BIT_OF(CPU_BASED_UNCONDITIONAL_IO_EXITING)]	= "unconditional I/O exiting",
	[BIT_OF(CPU_BASED_USE_IO_BITMAPS)]		= "use I/O bitmaps",
	[BIT_OF(CPU_BASED_MONITOR_TRAP_FLAG)]		= "monitor trap flag",
	[BIT_OF(CPU_BASED_USE_MSR_BITMAPS)]		= "use MSR bitmaps",
	[BIT_OF(CPU_BASED_MONITOR_EXITING)]		= "MONITOR exiting",
	[BIT_OF(CPU_BASED_PAUSE_EXITING)]		= "PAUSE exiting",
	[BIT_OF(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS)]	= "activate secondary controls",
};

static const char *const secondary_names[32] = {
	[BIT_OF(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES)] = "virtualize APIC accesses",
	[BIT_OF(SECONDARY_EXEC_ENABLE_EPT)]		= "enable EPT",
	[BIT_OF(SECONDARY_EXEC_DESCRIPTOR_TABLE_EXITING)] = "descriptor-table exiting",
	[BIT_OF(SECONDARY_EXEC_ENABLE_RDTSCP)]		= "enable RDTSCP",
	[BIT_OF(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE)]	= "virtualize x2APIC mode",
	[BIT_OF(SECONDARY_EXEC_ENABLE_VPID)]		= "enable VPID",
	[BIT_OF(SECONDARY_EXEC_WBINVD_EXITING)]		= "WBINVD exiting",
	[BIT_OF(SECONDARY_EXEC_UNRESTRICTED_GUEST)]	= "unrestricted guest",
	[BIT_OF(SECONDARY_EXEC_APIC_REGISTER_VIRT)]	= "APIC-register virtualization",
	[BIT_OF(SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)]	= "virtual-interrupt delivery",
	[BIT_OF(SECONDARY_EXEC_PAUSE_LOOP_EXITING)]	= "PAUSE-loop exiting",
	[BIT_OF(SECONDARY_EXEC_RDRAND_EXITING)]		= "RDRAND exiting",
	[BIT_OF(SECONDARY_EXEC_ENABLE_INVPCID)]		= "enable INVPCID",
	[BIT_OF(SECONDARY_EXEC_ENABLE_VM_FUNCTIONS)]	= "enable VM functions",
	[BIT_OF(SECONDARY_EXEC_VMCS_SHADOWING)]		= "VMCS shadowing",
	[BIT_OF(SECONDARY_EXEC_ENCLS_EXITING)]		= "enable ENCLS exiting",
	[BIT_OF(SECONDARY_EXEC_RDSEED_EXITING)]		= "RDSEED exiting",
	[BIT_OF(SECONDARY_EXEC_ENABLE_PML)]		= "enable PML",
	[BIT_OF(SECONDARY_EXEC_EPT_VIOLATION_VE)]	= "EPT-violation #VE",
	[BIT_OF(SECONDARY_EXEC_CONCEAL_VMX_FROM_PT)]	= "conceal VMX from PT",
	[BIT_OF(SECONDARY_EXEC_ENABLE_XSAVES)]		= "enable XSAVES/XRSTORS",
	[BIT_OF(SECONDARY_EXEC_PASID_TRANSLATION)]	= "PASID translation",
	[BIT_OF(SECONDARY_EXEC_MODE_BASED_EPT_EXEC)]	= "mode-based execute control for EPT",
	[BIT_OF(SECONDARY_EXEC_SUB_PAGE_WRITE_PERM)]	= "sub-page write permissions for EPT",
	[BIT_OF(SECONDARY_EXEC_PT_GUEST_PHYSICAL)]	=
		"Intel PT uses guest physical addresses",
	[BIT_OF(SECONDARY_EXEC_USE_TSC_SCALING)]	= "use TSC scaling",
	[BIT_OF(SECONDARY_EXEC_USER_WAIT_PAUSE)]	= "enable user wait and pause",
	[BIT_OF(SECONDARY_EXEC_ENABLE_PCONFIG)]		= "enable PCONFIG",
	[BIT_OF(SECONDARY_EXEC_ENCLV_EXITING)]		= "enable ENCLV exiting",
	[BIT_OF(SECONDARY_EXEC_BUS_LOCK_DETECTION)]	= "VMM bus-lock detection",
	[BIT_OF(SECONDARY_EXEC_INSTRUCTION_TIMEOUT)]	= "instruction timeout",
};

static const char *const exit_names[32] = {
	[BIT_OF(VM_EXIT_SAVE_DEBUG_CONTROLS)]		= "save debug controls",
	[BIT_OF(VM_EXIT_HOST_ADDR_SPACE_SIZE)]		= "host address-space size",
	[BIT_OF(VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)]	= "load IA32_PERF_GLOBAL_CTRL",
	[BIT_OF(VM_EXIT_ACK_INTR_ON_EXIT)]		= "acknowledge interrupt on exit",
	[BIT_OF(VM_EXIT_SAVE_IA32_PAT)]			= "save IA32_PAT",
	[BIT_OF(VM_EXIT_LOAD_IA32_PAT)]			= "load IA32_PAT",
	[BIT_OF(VM_EXIT_SAVE_IA32_EFER)]		= "save IA32_EFER",
	[BIT_OF(VM_EXIT_LOAD_IA32_EFER)]		= "load IA32_EFER",
	[BIT_OF(VM_EXIT_SAVE_PREEMPTION_TIMER)]		= "save VMX-preemption timer value",
	[BIT_OF(VM_EXIT_CLEAR_IA32_BNDCFGS)]		= "clear IA32_BNDCFGS",
	[BIT_OF(VM_EXIT_CONCEAL_VMX_FROM_PT)]		= "conceal VMX from PT",
	[BIT_OF(VM_EXIT_CLEAR_IA32_RTIT_CTL)]		= "clear IA32_RTIT_CTL",
	[BIT_OF(VM_EXIT_CLEAR_IA32_LBR_CTL)]		= "clear IA32_LBR_CTL",
	[BIT_OF(VM_EXIT_CLEAR_UINV)]			= "clear UINV",
	[BIT_OF(VM_EXIT_LOAD_CET_STATE)]		= "load CET state",
	[BIT_OF(VM_EXIT_LOAD_PKRS)]			= "load PKRS",
	[BIT_OF(VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL)]	= "save IA32_PERF_GLOBAL_CTRL",
	[BIT_OF(VM_EXIT_ACTIVATE_SECONDARY_CONTROLS)]	= "activate secondary controls",
};

static const char *const entry_names[32] = {
	[BIT_OF(VM_ENTRY_LOAD_DEBUG_CONTROLS)]		= "load debug controls",
	[BIT_OF(VM_ENTRY_IA32E_MODE_GUEST)]		= "IA-32e mode guest",
	[BIT_OF(VM_ENTRY_ENTRY_TO_SMM)]			= "entry to SMM",
	[BIT_OF(VM_ENTRY_DEACTIVATE_DUAL_MONITOR)]	= "deactivate dual-monitor treatment",
	[BIT_OF(VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)]	= "load IA32_PERF_GLOBAL_CTRL",
	[BIT_OF(VM_ENTRY_LOAD_IA32_PAT)]		= "load IA32_PAT",
	[BIT_OF(VM_ENTRY_LOAD_IA32_EFER)]		= "load IA32_EFER",
	[BIT_OF(VM_ENTRY_LOAD_IA32_BNDCFGS)]		= "load IA32_BNDCFGS",
	[BIT_OF(VM_ENTRY_CONCEAL_VMX_FROM_PT)]		= "conceal VMX from PT",
	[BIT_OF(VM_ENTRY_LOAD_IA32_RTIT_CTL)]		= "load IA32_RTIT_CTL",
	[BIT_OF(VM_ENTRY_LOAD_UINV)]			= "load UINV",
	[BIT_OF(VM_ENTRY_LOAD_CET_STATE)]		= "load CET state",
	[BIT_OF(VM_ENTRY_LOAD_IA32_LBR_CTL)]		= "load guest IA32_LBR_CTL",
	[BIT_OF(VM_ENTRY_LOAD_PKRS)]			= "load PKRS",
};

static const struct {
	const char *name;
	const char *const *bits;
} ctls_info[VMX_CTLS_COUNT] = {
	[VMX_CTLS_PINBASED]	= { "pin-based", pin_based_names },
	[VMX_CTLS_PROCBASED]	= { "primary processor-based", cpu_based_names },
	[VMX_CTLS_PROCBASED2]	= { "secondary processor-based", secondary_names },
	[VMX_CTLS_EXIT]		= { "VM-exit", exit_names },
	[VMX_CTLS_ENTRY]	= { "VM-entry", entry_names },
};

const char *vmx_ctls_name(enum vmx_ctls which)
{
	return (unsigned)which < VMX_CTLS_COUNT ? ctls_info[which].name : "unknown";
}

const char *vmx_control_bit_name(enum vmx_ctls which, unsigned bit)
{
	const char *name;

	if ((unsigned)which >= VMX_CTLS_COUNT || bit >= 32)
		return "reserved";
	name = ctls_info[which].bits[bit];
	return name ? name : "reserved";
}

void vmx_report_missing(enum vmx_ctls which, uint32_t missing)
{
	unsigned bit;

	for (bit = 0; bit < 32; bit++)
		if (missing & (1u << bit))
			kprintf("skiff: vmx: the CPU lacks the %s control \"%s\" (bit %u)\n",
				vmx_ctls_name(which), vmx_control_bit_name(which, bit), bit);
}
