/*
 * Faults on request ("fault=ud", "fault=pf", "fault=gp", "fault=stack" on
 * the command line), so the exception reporter can be seen and tested: in a lab, this
 * is how a student checks that a mistake in skiff is explained.  Also
 * "fault=svm-locked": AMD-V as locked off by the firmware (svm/probe.h).
 */
#include <stdint.h>

#include "debug.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "svm/probe.h"

/* Near the top of the canonical lower half: no PC has memory there, so
 * skiff's page tables never map it. */
#define UNMAPPED_ADDRESS	0x00007ff000000000ull
#define NON_CANONICAL_ADDRESS	0x0000800000000000ull

/* Recurses until the stack runs into its guard page. */
static __attribute__((noinline)) uint64_t overflow_stack(uint64_t depth)
{
	volatile uint8_t frame[256];

	frame[0] = (uint8_t)depth;
	if (depth == UINT64_MAX)	/* never: the guard page stops it long before */
		return 0;
	return overflow_stack(depth + 1) + frame[0];
}

void debug_fault(const char *kind)
{
	kprintf("skiff: fault=%s requested on the command line\n", kind);
	if (strcmp(kind, "ud") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(kind, "pf") == 0)
		*(volatile uint64_t *)UNMAPPED_ADDRESS = 1;
	else if (strcmp(kind, "gp") == 0)
		(void)*(volatile uint64_t *)NON_CANONICAL_ADDRESS;
	else if (strcmp(kind, "stack") == 0)
		overflow_stack(0);
	else if (strcmp(kind, "svm-locked") == 0)
		svm_probe_pretend_vm_cr(VM_CR_SVMDIS | VM_CR_LOCK);
	else if (strcmp(kind, "guest-state") == 0)
		kprintf("skiff: the guest's state will be broken just before its VM entry\n");
	else
		kprintf("skiff: unknown fault kind \"%s\" (ud, pf, gp, stack, guest-state or "
			"svm-locked); ignored\n",
			kind);
}
