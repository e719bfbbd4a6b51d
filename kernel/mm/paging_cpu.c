/*
 * The one part of the host page tables that needs the CPU: loading them.
 * Kept apart from paging.c so that the host tests build all of that file.
 */
#include "mm/paging.h"

#include "x86.h"

void paging_activate(const struct paging *p)
{
	write_cr3(p->pt.root);	/* PCD = PWT = 0: the PML4 is cached WB */
}
