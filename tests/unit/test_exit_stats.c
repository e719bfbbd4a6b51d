/*
 * The exit-count table (kernel/vm/exit_stats.c): one row per reason that
 * happened, the last slot for reasons beyond the backend's list, and a
 * heading that says when the counts cover more than one run of the guest
 * (restarts keep them).
 */
#include "support.h"

#include <string.h>

#include "vm/exit_stats.h"
#include "vm/vm.h"

static const char *reason_name(uint32_t r)
{
	static const char *const names[] = { "zero", "one", "two" };

	return r < 3 ? names[r] : "?";
}

static void test_one_run_has_the_plain_heading(void **state)
{
	const struct hc_exit_stat st[4] = { [1] = { 2, 300 } };

	(void)state;
	log_reset();
	vm_print_exit_stats(st, 4, reason_name, 1);
	assert_log_contains("skiff: 2 VM exits by reason (TSC cycles in skiff, exit to entry):\n");
	assert_false(log_contains("runs of the guest"));
	assert_log_contains("  one ");
	assert_log_contains("  one                                   2            300      150\n");
	assert_false(log_contains("zero"));
	assert_false(log_contains("two"));
	assert_false(log_contains("beyond"));
}

static void test_after_restarts_the_heading_says_all_runs(void **state)
{
	const struct hc_exit_stat st[4] = { [0] = { 5, 50 }, [2] = { 1, 7 } };

	(void)state;
	log_reset();
	vm_print_exit_stats(st, 4, reason_name, 3);
	assert_log_contains("skiff: 6 VM exits by reason in all 3 runs of the guest "
			    "(TSC cycles in skiff, exit to entry):\n");
	assert_log_contains("  zero ");
	assert_log_contains("  two ");
}

static void test_reasons_beyond_the_list_have_their_row(void **state)
{
	const struct hc_exit_stat st[4] = { [3] = { 4, 40 } };

	(void)state;
	log_reset();
	vm_print_exit_stats(st, 4, reason_name, 1);
	assert_log_contains("skiff: 4 VM exits by reason (");
	assert_log_contains("  (beyond the known list) ");
	assert_false(log_contains("  ? "));
}

/* The table of a guest with several vCPUs is their sum, slot by slot,
 * each vCPU's counts as long as its backend's list (no further). */
static void test_vcpus_are_summed_slot_by_slot(void **state)
{
	static struct vm vm;
	static struct vcpu a, b;
	const struct hc_exit_stat sa[3] = { { 1, 10 }, { 2, 20 }, { 3, 30 } };
	const struct hc_exit_stat sb[2] = { { 5, 50 }, { 7, 70 } };
	struct hc_exit_stat sum[3] = { { 99, 99 }, { 99, 99 }, { 99, 99 } };

	(void)state;
	a.exit_stats = sa;
	a.exit_stats_count = 3;
	b.exit_stats = sb;
	b.exit_stats_count = 2;
	vm.vcpus[0] = &a;
	vm.vcpus[1] = &b;
	vm.vcpu_count = 2;
	vm_sum_exit_stats(&vm, sum, 3);
	assert_int_equal(sum[0].count, 6);
	assert_int_equal(sum[0].cycles, 60);
	assert_int_equal(sum[1].count, 9);
	assert_int_equal(sum[1].cycles, 90);
	assert_int_equal(sum[2].count, 3);
	assert_int_equal(sum[2].cycles, 30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run_has_the_plain_heading),
		cmocka_unit_test(test_after_restarts_the_heading_says_all_runs),
		cmocka_unit_test(test_reasons_beyond_the_list_have_their_row),
		cmocka_unit_test(test_vcpus_are_summed_slot_by_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
