/*
 * The integrity checksum (kernel/integrity.c): any change to a watched
 * byte shows, whichever of the hash's lanes or its tail the byte falls in,
 * and a changed region is named.
 */
#include "support.h"

#include <string.h>

#include "integrity.h"
#include "lib/errno.h"

#define SEED	0xcbf29ce484222325ull

static void fill(uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 131 + 7);
}

/* Every bit of every byte, for lengths around the 32-byte step of the
 * lanes and the 8-byte words of the tail. */
static void test_every_bit_flip_changes_the_hash(void **state)
{
	uint8_t buf[100];

	(void)state;
	for (size_t n = 1; n <= sizeof(buf); n++) {
		fill(buf, n);
		uint32_t h = integrity_hash(buf, n, SEED);

		for (size_t i = 0; i < n; i++)
			for (unsigned bit = 0; bit < 8; bit++) {
				buf[i] ^= (uint8_t)(1u << bit);
				if (integrity_hash(buf, n, SEED) == h)
					fail_msg("length %zu: flipping bit %u of byte %zu goes unseen",
						 n, bit, i);
				buf[i] ^= (uint8_t)(1u << bit);
			}
		assert_int_equal(integrity_hash(buf, n, SEED), h);
	}
}

/* Words that trade places, in the same lane or across lanes, change it;
 * with 4 words each lane holds one, so only the folding of the lanes can
 * tell a swap. */
static void test_moved_words_change_the_hash(void **state)
{
	static const unsigned counts[] = { 4, 5, 16 };
	uint64_t words[16], swapped[16];

	(void)state;
	for (unsigned i = 0; i < 16; i++)
		words[i] = 0x0101010101010101ull * (i + 1);
	for (unsigned c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		size_t n = counts[c] * sizeof(words[0]);
		uint32_t h = integrity_hash(words, n, SEED);

		for (unsigned a = 0; a < counts[c]; a++)
			for (unsigned b = a + 1; b < counts[c]; b++) {
				memcpy(swapped, words, sizeof(words));
				swapped[a] = words[b];
				swapped[b] = words[a];
				if (integrity_hash(swapped, n, SEED) == h)
					fail_msg("%u words: swapping %u and %u goes unseen",
						 counts[c], a, b);
			}
	}
}

static void test_unaligned_regions(void **state)
{
	uint8_t buf[4096 + 8];

	(void)state;
	fill(buf, sizeof(buf));
	uint32_t h = integrity_hash(buf + 3, 4096, SEED);

	memmove(buf, buf + 3, 4096);
	assert_int_equal(integrity_hash(buf, 4096, SEED), h);
	assert_int_not_equal(integrity_hash(buf, 4096, SEED + 1), h);
}

static void test_a_changed_region_is_named(void **state)
{
	static uint8_t code[3000], image[777];

	(void)state;
	fill(code, sizeof(code));
	fill(image, sizeof(image));
	integrity_watch("code", code, sizeof(code));
	integrity_watch("image", image, sizeof(image));
	integrity_baseline();
	assert_log_contains("skiff: integrity: baseline checksum 0x");
	assert_log_contains(" over 4 KiB\n");
	log_reset();
	assert_int_equal(integrity_check(), 0);
	assert_log_contains("skiff: integrity: unchanged (checksum 0x");
	image[776] ^= 0x80;
	log_reset();
	assert_int_equal(integrity_check(), -EIO);
	assert_log_contains("skiff: integrity: CHANGED: image (0x");
	assert_false(log_contains("CHANGED: code"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bit_flip_changes_the_hash),
		cmocka_unit_test(test_moved_words_change_the_hash),
		cmocka_unit_test(test_unaligned_regions),
		cmocka_unit_test(test_a_changed_region_is_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
