/*
 * The IOMMU's tables (mm/iommu_pt.h) on the host, tables in an arena, in
 * VT-d's format and in AMD-Vi's: every page below the limit is exactly one
 * of mapped read-write to itself (in the set given: the guest's memory) or
 * absent (skiff's, or nothing), walked leaf by leaf; large pages only
 * where the unit has them; the 3-level root is the 4-level tree's first
 * level-3 table; AMD-Vi's entries carry PR and the right NextLevel.
 */
#include "support.h"

#include <string.h>

#include "lib/errno.h"
#include "mm/iommu_pt.h"

#define ARENA_PA	0x40000000ull
#define ARENA_PAGES	64
#define MiB		(1ull << 20)
#define GiB		(1ull << 30)
#define ALL_LEAVES	(PT_LEVEL_BIT(1) | PT_LEVEL_BIT(2) | PT_LEVEL_BIT(3))

static struct arena arena;
static struct pt_pages pages;
static struct pt_tree tree;

static int setup(void **state)
{
	(void)state;
	arena_init(&arena, ARENA_PA, ARENA_PAGES);
	pages = (struct pt_pages){ .alloc = arena_alloc, .to_virt = arena_to_virt, .ctx = &arena };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_release(&arena);
	return 0;
}

/* Every page of [0, limit): mapped RW identity exactly when in map. */
static void check_every_page(const struct phys_range *map, size_t n, uint64_t limit)
{
	uint64_t pa = 0, mapped = 0;

	while (pa < limit) {
		struct pt_leaf l;
		bool want = ranges_contain_page(map, n, pa);

		pt_lookup(&tree, pa, &l);
		if (l.present != want)
			fail_msg("page 0x%llx: %s, want %s", (unsigned long long)pa,
				 l.present ? "mapped" : "absent", want ? "mapped" : "absent");
		if (!l.present) {
			pa += PAGE_SIZE;
			continue;
		}
		assert_int_equal(l.pa, pa);
		if (tree.fmt == &amdvi_pt_format)	/* PR, IR, IW; NextLevel 0: a page */
			assert_int_equal(l.entry & (AMDVI_PT_PRESENT | AMDVI_PT_READ | AMDVI_PT_WRITE |
						    (7ull << AMDVI_PT_NEXT_LEVEL_SHIFT)),
					 AMDVI_PT_PRESENT | AMDVI_PT_READ | AMDVI_PT_WRITE);
		else	/* R and W, no X (bit 2) */
			assert_int_equal(l.entry & 7, IOMMU_PT_READ | IOMMU_PT_WRITE);
		/* A large leaf only where all of it is the guest's. */
		assert_int_equal(ranges_overlap_bytes(map, n, (struct phys_range){
			align_down(pa, l.page_size), align_down(pa, l.page_size) + l.page_size }), l.page_size);
		mapped += l.page_size - (pa - align_down(pa, l.page_size));
		pa = align_down(pa, l.page_size) + l.page_size;
	}
	assert_int_equal(mapped, ranges_total(map, n));
}

/* A PC's guest memory: low RAM but for skiff's boot info at 0x9000, RAM up
 * to 16 MiB, skiff's image and pool cut out, RAM up to 3 GiB, then RAM
 * above 4 GiB; the 4 KiB edges split 2 MiB pages. */
static const struct phys_range pc_guest[] = {
	{ 0x0, 0x9000 }, { 0xa000, 0x9f000 }, { 0x100000, 0x1000000 },
	{ 0x1200000, 0x1e000000 }, { 0x1f001000, 0xc0000000 }, { 0x100000000, 0x140000000 },
};

static void test_identity_with_large_pages(void **state)
{
	(void)state;
	assert_int_equal(iommu_pt_init(&tree, &iommu_pt_format, &pages, ALL_LEAVES), 0);
	assert_int_equal(iommu_pt_identity(&tree, pc_guest, 6, 8 * GiB), 0);
	check_every_page(pc_guest, 6, 8 * GiB);
	assert_true(tree.leaves[PT_LEVEL_PDPT] >= 1);	/* 1 GiB at 1-2 GiB and 4-5 GiB */
	print_message("  %zu table pages\n", tree.table_pages);
}

/* A unit without large pages (SLLPS 0): 4 KiB leaves only. */
static void test_identity_without_large_pages(void **state)
{
	static const struct phys_range small[] = { { 0x100000, 0x600000 }, { 0x800000, 0x801000 } };

	(void)state;
	assert_int_equal(iommu_pt_init(&tree, &iommu_pt_format, &pages, PT_LEVEL_BIT(1)), 0);
	assert_int_equal(iommu_pt_identity(&tree, small, 2, 16 * MiB), 0);
	check_every_page(small, 2, 16 * MiB);
	assert_int_equal(tree.leaves[PT_LEVEL_PD], 0);
	assert_int_equal(tree.leaves[PT_LEVEL_PT], (0x500000 >> 12) + 1);
}

/* Three levels: the root is PML4[0]'s table; four: the PML4. */
static void test_roots(void **state)
{
	const uint64_t *pml4;

	(void)state;
	assert_int_equal(iommu_pt_init(&tree, &iommu_pt_format, &pages, ALL_LEAVES), 0);
	assert_int_equal(iommu_pt_root(&tree, 3), 0);	/* nothing mapped yet */
	assert_int_equal(iommu_pt_identity(&tree, pc_guest, 6, 8 * GiB), 0);
	pml4 = arena_to_virt(&arena, tree.root);
	assert_int_equal(iommu_pt_root(&tree, 4), tree.root);
	assert_int_equal(iommu_pt_root(&tree, 3), pml4[0] & IOMMU_PT_ADDR_MASK);
	assert_int_equal(pml4[0] & 3, 3);		/* a table grants both */
	assert_int_equal(pml4[1], 0);
	assert_int_equal(iommu_pt_identity(&tree, pc_guest, 6, 4095), -EINVAL);
}

/* Every table entry of the table at pa (of this level) says its child's
 * level in NextLevel and carries PR, IR, IW; a page says 0 and, above
 * level 1, carries skiff's large-page mark.  Returns the pages seen. */
static size_t check_amdvi_tables(uint64_t pa, int level)
{
	const uint64_t *t = arena_to_virt(&arena, pa);
	const uint64_t rights = AMDVI_PT_PRESENT | AMDVI_PT_READ | AMDVI_PT_WRITE;
	size_t seen = 0;

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t e = t[i], next = (e >> AMDVI_PT_NEXT_LEVEL_SHIFT) & 7;

		if (!(e & AMDVI_PT_PRESENT)) {
			assert_int_equal(e, 0);
			continue;
		}
		assert_int_equal(e & rights, rights);
		if (level > PT_LEVEL_PT && !(e & AMDVI_PT_MARK_LARGE)) {
			assert_int_equal(next, (uint64_t)level - 1);
			seen += check_amdvi_tables(e & IOMMU_PT_ADDR_MASK, level - 1);
		} else {
			assert_int_equal(next, 0);
			seen++;
		}
	}
	return seen;
}

/* The PC layout in AMD-Vi's format: the same pages, and entries the
 * IOMMU reads as tables and pages where the engine made them so; a page
 * taken back splits its 2 MiB page into a table of level 1. */
static void test_amdvi_format(void **state)
{
	struct pt_leaf l;
	const uint64_t *pml4;

	(void)state;
	assert_int_equal(iommu_pt_init(&tree, &amdvi_pt_format, &pages, ALL_LEAVES), 0);
	assert_int_equal(iommu_pt_identity(&tree, pc_guest, 6, 8 * GiB), 0);
	check_every_page(pc_guest, 6, 8 * GiB);
	pml4 = arena_to_virt(&arena, tree.root);
	assert_int_equal(iommu_pt_root(&tree, 3), pml4[0] & IOMMU_PT_ADDR_MASK);
	assert_int_equal(check_amdvi_tables(tree.root, PT_LEVELS),
			 tree.leaves[1] + tree.leaves[2] + tree.leaves[3]);
	pt_lookup(&tree, 0x1400000, &l);
	assert_int_equal(l.page_size, 2 * MiB);
	assert_int_equal(pt_unmap(&tree, 0x1401000, PAGE_SIZE), 0);
	pt_lookup(&tree, 0x1401000, &l);
	assert_false(l.present);
	pt_lookup(&tree, 0x1400000, &l);
	assert_int_equal(l.page_size, PAGE_SIZE);
	assert_true(l.present);
	check_amdvi_tables(tree.root, PT_LEVELS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_with_large_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_without_large_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_amdvi_format, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
