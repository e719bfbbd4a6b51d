/*
 * The MSR policy: which MSRs skiff keeps from the guest, and what RDMSR
 * and WRMSR of each do.  One list (VM_MSR_POLICY) that gives both the
 * table the backend builds its intercepts from (the VT-x MSR bitmap) and
 * the rule it consults on every MSR exit, inline.  An MSR the list does
 * not name is the guest's: the backend reads or writes the real one for
 * it, and a #GP from the CPU goes back to the guest.
 */
#ifndef SKIFF_VM_MSR_H
#define SKIFF_VM_MSR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86.h"

/* The VMX capability MSRs, IA32_VMX_BASIC .. IA32_VMX_EXIT_CTLS2 (SDM
 * Vol. 4 Table 2-2): the guest has no VMX, so they do not exist for it. */
#define VM_MSR_VMX_FIRST	0x480u
#define VM_MSR_VMX_LAST		0x493u
/* The x2APIC interrupt command register (SDM Vol. 3A 11.12.9). */
#define VM_MSR_X2APIC_ICR_NR	0x830u

enum vm_msr_rule {
	VM_MSR_PASS = 0,	/* the guest's: the real MSR */
	VM_MSR_GP,		/* #GP, as on a CPU without it */
	VM_MSR_LOCKED_OFF,	/* IA32_FEATURE_CONTROL: locked, VMX off */
	VM_MSR_EFER,		/* written under vm_efer_write_faults() */
	VM_MSR_X2APIC_ICR,	/* the guest's IPIs: INIT is skiff's (vm/ipi.h) */
	VM_MSR_APIC_BASE,	/* written only with the architectural base */
	VM_MSR_TSC,		/* the guest's clock: TSC offsetting, skiff's stays */
};

struct vm_msr_range {
	uint32_t first, last;
	enum vm_msr_rule read, write;
	const char *why;
};

/* X(first, last, read rule, write rule, why): each range skiff keeps. */
#define VM_MSR_POLICY(X)							\
	X(MSR_IA32_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL, VM_MSR_LOCKED_OFF, VM_MSR_GP,	\
	  "the guest has no VMX: the control reads as locked with VMX off, and a "	\
	  "locked MSR is not writable")						\
	X(VM_MSR_VMX_FIRST, VM_MSR_VMX_LAST, VM_MSR_GP, VM_MSR_GP,			\
	  "the VMX capability MSRs do not exist on a CPU without VMX")		\
	X(MSR_IA32_EFER, MSR_IA32_EFER, VM_MSR_PASS, VM_MSR_EFER,			\
	  "EFER is switched by VM entry and exit; a write is checked as the CPU would")	\
	X(MSR_IA32_TSC, MSR_IA32_TSC, VM_MSR_PASS, VM_MSR_TSC,				\
	  "skiff's watchdog and timing count the real TSC: a guest write moves "	\
	  "only the guest's clock (the VMCS TSC offset), and the hardware adds "	\
	  "that offset to the guest's RDMSR and RDTSC")					\
	X(MSR_IA32_TSC_ADJUST, MSR_IA32_TSC_ADJUST, VM_MSR_TSC, VM_MSR_TSC,		\
	  "writing it moves the real TSC (SDM Vol. 3B 18.17.3); the guest's "		\
	  "view is kept by skiff and moves the guest's offset")			\
	X(MSR_IA32_APIC_BASE, MSR_IA32_APIC_BASE, VM_MSR_PASS, VM_MSR_APIC_BASE,	\
	  "the local APIC's page decodes before memory on its CPU, skiff's own "	\
	  "accesses included: it may not move (vm_apic_base_write_ok())")		\
	X(VM_MSR_X2APIC_ICR_NR, VM_MSR_X2APIC_ICR_NR, VM_MSR_PASS, VM_MSR_X2APIC_ICR,	\
	  "an INIT must reach only the guest's own vCPUs, and as the hardware's INIT " \
	  "would: skiff delivers it (vm/ipi.h)")

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
	return VM_MSR_PASS;
}

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
