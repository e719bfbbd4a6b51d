/*
 * Nested page table builder, from AMD64 APM Vol. 2 15.25 ("Nested
 * Paging") and 5.3-5.4 (the long-mode entry format); see npt.h for the
 * two rules that set it apart from skiff's own tables.  Nothing here
 * flushes cached translations: changing a live NPT is followed by a TLB
 * flush through the VMCB's TLB_CONTROL, the svm layer's to ask for.
 */
#include "mm/npt.h"

#include "lib/errno.h"
#include "lib/printf.h"

#define NPT_MIN_WIDTH	32

/*
 * Present is P; read comes with being present, but an entry the guest may
 * reach at all must be a user page (15.25.5), so "read" is P and U/S
 * together.  Tables grant everything, so the leaves decide.  A 4-level
 * tree maps 1 GiB pages at most (a PML4E's PS is reserved); a split keeps
 * P, R/W, U/S and NX.
 */
const struct pt_format npt_format = {
	.name = "npt",
	.present = NPT_PRESENT,
	.read = NPT_PRESENT | NPT_USER,
	.write = NPT_WRITE,
	.no_exec = NPT_NO_EXEC,
	.table = NPT_PRESENT | NPT_WRITE | NPT_USER,
	.large_page = NPT_LARGE_PAGE,
	.leaf_levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
		       PT_LEVEL_BIT(PT_LEVEL_PDPT),
	.memtype_bit = { { 3, 4, 7 }, { 3, 4, 12 } },
	.split_copies = NPT_PRESENT | NPT_WRITE | NPT_USER | NPT_NO_EXEC,
	.addr_mask = NPT_ADDR_MASK(NPT_MAX_WIDTH),
};

_Static_assert(NPT_PWT == 1ull << 3 && NPT_PCD == 1ull << 4 && NPT_PAT == 1ull << 7 &&
	       NPT_PAT_LARGE == 1ull << 12, "npt_format.memtype_bit says where PAT index bits go");
_Static_assert(NPT_LARGE_PAGE == TABLE_TREE_LARGE_PAGE, "the NPT is a table_tree");

typedef unsigned long long ull;	/* for %llx */

int npt_init(struct npt *n, unsigned phys_addr_width, bool pages_1g, const struct pt_pages *pages)
{
	unsigned levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD);

	if (phys_addr_width < NPT_MIN_WIDTH || phys_addr_width > NPT_MAX_WIDTH) {
		kprintf("skiff: npt: physical address width %u not in [%u, %u]\n", phys_addr_width,
			NPT_MIN_WIDTH, NPT_MAX_WIDTH);
		return -EINVAL;
	}
	if (pages_1g)
		levels |= PT_LEVEL_BIT(PT_LEVEL_PDPT);
	n->reach = 1ull << phys_addr_width;
	return pt_init(&n->pt, &npt_format, pages, levels, NPT_ADDR_MASK(phys_addr_width));
}

struct npt_identity {
	const struct phys_range *keep;
	size_t nkeep;
};

/* Absent where one kept range holds all of a block, or any of a single
 * page; everything else is the guest's, RWX through PAT entry 0.  A
 * larger block only partly kept is mixed, and pt_fill() halves it. */
static bool identity_class(void *arg, uint64_t base, uint64_t end, struct pt_attrs *a)
{
	const struct npt_identity *id = arg;
	struct phys_range block = { base, end };
	bool part = false;

	*a = (struct pt_attrs){ 0 };
	for (size_t i = 0; i < id->nkeep; i++) {
		if (!range_overlaps(id->keep[i], block))
			continue;
		if (id->keep[i].base <= base && id->keep[i].end >= end)
			return true;
		part = true;
	}
	if (part)
		return end - base == PAGE_SIZE;
	*a = (struct pt_attrs){ .rights = PT_RWX, .memtype = NPT_MEMTYPE_PAT0 };
	return true;
}

int npt_map_identity(struct npt *n, const struct phys_range *keep, size_t nkeep, uint64_t limit)
{
	struct npt_identity id = { .keep = keep, .nkeep = nkeep };

	if (limit == 0 || limit > n->reach) {
		kprintf("skiff: npt: identity map up to 0x%llx: not in (0, 0x%llx]\n", (ull)limit,
			(ull)n->reach);
		return limit == 0 ? -EINVAL : -ERANGE;
	}
	return pt_fill(&n->pt, 0, align_up(limit, PAGE_SIZE), identity_class, &id);
}

void npt_describe(const struct npt *n)
{
	kprintf("skiff: npt: %zu table pages (%zu KiB); pages mapped: %zu x 1G, %zu x 2M, %zu x 4K\n",
		n->pt.table_pages, n->pt.table_pages * 4, n->pt.leaves[PT_LEVEL_PDPT],
		n->pt.leaves[PT_LEVEL_PD], n->pt.leaves[PT_LEVEL_PT]);
}

int npt_walk_tables(const struct npt *n, table_visit_fn visit, void *arg)
{
	return pt_walk_tables(&n->pt, NPT_ACCESSED, NPT_ACCESSED | NPT_DIRTY, visit, arg);
}
