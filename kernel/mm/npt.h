/*
 * Nested page tables (AMD64 APM Vol. 2 15.25 "Nested Paging"): the
 * guest-physical to system-physical translation of an SVM guest, as the
 * EPT is of a VT-x one.  Their format is long mode's 4-level page-table
 * format (Vol. 2 5.3 and 5.4), so the tree is the page-table engine's
 * (pt.c) with one more struct pt_format.  Two rules set it apart from
 * skiff's own tables: the CPU walks nested tables as user accesses
 * (15.25.5), so every entry has U/S set; and a leaf's memory type is the
 * host's PAT entry its PWT, PCD and PAT bits select, combined with the
 * MTRRs of the system-physical address and then with the guest's own type
 * (15.25.8): skiff selects PAT entry 0 (write-back from reset, and skiff
 * never changes it), so the firmware's MTRRs type the memory, as on bare
 * metal, and the NPT needs no retyping when the guest writes its MTRRs.
 * Pure code: the host tests run it.
 */
#ifndef SKIFF_MM_NPT_H
#define SKIFF_MM_NPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pt.h"
#include "mm/range.h"

/* Entry bits (Vol. 2 5.4, Figures 5-18 to 5-25). */
#define NPT_PRESENT		(1ull << 0)
#define NPT_WRITE		(1ull << 1)
#define NPT_USER		(1ull << 2)	/* required on every nested entry */
#define NPT_PWT			(1ull << 3)
#define NPT_ACCESSED		(1ull << 5)	/* the CPU sets it in every entry it walks */
#define NPT_DIRTY		(1ull << 6)	/* ... and in a leaf it writes through */
#define NPT_PCD			(1ull << 4)
#define NPT_LARGE_PAGE		(1ull << 7)	/* PS, in a PDPTE or PDE */
#define NPT_PAT			(1ull << 7)	/* in a 4 KiB PTE */
#define NPT_PAT_LARGE		(1ull << 12)	/* in a 2 MiB or 1 GiB leaf */
#define NPT_NO_EXEC		(1ull << 63)	/* NX; honoured with the host's EFER.NXE */
#define NPT_MAX_WIDTH		52
#define NPT_ADDR_MASK(width)	((((1ull << (width)) - 1)) & ~0xfffull)

/* The PAT entry skiff's leaves select: 0, write-back (see above). */
#define NPT_MEMTYPE_PAT0	0

extern const struct pt_format npt_format;

struct npt {
	struct pt_tree pt;	/* pt.root is nCR3 (VMCB offset B0h) */
	uint64_t reach;		/* one past the highest mappable address */
};

/*
 * Starts an empty nested page table for a CPU with phys_addr_width-bit
 * physical addresses (CPUID 8000_0008h EAX[7:0]), with 1 GiB pages when
 * it has them (CPUID 8000_0001h EDX.Page1GB).  0, -EINVAL or -ENOMEM.
 */
int npt_init(struct npt *n, unsigned phys_addr_width, bool pages_1g, const struct pt_pages *pages);

/*
 * Maps [0, limit) to itself, read, write and execute, PAT entry 0, except
 * the ranges in keep (any order): absent, as is a page they cover only in
 * part.  Large pages wherever a block is all one or the other.  0,
 * -EINVAL/-ERANGE (limit 0 or past the reach, reported) or -ENOMEM.
 */
int npt_map_identity(struct npt *n, const struct phys_range *keep, size_t nkeep, uint64_t limit);

/* table_tree_walk() over the tables, the bits the CPU sets by itself
 * (accessed, and dirty in leaves: APM Vol. 2 15.25.5) cleared in what
 * visit sees, for the integrity checks.  The count of pages, or < 0. */
int npt_walk_tables(const struct npt *n, table_visit_fn visit, void *arg);

/* "skiff: npt: N table pages (K KiB); pages mapped: ..." */
void npt_describe(const struct npt *n);

#endif
