#include "support.h"

#include <string.h>

#include "cmdline.h"

static void test_bare_key_and_value(void **state)
{
	char v[16] = "x";

	(void)state;
	assert_true(cmdline_get("stop=halt verbose", "verbose", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_true(cmdline_get("stop=halt verbose", "stop", v, sizeof(v)));
	assert_string_equal(v, "halt");
}

static void test_prefix_is_not_a_match(void **state)
{
	(void)state;
	assert_false(cmdline_get("stopper=1 xstop=2", "stop", NULL, 0));
	assert_false(cmdline_get("", "stop", NULL, 0));
	assert_false(cmdline_get("   ", "stop", NULL, 0));
}

static void test_last_occurrence_wins(void **state)
{
	char v[16];

	(void)state;
	assert_true(cmdline_get("  stop=halt\tstop=poweroff  ", "stop", v, sizeof(v)));
	assert_string_equal(v, "poweroff");
}

static void test_value_truncated(void **state)
{
	char v[4];

	(void)state;
	assert_true(cmdline_get("guest=abcdefgh", "guest", v, sizeof(v)));
	assert_string_equal(v, "abc");
}

static void test_has_value(void **state)
{
	(void)state;
	assert_true(cmdline_has_value("a fault=guest-state b", "fault", "guest-state"));
	assert_false(cmdline_has_value("fault=guest-statex", "fault", "guest-state"));
	assert_false(cmdline_has_value("fault=guest", "fault", "guest-state"));
	assert_false(cmdline_has_value("entry_check", "entry_check", "first"));
	assert_true(cmdline_has_value("entry_check", "entry_check", ""));
	assert_false(cmdline_has_value("", "fault", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_key_and_value),
		cmocka_unit_test(test_prefix_is_not_a_match),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_value_truncated),
		cmocka_unit_test(test_has_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
