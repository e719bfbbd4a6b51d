/* See table_tree.h. */
#include "mm/table_tree.h"

#include "lib/errno.h"

#define LEVEL_PT	1	/* a page table: its entries never reference a table */
#define BITMAP_WORDS	(TABLE_TREE_ENTRIES / 64)

struct walk {
	const struct table_tree *t;
	table_visit_fn visit;
	void *arg;
	int pages;
};

/* Only one copy is live at a time: visit() sees a table before the walk
 * goes below it.  Static, because a page is a quarter of a stack. */
static uint64_t copy[TABLE_TREE_ENTRIES];

/*
 * Fills copy[] with the table's entries less the CPU's bits and sets in
 * children[] the bits of the entries that reference a table, in one pass.
 * The CPU never sets a flag in an entry that is not present (SDM Vol. 3A
 * 4.8, Vol. 3C 29.3.4: only entries used in a translation are marked), so
 * such an entry is kept whole.  The pass runs over every entry of every
 * table at each check, so it is kept short: the tree's fields are read into
 * locals (stores to copy[] could alias them), and in a page table, where
 * every present entry maps a page, `large` is every bit, which any present
 * entry has one of.
 */
static void copy_table(const struct table_tree *t, const uint64_t *table, int level,
		       uint64_t children[BITMAP_WORDS])
{
	uint64_t present = t->present, large = level > LEVEL_PT ? TABLE_TREE_LARGE_PAGE : ~0ull;
	uint64_t keep_table = ~t->cpu_table_bits, keep_leaf = ~t->cpu_leaf_bits;

	for (unsigned i = 0; i < TABLE_TREE_ENTRIES; i++) {
		uint64_t entry = table[i], keep = ~0ull;

		if (entry & present) {
			keep = keep_leaf;
			if (!(entry & large)) {
				keep = keep_table;
				children[i / 64] |= 1ull << (i % 64);
			}
		}
		copy[i] = entry & keep;
	}
}

static int walk_table(struct walk *w, uint64_t pa, int level)
{
	const uint64_t *table = w->t->to_virt(w->t->ctx, pa);
	uint64_t children[BITMAP_WORDS] = { 0 };

	if (!table)
		return 0;
	if ((size_t)w->pages == w->t->max_pages)
		return -E2BIG;
	w->pages++;
	copy_table(w->t, table, level, children);
	w->visit(w->arg, copy, level);
	for (unsigned word = 0; word < BITMAP_WORDS; word++)
		for (uint64_t bits = children[word]; bits; bits &= bits - 1) {
			unsigned i = word * 64 + (unsigned)__builtin_ctzll(bits);
			int rc = walk_table(w, table[i] & w->t->addr_mask, level - 1);

			if (rc < 0)
				return rc;
		}
	return 0;
}

int table_tree_walk(const struct table_tree *t, table_visit_fn visit, void *arg)
{
	struct walk w = { .t = t, .visit = visit, .arg = arg };
	int rc = walk_table(&w, t->root, TABLE_TREE_LEVELS);

	return rc < 0 ? rc : w.pages;
}
