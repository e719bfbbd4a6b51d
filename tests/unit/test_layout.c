/*
 * skiff's memory budget: range-set operations, the layout built from
 * firmware-shaped memory maps (tidy and untidy), where the pool goes, and a
 * property test that every page of usable RAM ends up in exactly one place:
 * free in the page allocator, kept by skiff, or the guest's, and that no
 * module's new place touches anything the loader placed.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "mm/layout.h"
#include "mm/pmm.h"
#include "mm/range.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		(1ull << 10)
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define TOP		(~0ull)

static struct boot_info bi;
static struct mm_layout lay;
static struct phys_range image;

#define R(b, e)		((struct phys_range){ (b), (e) })

static void map_add(uint64_t base, uint64_t length, uint32_t type)
{
	assert_true(bi.mmap_count < BOOTINFO_MAX_MMAP);
	bi.mmap[bi.mmap_count++] = (struct mem_range){ base, length, type };
}

static void module_add(uint64_t start, uint64_t end)
{
	assert_true(bi.module_count < BOOTINFO_MAX_MODULES);
	bi.modules[bi.module_count].start = start;
	bi.modules[bi.module_count].end = end;
	bi.module_count++;
}

/* A fresh machine: no map yet, skiff at 1 MiB (2 MiB long), boot info in
 * one page just above it (where the loader put it; skiff does not keep it). */
static int setup(void **state)
{
	(void)state;
	memset(&bi, 0, sizeof(bi));
	memset(&lay, 0, sizeof(lay));
	image = R(1 * MIB, 3 * MIB);
	bi.mbi_addr = 3 * MIB + 0x100;
	bi.mbi_size = 0x400;
	log_reset();
	return 0;
}

static bool ranges_equal(const struct phys_range *a, size_t na,
			 const struct phys_range *b, size_t nb)
{
	return na == nb && memcmp(a, b, na * sizeof(a[0])) == 0;
}

#define assert_ranges(got, n, ...)						\
	do {									\
		const struct phys_range want_[] = { __VA_ARGS__ };		\
		if (!ranges_equal((got), (n), want_, ARRAY_SIZE(want_)))	\
			fail_msg("%s: %zu ranges, first [0x%llx, 0x%llx)",	\
				 #got, (size_t)(n),				\
				 (n) ? (unsigned long long)(got)[0].base : 0ull,	\
				 (n) ? (unsigned long long)(got)[0].end : 0ull);	\
	} while (0)

static const struct mm_owned *owned(enum mm_owner label)
{
	for (size_t i = 0; i < lay.skiff_count; i++)
		if (lay.skiff[i].label == label)
			return &lay.skiff[i];
	return NULL;
}

/* What must hold of every layout, whatever the map. */
static void check_layout_invariants(void)
{
	uint64_t pool = range_size(lay.pool);

	for (size_t i = 0; i < lay.usable_count; i++) {
		assert_true(is_aligned(lay.usable[i].base, PAGE_SIZE));
		assert_true(is_aligned(lay.usable[i].end, PAGE_SIZE));
		assert_true(lay.usable[i].base >= MIB);
		assert_true(lay.usable[i].base < lay.usable[i].end);
		if (i > 0)
			assert_true(lay.usable[i - 1].end < lay.usable[i].base);
	}
	for (size_t g = 0; g < lay.guest_count; g++) {
		assert_int_equal(ranges_overlap_bytes(lay.usable, lay.usable_count, lay.guest[g]),
				 range_size(lay.guest[g]));
		for (size_t s = 0; s < lay.skiff_count; s++)
			assert_false(range_overlaps(lay.guest[g], lay.skiff[s].range));
	}
	assert_true(pool > 0 && is_aligned(lay.pool.base, PAGE_SIZE) && is_aligned(pool, PAGE_SIZE));
	assert_int_equal(ranges_overlap_bytes(lay.usable, lay.usable_count, lay.pool), pool);
	assert_non_null(owned(MM_OWNER_POOL));
	assert_int_equal(lay.usable_bytes, ranges_total(lay.usable, lay.usable_count));
	assert_int_equal(lay.guest_bytes, ranges_total(lay.guest, lay.guest_count));
	assert_int_equal(lay.guest_bytes + lay.skiff_bytes, lay.usable_bytes);
}

static void build_ok(uint64_t pool_size)
{
	int err = mm_layout_build(&bi, &image, pool_size, &lay);

	if (err)
		fail_msg("mm_layout_build: %d; log:\n%s", err, unit_log);
	check_layout_invariants();
}

/* ---- range sets ---- */

static void test_normalize_sorts_merges_and_drops_empty(void **state)
{
	struct phys_range r[] = {
		R(0x5000, 0x6000), R(0x1000, 0x2000), R(0x3000, 0x3000),	/* empty */
		R(0x2000, 0x2800),	/* touches the second: merges */
		R(0x9000, 0x8000),	/* inverted: empty */
		R(0x5800, 0x7000),	/* overlaps the first */
		R(0x5100, 0x5200),	/* inside it */
	};
	size_t n = ranges_normalize(r, ARRAY_SIZE(r));

	(void)state;
	assert_ranges(r, n, R(0x1000, 0x2800), R(0x5000, 0x7000));
	assert_int_equal(ranges_normalize(r, 0), 0);
}

static void test_subtract_cuts_holes_edges_and_whole_ranges(void **state)
{
	const struct phys_range a[] = { R(0x1000, 0x9000), R(0x10000, 0x12000), R(0x20000, 0x21000) };
	const struct phys_range b[] = {
		R(0x0, 0x2000), R(0x4000, 0x5000), R(0x8000, 0x11000), R(0x20000, 0x30000),
	};
	struct phys_range out[8];
	int n = ranges_subtract(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b), out, ARRAY_SIZE(out));

	(void)state;
	assert_int_equal(n, 3);
	assert_ranges(out, (size_t)n, R(0x2000, 0x4000), R(0x5000, 0x8000), R(0x11000, 0x12000));
	n = ranges_subtract(a, ARRAY_SIZE(a), NULL, 0, out, ARRAY_SIZE(out));
	assert_ranges(out, (size_t)n, R(0x1000, 0x9000), R(0x10000, 0x12000), R(0x20000, 0x21000));
	assert_int_equal(ranges_subtract(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b), out, 2), -ENOSPC);
}

static void test_intersect_keeps_only_common_bytes(void **state)
{
	const struct phys_range a[] = { R(0x1000, 0x9000), R(0x10000, 0x12000) };
	const struct phys_range b[] = { R(0x0, 0x2000), R(0x4000, 0x11000), R(0x11800, 0x40000) };
	struct phys_range out[8];
	int n = ranges_intersect(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b), out, ARRAY_SIZE(out));

	(void)state;
	assert_ranges(out, (size_t)n, R(0x1000, 0x2000), R(0x4000, 0x9000),
		      R(0x10000, 0x11000), R(0x11800, 0x12000));
	assert_int_equal(ranges_intersect(a, ARRAY_SIZE(a), b, ARRAY_SIZE(b), out, 3), -ENOSPC);
	assert_int_equal(ranges_intersect(a, ARRAY_SIZE(a), NULL, 0, out, 8), 0);
}

static void test_remove_splits_in_place_and_refuses_when_full(void **state)
{
	struct phys_range r[3] = { R(0x1000, 0x9000), R(0xa000, 0xc000) };
	size_t n = 2;

	(void)state;
	assert_int_equal(ranges_remove(r, &n, 3, R(0x3000, 0x4000)), 0);
	assert_ranges(r, n, R(0x1000, 0x3000), R(0x4000, 0x9000), R(0xa000, 0xc000));
	/* Full: a second hole needs a slot there is not; nothing changes. */
	assert_int_equal(ranges_remove(r, &n, 3, R(0x5000, 0x6000)), -ENOSPC);
	assert_ranges(r, n, R(0x1000, 0x3000), R(0x4000, 0x9000), R(0xa000, 0xc000));
	/* Trimming and dropping need no slot even when full. */
	assert_int_equal(ranges_remove(r, &n, 3, R(0x2000, 0xb000)), 0);
	assert_ranges(r, n, R(0x1000, 0x2000), R(0xb000, 0xc000));
	assert_int_equal(ranges_remove(r, &n, 3, R(0x0, TOP)), 0);
	assert_int_equal(n, 0);
}

static void test_append_skips_empty_and_reports_full(void **state)
{
	struct phys_range r[1];
	size_t n = 0;

	(void)state;
	assert_int_equal(ranges_append(r, &n, 1, R(5, 5)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ranges_append(r, &n, 1, R(0, 4096)), 0);
	assert_int_equal(ranges_append(r, &n, 1, R(8192, 12288)), -ENOSPC);
	assert_int_equal(n, 1);
}

static void test_total_overlap_and_contains_page(void **state)
{
	const struct phys_range r[] = {
		R(0x1000, 0x3000), R(0x5000, 0x5800), R(TOP - 0x2fff, TOP),
	};

	(void)state;
	assert_int_equal(ranges_total(r, 2), 0x2800);
	assert_int_equal(ranges_overlap_bytes(r, 2, R(0x2000, 0x5400)), 0x1400);
	assert_true(ranges_contain_page(r, 3, 0x1000));
	assert_true(ranges_contain_page(r, 3, 0x2fff));
	assert_false(ranges_contain_page(r, 3, 0x3000));
	assert_false(ranges_contain_page(r, 3, 0x0));
	assert_false(ranges_contain_page(r, 3, 0x5000));	/* only half a page */
	assert_true(ranges_contain_page(r, 3, TOP - 0x2fff));
	/* The last page of the address space ends at 2^64, past r's end. */
	assert_false(ranges_contain_page(r, 3, TOP));
	assert_false(ranges_contain_page(r, 0, 0x1000));
}

/* ---- firmware-shaped maps ---- */

/* QEMU with SeaBIOS, 512 MiB. */
static void qemu_map(void)
{
	map_add(0x0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0x1fee0000, MEM_USABLE);
	map_add(0x1ffe0000, 0x20000, MEM_RESERVED);
	map_add(0xfeffc000, 0x4000, MEM_RESERVED);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
}

static void test_qemu_map(void **state)
{
	(void)state;
	qemu_map();
	build_ok(16 * MIB);
	assert_ranges(lay.usable, lay.usable_count, R(MIB, 0x1ffe0000));
	assert_int_equal(lay.ram_bytes, 0x9fc00 + 0x1fee0000);
	/* The pool sits at the top, leaving the guest one low run. */
	assert_int_equal(lay.pool.base, 0x1ffe0000 - 16 * MIB);
	assert_int_equal(lay.pool.end, 0x1ffe0000);
	assert_ranges(lay.guest, lay.guest_count, R(3 * MIB, 0x1ffe0000 - 16 * MIB));
	assert_int_equal(lay.skiff_bytes, 2 * MIB + 16 * MIB);
	assert_int_equal(mm_layout_owner(&lay, 2 * MIB), MM_OWNER_IMAGE);
	/* The boot information was parsed into struct boot_info: the guest's. */
	assert_int_equal(mm_layout_owner(&lay, 3 * MIB + 0x7ff), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 3 * MIB + 0x1000), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 0x1ffdffff), MM_OWNER_POOL);
	assert_int_equal(mm_layout_owner(&lay, 0x1ffe0000), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 0x8000), MM_OWNER_NONE);
}

/* Bochs (BIOS-bochs-latest), 128 MiB, ACPI tables at the top. */
static void test_bochs_map(void **state)
{
	(void)state;
	map_add(0x0, 0x9f000, MEM_USABLE);
	map_add(0x9f000, 0x1000, MEM_RESERVED);
	map_add(0xe8000, 0x18000, MEM_RESERVED);
	map_add(0x100000, 0x7ef0000, MEM_USABLE);
	map_add(0x7ff0000, 0x10000, MEM_ACPI_RECLAIMABLE);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
	build_ok(8 * MIB);
	assert_ranges(lay.usable, lay.usable_count, R(MIB, 0x7ff0000));
	assert_ranges(&lay.pool, 1, R(0x7ff0000 - 8 * MIB, 0x7ff0000));
	assert_int_equal(lay.guest_count, 1);
	assert_int_equal(lay.guest_bytes, 0x7ff0000 - 3 * MIB - 8 * MIB);
}

/* OVMF, 2 GiB: firmware runtime regions chop the top of low RAM into many
 * small runs, and MMCONFIG and flash are reserved below 4 GiB. */
static void ovmf_map(void)
{
	map_add(0x0, 0xa0000, MEM_USABLE);
	map_add(0x100000, 0x700000, MEM_USABLE);
	map_add(0x800000, 0x8000, MEM_ACPI_NVS);
	map_add(0x808000, 0x8000, MEM_USABLE);
	map_add(0x810000, 0xf0000, MEM_ACPI_NVS);
	map_add(0x900000, 0x7e000000 - 0x900000, MEM_USABLE);
	for (uint64_t i = 0; i < 40; i++) {
		uint64_t at = 0x7e000000 + i * 0x50000;
		static const uint32_t holes[] = { MEM_RESERVED, MEM_ACPI_NVS, 20 /* unknown */ };

		map_add(at, 0x10000, holes[i % 3]);
		map_add(at + 0x10000, 0x40000, MEM_USABLE);
	}
	map_add(0xb0000000, 0x10000000, MEM_RESERVED);
	map_add(0xffc00000, 0x400000, MEM_RESERVED);
}

static void test_ovmf_map_with_many_small_runs(void **state)
{
	(void)state;
	ovmf_map();
	build_ok(16 * MIB);
	/* No small run holds 16 MiB: the highest that does is below them. */
	assert_ranges(&lay.pool, 1, R(0x7e000000 - 16 * MIB, 0x7e000000));
	assert_int_equal(lay.usable_count, 3 + 40);
	assert_int_equal(lay.guest_count, 3 + 40);
	assert_ranges(lay.guest, 2, R(3 * MIB, 0x800000), R(0x808000, 0x810000));
	assert_int_equal(mm_layout_owner(&lay, 0x800000), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 0x7e000000), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 0x7e010000), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 0x7e04f000), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 0x7e050000), MM_OWNER_NONE);

	/* A pool small enough for a run goes into the highest one. */
	setup(NULL);
	ovmf_map();
	build_ok(128 * KIB);
	assert_ranges(&lay.pool, 1, R(0x7ec60000, 0x7ec80000));
}

/* A server-sized machine: 3 GiB low, PCI hole, 61 GiB above 4 GiB. */
static void big_map(void)
{
	map_add(0x0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0xc0000000 - 0x100000, MEM_USABLE);
	map_add(0xc0000000, 0x40000000, MEM_RESERVED);
	map_add(4 * GIB, 61 * GIB, MEM_USABLE);
}

static void test_64g_machine_keeps_pool_below_4g(void **state)
{
	(void)state;
	big_map();
	build_ok(64 * MIB);
	assert_int_equal(lay.ram_bytes, 0x9fc00 + 3 * GIB - MIB + 61 * GIB);
	assert_ranges(&lay.pool, 1, R(3 * GIB - 64 * MIB, 3 * GIB));
	assert_ranges(lay.guest, lay.guest_count,
		      R(3 * MIB, 3 * GIB - 64 * MIB), R(4 * GIB, 65 * GIB));
	assert_int_equal(mm_layout_owner(&lay, 65 * GIB - 1), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 65 * GIB), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 3 * GIB + 5), MM_OWNER_NONE);
	mm_layout_print(&lay);
	assert_log_contains("skiff: mm: RAM 64 GiB total, 64 GiB usable; skiff keeps 66 MiB "
			    "(image 2 MiB, pool 64 MiB, modules 0 KiB); "
			    "guest gets 63.9 GiB in 2 ranges\n");
}

static void test_unsorted_map_gives_same_layout(void **state)
{
	static struct mm_layout sorted;

	(void)state;
	qemu_map();
	build_ok(16 * MIB);
	sorted = lay;
	setup(NULL);
	qemu_map();
	for (uint32_t i = 0; i < bi.mmap_count / 2; i++) {
		struct mem_range t = bi.mmap[i];

		bi.mmap[i] = bi.mmap[bi.mmap_count - 1 - i];
		bi.mmap[bi.mmap_count - 1 - i] = t;
	}
	build_ok(16 * MIB);
	assert_memory_equal(&lay, &sorted, sizeof(lay));
}

static void test_reserved_wins_over_overlapping_usable(void **state)
{
	(void)state;
	map_add(0x100000, 0x3f00000, MEM_USABLE);
	map_add(0x1000800, 0x1000, MEM_RESERVED);	/* unaligned: both pages go */
	map_add(0x2000000, 0x1000000, MEM_USABLE);	/* duplicate of part of the first */
	map_add(0x3fff000, 0x1001000, MEM_RESERVED);	/* clips the end */
	map_add(0x6000000, 0x1000000, MEM_USABLE);
	map_add(0x5800000, 0x2000000, MEM_ACPI_RECLAIMABLE);	/* swallows it */
	map_add(0x3000000, 0x1000, MEM_BAD);
	build_ok(MIB);
	assert_ranges(lay.usable, lay.usable_count,
		      R(MIB, 0x1000000), R(0x1002000, 0x3000000), R(0x3001000, 0x3fff000));
	assert_int_equal(mm_layout_owner(&lay, 0x1001fff), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 0x6800000), MM_OWNER_NONE);
}

static void test_zero_length_entries_change_nothing(void **state)
{
	(void)state;
	map_add(0x100000, 0x1f00000, MEM_USABLE);
	map_add(0x1000800, 0, MEM_RESERVED);
	map_add(0x1000000, 0, MEM_ACPI_NVS);
	map_add(0x5000000, 0, MEM_USABLE);
	map_add(0, 0, 99);
	build_ok(MIB);
	assert_ranges(lay.usable, lay.usable_count, R(MIB, 32 * MIB));
	assert_int_equal(lay.ram_bytes, 31 * MIB);
}

static void test_unaligned_entries_shrink_to_whole_pages(void **state)
{
	(void)state;
	map_add(0x100800, 0x2000400 - 0x100800, MEM_USABLE);
	/* Two half pages that together make one whole page. */
	map_add(0x3000800, 0x800, MEM_USABLE);
	map_add(0x3000000, 0x800, MEM_USABLE);
	map_add(0x1800800, 0x100, MEM_RESERVED);
	build_ok(MIB);
	assert_ranges(lay.usable, lay.usable_count,
		      R(0x101000, 0x1800000), R(0x1801000, 0x2000000), R(0x3000000, 0x3001000));
	assert_int_equal(lay.ram_bytes, 0x2000400 - 0x100800 + 0x1000);
	/* Only the usable part of the image counts as kept. */
	assert_int_equal(lay.skiff_bytes, 2 * MIB - 0x1000 + MIB);
}

static void wrapping_map(void)
{
	map_add(0xffffffff00000000, 0x200000000, MEM_USABLE);	/* wraps */
	map_add(0x100000, 0x3f00000, MEM_USABLE);
	map_add(0xfffffffff0000000, 0x20000000, MEM_RESERVED);	/* wraps */
	map_add(0xffffffffffffff00, 0x1000, MEM_USABLE);		/* wraps, part page */
	map_add(TOP, TOP, MEM_RESERVED);
}

static void test_wrapping_entries_are_clipped(void **state)
{
	(void)state;
	wrapping_map();
	build_ok(MIB);
	assert_ranges(lay.usable, lay.usable_count,
		      R(MIB, 64 * MIB), R(0xffffffff00000000, 0xfffffffff0000000));
	assert_int_equal(lay.ram_bytes, TOP - 0xffffffff00000000 + 63 * MIB);
	assert_ranges(&lay.pool, 1, R(63 * MIB, 64 * MIB));
	assert_int_equal(mm_layout_owner(&lay, 0xffffffff00000000), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 0xfffffffff0000000), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, TOP), MM_OWNER_NONE);

	/* Too big for low memory: the pool goes to the lowest high run. */
	setup(NULL);
	wrapping_map();
	build_ok(128 * MIB);
	assert_ranges(&lay.pool, 1, R(0xffffffff00000000, 0xffffffff08000000));
}

/* 100 one-page holes punched into one usable entry (101 entries in all). */
static void test_map_with_100_small_holes(void **state)
{
	const uint64_t first = 0x1000000, gap = 0x180000, end = first + 100 * gap + MIB;

	(void)state;
	map_add(MIB, end - MIB, MEM_USABLE);
	for (uint64_t i = 0; i < 100; i++) {
		/* Every other hole is an unaligned sliver that costs a page. */
		if (i % 2)
			map_add(first + i * gap + 0x800, 0x200, MEM_RESERVED);
		else
			map_add(first + i * gap, PAGE_SIZE, MEM_ACPI_NVS);
	}
	build_ok(2 * MIB);
	assert_int_equal(lay.usable_count, 101);
	assert_int_equal(lay.guest_count, 101);
	assert_ranges(&lay.pool, 1, R(end - 2 * MIB, end));
	for (uint64_t i = 0; i < 100; i++) {
		uint64_t hole = first + i * gap;

		assert_int_equal(mm_layout_owner(&lay, hole), MM_OWNER_NONE);
		assert_int_equal(mm_layout_owner(&lay, hole - PAGE_SIZE), MM_OWNER_GUEST);
		assert_int_equal(mm_layout_owner(&lay, hole + PAGE_SIZE), MM_OWNER_GUEST);
	}
	assert_int_equal(lay.usable_bytes, end - MIB - 100 * PAGE_SIZE);
}

/* ---- what skiff keeps ---- */

static void test_image_and_modules_are_kept_boot_info_is_not(void **state)
{
	(void)state;
	map_add(0x0, 0x9fc00, MEM_USABLE);
	map_add(MIB, 255 * MIB, MEM_USABLE);
	image = R(MIB, 0x2a3456);
	bi.mbi_addr = 0x9000;		/* below 1 MiB, where the loader put it */
	bi.mbi_size = 0x800;
	module_add(0x400000, 0x500123);
	module_add(0x800000, 0x800000);	/* empty: nothing to keep or move */
	module_add(0x900100, 0x900200);
	build_ok(4 * MIB);
	/* Module 0 right below the pool, module 2 below it; where the loader
	 * put them is the guest's again. */
	assert_ranges(lay.guest, lay.guest_count, R(0x2a4000, 252 * MIB - 0x102000));
	assert_int_equal(lay.skiff_count, 4);
	assert_int_equal(lay.skiff[1].label, MM_OWNER_MODULE);
	assert_int_equal(lay.skiff[1].module, 0);
	assert_ranges(&lay.skiff[1].range, 1, R(252 * MIB - 0x101000, 252 * MIB));
	assert_int_equal(lay.skiff[2].label, MM_OWNER_MODULE);
	assert_int_equal(lay.skiff[2].module, 2);
	assert_ranges(&lay.skiff[2].range, 1, R(252 * MIB - 0x102000, 252 * MIB - 0x101000));
	assert_int_equal(lay.module_count, 3);
	assert_false(lay.modules[1].moved);
	assert_int_equal(lay.modules[1].size, 0);
	assert_int_equal(lay.modules[2].from, 0x900100);
	assert_int_equal(lay.modules[2].to, 252 * MIB - 0x102000);
	assert_int_equal(lay.modules[2].size, 0x100);
	assert_int_equal(mm_layout_owner(&lay, 0x2a3fff), MM_OWNER_IMAGE);
	assert_int_equal(mm_layout_owner(&lay, 0x500fff), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 0x900000), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 252 * MIB - 0x102000), MM_OWNER_MODULE);
	assert_int_equal(mm_layout_owner(&lay, 0x9000), MM_OWNER_NONE);
	assert_int_equal(mm_layout_owner(&lay, 252 * MIB), MM_OWNER_POOL);
	assert_int_equal(lay.skiff_bytes, 0x1a4000 + 0x101000 + 0x1000 + 4 * MIB);
	mm_layout_print(&lay);
	assert_log_contains("skiff: mm:   0x000000000fafe000-0x000000000fafefff      "
			    "4 KiB  module 2\n");
	assert_log_contains("(image 1.6 MiB, pool 4 MiB, modules 1 MiB)");
	assert_log_contains("skiff: mm: 2 modules moved out of the guest's way, "
			    "1049123 bytes (1 MiB): from 0x400000-0x9001ff to 0xfafe000-0xfbff122\n");
}

static void test_print_summary_and_one_line_per_kept_range(void **state)
{
	(void)state;
	qemu_map();
	build_ok(16 * MIB);
	mm_layout_print(&lay);
	assert_string_equal(unit_log,
		"skiff: mm: RAM 511.5 MiB total, 510.9 MiB usable; skiff keeps 18 MiB "
		"(image 2 MiB, pool 16 MiB, modules 0 KiB); "
		"guest gets 492.9 MiB in 1 range\n"
		"skiff: mm:   0x0000000000100000-0x00000000002fffff      2 MiB  image\n"
		"skiff: mm:   0x000000001efe0000-0x000000001ffdffff     16 MiB  pool\n");
}

static void test_owner_names(void **state)
{
	(void)state;
	assert_string_equal(mm_owner_name(MM_OWNER_NONE), "none");
	assert_string_equal(mm_owner_name(MM_OWNER_GUEST), "guest");
	assert_string_equal(mm_owner_name(MM_OWNER_IMAGE), "image");
	assert_string_equal(mm_owner_name(MM_OWNER_MODULE), "module");
	assert_string_equal(mm_owner_name(MM_OWNER_POOL), "pool");
	assert_string_equal(mm_owner_name((enum mm_owner)77), "unknown");
}

/* ---- where the pool goes ---- */

static void placement_map(void)
{
	map_add(MIB, 63 * MIB, MEM_USABLE);
	map_add(128 * MIB, 2 * MIB, MEM_USABLE);
	map_add(256 * MIB, 4 * MIB, MEM_USABLE);
	map_add(4 * GIB, 4 * GIB, MEM_USABLE);
}

static void test_pool_takes_highest_fitting_run_below_4g(void **state)
{
	(void)state;
	placement_map();
	build_ok(3 * MIB);
	assert_ranges(&lay.pool, 1, R(257 * MIB, 260 * MIB));
	setup(NULL);
	placement_map();
	build_ok(4 * MIB);	/* exactly fits the highest run */
	assert_ranges(&lay.pool, 1, R(256 * MIB, 260 * MIB));
	setup(NULL);
	placement_map();
	build_ok(8 * MIB);	/* skips the runs too small for it */
	assert_ranges(&lay.pool, 1, R(56 * MIB, 64 * MIB));
	setup(NULL);
	placement_map();
	build_ok(5000);		/* rounded up to whole pages */
	assert_ranges(&lay.pool, 1, R(260 * MIB - 0x2000, 260 * MIB));
}

static void test_pool_avoids_image_modules_and_boot_info(void **state)
{
	(void)state;
	map_add(MIB, 63 * MIB, MEM_USABLE);
	module_add(60 * MIB, 64 * MIB);
	bi.mbi_addr = 59 * MIB;
	image = R(52 * MIB - 0x800, 52 * MIB + 0x800);
	build_ok(6 * MIB);
	assert_ranges(&lay.pool, 1, R(53 * MIB, 59 * MIB));
	/* The module moves below the image (the highest free fit), and the
	 * pages the boot information and the module used are the guest's. */
	assert_ranges(&lay.skiff[1].range, 1, R(48 * MIB - 0x1000, 52 * MIB - 0x1000));
	assert_ranges(lay.guest, lay.guest_count, R(MIB, 48 * MIB - 0x1000),
		      R(52 * MIB + 0x1000, 53 * MIB), R(59 * MIB, 64 * MIB));
	/* The owned ranges leave no room for more: the pool does not fit. */
	setup(NULL);
	map_add(MIB, 63 * MIB, MEM_USABLE);
	module_add(2 * MIB, 63 * MIB);
	assert_int_equal(mm_layout_build(&bi, &image, 2 * MIB, &lay), -ENOMEM);
}

static void test_pool_goes_above_4g_only_when_low_ram_lacks_room(void **state)
{
	(void)state;
	placement_map();
	map_add(8 * GIB + 16 * MIB, 8 * GIB, MEM_USABLE);
	build_ok(128 * MIB);
	assert_ranges(&lay.pool, 1, R(4 * GIB, 4 * GIB + 128 * MIB));
	/* Lowest run above 4 GiB that fits, not the first. */
	setup(NULL);
	map_add(MIB, 15 * MIB, MEM_USABLE);
	map_add(4 * GIB, 16 * MIB, MEM_USABLE);
	map_add(8 * GIB, 8 * GIB, MEM_USABLE);
	build_ok(32 * MIB);
	assert_ranges(&lay.pool, 1, R(8 * GIB, 8 * GIB + 32 * MIB));
}

static void test_pool_straddles_4g_as_a_last_resort(void **state)
{
	(void)state;
	map_add(MIB, 7 * MIB, MEM_USABLE);
	map_add(4 * GIB - 8 * MIB, 16 * MIB, MEM_USABLE);
	build_ok(12 * MIB);
	assert_ranges(&lay.pool, 1, R(4 * GIB - 4 * MIB, 4 * GIB + 8 * MIB));
}

static void test_pool_that_fits_nowhere_is_reported(void **state)
{
	(void)state;
	map_add(MIB, 63 * MIB, MEM_USABLE);
	map_add(4 * GIB, 100 * MIB, MEM_USABLE);
	assert_int_equal(mm_layout_build(&bi, &image, 256 * MIB, &lay), -ENOMEM);
	assert_log_contains("skiff: mm: no room for skiff's page pool: it needs 268435456 bytes "
			    "(256 MiB)");
	assert_log_contains("the largest such run is 100 MiB\n");

	log_reset();
	assert_int_equal(mm_layout_build(&bi, &image, 0, &lay), -EINVAL);
	assert_log_contains("pool size is 0");
	log_reset();
	assert_int_equal(mm_layout_build(&bi, &image, TOP - 5, &lay), -ENOMEM);
	assert_log_contains("no room for skiff's page pool");
}

static void test_empty_map_has_no_room(void **state)
{
	(void)state;
	assert_int_equal(mm_layout_build(&bi, &image, PAGE_SIZE, &lay), -ENOMEM);
	assert_log_contains("the largest such run is 0 KiB");
	assert_int_equal(mm_layout_owner(&lay, 2 * MIB), MM_OWNER_NONE);
}

/* ---- where GRUB's modules go ---- */

/* Bochs with 512 MiB, skiff's image at 16 MiB, and GRUB 2.06's low
 * placement as measured with a Linux guest: module 0 (the kernel) from
 * 0x22a000, the boot information after it, module 1 (the initrd) after
 * that, up to 5.2 MiB. */
static void grub_low_machine(void)
{
	map_add(0x0, 0x9f000, MEM_USABLE);
	map_add(0x9f000, 0x1000, MEM_RESERVED);
	map_add(0xe8000, 0x18000, MEM_RESERVED);
	map_add(MIB, 0x1fff0000 - MIB, MEM_USABLE);
	map_add(0x1fff0000, 0x10000, MEM_ACPI_RECLAIMABLE);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
	image = R(16 * MIB, 0x108a000);
	module_add(0x22a000, 0x34cb20);
	bi.mbi_addr = 0x34d000;
	bi.mbi_size = 0x9a8;
	module_add(0x34e000, 0x5327a1);
}

static void test_grub_low_modules_move_up_next_to_the_pool(void **state)
{
	(void)state;
	grub_low_machine();
	build_ok(0x130000);
	assert_ranges(&lay.pool, 1, R(0x1fec0000, 0x1fff0000));
	/* Highest first: module 0 right below the pool, module 1 below it. */
	assert_true(lay.modules[0].moved && lay.modules[1].moved);
	assert_int_equal(lay.modules[0].from, 0x22a000);
	assert_int_equal(lay.modules[0].to, 0x1fec0000 - 0x123000);
	assert_int_equal(lay.modules[0].size, 0x122b20);
	assert_int_equal(lay.modules[1].from, 0x34e000);
	assert_int_equal(lay.modules[1].to, 0x1fec0000 - 0x123000 - 0x1e5000);
	assert_int_equal(lay.modules[1].size, 0x1e47a1);
	assert_int_equal(lay.moved_count, 2);
	assert_int_equal(lay.moved_bytes, 0x122b20 + 0x1e47a1);
	/* Below the image, the guest's low memory is one piece again. */
	assert_ranges(lay.guest, lay.guest_count, R(MIB, 16 * MIB),
		      R(0x108a000, 0x1fec0000 - 0x123000 - 0x1e5000));
	mm_layout_print(&lay);
	assert_string_equal(unit_log,
		"skiff: mm: RAM 511.6 MiB total, 510.9 MiB usable; skiff keeps 4.8 MiB "
		"(image 552 KiB, pool 1.2 MiB, modules 3 MiB); guest gets 506.2 MiB in 2 ranges\n"
		"skiff: mm:   0x0000000001000000-0x0000000001089fff    552 KiB  image\n"
		"skiff: mm:   0x000000001fd9d000-0x000000001febffff    1.1 MiB  module 0\n"
		"skiff: mm:   0x000000001fbb8000-0x000000001fd9cfff    1.9 MiB  module 1\n"
		"skiff: mm:   0x000000001fec0000-0x000000001ffeffff    1.2 MiB  pool\n"
		"skiff: mm: 2 modules moved out of the guest's way, 3175105 bytes (3 MiB): "
		"from 0x22a000-0x5327a0 to 0x1fbb8000-0x1febfb1f\n");
	assert_true(mm_layout_moves_disjoint(&lay, &bi, &image));
}

/* No new place may overlap any old one, nor the image, the boot
 * information or the pool: then the copies cannot spoil each other, in
 * any order.  Here GRUB put module 1 at the very top, where module 0's new
 * place would otherwise be, module 2 on the same bytes as module 0, and
 * the boot information inside module 2. */
static void test_new_places_overlap_no_old_place(void **state)
{
	(void)state;
	map_add(MIB, 63 * MIB, MEM_USABLE);
	image = R(16 * MIB, 17 * MIB);
	module_add(2 * MIB, 3 * MIB + 100);
	module_add(62 * MIB, 64 * MIB);
	module_add(2 * MIB, 3 * MIB + 100);
	bi.mbi_addr = 2 * MIB + 0x3000;
	bi.mbi_size = 0x100;
	build_ok(MIB);
	assert_ranges(&lay.pool, 1, R(61 * MIB, 62 * MIB));
	assert_int_equal(lay.modules[0].to, 61 * MIB - 0x101000);
	assert_int_equal(lay.modules[1].to, 61 * MIB - 0x101000 - 2 * MIB);
	assert_int_equal(lay.modules[2].to, 61 * MIB - 2 * 0x101000 - 2 * MIB);
	assert_true(mm_layout_moves_disjoint(&lay, &bi, &image));
	/* Where module 1 was is the guest's now, and where 0 and 2 were. */
	assert_int_equal(mm_layout_owner(&lay, 62 * MIB), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 2 * MIB), MM_OWNER_GUEST);
	assert_ranges(lay.guest, lay.guest_count, R(MIB, 16 * MIB),
		      R(17 * MIB, 61 * MIB - 2 * 0x101000 - 2 * MIB), R(62 * MIB, 64 * MIB));

	/* The check itself refuses a new place on an old one. */
	lay.modules[2].to = 62 * MIB;
	assert_false(mm_layout_moves_disjoint(&lay, &bi, &image));
	lay.modules[2].to = lay.modules[0].to + PAGE_SIZE;
	assert_false(mm_layout_moves_disjoint(&lay, &bi, &image));
	lay.modules[2].to = 16 * MIB + 5 * PAGE_SIZE;
	assert_false(mm_layout_moves_disjoint(&lay, &bi, &image));
	lay.modules[2].to = 61 * MIB;	/* the pool */
	assert_false(mm_layout_moves_disjoint(&lay, &bi, &image));
	lay.modules[2].to = 40 * MIB + 8;	/* free, but not page-aligned */
	assert_false(mm_layout_moves_disjoint(&lay, &bi, &image));
	lay.modules[2].to = 40 * MIB;
	assert_true(mm_layout_moves_disjoint(&lay, &bi, &image));
}

/* A module at or above 4 GiB stays where it is (the boot map cannot
 * reach it, and a Multiboot2 loader cannot put it there); an empty one is
 * neither moved nor kept. */
static void test_modules_above_4g_and_empty_ones_stay(void **state)
{
	(void)state;
	map_add(MIB, 63 * MIB, MEM_USABLE);
	map_add(4 * GIB, GIB, MEM_USABLE);
	module_add(4 * GIB + 0x100, 4 * GIB + 0x5000);
	module_add(4 * GIB - 0x1000, 4 * GIB + 0x1000);	/* straddles the line */
	module_add(5 * MIB, 5 * MIB);
	module_add(4 * GIB - 0x2000, 4 * GIB);		/* wholly below: moves */
	build_ok(MIB);
	assert_false(lay.modules[0].moved);
	assert_int_equal(lay.modules[0].to, 4 * GIB + 0x100);
	assert_false(lay.modules[1].moved);
	assert_false(lay.modules[2].moved);
	assert_true(lay.modules[3].moved);
	assert_int_equal(lay.modules[3].to, 63 * MIB - 0x2000);
	assert_int_equal(lay.moved_count, 1);
	assert_int_equal(mm_layout_owner(&lay, 4 * GIB + 0x4000), MM_OWNER_MODULE);
	assert_int_equal(mm_layout_owner(&lay, 5 * GIB - PAGE_SIZE), MM_OWNER_GUEST);
	assert_int_equal(mm_layout_owner(&lay, 5 * MIB), MM_OWNER_GUEST);
	assert_int_equal(lay.skiff_count, 5);	/* image, modules 0, 1, 3, pool */
}

/* No room below 4 GiB for a module: a clear report, and no layout. */
static void test_module_without_room_is_reported(void **state)
{
	(void)state;
	map_add(MIB, 7 * MIB, MEM_USABLE);
	map_add(4 * GIB, 4 * GIB, MEM_USABLE);	/* room, but beyond the boot map */
	module_add(4 * MIB, 7 * MIB);
	assert_int_equal(mm_layout_build(&bi, &image, MIB, &lay), -ENOMEM);
	assert_log_contains("skiff: mm: no room to move GRUB module 0 (3145728 bytes, 3 MiB) "
			    "out of the guest's low memory: it needs that much contiguous usable "
			    "RAM below 4 GiB outside skiff's image, pool and what the loader placed; the "
			    "largest such run is 1020 KiB\n");
	/* A module that fits somewhere (here above its own old place) moves. */
	setup(NULL);
	map_add(MIB, 7 * MIB, MEM_USABLE);
	module_add(4 * MIB, 4 * MIB + 1020 * KIB);
	build_ok(MIB);
	assert_int_equal(lay.modules[0].to, 7 * MIB - 1020 * KIB);
	assert_ranges(lay.guest, lay.guest_count, R(3 * MIB, 7 * MIB - 1020 * KIB));
}

/* ---- property: every usable page is free in the pool, kept, or the guest's ---- */

#define PROPERTY_SEEDS		500
#define SMALL_SPAN		(64 * MIB)	/* every page checked */
#define LARGE_SPAN		(16 * GIB)	/* sampled */
#define RANDOM_SAMPLES		512

static uint64_t rng_state;

/* xorshift64: deterministic, so a failing seed can be replayed. */
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t rng_below(uint64_t n)
{
	return n ? rng() % n : 0;
}

/* Mostly page-aligned addresses, sometimes not, as firmware gives them. */
static uint64_t rng_addr(uint64_t span)
{
	uint64_t a = rng_below(span);

	return rng_below(4) ? align_down(a, PAGE_SIZE) : a;
}

static void random_entry(uint64_t span, bool may_wrap)
{
	static const uint32_t types[] = { MEM_RESERVED, MEM_ACPI_RECLAIMABLE, MEM_ACPI_NVS,
					  MEM_BAD, 7, 0xf00 };
	uint32_t type = rng_below(100) < 55 ? MEM_USABLE : types[rng_below(ARRAY_SIZE(types))];
	uint64_t base = rng_addr(span), r = rng_below(100), length;

	if (r < 8)
		length = 0;
	else if (r < 12 && may_wrap)
		length = TOP - base + rng_below(GIB);	/* wraps past 2^64 */
	else
		length = rng_addr(span / 4);
	map_add(base, length, type);
}

/* A random machine: a messy map, an image, boot info and a few modules.
 * A small machine keeps all its RAM below 2 * span, so that every page of
 * it can be checked. */
static uint64_t random_machine(uint64_t span, bool small)
{
	uint32_t entries = 1 + (uint32_t)rng_below(48);

	for (uint32_t i = 0; i < entries; i++) {
		if (rng_below(entries) == 0)
			map_add(MIB, span * 3 / 4, MEM_USABLE);
		random_entry(span, !small);
	}
	image.base = rng_addr(span);
	image.end = image.base + 1 + rng_below(2 * MIB);
	bi.mbi_addr = rng_addr(span);
	bi.mbi_size = (uint32_t)rng_below(16 * KIB);
	for (uint32_t m = (uint32_t)rng_below(4); m > 0; m--) {
		uint64_t start = rng_addr(span);

		module_add(start, start + rng_below(8 * MIB));
	}
	/* At least two pages: the pool's bookkeeping plus one to hand out. */
	return (2 + rng_below(255)) * PAGE_SIZE - rng_below(PAGE_SIZE);
}

/* Hands out and returns pages at random, as skiff's subsystems would. */
static void churn_pool(struct pmm *p)
{
	uint64_t held[64];
	size_t n = 0;

	for (int op = (int)rng_below(96); op > 0; op--) {
		uint64_t r = rng_below(10), pa;

		if (r < 5 && n < ARRAY_SIZE(held)) {
			pa = pmm_alloc_page(p);
			if (pa)
				held[n++] = pa;
		} else if (r < 7) {
			(void)pmm_alloc_pages(p, 1 + rng_below(8), PAGE_SIZE << rng_below(4));
		} else if (n > 0) {
			size_t k = rng_below(n);

			assert_int_equal(pmm_free_page(p, held[k]), 0);
			held[k] = held[--n];
		}
	}
}

struct page_census {
	uint64_t free, kept, guest;
};

/* How much the property test actually exercised, so a generator that
 * drifted into trivial machines shows. */
static struct {
	uint64_t machines, no_room, pages, free, kept, guest, moved, stayed;
} property_stats;

static bool in_kept_range(uint64_t pa)
{
	for (size_t i = 0; i < lay.skiff_count; i++)
		if (ranges_contain_page(&lay.skiff[i].range, 1, pa))
			return true;
	return false;
}

/* The classes are computed independently of mm_layout_owner() and then
 * compared with it: the pool's own state for "free", the kept ranges for
 * "kept", the guest ranges for "guest". */
static void check_page(const struct pmm *p, uint64_t host_pool, uint64_t pa,
		       struct page_census *c)
{
	bool usable = ranges_contain_page(lay.usable, lay.usable_count, pa);
	bool guest = ranges_contain_page(lay.guest, lay.guest_count, pa);
	bool pooled = ranges_contain_page(&lay.pool, 1, pa);
	enum pmm_page_state st = pooled ? pmm_page_state(p, host_pool + (pa - lay.pool.base))
					: PMM_PAGE_OUTSIDE;
	bool free = st == PMM_PAGE_FRESH || st == PMM_PAGE_FREE;
	bool kept = usable && in_kept_range(pa) && !free;
	enum mm_owner owner = mm_layout_owner(&lay, pa);

	if (usable && (int)free + (int)kept + (int)guest != 1)
		fail_msg("page 0x%llx: free %d kept %d guest %d", (unsigned long long)pa,
			 free, kept, guest);
	if (!usable && (guest || owner != MM_OWNER_NONE))
		fail_msg("page 0x%llx is not usable RAM but guest %d owner %s",
			 (unsigned long long)pa, guest, mm_owner_name(owner));
	assert_true(!pooled || (usable && st != PMM_PAGE_OUTSIDE));
	assert_int_equal(guest, owner == MM_OWNER_GUEST);
	assert_int_equal(pooled, owner == MM_OWNER_POOL);
	c->free += free;
	c->kept += kept;
	c->guest += guest;
	property_stats.pages++;
	property_stats.free += free;
	property_stats.kept += kept;
	property_stats.guest += guest;
}

static void check_page_if_real(const struct pmm *p, uint64_t host_pool, uint64_t pa,
			       struct page_census *c)
{
	if (pa <= PAGE_ADDR_MAX)
		check_page(p, host_pool, pa, c);
}

/* Both edges of every range, where off-by-one mistakes live, plus random
 * pages and the top of the address space. */
static void check_sampled_pages(const struct pmm *p, uint64_t host_pool, uint64_t span)
{
	struct page_census c = { 0 };
	const struct phys_range *sets[] = { lay.usable, lay.guest, &lay.pool };
	const size_t counts[] = { lay.usable_count, lay.guest_count, 1 };

	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		for (size_t i = 0; i < counts[s]; i++) {
			check_page_if_real(p, host_pool, sets[s][i].base - PAGE_SIZE, &c);
			check_page_if_real(p, host_pool, sets[s][i].base, &c);
			check_page_if_real(p, host_pool, sets[s][i].end - PAGE_SIZE, &c);
			check_page_if_real(p, host_pool, sets[s][i].end, &c);
		}
	}
	for (size_t i = 0; i < lay.skiff_count; i++) {
		check_page_if_real(p, host_pool, lay.skiff[i].range.base, &c);
		check_page_if_real(p, host_pool, lay.skiff[i].range.end - PAGE_SIZE, &c);
	}
	for (int i = 0; i < RANDOM_SAMPLES; i++)
		check_page(p, host_pool, rng_below(span), &c);
	check_page(p, host_pool, PAGE_ADDR_MAX, &c);
}

/* Every page of a small machine, with the byte totals cross-checked. */
static void check_all_pages(const struct pmm *p, uint64_t host_pool, uint64_t span)
{
	struct page_census c = { 0 };

	for (uint64_t pa = 0; pa < 2 * span; pa += PAGE_SIZE)
		check_page(p, host_pool, pa, &c);
	assert_int_equal(c.guest * PAGE_SIZE, lay.guest_bytes);
	assert_int_equal((c.free + c.kept) * PAGE_SIZE, lay.skiff_bytes);
	assert_int_equal(c.free, pmm_free_count(p));
}

static struct phys_range pages_of(uint64_t base, uint64_t size)
{
	if (size == 0)
		return R(base, base);
	return R(align_down(base, PAGE_SIZE), align_up(base + size, PAGE_SIZE));
}

/* Checked from bi and the pool alone, not from the layout's own busy set:
 * each moved module's new place is whole pages of usable RAM below 4 GiB
 * that no old place (any module's, the boot information's), the image,
 * the pool or another new place touches, and it is what skiff keeps for
 * that module; a module not moved is empty or above 4 GiB. */
static void check_module_places(void)
{
	assert_int_equal(lay.module_count, bi.module_count);
	for (uint32_t i = 0; i < bi.module_count; i++) {
		const struct mm_module_place *p = &lay.modules[i];
		uint64_t size = bi.modules[i].end - bi.modules[i].start;
		struct phys_range to = pages_of(p->to, p->size);

		assert_int_equal(p->from, bi.modules[i].start);
		assert_int_equal(p->size, size);
		if (!p->moved) {
			assert_true(size == 0 || bi.modules[i].end > 4 * GIB);
			assert_int_equal(p->to, p->from);
			property_stats.stayed += size > 0;
			continue;
		}
		property_stats.moved++;
		assert_true(is_aligned(p->to, PAGE_SIZE) && to.end <= 4 * GIB);
		assert_int_equal(ranges_overlap_bytes(lay.usable, lay.usable_count, to),
				 range_size(to));
		assert_false(range_overlaps(to, pages_of(image.base, range_size(image))));
		assert_false(range_overlaps(to, pages_of(bi.mbi_addr, bi.mbi_size)));
		assert_false(range_overlaps(to, lay.pool));
		for (uint32_t k = 0; k < bi.module_count; k++) {
			struct phys_range old = pages_of(bi.modules[k].start,
							 bi.modules[k].end - bi.modules[k].start);

			assert_false(range_overlaps(to, old));
			if (k != i && lay.modules[k].moved)
				assert_false(range_overlaps(to, pages_of(lay.modules[k].to,
									 lay.modules[k].size)));
		}
		for (size_t s = 0; s < lay.skiff_count; s++)
			if (lay.skiff[s].label == MM_OWNER_MODULE && lay.skiff[s].module == i)
				assert_ranges(&lay.skiff[s].range, 1, to);
	}
}

static void property_one_seed(uint64_t seed)
{
	bool small = seed % 2 == 0;
	uint64_t span = small ? SMALL_SPAN : LARGE_SPAN, pool_size;
	struct pmm p;
	void *buf;
	int err;

	setup(NULL);
	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	pool_size = random_machine(span, small);
	err = mm_layout_build(&bi, &image, pool_size, &lay);
	property_stats.machines++;
	if (err == -ENOMEM) {
		if (!strstr(unit_log, "no room for skiff's page pool"))
			assert_log_contains("no room to move GRUB module");
		property_stats.no_room++;
		return;
	}
	if (err)
		fail_msg("seed %llu: mm_layout_build %d\n%s", (unsigned long long)seed, err, unit_log);
	check_layout_invariants();
	check_module_places();
	assert_true(mm_layout_moves_disjoint(&lay, &bi, &image));
	mm_layout_print(&lay);
	buf = aligned_alloc(PAGE_SIZE, range_size(lay.pool));
	assert_non_null(buf);
	assert_int_equal(pmm_init(&p, (uintptr_t)buf, range_size(lay.pool)), 0);
	churn_pool(&p);
	if (small)
		check_all_pages(&p, (uintptr_t)buf, span);
	else
		check_sampled_pages(&p, (uintptr_t)buf, span);
	free(buf);
}

static void test_property_usable_pages_partitioned(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= PROPERTY_SEEDS; seed++)
		property_one_seed(seed);
	print_message("property: %llu machines (%llu without room for the pool or a module), "
		      "%llu pages checked: %llu free in the pool, %llu kept, %llu guest; "
		      "%llu modules moved, %llu left above 4 GiB\n",
		      (unsigned long long)property_stats.machines,
		      (unsigned long long)property_stats.no_room,
		      (unsigned long long)property_stats.pages,
		      (unsigned long long)property_stats.free,
		      (unsigned long long)property_stats.kept,
		      (unsigned long long)property_stats.guest,
		      (unsigned long long)property_stats.moved,
		      (unsigned long long)property_stats.stayed);
	/* Each class must actually occur, or the property proves little. */
	assert_true(property_stats.free > 0 && property_stats.kept > 0 && property_stats.guest > 0);
	assert_true(property_stats.moved > 0 && property_stats.stayed > 0);
	assert_true(property_stats.no_room < property_stats.machines / 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_sorts_merges_and_drops_empty),
		cmocka_unit_test(test_subtract_cuts_holes_edges_and_whole_ranges),
		cmocka_unit_test(test_intersect_keeps_only_common_bytes),
		cmocka_unit_test(test_remove_splits_in_place_and_refuses_when_full),
		cmocka_unit_test(test_append_skips_empty_and_reports_full),
		cmocka_unit_test(test_total_overlap_and_contains_page),
		cmocka_unit_test_setup(test_qemu_map, setup),
		cmocka_unit_test_setup(test_bochs_map, setup),
		cmocka_unit_test_setup(test_ovmf_map_with_many_small_runs, setup),
		cmocka_unit_test_setup(test_64g_machine_keeps_pool_below_4g, setup),
		cmocka_unit_test_setup(test_unsorted_map_gives_same_layout, setup),
		cmocka_unit_test_setup(test_reserved_wins_over_overlapping_usable, setup),
		cmocka_unit_test_setup(test_zero_length_entries_change_nothing, setup),
		cmocka_unit_test_setup(test_unaligned_entries_shrink_to_whole_pages, setup),
		cmocka_unit_test_setup(test_wrapping_entries_are_clipped, setup),
		cmocka_unit_test_setup(test_map_with_100_small_holes, setup),
		cmocka_unit_test_setup(test_image_and_modules_are_kept_boot_info_is_not, setup),
		cmocka_unit_test_setup(test_print_summary_and_one_line_per_kept_range, setup),
		cmocka_unit_test(test_owner_names),
		cmocka_unit_test_setup(test_pool_takes_highest_fitting_run_below_4g, setup),
		cmocka_unit_test_setup(test_pool_avoids_image_modules_and_boot_info, setup),
		cmocka_unit_test_setup(test_pool_goes_above_4g_only_when_low_ram_lacks_room, setup),
		cmocka_unit_test_setup(test_pool_straddles_4g_as_a_last_resort, setup),
		cmocka_unit_test_setup(test_pool_that_fits_nowhere_is_reported, setup),
		cmocka_unit_test_setup(test_empty_map_has_no_room, setup),
		cmocka_unit_test_setup(test_grub_low_modules_move_up_next_to_the_pool, setup),
		cmocka_unit_test_setup(test_new_places_overlap_no_old_place, setup),
		cmocka_unit_test_setup(test_modules_above_4g_and_empty_ones_stay, setup),
		cmocka_unit_test_setup(test_module_without_room_is_reported, setup),
		cmocka_unit_test(test_property_usable_pages_partitioned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
