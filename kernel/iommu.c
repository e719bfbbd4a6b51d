/* See iommu.h. */
#include "iommu.h"

#include "drivers/acpi.h"
#include "drivers/amdvi.h"
#include "drivers/dmar.h"
#include "drivers/ivrs.h"
#include "drivers/vtd.h"
#include "integrity.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/iommu_pt.h"
#include "mm/mm.h"
#include "x86.h"

#define LOW_MEMORY_END	0x100000ull	/* the first MiB: legacy DMA, firmware areas */
#define RESERVED_MAX	(DMAR_RMRRS_MAX > IVRS_RANGES_MAX ? DMAR_RMRRS_MAX : IVRS_RANGES_MAX)
#define MAP_MAX		(MM_LAYOUT_MAX_RANGES + RESERVED_MAX + 1)
#define AMDVI_LEVELS	4
#define ROOT_ENTRIES	256
#define CONTEXT_ENTRIES	256

_Static_assert(IOMMU_UNITS_MAX >= DMAR_UNITS_MAX && IOMMU_UNITS_MAX >= IVRS_UNITS_MAX,
	       "iommu_register_ranges() callers hold every unit");

bool iommu_watching;

static struct {
	enum iommu_state state;
	bool amd;			/* AMD-Vi units (IVRS), else VT-d units (DMAR) */
	struct dmar_info dmar;
	struct vtd_unit units[DMAR_UNITS_MAX];
	struct ivrs_info ivrs;
	struct amdvi_unit amd_units[IVRS_UNITS_MAX];
	size_t unit_count;
	struct pt_tree tables;
	unsigned levels;
	uint64_t root, context;		/* VT-d: the root table, the one context table */
	uint64_t dev_table;		/* AMD-Vi: the device table, every device ID */
	/* The ranges the firmware says devices keep using (RMRRs, IVMDs). */
	struct phys_range reserved[RESERVED_MAX];
	size_t reserved_count;
	unsigned lost;			/* faults the units could not record */
} io;

enum iommu_state iommu_state(void)
{
	return io.state;
}

size_t iommu_register_ranges(struct phys_range *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; io.amd && i < io.ivrs.unit_count && n < max; i++) {
		const struct ivrs_unit *u = &io.ivrs.units[i];
		/* The unit's own EFR once read: a 10h block carries none. */
		uint64_t efr = i < io.unit_count ? io.amd_units[i].efr : u->efr;

		out[n++] = (struct phys_range){ u->base, u->base + amdvi_register_bytes(efr) };
	}
	for (size_t i = 0; !io.amd && i < io.dmar.unit_count && n < max; i++) {
		const struct dmar_unit *u = &io.dmar.units[i];
		uint64_t bytes = u->size;

		if (i < io.unit_count && vtd_register_bytes(&io.units[i].caps) > bytes)
			bytes = vtd_register_bytes(&io.units[i].caps);
		out[n++] = (struct phys_range){ u->base, u->base + bytes };
	}
	return n;
}

/* What devices may reach: the first MiB, the guest's RAM and the ranges
 * the firmware reserved for them (RMRRs, IVMDs), minus every range skiff
 * keeps.  A reserved region that overlaps skiff's memory is reported: its
 * device's DMA there is blocked. */
static int device_view(const struct mm_layout *l, struct phys_range *out, size_t cap)
{
	struct phys_range want[MAP_MAX], keep[MM_OWNED_MAX];
	size_t n = 0, nkeep = 0;

	ranges_append(want, &n, MAP_MAX, (struct phys_range){ 0, LOW_MEMORY_END });
	for (size_t i = 0; i < l->guest_count; i++)
		ranges_append(want, &n, MAP_MAX, l->guest[i]);
	for (size_t i = 0; i < io.reserved_count; i++) {
		struct phys_range r = io.reserved[i];

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

/* Every unit translates: the line that says so, with the first unit's
 * registers, the guest memory devices reach (view) and the table pages,
 * the tree's and the entries' pages (entry_pages) that lead to it. */
static enum iommu_state turned_on(const char *kind, uint64_t first, const struct phys_range *view,
				  size_t n, size_t entry_pages)
{
	io.state = IOMMU_ON;
	iommu_watching = true;
	kprintf("skiff: iommu: %zu %s unit%s at 0x%lx%s, translation on: %d-level tables over "
		"%lu MiB of guest memory, %zu table pages; no interrupt remapping\n", io.unit_count,
		kind, io.unit_count == 1 ? "" : "s", first, io.unit_count > 1 ? " and on" : "",
		(int)io.levels, (unsigned long)(ranges_total(view, n) >> 20),
		io.tables.table_pages + entry_pages);
	return io.state;
}

/* VT-d: the DMAR's units, one root and one context table for all. */
static enum iommu_state vtd_init(const struct mm_layout *l)
{
	struct phys_range view[MAP_MAX];
	uint64_t limit;
	int n;

	for (size_t i = 0; i < io.dmar.rmrr_count; i++)
		ranges_append(io.reserved, &io.reserved_count, RESERVED_MAX,
			      (struct phys_range){ io.dmar.rmrrs[i].base, io.dmar.rmrrs[i].limit + 1 });
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
	return turned_on("VT-d", io.units[0].base, view, (size_t)n, 2);
}

/* AMD-Vi: the IVRS's units, one device table for all, every entry the
 * same; the IVMD ranges stay reachable (an exclusion range too: through
 * the tables, skiff does not use the units' exclusion registers). */
static enum iommu_state amd_init(const struct mm_layout *l)
{
	struct phys_range view[MAP_MAX];
	uint64_t limit, dte[4];
	uint64_t *table;
	int n;

	for (size_t i = 0; i < io.ivrs.range_count; i++)
		if (io.ivrs.ranges[i].unity || io.ivrs.ranges[i].exclusion)
			ranges_append(io.reserved, &io.reserved_count, RESERVED_MAX,
				      (struct phys_range){ io.ivrs.ranges[i].base,
							   io.ivrs.ranges[i].end });
	n = device_view(l, view, MAP_MAX);
	if (n <= 0)
		return failed("cannot describe the guest's memory for its devices");
	limit = align_up(view[n - 1].end, SIZE_2M);
	for (size_t i = 0; i < io.ivrs.unit_count; i++) {
		if (io.ivrs.units[i].segment != 0)
			kprintf("skiff: iommu: the unit at 0x%lx serves PCI segment %u\n",
				io.ivrs.units[i].base, io.ivrs.units[i].segment);
		if (amdvi_probe(&io.amd_units[i], io.ivrs.units[i].base) < 0)
			return failed("a remapping unit cannot be used");
		io.unit_count++;
	}
	if (io.unit_count == 0)
		return none("the IVRS lists no IOMMU");
	io.levels = AMDVI_LEVELS;
	io.dev_table = mm_alloc_pages(AMDVI_DEV_TABLE_PAGES);
	if (!io.dev_table ||
	    iommu_pt_init(&io.tables, &amdvi_pt_format, mm_pool_pages(),
			  PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
			  PT_LEVEL_BIT(PT_LEVEL_PDPT)) < 0 ||
	    iommu_pt_identity(&io.tables, view, (size_t)n, limit) < 0)
		return failed("out of memory for the remapping tables");
	amdvi_dte(dte, iommu_pt_root(&io.tables, io.levels), io.levels, AMDVI_GUEST_DOMAIN);
	table = (uint64_t *)io.dev_table;
	for (size_t id = 0; id < AMDVI_DEVICE_IDS; id++)
		memcpy(&table[id * 4], dte, sizeof(dte));
	for (size_t i = 0; i < io.unit_count; i++) {
		if (!(io.ivrs.units[i].flags & IVRS_IVHD_COHERENT))
			wbinvd();	/* the unit does not snoop its table walks */
		if (amdvi_enable(&io.amd_units[i], io.dev_table) < 0)
			return failed("a remapping unit did not turn translation on");
	}
	return turned_on("AMD-Vi", io.amd_units[0].base, view, (size_t)n, AMDVI_DEV_TABLE_PAGES);
}

/* The IVRS, read before the memory layout: its device table comes from
 * the pool (iommu.h). */
static int ivrs_err = -ENOENT;
static bool ivrs_read;

size_t iommu_pool_pages(void)
{
	const void *dmar;
	size_t avail;
	int rc = acpi_table(DMAR_SIGNATURE, &dmar, &avail);

	if (rc != -ENOENT && rc != -ENODEV)
		return 0;	/* a DMAR is read as VT-d's: its tables fit the pool's base */
	ivrs_err = ivrs_find(&io.ivrs);
	ivrs_read = true;
	if (ivrs_err < 0)
		return 0;
	/* The device table, and each unit's command buffer, event log and
	 * completion store. */
	return AMDVI_DEV_TABLE_PAGES + 3 * io.ivrs.unit_count;
}

enum iommu_state iommu_init(const struct mm_layout *l)
{
	int err = dmar_find(&io.dmar);

	if (err == -ENOENT) {
		if (!ivrs_read)
			iommu_pool_pages();
		if (ivrs_err == -ENOENT)
			return none("no DMAR or IVRS table");
		if (ivrs_err < 0)
			return none("the IVRS table is unusable");
		io.amd = true;
		return amd_init(l);
	}
	if (err < 0)
		return none("the DMAR table is unusable");
	return vtd_init(l);
}

/* A blocked DMA as a report.  Events a device's request did not cause
 * (a command or table error: skiff's or the unit's) are printed as they
 * are found and are not the guest's. */
static bool amd_take_fault(char *what, size_t size)
{
	for (size_t i = 0; i < io.unit_count; i++) {
		struct amdvi_event e;

		while (amdvi_take_events(&io.amd_units[i], &e, 1, &io.lost) == 1) {
			if (e.code != AMDVI_EVENT_IO_PAGE_FAULT &&
			    e.code != AMDVI_EVENT_INVALID_DEVICE_REQUEST) {
				kprintf("skiff: iommu: the AMD-Vi unit at 0x%lx reports event 0x%x "
					"for %02x:%02x.%x at 0x%lx: %s\n", io.amd_units[i].base,
					e.code, e.devid >> 8, (e.devid >> 3) & 0x1f, e.devid & 7,
					e.addr, amdvi_event_text(&e));
				continue;
			}
			fmt_snprintf(what, size, "%s of 0x%lx by %02x:%02x.%x blocked by the IOMMU "
				     "(%s)", e.write ? "write" : "read", e.addr, e.devid >> 8,
				     (e.devid >> 3) & 0x1f, e.devid & 7, amdvi_event_text(&e));
			return true;
		}
	}
	return false;
}

bool iommu_take_fault(char *what, size_t size)
{
	if (io.amd)
		return amd_take_fault(what, size);
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

bool iommu_fault_record_required(void)
{
	return !io.amd;
}

int iommu_unmap_page(uint64_t pa)
{
	int rc;

	if (io.state != IOMMU_ON)
		return -ENODEV;
	rc = pt_unmap(&io.tables, align_down(pa, PAGE_SIZE), PAGE_SIZE);
	for (size_t i = 0; rc == 0 && i < io.unit_count; i++) {
		if (io.amd) {
			if (!(io.ivrs.units[i].flags & IVRS_IVHD_COHERENT))
				wbinvd();
			rc = amdvi_invalidate(&io.amd_units[i]);
			continue;
		}
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
	if (io.amd) {
		integrity_watch("the IOMMU's device table", (const void *)io.dev_table,
				AMDVI_DEV_TABLE_PAGES * PAGE_SIZE);
	} else {
		integrity_watch("the IOMMU's root table", (const void *)io.root, PAGE_SIZE);
		integrity_watch("the IOMMU's context table", (const void *)io.context, PAGE_SIZE);
	}
	integrity_watch_pt("the IOMMU's tables", &io.tables);
}
