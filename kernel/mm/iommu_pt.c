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

int iommu_pt_init(struct pt_tree *t, const struct pt_pages *pages, unsigned leaf_levels)
{
	return pt_init(t, &iommu_pt_format, pages, leaf_levels, 0);
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
	if (!pml4 || !(pml4[0] & iommu_pt_format.present))
		return 0;
	return pml4[0] & t->addr_mask;
}
