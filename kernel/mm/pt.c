/*
 * The page-table engine (see pt.h).  Both trees it builds today are 4-level
 * walks of 512-entry tables indexed by address bits 47:39, 38:30, 29:21
 * and 20:12 (SDM Vol. 3A 4.5, Vol. 3C 29.3.2), in which an entry at levels
 * 3 and 2 maps a page when its bit 7 is set, and a level-1 entry always
 * does.  One recursive routine maps and unmaps: where an entry is wholly
 * covered and a page of its size is allowed it writes a leaf; otherwise it
 * descends, making a table, or splitting a larger page into 512 of the
 * next size with the same attributes.  Entries that reference a table
 * grant every right (the format's `table` bits), so the leaves alone
 * decide: an access needs every level's permission (Vol. 3A 4.6.1, Vol.
 * 3C 29.3.3.2).
 */
#include "mm/pt.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define PT_INDEX_BITS	9
#define PT_MEMTYPES	(1u << PT_MEMTYPE_BITS)

_Static_assert(PT_LEVELS == TABLE_TREE_LEVELS && PT_ENTRIES == TABLE_TREE_ENTRIES,
	       "the engine's trees are table_trees");

typedef unsigned long long ull;	/* for %llx */

/* The entry for addr in a table of this level. */
static unsigned pt_index(uint64_t addr, int level)
{
	return (unsigned)(addr >> (PAGE_SHIFT + PT_INDEX_BITS * (level - 1))) & (PT_ENTRIES - 1);
}

static bool entry_present(const struct pt_format *f, uint64_t entry)
{
	return (entry & f->present) != 0;
}

/* Level-4 entries always reference a table; levels 3 and 2 unless bit 7
 * makes them a page; level-1 entries never. */
static bool entry_is_table(const struct pt_format *f, uint64_t entry, int level)
{
	return entry_present(f, entry) && level > PT_LEVEL_PT && !(entry & f->large_page);
}

static bool leaf_allowed(const struct pt_tree *t, int level)
{
	return (t->leaf_levels & PT_LEVEL_BIT(level)) != 0;
}

/* ---- attributes: rights and memory types to bits and back ---- */

static uint64_t rights_bits(const struct pt_format *f, unsigned rights)
{
	return ((rights & PT_READ) ? f->read : 0) | ((rights & PT_WRITE) ? f->write : 0) |
	       ((rights & PT_EXEC) ? f->exec : f->no_exec);
}

static uint64_t rights_mask(const struct pt_format *f)
{
	return f->read | f->write | f->exec | f->no_exec;
}

/* What a present entry grants; a right with no bit of its own comes with
 * being present. */
static unsigned rights_of(const struct pt_format *f, uint64_t entry)
{
	return (!f->read || (entry & f->read) ? PT_READ : 0) |
	       (!f->write || (entry & f->write) ? PT_WRITE : 0) |
	       ((f->exec ? (entry & f->exec) != 0 : !(entry & f->no_exec)) ? PT_EXEC : 0);
}

static uint64_t memtype_bits(const struct pt_format *f, unsigned memtype, int level)
{
	const uint8_t *bit = f->memtype_bit[level > PT_LEVEL_PT];
	uint64_t bits = 0;

	for (unsigned i = 0; i < PT_MEMTYPE_BITS; i++)
		if (memtype & (1u << i))
			bits |= 1ull << bit[i];
	return bits;
}

static unsigned memtype_of(const struct pt_format *f, uint64_t entry, int level)
{
	const uint8_t *bit = f->memtype_bit[level > PT_LEVEL_PT];
	unsigned memtype = 0;

	for (unsigned i = 0; i < PT_MEMTYPE_BITS; i++)
		if (entry & (1ull << bit[i]))
			memtype |= 1u << i;
	return memtype;
}

/* A leaf at this level, less its address; 0 (absent) without rights. */
static uint64_t leaf_bits(const struct pt_format *f, const struct pt_attrs *a, int level)
{
	if (!a->rights)
		return 0;
	return f->valid | rights_bits(f, a->rights) | memtype_bits(f, a->memtype, level) |
	       (level > PT_LEVEL_PT ? f->large_page : 0);
}

/* An entry at this level that references the table at pa (one level
 * down). */
static uint64_t table_entry(const struct pt_format *f, uint64_t pa, int level)
{
	return pa | f->table | f->valid |
	       (f->next_level_shift ? (uint64_t)(level - 1) << f->next_level_shift : 0);
}

/* The bits that tell two leaves at this level apart, the address aside. */
static uint64_t leaf_mask(const struct pt_format *f, int level)
{
	return f->split_copies | memtype_bits(f, PT_MEMTYPES - 1, level) |
	       (level > PT_LEVEL_PT ? f->large_page : 0);
}

/* Refuses (reported) what the format cannot say: a right it has no way
 * to withhold or grant shows as no present bit at all (x86 without read). */
static int check_attrs(const struct pt_tree *t, const struct pt_attrs *a)
{
	const struct pt_format *f = t->fmt;

	if ((a->rights & ~PT_RWX) || a->memtype >= PT_MEMTYPES ||
	    (a->rights && !((f->valid | rights_bits(f, a->rights)) & f->present))) {
		kprintf("skiff: %s: rights 0x%x with memory type %u cannot be said in its entries\n",
			f->name, a->rights, a->memtype);
		return -EINVAL;
	}
	return 0;
}

/* ---- table pages ---- */

static uint64_t *pt_table(const struct pt_tree *t, uint64_t pa)
{
	uint64_t *table = t->pages.to_virt(t->pages.ctx, pa);

	if (!table)
		panic("skiff: %s: table page 0x%llx has no virtual address", t->fmt->name, (ull)pa);
	return table;
}

/* A fresh, zeroed table page; 0 when memory has run out (reported). */
static uint64_t alloc_table(struct pt_tree *t)
{
	uint64_t pa = t->pages.alloc(t->pages.ctx);

	if (pa == 0) {
		kprintf("skiff: %s: out of memory for page tables (%zu pages in use)\n",
			t->fmt->name, t->table_pages);
		return 0;
	}
	if (pa & ~t->addr_mask)
		panic("skiff: %s: page allocator gave 0x%llx, not a page its entries can "
		      "reference (mask 0x%llx)", t->fmt->name, (ull)pa, (ull)t->addr_mask);
	/* Zeroed by contract; cleared again because a stale entry would map
	 * something skiff never asked for. */
	memset(pt_table(t, pa), 0, PAGE_SIZE);
	t->table_pages++;
	return pa;
}

int pt_init(struct pt_tree *t, const struct pt_format *fmt, const struct pt_pages *pages,
	    unsigned leaf_levels, uint64_t addr_mask)
{
	memset(t, 0, sizeof(*t));
	t->fmt = fmt;
	if (!pages || !pages->alloc || !pages->to_virt) {
		kprintf("skiff: %s: no page allocator given\n", fmt->name);
		return -EINVAL;
	}
	if (!(leaf_levels & PT_LEVEL_BIT(PT_LEVEL_PT)) || (leaf_levels & ~fmt->leaf_levels) ||
	    (addr_mask & ~fmt->addr_mask)) {
		kprintf("skiff: %s: pages at levels 0x%x or addresses 0x%llx asked for, the format "
			"has levels 0x%x and addresses 0x%llx\n", fmt->name, leaf_levels,
			(ull)addr_mask, fmt->leaf_levels, (ull)fmt->addr_mask);
		return -EINVAL;
	}
	t->pages = *pages;
	t->leaf_levels = leaf_levels;
	t->addr_mask = addr_mask ? addr_mask : fmt->addr_mask;
	t->root = alloc_table(t);
	return t->root ? 0 : -ENOMEM;
}

int pt_check_range(const struct pt_tree *t, uint64_t base, uint64_t size, const char *op)
{
	if (size == 0 || !is_aligned(base, PAGE_SIZE) || !is_aligned(size, PAGE_SIZE)) {
		kprintf("skiff: %s: %s of 0x%llx bytes at 0x%llx: empty or not page-aligned\n",
			t->fmt->name, op, (ull)size, (ull)base);
		return -EINVAL;
	}
	return 0;
}

/* ---- splitting and descending ---- */

/* Replaces the page in *entry by a table of 512 pages one level down that
 * map the same memory with the same attributes.  The table is filled
 * before the entry points at it, so no walk ever sees it half-built. */
static int split_page(struct pt_tree *t, uint64_t *entry, int level)
{
	const struct pt_format *f = t->fmt;
	uint64_t pa = alloc_table(t), *child, span = pt_span(level - 1);
	uint64_t leaf = (*entry & t->addr_mask & ~(pt_span(level) - 1)) |
			(*entry & f->split_copies) |
			memtype_bits(f, memtype_of(f, *entry, level), level - 1) |
			(level - 1 > PT_LEVEL_PT ? f->large_page : 0);

	if (!pa)
		return -ENOMEM;
	child = pt_table(t, pa);
	/* The 512 leaves differ only in their address: one add each. */
	for (unsigned i = 0; i < PT_ENTRIES; i++, leaf += span)
		child[i] = leaf;
	t->leaves[level]--;
	t->leaves[level - 1] += PT_ENTRIES;
	*entry = table_entry(f, pa, level);
	return 0;
}

/* The table *entry references, made first if it is absent or a page. */
static int child_of(struct pt_tree *t, uint64_t *entry, int level, uint64_t **child)
{
	if (!entry_is_table(t->fmt, *entry, level)) {
		if (entry_present(t->fmt, *entry)) {
			int rc = split_page(t, entry, level);

			if (rc)
				return rc;
		} else {
			uint64_t pa = alloc_table(t);

			if (!pa)
				return -ENOMEM;
			*entry = table_entry(t->fmt, pa, level);
		}
	}
	*child = pt_table(t, *entry & t->addr_mask);
	return 0;
}

int pt_split(struct pt_tree *t, uint64_t addr, int level)
{
	uint64_t *table = pt_table(t, t->root);

	if (level <= PT_LEVEL_PT || level > PT_LEVELS)
		panic("skiff: %s: no split at level %d", t->fmt->name, level);
	for (int l = PT_LEVELS; l >= level; l--) {
		int rc = child_of(t, &table[pt_index(addr, l)], l, &table);

		if (rc)
			return rc;
	}
	return 0;
}

/* ---- map, unmap, protect ---- */

/* Where the part of [addr, end) in the entry that covers addr ends. */
static uint64_t part_end(uint64_t addr, uint64_t end, uint64_t span)
{
	uint64_t next = align_down(addr, span) + span;

	return next < end ? next : end;
}

/* What set_range() and protect_range() are: a change to [base, end)
 * inside what table (at level) covers, as arg says. */
typedef int (*range_fn)(struct pt_tree *t, uint64_t *table, int level, uint64_t base,
			uint64_t end, const void *arg);

/* Changes [addr, next), a part of what *entry covers, a level down, after
 * making the table *entry references or splitting the page it maps. */
static int descend(struct pt_tree *t, uint64_t *entry, int level, uint64_t addr, uint64_t next,
		   range_fn change, const void *arg)
{
	uint64_t *child;
	int rc = child_of(t, entry, level, &child);

	return rc ? rc : change(t, child, level - 1, addr, next, arg);
}

/* Writes leaves (absent entries when leaf is 0) from entry, which maps
 * addr, on: over every entry that [addr, end) covers whole and that is not
 * a table.  Returns the address where it stopped.  A loop of its own,
 * because an identity map writes thousands of leaves in a row; the
 * format's bits are read into locals, which the stores to entry[] could
 * otherwise alias, and in a page table `page` is every bit (no entry there
 * references a table). */
static uint64_t write_leaves(struct pt_tree *t, uint64_t *entry, int level, uint64_t addr,
			     uint64_t end, uint64_t leaf)
{
	uint64_t present = t->fmt->present;
	uint64_t page = level > PT_LEVEL_PT ? t->fmt->large_page : ~0ull;
	uint64_t span = pt_span(level), whole = (end - addr) / span, i;
	uint64_t value = leaf ? addr | leaf : 0, step = leaf ? span : 0;
	size_t removed = 0;

	for (i = 0; i < whole; i++, value += step) {
		uint64_t old = entry[i];

		if ((old & present) && !(old & page))
			break;		/* a table: sorted out a level down */
		removed += (old & present) != 0;
		entry[i] = value;
	}
	t->leaves[level] += (leaf ? i : 0) - removed;
	return addr + i * span;
}

/* Makes [base, end), inside what table (at level) covers, leaves with the
 * struct pt_attrs at arg. */
static int set_range(struct pt_tree *t, uint64_t *table, int level, uint64_t base,
		     uint64_t end, const void *arg)
{
	const struct pt_attrs *a = arg;
	uint64_t span = pt_span(level), addr, next;
	uint64_t leaf = leaf_bits(t->fmt, a, level);
	int rc;

	for (addr = base; addr < end; addr = next) {
		uint64_t *entry = &table[pt_index(addr, level)];

		if (leaf_allowed(t, level) && is_aligned(addr, span)) {
			next = write_leaves(t, entry, level, addr, end, leaf);
			if (next != addr)
				continue;
		}
		/* A part of an entry, or an entry that is a table. */
		next = part_end(addr, end, span);
		/* A page (or nothing) that already is what was asked for:
		 * every leaf maps its own address, so it stays whole. */
		if (!entry_is_table(t->fmt, *entry, level) &&
		    (*entry & leaf_mask(t->fmt, level)) == leaf)
			continue;
		rc = descend(t, entry, level, addr, next, set_range, a);
		if (rc)
			return rc;
	}
	return 0;
}

int pt_map(struct pt_tree *t, uint64_t base, uint64_t size, const struct pt_attrs *a)
{
	int rc = check_attrs(t, a);

	if (rc)
		return rc;
	return set_range(t, pt_table(t, t->root), PT_LEVELS, base, base + size, a);
}

int pt_unmap(struct pt_tree *t, uint64_t base, uint64_t size)
{
	static const struct pt_attrs absent = { 0 };

	return set_range(t, pt_table(t, t->root), PT_LEVELS, base, base + size, &absent);
}

/* Gives the present leaves in [base, end) the rights bits at arg (a
 * uint64_t). */
static int protect_range(struct pt_tree *t, uint64_t *table, int level, uint64_t base,
			 uint64_t end, const void *arg)
{
	uint64_t span = pt_span(level), rmask = rights_mask(t->fmt), rbits = *(const uint64_t *)arg;
	uint64_t addr, next;
	int rc;

	for (addr = base; addr < end; addr = next) {
		uint64_t *entry = &table[pt_index(addr, level)];

		next = part_end(addr, end, span);
		if (!entry_present(t->fmt, *entry))
			continue;
		/* A page covered whole, or one that has the rights already,
		 * takes them in place; a table, or a part of a page to change,
		 * is sorted out a level down. */
		if (!entry_is_table(t->fmt, *entry, level) &&
		    (next - addr == span || (*entry & rmask) == rbits)) {
			*entry = (*entry & ~rmask) | rbits;
			continue;
		}
		rc = descend(t, entry, level, addr, next, protect_range, arg);
		if (rc)
			return rc;
	}
	return 0;
}

int pt_protect(struct pt_tree *t, uint64_t base, uint64_t size, unsigned rights)
{
	struct pt_attrs a = { .rights = rights };
	int rc = check_attrs(t, &a);
	uint64_t rbits;

	if (rc == 0 && !rights) {
		kprintf("skiff: %s: protect with no rights (unmap makes pages absent)\n",
			t->fmt->name);
		rc = -EINVAL;
	}
	if (rc)
		return rc;
	rbits = rights_bits(t->fmt, rights);
	return protect_range(t, pt_table(t, t->root), PT_LEVELS, base, base + size, &rbits);
}

/* ---- reading the tree ---- */

void pt_lookup(const struct pt_tree *t, uint64_t addr, struct pt_leaf *out)
{
	const struct pt_format *f = t->fmt;
	const uint64_t *table = pt_table(t, t->root);
	unsigned rights = PT_RWX;

	memset(out, 0, sizeof(*out));
	for (int level = PT_LEVELS; level >= PT_LEVEL_PT; level--) {
		uint64_t entry = table[pt_index(addr, level)], span = pt_span(level);

		if (!entry_present(f, entry))
			return;
		rights &= rights_of(f, entry);
		if (!entry_is_table(f, entry, level)) {
			out->present = true;
			out->entry = entry;
			out->level = level;
			out->page_size = span;
			out->pa = (entry & t->addr_mask & ~(span - 1)) | (addr & (span - 1));
			out->rights = rights;
			out->memtype = memtype_of(f, entry, level);
			return;
		}
		table = pt_table(t, entry & t->addr_mask);
	}
}

struct leaf_walk {
	const struct pt_tree *t;
	pt_leaf_fn visit;
	void *arg;
};

/*
 * Visits the present entries of one table; rights are what the levels
 * above grant.  Neighbouring leaves with the same rights bits go to visit
 * as one run, so that each of up to 512 costs a few instructions: the
 * format's bits are read into locals, and in a page table, where every
 * present entry is a leaf, `page` is every bit, as in table_tree.c.
 */
static void leaves_below(const struct leaf_walk *w, uint64_t table_pa, int level, uint64_t base,
			 unsigned rights)
{
	const struct pt_format *f = w->t->fmt;
	const uint64_t *table = pt_table(w->t, table_pa);
	uint64_t span = pt_span(level), present = f->present, rmask = rights_mask(f);
	uint64_t page = level > PT_LEVEL_PT ? f->large_page : ~0ull, run_bits = 0;
	size_t run = 0, start = 0;

	for (size_t i = 0; i <= PT_ENTRIES; i++) {
		uint64_t entry = i < PT_ENTRIES ? table[i] : 0;

		if (run && (entry & present) && (entry & page) && (entry & rmask) == run_bits) {
			run++;
			continue;
		}
		if (run)
			w->visit(w->arg, base + start * span, level, run,
				 rights & rights_of(f, run_bits));
		run = 0;
		if (!(entry & present))
			continue;
		if (entry & page) {
			run = 1;
			start = i;
			run_bits = entry & rmask;
		} else {
			leaves_below(w, entry & w->t->addr_mask, level - 1, base + i * span,
				     rights & rights_of(f, entry));
		}
	}
}

void pt_for_each_leaf(const struct pt_tree *t, pt_leaf_fn visit, void *arg)
{
	struct leaf_walk w = { .t = t, .visit = visit, .arg = arg };

	leaves_below(&w, t->root, PT_LEVELS, 0, PT_RWX);
}

int pt_walk_tables(const struct pt_tree *t, uint64_t cpu_table_bits, uint64_t cpu_leaf_bits,
		   table_visit_fn visit, void *arg)
{
	struct table_tree tree = {
		.root = t->root,
		.present = t->fmt->present,
		.addr_mask = t->addr_mask,
		.cpu_table_bits = cpu_table_bits,
		.cpu_leaf_bits = cpu_leaf_bits,
		.max_pages = t->table_pages,
		.to_virt = t->pages.to_virt,
		.ctx = t->pages.ctx,
	};

	if (t->fmt->large_page != TABLE_TREE_LARGE_PAGE)
		panic("skiff: %s: large-page bit 0x%llx is not the walk's", t->fmt->name,
		      (ull)t->fmt->large_page);
	return table_tree_walk(&tree, visit, arg);
}

/* ---- filling by class ---- */

struct fill {
	pt_classify_fn classify;
	void *arg;
};

static int fill_block(struct pt_tree *t, const struct fill *fl, uint64_t *table, int level,
		      uint64_t base, uint64_t end);

/* [base, end) inside what table (at level) covers: mapped with *a, or,
 * when a is NULL (mixed), halved on entry boundaries down to single
 * entries, each of which gets a table and is sorted out a level down. */
static int fill_range(struct pt_tree *t, const struct fill *fl, uint64_t *table, int level,
		      uint64_t base, uint64_t end, const struct pt_attrs *a)
{
	uint64_t span = pt_span(level), mid, *child;
	int rc;

	if (a)
		return set_range(t, table, level, base, end, a);
	if (end - base > span) {
		mid = align_down(base + (end - base) / 2, span);
		if (mid == base)
			mid = base + span;
		rc = fill_block(t, fl, table, level, base, mid);
		if (rc == 0)
			rc = fill_block(t, fl, table, level, mid, end);
		return rc;
	}
	if (level == PT_LEVEL_PT)
		panic("skiff: %s: the page at 0x%llx has no single class", t->fmt->name, (ull)base);
	rc = child_of(t, &table[pt_index(base, level)], level, &child);
	if (rc == 0)
		rc = fill_range(t, fl, child, level - 1, base, end, NULL);
	return rc;
}

/* Asks what [base, end) is, then fills it. */
static int fill_block(struct pt_tree *t, const struct fill *fl, uint64_t *table, int level,
		      uint64_t base, uint64_t end)
{
	struct pt_attrs a;
	bool one = fl->classify(fl->arg, base, end, &a);

	if (one && check_attrs(t, &a))
		panic("skiff: %s: [0x%llx, 0x%llx) classed as what no entry can say",
		      t->fmt->name, (ull)base, (ull)end);
	return fill_range(t, fl, table, level, base, end, one ? &a : NULL);
}

/* Frees the tables below table (at level), not table itself. */
static void free_below(struct pt_tree *t, uint64_t *table, int level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t pa = table[i] & t->addr_mask;

		if (!entry_is_table(t->fmt, table[i], level))
			continue;
		free_below(t, pt_table(t, pa), level - 1);
		table[i] = 0;
		t->pages.free(t->pages.ctx, pa);
		t->table_pages--;
	}
}

void pt_clear(struct pt_tree *t)
{
	if (!t->pages.free)
		panic("skiff: %s: pt_clear() without a way to free pages", t->fmt->name);
	free_below(t, pt_table(t, t->root), PT_LEVELS);
	memset(pt_table(t, t->root), 0, PAGE_SIZE);
	memset(t->leaves, 0, sizeof(t->leaves));
}

int pt_fill(struct pt_tree *t, uint64_t base, uint64_t end, pt_classify_fn classify, void *arg)
{
	struct fill fl = { .classify = classify, .arg = arg };

	return fill_block(t, &fl, pt_table(t, t->root), PT_LEVELS, base, end);
}
