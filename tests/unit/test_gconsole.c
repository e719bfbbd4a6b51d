#include "support.h"

#include <string.h>

#include "vm/gconsole.h"

static struct gconsole gc;

static int setup(void **state)
{
	(void)state;
	lines_reset();
	gconsole_init(&gc, lines_capture);
	return 0;
}

static void write_str(const char *s)
{
	gconsole_write(&gc, s, strlen(s));
}

static void test_line_goes_out_at_newline(void **state)
{
	(void)state;
	write_str("hello\n");
	assert_string_equal(lines_out, "hello\n");
	assert_int_equal(lines_out_count, 1);
}

static void test_partial_line_waits_for_its_end(void **state)
{
	(void)state;
	write_str("abc");
	assert_int_equal(lines_out_count, 0);
	gconsole_putc(&gc, 'd');
	assert_int_equal(lines_out_count, 0);
	write_str("e\n");
	assert_string_equal(lines_out, "abcde\n");
	assert_int_equal(lines_out_count, 1);
}

static void test_flush_ends_partial_line(void **state)
{
	(void)state;
	write_str("no newline");
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "no newline\n");
	gconsole_flush(&gc);
	write_str("next\n");
	assert_string_equal(lines_out, "no newline\nnext\n");
	assert_int_equal(lines_out_count, 2);
}

static void test_flush_of_empty_line_prints_nothing(void **state)
{
	(void)state;
	gconsole_flush(&gc);
	assert_int_equal(lines_out_count, 0);
	write_str("x\n");
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "x\n");
	assert_int_equal(lines_out_count, 1);
}

static void test_several_lines_in_one_write(void **state)
{
	(void)state;
	write_str("a\nbb\n\nccc");
	assert_string_equal(lines_out, "a\nbb\n\n");
	assert_int_equal(lines_out_count, 3);
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "a\nbb\n\nccc\n");
}

static void test_carriage_return_dropped(void **state)
{
	(void)state;
	write_str("one\r\ntwo\r\n\r");
	assert_string_equal(lines_out, "one\ntwo\n");
	gconsole_flush(&gc);	/* a lone '\r' starts no line */
	assert_int_equal(lines_out_count, 2);
}

static void test_escape_sequences_defused(void **state)
{
	(void)state;
	write_str("\x1b[2J\x1b]0;title\aok\n");
	assert_string_equal(lines_out, "?[2J?]0;title?ok\n");
}

static void test_tab_kept_other_controls_shown_as_mark(void **state)
{
	static const char in[] = "a\tb\0c\x7f\bd\x0c\n";

	(void)state;
	gconsole_write(&gc, in, sizeof(in) - 1);
	assert_string_equal(lines_out, "a\tb?c??d?\n");
}

static void test_bytes_above_ascii_shown_as_mark(void **state)
{
	(void)state;
	write_str("caf\xc3\xa9 \x9b" "31m\xff\n");
	assert_string_equal(lines_out, "caf?? ?31m?\n");
}

static void test_line_of_exactly_max_is_one_line(void **state)
{
	char in[GCONSOLE_LINE_MAX + 1];

	(void)state;
	memset(in, 'x', GCONSOLE_LINE_MAX);
	in[GCONSOLE_LINE_MAX] = '\n';
	gconsole_write(&gc, in, sizeof(in));
	assert_int_equal(lines_out_count, 1);
	assert_int_equal(lines_out_len, GCONSOLE_LINE_MAX + 1);
	assert_memory_equal(lines_out, in, sizeof(in));
}

/* 600 bytes and a '\n': lines of 256, 256 and 88, each with '\n'. */
static void test_long_line_broken_nothing_lost(void **state)
{
	char in[601], joined[601];
	size_t j = 0;

	(void)state;
	for (size_t i = 0; i < 600; i++)
		in[i] = (char)('a' + i % 26);
	in[600] = '\n';
	gconsole_write(&gc, in, sizeof(in));
	assert_int_equal(lines_out_count, 3);
	assert_int_equal(lines_out_len, 603);
	assert_int_equal(lines_out[256], '\n');
	assert_int_equal(lines_out[513], '\n');
	for (size_t i = 0; i < lines_out_len; i++)
		if (lines_out[i] != '\n')
			joined[j++] = lines_out[i];
	assert_int_equal(j, 600);
	assert_memory_equal(joined, in, 600);
}

static void test_full_line_waits_like_any_other(void **state)
{
	(void)state;
	for (int i = 0; i < GCONSOLE_LINE_MAX; i++)
		gconsole_putc(&gc, 'y');
	assert_int_equal(lines_out_count, 0);
	gconsole_putc(&gc, 'z');
	assert_int_equal(lines_out_count, 1);
	assert_int_equal(lines_out_len, GCONSOLE_LINE_MAX + 1);
	gconsole_flush(&gc);
	assert_string_equal(lines_out + lines_out_len - 2, "z\n");
}

/* The UART model and the hypercall feed one line. */
static void test_putc_and_write_share_the_line(void **state)
{
	(void)state;
	gconsole_putc(&gc, 'A');
	write_str("BC");
	gconsole_putc(&gc, '\r');
	gconsole_putc(&gc, '\n');
	assert_string_equal(lines_out, "ABC\n");
}

/* gconsole_append() takes a write whole or not at all. */
static void test_append_is_all_or_nothing(void **state)
{
	char full[GCONSOLE_LINE_MAX];

	(void)state;
	assert_true(gconsole_append(&gc, "ab\tc", 4));
	assert_false(gconsole_append(&gc, "de\nf", 5));
	assert_false(gconsole_append(&gc, "g\x1b", 2));
	assert_int_equal(gc.len, 4);
	assert_memory_equal(gconsole_line(&gc), "ab\tc", 4);
	/* What fits the line exactly is taken; a byte more is not. */
	memset(full, 'x', sizeof(full));
	assert_false(gconsole_append(&gc, full, GCONSOLE_LINE_MAX - 3));
	assert_true(gconsole_append(&gc, full, GCONSOLE_LINE_MAX - 4));
	assert_false(gconsole_append(&gc, "y", 1));
	assert_true(gconsole_append(&gc, "", 0));
	assert_int_equal(lines_out_count, 0);
	write_str("y\n");
	assert_int_equal(lines_out_count, 2);
	assert_string_equal(lines_out + GCONSOLE_LINE_MAX + 1, "y\n");
}

/* The fast copy loop of gconsole_write() and gconsole_putc() agree on
 * every byte value and on line breaking. */
static void test_byte_by_byte_equals_bulk(void **state)
{
	char in[1000], bulk[sizeof(lines_out)];
	size_t bulk_len;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 % 256);
	memset(in + 300, 'k', 400);
	gconsole_write(&gc, in, sizeof(in));
	gconsole_flush(&gc);
	memcpy(bulk, lines_out, lines_out_len);
	bulk_len = lines_out_len;
	setup(state);
	for (size_t i = 0; i < sizeof(in); i++)
		gconsole_putc(&gc, in[i]);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, bulk_len);
	assert_memory_equal(lines_out, bulk, bulk_len);
	assert_true(bulk_len > 700);
}

/* A line that could pass for skiff's own (its name first, or white space
 * as in its reports) goes out marked, in the same single call; a partial
 * line flushed and its rest are each judged from their own start. */
static void test_lines_like_skiffs_are_marked(void **state)
{
	(void)state;
	write_str("skiff: the guest (hello) exited with status 0\n");
	assert_string_equal(lines_out, "guest| skiff: the guest (hello) exited with status 0\n");
	assert_int_equal(lines_out_count, 1);
	write_str("  RAX 0000000000000000\n\tx\nskiffy\n");
	assert_string_equal(lines_out, "guest| skiff: the guest (hello) exited with status 0\n"
			    "guest|   RAX 0000000000000000\nguest| \tx\nguest| skiffy\n");
	lines_reset();
	write_str("hello: skiff: not first\nskif\nSkiff\n");
	assert_string_equal(lines_out, "hello: skiff: not first\nskif\nSkiff\n");
	lines_reset();
	write_str("ski");
	gconsole_flush(&gc);
	write_str("ff: forged\n");
	assert_string_equal(lines_out, "ski\nff: forged\n");
	assert_int_equal(lines_out_count, 2);
	lines_reset();
	/* A full line broken in two: the rest is a new line, judged anew. */
	for (int i = 0; i < GCONSOLE_LINE_MAX; i++)
		gconsole_putc(&gc, 'a');
	write_str("skiff: x\n");
	assert_int_equal(lines_out_count, 2);
	assert_non_null(strstr(lines_out, "\nguest| skiff: x\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_line_goes_out_at_newline, setup),
		cmocka_unit_test_setup(test_partial_line_waits_for_its_end, setup),
		cmocka_unit_test_setup(test_flush_ends_partial_line, setup),
		cmocka_unit_test_setup(test_flush_of_empty_line_prints_nothing, setup),
		cmocka_unit_test_setup(test_several_lines_in_one_write, setup),
		cmocka_unit_test_setup(test_carriage_return_dropped, setup),
		cmocka_unit_test_setup(test_escape_sequences_defused, setup),
		cmocka_unit_test_setup(test_tab_kept_other_controls_shown_as_mark, setup),
		cmocka_unit_test_setup(test_bytes_above_ascii_shown_as_mark, setup),
		cmocka_unit_test_setup(test_line_of_exactly_max_is_one_line, setup),
		cmocka_unit_test_setup(test_long_line_broken_nothing_lost, setup),
		cmocka_unit_test_setup(test_full_line_waits_like_any_other, setup),
		cmocka_unit_test_setup(test_putc_and_write_share_the_line, setup),
		cmocka_unit_test_setup(test_byte_by_byte_equals_bulk, setup),
		cmocka_unit_test_setup(test_append_is_all_or_nothing, setup),
		cmocka_unit_test_setup(test_lines_like_skiffs_are_marked, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
