/*
 * The integrity checksum (kernel/integrity.c): any change to a watched
 * byte shows, whichever of the hash's lanes or its tail the byte falls in,
 * and a changed region is named.  Page tables, skiff's and the EPT, are
 * watched entry by entry at every level, except for the accessed and dirty
 * flags the CPU sets, and a table page added later shows too.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrity.h"
#include "lib/errno.h"
#include "mm/ept.h"
#include "mm/paging.h"

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
	integrity_unwatch_all();
	log_reset();
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

/* ---- page tables ---- */

#define KiB		(1ull << 10)
#define MiB		(1ull << 20)
#define GiB		(1ull << 30)
#define TREE_PAGES	16
#define EPT_ARENA_PA	(16 * MiB)
#define PT_ARENA_PA	(64 * MiB)
/* IA32_VMX_EPT_VPID_CAP of Bochs' "skylake" CPU model: A/D flags (bit 21),
 * 2 MiB and 1 GiB pages. */
#define CAP_BOCHS_SKYLAKE	0x00000f0106334141ull
#define WIDTH		39
#define EPT_NAME	"the guest's EPT"
#define PT_NAME		"skiff's page tables"

/*
 * Both trees map [0, 2 GiB) with a table at every level on the way to
 * TABLED (2 MiB + 4 KiB, made absent): a PML4, a PDPT with a 1 GiB page
 * beside the page directory, a page directory with 2 MiB pages beside the
 * page table, and the page table.  Four pages each.
 */
#define TABLED		(2 * MiB + 4 * KiB)

struct trees {
	struct arena ept_arena, pt_arena;
	struct ept ept;
	struct paging pt;
};

/* One entry of each kind at each level: the ones that reference the
 * tables on the way to TABLED, and a page at each of levels 3 to 1. */
struct entry_at {
	uint64_t addr;
	int level;
};

static const struct entry_at table_entries[] = {
	{ TABLED, 4 }, { TABLED, 3 }, { TABLED, 2 },
};
static const struct entry_at leaf_entries[] = {
	{ GiB, 3 }, { 0, 2 }, { 2 * MiB, 1 },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int trees_setup(void **state)
{
	struct trees *t = calloc(1, sizeof(*t));
	struct pt_pages ept_pages = { .alloc = arena_alloc, .to_virt = arena_to_virt,
				      .ctx = &t->ept_arena };
	struct pt_pages pt_pages = { .alloc = arena_alloc, .to_virt = arena_to_virt,
				     .ctx = &t->pt_arena };
	struct ept_caps caps = ept_caps_decode(CAP_BOCHS_SKYLAKE);
	struct paging_caps pt_caps = { .pages_1g = true, .nx = true };

	assert_non_null(t);
	arena_init(&t->ept_arena, EPT_ARENA_PA, TREE_PAGES);
	arena_init(&t->pt_arena, PT_ARENA_PA, TREE_PAGES);
	caps.phys_addr_width = WIDTH;
	assert_int_equal(ept_init(&t->ept, &caps, &ept_pages), 0);
	assert_int_equal(ept_map(&t->ept, 0, 2 * GiB, MTRR_TYPE_WB, EPT_RWX), 0);
	assert_int_equal(ept_unmap(&t->ept, TABLED, PAGE_SIZE), 0);
	assert_int_equal(paging_init(&t->pt, &pt_caps, &pt_pages), 0);
	assert_int_equal(paging_map(&t->pt, 0, 2 * GiB, PT_RW), 0);
	assert_int_equal(paging_unmap(&t->pt, TABLED, PAGE_SIZE), 0);
	assert_int_equal(ept_table_pages(&t->ept), 4);
	assert_int_equal(t->pt.pt.table_pages, 4);
	integrity_unwatch_all();
	integrity_watch_ept(EPT_NAME, &t->ept);
	integrity_watch_paging(PT_NAME, &t->pt);
	log_reset();
	*state = t;
	return 0;
}

static int trees_teardown(void **state)
{
	struct trees *t = *state;

	arena_release(&t->ept_arena);
	arena_release(&t->pt_arena);
	free(t);
	return 0;
}

static unsigned index_at(uint64_t addr, int level)
{
	return (unsigned)(addr >> (12 + 9 * (level - 1))) & 511;
}

/* The entry for addr at level, found as the CPU finds it. */
static uint64_t *entry_in(struct arena *a, uint64_t root, uint64_t addr_mask, struct entry_at at)
{
	uint64_t *table = arena_to_virt(a, root);

	for (int level = 4; level > at.level; level--) {
		assert_non_null(table);
		table = arena_to_virt(a, table[index_at(at.addr, level)] & addr_mask);
	}
	assert_non_null(table);
	return &table[index_at(at.addr, at.level)];
}

static uint64_t *ept_entry(struct trees *t, struct entry_at at)
{
	return entry_in(&t->ept_arena, t->ept.pt.root, t->ept.pt.addr_mask, at);
}

static uint64_t *pt_entry(struct trees *t, struct entry_at at)
{
	return entry_in(&t->pt_arena, t->pt.pt.root, PTE_ADDR_MASK, at);
}

static void expect_unchanged(const char *what)
{
	log_reset();
	if (integrity_check() != 0)
		fail_msg("%s: the check saw a change; log was:\n%s", what, unit_log);
	assert_log_contains("skiff: integrity: unchanged (checksum 0x");
}

/* The check names the tree changed, and only that one. */
static void expect_changed(const char *name, const char *what)
{
	const char *other = strcmp(name, EPT_NAME) ? EPT_NAME : PT_NAME;
	char line[128];

	log_reset();
	if (integrity_check() != -EIO)
		fail_msg("%s went unseen; log was:\n%s", what, unit_log);
	snprintf(line, sizeof(line), "skiff: integrity: CHANGED: %s (0x", name);
	assert_log_contains(line);
	snprintf(line, sizeof(line), "CHANGED: %s", other);
	if (log_contains(line))
		fail_msg("%s: %s named too; log was:\n%s", what, other, unit_log);
}

/* Flips bits in *entry: the check must name the tree; flipped back, all
 * is as it was. */
static void expect_flip_seen(const char *name, uint64_t *entry, uint64_t bits, const char *what,
			     struct entry_at at)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s in the level-%d entry for 0x%llx", what, at.level,
		 (unsigned long long)at.addr);
	*entry ^= bits;
	expect_changed(name, msg);
	*entry ^= bits;
	expect_unchanged(msg);
}

static void test_tables_count_in_the_baseline(void **state)
{
	(void)state;
	integrity_baseline();
	assert_log_contains("skiff: integrity: baseline checksum 0x");
	assert_log_contains(" over 32 KiB\n");	/* 2 trees of 4 pages */
	expect_unchanged("nothing");
}

/* The CPU's own marks: accessed in every entry it walks through, dirty in
 * the leaf of a page written (SDM Vol. 3A 4.8; Vol. 3C 29.3.4 with the
 * EPTP's A/D bit). */
static void test_accessed_and_dirty_flags_are_not_tampering(void **state)
{
	struct trees *t = *state;

	assert_int_equal(ept_enable_ad(&t->ept), 0);
	integrity_baseline();
	for (size_t i = 0; i < N(table_entries); i++) {
		*ept_entry(t, table_entries[i]) |= EPT_ACCESSED;
		*pt_entry(t, table_entries[i]) |= PTE_ACCESSED;
	}
	for (size_t i = 0; i < N(leaf_entries); i++) {
		*ept_entry(t, leaf_entries[i]) |= EPT_ACCESSED | EPT_DIRTY;
		*pt_entry(t, leaf_entries[i]) |= PTE_ACCESSED | PTE_DIRTY;
	}
	expect_unchanged("accessed and dirty flags");
}

/* Where the CPU does not write them, the same bits count: bits 8 and 9 of
 * the EPT without A/D in the EPTP, bit 9 of an EPT entry and bit 6 of a
 * host entry that reference a table, a flag in an entry not present. */
static void test_flags_the_cpu_does_not_set_count(void **state)
{
	struct trees *t = *state;
	struct entry_at absent = { TABLED, 1 };

	integrity_baseline();
	expect_flip_seen(EPT_NAME, ept_entry(t, leaf_entries[2]), EPT_ACCESSED,
			 "bit 8 without A/D", leaf_entries[2]);
	expect_flip_seen(EPT_NAME, ept_entry(t, leaf_entries[1]), EPT_DIRTY,
			 "bit 9 without A/D", leaf_entries[1]);
	expect_flip_seen(PT_NAME, pt_entry(t, table_entries[0]), PTE_DIRTY,
			 "bit 6 above a table", table_entries[0]);
	expect_flip_seen(PT_NAME, pt_entry(t, absent), PTE_ACCESSED,
			 "A in an absent entry", absent);
	assert_int_equal(ept_enable_ad(&t->ept), 0);
	integrity_baseline();
	expect_flip_seen(EPT_NAME, ept_entry(t, table_entries[1]), EPT_DIRTY,
			 "bit 9 above a table", table_entries[1]);
	expect_flip_seen(EPT_NAME, ept_entry(t, absent), EPT_ACCESSED,
			 "bit 8 in an absent entry", absent);
}

static void test_a_permission_changed_at_any_level_is_named(void **state)
{
	struct trees *t = *state;
	const struct entry_at *all[] = { table_entries, leaf_entries };

	assert_int_equal(ept_enable_ad(&t->ept), 0);
	integrity_baseline();
	for (size_t k = 0; k < N(all); k++)
		for (size_t i = 0; i < N(table_entries); i++) {
			struct entry_at at = all[k][i];

			expect_flip_seen(EPT_NAME, ept_entry(t, at), EPT_WRITE, "EPT write", at);
			expect_flip_seen(EPT_NAME, ept_entry(t, at), EPT_EXECUTE, "EPT execute", at);
			expect_flip_seen(PT_NAME, pt_entry(t, at), PTE_WRITE, "R/W", at);
			expect_flip_seen(PT_NAME, pt_entry(t, at), PTE_XD, "XD", at);
			expect_flip_seen(PT_NAME, pt_entry(t, at), PTE_USER, "U/S", at);
		}
}

/* An address moved by a page, a large page's by its own size; an entry
 * that references a table then references another page (or none). */
static void test_an_address_changed_at_any_level_is_named(void **state)
{
	static const uint64_t page_bit[] = { 0, 1ull << 12, 1ull << 21, 1ull << 30 };
	struct trees *t = *state;

	integrity_baseline();
	for (size_t i = 0; i < N(table_entries); i++) {
		struct entry_at at = table_entries[i];

		expect_flip_seen(EPT_NAME, ept_entry(t, at), 1ull << 12, "table address", at);
		expect_flip_seen(PT_NAME, pt_entry(t, at), 1ull << 12, "table address", at);
		expect_flip_seen(PT_NAME, pt_entry(t, at), 1ull << 38, "table address", at);
	}
	for (size_t i = 0; i < N(leaf_entries); i++) {
		struct entry_at at = leaf_entries[i];

		expect_flip_seen(EPT_NAME, ept_entry(t, at), page_bit[at.level], "page address", at);
		expect_flip_seen(PT_NAME, pt_entry(t, at), page_bit[at.level], "page address", at);
	}
}

/* A later map that splits a page adds a table page: the check sees it and
 * says how many pages the tree has now. */
static void test_a_table_added_later_is_seen(void **state)
{
	struct trees *t = *state;

	integrity_baseline();
	assert_int_equal(ept_unmap(&t->ept, GiB + 4 * KiB, PAGE_SIZE), 0);
	expect_changed(EPT_NAME, "two tables added to the EPT");
	assert_log_contains("; 6 table pages, were 4)\n");
	integrity_baseline();
	assert_log_contains(" over 40 KiB\n");
	assert_int_equal(paging_map(&t->pt, 4 * MiB, PAGE_SIZE, PT_READ), 0);
	expect_changed(PT_NAME, "a table added to skiff's");
	assert_log_contains("; 5 table pages, were 4)\n");
}

/* A table that references one above it: the walk stops, and says why. */
static void test_a_loop_in_the_tables_is_reported(void **state)
{
	struct trees *t = *state;
	struct entry_at pdpte = { 3 * GiB, 3 };

	integrity_baseline();
	*ept_entry(t, pdpte) = t->ept.pt.root | EPT_RWX;
	expect_changed(EPT_NAME, "a loop");
	assert_log_contains("; its tables reach more pages than were ever made)\n");
}

#define TREES(fn)	cmocka_unit_test_setup_teardown(fn, trees_setup, trees_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_bit_flip_changes_the_hash),
		cmocka_unit_test(test_moved_words_change_the_hash),
		cmocka_unit_test(test_unaligned_regions),
		cmocka_unit_test(test_a_changed_region_is_named),
		TREES(test_tables_count_in_the_baseline),
		TREES(test_accessed_and_dirty_flags_are_not_tampering),
		TREES(test_flags_the_cpu_does_not_set_count),
		TREES(test_a_permission_changed_at_any_level_is_named),
		TREES(test_an_address_changed_at_any_level_is_named),
		TREES(test_a_table_added_later_is_seen),
		TREES(test_a_loop_in_the_tables_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
