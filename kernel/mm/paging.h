/*
 * skiff's own page tables: 4-level paging (Intel SDM Vol. 3A 4.5) mapping
 * physical memory at the same linear address (an identity map), built with
 * the largest pages that fit, so that text is read-only and executable,
 * read-only data only readable, and everything else writable but not
 * executable.  Knows nothing of the CPU: pure code that the host tests run;
 * only paging_activate() (paging_cpu.c) touches CR3.
 *
 * Every entry is supervisor-only (U/S = 0) and none is global: skiff runs
 * nothing at CPL 3 and keeps one address space.  The memory type is left to
 * the MTRRs (PWT = PCD = PAT = 0 selects PAT entry 0, WB, which MMIO ranges'
 * MTRR type UC overrides: SDM Vol. 3A 12.5.2.2).
 */
#ifndef SKIFF_MM_PAGING_H
#define SKIFF_MM_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/pt.h"
#include "mm/range.h"
#include "mm/table_tree.h"

/* Paging-structure entries with 4-level paging, SDM Vol. 3A 4.5 (the
 * tables of PML4E, PDPTE, PDE and PTE formats, and Figure "Formats of CR3
 * and Paging-Structure Entries"). */
#define PTE_PRESENT	(1ull << 0)	/* P */
#define PTE_WRITE	(1ull << 1)	/* R/W: writes allowed (with CR0.WP = 1) */
#define PTE_USER	(1ull << 2)	/* U/S: never set by skiff */
#define PTE_PWT		(1ull << 3)
#define PTE_PCD		(1ull << 4)
#define PTE_ACCESSED	(1ull << 5)
#define PTE_DIRTY	(1ull << 6)	/* leaves only */
#define PTE_PS		(1ull << 7)	/* PDPTE: 1 GiB page; PDE: 2 MiB page */
#define PTE_PAT		(1ull << 7)	/* in a PTE, where bit 7 is not PS */
#define PTE_PAT_LARGE	(1ull << 12)	/* in a 1 GiB or 2 MiB leaf */
#define PTE_GLOBAL	(1ull << 8)	/* leaves only; never set by skiff */
#define PTE_XD		(1ull << 63)	/* execute-disable; reserved unless EFER.NXE */
/* Bits 51:12 hold the next table's or the page's address (bits M-1:12, M
 * being MAXPHYADDR, at most 52; the rest are reserved and stay 0 because
 * skiff only writes addresses it was given).  In a 1 GiB or 2 MiB leaf,
 * bit 12 is PAT and the address starts at bit 30 or 21. */
#define PTE_ADDR_MASK	0x000ffffffffff000ull

/* A 4-level walk translates 48-bit linear addresses, and only canonical
 * ones (bits 63:47 all equal, SDM Vol. 1 3.3.7.1) can be used; an identity
 * map therefore reaches physical addresses below 2^47. */
#define PAGING_REACH	(1ull << 47)

/* CPUID.80000001H:EDX, SDM Vol. 3A 4.1.4 */
#define CPUID_80000001_EDX_NX		(1u << 20)
#define CPUID_80000001_EDX_PAGE1GB	(1u << 26)

/* paging_map() takes PT_READ plus PT_WRITE and/or PT_EXEC (mm/pt.h): an
 * x86 page that is present is always readable, so PT_READ is required;
 * paging_unmap() gives no access. */

struct paging_caps {
	bool pages_1g;	/* CPUID.80000001H:EDX.Page1GB[26] */
	/* CPUID.80000001H:EDX.NX[20]; the XD bit may be used only with
	 * IA32_EFER.NXE = 1, which the boot path sets when the CPU has NX. */
	bool nx;
};

/* skiff's image as the linker laid it out (kernel/linker.ld): page-aligned
 * ranges, and single pages to leave unmapped (stack guards). */
struct skiff_image {
	struct phys_range text;		/* mapped RX */
	struct phys_range rodata;	/* mapped R */
	struct phys_range data;		/* data and bss: mapped RW */
	const uint64_t *guards;		/* page addresses, each left unmapped */
	size_t nguards;
};

/* The entry format for the engine (mm/pt.h). */
extern const struct pt_format paging_format;

struct paging {
	/* The tree: pt.root is the PML4's physical address (CR3), and
	 * pt.table_pages counts the table pages, the PML4 included. */
	struct pt_tree pt;
	bool nx;		/* the XD bit may be set */
	/* Recorded by paging_build_skiff() for paging_print(). */
	bool has_image;
	struct phys_range text, rodata, data;
	size_t guard_pages;	/* page 0 not included */
};

/* What paging_lookup() finds for one address. */
struct pt_translation {
	bool present;
	uint64_t pa;		/* physical address of the byte */
	uint64_t page_size;	/* PAGE_SIZE, SIZE_2M or SIZE_1G */
	bool writable;		/* R/W set at every level */
	bool executable;	/* XD clear at every level, or no NX at all */
};

/* What paging_check_wx() finds walking every present leaf. */
struct wx_report {
	size_t wx_leaves;	/* leaves both writable and executable */
	uint64_t first_wx;	/* lowest address of one; 0 when there is none */
	size_t leaves_4k, leaves_2m, leaves_1g;
	uint64_t mapped_bytes;
	uint64_t top;		/* one past the highest mapped byte */
	bool nx_enforced;	/* false: without NX every page is executable */
};

/* Reads the two feature bits; pure, so host tests feed it values. */
struct paging_caps paging_caps_decode(uint32_t cpuid_80000001_edx);

/* Starts empty tables: allocates the PML4.  Returns 0, -EINVAL (no page
 * supply) or -ENOMEM, each reported. */
int paging_init(struct paging *p, const struct paging_caps *caps, const struct pt_pages *pages);

/*
 * Identity-maps [base, base + size), page-aligned and below PAGING_REACH,
 * with perms (PT_READ plus PT_WRITE and/or PT_EXEC), replacing what was
 * there.  Uses the largest pages that fit; a larger page that the range
 * covers only in part is split into 512 smaller ones keeping its
 * permissions, unless it already has the ones asked for.  Tables are never
 * freed (the supply has no free): a range over a split page keeps the
 * smaller pages.  Without NX, PT_EXEC changes nothing: every page is
 * executable, and paging_check_wx() says so.
 * Returns 0, -EINVAL, -ERANGE or -ENOMEM (each reported); after -ENOMEM
 * part of the range may be done, every entry being either old or new.
 */
int paging_map(struct paging *p, uint64_t base, uint64_t size, unsigned perms);

/* Makes [base, base + size) not present (a guard page, say), splitting
 * larger pages as paging_map() does.  Same returns. */
int paging_unmap(struct paging *p, uint64_t base, uint64_t size);

/* Walks the tables as the CPU would for va.  Returns 0 (out->present says
 * whether va is mapped) or -ERANGE beyond PAGING_REACH. */
int paging_lookup(const struct paging *p, uint64_t va, struct pt_translation *out);

/*
 * Walks every present leaf and fills *r.  Permissions combine across levels
 * as SDM Vol. 3A 4.6.1 says for supervisor accesses with CR0.WP = 1: a page
 * is writable only if R/W is set at every level, executable only if XD is
 * clear at every level (or IA32_EFER.NXE = 0).
 * Returns 0 when no page is both writable and executable, -EPERM when some
 * is, and -ENOTSUP when W^X cannot be enforced at all because there is no
 * NX (then every writable page counts as W+X).
 */
int paging_check_wx(const struct paging *p, struct wx_report *r);

/* Hands every table page, the PML4 first, to visit as table_tree_walk()
 * does, with the accessed flags and the leaves' dirty flags cleared in what
 * visit sees: the CPU sets them (SDM Vol. 3A 4.8).  Returns the pages
 * visited, or -E2BIG (more than were made). */
int paging_walk_tables(const struct paging *p, table_visit_fn visit, void *arg);

/*
 * skiff's tables: [0, phys_limit) (rounded up to a page: all RAM and MMIO,
 * which skiff reads and writes but never executes) RW and not executable,
 * then the image's text RX, rodata R and data RW, then the guard pages and
 * page 0 unmapped so that a NULL dereference faults.  With NX no page ends
 * up both writable and executable.  Returns 0, -EINVAL (a range not
 * page-aligned, sections overlapping, no text), -ERANGE or -ENOMEM.
 */
int paging_build_skiff(struct paging *p, const struct skiff_image *img, uint64_t phys_limit);

/* One line for the boot log: "skiff: paging: identity map of 4 GiB: ...",
 * from the tables and what paging_check_wx() found in them (r, and wx its
 * return), so the walk over every leaf is done once. */
void paging_print(const struct paging *p, const struct wx_report *r, int wx);

#ifndef SKIFF_HOST_TEST
/* Loads the tables into CR3, which also flushes every non-global TLB entry
 * (SDM Vol. 3A 4.10.4.1).  The caller must have IA32_EFER.NXE set when
 * p->nx (the XD bit is reserved otherwise: every access would fault) and
 * CR0.WP set for read-only pages to hold against skiff itself; the boot
 * path does both. */
void paging_activate(const struct paging *p);
#endif

#endif
