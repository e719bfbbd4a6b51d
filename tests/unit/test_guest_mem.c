/*
 * Checked access to guest RAM: a span is guest RAM only when it lies wholly
 * inside one range.  The edges are where such checks go wrong: the last
 * byte of a range, a span of length 0, a span crossing a hole, a span that
 * wraps the address space.
 */
#include "support.h"

#include <stdint.h>
#include <string.h>

#include "vm/guest_mem.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TOP		(~0ull)
#define R(b, e)		((struct phys_range){ (b), (e) })

/* Two low ranges with a hole between them, and one at the very top of the
 * address space (it ends one byte short of 2^64: end is exclusive). */
static const struct phys_range ranges[] = {
	R(0x1000, 0x3000),
	R(0x5000, 0x8000),
	R(TOP - 0xfff, TOP),
};

static const struct guest_mem mem = {
	.ranges = ranges, .count = ARRAY_SIZE(ranges), .bias = 0,
};

static void test_span_inside_one_range(void **state)
{
	(void)state;
	assert_true(guest_mem_contains(&mem, 0x1000, 0x2000));
	assert_true(guest_mem_contains(&mem, 0x1800, 0x100));
	assert_true(guest_mem_contains(&mem, 0x5000, 0x3000));
	assert_true(guest_mem_contains(&mem, TOP - 0xfff, 0xfff));
}

static void test_last_byte_of_a_range_and_one_past(void **state)
{
	(void)state;
	assert_true(guest_mem_contains(&mem, 0x2fff, 1));
	assert_false(guest_mem_contains(&mem, 0x3000, 1));
	assert_false(guest_mem_contains(&mem, 0x1000, 0x2001));
	assert_true(guest_mem_contains(&mem, 0x7fff, 1));
	assert_false(guest_mem_contains(&mem, 0x7fff, 2));
	assert_false(guest_mem_contains(&mem, 0x8000, 1));
	/* The first byte before a range is outside it. */
	assert_false(guest_mem_contains(&mem, 0xfff, 1));
	assert_false(guest_mem_contains(&mem, 0xfff, 2));
	assert_false(guest_mem_contains(&mem, 0x4fff, 0x1001));
}

/* An empty span is guest RAM only where a byte of guest RAM is: the end
 * of a range is the first byte after it (skiff's, say). */
static void test_length_zero_needs_its_address_in_a_range(void **state)
{
	(void)state;
	assert_true(guest_mem_contains(&mem, 0x1000, 0));
	assert_true(guest_mem_contains(&mem, 0x2000, 0));
	assert_true(guest_mem_contains(&mem, 0x2fff, 0));	/* last byte of the first range */
	assert_false(guest_mem_contains(&mem, 0x3000, 0));	/* end of the first range */
	assert_false(guest_mem_contains(&mem, 0x4000, 0));	/* in the hole */
	assert_false(guest_mem_contains(&mem, 0x0, 0));
	assert_false(guest_mem_contains(&mem, 0xfff, 0));
	assert_true(guest_mem_contains(&mem, TOP - 1, 0));	/* last byte of the top range */
	assert_false(guest_mem_contains(&mem, TOP, 0));	/* end of the top range */
	assert_null(guest_mem_ptr(&mem, 0x3000, 0));
}

static void test_span_crossing_a_hole_is_refused(void **state)
{
	(void)state;
	/* Both ends lie in guest RAM, the middle does not. */
	assert_false(guest_mem_contains(&mem, 0x2000, 0x4000));
	assert_false(guest_mem_contains(&mem, 0x1000, 0x7000));
	assert_false(guest_mem_contains(&mem, 0x2fff, 0x2002));
	assert_null(guest_mem_ptr(&mem, 0x2000, 0x4000));
}

static void test_span_that_wraps_is_refused(void **state)
{
	(void)state;
	/* From the top range past 2^64 into address 0 and beyond. */
	assert_false(guest_mem_contains(&mem, TOP - 0xfff, 0x1000));
	assert_false(guest_mem_contains(&mem, TOP - 0xfff, 0x3000));
	assert_false(guest_mem_contains(&mem, TOP, 0x2000));
	/* A huge length that wraps back into the same range. */
	assert_false(guest_mem_contains(&mem, 0x1000, TOP));
	assert_false(guest_mem_contains(&mem, 0x1000, TOP - 0xfff));
	assert_null(guest_mem_ptr(&mem, TOP - 0xfff, 0x1001));
}

static void test_ptr_adds_the_bias(void **state)
{
	static uint8_t host[0x8000];
	const struct guest_mem biased = {
		.ranges = ranges, .count = 2, .bias = (uintptr_t)host,
	};
	uint8_t *p;

	(void)state;
	p = guest_mem_ptr(&biased, 0x5000, 0x3000);
	assert_ptr_equal(p, host + 0x5000);
	memset(p, 0x5a, 0x3000);	/* the whole span is the buffer's */
	assert_ptr_equal(guest_mem_ptr(&biased, 0x2fff, 0), host + 0x2fff);
	assert_null(guest_mem_ptr(&biased, 0x3000, 0));
	assert_null(guest_mem_ptr(&biased, 0x3000, 1));
	assert_null(guest_mem_ptr(&biased, 0x0, 0x10));
	assert_null(guest_mem_ptr(&biased, 0x7f00, 0x200));
}

static void test_bytes_sums_the_ranges(void **state)
{
	(void)state;
	assert_int_equal(guest_mem_bytes(&mem), 0x2000 + 0x3000 + 0xfff);
}

static void test_no_ranges_holds_nothing(void **state)
{
	const struct guest_mem none = { .ranges = NULL, .count = 0, .bias = 0 };

	(void)state;
	assert_false(guest_mem_contains(&none, 0, 0));
	assert_false(guest_mem_contains(&none, 0x1000, 1));
	assert_null(guest_mem_ptr(&none, 0x1000, 1));
	assert_int_equal(guest_mem_bytes(&none), 0);
}

/* Every span of a small window against an independent answer: in RAM
 * when the byte at gpa and every byte of the span are in the same range. */
static bool model_contains(uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < 2; i++)
		if (gpa >= ranges[i].base && gpa < ranges[i].end && gpa + len <= ranges[i].end)
			return true;
	return false;
}

static void test_every_small_span_matches_the_model(void **state)
{
	const struct guest_mem low = { .ranges = ranges, .count = 2, .bias = 0 };

	(void)state;
	for (uint64_t gpa = 0; gpa < 0x9000; gpa += 0x100)
		for (uint64_t len = 0; len < 0x9000; len += 0x100)
			if (guest_mem_contains(&low, gpa, len) != model_contains(gpa, len))
				fail_msg("gpa 0x%llx len 0x%llx: got %d", (unsigned long long)gpa,
					 (unsigned long long)len, guest_mem_contains(&low, gpa, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_span_inside_one_range),
		cmocka_unit_test(test_last_byte_of_a_range_and_one_past),
		cmocka_unit_test(test_length_zero_needs_its_address_in_a_range),
		cmocka_unit_test(test_span_crossing_a_hole_is_refused),
		cmocka_unit_test(test_span_that_wraps_is_refused),
		cmocka_unit_test(test_ptr_adds_the_bias),
		cmocka_unit_test(test_bytes_sums_the_ranges),
		cmocka_unit_test(test_no_ranges_holds_nothing),
		cmocka_unit_test(test_every_small_span_matches_the_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
