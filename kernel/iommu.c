/* See iommu.h. */
#include "iommu.h"

#include "drivers/dmar.h"
#include "drivers/vtd.h"
#include "integrity.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/iommu_pt.h"
#include "mm/mm.h"
#include "x86.h"

#define LOW_MEMORY_END	0x100000ull	/* the first MiB: legacy DMA, firmware areas */
#define MAP_MAX		(MM_LAYOUT_MAX_RANGES + DMAR_RMRRS_MAX + 1)
#define ROOT_ENTRIES	256
#define CONTEXT_ENTRIES	256

bool iommu_watching;

static struct {
	enum iommu_state state;
	struct dmar_info dmar;
	struct vtd_unit units[DMAR_UNITS_MAX];
	size_t unit_count;
	struct pt_tree tables;
	unsigned levels;
	uint64_t root, context;		/* the root table, the one context table */
	unsigned lost;			/* faults the units could not record */
} io;

enum iommu_state iommu_state(void)
{
	return io.state;
}

size_t iommu_register_ranges(struct phys_range *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < io.dmar.unit_count && n < max; i++) {
		const struct dmar_unit *u = &io.dmar.units[i];
		uint64_t bytes = u->size;

		if (i < io.unit_count && vtd_register_bytes(&io.units[i].caps) > bytes)
			bytes = vtd_register_bytes(&io.units[i].caps);
		out[n++] = (struct phys_range){ u->base, u->base + bytes };
	}
	return n;
}

/* What devices may reach: the first MiB, the guest's RAM and the RMRRs,
 * minus every range skiff keeps.  A reserved region that overlaps skiff's
 * memory is reported: its device's DMA there is blocked. */
static int device_view(const struct mm_layout *l, struct phys_range *out, size_t cap)
{
	struct phys_range want[MAP_MAX], keep[MM_OWNED_MAX];
	size_t n = 0, nkeep = 0;

	ranges_append(want, &n, MAP_MAX, (struct phys_range){ 0, LOW_MEMORY_END });
	for (size_t i = 0; i < l->guest_count; i++)
		ranges_append(want, &n, MAP_MAX, l->guest[i]);
	for (size_t i = 0; i < io.dmar.rmrr_count; i++) {
		struct phys_range r = { io.dmar.rmrrs[i].base, io.dmar.rmrrs[i].limit + 1 };

		for (size_t k = 0; k < l->skiff_count; k++)
			if (range_overlaps(r, l->skiff[k].range))
				kprintf("skiff: iommu: reserved region 0x%lx-0x%lx overlaps skiff's "
					"memory: its device's DMA there is blocked\n", r.base,
					r.end - 1);
		ranges_append(want, &n, MAP_MAX, r);
	}
	n = ranges_normalize(want, n);
	for (size_t k = 0; k < l->skiff_count; k++)
		ranges_append(keep, &nkeep, MM_OWNED_MAX, l->skiff[k].range);
	nkeep = ranges_normalize(keep, nkeep);
	return ranges_subtract(want, n, keep, nkeep, out, cap);
}

/* The root table (every bus) and one context table (every device and
 * function) for the one domain; both in skiff's pool. */
static int build_entries(uint64_t slpt)
{
	uint64_t *root, *ctx;

	io.root = mm_alloc_page();
	io.context = mm_alloc_page();
	if (!io.root || !io.context)
		return -ENOMEM;
	root = (uint64_t *)io.root;
	ctx = (uint64_t *)io.context;
	for (unsigned i = 0; i < ROOT_ENTRIES; i++)
		vtd_root_entry(&root[2 * i], io.context);
	for (unsigned i = 0; i < CONTEXT_ENTRIES; i++)
		vtd_context_entry(&ctx[2 * i], slpt, io.levels, VTD_GUEST_DID);
	return 0;
}

/* The page sizes every unit can walk. */
static unsigned leaf_levels(void)
{
	unsigned levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
			  PT_LEVEL_BIT(PT_LEVEL_PDPT);

	for (size_t i = 0; i < io.unit_count; i++) {
		if (!io.units[i].caps.lp_2m)
			levels &= ~PT_LEVEL_BIT(PT_LEVEL_PD);
		if (!io.units[i].caps.lp_1g)
			levels &= ~PT_LEVEL_BIT(PT_LEVEL_PDPT);
	}
	return levels;
}

static enum iommu_state none(const char *why)
{
	kprintf("skiff: iommu: none (%s): devices the guest drives can write skiff's memory by "
		"DMA\n", why);
	io.state = IOMMU_NONE;
	return io.state;
}

static enum iommu_state failed(const char *what)
{
	kprintf("skiff: iommu: %s: devices the guest drives can write skiff's memory by DMA\n",
		what);
	io.state = IOMMU_FAILED;
	return io.state;
}

enum iommu_state iommu_init(const struct mm_layout *l)
{
	struct phys_range view[MAP_MAX];
	uint64_t limit;
	int n, err = dmar_find(&io.dmar);

	if (err == -ENOENT)
		return none("no DMAR table");
	if (err < 0)
		return none("the DMAR table is unusable");
	n = device_view(l, view, MAP_MAX);
	if (n <= 0)
		return failed("cannot describe the guest's memory for its devices");
	limit = align_up(view[n - 1].end, SIZE_2M);
	for (size_t i = 0; i < io.dmar.unit_count; i++) {
		if (io.dmar.units[i].segment != 0)
			kprintf("skiff: iommu: the unit at 0x%lx serves PCI segment %u\n",
				io.dmar.units[i].base, io.dmar.units[i].segment);
		if (vtd_probe(&io.units[i], io.dmar.units[i].base, limit) < 0)
			return failed("a remapping unit cannot be used");
		io.unit_count++;
	}
	/* One set of tables for every unit: 3 levels where all walk them,
	 * else 4 where all do. */
	io.levels = 3;
	for (size_t i = 0; i < io.unit_count; i++)
		if (io.units[i].levels != 3)
			io.levels = 4;
	for (size_t i = 0; io.levels == 4 && i < io.unit_count; i++)
		if (!(io.units[i].caps.sagaw & VTD_SAGAW_4LEVEL))
			return failed("the remapping units share no walk length");
	if (io.unit_count == 0)
		return none("the DMAR lists no remapping unit");
	if (iommu_pt_init(&io.tables, &iommu_pt_format, mm_pool_pages(), leaf_levels()) < 0 ||
	    iommu_pt_identity(&io.tables, view, (size_t)n, limit) < 0 ||
	    build_entries(iommu_pt_root(&io.tables, io.levels)) < 0)
		return failed("out of memory for the remapping tables");
	for (size_t i = 0; i < io.unit_count; i++) {
		io.units[i].levels = io.levels;
		if (vtd_enable(&io.units[i], io.root) < 0)
			return failed("a remapping unit did not turn translation on");
	}
	io.state = IOMMU_ON;
	iommu_watching = true;
	kprintf("skiff: iommu: %zu VT-d unit%s at 0x%lx%s, translation on: %d-level tables over "
		"%lu MiB of guest memory, %zu table pages; no interrupt remapping\n", io.unit_count,
		io.unit_count == 1 ? "" : "s", io.units[0].base, io.unit_count > 1 ? " and on" : "",
		(int)io.levels, (unsigned long)(ranges_total(view, (size_t)n) >> 20),
		io.tables.table_pages + 2);
	return io.state;
}

bool iommu_take_fault(char *what, size_t size)
{
	for (size_t i = 0; i < io.unit_count; i++) {
		struct vtd_fault f;

		if (vtd_take_faults(&io.units[i], &f, 1, &io.lost) == 0)
			continue;
		fmt_snprintf(what, size, "%s of 0x%lx by %02x:%02x.%x blocked by the IOMMU (%s)",
			     f.read ? "read" : "write", f.addr, f.sid >> 8, (f.sid >> 3) & 0x1f,
			     f.sid & 7, vtd_fault_reason(f.reason));
		return true;
	}
	return false;
}

int iommu_unmap_page(uint64_t pa)
{
	int rc;

	if (io.state != IOMMU_ON)
		return -ENODEV;
	rc = pt_unmap(&io.tables, align_down(pa, PAGE_SIZE), PAGE_SIZE);
	for (size_t i = 0; rc == 0 && i < io.unit_count; i++) {
		if (!io.units[i].caps.coherent)
			wbinvd();
		rc = vtd_invalidate(&io.units[i]);
	}
	return rc;
}

void iommu_watch_integrity(void)
{
	if (io.state != IOMMU_ON)
		return;
	integrity_watch("the IOMMU's root table", (const void *)io.root, PAGE_SIZE);
	integrity_watch("the IOMMU's context table", (const void *)io.context, PAGE_SIZE);
	integrity_watch_pt("the IOMMU's tables", &io.tables);
}
