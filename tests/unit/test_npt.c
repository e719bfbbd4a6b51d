/*
 * The nested page table builder (kernel/mm/npt.c) on the host: tables in
 * an arena of host pages.  Checked as the CPU would walk them (AMD64 APM
 * Vol. 2 15.25.5: every nested access is a user access, so U/S must be set
 * at every level on the way), and against skiff's rule: the identity map
 * without the pages skiff keeps, typed by PAT entry 0.
 */
#include "support.h"

#include "lib/errno.h"
#include "mm/npt.h"

#define ARENA_PA	0x10000000ull
#define ARENA_PAGES	64
#define GiB		(1ull << 30)
#define MiB		(1ull << 20)
#define N(a)		(sizeof(a) / sizeof((a)[0]))

struct fixture {
	struct arena arena;
	struct pt_pages pages;
	struct npt npt;
};

static int setup(void **state)
{
	struct fixture *f = test_calloc(1, sizeof(*f));

	arena_init(&f->arena, ARENA_PA, ARENA_PAGES);
	f->pages = (struct pt_pages){ .alloc = arena_alloc, .to_virt = arena_to_virt, .ctx = &f->arena };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->arena);
	test_free(f);
	return 0;
}

/* skiff high below 4 GiB, as GRUB loads it: image, modules, pool. */
static const struct phys_range keep[] = {
	{ 0x1fd12000, 0x1fedb000 },	/* pool and image: not 2 MiB aligned */
	{ 0x1ff31000, 0x1ff58000 },	/* modules */
};

/* The walk as the CPU does it: the leaf entry, and whether every entry
 * on the way was present, user and writable. */
static uint64_t walk(const struct npt *n, uint64_t gpa, bool *user_all, int *level)
{
	const uint64_t *t = arena_to_virt(n->pt.pages.ctx, n->pt.root);

	*user_all = true;
	for (*level = PT_LEVEL_PML4; *level >= PT_LEVEL_PT; (*level)--) {
		uint64_t e = t[(gpa >> (12 + 9 * (*level - 1))) & 511];

		if (!(e & NPT_PRESENT))
			return 0;
		*user_all &= (e & NPT_USER) != 0;
		if (*level == PT_LEVEL_PT || (e & NPT_LARGE_PAGE))
			return e;
		t = arena_to_virt(n->pt.pages.ctx, e & n->pt.addr_mask);
		assert_non_null(t);
	}
	return 0;
}

static void expect_guest_page(const struct npt *n, uint64_t gpa)
{
	bool user;
	int level;
	uint64_t e = walk(n, gpa, &user, &level);
	uint64_t span = pt_span(level);

	if (!(e & NPT_PRESENT))
		fail_msg("0x%lx: not mapped", (unsigned long)gpa);
	assert_true(user);
	assert_true(e & NPT_WRITE);
	assert_false(e & NPT_NO_EXEC);
	/* Identity: the leaf maps its own address. */
	assert_int_equal(e & n->pt.addr_mask & ~(span - 1), gpa & ~(span - 1));
	/* PAT entry 0: PWT, PCD and PAT clear. */
	assert_false(e & (NPT_PWT | NPT_PCD | (level == PT_LEVEL_PT ? NPT_PAT : NPT_PAT_LARGE)));
}

static void expect_absent(const struct npt *n, uint64_t gpa)
{
	bool user;
	int level;

	if (walk(n, gpa, &user, &level) & NPT_PRESENT)
		fail_msg("0x%lx: mapped, but skiff keeps it", (unsigned long)gpa);
}

static void identity_without_skiffs_pages(void **state)
{
	struct fixture *f = *state;
	struct npt *n = &f->npt;

	assert_int_equal(npt_init(n, 39, true, &f->pages), 0);
	assert_int_equal(npt_map_identity(n, keep, N(keep), 4 * GiB), 0);
	expect_guest_page(n, 0);
	expect_guest_page(n, 0x7c00);
	expect_guest_page(n, 16 * MiB);
	expect_guest_page(n, 0x1fd11fff);		/* the page before the pool */
	expect_absent(n, 0x1fd12000);
	expect_absent(n, 0x1fedafff);
	expect_guest_page(n, 0x1fedb000);		/* between image and modules */
	expect_guest_page(n, 0x1ff30fff);
	expect_absent(n, 0x1ff31000);
	expect_absent(n, 0x1ff57fff);
	expect_guest_page(n, 0x1ff58000);
	expect_guest_page(n, 0xfee00000);		/* MMIO is the guest's: it owns the devices */
	expect_guest_page(n, 4 * GiB - 1);
	expect_absent(n, 4 * GiB);			/* past the limit */
	/* Large pages where a block is all one thing: 3 x 1 GiB, and the
	 * first GiB in 2 MiB pages but around skiff. */
	assert_int_equal(n->pt.leaves[PT_LEVEL_PDPT], 3);
	assert_true(n->pt.leaves[PT_LEVEL_PD] >= 500);
	assert_true(n->pt.table_pages <= 6);
	npt_describe(n);
	assert_log_contains("skiff: npt: ");
}

static void without_1g_pages_uses_2m(void **state)
{
	struct fixture *f = *state;
	struct npt *n = &f->npt;

	assert_int_equal(npt_init(n, 36, false, &f->pages), 0);
	assert_int_equal(npt_map_identity(n, keep, N(keep), 4 * GiB), 0);
	assert_int_equal(n->pt.leaves[PT_LEVEL_PDPT], 0);
	expect_guest_page(n, 3 * GiB + 5 * MiB);
	expect_absent(n, 0x1fe00000);
}

/* A kept range that covers part of a page makes the whole page absent:
 * the guest never sees a byte of skiff's. */
static void partly_kept_page_is_absent(void **state)
{
	struct fixture *f = *state;
	struct npt *n = &f->npt;
	static const struct phys_range odd[] = { { 0x200800, 0x201200 } };

	assert_int_equal(npt_init(n, 39, true, &f->pages), 0);
	assert_int_equal(npt_map_identity(n, odd, N(odd), 1 * GiB), 0);
	expect_guest_page(n, 0x1ff000);
	expect_absent(n, 0x200000);
	expect_absent(n, 0x201000);
	expect_guest_page(n, 0x202000);
}

static void bad_limits_and_widths_are_refused(void **state)
{
	struct fixture *f = *state;
	struct npt *n = &f->npt;

	log_reset();
	assert_int_equal(npt_init(n, 31, true, &f->pages), -EINVAL);
	assert_log_contains("skiff: npt: physical address width 31");
	assert_int_equal(npt_init(n, 36, true, &f->pages), 0);
	assert_int_equal(npt_map_identity(n, keep, N(keep), 0), -EINVAL);
	assert_int_equal(npt_map_identity(n, keep, N(keep), (1ull << 36) + 4096), -ERANGE);
	assert_log_contains("skiff: npt: identity map up to");
}

/* The integrity walk shows each table as skiff wrote it, whatever accessed
 * and dirty bits the CPU has set since (APM 15.25.5). */
static void walk_ignores_accessed_and_dirty(void **state)
{
	struct fixture *f = *state;
	struct npt *n = &f->npt;
	struct walk_check w;
	uint64_t *root;

	assert_int_equal(npt_init(n, 39, true, &f->pages), 0);
	assert_int_equal(npt_map_identity(n, keep, N(keep), 4 * GiB), 0);
	walk_check_start(&w, &f->arena, n->pt.root);
	root = arena_to_virt(&f->arena, n->pt.root);
	root[0] |= NPT_ACCESSED;
	for (size_t p = 1; p < f->arena.used; p++) {
		uint64_t *t = arena_to_virt(&f->arena, ARENA_PA + p * 4096);

		/* accessed everywhere; dirty only in leaves (large ones here:
		 * the CPU never sets D in an entry that references a table) */
		for (unsigned i = 0; i < 512; i++)
			if (t[i] & NPT_PRESENT)
				t[i] |= NPT_ACCESSED | ((t[i] & NPT_LARGE_PAGE) ? NPT_DIRTY : 0);
	}
	assert_int_equal(npt_walk_tables(n, walk_check_visit, &w), (int)n->pt.table_pages);
	walk_check_end(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(identity_without_skiffs_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(without_1g_pages_uses_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(partly_kept_page_is_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_limits_and_widths_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(walk_ignores_accessed_and_dirty, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
