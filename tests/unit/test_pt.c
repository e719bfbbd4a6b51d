/*
 * The page-table engine on the host, with each real format (paging_format,
 * ept_format) and a made-up one that lacks 1 GiB pages, as an IOMMU's
 * might: splits, refused leaf sizes and rights, unmapping and protecting
 * inside a large page, filling by class.  Entries are checked raw, bit for
 * bit, since the formats exist to put bits in the right places.
 */
#include "support.h"

#include <string.h>

#include "lib/errno.h"
#include "mm/ept.h"
#include "mm/paging.h"
#include "mm/pt.h"

#define KiB		(1ull << 10)
#define MiB		(1ull << 20)
#define GiB		(1ull << 30)
#define ARENA_PA	(16 * MiB)
#define ALL_LEAVES	(PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) | \
			 PT_LEVEL_BIT(PT_LEVEL_PDPT))
#define NO_1G		(PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD))

/* A format with no 1 GiB pages, bits of its own and no execute right at
 * all: execution is granted by being present. */
static const struct pt_format small_format = {
	.name = "small",
	.present = 1ull << 0,
	.read = 1ull << 0,
	.write = 1ull << 1,
	.table = (1ull << 0) | (1ull << 1),
	.large_page = 1ull << 7,
	.leaf_levels = NO_1G,
	.memtype_bit = { { 8, 9, 10 }, { 8, 9, 10 } },
	.split_copies = (1ull << 0) | (1ull << 1) | (1ull << 62),
	.addr_mask = 0x000ffffffffff000ull,
};

struct fixture {
	struct arena arena;
	struct pt_pages pages;
	struct pt_tree t;
};

/* One fixture, made afresh for each test. */
static struct fixture fixture;

static int setup(void **state)
{
	memset(&fixture, 0, sizeof(fixture));
	arena_init(&fixture.arena, ARENA_PA, 64);
	fixture.pages = (struct pt_pages){ .alloc = arena_alloc, .to_virt = arena_to_virt,
					   .ctx = &fixture.arena };
	log_reset();
	*state = &fixture;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&fixture.arena);
	return 0;
}

static struct pt_tree *tree(void **state, const struct pt_format *fmt, unsigned levels)
{
	struct fixture *f = *state;

	assert_int_equal(pt_init(&f->t, fmt, &f->pages, levels, 0), 0);
	return &f->t;
}

/* The leaf entry for addr as the tree holds it, and its level. */
static uint64_t leaf_at(const struct pt_tree *t, uint64_t addr, int *level)
{
	struct pt_leaf l;

	pt_lookup(t, addr, &l);
	assert_true(l.present);
	assert_int_equal(l.pa, addr);
	*level = l.level;
	return l.entry;
}

static void expect_leaf(const struct pt_tree *t, uint64_t addr, int level, uint64_t entry)
{
	int got_level;
	uint64_t got = leaf_at(t, addr, &got_level);

	if (got_level != level || got != entry)
		fail_msg("0x%llx: level %d entry 0x%llx; want level %d entry 0x%llx",
			 (unsigned long long)addr, got_level, (unsigned long long)got, level,
			 (unsigned long long)entry);
}

static void expect_absent(const struct pt_tree *t, uint64_t addr)
{
	struct pt_leaf l;

	pt_lookup(t, addr, &l);
	assert_false(l.present);
}

static void expect_leaves(const struct pt_tree *t, size_t n1g, size_t n2m, size_t n4k)
{
	assert_int_equal(t->leaves[PT_LEVEL_PDPT], n1g);
	assert_int_equal(t->leaves[PT_LEVEL_PD], n2m);
	assert_int_equal(t->leaves[PT_LEVEL_PT], n4k);
}

/* The entry of the table at level that covers addr (after a split). */
static uint64_t *entry_of(const struct pt_tree *t, uint64_t addr, int level)
{
	uint64_t *table = t->pages.to_virt(t->pages.ctx, t->root);

	for (int l = PT_LEVELS; l > level; l--) {
		uint64_t e = table[(addr >> (12 + 9 * (l - 1))) & 511];

		table = t->pages.to_virt(t->pages.ctx, e & t->addr_mask);
		assert_non_null(table);
	}
	return &table[(addr >> (12 + 9 * (level - 1))) & 511];
}

/* ---- x86 paging ---- */

/* PAT index 5 (PAT + PWT) with U/S and G set by hand on a 1 GiB page: a
 * split moves PAT from bit 12 to bit 7 for the 4 KiB pages and keeps every
 * other bit (SDM Vol. 3A 4.5, 4.9.2). */
static void test_paging_split_copies_attributes(void **state)
{
	struct pt_tree *t = tree(state, &paging_format, ALL_LEAVES);
	struct pt_attrs ro = { .rights = PT_READ, .memtype = 5 }, rw = { .rights = PT_RW };
	uint64_t *big;

	assert_int_equal(pt_map(t, GiB, GiB, &ro), 0);
	big = entry_of(t, GiB, PT_LEVEL_PDPT);
	assert_int_equal(*big, GiB | PTE_PRESENT | PTE_PWT | PTE_PS | PTE_PAT_LARGE | PTE_XD);
	*big |= PTE_USER | PTE_GLOBAL;
	assert_int_equal(pt_map(t, GiB + 2 * MiB + 4 * KiB, 4 * KiB, &rw), 0);
	expect_leaf(t, GiB, PT_LEVEL_PD, GiB | PTE_PRESENT | PTE_USER | PTE_PWT | PTE_PS |
		    PTE_GLOBAL | PTE_PAT_LARGE | PTE_XD);
	expect_leaf(t, GiB + 2 * MiB, PT_LEVEL_PT, (GiB + 2 * MiB) | PTE_PRESENT | PTE_USER |
		    PTE_PWT | PTE_PAT | PTE_GLOBAL | PTE_XD);
	/* The page asked for: PAT index 0, writable, nothing copied. */
	expect_leaf(t, GiB + 2 * MiB + 4 * KiB, PT_LEVEL_PT,
		    (GiB + 2 * MiB + 4 * KiB) | PTE_PRESENT | PTE_WRITE | PTE_XD);
	expect_leaves(t, 0, 511, 512);
	assert_int_equal(t->table_pages, 4);
}

/* An x86 page cannot be unreadable: rights without read have no present
 * bit, and the engine says so rather than write an absent entry. */
static void test_paging_refuses_rights_it_cannot_say(void **state)
{
	struct pt_tree *t = tree(state, &paging_format, ALL_LEAVES);
	struct pt_attrs wx = { .rights = PT_WRITE | PT_EXEC }, x = { .rights = PT_EXEC };
	struct pt_attrs bad_type = { .rights = PT_READ, .memtype = 8 };

	assert_int_equal(pt_map(t, 0, 4 * KiB, &wx), -EINVAL);
	assert_log_contains("skiff: paging: rights 0x6 with memory type 0 cannot be said");
	assert_int_equal(pt_map(t, 0, 4 * KiB, &x), -EINVAL);
	assert_int_equal(pt_map(t, 0, 4 * KiB, &bad_type), -EINVAL);
	assert_int_equal(pt_protect(t, 0, 4 * KiB, PT_EXEC), -EINVAL);
	assert_int_equal(pt_protect(t, 0, 4 * KiB, 0), -EINVAL);
	assert_int_equal(t->table_pages, 1);
}

/* XD in a table entry denies execution below it (SDM 4.6.1). */
static void test_lookup_combines_rights_on_the_way(void **state)
{
	struct pt_tree *t = tree(state, &paging_format, ALL_LEAVES);
	struct pt_attrs rwx = { .rights = PT_RWX };
	struct pt_leaf l;

	assert_int_equal(pt_map(t, 0, 2 * MiB, &rwx), 0);
	pt_lookup(t, 4 * KiB, &l);
	assert_int_equal(l.rights, PT_RWX);
	*entry_of(t, 0, PT_LEVEL_PML4) |= PTE_XD;
	pt_lookup(t, 4 * KiB, &l);
	assert_int_equal(l.rights, PT_RW);
	assert_int_equal(l.page_size, SIZE_2M);
}

/* ---- EPT ---- */

/* A 2 MiB page of type WT (4), read and execute, with ignore-PAT and the
 * user-execute bit set by hand: its 4 KiB parts keep all of them. */
static void test_ept_split_copies_attributes(void **state)
{
	struct pt_tree *t = tree(state, &ept_format, ALL_LEAVES);
	struct pt_attrs rx_wt = { .rights = PT_RX, .memtype = MTRR_TYPE_WT };
	uint64_t kept = EPT_READ | EPT_EXECUTE | (MTRR_TYPE_WT << EPT_MEMTYPE_SHIFT) |
			EPT_IGNORE_PAT | EPT_USER_EXECUTE;

	assert_int_equal(pt_map(t, 2 * MiB, 2 * MiB, &rx_wt), 0);
	*entry_of(t, 2 * MiB, PT_LEVEL_PD) |= EPT_IGNORE_PAT | EPT_USER_EXECUTE;
	assert_int_equal(pt_split(t, 2 * MiB, PT_LEVEL_PD), 0);
	expect_leaf(t, 2 * MiB, PT_LEVEL_PT, (2 * MiB) | kept);
	expect_leaf(t, 4 * MiB - 4 * KiB, PT_LEVEL_PT, (4 * MiB - 4 * KiB) | kept);
	assert_int_equal(*entry_of(t, 2 * MiB, PT_LEVEL_PD) & ~t->addr_mask, EPT_RWX);
	expect_leaves(t, 0, 0, 512);
	/* Splitting a table again changes nothing. */
	assert_int_equal(pt_split(t, 2 * MiB, PT_LEVEL_PD), 0);
	assert_int_equal(t->table_pages, 4);
}

/* Execute-only is a right EPT can say (whether the CPU allows it is
 * ept.c's to check). */
static void test_ept_execute_only(void **state)
{
	struct pt_tree *t = tree(state, &ept_format, ALL_LEAVES);
	struct pt_attrs x = { .rights = PT_EXEC, .memtype = MTRR_TYPE_WB };

	assert_int_equal(pt_map(t, 0, 4 * KiB, &x), 0);
	expect_leaf(t, 0, PT_LEVEL_PT, EPT_EXECUTE | (MTRR_TYPE_WB << EPT_MEMTYPE_SHIFT));
}

/* A page already as asked stays whole when a map covers part of it. */
static void test_partial_map_as_it_is_splits_nothing(void **state)
{
	struct pt_tree *t = tree(state, &ept_format, ALL_LEAVES);
	struct pt_attrs wb = { .rights = PT_RWX, .memtype = MTRR_TYPE_WB };

	assert_int_equal(pt_map(t, 0, GiB, &wb), 0);
	assert_int_equal(pt_map(t, 8 * KiB, 4 * KiB, &wb), 0);
	expect_leaves(t, 1, 0, 0);
	assert_int_equal(t->table_pages, 2);
}

/* ---- leaf sizes ---- */

static void test_leaf_sizes_a_format_lacks_are_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(pt_init(&f->t, &small_format, &f->pages, ALL_LEAVES, 0), -EINVAL);
	assert_log_contains("skiff: small: pages at levels 0xe");
	/* No format maps a page from a level-4 entry; each needs 4 KiB pages. */
	assert_int_equal(pt_init(&f->t, &paging_format, &f->pages,
				 ALL_LEAVES | PT_LEVEL_BIT(PT_LEVEL_PML4), 0), -EINVAL);
	assert_int_equal(pt_init(&f->t, &ept_format, &f->pages, PT_LEVEL_BIT(PT_LEVEL_PD), 0),
			 -EINVAL);
	assert_int_equal(pt_init(&f->t, &ept_format, &f->pages, ALL_LEAVES, 1ull << 63), -EINVAL);
	assert_int_equal(f->arena.used, 0);
}

/* Where 1 GiB pages are not allowed, a GiB takes 512 of 2 MiB. */
static void test_largest_allowed_page(void **state)
{
	struct pt_tree *t = tree(state, &small_format, NO_1G);
	struct pt_attrs rw = { .rights = PT_RW, .memtype = 3 };

	assert_int_equal(pt_map(t, GiB, GiB + 4 * KiB, &rw), 0);
	expect_leaves(t, 0, 512, 1);
	expect_leaf(t, GiB, PT_LEVEL_PD, GiB | 0x3 | (1ull << 7) | (3ull << 8));
	expect_leaf(t, 2 * GiB, PT_LEVEL_PT, (2 * GiB) | 0x3 | (3ull << 8));
	assert_int_equal(t->table_pages, 5);	/* PML4, PDPT, two PDs, a PT */
}

/* ---- unmap and protect inside a large page ---- */

static void test_unmap_in_the_middle_of_a_large_page(void **state)
{
	struct pt_tree *t = tree(state, &small_format, NO_1G);
	struct pt_attrs rw = { .rights = PT_RW, .memtype = 1 };
	uint64_t leaf = 0x3 | (1ull << 8);

	assert_int_equal(pt_map(t, 0, 4 * MiB, &rw), 0);
	*entry_of(t, 2 * MiB, PT_LEVEL_PD) |= 1ull << 62;	/* the format's own bit */
	assert_int_equal(pt_unmap(t, 3 * MiB, 8 * KiB), 0);
	expect_absent(t, 3 * MiB);
	expect_absent(t, 3 * MiB + 4 * KiB);
	expect_leaf(t, 3 * MiB - 4 * KiB, PT_LEVEL_PT, (3 * MiB - 4 * KiB) | leaf | (1ull << 62));
	expect_leaf(t, 3 * MiB + 8 * KiB, PT_LEVEL_PT, (3 * MiB + 8 * KiB) | leaf | (1ull << 62));
	expect_leaf(t, 0, PT_LEVEL_PD, leaf | (1ull << 7));
	expect_leaves(t, 0, 1, 510);
	assert_int_equal(*entry_of(t, 3 * MiB, PT_LEVEL_PT), 0);	/* absent is 0 */
}

static void test_protect_keeps_type_and_leaves_absent_pages(void **state)
{
	struct pt_tree *t = tree(state, &paging_format, ALL_LEAVES);
	struct pt_attrs rw = { .rights = PT_RW, .memtype = 2 };
	struct pt_leaf l;

	assert_int_equal(pt_map(t, 0, 4 * MiB, &rw), 0);
	assert_int_equal(pt_unmap(t, 2 * MiB, 4 * KiB), 0);
	/* Same rights: nothing to split. */
	assert_int_equal(pt_protect(t, 8 * KiB, 4 * KiB, PT_RW), 0);
	expect_leaves(t, 0, 1, 511);
	/* Read-execute in the middle of the first 2 MiB page. */
	assert_int_equal(pt_protect(t, 8 * KiB, 4 * KiB, PT_RX), 0);
	expect_leaf(t, 8 * KiB, PT_LEVEL_PT, (8 * KiB) | PTE_PRESENT | PTE_PCD);
	expect_leaf(t, 12 * KiB, PT_LEVEL_PT, (12 * KiB) | PTE_PRESENT | PTE_WRITE | PTE_PCD | PTE_XD);
	/* Over the hole: the absent page stays absent, the rest turn R. */
	assert_int_equal(pt_protect(t, 2 * MiB, 2 * MiB, PT_READ), 0);
	expect_absent(t, 2 * MiB);
	pt_lookup(t, 2 * MiB + 4 * KiB, &l);
	assert_int_equal(l.rights, PT_READ);
	assert_int_equal(l.memtype, 2);
	expect_leaves(t, 0, 0, 1023);
}

/* Out of table pages halfway: the tree stays whole and well-formed. */
static void test_out_of_pages_in_a_split(void **state)
{
	struct fixture *f = *state;
	struct pt_tree *t = tree(state, &ept_format, ALL_LEAVES);
	struct pt_attrs wb = { .rights = PT_RWX, .memtype = MTRR_TYPE_WB };

	assert_int_equal(pt_map(t, 0, GiB, &wb), 0);
	f->arena.cap = f->arena.used + 1;	/* one page: the page directory */
	assert_int_equal(pt_unmap(t, 4 * KiB, 4 * KiB), -ENOMEM);
	assert_log_contains("skiff: ept: out of memory for page tables (3 pages in use)");
	expect_leaf(t, 4 * KiB, PT_LEVEL_PD, EPT_RWX | EPT_LARGE_PAGE | (MTRR_TYPE_WB << 3));
	expect_leaves(t, 0, 512, 0);
}

/* ---- filling by class ---- */

struct classes {
	uint64_t hole_base, hole_end;	/* absent */
	uint64_t type_change;		/* type 1 below, 6 from here */
	unsigned asked;
};

static bool classify(void *arg, uint64_t base, uint64_t end, struct pt_attrs *a)
{
	struct classes *c = arg;

	c->asked++;
	if (base >= c->hole_base && end <= c->hole_end) {
		*a = (struct pt_attrs){ 0 };
		return true;
	}
	if (base < c->hole_end && end > c->hole_base)
		return false;
	if (base < c->type_change && end > c->type_change)
		return false;
	*a = (struct pt_attrs){ .rights = PT_RWX, .memtype = base < c->type_change ? 1 : 6 };
	return true;
}

/* A hole of three pages and a type change at an odd 2 MiB boundary in
 * 4 GiB: the largest pages everywhere else, and a few dozen questions. */
static void test_fill_by_class(void **state)
{
	struct pt_tree *t = tree(state, &ept_format, ALL_LEAVES);
	struct classes c = { .hole_base = GiB + 12 * KiB, .hole_end = GiB + 24 * KiB,
			     .type_change = 3 * GiB + 6 * MiB };

	assert_int_equal(pt_fill(t, 0, 4 * GiB, classify, &c), 0);
	expect_absent(t, GiB + 12 * KiB);
	expect_absent(t, GiB + 20 * KiB);
	expect_leaf(t, GiB + 8 * KiB, PT_LEVEL_PT, (GiB + 8 * KiB) | EPT_RWX | (1 << 3));
	expect_leaf(t, GiB + 24 * KiB, PT_LEVEL_PT, (GiB + 24 * KiB) | EPT_RWX | (1 << 3));
	expect_leaf(t, 0, PT_LEVEL_PDPT, EPT_RWX | EPT_LARGE_PAGE | (1 << 3));
	expect_leaf(t, 3 * GiB + 4 * MiB, PT_LEVEL_PD,
		    (3 * GiB + 4 * MiB) | EPT_RWX | EPT_LARGE_PAGE | (1 << 3));
	expect_leaf(t, 3 * GiB + 6 * MiB, PT_LEVEL_PD,
		    (3 * GiB + 6 * MiB) | EPT_RWX | EPT_LARGE_PAGE | (6 << 3));
	expect_leaves(t, 2, 511 + 512, 509);
	assert_int_equal(t->table_pages, 5);
	print_message("  %u classes asked\n", c.asked);
	assert_true(c.asked < 128);	/* of a million pages */
}

/* ---- clearing ---- */

/* pages.free for pt_clear(): what came back, in order. */
static uint64_t freed[16];
static unsigned freed_count;

static void record_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	assert_true(freed_count < sizeof(freed) / sizeof(freed[0]));
	freed[freed_count++] = pa;
}

/* Every table but the root goes back, once each; the root stays and is
 * empty; a fill afterwards takes as many pages as the first. */
static void test_clear_frees_every_table_but_the_root(void **state)
{
	struct fixture *f = *state;
	struct pt_tree *t;
	struct pt_attrs rw = { .rights = PT_RWX, .memtype = 6 };
	uint64_t root, *table;
	size_t pages;

	freed_count = 0;
	f->pages.free = record_free;
	t = tree(state, &ept_format, ALL_LEAVES);
	root = t->root;
	assert_int_equal(pt_map(t, 0, 4 * GiB, &rw), 0);
	assert_int_equal(pt_unmap(t, GiB + 4 * KiB, 4 * KiB), 0);	/* a PD and a PT */
	assert_int_equal(pt_unmap(t, 3 * GiB, 4 * KiB), 0);		/* another two */
	pages = t->table_pages;
	assert_int_equal(pages, 6);
	pt_clear(t);
	assert_int_equal(freed_count, pages - 1);
	assert_int_equal(t->table_pages, 1);
	assert_int_equal(t->root, root);
	for (unsigned i = 0; i < freed_count; i++) {
		assert_true(freed[i] != root);
		for (unsigned j = i + 1; j < freed_count; j++)
			assert_true(freed[i] != freed[j]);
	}
	table = f->pages.to_virt(f->pages.ctx, root);
	for (unsigned i = 0; i < 512; i++)
		assert_int_equal(table[i], 0);
	expect_leaves(t, 0, 0, 0);
	expect_absent(t, 0);
}

/* ---- the whole-tree walk ---- */

static void test_walk_tables_sees_every_page(void **state)
{
	struct fixture *f = *state;
	struct pt_tree *t = tree(state, &paging_format, ALL_LEAVES);
	struct pt_attrs rw = { .rights = PT_RW };
	struct walk_check w;

	assert_int_equal(pt_map(t, 0, 4 * GiB, &rw), 0);
	assert_int_equal(pt_unmap(t, GiB + 4 * KiB, 4 * KiB), 0);
	walk_check_start(&w, &f->arena, t->root);
	assert_int_equal(pt_walk_tables(t, PTE_ACCESSED, PTE_ACCESSED | PTE_DIRTY,
					walk_check_visit, &w), 4);
	walk_check_end(&w);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_paging_split_copies_attributes),
		T(test_paging_refuses_rights_it_cannot_say),
		T(test_lookup_combines_rights_on_the_way),
		T(test_ept_split_copies_attributes),
		T(test_ept_execute_only),
		T(test_partial_map_as_it_is_splits_nothing),
		T(test_leaf_sizes_a_format_lacks_are_refused),
		T(test_largest_allowed_page),
		T(test_unmap_in_the_middle_of_a_large_page),
		T(test_protect_keeps_type_and_leaves_absent_pages),
		T(test_out_of_pages_in_a_split),
		T(test_fill_by_class),
		T(test_clear_frees_every_table_but_the_root),
		T(test_walk_tables_sees_every_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
