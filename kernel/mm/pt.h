/*
 * The page-table engine: one builder for every 4-level tree of 512-entry
 * tables that skiff writes (its own page tables, SDM Vol. 3A 4.5; the
 * guest's EPT, Vol. 3C 29.3.2; later nested page tables and IOMMU tables).
 * Such trees differ only in what their entries' bits mean, so a format is
 * a const struct pt_format of data, and the engine maps, unmaps, protects
 * and splits ranges of any of them with the largest pages that fit.
 *
 * Every map is an identity map (an address maps to itself), which is all
 * skiff makes.  Table pages come from a supply that cannot free: a table,
 * once made, stays, and large pages are never merged back.  Nothing here
 * flushes a TLB: whoever changes a live tree does (INVLPG, INVEPT).
 * Pure code: the host tests run it.
 */
#ifndef SKIFF_MM_PT_H
#define SKIFF_MM_PT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/range.h"
#include "mm/table_tree.h"

/* Levels, numbered as a walk meets them bottom-up: an entry at each maps
 * (or references a table covering) 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
#define PT_LEVEL_PT	1	/* entries map 4 KiB pages */
#define PT_LEVEL_PD	2	/* 2 MiB pages or page tables */
#define PT_LEVEL_PDPT	3	/* 1 GiB pages or page directories */
#define PT_LEVEL_PML4	4	/* page-directory-pointer tables only */
#define PT_LEVELS	4
#define PT_ENTRIES	512
#define PT_LEVEL_BIT(level)	(1u << (level))	/* in a set of levels */

/* Access rights, whatever bits a format stores them in. */
#define PT_READ		(1u << 0)
#define PT_WRITE	(1u << 1)
#define PT_EXEC		(1u << 2)
#define PT_RW		(PT_READ | PT_WRITE)
#define PT_RX		(PT_READ | PT_EXEC)
#define PT_RWX		(PT_READ | PT_WRITE | PT_EXEC)

/* A memory type is a small number whose meaning is the format's (a PAT
 * index, an MTRR type); the format says where each of its bits goes. */
#define PT_MEMTYPE_BITS	3

/* Where table pages come from; the tests supply a host arena. */
struct pt_pages {
	uint64_t (*alloc)(void *ctx);	/* zeroed 4 KiB page, physical address, 0 when out */
	void *(*to_virt)(void *ctx, uint64_t pa);	/* NULL: not a table page */
	void (*free)(void *ctx, uint64_t pa);	/* for pt_clear(); may be NULL */
	void *ctx;
};

/*
 * One format of entries.  A right is granted by its bit being set (read,
 * write, exec), or, for execution, by no_exec being clear (x86's XD); a
 * right with neither bit is granted by the entry being present (an x86
 * page is always readable: read is then the present bit).  An entry with
 * none of the present bits is not present; the engine writes such entries
 * as 0.
 */
struct pt_format {
	const char *name;		/* "paging", "ept": the boot log's word */
	uint64_t present;
	uint64_t read, write, exec, no_exec;
	uint64_t table;			/* an entry referencing a table: these and the address */
	uint64_t large_page;		/* PS: a PDPTE or PDE that maps a page */
	unsigned leaf_levels;		/* PT_LEVEL_BIT()s of levels that may map a page */
	/* Entry bit taken by bit i of a memory type, in a 4 KiB leaf [0] and
	 * in a larger one [1] (x86's PAT bit moves from 7 to 12). */
	uint8_t memtype_bit[2][PT_MEMTYPE_BITS];
	/* What else a leaf says that a split must copy into its 512 parts:
	 * the rights bits and any the format keeps beside them (the memory
	 * type is moved by memtype_bit, the address made anew). */
	uint64_t split_copies;
	uint64_t addr_mask;		/* widest: bits 51:12 */
	/* Set in every present entry beside its rights: a present bit that
	 * grants nothing by itself (AMD-Vi's PR, whose rights are IR, IW). */
	uint64_t valid;
	/* Nonzero: a table entry also says the level of the table it
	 * references, at this bit (AMD-Vi's NextLevel, bits 11:9); a leaf has
	 * 0 there, whatever its level. */
	unsigned next_level_shift;
};

/* What a range is mapped with; rights 0 is absent. */
struct pt_attrs {
	unsigned rights;		/* PT_READ | PT_WRITE | PT_EXEC */
	unsigned memtype;		/* below 1 << PT_MEMTYPE_BITS */
};

/* One tree: its format, its pages, and what the machine allows of it. */
struct pt_tree {
	const struct pt_format *fmt;
	struct pt_pages pages;
	uint64_t root;			/* physical address of the level-4 table */
	uint64_t addr_mask;		/* fmt->addr_mask less what the machine lacks */
	unsigned leaf_levels;		/* those of fmt->leaf_levels the CPU has */
	size_t table_pages;		/* allocated, the root included */
	size_t leaves[PT_LEVELS + 1];	/* present leaves by level */
};

/* What pt_lookup() finds for one address. */
struct pt_leaf {
	bool present;
	uint64_t entry;			/* as the tree holds it */
	int level;
	uint64_t page_size;		/* PAGE_SIZE, SIZE_2M or SIZE_1G */
	uint64_t pa;			/* physical address of the byte */
	/* Rights granted at every level on the way (an access needs them
	 * all: SDM Vol. 3A 4.6.1, Vol. 3C 29.3.3.2). */
	unsigned rights;
	unsigned memtype;
};

/* Bytes one entry at this level covers. */
static inline uint64_t pt_span(int level)
{
	return PAGE_SIZE << (9 * (level - 1));
}

/*
 * Starts an empty tree: allocates the root.  leaf_levels (PT_LEVEL_BIT()s)
 * must include the page table and lie within the format's; addr_mask, 0
 * for the format's own, must lie within it too.  Returns 0, -EINVAL (each
 * reported) or -ENOMEM.
 */
int pt_init(struct pt_tree *t, const struct pt_format *fmt, const struct pt_pages *pages,
	    unsigned leaf_levels, uint64_t addr_mask);

/* Reports (as "skiff: <format>: <op> of ...") and refuses with -EINVAL an
 * empty range or one not page-aligned.  The reach is the caller's to
 * check: it is a matter of policy (linear addresses, MAXPHYADDR). */
int pt_check_range(const struct pt_tree *t, uint64_t base, uint64_t size, const char *op);

/*
 * Maps [base, base + size) (page-aligned, within reach) to itself with a,
 * replacing what was there; absent when a->rights is 0.  Each step takes
 * the largest page that its alignment and the tree allow.  A larger page
 * the range covers only in part is split first (keeping its attributes)
 * unless it already is what was asked.  Returns 0, -EINVAL (rights or type
 * the format cannot say) or -ENOMEM: then part of the range may be done,
 * every entry being either old or new, the tree well-formed.
 */
int pt_map(struct pt_tree *t, uint64_t base, uint64_t size, const struct pt_attrs *a);
int pt_unmap(struct pt_tree *t, uint64_t base, uint64_t size);

/* Gives the present pages of the range these rights, keeping each one's
 * memory type and other attributes; absent pages stay absent.  Same rules
 * and returns as pt_map(); rights must not be 0 (that is pt_unmap()). */
int pt_protect(struct pt_tree *t, uint64_t base, uint64_t size, unsigned rights);

/* Makes the entry at level (PT_LEVEL_PD to PT_LEVEL_PML4; any other is a
 * broken invariant: panics) that covers addr reference a table: one made
 * empty, or 512 smaller pages with the attributes of the page it held.
 * Tables above it are made as needed.  0 or -ENOMEM. */
int pt_split(struct pt_tree *t, uint64_t addr, int level);

/* Walks the tree for addr as the CPU would; addr within reach. */
void pt_lookup(const struct pt_tree *t, uint64_t addr, struct pt_leaf *out);

/*
 * Fills [base, end) (page-aligned) as classify says.  classify() answers
 * for a block: true with *a when all of it is to be mapped with a (absent
 * when a->rights is 0), false when it is mixed.  A mixed block wider than
 * an entry is halved on entry boundaries; a mixed entry gets a table and
 * is sorted out a level down.  So blocks are asked about around the places
 * where the answer changes, not page by page.  A single page must never be
 * mixed (a broken invariant: panics).  0 or -ENOMEM.
 */
typedef bool (*pt_classify_fn)(void *arg, uint64_t base, uint64_t end, struct pt_attrs *a);
int pt_fill(struct pt_tree *t, uint64_t base, uint64_t end, pt_classify_fn classify, void *arg);

/* Makes the tree empty again, as pt_init() left it: every table page but
 * the root goes back through pages->free (which must be set), and the root
 * is cleared.  The root's address, which a CPU may hold, stays the same. */
void pt_clear(struct pt_tree *t);

/* Calls visit for the present leaves in address order, a run of count
 * neighbours in one table that grant the same rights at a time, with the
 * rights granted on the way to them (as pt_leaf.rights). */
typedef void (*pt_leaf_fn)(void *arg, uint64_t addr, int level, size_t count, unsigned rights);
void pt_for_each_leaf(const struct pt_tree *t, pt_leaf_fn visit, void *arg);

/* table_tree_walk() over this tree, with the bits the CPU sets by itself
 * in entries that reference a table and in leaves cleared in what visit
 * sees (they differ by format and by whether A/D flags are on). */
int pt_walk_tables(const struct pt_tree *t, uint64_t cpu_table_bits, uint64_t cpu_leaf_bits,
		   table_visit_fn visit, void *arg);

#endif
