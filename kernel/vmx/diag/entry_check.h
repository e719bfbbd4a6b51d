/*
 * The VM-entry checker: the checks a CPU makes on VMLAUNCH/VMRESUME, done
 * in software so that a failed entry names the rule it broke.  The CPU
 * itself says only "VM-instruction error 7" (a control field), "8" (a
 * host-state field) or "exit reason 33" (the guest state).
 *
 * Sources, Intel SDM Vol. 3C chapter 27 "VM Entries" (chapter 26 in
 * editions before 2022; this file cites the current numbering only):
 *   27.2.1.1  VM-execution control fields
 *   27.2.1.2  VM-exit control fields
 *   27.2.1.3  VM-entry control fields (event injection among them)
 *   27.2.2    host control registers and MSRs
 *   27.2.3    host segment and descriptor-table registers
 *   27.2.4    checks related to address-space size
 *   27.3.1.1  guest control registers, debug registers and MSRs
 *   27.3.1.2  guest segment registers
 *   27.3.1.3  guest descriptor-table registers
 *   27.3.1.4  guest RIP and RFLAGS
 *   27.3.1.5  guest non-register state
 *   27.3.1.6  guest PDPTEs (only those EPT takes from the VMCS fields)
 *
 * The checker reads the current VMCS through the typed accessors of
 * vmcs.h only (VMREAD in skiff, tests/unit/vmcs_fake.c on the host) and
 * takes every capability it needs from struct entry_check_caps: it runs
 * no RDMSR or CPUID of its own.  It reads a field only when the controls
 * that give the field its meaning are set and allowed, so it never asks a
 * CPU for a field that CPU lacks.
 *
 * Not modelled: what lies in memory (the virtual-APIC page's VTPR, the
 * PDPTEs CR3 points to without EPT, the revision identifier of a linked
 * VMCS, the MSR-load areas' entries), the SMM-only cases (skiff never
 * runs in SMM), a host outside IA-32e mode (skiff is a 64-bit kernel),
 * and the controls skiff has no use for: tertiary controls, secondary
 * VM-exit controls, CET, PKRS, IA32_PERF_GLOBAL_CTRL, IA32_RTIT_CTL,
 * IA32_LBR_CTL, UINV, sub-page permissions, PASID translation, HLAT.
 */
#ifndef SKIFF_VMX_ENTRY_CHECK_H
#define SKIFF_VMX_ENTRY_CHECK_H

#include <stdbool.h>
#include <stdint.h>

/* What the CPU allows: raw MSR values as appendix A of SDM Vol. 3D gives
 * them, and three CPUID facts. */
struct entry_check_caps {
	uint64_t basic;			/* IA32_VMX_BASIC */
	/* The TRUE variants when IA32_VMX_BASIC[55] is 1, else the plain ones
	 * (vmx_ctls_msr() picks the right one). */
	uint64_t pinbased_ctls;
	uint64_t procbased_ctls;
	uint64_t exit_ctls;
	uint64_t entry_ctls;
	uint64_t procbased_ctls2;	/* IA32_VMX_PROCBASED_CTLS2, 0 if absent */
	uint64_t misc;			/* IA32_VMX_MISC */
	uint64_t cr0_fixed0, cr0_fixed1;	/* IA32_VMX_CR0_FIXED0/1 */
	uint64_t cr4_fixed0, cr4_fixed1;	/* IA32_VMX_CR4_FIXED0/1 */
	uint64_t ept_vpid_cap;		/* IA32_VMX_EPT_VPID_CAP, 0 if absent */
	uint64_t vmfunc;		/* IA32_VMX_VMFUNC, 0 if absent */
	unsigned phys_addr_width;	/* MAXPHYADDR, CPUID.80000008H:EAX[7:0] */
	unsigned linear_addr_width;	/* CPUID.80000008H:EAX[15:8]: 48, or 57 */
	bool rtm;			/* CPUID.(EAX=07H,ECX=0):EBX.RTM[bit 11] */
	bool sgx;			/* CPUID.(EAX=07H,ECX=0):EBX.SGX[bit 2] */
};

/*
 * The rules, in the order the checker applies them (the SDM's order).
 * entry_rule_info() gives each one's name (the enumerator without "EC_"),
 * the fields it reads, its statement and its SDM section.
 */
enum entry_rule {
	/* 27.2.1.1 VM-execution control fields */
	EC_CTL_PIN_RESERVED,
	EC_CTL_PROC_RESERVED,
	EC_CTL_PROC2_RESERVED,
	EC_CTL_CR3_TARGET_COUNT,
	EC_CTL_IO_BITMAP_ADDR,
	EC_CTL_MSR_BITMAP_ADDR,
	EC_CTL_VIRTUAL_APIC_ADDR,
	EC_CTL_TPR_THRESHOLD,
	EC_CTL_TPR_SHADOW_NEEDED,
	EC_CTL_VIRTUAL_NMIS,
	EC_CTL_NMI_WINDOW,
	EC_CTL_APIC_ACCESS_ADDR,
	EC_CTL_X2APIC_APIC_ACCESS,
	EC_CTL_VID_EXT_INT,
	EC_CTL_POSTED_VID,
	EC_CTL_POSTED_ACK,
	EC_CTL_POSTED_VECTOR,
	EC_CTL_POSTED_DESC_ADDR,
	EC_CTL_VPID_ZERO,
	EC_CTL_EPTP_MEMTYPE,
	EC_CTL_EPTP_WALK_LENGTH,
	EC_CTL_EPTP_AD,
	EC_CTL_EPTP_SSS,
	EC_CTL_EPTP_RESERVED,
	EC_CTL_UNRESTRICTED_EPT,
	EC_CTL_PML_EPT,
	EC_CTL_PML_ADDR,
	EC_CTL_VMFUNC_RESERVED,
	EC_CTL_EPTP_SWITCHING_EPT,
	EC_CTL_EPTP_LIST_ADDR,
	EC_CTL_VMCS_SHADOW_BITMAPS,
	EC_CTL_VE_INFO_ADDR,
	/* 27.2.1.2 VM-exit control fields */
	EC_CTL_EXIT_RESERVED,
	EC_CTL_SAVE_TIMER,
	EC_CTL_EXIT_MSR_STORE,
	EC_CTL_EXIT_MSR_LOAD,
	/* 27.2.1.3 VM-entry control fields */
	EC_CTL_ENTRY_RESERVED,
	EC_CTL_INJECT_TYPE,
	EC_CTL_INJECT_VECTOR,
	EC_CTL_INJECT_ERROR_CODE,
	EC_CTL_INJECT_RESERVED,
	EC_CTL_INJECT_ERROR_VALUE,
	EC_CTL_INJECT_LENGTH,
	EC_CTL_ENTRY_SMM,
	EC_CTL_ENTRY_MSR_LOAD,
	/* 27.2.2 host control registers and MSRs */
	EC_HOST_CR0_FIXED,
	EC_HOST_CR4_FIXED,
	EC_HOST_CR3_WIDTH,
	EC_HOST_SYSENTER_CANONICAL,
	EC_HOST_PAT,
	EC_HOST_EFER_RESERVED,
	EC_HOST_EFER_LMA_LME,
	/* 27.2.3 host segment and descriptor-table registers */
	EC_HOST_SELECTOR_RPL_TI,
	EC_HOST_CS_NULL,
	EC_HOST_TR_NULL,
	EC_HOST_BASE_CANONICAL,
	/* 27.2.4 address-space size */
	EC_HOST_ADDR_SPACE_SIZE,
	EC_HOST_CR4_PAE,
	EC_HOST_RIP_CANONICAL,
	/* 27.3.1.1 guest control registers, debug registers, MSRs */
	EC_GUEST_CR0_FIXED,
	EC_GUEST_CR0_PG_PE,
	EC_GUEST_CR4_FIXED,
	EC_GUEST_DEBUGCTL,
	EC_GUEST_IA32E_PG_PAE,
	EC_GUEST_PCIDE,
	EC_GUEST_CR3_WIDTH,
	EC_GUEST_DR7,
	EC_GUEST_SYSENTER_CANONICAL,
	EC_GUEST_PAT,
	EC_GUEST_EFER_RESERVED,
	EC_GUEST_EFER_LMA,
	EC_GUEST_EFER_LME,
	EC_GUEST_BNDCFGS,
	/* 27.3.1.2 guest segment registers */
	EC_GUEST_TR_TI,
	EC_GUEST_LDTR_TI,
	EC_GUEST_SS_RPL,
	EC_GUEST_V86_BASE,
	EC_GUEST_V86_LIMIT,
	EC_GUEST_V86_AR,
	EC_GUEST_BASE_CANONICAL,
	EC_GUEST_BASE_UPPER,
	EC_GUEST_CS_TYPE,
	EC_GUEST_SS_TYPE,
	EC_GUEST_DATA_TYPE,
	EC_GUEST_SEG_S,
	EC_GUEST_CS_DPL,
	EC_GUEST_SS_DPL,
	EC_GUEST_DATA_DPL,
	EC_GUEST_SEG_PRESENT,
	EC_GUEST_SEG_RESERVED,
	EC_GUEST_CS_DB,
	EC_GUEST_SEG_GRANULARITY,
	EC_GUEST_TR_TYPE,
	EC_GUEST_TR_S,
	EC_GUEST_TR_PRESENT,
	EC_GUEST_TR_USABLE,
	EC_GUEST_LDTR_AR,
	/* 27.3.1.3 guest descriptor-table registers */
	EC_GUEST_DTR_BASE,
	EC_GUEST_DTR_LIMIT,
	/* 27.3.1.4 guest RIP and RFLAGS */
	EC_GUEST_RIP_UPPER,
	EC_GUEST_RIP_CANONICAL,
	EC_GUEST_RFLAGS_RESERVED,
	EC_GUEST_RFLAGS_VM,
	EC_GUEST_RFLAGS_IF,
	/* 27.3.1.5 guest non-register state */
	EC_GUEST_ACTIVITY_STATE,
	EC_GUEST_ACTIVITY_HLT_DPL,
	EC_GUEST_ACTIVITY_BLOCKING,
	EC_GUEST_ACTIVITY_EVENT,
	EC_GUEST_INTR_RESERVED,
	EC_GUEST_INTR_ENCLAVE,
	EC_GUEST_INTR_STI_MOV_SS,
	EC_GUEST_INTR_STI_IF,
	EC_GUEST_INTR_EXT_INT,
	EC_GUEST_INTR_NMI_MOV_SS,
	EC_GUEST_INTR_SMI,
	EC_GUEST_INTR_VIRTUAL_NMI,
	EC_GUEST_PENDING_DBG_RESERVED,
	EC_GUEST_PENDING_DBG_BS,
	EC_GUEST_PENDING_DBG_RTM,
	EC_GUEST_LINK_SHADOWING,
	EC_GUEST_LINK_ADDR,
	EC_GUEST_LINK_NONE,
	/* 27.3.1.6 guest PDPTEs */
	EC_GUEST_PDPTE,
	EC_RULE_COUNT
};

/* How the CPU reports a violation of the rule (SDM Vol. 3C 27.2, 27.8). */
enum entry_check_kind {
	ENTRY_CHECK_CONTROL,	/* 27.2.1: VMfailValid, VM-instruction error 7 */
	ENTRY_CHECK_HOST,	/* 27.2.2-27.2.4: VMfailValid, error 8 */
	ENTRY_CHECK_GUEST,	/* 27.3.1: exit reason 33 with bit 31 set */
	ENTRY_CHECK_KINDS
};

struct entry_rule_info {
	const char *name;	/* "GUEST_TR_TYPE" */
	const char *section;	/* "27.3.1.2" */
	const char *fields;	/* the VMCS fields the rule reads, by name */
	const char *statement;	/* the rule in one line */
	enum entry_check_kind kind;
};

/* The rule's description; NULL for a value outside the enum. */
const struct entry_rule_info *entry_rule_info(enum entry_rule rule);

/* Violations beyond this many are counted but their rules not kept. */
#define ENTRY_CHECK_MAX_KEPT	32

struct entry_check_report {
	unsigned count;				/* violations, one line printed each */
	unsigned by_kind[ENTRY_CHECK_KINDS];
	unsigned kept;				/* min(count, ENTRY_CHECK_MAX_KEPT) */
	enum entry_rule rules[ENTRY_CHECK_MAX_KEPT];	/* in the order found */
};

/*
 * Checks the current VMCS against every rule.  Each violation prints one
 * line, "skiff: entry check: FIELD = 0xVALUE: statement (SDM section)
 * [RULE]"; nothing is printed when there is none.  Fills *out (which may
 * be NULL) and returns the number of violations.
 */
int vmx_entry_check(const struct entry_check_caps *caps, struct entry_check_report *out);

/* Whether the report holds a violation of rule. */
bool entry_check_found(const struct entry_check_report *r, enum entry_rule rule);

/* The capabilities of the CPU skiff runs on: the VMX capability MSRs that
 * exist (reading an absent one would raise #GP) and CPUID.  In the kernel
 * only; host tests that link a caller stand them in. */
void vmx_entry_check_caps_read(struct entry_check_caps *caps);

/* vmx_entry_check() with this CPU's capabilities, on the current VMCS. */
int vmx_entry_check_cpu(struct entry_check_report *out);

#endif
