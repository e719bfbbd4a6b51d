#include "support.h"

#include <stdio.h>
#include <string.h>

#include "cmdline.h"
#include "cmdline_words.h"

#define KNOWN	"known: on_finish, on_exit, on_crash, on_hang, on_reboot, restarts, backoff, watchdog, cpus, stop, com1, iommu, " \
		"entry_check, fault, trap_page, iommu_test"

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

/* ---- numbers ---- */

static bool number(const char *s, unsigned *n)
{
	return cmdline_parse_number(s, strlen(s), n);
}

static void test_number_edges(void **state)
{
	unsigned n = 7;

	(void)state;
	assert_true(number("0", &n));
	assert_int_equal(n, 0);
	assert_true(number("1000000000", &n));
	assert_int_equal(n, CMDLINE_NUMBER_MAX);
	assert_true(number("0000000042", &n));	/* ten digits, zeros and all */
	assert_int_equal(n, 42);
	n = 7;
	assert_false(number("1000000001", &n));
	assert_false(number("4294967296", &n));	/* 2^32: wraps to 0 in 32 bits */
	assert_false(number("99999999999", &n));
	assert_false(number("00000000042", &n));	/* eleven digits */
	assert_false(number("", &n));
	assert_false(number("-1", &n));
	assert_false(number("+1", &n));
	assert_false(number("1e3", &n));
	assert_false(number("0x10", &n));
	assert_false(number(" 1", &n));
	assert_int_equal(n, 7);	/* a refusal leaves *out alone */
	/* Only the n bytes asked about are read. */
	assert_true(cmdline_parse_number("12x", 2, &n));
	assert_int_equal(n, 12);
}

/* ---- the check of a whole line ---- */

static unsigned log_lines(void)
{
	unsigned n = 0;

	for (const char *p = unit_log; *p; p++)
		n += *p == '\n';
	return n;
}

/* Checks line; expects exactly `lines` reports, the last containing text
 * (when text is not NULL). */
static void check(const char *line, unsigned lines, const char *text)
{
	log_reset();
	assert_int_equal(cmdline_check(line), lines);
	assert_int_equal(log_lines(), lines);
	if (text)
		assert_log_contains(text);
}

static void test_good_lines_say_nothing(void **state)
{
	(void)state;
	check("", 0, NULL);
	check("   \t  ", 0, NULL);
	check("on_exit=poweroff on_crash=halt on_hang=restart restarts=0 backoff=250 "
	      "watchdog=0 stop=halt entry_check=first fault=guest-state", 0, NULL);
	check("stop=poweroff fault=ud fault=pf fault=gp fault=stack", 0, NULL);
	check("restarts=1000000000", 0, NULL);
	assert_string_equal(unit_log, "");
}

static void test_unknown_word_is_named_with_the_known_ones(void **state)
{
	(void)state;
	check("on_crah=restart", 1,
	      "skiff: command line: unknown word \"on_crah=restart\" (ignored); " KNOWN "\n");
	/* A word from a newer skiff, bare or with a value. */
	check("vcpus=2", 1, "unknown word \"vcpus=2\" (ignored)");
	check("quiet", 1, "unknown word \"quiet\" (ignored)");
	/* The known words around it are checked as usual and pass. */
	check("stop=halt vcpus=2 on_exit=restart", 1, "unknown word \"vcpus=2\"");
}

static void test_misspelled_words(void **state)
{
	(void)state;
	check("stpo=halt", 1, "unknown word \"stpo=halt\"");
	check("Stop=halt", 1, "unknown word \"Stop=halt\"");	/* words are case-sensitive */
	check("stop_=halt", 1, "unknown word \"stop_=halt\"");
	check("on_exi=halt", 1, "unknown word \"on_exi=halt\"");	/* a prefix of a word */
	check("watchdogs=10", 1, "unknown word \"watchdogs=10\"");	/* a word plus more */
	check("on-exit=halt", 1, "unknown word \"on-exit=halt\"");
	check("=halt", 1, "unknown word \"=halt\"");
	check("on_crah=restart stpo=halt", 2, "unknown word \"stpo=halt\"");
	assert_log_contains("unknown word \"on_crah=restart\"");
}

static void test_malformed_policy(void **state)
{
	(void)state;
	check("on_exit=reboot", 1, "skiff: command line: on_exit=reboot is not one of poweroff, "
	      "halt, restart; keeping poweroff\n");
	check("on_crash=Restart", 1, "on_crash=Restart is not one of poweroff, halt, restart; "
	      "keeping poweroff");
	check("on_hang=", 1, "on_hang= is not one of poweroff, halt, restart");
	check("on_hang", 1, "on_hang without a value is not one of poweroff, halt, restart; "
	      "keeping poweroff");
	check("on_exit=power-off", 1, "on_exit=power-off is not one of");
}

static void test_malformed_number(void **state)
{
	(void)state;
	check("restarts=three", 1, "skiff: command line: restarts=three is not a number from 0 to "
	      "1000000000; keeping 3\n");
	check("backoff=1e3", 1, "backoff=1e3 is not a number from 0 to 1000000000; keeping 100");
	check("watchdog=-1", 1, "watchdog=-1 is not a number from 0 to 1000000000; keeping 1000");
	check("watchdog=4294967296", 1, "watchdog=4294967296 is not a number");
	check("restarts=", 1, "restarts= is not a number");
	check("restarts", 1, "restarts without a value is not a number");
	check("backoff=100ms", 1, "backoff=100ms is not a number");
}

static void test_malformed_stop(void **state)
{
	(void)state;
	check("stop=hlt", 1, "skiff: command line: stop=hlt is not one of halt, poweroff; "
	      "keeping poweroff\n");
	/* Today's bug: anything starting with 'h' was taken for halt. */
	check("stop=h", 1, "stop=h is not one of halt, poweroff");
	check("stop=halted", 1, "stop=halted is not one of halt, poweroff");
	check("stop=HALT", 1, "stop=HALT is not one of halt, poweroff");
	check("stop", 1, "stop without a value is not one of halt, poweroff");
	/* And main.c's apply_cmdline() asks with cmdline_has_value(), which
	 * takes exactly the value or nothing. */
	assert_false(cmdline_has_value("stop=hlt", "stop", "halt"));
	assert_false(cmdline_has_value("stop=halted", "stop", "halt"));
	assert_false(cmdline_has_value("stop=h", "stop", "halt"));
	assert_true(cmdline_has_value("stop=hlt stop=halt", "stop", "halt"));
}

static void test_malformed_entry_check_and_fault(void **state)
{
	(void)state;
	check("entry_check=all", 1, "skiff: command line: entry_check=all is not one of first; "
	      "ignored\n");
	check("entry_check", 1, "entry_check without a value is not one of first; ignored");
	check("fault=segv", 1, "skiff: command line: fault=segv is not one of ud, pf, gp, stack, "
	      "guest-state, svm-locked; ignored\n");
	check("fault=guest", 1, "fault=guest is not one of");
	check("fault=", 1, "fault= is not one of");
}

/* The last occurrence of a word wins (cmdline_get()), so a bad value
 * followed by another occurrence changes nothing: the report says so. */
static void test_a_later_word_decides(void **state)
{
	(void)state;
	check("stop=hlt stop=halt", 1, "stop=hlt is not one of halt, poweroff; "
	      "a later stop word decides\n");
	check("stop=halt stop=hlt", 1, "stop=hlt is not one of halt, poweroff; keeping poweroff\n");
	check("restarts=x restarts", 2, "restarts without a value is not a number from 0 to "
	      "1000000000; keeping 3\n");
	assert_log_contains("restarts=x is not a number from 0 to 1000000000; a later restarts "
			    "word decides\n");
}

/* skiff splits words at spaces and tabs and knows no quotes: GRUB has
 * removed the grub.cfg quoting by then.  A quote that reaches skiff is
 * part of a word, so the word is reported, never silently taken. */
static void test_quotes_and_odd_spacing(void **state)
{
	(void)state;
	check("\t  stop=halt   \t on_exit=restart\t", 0, NULL);
	check("\"stop=halt\"", 1, "unknown word \"\"stop=halt\"\" (ignored)");
	check("stop=\"halt\"", 1, "stop=\"halt\" is not one of halt, poweroff");
	check("'on_exit=halt'", 1, "unknown word \"'on_exit=halt'\"");
	check("stop= halt", 2, "unknown word \"halt\"");
	assert_log_contains("stop= is not one of halt, poweroff; keeping poweroff");
	check("stop =halt", 2, "unknown word \"=halt\"");
	assert_log_contains("stop without a value is not one of halt, poweroff");
	check("stop==halt", 1, "stop==halt is not one of halt, poweroff");
}

/* The table and README.md's "Command line" table list the same words. */
static void test_table_matches_readme(void **state)
{
	FILE *f = fopen("README.md", "r");
	char line[512];
	bool in_section = false, seen[16] = { false };
	unsigned rows = 0;

	(void)state;
	assert_non_null(f);
	assert_true(cmdline_words_count <= sizeof(seen) / sizeof(seen[0]));
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "## ", 3) == 0)
			in_section = strcmp(line, "## Command line\n") == 0;
		if (!in_section || strncmp(line, "| `", 3) != 0)
			continue;
		/* Each `key=...` or `key` in the first column. */
		for (char *p = line + 2; *p == '`' || *p == ',' || *p == ' '; ) {
			char *end;
			size_t klen;
			const struct cmdline_word *cw;

			if (*p != '`') {
				p++;
				continue;
			}
			end = strchr(p + 1, '`');
			assert_non_null(end);
			klen = strcspn(p + 1, "=`");
			cw = cmdline_word_find(p + 1, klen);
			if (!cw)
				fail_msg("README.md names \"%.*s\", which cmdline_words[] lacks",
					 (int)klen, p + 1);
			seen[cw - cmdline_words] = true;
			p = end + 1;
		}
		rows++;
	}
	fclose(f);
	assert_true(rows > 0);
	for (size_t i = 0; i < cmdline_words_count; i++)
		if (!seen[i])
			fail_msg("cmdline_words[] has \"%s\", which README.md does not describe",
				 cmdline_words[i].key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bare_key_and_value),
		cmocka_unit_test(test_prefix_is_not_a_match),
		cmocka_unit_test(test_last_occurrence_wins),
		cmocka_unit_test(test_value_truncated),
		cmocka_unit_test(test_has_value),
		cmocka_unit_test(test_number_edges),
		cmocka_unit_test(test_good_lines_say_nothing),
		cmocka_unit_test(test_unknown_word_is_named_with_the_known_ones),
		cmocka_unit_test(test_misspelled_words),
		cmocka_unit_test(test_malformed_policy),
		cmocka_unit_test(test_malformed_number),
		cmocka_unit_test(test_malformed_stop),
		cmocka_unit_test(test_malformed_entry_check_and_fault),
		cmocka_unit_test(test_a_later_word_decides),
		cmocka_unit_test(test_quotes_and_odd_spacing),
		cmocka_unit_test(test_table_matches_readme),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
