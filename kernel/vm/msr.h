/*
 * The MSR policy: an allow-list.  One list (VM_MSR_POLICY) names every MSR
 * the guest may touch, with what RDMSR and WRMSR of it do and why that is
 * safe; it gives both the table the backend builds its intercepts from
 * (the VT-x MSR bitmap) and the rule it consults on every MSR exit, inline.
 * An MSR the list does not name is refused: #GP, as on a CPU without it,
 * and a write of it is reported (vm_refused()) as what the guest tried.  No rule lets a guest
 * write change how skiff's memory is mapped, cached or decoded, or
 * skiff's sense of time.  README.md has the same list as a table.
 */
#ifndef SKIFF_VM_MSR_H
#define SKIFF_VM_MSR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/mtrr_view.h"
#include "x86.h"

/* The VMX capability MSRs, IA32_VMX_BASIC .. IA32_VMX_EXIT_CTLS2 (SDM
 * Vol. 4 Table 2-2): the guest has no VMX, so they do not exist for it. */
#define VM_MSR_VMX_FIRST	0x480u
#define VM_MSR_VMX_LAST		0x493u
/* The x2APIC's MSRs (SDM Vol. 3A 11.12.1.2), and its interrupt command
 * register (11.12.9). */
#define VM_MSR_X2APIC_FIRST	0x800u
#define VM_MSR_X2APIC_ICR_NR	0x830u
#define VM_MSR_X2APIC_LAST	0x8ffu
/* The rest of the list's numbers, SDM Vol. 4 Table 2-2. */
#define VM_MSR_SPEC_CTRL	0x48u
#define VM_MSR_PRED_CMD		0x49u
#define VM_MSR_BIOS_UPDT_TRIG	0x79u
#define VM_MSR_BIOS_SIGN_ID	0x8bu
#define VM_MSR_PLATFORM_INFO	0xceu
#define VM_MSR_MPERF		0xe7u
#define VM_MSR_APERF		0xe8u
#define VM_MSR_ARCH_CAPABILITIES 0x10au
#define VM_MSR_FLUSH_CMD	0x10bu
#define VM_MSR_MCG_CAP		0x179u
#define VM_MSR_MCG_STATUS	0x17au
#define VM_MSR_MCG_CTL		0x17bu
#define VM_MSR_MISC_ENABLE	0x1a0u
#define VM_MSR_SMRR_PHYSBASE	0x1f2u
#define VM_MSR_SMRR_PHYSMASK	0x1f3u
#define VM_MSR_MC_BANKS_FIRST	0x400u	/* IA32_MC0_CTL */
#define VM_MSR_MC_BANKS_LAST	0x47fu
#define VM_MSR_DS_AREA		0x600u
#define VM_MSR_TSC_DEADLINE	0x6e0u
#define VM_MSR_XSS		0xda0u
#define VM_MSR_CSTAR		0xc0000083u
#define VM_MSR_TSC_AUX		0xc0000103u

enum vm_msr_rule {
	VM_MSR_PASS = 0,	/* the guest's: the real MSR */
	VM_MSR_GP,		/* #GP, as on a CPU without it (VMX's MSRs) */
	VM_MSR_REFUSED,		/* #GP, and a write is reported (vm_refused()) */
	VM_MSR_LOCKED_OFF,	/* IA32_FEATURE_CONTROL: locked, VMX off */
	VM_MSR_EFER,		/* written under vm_efer_write_faults() */
	VM_MSR_X2APIC_ICR,	/* the guest's IPIs: INIT is skiff's (vm/ipi.h) */
	VM_MSR_APIC_BASE,	/* written only with the architectural base */
	VM_MSR_TSC,		/* the guest's clock: TSC offsetting, skiff's stays */
	VM_MSR_MTRR,		/* the guest's own MTRRs (vm/mtrr_view.h) */
	VM_MSR_COPY,		/* the guest's own copy; the real one stays */
	VM_MSR_NO_BANKS,	/* IA32_MCG_CAP: the CPU's, without banks */
	VM_MSR_PAT,		/* the guest's only while the VMCS switches it */
};

struct vm_msr_range {
	uint32_t first, last;
	enum vm_msr_rule read, write;
	const char *why;
};

/* X(first, last, read rule, write rule, why): every MSR the guest may
 * touch, in ascending order.  Rules other than PASS and GP are the
 * backend's to carry out. */
#define VM_MSR_POLICY(X)							\
	X(MSR_IA32_TSC, MSR_IA32_TSC, VM_MSR_PASS, VM_MSR_TSC,				\
	  "skiff's watchdog and timing count the real TSC: a guest write moves "	\
	  "only the guest's clock (the VMCS TSC offset), which the CPU adds to the "	\
	  "guest's RDMSR and RDTSC")							\
	X(MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, VM_MSR_PASS, VM_MSR_APIC_BASE,	\
	  "the local APIC's page decodes before memory on its CPU, skiff's own "	\
	  "accesses included: it may not move (vm_apic_base_write_ok())")		\
	X(MSR_IA32_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL, VM_MSR_LOCKED_OFF, VM_MSR_GP,	\
	  "the guest has no VMX: the control reads as locked with VMX off, and a "	\
	  "locked MSR is not writable")						\
	X(MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_ADJUST, VM_MSR_TSC, VM_MSR_TSC,		\
	  "writing it moves the real TSC (SDM Vol. 3B 18.17.3); the guest's "		\
	  "view is kept by skiff and moves the guest's offset")			\
	X(VM_MSR_SPEC_CTRL, VM_MSR_PRED_CMD, VM_MSR_PASS, VM_MSR_PASS,			\
	  "speculation controls of this logical processor: they change how fast "	\
	  "code runs, never what it reaches; the CPU refuses them where absent")	\
	X(VM_MSR_BIOS_UPDT_TRIG, VM_MSR_BIOS_UPDT_TRIG, VM_MSR_GP, VM_MSR_REFUSED,		\
	  "loading microcode changes what the CPU does for skiff too")		\
	X(VM_MSR_BIOS_SIGN_ID, VM_MSR_BIOS_SIGN_ID, VM_MSR_PASS, VM_MSR_PASS,		\
	  "the microcode revision; a write only clears the field CPUID fills")	\
	X(VM_MSR_PLATFORM_INFO, VM_MSR_PLATFORM_INFO, VM_MSR_PASS, VM_MSR_GP,		\
	  "read-only facts about the processor")					\
	X(VM_MSR_MPERF, VM_MSR_APERF, VM_MSR_PASS, VM_MSR_GP,				\
	  "frequency counters: the guest reads them; a write would skew what "	\
	  "the firmware's power management measures")				\
	X(VM_MSR_MTRRCAP, VM_MSR_MTRRCAP, VM_MSR_MTRR, VM_MSR_GP,			\
	  "the guest's MTRRs are its own view (vm/mtrr_view.h); IA32_MTRRCAP "	\
	  "is read-only")								\
	X(VM_MSR_ARCH_CAPABILITIES, VM_MSR_ARCH_CAPABILITIES, VM_MSR_PASS, VM_MSR_GP,	\
	  "read-only facts about the processor")					\
	X(VM_MSR_FLUSH_CMD, VM_MSR_FLUSH_CMD, VM_MSR_PASS, VM_MSR_PASS,		\
	  "a command that flushes this processor's L1 data cache; no state")		\
	X(MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_EIP, VM_MSR_PASS, VM_MSR_PASS,	\
	  "guest state the VMCS saves and loads; skiff's exits set their own")	\
	X(VM_MSR_MCG_CAP, VM_MSR_MCG_CAP, VM_MSR_NO_BANKS, VM_MSR_GP,			\
	  "the machine-check banks report and control errors for every CPU of a "	\
	  "package: the guest sees none, and IA32_MCG_CAP is read-only")		\
	X(VM_MSR_MCG_STATUS, VM_MSR_MCG_STATUS, VM_MSR_PASS, VM_MSR_GP,		\
	  "the guest may see a machine check in progress; clearing it is skiff's")	\
	X(VM_MSR_MISC_ENABLE, VM_MSR_MISC_ENABLE, VM_MSR_COPY, VM_MSR_COPY,		\
	  "its bits are the package's on many CPUs, and one turns NX off in "	\
	  "skiff's own page tables: the guest writes a copy of its own")		\
	X(MSR_IA32_DEBUGCTL, MSR_IA32_DEBUGCTL, VM_MSR_PASS, VM_MSR_PASS,		\
	  "guest state the VMCS saves and loads; a VM exit clears it for skiff")	\
	X(VM_MSR_MTRR_VAR_FIRST, VM_MSR_MTRR_FIX_LAST, VM_MSR_MTRR, VM_MSR_MTRR,	\
	  "the real MTRRs type skiff's memory: the guest's are its own view, "	\
	  "applied to guest memory through the EPT memory types (vm/mtrr_view.h)")	\
	X(MSR_IA32_PAT, MSR_IA32_PAT, VM_MSR_PASS, VM_MSR_PAT,				\
	  "the VMCS switches PAT on entry and exit where the CPU can; elsewhere "	\
	  "skiff's page tables would take the guest's memory types")			\
	X(VM_MSR_MTRR_DEF_TYPE, VM_MSR_MTRR_DEF_TYPE, VM_MSR_MTRR, VM_MSR_MTRR,	\
	  "the guest's default memory type is its own view (vm/mtrr_view.h)")	\
	X(VM_MSR_VMX_FIRST, VM_MSR_VMX_LAST, VM_MSR_GP, VM_MSR_GP,			\
	  "the VMX capability MSRs do not exist on a CPU without VMX")		\
	X(VM_MSR_TSC_DEADLINE, VM_MSR_TSC_DEADLINE, VM_MSR_PASS, VM_MSR_PASS,		\
	  "the guest's local APIC timer")						\
	X(VM_MSR_X2APIC_FIRST, VM_MSR_X2APIC_ICR_NR - 1, VM_MSR_PASS, VM_MSR_PASS,	\
	  "the guest's own local APIC, as it reaches it through the xAPIC page")	\
	X(VM_MSR_X2APIC_ICR_NR, VM_MSR_X2APIC_ICR_NR, VM_MSR_PASS, VM_MSR_X2APIC_ICR,	\
	  "an INIT must reach only the guest's own vCPUs, and as the hardware's INIT " \
	  "would: skiff delivers it (vm/ipi.h)")					\
	X(VM_MSR_X2APIC_ICR_NR + 1, VM_MSR_X2APIC_LAST, VM_MSR_PASS, VM_MSR_PASS,	\
	  "the guest's own local APIC, as it reaches it through the xAPIC page")	\
	X(VM_MSR_XSS, VM_MSR_XSS, VM_MSR_PASS, VM_MSR_PASS,				\
	  "XSAVES state of this processor; skiff never executes XSAVES or XRSTORS")	\
	X(MSR_IA32_EFER, MSR_IA32_EFER, VM_MSR_PASS, VM_MSR_EFER,			\
	  "EFER is switched by VM entry and exit; a write is checked as the CPU would")	\
	X(MSR_IA32_STAR, VM_MSR_CSTAR, VM_MSR_PASS, VM_MSR_PASS,			\
	  "SYSCALL's targets; skiff never executes SYSCALL")				\
	X(MSR_IA32_FMASK, MSR_IA32_FMASK, VM_MSR_PASS, VM_MSR_PASS,			\
	  "SYSCALL's flag mask; skiff never executes SYSCALL")			\
	X(MSR_IA32_FS_BASE, MSR_IA32_GS_BASE, VM_MSR_PASS, VM_MSR_PASS,		\
	  "guest state the VMCS saves and loads; skiff's GS base is the host state's")	\
	X(MSR_IA32_KERNEL_GS_BASE, VM_MSR_TSC_AUX, VM_MSR_PASS, VM_MSR_PASS,		\
	  "SWAPGS's and RDTSCP's; skiff executes neither")

extern const struct vm_msr_range vm_msr_ranges[];
extern const size_t vm_msr_range_count;

/* The rule for a RDMSR (write = false) or WRMSR of msr. */
static inline enum vm_msr_rule vm_msr_rule(uint32_t msr, bool write)
{
#define VM_MSR_MATCH(first, last, r, w, why)		\
	if (msr >= (first) && msr <= (last))		\
		return write ? (w) : (r);
	VM_MSR_POLICY(VM_MSR_MATCH)
#undef VM_MSR_MATCH
	return write ? VM_MSR_REFUSED : VM_MSR_GP;
}

/* Why msr is refused (a write of it is reported with this). */
const char *vm_msr_refusal(uint32_t msr);

/* What IA32_MCG_CAP reads as: the CPU's value with no banks (Count, bits
 * 7:0) and none of the capabilities that come with them (SDM Vol. 3B
 * 16.3.1.1): MCG_CTL_P (8), MCG_EXT_P (9), MCG_CMCI_P (10), MCG_TES_P (11),
 * MCG_EXT_CNT (23:16), MCG_SER_P (24), MCG_ELOG_P (26), MCG_LMCE_P (27). */
#define VM_MCG_CAP_HIDDEN	0x0dff0fffull

/* The local APIC's architectural base (SDM Vol. 3A 11.4.4), the only one
 * a guest may write into IA32_APIC_BASE.  Every CPU's APIC sits at one
 * physical page that takes precedence over memory for that CPU's
 * accesses, VMX root included; moved onto skiff's pages, it would
 * redirect skiff's own stores.  The mode bits (enable, x2APIC) are the
 * guest's: the CPU itself refuses a transition the SDM does not allow. */
#define VM_APIC_BASE_ARCH	0xfee00000ull
#define VM_APIC_BASE_ADDR_MASK	0x000ffffffffff000ull

static inline bool vm_apic_base_write_ok(uint64_t value)
{
	return (value & VM_APIC_BASE_ADDR_MASK) == VM_APIC_BASE_ARCH;
}

/* What IA32_FEATURE_CONTROL reads as: locked, VMX off. */
#define VM_MSR_FEATURE_CONTROL_VALUE	1ull

#endif
