/*
 * skiff's formatter against the host C library's: for every format the
 * kernel may use, fmt_snprintf() must produce what snprintf() does, and
 * return the same length.  Where C leaves the output to the library (%p,
 * NULL for %s, unknown conversions) the expected text is skiff's own.
 *
 * Formats are passed through variables so the compiler does not reject
 * the deliberately odd ones ("%-05d", "%q"); gcc checks literals only.
 */
#include "support.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "lib/printf.h"

#define OUT_MAX 256

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Fails naming the format, so a table failure points at its row. */
static void expect_same(const char *fmt, const char *want, int want_n,
			const char *got, int got_n)
{
	if (strcmp(got, want) != 0 || got_n != want_n)
		fail_msg("format \"%s\": skiff gave \"%s\" (%d), libc \"%s\" (%d)",
			 fmt, got, got_n, want, want_n);
}

/* One conversion of one value, checked against libc.  A macro so each
 * call passes the value with its own type, as a real caller would. */
#define CHECK_LIKE_LIBC(fmt, ...)						\
	do {									\
		char want_[OUT_MAX], got_[OUT_MAX];				\
		int want_n_ = snprintf(want_, sizeof(want_), fmt, __VA_ARGS__);	\
		int got_n_ = fmt_snprintf(got_, sizeof(got_), fmt, __VA_ARGS__);	\
		expect_same(fmt, want_, want_n_, got_, got_n_);			\
	} while (0)

/* Every format in the table applied to every value in the other. */
#define CHECK_TABLE_LIKE_LIBC(formats, values)				\
	do {									\
		for (size_t f_ = 0; f_ < ARRAY_SIZE(formats); f_++)		\
			for (size_t v_ = 0; v_ < ARRAY_SIZE(values); v_++)	\
				CHECK_LIKE_LIBC(formats[f_], values[v_]);	\
	} while (0)

/* Text of fmt_snprintf into a static buffer, for exact-text checks. */
static const char *skiff_format(const char *fmt, ...)
{
	static char out[OUT_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(out, sizeof(out), fmt, ap);
	va_end(ap);
	return out;
}

static void test_int_conversions_match_libc(void **state)
{
	static const char *const formats[] = {
		"%d", "%i", "[%5d]", "[%-5d]", "[%05d]", "[%-05d]", "[%1d]",
		"[%12i]", "[%012d]", "%+d", "% d", "[%+06d]", "[% 06d]",
		"%.3d", "[%8.3d]", "[%08.3d]", "[%.0d]", "[%5.0d]",
	};
	static const int values[] = {
		0, 1, -1, 7, -7, 42, -42, 12345, -12345, INT_MAX, INT_MIN,
	};

	(void)state;
	CHECK_TABLE_LIKE_LIBC(formats, values);
}

static void test_unsigned_conversions_match_libc(void **state)
{
	static const char *const formats[] = {
		"%u", "%x", "%X", "[%10u]", "[%-10x]", "[%010X]", "[%08x]",
		"[%-08x]", "%#x", "%#X", "[%#10x]", "[%#010x]", "[%-#10X]",
		"%.4x", "[%.0u]", "[%#.0x]", "[%3u]",
	};
	static const unsigned int values[] = {
		0, 1, 9, 10, 15, 16, 255, 0xdeadbeef, INT_MAX, UINT_MAX,
	};

	(void)state;
	CHECK_TABLE_LIKE_LIBC(formats, values);
}

static void test_long_conversions_match_libc(void **state)
{
	static const char *const signed_formats[] = {
		"%ld", "%li", "[%22ld]", "[%-22ld]", "[%022ld]", "%+ld",
	};
	static const long signed_values[] = { 0, -1, 1, LONG_MAX, LONG_MIN };
	static const char *const unsigned_formats[] = {
		"%lu", "%lx", "%lX", "[%20lu]", "[%018lx]", "[%-18lX]", "%#lx",
	};
	static const unsigned long unsigned_values[] = {
		0, 1, 0xffffffffUL, 0x100000000UL, ULONG_MAX,
	};

	(void)state;
	CHECK_TABLE_LIKE_LIBC(signed_formats, signed_values);
	CHECK_TABLE_LIKE_LIBC(unsigned_formats, unsigned_values);
}

static void test_long_long_conversions_match_libc(void **state)
{
	static const char *const signed_formats[] = {
		"%lld", "%lli", "[%25lld]", "[%-25lld]", "[%025lld]", "% lld",
		"[%.20lld]",
	};
	static const long long signed_values[] = {
		0, -1, 1, 1000000000000LL, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
	};
	static const char *const unsigned_formats[] = {
		"%llu", "%llx", "%llX", "[%25llu]", "[%016llx]", "[%-20llX]",
	};
	static const unsigned long long unsigned_values[] = {
		0, 1, 0x8000000000000000ULL, 0xfedcba9876543210ULL, ULLONG_MAX,
	};

	(void)state;
	CHECK_TABLE_LIKE_LIBC(signed_formats, signed_values);
	CHECK_TABLE_LIKE_LIBC(unsigned_formats, unsigned_values);
}

static void test_size_conversions_match_libc(void **state)
{
	static const char *const unsigned_formats[] = {
		"%zu", "%zx", "%zX", "[%21zu]", "[%-21zu]", "[%016zx]",
	};
	static const size_t unsigned_values[] = { 0, 1, 4096, SIZE_MAX / 2, SIZE_MAX };
	static const char *const signed_formats[] = {
		"%zd", "%zi", "[%21zd]", "[%021zd]", "[%-21zd]",
	};
	static const ssize_t signed_values[] = {
		0, -1, 4096, SSIZE_MAX, -SSIZE_MAX - 1,
	};

	(void)state;
	CHECK_TABLE_LIKE_LIBC(unsigned_formats, unsigned_values);
	CHECK_TABLE_LIKE_LIBC(signed_formats, signed_values);
}

/* hh, h, j and t are not in printf.h's list, but the compiler accepts
 * them, so they must read their argument and print it as C does. */
static void test_other_lengths_match_libc(void **state)
{
	static const char *const char_formats[] = { "%hhd", "%hhu", "%hhx", "[%05hhd]" };
	static const char *const short_formats[] = { "%hd", "%hu", "%hx", "[%-7hd]" };
	static const int narrow_values[] = { 0, 1, -1, 127, -128, 255, 256, 32767, -32768, 65535 };
	static const char *const intmax_formats[] = { "%jd", "%jx", "[%022jd]" };
	static const intmax_t intmax_values[] = { 0, -1, INTMAX_MAX, INTMAX_MIN };
	static const char *const ptrdiff_formats[] = { "%td", "%ti", "[%-21td]" };
	static const ptrdiff_t ptrdiff_values[] = { 0, -1, PTRDIFF_MAX, PTRDIFF_MIN };

	(void)state;
	CHECK_TABLE_LIKE_LIBC(char_formats, narrow_values);
	CHECK_TABLE_LIKE_LIBC(short_formats, narrow_values);
	CHECK_TABLE_LIKE_LIBC(intmax_formats, intmax_values);
	CHECK_TABLE_LIKE_LIBC(ptrdiff_formats, ptrdiff_values);
}

/* The cases that motivated the padding rules, spelled out. */
static void test_zero_pad_goes_after_sign_and_yields_to_left_align(void **state)
{
	const char *zero_pad = "%05d", *both = "[%-05d]", *star = "[%*d]";

	(void)state;
	assert_string_equal(skiff_format(zero_pad, -42), "-0042");
	assert_string_equal(skiff_format(zero_pad, 42), "00042");
	assert_string_equal(skiff_format(both, -42), "[-42  ]");
	assert_string_equal(skiff_format(star, -5, 42), "[42   ]");
}

/* Negative '*' widths left-align; negative '*' precisions count as none.
 * Widths past OUT_MAX check the cut text and the full returned length. */
static void test_star_width_and_precision_match_libc(void **state)
{
	static const int stars[] = { -300, -12, -3, -1, 0, 1, 3, 12, 300 };
	static const int values[] = { 0, 42, -42, INT_MIN };
	const char *width = "[%*d]", *zero_width = "[%0*d]";
	const char *precision = "[%.*d]", *both = "[%*.*x]";

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(stars); s++) {
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			CHECK_LIKE_LIBC(width, stars[s], values[v]);
			CHECK_LIKE_LIBC(zero_width, stars[s], values[v]);
			CHECK_LIKE_LIBC(precision, stars[s], values[v]);
			CHECK_LIKE_LIBC(both, stars[s], stars[s], (unsigned int)values[v]);
		}
	}
}

static void test_strings_match_libc(void **state)
{
	static const char *const formats[] = {
		"%s", "[%10s]", "[%-10s]", "[%2s]", "[%.3s]", "[%.0s]",
		"[%8.3s]", "[%-8.3s]", "[%.20s]",
	};
	static const char *const values[] = { "", "a", "skiff", "hypervisor!" };

	(void)state;
	CHECK_TABLE_LIKE_LIBC(formats, values);
}

/* Callers print fixed-size fields (ACPI signatures, serial input) that
 * have no terminator: %.*s must not read past the precision. */
static void test_precision_bounds_unterminated_string(void **state)
{
	const char signature[4] = { 'F', 'A', 'C', 'P' };
	const char *bounded = "[%.*s]", *padded = "[%-6.*s]";

	(void)state;
	assert_string_equal(skiff_format(bounded, 4, signature), "[FACP]");
	assert_string_equal(skiff_format(bounded, 2, signature), "[FA]");
	assert_string_equal(skiff_format(padded, 4, signature), "[FACP  ]");
	/* A negative precision means none: the whole terminated string. */
	assert_string_equal(skiff_format(bounded, -1, "whole"), "[whole]");
}

static void test_null_string_prints_null(void **state)
{
	const char *plain = "%s", *padded = "[%8s]", *left = "[%-8s]";
	const char *missing = NULL;

	(void)state;
	assert_string_equal(skiff_format(plain, missing), "(null)");
	assert_string_equal(skiff_format(padded, missing), "[  (null)]");
	assert_string_equal(skiff_format(left, missing), "[(null)  ]");
}

static void test_chars_and_percent_match_libc(void **state)
{
	static const char *const formats[] = { "%c", "[%3c]", "[%-3c]", "%c%%" };
	static const int values[] = { 'A', 'z', '0', ' ', '%', 0x7f };
	const char *percents = "100%% %d%%";

	(void)state;
	CHECK_TABLE_LIKE_LIBC(formats, values);
	CHECK_LIKE_LIBC(percents, 5);
}

/* %p is implementation-defined in C; skiff's is fixed-width hex. */
static void test_pointer_prints_0x_and_16_digits(void **state)
{
	const char *plain = "%p", *padded = "[%20p]", *left = "[%-20p]";

	(void)state;
	assert_string_equal(skiff_format(plain, (void *)0), "0x0000000000000000");
	assert_string_equal(skiff_format(plain, (void *)0x1000),
			    "0x0000000000001000");
	assert_string_equal(skiff_format(plain, (void *)UINTPTR_MAX),
			    "0xffffffffffffffff");
	assert_string_equal(skiff_format(plain, (void *)0xffff800000abcdefULL),
			    "0xffff800000abcdef");
	assert_string_equal(skiff_format(padded, (void *)0x10),
			    "[  0x0000000000000010]");
	assert_string_equal(skiff_format(left, (void *)0x10),
			    "[0x0000000000000010  ]");
}

/* A mistake in a format must show in the log, not vanish. */
static void test_unknown_conversion_printed_verbatim(void **state)
{
	const char *unknown = "%q", *with_spec = "[%-5lq]", *then_int = "%q %d";
	const char *trailing = "50%", *trailing_length = "x=%l", *octal = "%o";

	(void)state;
	assert_string_equal(skiff_format(unknown), "%q");
	assert_int_equal(fmt_snprintf(NULL, 0, unknown), 2);
	assert_string_equal(skiff_format(with_spec), "[%-5lq]");
	/* Nothing was consumed for %q, so %d still gets its argument. */
	assert_string_equal(skiff_format(then_int, 7), "%q 7");
	assert_string_equal(skiff_format(trailing), "50%");
	assert_string_equal(skiff_format(trailing_length), "x=%l");
	assert_string_equal(skiff_format(octal, 8), "%o");
}

/* Output cut at every buffer size, compared with libc's cut. */
static void test_truncation_matches_libc(void **state)
{
	const char *fmt = "[%-6s|%05d|%x]";
	char want[OUT_MAX];
	int want_n = snprintf(want, sizeof(want), fmt, "ab", -42, 0xbeefu);

	(void)state;
	for (size_t size = 1; size <= (size_t)want_n + 2; size++) {
		char got[OUT_MAX], cut[OUT_MAX];

		memset(got, '#', sizeof(got));
		int got_n = fmt_snprintf(got, size, fmt, "ab", -42, 0xbeefu);
		snprintf(cut, size, fmt, "ab", -42, 0xbeefu);
		expect_same(fmt, cut, want_n, got, got_n);
		/* Not one byte past the buffer's end may change. */
		for (size_t i = size; i < sizeof(got); i++)
			if (got[i] != '#')
				fail_msg("size %zu: byte %zu overwritten", size, i);
	}
}

static void test_size_zero_writes_nothing_and_returns_length(void **state)
{
	const char *fmt = "%d-%s";
	char guard = '#';

	(void)state;
	assert_int_equal(fmt_snprintf(&guard, 0, fmt, 12345, "abc"), 9);
	assert_int_equal(guard, '#');
	assert_int_equal(fmt_snprintf(NULL, 0, fmt, -1, ""), 3);
}

static void test_size_one_gives_empty_string(void **state)
{
	const char *fmt = "%s";
	char buf[2] = { '#', '#' };

	(void)state;
	assert_int_equal(fmt_snprintf(buf, 1, fmt, "long text"), 9);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], '#');
}

struct collected {
	char text[OUT_MAX];
	size_t len;
};

static void collect(void *ctx, char c)
{
	struct collected *out = ctx;

	if (out->len + 1 < sizeof(out->text))
		out->text[out->len] = c;
	out->len++;
}

static int format_to_collector(struct collected *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(collect, out, fmt, ap);
	va_end(ap);
	out->text[out->len < sizeof(out->text) ? out->len : sizeof(out->text) - 1] = '\0';
	return n;
}

/* The console path: every character reaches the emitter, in order, and
 * the return value counts them all. */
static void test_vformat_emits_each_character_and_counts_them(void **state)
{
	struct collected out = { .len = 0 };
	const char *fmt = "cpu%u: %s rip=%p";

	(void)state;
	assert_int_equal(format_to_collector(&out, fmt, 3u, "halt", (void *)0x7c00), 33);
	assert_int_equal(out.len, 33);
	assert_string_equal(out.text, "cpu3: halt rip=0x0000000000007c00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_int_conversions_match_libc),
		cmocka_unit_test(test_unsigned_conversions_match_libc),
		cmocka_unit_test(test_long_conversions_match_libc),
		cmocka_unit_test(test_long_long_conversions_match_libc),
		cmocka_unit_test(test_size_conversions_match_libc),
		cmocka_unit_test(test_other_lengths_match_libc),
		cmocka_unit_test(test_zero_pad_goes_after_sign_and_yields_to_left_align),
		cmocka_unit_test(test_star_width_and_precision_match_libc),
		cmocka_unit_test(test_strings_match_libc),
		cmocka_unit_test(test_precision_bounds_unterminated_string),
		cmocka_unit_test(test_null_string_prints_null),
		cmocka_unit_test(test_chars_and_percent_match_libc),
		cmocka_unit_test(test_pointer_prints_0x_and_16_digits),
		cmocka_unit_test(test_unknown_conversion_printed_verbatim),
		cmocka_unit_test(test_truncation_matches_libc),
		cmocka_unit_test(test_size_zero_writes_nothing_and_returns_length),
		cmocka_unit_test(test_size_one_gives_empty_string),
		cmocka_unit_test(test_vformat_emits_each_character_and_counts_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
