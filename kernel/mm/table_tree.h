/*
 * The walk over a whole tree of page tables that skiff's host page tables
 * (paging.c) and the guest's EPT (ept.c) share through the page-table
 * engine (pt_walk_tables() in pt.c).  Both are four levels of
 * 512-entry table pages in which an entry at levels 4 to 2 references the
 * next table unless it is not present or bit 7 makes it a page (SDM Vol. 3A
 * 4.5; Vol. 3C 29.3.2), and in both the CPU itself sets accessed and dirty
 * flags (Vol. 3A 4.8; Vol. 3C 29.3.4, 28.2.4 in editions before 2022).
 * The tree keeps no list of its pages: the walk finds them from the root.
 */
#ifndef SKIFF_MM_TABLE_TREE_H
#define SKIFF_MM_TABLE_TREE_H

#include <stddef.h>
#include <stdint.h>

#define TABLE_TREE_LEVELS	4	/* the root's level; leaves only below it */
#define TABLE_TREE_ENTRIES	512
#define TABLE_TREE_LARGE_PAGE	(1ull << 7)	/* PS; EPT bit 7: a PDPTE or PDE maps a page */

/* What one tree type is, as the walk needs to know it. */
struct table_tree {
	uint64_t root;		/* physical address of the level-4 table */
	uint64_t present;	/* an entry with none of these bits is not present */
	uint64_t addr_mask;	/* where an entry holds the next table's address */
	/* Bits the CPU sets by itself in present entries that reference a
	 * table, and in those that map a page. */
	uint64_t cpu_table_bits, cpu_leaf_bits;
	/* The pages the tree was built with: a walk that finds more is
	 * following garbage (or a loop) and stops. */
	size_t max_pages;
	void *(*to_virt)(void *ctx, uint64_t pa);	/* NULL: not a table page */
	void *ctx;
};

/* One table page as skiff wrote it: its entries with the CPU's bits
 * cleared (a copy; the tables themselves are never written), and its level
 * (TABLE_TREE_LEVELS for the root, 1 for a page table). */
typedef void (*table_visit_fn)(void *arg, const uint64_t *entries, int level);

/*
 * Calls visit for the root and every table page reachable from it through
 * present entries that reference a table, depth-first in entry order, each
 * before the tables below it.  A reference to an address to_virt() does
 * not know is not followed (the entry itself is still seen).  Returns the
 * number of pages visited, or -E2BIG after max_pages when there are more.
 * Not reentrant: the copy handed to visit is one static page.
 */
int table_tree_walk(const struct table_tree *t, table_visit_fn visit, void *arg);

#endif
