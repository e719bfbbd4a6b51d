/*
 * VMX capabilities: the capability MSRs of SDM Vol. 3D appendix A and the
 * VM-execution, VM-exit and VM-entry control bits they govern (Vol. 3C
 * 25.6-25.8; 24.6-24.8 in older editions).
 *
 * Everything here is pure decoding of values already read: no RDMSR, so
 * host tests feed it the numbers real CPUs and emulators report.  The one
 * rule the reader of the MSRs must follow first: some capability MSRs
 * exist only when others say so, and reading a missing one raises #GP
 * (see vmx_has_procbased_ctls2() and friends below).
 */
#ifndef SKIFF_VMX_CAPS_H
#define SKIFF_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- capability MSRs, SDM Vol. 4 Table 2-2 and Vol. 3D appendix A ---- */
#define MSR_IA32_VMX_BASIC			0x480	/* A.1 */
#define MSR_IA32_VMX_PINBASED_CTLS		0x481	/* A.3.1 */
#define MSR_IA32_VMX_PROCBASED_CTLS		0x482	/* A.3.2 */
#define MSR_IA32_VMX_EXIT_CTLS			0x483	/* A.4.1 */
#define MSR_IA32_VMX_ENTRY_CTLS			0x484	/* A.5 */
#define MSR_IA32_VMX_MISC			0x485	/* A.6 */
#define MSR_IA32_VMX_CR0_FIXED0			0x486	/* A.7 */
#define MSR_IA32_VMX_CR0_FIXED1			0x487
#define MSR_IA32_VMX_CR4_FIXED0			0x488	/* A.8 */
#define MSR_IA32_VMX_CR4_FIXED1			0x489
#define MSR_IA32_VMX_VMCS_ENUM			0x48a	/* A.9 */
#define MSR_IA32_VMX_PROCBASED_CTLS2		0x48b	/* A.3.3, if vmx_has_procbased_ctls2() */
#define MSR_IA32_VMX_EPT_VPID_CAP		0x48c	/* A.10, if vmx_has_ept_vpid_cap() */
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS		0x48d	/* A.3.1, if VMX_BASIC_TRUE_CTLS */
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS	0x48e	/* A.3.2 */
#define MSR_IA32_VMX_TRUE_EXIT_CTLS		0x48f	/* A.4.1 */
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS		0x490	/* A.5 */
#define MSR_IA32_VMX_VMFUNC			0x491	/* A.11, if vmx_has_vmfunc() */
#define MSR_IA32_VMX_PROCBASED_CTLS3		0x492	/* A.3.4 */
#define MSR_IA32_VMX_EXIT_CTLS2			0x493	/* A.4.2 */
#define VMX_MSR_LAST				MSR_IA32_VMX_EXIT_CTLS2

/* ---- IA32_VMX_BASIC, SDM Vol. 3D A.1 ---- */
#define VMX_BASIC_REVISION_MASK		0x7fffffffull		/* bits 30:0 */
#define VMX_BASIC_REGION_SIZE_SHIFT	32			/* bits 44:32 */
#define VMX_BASIC_REGION_SIZE_MASK	0x1fffull
#define VMX_BASIC_PHYS_ADDR_32BIT	(1ull << 48)	/* VMXON/VMCS/bitmaps below 4 GiB */
#define VMX_BASIC_DUAL_MONITOR		(1ull << 49)	/* dual-monitor SMM treatment */
#define VMX_BASIC_MEMORY_TYPE_SHIFT	50			/* bits 53:50 */
#define VMX_BASIC_MEMORY_TYPE_MASK	0xfull
#define VMX_BASIC_INS_OUTS_INFO		(1ull << 54)	/* INS/OUTS exit info */
#define VMX_BASIC_TRUE_CTLS		(1ull << 55)	/* IA32_VMX_TRUE_*_CTLS exist */
#define VMX_BASIC_NO_ERROR_CODE_CHECK	(1ull << 56)	/* error code unchecked */

/* Memory types the VMCS may be accessed with (A.1; other values reserved). */
#define VMX_MEMORY_TYPE_UC		0
#define VMX_MEMORY_TYPE_WB		6

/* Largest VMXON/VMCS region the SDM allows (A.1: "at most 4096"). */
#define VMX_REGION_MAX_SIZE		4096u

struct vmx_basic {
	uint32_t revision;	/* VMCS revision identifier, first word of each region */
	uint32_t region_size;	/* bytes to allocate for the VMXON region and each VMCS */
	uint8_t memory_type;	/* VMX_MEMORY_TYPE_* */
	bool phys_addr_32bit;
	bool dual_monitor;
	bool ins_outs_info;
	bool true_ctls;
	bool no_error_code_check;
};

struct vmx_basic vmx_decode_basic(uint64_t msr);

/* 0 if skiff can use VMX as described (region size 1..4096, write-back
 * memory type, addresses not limited to 32 bits), else -ENOTSUP with a
 * one-line reason in *why. */
int vmx_basic_check(const struct vmx_basic *basic, const char **why);

/* ---- which capability MSRs exist (reading an absent one raises #GP) ---- */

/* A.3.3: only if the primary controls allow "activate secondary controls"
 * (IA32_VMX_PROCBASED_CTLS bit 63). */
bool vmx_has_procbased_ctls2(uint64_t procbased_ctls);
/* A.10: only if IA32_VMX_PROCBASED_CTLS2 exists and allows "enable EPT"
 * (bit 33) or "enable VPID" (bit 37).  Pass 0 for procbased_ctls2 when it
 * does not exist. */
bool vmx_has_ept_vpid_cap(uint64_t procbased_ctls, uint64_t procbased_ctls2);
/* A.11: only if IA32_VMX_PROCBASED_CTLS2 allows "enable VM functions" (bit 45). */
bool vmx_has_vmfunc(uint64_t procbased_ctls, uint64_t procbased_ctls2);
/* A.3.4: only if the primary controls allow "activate tertiary controls" (bit 49). */
bool vmx_has_procbased_ctls3(uint64_t procbased_ctls);
/* A.4.2: only if the exit controls allow "activate secondary controls" (bit 63). */
bool vmx_has_exit_ctls2(uint64_t exit_ctls);

/* ---- control fields and their capability MSRs ---- */

enum vmx_ctls {
	VMX_CTLS_PINBASED,	/* PIN_BASED_VM_EXEC_CONTROL */
	VMX_CTLS_PROCBASED,	/* CPU_BASED_VM_EXEC_CONTROL */
	VMX_CTLS_PROCBASED2,	/* SECONDARY_VM_EXEC_CONTROL */
	VMX_CTLS_EXIT,		/* VM_EXIT_CONTROLS */
	VMX_CTLS_ENTRY,		/* VM_ENTRY_CONTROLS */
	VMX_CTLS_COUNT,
};

/* The MSR that governs a control field: the TRUE variant when IA32_VMX_BASIC
 * bit 55 says it exists (A.2: it lets some default1 controls be 0), the
 * plain one otherwise; secondary controls have only IA32_VMX_PROCBASED_CTLS2. */
uint32_t vmx_ctls_msr(uint64_t vmx_basic, enum vmx_ctls which);

/* "Pin-based", "secondary processor-based", ...: for messages. */
const char *vmx_ctls_name(enum vmx_ctls which);
/* The SDM's name of one control bit ("HLT exiting"), or "reserved". */
const char *vmx_control_bit_name(enum vmx_ctls which, unsigned bit);

/*
 * The value to write to a 32-bit control field, SDM Vol. 3D A.3-A.5: the
 * MSR's low half holds the allowed-0 settings (a bit set there must be 1),
 * its high half the allowed-1 settings (a bit clear there must be 0).
 *   *out     = must-be-1 bits | wanted | those optional bits that are allowed,
 *              with every bit that may not be 1 cleared
 *   *missing = wanted bits the CPU does not allow
 * Returns 0, or -ENOTSUP when *missing is not 0 (*out is still the best
 * value the CPU allows, for the caller's report).
 */
int vmx_adjust_controls(uint64_t cap_msr, uint32_t wanted, uint32_t optional,
			uint32_t *out, uint32_t *missing);

/* Prints one line per missing bit: "skiff: vmx: the CPU lacks the
 * secondary processor-based control "enable EPT" (bit 1)". */
void vmx_report_missing(enum vmx_ctls which, uint32_t missing);

/* ---- pin-based VM-execution controls, SDM Vol. 3C 25.6.1 ---- */
#define PIN_BASED_EXTERNAL_INTERRUPT_EXITING	(1u << 0)
#define PIN_BASED_NMI_EXITING			(1u << 3)
#define PIN_BASED_VIRTUAL_NMIS			(1u << 5)
#define PIN_BASED_VMX_PREEMPTION_TIMER		(1u << 6)
#define PIN_BASED_POSTED_INTERRUPTS		(1u << 7)

/* ---- primary processor-based VM-execution controls, 25.6.2 ---- */
#define CPU_BASED_INTERRUPT_WINDOW_EXITING	(1u << 2)
#define CPU_BASED_USE_TSC_OFFSETTING		(1u << 3)
#define CPU_BASED_HLT_EXITING			(1u << 7)
#define CPU_BASED_INVLPG_EXITING		(1u << 9)
#define CPU_BASED_MWAIT_EXITING			(1u << 10)
#define CPU_BASED_RDPMC_EXITING			(1u << 11)
#define CPU_BASED_RDTSC_EXITING			(1u << 12)
#define CPU_BASED_CR3_LOAD_EXITING		(1u << 15)
#define CPU_BASED_CR3_STORE_EXITING		(1u << 16)
#define CPU_BASED_ACTIVATE_TERTIARY_CONTROLS	(1u << 17)
#define CPU_BASED_CR8_LOAD_EXITING		(1u << 19)
#define CPU_BASED_CR8_STORE_EXITING		(1u << 20)
#define CPU_BASED_USE_TPR_SHADOW		(1u << 21)
#define CPU_BASED_NMI_WINDOW_EXITING		(1u << 22)
#define CPU_BASED_MOV_DR_EXITING		(1u << 23)
#define CPU_BASED_UNCONDITIONAL_IO_EXITING	(1u << 24)
#define CPU_BASED_USE_IO_BITMAPS		(1u << 25)
#define CPU_BASED_MONITOR_TRAP_FLAG		(1u << 27)
#define CPU_BASED_USE_MSR_BITMAPS		(1u << 28)
#define CPU_BASED_MONITOR_EXITING		(1u << 29)
#define CPU_BASED_PAUSE_EXITING			(1u << 30)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS	(1u << 31)

/* ---- secondary processor-based VM-execution controls, 25.6.2 ---- */
#define SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES	(1u << 0)
#define SECONDARY_EXEC_ENABLE_EPT		(1u << 1)
#define SECONDARY_EXEC_DESCRIPTOR_TABLE_EXITING	(1u << 2)
#define SECONDARY_EXEC_ENABLE_RDTSCP		(1u << 3)
#define SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE	(1u << 4)
#define SECONDARY_EXEC_ENABLE_VPID		(1u << 5)
#define SECONDARY_EXEC_WBINVD_EXITING		(1u << 6)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST	(1u << 7)
#define SECONDARY_EXEC_APIC_REGISTER_VIRT	(1u << 8)
#define SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY	(1u << 9)
#define SECONDARY_EXEC_PAUSE_LOOP_EXITING	(1u << 10)
#define SECONDARY_EXEC_RDRAND_EXITING		(1u << 11)
#define SECONDARY_EXEC_ENABLE_INVPCID		(1u << 12)
#define SECONDARY_EXEC_ENABLE_VM_FUNCTIONS	(1u << 13)
#define SECONDARY_EXEC_VMCS_SHADOWING		(1u << 14)
#define SECONDARY_EXEC_ENCLS_EXITING		(1u << 15)
#define SECONDARY_EXEC_RDSEED_EXITING		(1u << 16)
#define SECONDARY_EXEC_ENABLE_PML		(1u << 17)
#define SECONDARY_EXEC_EPT_VIOLATION_VE		(1u << 18)
#define SECONDARY_EXEC_CONCEAL_VMX_FROM_PT	(1u << 19)
#define SECONDARY_EXEC_ENABLE_XSAVES		(1u << 20)
#define SECONDARY_EXEC_PASID_TRANSLATION	(1u << 21)
#define SECONDARY_EXEC_MODE_BASED_EPT_EXEC	(1u << 22)
#define SECONDARY_EXEC_SUB_PAGE_WRITE_PERM	(1u << 23)
#define SECONDARY_EXEC_PT_GUEST_PHYSICAL	(1u << 24)
#define SECONDARY_EXEC_USE_TSC_SCALING		(1u << 25)
#define SECONDARY_EXEC_USER_WAIT_PAUSE		(1u << 26)
#define SECONDARY_EXEC_ENABLE_PCONFIG		(1u << 27)
#define SECONDARY_EXEC_ENCLV_EXITING		(1u << 28)
#define SECONDARY_EXEC_BUS_LOCK_DETECTION	(1u << 30)
#define SECONDARY_EXEC_INSTRUCTION_TIMEOUT	(1u << 31)

/* ---- primary VM-exit controls, 25.7.1 ---- */
#define VM_EXIT_SAVE_DEBUG_CONTROLS		(1u << 2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE		(1u << 9)	/* 64-bit host */
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL	(1u << 12)
#define VM_EXIT_ACK_INTR_ON_EXIT		(1u << 15)
#define VM_EXIT_SAVE_IA32_PAT			(1u << 18)
#define VM_EXIT_LOAD_IA32_PAT			(1u << 19)
#define VM_EXIT_SAVE_IA32_EFER			(1u << 20)
#define VM_EXIT_LOAD_IA32_EFER			(1u << 21)
#define VM_EXIT_SAVE_PREEMPTION_TIMER		(1u << 22)
#define VM_EXIT_CLEAR_IA32_BNDCFGS		(1u << 23)
#define VM_EXIT_CONCEAL_VMX_FROM_PT		(1u << 24)
#define VM_EXIT_CLEAR_IA32_RTIT_CTL		(1u << 25)
#define VM_EXIT_CLEAR_IA32_LBR_CTL		(1u << 26)
#define VM_EXIT_CLEAR_UINV			(1u << 27)
#define VM_EXIT_LOAD_CET_STATE			(1u << 28)
#define VM_EXIT_LOAD_PKRS			(1u << 29)
#define VM_EXIT_SAVE_IA32_PERF_GLOBAL_CTRL	(1u << 30)
#define VM_EXIT_ACTIVATE_SECONDARY_CONTROLS	(1u << 31)

/* ---- VM-entry controls, 25.8.1 ---- */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS		(1u << 2)
#define VM_ENTRY_IA32E_MODE_GUEST		(1u << 9)
#define VM_ENTRY_ENTRY_TO_SMM			(1u << 10)
#define VM_ENTRY_DEACTIVATE_DUAL_MONITOR	(1u << 11)
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL	(1u << 13)
#define VM_ENTRY_LOAD_IA32_PAT			(1u << 14)
#define VM_ENTRY_LOAD_IA32_EFER			(1u << 15)
#define VM_ENTRY_LOAD_IA32_BNDCFGS		(1u << 16)
#define VM_ENTRY_CONCEAL_VMX_FROM_PT		(1u << 17)
#define VM_ENTRY_LOAD_IA32_RTIT_CTL		(1u << 18)
#define VM_ENTRY_LOAD_UINV			(1u << 19)
#define VM_ENTRY_LOAD_CET_STATE			(1u << 20)
#define VM_ENTRY_LOAD_IA32_LBR_CTL		(1u << 21)
#define VM_ENTRY_LOAD_PKRS			(1u << 22)

/* ---- CR0 and CR4 in VMX operation, SDM Vol. 3D A.7 and A.8 ---- */

/*
 * IA32_VMX_CRn_FIXED0: a bit set there must be 1; IA32_VMX_CRn_FIXED1: a
 * bit clear there must be 0 (SDM Vol. 3C 24.8 "Restrictions on VMX
 * Operation" for skiff's own CR0/CR4 at VMXON; 27.2.2 and 27.3.1.1 for the
 * host and guest fields at VM entry).
 */
/* value with the fixed bits forced. */
uint64_t vmx_cr_adjust(uint64_t value, uint64_t fixed0, uint64_t fixed1);
/* The bits of value that break the fixed-bit rule (0: none). */
uint64_t vmx_cr_violations(uint64_t value, uint64_t fixed0, uint64_t fixed1);

/*
 * The guest CR0 field as VM entry checks it (Vol. 3C 27.3.1.1): CD and NW
 * are never checked; with "unrestricted guest" PE and PG need not be 1; and
 * PG = 1 requires PE = 1 (reported as a violation of PE).
 */
uint64_t vmx_guest_cr0_fixed0(uint64_t fixed0, bool unrestricted);
uint64_t vmx_guest_cr0_violations(uint64_t cr0, uint64_t fixed0, uint64_t fixed1,
				  bool unrestricted);
uint64_t vmx_guest_cr0_adjust(uint64_t cr0, uint64_t fixed0, uint64_t fixed1,
			      bool unrestricted);

/* ---- IA32_FEATURE_CONTROL (MSR 3AH), Vol. 3C 24.7 and Vol. 4 Table 2-2 ---- */
#define FEATURE_CONTROL_LOCKED			(1ull << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX		(1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX		(1ull << 2)

/* skiff runs outside SMX (no GETSEC[SENTER]), so only bit 2 matters. */
enum vmx_feature_control {
	VMX_FC_USABLE,			/* locked, VMX outside SMX enabled */
	VMX_FC_DISABLED_BY_FIRMWARE,	/* locked without it: VMXON raises #GP
					 * until the firmware setup enables VT-x */
	VMX_FC_UNLOCKED,		/* skiff may set bit 2 and lock (until reset) */
};

enum vmx_feature_control vmx_classify_feature_control(uint64_t value);
/* For VMX_FC_UNLOCKED: the value to write (other bits kept). */
uint64_t vmx_feature_control_enable(uint64_t value);
/* One line for the console, saying what the user can do. */
const char *vmx_feature_control_explain(enum vmx_feature_control fc);

#endif
