/* See iommu_pt.h. */
#include "mm/iommu_pt.h"

#include "lib/errno.h"

/* Memory-type bits are left 0: VT-d 9.8 has its EMT bits only for nested
 * or extended-memory-type setups, which skiff does not enable. */
const struct pt_format iommu_pt_format = {
	.name = "iommu",
	.present = IOMMU_PT_READ | IOMMU_PT_WRITE,
	.read = IOMMU_PT_READ,
	.write = IOMMU_PT_WRITE,
	.table = IOMMU_PT_READ | IOMMU_PT_WRITE,
	.large_page = IOMMU_PT_LARGE,
	.leaf_levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
		       PT_LEVEL_BIT(PT_LEVEL_PDPT),
	.memtype_bit = { { 3, 4, 5 }, { 3, 4, 5 } },
	.split_copies = IOMMU_PT_READ | IOMMU_PT_WRITE,
	.addr_mask = IOMMU_PT_ADDR_MASK,
};

/* No memory-type bits either (the memory type is the CPU's); the engine's
 * memory-type bits are put where AMD-Vi ignores them, and stay 0. */
const struct pt_format amdvi_pt_format = {
	.name = "amd-vi",
	.present = AMDVI_PT_PRESENT,
	.valid = AMDVI_PT_PRESENT,
	.read = AMDVI_PT_READ,
	.write = AMDVI_PT_WRITE,
	.table = AMDVI_PT_READ | AMDVI_PT_WRITE,
	.large_page = AMDVI_PT_MARK_LARGE,
	.next_level_shift = AMDVI_PT_NEXT_LEVEL_SHIFT,
	.leaf_levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
		       PT_LEVEL_BIT(PT_LEVEL_PDPT),
	.memtype_bit = { { 1, 2, 3 }, { 1, 2, 3 } },
	.split_copies = AMDVI_PT_PRESENT | AMDVI_PT_READ | AMDVI_PT_WRITE,
	.addr_mask = IOMMU_PT_ADDR_MASK,
};

int iommu_pt_init(struct pt_tree *t, const struct pt_format *fmt, const struct pt_pages *pages,
		  unsigned leaf_levels)
{
	return pt_init(t, fmt, pages, leaf_levels, 0);
}

struct identity {
	const struct phys_range *map;
	size_t n;
};

/* [base, end): all of it the guest's (read-write), none of it (absent),
 * or mixed; a page only partly the guest's is absent. */
static bool classify(void *arg, uint64_t base, uint64_t end, struct pt_attrs *a)
{
	const struct identity *id = arg;
	uint64_t in = ranges_overlap_bytes(id->map, id->n, (struct phys_range){ base, end });

	*a = (struct pt_attrs){ 0 };
	if (in == end - base)
		a->rights = PT_READ | PT_WRITE;
	return in == 0 || in == end - base || end - base == PAGE_SIZE;
}

int iommu_pt_identity(struct pt_tree *t, const struct phys_range *map, size_t n, uint64_t limit)
{
	struct identity id = { .map = map, .n = n };

	if (limit == 0 || limit % PAGE_SIZE)
		return -EINVAL;
	return pt_fill(t, 0, limit, classify, &id);
}

uint64_t iommu_pt_root(const struct pt_tree *t, unsigned levels)
{
	const uint64_t *pml4;

	if (levels == 4)
		return t->root;
	pml4 = t->pages.to_virt(t->pages.ctx, t->root);
	if (!pml4 || !(pml4[0] & t->fmt->present))
		return 0;
	return pml4[0] & t->addr_mask;
}
