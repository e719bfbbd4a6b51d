/*
 * The VMRUN consistency checks in software (AMD64 APM Vol. 2 15.5.1,
 * "Canonicalization and Consistency Checks"), so that a VMEXIT_INVALID
 * (-1) is explained by the rule it broke, as kernel/vmx/diag/entry_check.c
 * explains a failed VM entry: the CPU says only that some check failed.
 * Pure: reads a struct vmcb and what the CPU allows.
 */
#ifndef SKIFF_SVM_DIAG_VMRUN_CHECK_H
#define SKIFF_SVM_DIAG_VMRUN_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vmcb.h"

/* What this CPU allows, from CPUID. */
struct svm_vmrun_limits {
	unsigned phys_addr_width;	/* MAXPHYADDR: CPUID 8000_0008h EAX[7:0] */
	bool long_mode;			/* CPUID 8000_0001h EDX.LM */
	uint64_t efer_defined;		/* EFER bits this CPU has */
	uint64_t cr4_defined;		/* CR4 bits this CPU has */
};

/* CR3's MBZ check alone: a bit above the physical-address width in long
 * mode, above bit 31 otherwise. */
bool svm_vmrun_cr3_mbz(const struct vmcb_save *s, const struct svm_vmrun_limits *l);

/* Called once per failed check with the rule in one line. */
typedef void (*svm_check_fail_fn)(void *arg, const char *rule);

/* Every check of 15.5.1 the VMCB fails, each passed to fail; returns how
 * many failed (0: VMRUN would accept this VMCB, as far as these go). */
unsigned svm_vmrun_check(const struct vmcb *v, const struct svm_vmrun_limits *l,
			 svm_check_fail_fn fail, void *arg);

#endif
