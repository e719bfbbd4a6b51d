/*
 * The exit-count table (kernel/vm/exit_stats.c): one row per reason that
 * happened, the last slot for reasons beyond the backend's list, and a
 * heading that says when the counts cover more than one run of the guest
 * (restarts keep them).
 */
#include "support.h"

#include <string.h>

#include "vm/exit_stats.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run_has_the_plain_heading),
		cmocka_unit_test(test_after_restarts_the_heading_says_all_runs),
		cmocka_unit_test(test_reasons_beyond_the_list_have_their_row),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
