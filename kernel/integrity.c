/* See integrity.h. */
#include "integrity.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/ept.h"
#include "mm/npt.h"
#include "mm/paging.h"

typedef uint64_t unaligned_u64 __attribute__((may_alias, aligned(1)));

#define HASH_PRIME	0x100000001b3ull	/* FNV-1a's 64-bit prime */
#define HASH_SEED	0xcbf29ce484222325ull
#define TABLE_BYTES	(TABLE_TREE_ENTRIES * sizeof(uint64_t))

/* mm's walk over one tree type, behind one signature. */
typedef int (*tables_walk_fn)(const void *tree, table_visit_fn visit, void *arg);

struct region {
	const char *name;
	const uint8_t *p;	/* a range of n bytes, */
	size_t n;
	tables_walk_fn walk;	/* or, when walk is set, a tree of tables */
	const void *tree;
	uint32_t baseline;
	int baseline_pages;	/* a tree's table pages at the baseline */
};

/* What one region holds now. */
struct reading {
	uint32_t hash;
	int pages;		/* a tree's table pages, or -E2BIG; 0 for a range */
	size_t bytes;
};

static struct region regions[INTEGRITY_MAX_REGIONS];
static size_t region_count;
static uint32_t baseline_all;

/* One word into a lane: FNV-1a's step, a word at a time. */
static uint64_t hash_step(uint64_t h, uint64_t word)
{
	return (h ^ word) * HASH_PRIME;
}

static uint32_t hash_fold(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
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
	return hash_fold(h);
}

static void watch(struct region r)
{
	if (region_count == INTEGRITY_MAX_REGIONS) {
		kprintf("skiff: integrity: no room to watch %s\n", r.name);
		return;
	}
	regions[region_count++] = r;
}

void integrity_watch(const char *name, const void *p, size_t n)
{
	watch((struct region){ .name = name, .p = p, .n = n });
}

static int walk_ept(const void *tree, table_visit_fn visit, void *arg)
{
	return ept_walk_tables(tree, visit, arg);
}

static int walk_paging(const void *tree, table_visit_fn visit, void *arg)
{
	return paging_walk_tables(tree, visit, arg);
}

void integrity_watch_ept(const char *name, const struct ept *e)
{
	watch((struct region){ .name = name, .walk = walk_ept, .tree = e });
}

/* A tree no CPU or device writes flags into (the IOMMU's second-level
 * tables in legacy mode: VT-d 9.8). */
static int walk_pt(const void *tree, table_visit_fn visit, void *arg)
{
	return pt_walk_tables(tree, 0, 0, visit, arg);
}

static int walk_npt(const void *tree, table_visit_fn visit, void *arg)
{
	return npt_walk_tables(tree, visit, arg);
}

void integrity_watch_npt(const char *name, const struct npt *n)
{
	watch((struct region){ .name = name, .walk = walk_npt, .tree = n });
}

void integrity_watch_pt(const char *name, const struct pt_tree *t)
{
	watch((struct region){ .name = name, .walk = walk_pt, .tree = t });
}

void integrity_watch_paging(const char *name, const struct paging *p)
{
	watch((struct region){ .name = name, .walk = walk_paging, .tree = p });
}

#ifdef SKIFF_HOST_TEST
void integrity_unwatch_all(void)
{
	region_count = 0;
}
#endif

/* The walk's visit: one table page into the tree's hash, in walk order,
 * so a page moved within the tree counts as well as a changed entry. */
static void hash_table(void *arg, const uint64_t *entries, int level)
{
	uint64_t *h = arg;

	(void)level;	/* the order of the pages and their parents' entries say it */
	*h = hash_step(*h, integrity_hash(entries, TABLE_BYTES, HASH_SEED));
}

static struct reading read_region(const struct region *r)
{
	uint64_t h = HASH_SEED;
	int pages;

	if (!r->walk)
		return (struct reading){ .hash = integrity_hash(r->p, r->n, HASH_SEED),
					 .bytes = r->n };
	pages = r->walk(r->tree, hash_table, &h);
	/* The count goes in too: a walk cut short (-E2BIG) reads differently
	 * from the whole tree it may have begun like. */
	h = hash_step(h, (uint64_t)(int64_t)pages);
	return (struct reading){ .hash = hash_fold(h), .pages = pages,
				 .bytes = pages > 0 ? (size_t)pages * TABLE_BYTES : 0 };
}

static uint32_t combine(struct reading *each)
{
	uint64_t h = HASH_SEED;

	for (size_t i = 0; i < region_count; i++) {
		each[i] = read_region(&regions[i]);
		h = hash_step(h, each[i].hash);
	}
	return hash_fold(h);
}

void integrity_baseline(void)
{
	struct reading each[INTEGRITY_MAX_REGIONS];
	size_t bytes = 0;

	baseline_all = combine(each);
	for (size_t i = 0; i < region_count; i++) {
		regions[i].baseline = each[i].hash;
		regions[i].baseline_pages = each[i].pages;
		bytes += each[i].bytes;
	}
	kprintf("skiff: integrity: baseline checksum 0x%08x over %lu KiB\n", baseline_all,
		(bytes + 1023) / 1024);
}

/* "CHANGED: name (hash, was hash)", and for a tree whose pages are not the
 * ones it had, how many there are now. */
static void report_change(const struct region *r, const struct reading *now)
{
	kprintf("skiff: integrity: CHANGED: %s (0x%08x, was 0x%08x", r->name, now->hash,
		r->baseline);
	if (now->pages == -E2BIG)
		kprintf("; its tables reach more pages than were ever made");
	else if (now->pages != r->baseline_pages)
		kprintf("; %d table pages, were %d", now->pages, r->baseline_pages);
	kprintf(")\n");
}

int integrity_check(void)
{
	struct reading each[INTEGRITY_MAX_REGIONS];
	uint32_t all = combine(each);

	if (all == baseline_all) {
		kprintf("skiff: integrity: unchanged (checksum 0x%08x)\n", all);
		return 0;
	}
	for (size_t i = 0; i < region_count; i++)
		if (each[i].hash != regions[i].baseline)
			report_change(&regions[i], &each[i]);
	return -EIO;
}

static struct region *tree_region(const void *tree)
{
	for (size_t i = 0; i < region_count; i++)
		if (regions[i].walk && regions[i].tree == tree)
			return &regions[i];
	return NULL;
}

int integrity_verify_tree(const void *tree)
{
	struct region *r = tree_region(tree);
	struct reading now;

	if (!r)
		return 0;
	now = read_region(r);
	if (now.hash == r->baseline)
		return 0;
	report_change(r, &now);
	return -EIO;
}

void integrity_rebaseline_tree(const void *tree)
{
	struct region *r = tree_region(tree);
	struct reading now;
	uint64_t h = HASH_SEED;

	if (!r)
		return;
	now = read_region(r);
	r->baseline = now.hash;
	r->baseline_pages = now.pages;
	for (size_t i = 0; i < region_count; i++)	/* as combine() folds them */
		h = hash_step(h, regions[i].baseline);
	baseline_all = hash_fold(h);
}
