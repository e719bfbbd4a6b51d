/*
 * iommu_test=1: the IOMMU proved with a real device's DMA, before the
 * VT-x check (so on QEMU q35 with intel-iommu, which has VT-d but no
 * VT-x).  The first AHCI disk's sector 0 is read by DMA three times:
 *  1. into a page of skiff's: the IOMMU must block it (the page keeps its
 *     poison, and the unit records the device, the address and a write);
 *  2. into a page of the guest's: the sector must arrive;
 *  3. into that guest page again after skiff took it out of the device's
 *     view and invalidated the unit's caches: blocked again, which shows
 *     the invalidation reached the IOTLB (QEMU's caches translations).
 * The AHCI command list and table live in guest pages: the device reads
 * them by DMA too.  An AHCI command completes "successfully" even when
 * its DMA was blocked, so each step checks the memory and the fault
 * record, not the device.  Without an IOMMU step 1 shows the sector in
 * skiff's page: what the "no IOMMU" line warns of.  An AMD-Vi unit's
 * record (an IO_PAGE_FAULT event) is shown when there is one but not
 * required: QEMU 7.2's amd-iommu logs none for a page that is not mapped
 * (docs/emulators.md), where a real unit logs one unless the device
 * table entry suppresses it, which skiff's does not.
 */
#include "iommu_test.h"

#include "cmdline.h"
#include "drivers/ahci.h"
#include "drivers/ahci_cmd.h"
#include "drivers/pci.h"
#include "iommu.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"

#define POISON		0xa5
#define LOW_END		0x100000ull
#define SCRATCH_PAGES	4		/* AHCI structures, then the guest's buffer */
#define FAULT_TEXT	160

/* A few guest pages above 1 MiB for the AHCI structures and the buffer. */
static uint64_t guest_pages(const struct mm_layout *l, size_t pages)
{
	for (size_t i = 0; i < l->guest_count; i++) {
		uint64_t base = align_up(l->guest[i].base > LOW_END ? l->guest[i].base : LOW_END,
					 PAGE_SIZE);

		if (base < l->guest[i].end && l->guest[i].end - base >= pages * PAGE_SIZE &&
		    base + pages * PAGE_SIZE <= (4ull << 30))
			return base;
	}
	return 0;
}

static bool poisoned(uint64_t pa)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;

	for (unsigned i = 0; i < ATA_SECTOR_SIZE; i++)
		if (p[i] != POISON)
			return false;
	return true;
}

/* One DMA into buf; true when it went as want_blocked says, with the
 * line that tells. */
static bool step(struct ahci_dev *d, const char *what, uint64_t buf, bool want_blocked)
{
	char fault[FAULT_TEXT] = "no fault recorded";
	bool blocked, recorded;

	memset((void *)(uintptr_t)buf, POISON, ATA_SECTOR_SIZE);
	if (ahci_read_sector(d, 0, buf) < 0) {
		kprintf("skiff: iommu test: %s: the device did not complete the read\n", what);
		return false;
	}
	blocked = poisoned(buf);
	recorded = iommu_take_fault(fault, sizeof(fault));
	kprintf("skiff: iommu test: %s at 0x%lx: %s; %s\n", what, buf,
		blocked ? "blocked" : "the sector arrived", fault);
	return blocked == want_blocked &&
	       (recorded == want_blocked || (!recorded && !iommu_fault_record_required()));
}

void iommu_test_run(const char *cmdline, const struct mm_layout *l)
{
	static struct pci_inventory inv;	/* the vm's own scan comes later */
	uint64_t scratch, skiff_page;
	struct ahci_dev d;
	unsigned good = 0, steps = 2;

	if (!cmdline_has_value(cmdline, "iommu_test", "1"))
		return;
	scratch = guest_pages(l, SCRATCH_PAGES);
	skiff_page = mm_alloc_page();
	if (!scratch || !skiff_page) {
		kprintf("skiff: iommu test: no pages for it; not run\n");
		return;
	}
	pci_inventory_scan(&inv);
	if (ahci_init(&inv, scratch, AHCI_SCRATCH_PAGES_MIN, &d) < 0) {
		kprintf("skiff: iommu test: no AHCI disk to DMA from; not run\n");
		return;
	}
	good += step(&d, "DMA into skiff's page", skiff_page, iommu_state() == IOMMU_ON);
	good += step(&d, "DMA into the guest's page", scratch + (SCRATCH_PAGES - 1) * PAGE_SIZE,
		     false);
	if (iommu_unmap_page(scratch + (SCRATCH_PAGES - 1) * PAGE_SIZE) == 0) {
		steps++;
		good += step(&d, "DMA into that page, taken back from the device",
			     scratch + (SCRATCH_PAGES - 1) * PAGE_SIZE, true);
	}
	ahci_stop(&d);
	kprintf("skiff: iommu test: %u of %u as they should be%s\n", good, steps,
		iommu_state() == IOMMU_ON ? "" : " (no IOMMU: DMA reaches skiff's memory)");
}
