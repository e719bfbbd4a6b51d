/* MTRR state building and memory-type resolution (SDM Vol. 3A 12.11). */
#include "support.h"

#include <string.h>

#include "lib/errno.h"
#include "mm/mtrr.h"

#define WIDTH		39		/* MAXPHYADDR of the machines below */
#define MiB		(1ull << 20)
#define GiB		(1ull << 30)

/* The eight types of one fixed-range MSR, all the same. */
#define FIXED8(type)	(0x0101010101010101ull * (type))
#define FIX64K_00000	0
#define FIX16K_80000	1
#define FIX16K_A0000	2
#define FIX4K_C0000	3

/* PHYSBASE/PHYSMASK for a naturally aligned power-of-two range (12.11.3). */
static uint64_t physbase(uint64_t base, int type)
{
	return base | (uint64_t)type;
}

static uint64_t physmask(uint64_t size)
{
	return (((1ull << WIDTH) - 1) & ~(size - 1)) | MTRR_PHYSMASK_VALID;
}

/* MTRRs on, fixed ranges on if asked, default type, no variable range. */
static void state_init(struct mtrr_state *s, int default_type, bool fixed)
{
	uint64_t def = MTRR_DEF_TYPE_E | (uint64_t)default_type | (fixed ? MTRR_DEF_TYPE_FE : 0);

	mtrr_state_init(s, MTRRCAP_FIX | MTRRCAP_WC | 8, def, WIDTH);
}

static void add_var(struct mtrr_state *s, uint64_t base, uint64_t size, int type)
{
	assert_int_equal(mtrr_add_var(s, physbase(base, type), physmask(size)), 0);
}

/* What a PC BIOS programs (SeaBIOS does much the same): RAM below 640 KiB
 * WB, the legacy VGA window UC, option ROMs at 0xC0000-0xCFFFF WP, the
 * rest of the first MiB WB. */
static void pc_fixed_ranges(struct mtrr_state *s)
{
	unsigned i;

	mtrr_set_fixed(s, FIX64K_00000, FIXED8(MTRR_TYPE_WB));
	mtrr_set_fixed(s, FIX16K_80000, FIXED8(MTRR_TYPE_WB));
	mtrr_set_fixed(s, FIX16K_A0000, FIXED8(MTRR_TYPE_UC));
	for (i = FIX4K_C0000; i < MTRR_FIXED_MSRS; i++)
		mtrr_set_fixed(s, i, FIXED8(i < FIX4K_C0000 + 2 ? MTRR_TYPE_WP : MTRR_TYPE_WB));
}

static void test_default_type_without_variable_ranges(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);
	assert_int_equal(mtrr_type_of_range(&s, 0, 4 * GiB), MTRR_TYPE_WB);
	state_init(&s, MTRR_TYPE_UC, false);
	assert_int_equal(mtrr_type_of_range(&s, 0x123000, 0x1000), MTRR_TYPE_UC);
}

static void test_disabled_mtrrs_make_everything_uc(void **state)
{
	struct mtrr_state s;

	(void)state;
	/* E clear: FE and the default type are ignored (12.11.2.1). */
	mtrr_state_init(&s, MTRRCAP_FIX | 8, MTRR_DEF_TYPE_FE | MTRR_TYPE_WB, WIDTH);
	pc_fixed_ranges(&s);
	add_var(&s, 0, 2 * GiB, MTRR_TYPE_WB);
	assert_true(s.present);
	assert_false(s.enabled);
	assert_false(s.fixed_enabled);
	assert_int_equal(mtrr_type_of_range(&s, 0, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0, 64 * GiB), MTRR_TYPE_UC);
}

static void test_no_mtrrs_is_write_back(void **state)
{
	struct mtrr_state s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(mtrr_type_of_range(&s, 0xA0000, 0x20000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, 512 * GiB), MTRR_TYPE_WB);
}

static void test_one_variable_range(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);
	add_var(&s, 3 * GiB, GiB, MTRR_TYPE_UC);	/* the PCI hole */
	assert_int_equal(mtrr_type_of_range(&s, 3 * GiB, GiB), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0, 3 * GiB), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 4 * GiB, 60 * GiB), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 2 * GiB, 2 * GiB), MTRR_MIXED);
	/* the edges, to the page */
	assert_int_equal(mtrr_type_of_range(&s, 3 * GiB - 0x1000, 0x1000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 3 * GiB, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 4 * GiB - 0x1000, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 4 * GiB, 0x1000), MTRR_TYPE_WB);
	/* unaligned: the pages holding the bytes count */
	assert_int_equal(mtrr_type_of_range(&s, 3 * GiB - 1, 2), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 3 * GiB + 5, 7), MTRR_TYPE_UC);
}

static void test_uc_wins_an_overlap(void **state)
{
	struct mtrr_state s;

	(void)state;
	/* Default UC, RAM WB by a variable range, a UC window inside it. */
	state_init(&s, MTRR_TYPE_UC, false);
	add_var(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	add_var(&s, 0xA0000000, 256 * MiB, MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0xA0000000, 256 * MiB), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0, 2 * GiB), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 2 * GiB, GiB), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 4 * GiB, GiB), MTRR_TYPE_UC);

	/* The order of the registers does not matter. */
	state_init(&s, MTRR_TYPE_UC, false);
	add_var(&s, 0xA0000000, 256 * MiB, MTRR_TYPE_UC);
	add_var(&s, 0, 4 * GiB, MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0xA0000000, 256 * MiB), MTRR_TYPE_UC);
	/* UC also beats WC: a WC frame buffer inside a UC hole stays UC. */
	add_var(&s, 0xA1000000, 16 * MiB, MTRR_TYPE_WC);
	assert_int_equal(mtrr_type_of_range(&s, 0xA1000000, 16 * MiB), MTRR_TYPE_UC);
}

static void test_wt_wins_over_wb(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_UC, false);
	add_var(&s, 0, GiB, MTRR_TYPE_WB);
	add_var(&s, 0, 16 * MiB, MTRR_TYPE_WT);
	assert_int_equal(mtrr_type_of_range(&s, 0, 16 * MiB), MTRR_TYPE_WT);
	assert_int_equal(mtrr_type_of_range(&s, 16 * MiB, 16 * MiB), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, 32 * MiB), MTRR_MIXED);
}

static void test_same_type_overlap_keeps_the_type(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_UC, false);
	add_var(&s, 0, 2 * GiB, MTRR_TYPE_WB);
	add_var(&s, GiB, GiB, MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, 2 * GiB), MTRR_TYPE_WB);
}

static void test_undefined_overlaps_are_taken_as_uc(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);
	add_var(&s, 0x80000000, 256 * MiB, MTRR_TYPE_WC);
	add_var(&s, 0x80000000, 128 * MiB, MTRR_TYPE_WB);
	add_var(&s, 0x90000000, 256 * MiB, MTRR_TYPE_WP);
	add_var(&s, 0x90000000, 128 * MiB, MTRR_TYPE_WT);
	assert_int_equal(mtrr_type_of_range(&s, 0x80000000, 128 * MiB), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x88000000, 128 * MiB), MTRR_TYPE_WC);
	assert_int_equal(mtrr_type_of_range(&s, 0x90000000, 128 * MiB), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x98000000, 128 * MiB), MTRR_TYPE_WP);
}

static void test_fixed_ranges_type_the_first_mib(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, true);
	pc_fixed_ranges(&s);
	/* Variable ranges do not apply below 1 MiB while FE is set. */
	add_var(&s, 0, 2 * MiB, MTRR_TYPE_UC);
	assert_true(s.fixed_enabled);
	assert_int_equal(mtrr_type_of_range(&s, 0, 0xA0000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0xA0000, 0x20000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0xB8000, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0xBF000, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x9F000, 0x2000), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0xC0000, 0x10000), MTRR_TYPE_WP);
	assert_int_equal(mtrr_type_of_range(&s, 0xC0000, 0x11000), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0xD0000, 0x30000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, MiB), MTRR_MIXED);
	/* Above 1 MiB the variable range does apply. */
	assert_int_equal(mtrr_type_of_range(&s, MiB, MiB), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0xF0000, 0x20000), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 2 * MiB, 2 * MiB), MTRR_TYPE_WB);
}

static void test_fixed_ranges_can_agree_across_1mib(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, true);
	pc_fixed_ranges(&s);
	assert_int_equal(mtrr_type_of_range(&s, 0xF0000, 0x20000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0xD0000, 2 * MiB), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, 2 * MiB), MTRR_MIXED);
}

static void test_fixed_ranges_off_fall_back_to_variable(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);		/* FE clear */
	pc_fixed_ranges(&s);
	assert_false(s.fixed_enabled);
	assert_int_equal(mtrr_type_of_range(&s, 0xA0000, 0x20000), MTRR_TYPE_WB);
	add_var(&s, 0, MiB, MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x10000, 0x1000), MTRR_TYPE_UC);

	/* FE without IA32_MTRRCAP.FIX is ignored too. */
	mtrr_state_init(&s, 8, MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_TYPE_WB, WIDTH);
	assert_false(s.fixed_enabled);
}

static void test_variable_range_at_page_granularity(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);
	add_var(&s, 0x7FFFF000, 0x1000, MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, GiB, GiB), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0x7FE00000, 2 * MiB), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0x7FE00000, 2 * MiB - 0x1000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0x7FFFF000, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x80000000, GiB), MTRR_TYPE_WB);
}

static void test_non_contiguous_mask(void **state)
{
	struct mtrr_state s;
	uint64_t mask = physmask(0x1000) & ~0x2000ull;	/* bit 13 left free */

	(void)state;
	/* Legal though unusual (12.11.2.3): matches the pages 0x0 and 0x2000. */
	state_init(&s, MTRR_TYPE_WB, false);
	assert_int_equal(mtrr_add_var(&s, physbase(0, MTRR_TYPE_UC), mask), 0);
	assert_int_equal(mtrr_type_of_range(&s, 0, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x1000, 0x1000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0x2000, 0x1000), MTRR_TYPE_UC);
	assert_int_equal(mtrr_type_of_range(&s, 0x3000, 0x1000), MTRR_TYPE_WB);
	assert_int_equal(mtrr_type_of_range(&s, 0, 0x4000), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0x4000, GiB), MTRR_TYPE_WB);
}

/* The type of a range is what its pages agree on: checked for ranges of
 * every alignment and odd lengths, including ones from address 0 and ones
 * that cross the fixed ranges, a non-contiguous mask and the 4 GiB line. */
static void test_range_type_agrees_with_its_pages(void **state)
{
	static const uint64_t bases[] = {
		0, 0x1000, 0x9F000, 0xC0000, 0x3000, 0x40001000, 0x7FE00000, 0x7FFFE000, 0xBFFFF000,
		0xC0000000,
	};
	static const uint64_t lengths[] = {
		0x1000, 0x2000, 0x3000, 0x8000, 0x61000, 0x100000, 0x1FF000, 0x200000, 0x201000,
		0x4000000,
	};
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, true);
	pc_fixed_ranges(&s);
	add_var(&s, 3 * GiB, GiB, MTRR_TYPE_UC);
	add_var(&s, 0x7FFFF000, 0x1000, MTRR_TYPE_UC);
	assert_int_equal(mtrr_add_var(&s, physbase(0x40000000, MTRR_TYPE_WT),
				      physmask(0x1000) & ~0x10000ull), 0);	/* 2 pages, 64 KiB apart */
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++) {
			uint64_t base = bases[b], len = lengths[l], pa;
			int want = mtrr_type_of_range(&s, base, 0x1000);

			for (pa = base + 0x1000; pa < base + len && want != MTRR_MIXED; pa += 0x1000)
				if (mtrr_type_of_range(&s, pa, 0x1000) != want)
					want = MTRR_MIXED;
			if (mtrr_type_of_range(&s, base, len) != want)
				fail_msg("[0x%llx, +0x%llx): %d, but its pages say %d",
					 (unsigned long long)base, (unsigned long long)len,
					 mtrr_type_of_range(&s, base, len), want);
		}
	assert_int_equal(mtrr_type_of_range(&s, 0x40000000, 0x20000), MTRR_MIXED);
	assert_int_equal(mtrr_type_of_range(&s, 0x40010000, 0x1000), MTRR_TYPE_WT);
}

static void test_raw_msr_decoding(void **state)
{
	struct mtrr_state s;
	unsigned i;

	(void)state;
	state_init(&s, MTRR_TYPE_UC, false);
	/* V clear: ignored. */
	assert_int_equal(mtrr_add_var(&s, physbase(0, MTRR_TYPE_WB), physmask(GiB) & ~MTRR_PHYSMASK_VALID), 0);
	assert_int_equal(s.var_count, 0);
	/* Bits above MAXPHYADDR and below 12 are not address bits. */
	assert_int_equal(mtrr_add_var(&s, (1ull << 45) | 0xC0000000 | MTRR_TYPE_WB,
				      0xFFFFFFFFC0000000ull | MTRR_PHYSMASK_VALID | 0x3FF), 0);
	assert_int_equal(s.var_count, 1);
	assert_int_equal(s.var[0].base, 0xC0000000);
	assert_int_equal(s.var[0].mask, 0x7FC0000000ull);
	assert_int_equal(s.var[0].type, MTRR_TYPE_WB);
	/* Fixed-range bytes go in address order. */
	mtrr_set_fixed(&s, FIX16K_A0000, 0x0605040100000000ull);
	assert_int_equal(s.fixed[16], MTRR_TYPE_UC);
	assert_int_equal(s.fixed[20], MTRR_TYPE_WC);
	assert_int_equal(s.fixed[23], MTRR_TYPE_WB);
	/* Room for MTRR_VAR_MAX ranges, then -ENOSPC. */
	for (i = 1; i < MTRR_VAR_MAX; i++)
		add_var(&s, i * GiB, GiB, MTRR_TYPE_WB);
	assert_int_equal(mtrr_add_var(&s, physbase(0, 0), physmask(GiB)), -ENOSPC);
}

static void test_bad_arguments(void **state)
{
	struct mtrr_state s;

	(void)state;
	state_init(&s, MTRR_TYPE_WB, false);
	assert_int_equal(mtrr_type_of_range(&s, 0x1000, 0), -EINVAL);
	assert_int_equal(mtrr_type_of_range(&s, 1ull << 52, 0x1000), -EINVAL);
	assert_int_equal(mtrr_type_of_range(&s, ~0ull - 10, 100), -EINVAL);
	assert_int_equal(mtrr_type_of_range(&s, (1ull << 52) - 0x1000, 0x1000), MTRR_TYPE_WB);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(mtrr_type_name(MTRR_TYPE_UC), "UC");
	assert_string_equal(mtrr_type_name(MTRR_TYPE_WC), "WC");
	assert_string_equal(mtrr_type_name(MTRR_TYPE_WT), "WT");
	assert_string_equal(mtrr_type_name(MTRR_TYPE_WP), "WP");
	assert_string_equal(mtrr_type_name(MTRR_TYPE_WB), "WB");
	assert_string_equal(mtrr_type_name(2), "??");
	assert_string_equal(mtrr_type_name(7), "??");
	assert_string_equal(mtrr_type_name(MTRR_MIXED), "??");
}

static void test_describe(void **state)
{
	struct mtrr_state s;

	(void)state;
	log_reset();
	state_init(&s, MTRR_TYPE_WB, true);
	add_var(&s, 3 * GiB, GiB, MTRR_TYPE_UC);
	mtrr_describe(&s);
	assert_log_contains("skiff: mtrr: default WB, fixed ranges on, 1 variable range, 39-bit addresses");
	assert_log_contains("skiff: mtrr:   base 0xc0000000 mask 0x7fc0000000 UC");

	log_reset();
	mtrr_state_init(&s, 8, MTRR_TYPE_WB, WIDTH);
	mtrr_describe(&s);
	assert_log_contains("skiff: mtrr: disabled by the firmware: all memory is UC");

	log_reset();
	memset(&s, 0, sizeof(s));
	mtrr_describe(&s);
	assert_log_contains("skiff: mtrr: none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_type_without_variable_ranges),
		cmocka_unit_test(test_disabled_mtrrs_make_everything_uc),
		cmocka_unit_test(test_no_mtrrs_is_write_back),
		cmocka_unit_test(test_one_variable_range),
		cmocka_unit_test(test_uc_wins_an_overlap),
		cmocka_unit_test(test_wt_wins_over_wb),
		cmocka_unit_test(test_same_type_overlap_keeps_the_type),
		cmocka_unit_test(test_undefined_overlaps_are_taken_as_uc),
		cmocka_unit_test(test_fixed_ranges_type_the_first_mib),
		cmocka_unit_test(test_fixed_ranges_can_agree_across_1mib),
		cmocka_unit_test(test_fixed_ranges_off_fall_back_to_variable),
		cmocka_unit_test(test_variable_range_at_page_granularity),
		cmocka_unit_test(test_non_contiguous_mask),
		cmocka_unit_test(test_range_type_agrees_with_its_pages),
		cmocka_unit_test(test_raw_msr_decoding),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
