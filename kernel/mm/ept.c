/*
 * EPT builder, from the Intel SDM Vol. 3C 29.3 ("The Extended Page Table
 * Mechanism"), 25.6.11 (EPTP) and Vol. 3D A.10 (capabilities).
 *
 * The tree itself is the page-table engine's (pt.c); this file says what
 * an EPT entry is, what the CPU allows of it, and skiff's policy: the
 * guest's identity map, without skiff's pages, in the memory types the
 * MTRRs give.
 *
 * Nothing here flushes the CPU's cached translations: changing a live EPT
 * is followed by INVEPT, which is the vmx layer's to issue.
 */
#include "mm/ept.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define EPT_MIN_WIDTH	32
#define EPT_MAX_WIDTH	52

/*
 * SDM 29.3.2 (Tables 29-1 to 29-6): bits 2:0 grant read, write and
 * execute, and an entry with none of them is not present; a leaf's memory
 * type is bits 5:3 at every level.  Entries that reference a table grant
 * everything, so the leaves decide (an access needs every entry on its
 * path to allow it, 29.3.3.2).  A 4-level EPT maps 1 GiB pages at most:
 * bit 7 of a PML4E is reserved.  A split keeps ignore-PAT and the
 * user-execute bit (mode-based execute control) as well.
 */
const struct pt_format ept_format = {
	.name = "ept",
	.present = EPT_RWX,
	.read = EPT_READ,
	.write = EPT_WRITE,
	.exec = EPT_EXECUTE,
	.table = EPT_RWX,
	.large_page = EPT_LARGE_PAGE,
	.leaf_levels = PT_LEVEL_BIT(EPT_LEVEL_PT) | PT_LEVEL_BIT(EPT_LEVEL_PD) |
		       PT_LEVEL_BIT(EPT_LEVEL_PDPT),
	.memtype_bit = { { 3, 4, 5 }, { 3, 4, 5 } },
	.split_copies = EPT_RWX | EPT_IGNORE_PAT | EPT_USER_EXECUTE,
	.addr_mask = EPT_ADDR_MASK(EPT_MAX_WIDTH),
};

_Static_assert(EPT_MEMTYPE_SHIFT == 3 && EPT_MEMTYPE_MASK == 7ull << 3,
	       "ept_format.memtype_bit says where the memory type goes");
/* ept_map()'s perms and ept_translation.perms are the engine's rights. */
_Static_assert(EPT_READ == PT_READ && EPT_WRITE == PT_WRITE && EPT_EXECUTE == PT_EXEC,
	       "EPT permission bits are the engine's rights, bit for bit");
_Static_assert(EPT_LEVELS == PT_LEVELS && EPT_ENTRIES == PT_ENTRIES &&
	       EPT_LARGE_PAGE == TABLE_TREE_LARGE_PAGE, "the EPT is a table_tree");

typedef unsigned long long ull;	/* for %llx */

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

int ept_init(struct ept *e, const struct ept_caps *caps, const struct pt_pages *pages)
{
	unsigned width = caps->phys_addr_width;

	unsigned levels = PT_LEVEL_BIT(EPT_LEVEL_PT) |
			  (caps->pages_2m ? PT_LEVEL_BIT(EPT_LEVEL_PD) : 0) |
			  (caps->pages_1g ? PT_LEVEL_BIT(EPT_LEVEL_PDPT) : 0);

	memset(e, 0, sizeof(*e));
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
	e->reach = 1ull << (width < EPT_GPA_WIDTH ? width : EPT_GPA_WIDTH);
	e->eptp_memtype = caps->memtype_wb ? MTRR_TYPE_WB : MTRR_TYPE_UC;
	return pt_init(&e->pt, &ept_format, pages, levels, EPT_ADDR_MASK(width));
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
	/* LAB 3 BEGIN: ept_pointer(): the EPTP: the root table, its memory type, the walk length */
	return e->pt.root | e->eptp_memtype |
	       ((uint64_t)(EPT_LEVELS - 1) << EPTP_WALK_LENGTH_SHIFT) |
	       (e->ad_enabled ? EPTP_AD_ENABLE : 0);
	/* LAB 3 END */
}

static int ept_check_range(const struct ept *e, uint64_t base, uint64_t size, const char *op)
{
	int rc = pt_check_range(&e->pt, base, size, op);

	if (rc == 0 && (base >= e->reach || size > e->reach - base)) {
		kprintf("skiff: ept: %s of 0x%llx bytes at 0x%llx: beyond the EPT's reach (0x%llx)\n",
			op, (ull)size, (ull)base, (ull)e->reach);
		rc = -ERANGE;
	}
	return rc;
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
	struct pt_attrs a = { .rights = perms, .memtype = (unsigned)memtype };
	int rc = ept_check_range(e, base, size, "map");

	if (rc == 0)
		rc = ept_check_attrs(e, memtype, perms);
	return rc ? rc : pt_map(&e->pt, base, size, &a);
}

int ept_unmap(struct ept *e, uint64_t base, uint64_t size)
{
	int rc = ept_check_range(e, base, size, "unmap");

	return rc ? rc : pt_unmap(&e->pt, base, size);
}

int ept_lookup(const struct ept *e, uint64_t gpa, struct ept_translation *out)
{
	struct pt_leaf leaf;

	memset(out, 0, sizeof(*out));
	if (gpa >= e->reach) {
		kprintf("skiff: ept: lookup of 0x%llx: beyond the EPT's reach (0x%llx)\n",
			(ull)gpa, (ull)e->reach);
		return -ERANGE;
	}
	pt_lookup(&e->pt, gpa, &leaf);
	out->present = leaf.present;
	if (leaf.present) {
		out->hpa = leaf.pa;
		out->page_size = leaf.page_size;
		out->memtype = (int)leaf.memtype;
		out->perms = leaf.rights;
		out->ignore_pat = (leaf.entry & EPT_IGNORE_PAT) != 0;
	}
	return 0;
}

size_t ept_table_pages(const struct ept *e)
{
	return e->pt.table_pages;
}

size_t ept_leaf_count(const struct ept *e, uint64_t page_size)
{
	int level;

	for (level = EPT_LEVEL_PT; level < EPT_LEVEL_PML4; level++)
		if (pt_span(level) == page_size)
			return e->pt.leaves[level];
	return 0;
}

void ept_describe(const struct ept *e)
{
	kprintf("skiff: ept: %zu table pages (%zu KiB); pages mapped: %zu x 1G, %zu x 2M, %zu x 4K\n",
		e->pt.table_pages, e->pt.table_pages * (size_t)(PAGE_SIZE / 1024),
		e->pt.leaves[EPT_LEVEL_PDPT], e->pt.leaves[EPT_LEVEL_PD],
		e->pt.leaves[EPT_LEVEL_PT]);
}

/* ---- the whole tree, for the integrity check ---- */

int ept_walk_tables(const struct ept *e, table_visit_fn visit, void *arg)
{
	/* Without A/D in the EPTP the CPU ignores bits 8 and 9 and never
	 * writes them: then they count like any other. */
	uint64_t accessed = e->ad_enabled ? EPT_ACCESSED : 0;
	uint64_t dirty = e->ad_enabled ? EPT_DIRTY : 0;

	return pt_walk_tables(&e->pt, accessed, accessed | dirty, visit, arg);
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

/*
 * What [base, end) becomes, for pt_fill(): absent, RWX of one memory type,
 * or mixed (false).  A block wholly kept is absent; so is a single page
 * only partly kept, so that the guest never sees skiff's data, and a
 * single page is never mixed.  pt_fill() asks this of a few blocks around
 * each place where the owner or the memory type changes, not of every page.
 */
static bool identity_class(void *arg, uint64_t base, uint64_t end, struct pt_attrs *a)
{
	/* LAB 3 BEGIN: identity_class(): [base, end) absent, one RWX page of one type, or split */
	const struct ept_identity *id = arg;
	int type;

	switch (cover_of(id->keep, id->nkeep, base, end)) {
	case COVER_ALL:
		*a = (struct pt_attrs){ 0 };
		return true;
	case COVER_PART:
		*a = (struct pt_attrs){ 0 };
		return end - base == PAGE_SIZE;
	default:
		type = ept_identity_type(id, base, end - base);
		if (type == MTRR_MIXED)
			return false;
		*a = (struct pt_attrs){ .rights = PT_RWX,
					.memtype = type < 0 ? MTRR_TYPE_UC : (unsigned)type };
		return true;
	}
	/* LAB 3 END */
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
	return pt_fill(&e->pt, 0, limit, identity_class, &id);
}
