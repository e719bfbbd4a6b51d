/*
 * The guest's local APIC timer in software (kernel/vm/apic_timer.c): the
 * divide encodings of SDM figure 11-10, a one-shot count that reads down
 * and stops, a periodic one that starts again at every deadline and
 * expires once however late it is looked at, the mask left to the caller,
 * a zero initial count that stops the timer, and the TSC rate's scale.
 */
#include "support.h"

#include "vm/apic_timer.h"

#define FP(x)	((uint64_t)(x) << 32)	/* TSC ticks per timer tick, 32.32 */

static void test_divide_encodings(void **state)
{
	(void)state;
	assert_int_equal(apic_timer_divide(0x0), 2);
	assert_int_equal(apic_timer_divide(0x1), 4);
	assert_int_equal(apic_timer_divide(0x2), 8);
	assert_int_equal(apic_timer_divide(0x3), 16);
	assert_int_equal(apic_timer_divide(0x8), 32);
	assert_int_equal(apic_timer_divide(0x9), 64);
	assert_int_equal(apic_timer_divide(0xa), 128);
	assert_int_equal(apic_timer_divide(0xb), 1);
	assert_int_equal(apic_timer_divide(0xf4), 2);	/* bit 2 and above are not the code */
}

static void test_reset_state_is_masked_and_stopped(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, FP(3));
	assert_int_equal(t.lvt, APIC_LVT_MASKED);
	assert_int_equal(apic_timer_current(&t, 1000), 0);
	assert_false(apic_timer_expire(&t, 1u << 30));
}

static void test_one_shot_counts_down_and_stops(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, FP(3));			/* 3 TSC ticks per timer tick */
	apic_timer_write_tdcr(&t, APIC_TDCR_DIV1);
	apic_timer_write_lvt(&t, 0xec);
	apic_timer_write_initial(&t, 1000, 5000);	/* ends at 5000 + 3000 */
	assert_int_equal(t.deadline, 8000);
	assert_int_equal(apic_timer_current(&t, 5000), 1000);
	assert_int_equal(apic_timer_current(&t, 6500), 500);
	assert_int_equal(apic_timer_current(&t, 7999), 1);
	assert_false(apic_timer_expire(&t, 7999));
	assert_int_equal(apic_timer_current(&t, 8000), 0);
	assert_true(apic_timer_expire(&t, 8001));
	assert_false(apic_timer_expire(&t, 20000));	/* once */
	assert_int_equal(apic_timer_current(&t, 20000), 0);
}

static void test_divide_scales_the_count(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, FP(1) / 2);		/* half a TSC tick per timer tick */
	apic_timer_write_tdcr(&t, 0x3);			/* divide by 16 */
	apic_timer_write_initial(&t, 100, 0);
	assert_int_equal(t.deadline, 800);		/* 100 * 16 / 2 */
	assert_int_equal(apic_timer_current(&t, 400), 50);
}

static void test_periodic_restarts_and_expires_once_when_late(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, FP(1));
	apic_timer_write_tdcr(&t, APIC_TDCR_DIV1);
	apic_timer_write_lvt(&t, APIC_LVT_PERIODIC | 0x30);
	apic_timer_write_initial(&t, 100, 0);
	assert_true(apic_timer_expire(&t, 100));
	assert_int_equal(t.deadline, 200);
	assert_int_equal(apic_timer_current(&t, 150), 50);
	/* looked at 3.5 periods late: one expiry, the next deadline in phase */
	assert_true(apic_timer_expire(&t, 550));
	assert_int_equal(t.deadline, 600);
	assert_false(apic_timer_expire(&t, 599));
	/* past a deadline not yet expired, the count is already running again */
	assert_int_equal(apic_timer_current(&t, 630), 70);
}

static void test_mask_is_the_callers_and_zero_stops(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, FP(1));
	apic_timer_write_lvt(&t, APIC_LVT_MASKED | APIC_LVT_PERIODIC | 0x40 | (1u << 12));
	assert_int_equal(t.lvt, APIC_LVT_MASKED | APIC_LVT_PERIODIC | 0x40);	/* no delivery status */
	apic_timer_write_initial(&t, 10, 0);
	assert_true(apic_timer_expire(&t, 1000));	/* counts while masked */
	apic_timer_write_initial(&t, 0, 1000);
	assert_int_equal(t.deadline, 0);
	assert_int_equal(apic_timer_current(&t, 1001), 0);
	assert_false(apic_timer_expire(&t, 5000));
}

static void test_huge_counts_saturate(void **state)
{
	struct apic_timer t;

	(void)state;
	apic_timer_reset(&t, UINT64_MAX);
	apic_timer_write_tdcr(&t, 0xa);			/* divide by 128 */
	assert_true(apic_timer_tsc_for(&t, UINT32_MAX) == UINT64_MAX / 2);
	/* a slow real timer: the largest count of the slowest divide, exact */
	apic_timer_reset(&t, FP(1000));
	apic_timer_write_tdcr(&t, 0xa);
	apic_timer_write_initial(&t, UINT32_MAX, 7);
	assert_true(t.deadline == 7 + (uint64_t)UINT32_MAX * 128 * 1000);
	assert_int_equal(apic_timer_current(&t, 8), UINT32_MAX);
	assert_int_equal(apic_timer_current(&t, 7 + 128 * 1000), UINT32_MAX - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_divide_encodings),
		cmocka_unit_test(test_reset_state_is_masked_and_stopped),
		cmocka_unit_test(test_one_shot_counts_down_and_stops),
		cmocka_unit_test(test_divide_scales_the_count),
		cmocka_unit_test(test_periodic_restarts_and_expires_once_when_late),
		cmocka_unit_test(test_mask_is_the_callers_and_zero_stops),
		cmocka_unit_test(test_huge_counts_saturate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
