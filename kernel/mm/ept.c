/*
 * EPT builder, from the Intel SDM Vol. 3C 29.3 ("The Extended Page Table
 * Mechanism"), 25.6.11 (EPTP) and Vol. 3D A.10 (capabilities).
 *
 * Levels are EPT_LEVEL_PML4 (4) down to EPT_LEVEL_PT (1); a leaf in the
 * PDPT maps 1 GiB, in the page directory 2 MiB.  One recursive routine both
 * maps and unmaps: it writes a leaf wherever an entry is wholly covered and
 * a page of that size is allowed, and otherwise descends, creating a table
 * or splitting a large page into 512 smaller ones of the same attributes.
 *
 * Nothing here flushes the CPU's cached translations: changing a live EPT
 * is followed by INVEPT, which is the vmx layer's to issue.
 */
#include "mm/ept.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define EPT_INDEX_BITS	9
#define EPT_MIN_WIDTH	32
#define EPT_MAX_WIDTH	52

/* Non-leaf entries allow everything: an access is allowed only if every
 * entry on its path allows it (SDM 29.3.3.2), so the leaves decide. */
#define EPT_TABLE_ATTRS	EPT_RWX
/* What a split copies from a large page into its 512 parts. */
#define EPT_LEAF_ATTRS	(EPT_RWX | EPT_MEMTYPE_MASK | EPT_IGNORE_PAT)

typedef unsigned long long ull;	/* for %llx */

/* Bytes one entry at this level covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static uint64_t level_span(int level)
{
	return 1ull << (PAGE_SHIFT + EPT_INDEX_BITS * (level - 1));
}

/* The entry for gpa in a table of this level (SDM 29.3.2: bits 47:39,
 * 38:30, 29:21, 20:12 of the guest-physical address). */
static unsigned level_index(uint64_t gpa, int level)
{
	return (unsigned)(gpa >> (PAGE_SHIFT + EPT_INDEX_BITS * (level - 1))) & (EPT_ENTRIES - 1);
}

/* SDM 29.3.2: an entry is not present when bits 2:0 are all 0. */
static bool entry_present(uint64_t entry)
{
	return (entry & EPT_RWX) != 0;
}

/* PML4 entries always reference a table; PDPTEs and PDEs unless bit 7 is
 * set; PTEs never. */
static bool entry_is_table(uint64_t entry, int level)
{
	return entry_present(entry) && level > EPT_LEVEL_PT && !(entry & EPT_LARGE_PAGE);
}

static bool ept_leaf_allowed(const struct ept *e, int level)
{
	switch (level) {
	case EPT_LEVEL_PT:
		return true;
	case EPT_LEVEL_PD:
		return e->caps.pages_2m;
	case EPT_LEVEL_PDPT:
		return e->caps.pages_1g;
	default:
		return false;	/* a PML4 entry cannot map a page */
	}
}

struct ept_caps ept_caps_decode(uint64_t msr)
{
	struct ept_caps c = {
		.execute_only = (msr & EPT_CAP_EXECUTE_ONLY) != 0,
		.walk_length_4 = (msr & EPT_CAP_WALK_LENGTH_4) != 0,
		.walk_length_5 = (msr & EPT_CAP_WALK_LENGTH_5) != 0,
		.memtype_uc = (msr & EPT_CAP_MEMTYPE_UC) != 0,
		.memtype_wb = (msr & EPT_CAP_MEMTYPE_WB) != 0,
		.pages_2m = (msr & EPT_CAP_PAGE_2M) != 0,
		.pages_1g = (msr & EPT_CAP_PAGE_1G) != 0,
		.ad_flags = (msr & EPT_CAP_AD_FLAGS) != 0,
		.invept = (msr & EPT_CAP_INVEPT) != 0,
		.invept_single = (msr & EPT_CAP_INVEPT_SINGLE) != 0,
		.invept_all = (msr & EPT_CAP_INVEPT_ALL) != 0,
	};

	return c;
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

void ept_caps_describe(const struct ept_caps *c)
{
	kprintf("skiff: ept: caps: 4-level walk %s, EPTP memory types%s%s%s, pages 4K%s%s, "
		"A/D flags %s, INVEPT %s%s%s, execute-only %s\n",
		yes_no(c->walk_length_4), c->memtype_uc ? " UC" : "",
		c->memtype_wb ? " WB" : "", c->memtype_uc || c->memtype_wb ? "" : " none",
		c->pages_2m ? " 2M" : "", c->pages_1g ? " 1G" : "", yes_no(c->ad_flags),
		yes_no(c->invept), c->invept_single ? " single-context" : "",
		c->invept_all ? " all-context" : "", yes_no(c->execute_only));
}

static uint64_t *ept_table(const struct ept *e, uint64_t pa)
{
	uint64_t *table = e->pages.to_virt(e->pages.ctx, pa);

	if (!table)
		panic("skiff: ept: table page 0x%llx has no virtual address", (ull)pa);
	return table;
}

/* A fresh, zeroed table page; 0 when memory has run out (reported). */
static uint64_t ept_alloc_table(struct ept *e)
{
	uint64_t pa = e->pages.alloc(e->pages.ctx);

	if (pa == 0) {
		kprintf("skiff: ept: out of memory for page tables (%zu pages in use)\n",
			e->table_pages);
		return 0;
	}
	if (!is_aligned(pa, PAGE_SIZE) || (pa & ~e->addr_mask))
		panic("skiff: ept: page allocator gave 0x%llx, not a page below 2^%u",
		      (ull)pa, e->caps.phys_addr_width);
	/* Zeroed by contract; cleared again because a stale entry would hand
	 * the guest memory that skiff keeps. */
	memset(ept_table(e, pa), 0, PAGE_SIZE);
	e->table_pages++;
	return pa;
}

int ept_init(struct ept *e, const struct ept_caps *caps, const struct ept_pages *pages)
{
	unsigned width = caps->phys_addr_width;

	memset(e, 0, sizeof(*e));
	if (!pages || !pages->alloc || !pages->to_virt) {
		kprintf("skiff: ept: no page allocator given\n");
		return -EINVAL;
	}
	if (!caps->walk_length_4) {
		kprintf("skiff: ept: the CPU cannot walk 4-level EPT tables "
			"(IA32_VMX_EPT_VPID_CAP bit 6 clear)\n");
		return -ENOTSUP;
	}
	if (!caps->memtype_wb && !caps->memtype_uc) {
		kprintf("skiff: ept: the CPU allows neither WB nor UC for the EPT tables "
			"(IA32_VMX_EPT_VPID_CAP bits 14 and 8 clear)\n");
		return -ENOTSUP;
	}
	if (width < EPT_MIN_WIDTH || width > EPT_MAX_WIDTH) {
		kprintf("skiff: ept: physical-address width %u not in [%u, %u] "
			"(set ept_caps.phys_addr_width from CPUID.80000008H:EAX[7:0])\n",
			width, EPT_MIN_WIDTH, EPT_MAX_WIDTH);
		return -EINVAL;
	}
	e->caps = *caps;
	e->pages = *pages;
	e->addr_mask = EPT_ADDR_MASK(width);
	e->reach = 1ull << (width < EPT_GPA_WIDTH ? width : EPT_GPA_WIDTH);
	e->eptp_memtype = caps->memtype_wb ? MTRR_TYPE_WB : MTRR_TYPE_UC;
	e->pml4 = ept_alloc_table(e);
	return e->pml4 ? 0 : -ENOMEM;
}

int ept_enable_ad(struct ept *e)
{
	if (!e->caps.ad_flags) {
		kprintf("skiff: ept: the CPU has no EPT accessed/dirty flags "
			"(IA32_VMX_EPT_VPID_CAP bit 21 clear)\n");
		return -ENOTSUP;
	}
	e->ad_enabled = true;
	return 0;
}

uint64_t ept_pointer(const struct ept *e)
{
	return e->pml4 | e->eptp_memtype |
	       ((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT) |
	       (e->ad_enabled ? EPTP_AD_ENABLE : 0);
}

/* Replaces the large page in *entry by a table of 512 pages one level down
 * that map the same memory with the same attributes; the table is filled
 * before the entry points at it. */
static int ept_split(struct ept *e, uint64_t *entry, int level)
{
	uint64_t pa = ept_alloc_table(e), *child, span = level_span(level - 1);
	uint64_t attrs = *entry & EPT_LEAF_ATTRS;
	uint64_t base = *entry & e->addr_mask & ~(level_span(level) - 1);
	unsigned i;

	if (!pa)
		return -ENOMEM;
	child = ept_table(e, pa);
	for (i = 0; i < EPT_ENTRIES; i++)
		child[i] = (base + i * span) | attrs |
			   (level - 1 > EPT_LEVEL_PT ? EPT_LARGE_PAGE : 0);
	e->leaves[level]--;
	e->leaves[level - 1] += EPT_ENTRIES;
	*entry = pa | EPT_TABLE_ATTRS;
	return 0;
}

/* The table *entry references, made first if it is absent or a page. */
static int ept_child(struct ept *e, uint64_t *entry, int level, uint64_t **child)
{
	if (!entry_is_table(*entry, level)) {
		if (entry_present(*entry)) {
			int rc = ept_split(e, entry, level);

			if (rc)
				return rc;
		} else {
			uint64_t pa = ept_alloc_table(e);

			if (!pa)
				return -ENOMEM;
			*entry = pa | EPT_TABLE_ATTRS;
		}
	}
	*child = ept_table(e, *entry & e->addr_mask);
	return 0;
}

/* Writes leaves with attrs (absent entries when attrs is 0) from entry,
 * which maps addr, on: over every entry that [addr, end) covers whole and
 * that is not a table.  Returns the address where it stopped.  A loop of
 * its own, because an identity map writes thousands of leaves in a row. */
static uint64_t ept_write_leaves(struct ept *e, uint64_t *entry, int level, uint64_t addr,
				 uint64_t end, uint64_t attrs)
{
	uint64_t span = level_span(level), whole = (end - addr) / span, i;
	uint64_t value = attrs ? addr | attrs | (level > EPT_LEVEL_PT ? EPT_LARGE_PAGE : 0) : 0;
	uint64_t step = attrs ? span : 0;
	size_t removed = 0;

	for (i = 0; i < whole && !entry_is_table(entry[i], level); i++, value += step) {
		removed += entry_present(entry[i]);
		entry[i] = value;
	}
	e->leaves[level] += (attrs ? i : 0) - removed;
	return addr + i * span;
}

/* Makes [base, end), inside what table (at level) covers, leaves with
 * attrs, or absent when attrs is 0. */
static int ept_set_range(struct ept *e, uint64_t *table, int level, uint64_t base,
			 uint64_t end, uint64_t attrs)
{
	uint64_t span = level_span(level), addr, next, *child;
	int rc;

	for (addr = base; addr < end; addr = next) {
		uint64_t *entry = &table[level_index(addr, level)];

		if (ept_leaf_allowed(e, level) && is_aligned(addr, span)) {
			next = ept_write_leaves(e, entry, level, addr, end, attrs);
			if (next != addr)
				continue;
		}
		/* A part of an entry, or an entry that is a table. */
		next = align_down(addr, span) + span;
		if (next > end)
			next = end;
		if (!entry_present(*entry) && !attrs)
			continue;		/* already absent */
		rc = ept_child(e, entry, level, &child);
		if (rc == 0)
			rc = ept_set_range(e, child, level - 1, addr, next, attrs);
		if (rc)
			return rc;
	}
	return 0;
}

static int ept_check_range(const struct ept *e, uint64_t base, uint64_t size, const char *op)
{
	if (size == 0 || !is_aligned(base, PAGE_SIZE) || !is_aligned(size, PAGE_SIZE)) {
		kprintf("skiff: ept: %s of 0x%llx bytes at 0x%llx: empty or not page-aligned\n",
			op, (ull)size, (ull)base);
		return -EINVAL;
	}
	if (base >= e->reach || size > e->reach - base) {
		kprintf("skiff: ept: %s of 0x%llx bytes at 0x%llx: beyond the EPT's reach (0x%llx)\n",
			op, (ull)size, (ull)base, (ull)e->reach);
		return -ERANGE;
	}
	return 0;
}

/* The rules of SDM 29.3.3.1 that a leaf must keep to not be an EPT
 * misconfiguration. */
static int ept_check_attrs(const struct ept *e, int memtype, unsigned perms)
{
	if (!mtrr_type_valid(memtype)) {
		kprintf("skiff: ept: memory type %d is reserved\n", memtype);
		return -EINVAL;
	}
	if (perms == 0 || (perms & ~EPT_RWX)) {
		kprintf("skiff: ept: permissions 0x%x are not a non-empty set of "
			"read, write, execute (ept_unmap makes pages absent)\n", perms);
		return -EINVAL;
	}
	if ((perms & EPT_WRITE) && !(perms & EPT_READ)) {
		kprintf("skiff: ept: write without read is an EPT misconfiguration\n");
		return -EINVAL;
	}
	if (perms == EPT_EXECUTE && !e->caps.execute_only) {
		kprintf("skiff: ept: the CPU has no execute-only pages "
			"(IA32_VMX_EPT_VPID_CAP bit 0 clear)\n");
		return -ENOTSUP;
	}
	return 0;
}

int ept_map(struct ept *e, uint64_t base, uint64_t size, int memtype, unsigned perms)
{
	int rc = ept_check_range(e, base, size, "map");

	if (rc == 0)
		rc = ept_check_attrs(e, memtype, perms);
	if (rc)
		return rc;
	return ept_set_range(e, ept_table(e, e->pml4), EPT_LEVEL_PML4, base, base + size,
			     perms | ((uint64_t)memtype << EPT_MEMTYPE_SHIFT));
}

int ept_unmap(struct ept *e, uint64_t base, uint64_t size)
{
	int rc = ept_check_range(e, base, size, "unmap");

	if (rc)
		return rc;
	return ept_set_range(e, ept_table(e, e->pml4), EPT_LEVEL_PML4, base, base + size, 0);
}

static void ept_fill_translation(const struct ept *e, uint64_t entry, int level,
				 uint64_t gpa, struct ept_translation *out)
{
	uint64_t span = level_span(level);

	out->present = true;
	out->page_size = span;
	out->hpa = (entry & e->addr_mask & ~(span - 1)) | (gpa & (span - 1));
	out->memtype = (int)((entry & EPT_MEMTYPE_MASK) >> EPT_MEMTYPE_SHIFT);
	out->perms = (unsigned)(entry & EPT_RWX);
	out->ignore_pat = (entry & EPT_IGNORE_PAT) != 0;
}

int ept_lookup(const struct ept *e, uint64_t gpa, struct ept_translation *out)
{
	const uint64_t *table = ept_table(e, e->pml4);
	int level;

	memset(out, 0, sizeof(*out));
	if (gpa >= e->reach) {
		kprintf("skiff: ept: lookup of 0x%llx: beyond the EPT's reach (0x%llx)\n",
			(ull)gpa, (ull)e->reach);
		return -ERANGE;
	}
	for (level = EPT_LEVEL_PML4; level >= EPT_LEVEL_PT; level--) {
		uint64_t entry = table[level_index(gpa, level)];

		if (!entry_present(entry))
			return 0;
		if (!entry_is_table(entry, level)) {
			ept_fill_translation(e, entry, level, gpa, out);
			return 0;
		}
		table = ept_table(e, entry & e->addr_mask);
	}
	return 0;	/* not reached: a PTE is always a leaf */
}

size_t ept_table_pages(const struct ept *e)
{
	return e->table_pages;
}

size_t ept_leaf_count(const struct ept *e, uint64_t page_size)
{
	int level;

	for (level = EPT_LEVEL_PT; level < EPT_LEVEL_PML4; level++)
		if (level_span(level) == page_size)
			return e->leaves[level];
	return 0;
}

void ept_describe(const struct ept *e)
{
	kprintf("skiff: ept: %zu table pages (%zu KiB); pages mapped: %zu x 1G, %zu x 2M, %zu x 4K\n",
		e->table_pages, e->table_pages * (size_t)(PAGE_SIZE / 1024),
		e->leaves[EPT_LEVEL_PDPT], e->leaves[EPT_LEVEL_PD], e->leaves[EPT_LEVEL_PT]);
}

/* ---- the whole tree, for the integrity check ---- */

_Static_assert(EPT_LEVELS == TABLE_TREE_LEVELS && EPT_ENTRIES == TABLE_TREE_ENTRIES &&
	       EPT_LARGE_PAGE == TABLE_TREE_LARGE_PAGE, "the EPT is a table_tree");

int ept_walk_tables(const struct ept *e, table_visit_fn visit, void *arg)
{
	/* Without A/D in the EPTP the CPU ignores bits 8 and 9 and never
	 * writes them: then they count like any other. */
	uint64_t accessed = e->ad_enabled ? EPT_ACCESSED : 0;
	uint64_t dirty = e->ad_enabled ? EPT_DIRTY : 0;
	struct table_tree t = {
		.root = e->pml4,
		.present = EPT_RWX,
		.addr_mask = e->addr_mask,
		.cpu_table_bits = accessed,
		.cpu_leaf_bits = accessed | dirty,
		.max_pages = e->table_pages,
		.to_virt = e->pages.to_virt,
		.ctx = e->pages.ctx,
	};

	return table_tree_walk(&t, visit, arg);
}

/* ---- the identity map skiff gives its guest ---- */

struct ept_identity {
	const struct phys_range *ram, *keep;
	size_t nram, nkeep;
	const struct mtrr_state *mtrr;	/* NULL: no MTRRs */
};

enum cover { COVER_NONE, COVER_PART, COVER_ALL };

/* How ranges (in any order, possibly overlapping) cover [base, end): all
 * when a single range holds it. */
static enum cover cover_of(const struct phys_range *r, size_t n, uint64_t base, uint64_t end)
{
	enum cover c = COVER_NONE;
	size_t i;

	for (i = 0; i < n; i++) {
		if (r[i].end <= r[i].base || r[i].base >= end || r[i].end <= base)
			continue;
		if (r[i].base <= base && r[i].end >= end)
			return COVER_ALL;
		c = COVER_PART;
	}
	return c;
}

/* Memory type of the block, or MTRR_MIXED when it has more than one. */
static int ept_identity_type(const struct ept_identity *id, uint64_t base, uint64_t size)
{
	if (id->mtrr)
		return mtrr_type_of_range(id->mtrr, base, size);
	switch (cover_of(id->ram, id->nram, base, base + size)) {
	case COVER_ALL:
		return MTRR_TYPE_WB;
	case COVER_NONE:
		return MTRR_TYPE_UC;
	default:
		/* A page only partly RAM may hold device registers. */
		return size == PAGE_SIZE ? MTRR_TYPE_UC : MTRR_MIXED;
	}
}

/* identity_class(): skiff keeps the whole block, so it stays absent.
 * Apart from MTRR_MIXED, the other classes are memory types (>= 0). */
#define IDENTITY_ABSENT	(-2)

/* What [base, end) becomes: absent, one memory type, or MTRR_MIXED. */
static int identity_class(const struct ept_identity *id, uint64_t base, uint64_t end)
{
	int type;

	switch (cover_of(id->keep, id->nkeep, base, end)) {
	case COVER_ALL:
		return IDENTITY_ABSENT;
	case COVER_PART:
		/* A page only partly kept is absent: the guest never sees skiff's data. */
		return end - base == PAGE_SIZE ? IDENTITY_ABSENT : MTRR_MIXED;
	default:
		type = ept_identity_type(id, base, end - base);
		return type < 0 && type != MTRR_MIXED ? MTRR_TYPE_UC : type;
	}
}

/*
 * Maps [base, end), inside what table (at level) covers, as its class cls
 * says.  A block of one class is a single ept_set_range(), which takes the
 * largest pages alignment allows.  A mixed block wider than one entry is
 * halved on entry boundaries until each part is of one class or a single
 * entry; a mixed entry gets a table and is sorted out one level down.  So
 * classes are asked of a few blocks around each place where the owner or
 * the memory type changes, not of every page.  A single page is never
 * mixed (identity_class()), so the descent ends at the page tables.
 */
static int identity_fill(struct ept *e, const struct ept_identity *id, uint64_t *table,
			 int level, uint64_t base, uint64_t end, int cls)
{
	uint64_t span = level_span(level), mid, *child;
	int rc;

	if (cls == IDENTITY_ABSENT)
		return ept_set_range(e, table, level, base, end, 0);
	if (cls != MTRR_MIXED)
		return ept_set_range(e, table, level, base, end,
				     EPT_RWX | ((uint64_t)cls << EPT_MEMTYPE_SHIFT));
	if (end - base > span) {
		mid = align_down(base + (end - base) / 2, span);
		if (mid == base)
			mid = base + span;
		rc = identity_fill(e, id, table, level, base, mid, identity_class(id, base, mid));
		if (rc == 0)
			rc = identity_fill(e, id, table, level, mid, end, identity_class(id, mid, end));
		return rc;
	}
	if (level == EPT_LEVEL_PT)
		panic("skiff: ept: the page at 0x%llx has no single class", (ull)base);
	rc = ept_child(e, &table[level_index(base, level)], level, &child);
	if (rc == 0)
		rc = identity_fill(e, id, child, level - 1, base, end, MTRR_MIXED);
	return rc;
}

int ept_map_identity(struct ept *e, const struct phys_range *ram, size_t nram,
		     const struct phys_range *keep, size_t nkeep, uint64_t limit,
		     const struct mtrr_state *mtrr)
{
	struct ept_identity id = {
		.ram = ram, .nram = nram, .keep = keep, .nkeep = nkeep,
		.mtrr = mtrr && mtrr->present ? mtrr : NULL,
	};

	if (limit == 0 || limit > e->reach) {
		kprintf("skiff: ept: identity map up to 0x%llx: not in (0, 0x%llx]\n",
			(ull)limit, (ull)e->reach);
		return limit == 0 ? -EINVAL : -ERANGE;
	}
	limit = align_up(limit, PAGE_SIZE);
	if (id.mtrr && !id.mtrr->enabled)
		kprintf("skiff: ept: the firmware left the MTRRs disabled: all guest memory is UC, "
			"as it would be on bare metal (SDM Vol. 3A 12.11.2.1)\n");
	return identity_fill(e, &id, ept_table(e, e->pml4), EPT_LEVEL_PML4, 0, limit,
			     identity_class(&id, 0, limit));
}
