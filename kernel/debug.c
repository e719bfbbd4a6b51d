/*
 * Faults on request ("fault=ud", "fault=pf", "fault=gp" on the command
 * line), so the exception reporter can be seen and tested: in a lab, this
 * is how a student checks that a mistake in skiff is explained.
 */
#include <stdint.h>

#include "debug.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Above the 4 GiB the boot page tables map, so the access must fault. */
#define UNMAPPED_ADDRESS	0x0000008000000000ull
#define NON_CANONICAL_ADDRESS	0x0000800000000000ull

void debug_fault(const char *kind)
{
	kprintf("skiff: fault=%s requested on the command line\n", kind);
	if (strcmp(kind, "ud") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(kind, "pf") == 0)
		*(volatile uint64_t *)UNMAPPED_ADDRESS = 1;
	else if (strcmp(kind, "gp") == 0)
		(void)*(volatile uint64_t *)NON_CANONICAL_ADDRESS;
	else
		kprintf("skiff: unknown fault kind \"%s\" (ud, pf or gp); ignored\n", kind);
}
