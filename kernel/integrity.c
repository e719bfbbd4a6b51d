/* See integrity.h. */
#include "integrity.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

typedef uint64_t unaligned_u64 __attribute__((may_alias, aligned(1)));

#define HASH_PRIME	0x100000001b3ull	/* FNV-1a's 64-bit prime */
#define HASH_SEED	0xcbf29ce484222325ull

struct region {
	const char *name;
	const uint8_t *p;
	size_t n;
	uint32_t baseline;
};

static struct region regions[INTEGRITY_MAX_REGIONS];
static size_t region_count;
static uint32_t baseline_all;

/* One word into a lane: FNV-1a's step, a word at a time. */
static uint64_t hash_step(uint64_t h, uint64_t word)
{
	return (h ^ word) * HASH_PRIME;
}

/*
 * Four lanes take every fourth word, so the four multiplies of a step do
 * not wait on each other and the loop costs a quarter per word (the
 * baseline hashes some 300 KiB at boot).  The lanes are folded in order, so
 * a word moved to another lane changes the result.  Word loads go through a
 * may_alias type: skiff is built with -fno-builtin, so memcpy() here would
 * be a call per word.
 */
uint32_t integrity_hash(const void *p, size_t n, uint64_t seed)
{
	const uint8_t *b = p;
	uint64_t h0 = seed, h1 = seed, h2 = seed, h3 = seed, h;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		h0 = hash_step(h0, *(const unaligned_u64 *)(b + i));
		h1 = hash_step(h1, *(const unaligned_u64 *)(b + i + 8));
		h2 = hash_step(h2, *(const unaligned_u64 *)(b + i + 16));
		h3 = hash_step(h3, *(const unaligned_u64 *)(b + i + 24));
	}
	h = hash_step(hash_step(hash_step(hash_step(seed, h0), h1), h2), h3);
	for (; i + 8 <= n; i += 8)
		h = hash_step(h, *(const unaligned_u64 *)(b + i));
	for (; i < n; i++)
		h = hash_step(h, b[i]);
	return (uint32_t)(h ^ (h >> 32));
}

void integrity_watch(const char *name, const void *p, size_t n)
{
	if (region_count == INTEGRITY_MAX_REGIONS) {
		kprintf("skiff: integrity: no room to watch %s\n", name);
		return;
	}
	regions[region_count++] = (struct region){ .name = name, .p = p, .n = n };
}

static uint32_t combine(uint32_t *each)
{
	uint64_t h = HASH_SEED;

	for (size_t i = 0; i < region_count; i++) {
		each[i] = integrity_hash(regions[i].p, regions[i].n, HASH_SEED);
		h = (h ^ each[i]) * HASH_PRIME;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void integrity_baseline(void)
{
	uint32_t each[INTEGRITY_MAX_REGIONS];
	size_t bytes = 0;

	baseline_all = combine(each);
	for (size_t i = 0; i < region_count; i++) {
		regions[i].baseline = each[i];
		bytes += regions[i].n;
	}
	kprintf("skiff: integrity: baseline checksum 0x%08x over %lu KiB\n", baseline_all,
		(bytes + 1023) / 1024);
}

int integrity_check(void)
{
	uint32_t each[INTEGRITY_MAX_REGIONS];
	uint32_t all = combine(each);

	if (all == baseline_all) {
		kprintf("skiff: integrity: unchanged (checksum 0x%08x)\n", all);
		return 0;
	}
	for (size_t i = 0; i < region_count; i++)
		if (each[i] != regions[i].baseline)
			kprintf("skiff: integrity: CHANGED: %s (0x%08x, was 0x%08x)\n", regions[i].name,
				each[i], regions[i].baseline);
	return -EIO;
}
