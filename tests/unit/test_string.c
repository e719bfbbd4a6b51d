/*
 * skiff's memcpy, memmove and memset (kernel/lib/string.c), which move 8
 * bytes a step: every length and alignment around the word size, and
 * overlaps both ways, against what byte-by-byte copies give.  The kernel's
 * functions are built into this test under other names, so the host's own
 * (which the sanitizers rely on) stay as they are.
 */
#include "support.h"

#include <string.h>

#define memcpy skiff_memcpy
#define memmove skiff_memmove
#define memset skiff_memset
#define memcmp skiff_memcmp
#define strlen skiff_strlen
#define strnlen skiff_strnlen
#define strcmp skiff_strcmp
#define strncmp skiff_strncmp
#define strchr skiff_strchr
#define strlcpy skiff_strlcpy
#include "../../kernel/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strlcpy

#define BUF	96	/* room for 3 words either side of the longest case */
#define MAX_LEN	40	/* lengths 0..40 cover 0 to 5 words and every tail */
#define GUARD	0xa5

static void fill_pattern(unsigned char *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(seed + 7 * i + 1);
}

static void test_memset_every_length_and_alignment(void **state)
{
	unsigned char buf[BUF], want[BUF];

	(void)state;
	for (size_t off = 0; off < 8; off++) {
		for (size_t len = 0; len <= MAX_LEN; len++) {
			memset(buf, GUARD, sizeof(buf));
			memset(want, GUARD, sizeof(want));
			for (size_t i = 0; i < len; i++)
				want[off + i] = 0x3c;
			assert_ptr_equal(skiff_memset(buf + off, 0x3c, len), buf + off);
			assert_memory_equal(buf, want, sizeof(buf));
		}
	}
}

static void test_memset_uses_the_low_byte(void **state)
{
	unsigned char buf[16];

	(void)state;
	skiff_memset(buf, 0x1ff, sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0xff);
}

static void test_memcpy_every_length_and_alignment(void **state)
{
	unsigned char src[BUF], dst[BUF], want[BUF];

	(void)state;
	fill_pattern(src, sizeof(src), 3);
	for (size_t soff = 0; soff < 8; soff++)
		for (size_t doff = 0; doff < 8; doff++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				memset(dst, GUARD, sizeof(dst));
				memset(want, GUARD, sizeof(want));
				memcpy(want + doff, src + soff, len);
				assert_ptr_equal(skiff_memcpy(dst + doff, src + soff, len), dst + doff);
				assert_memory_equal(dst, want, sizeof(dst));
			}
}

/* Both directions of overlap, by every distance up to past a word. */
static void test_memmove_overlapping_both_ways(void **state)
{
	unsigned char buf[BUF], want[BUF];

	(void)state;
	for (size_t from = 0; from < 24; from++)
		for (size_t to = 0; to < 24; to++)
			for (size_t len = 0; len <= MAX_LEN; len++) {
				fill_pattern(buf, sizeof(buf), (unsigned)(from + to));
				memcpy(want, buf, sizeof(want));
				memmove(want + to, want + from, len);
				assert_ptr_equal(skiff_memmove(buf + to, buf + from, len), buf + to);
				assert_memory_equal(buf, want, sizeof(buf));
			}
}

static void test_page_sized_copies(void **state)
{
	static unsigned char a[4096 + 16], b[4096 + 16];

	(void)state;
	fill_pattern(a, sizeof(a), 9);
	skiff_memcpy(b + 3, a + 5, 4096);
	assert_memory_equal(b + 3, a + 5, 4096);
	skiff_memset(a, 0, 4096);
	for (size_t i = 0; i < 4096; i++)
		assert_int_equal(a[i], 0);
	fill_pattern(a, sizeof(a), 1);
	memcpy(b, a, sizeof(b));
	skiff_memmove(a, a + 160, 4096 - 160);	/* a text screen scrolls */
	assert_memory_equal(a, b + 160, 4096 - 160);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset_every_length_and_alignment),
		cmocka_unit_test(test_memset_uses_the_low_byte),
		cmocka_unit_test(test_memcpy_every_length_and_alignment),
		cmocka_unit_test(test_memmove_overlapping_both_ways),
		cmocka_unit_test(test_page_sized_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
