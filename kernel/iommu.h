/*
 * DMA isolation: the IOMMU keeps the devices the guest drives out of
 * skiff's memory.  A device writes memory by DMA without the CPU, so the
 * EPT does not stop it; the DMA remapping units the ACPI DMAR table names
 * (drivers/dmar.h, drivers/vtd.h) or the AMD IOMMUs the IVRS names
 * (drivers/ivrs.h, drivers/amdvi.h) do, with one domain, the guest's,
 * whose tables (mm/iommu_pt.h) map the guest's memory, the first MiB and
 * the ranges the firmware reserved for devices (RMRRs, IVMDs), minus
 * everything skiff keeps.
 *
 * Set up before the VT-x check (so that QEMU, which has VT-d but no
 * VT-x, can show it), after the memory layout.  The units' registers and
 * tables are skiff's: the registers are hidden from the guest's EPT and
 * kept off by the PCI filter, the tables live in skiff's pool.
 *
 * Not done: interrupt remapping.  A device the guest programs can write
 * the MSI address range (0xfee00000) and so send interrupts, NMIs or
 * INITs to any CPU, skiff's parked ones included (README, "Isolation").
 */
#ifndef SKIFF_IOMMU_H
#define SKIFF_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/layout.h"
#include "mm/range.h"

enum iommu_state {
	IOMMU_NONE,	/* no DMAR or IVRS, or one skiff cannot use: no DMA isolation */
	IOMMU_ON,	/* every unit translates through skiff's tables */
	IOMMU_FAILED,	/* a unit that should translate does not */
};

/* Pages the pool needs beyond its usual size for the IOMMU: an AMD-Vi
 * device table covers every device ID (2 MiB), more than the pool's base
 * holds.  Reads the IVRS (after acpi_init(), before mm_init()); 0 on a
 * machine without one. */
size_t iommu_pool_pages(void);

/* Finds the units, builds the tables, turns translation on; prints one
 * line of the outcome.  The state it ends in. */
enum iommu_state iommu_init(const struct mm_layout *l);

enum iommu_state iommu_state(void);

/* The units' register ranges (for the EPT and the PCI filter to keep);
 * the count, at most max.  IOMMU_UNITS_MAX holds them all. */
#define IOMMU_UNITS_MAX		8
size_t iommu_register_ranges(struct phys_range *out, size_t max);

/* A DMA the IOMMU blocked, as a report: "write to 0x1e0ff000 by 00:1f.2
 * (the page is not mapped for writing)".  False when none is recorded.
 * Each record is cleared as it is read (the next fault is then seen). */
bool iommu_take_fault(char *what, size_t size);

/* Whether iommu_test=1 requires a blocked DMA's record: VT-d's fault
 * recording, yes; AMD-Vi's event log, no (iommu_test.c says why). */
bool iommu_fault_record_required(void);

/* Nonzero when the IOMMU is on, for the exit path's cheap check. */
extern bool iommu_watching;

/* Puts the IOMMU's root, context and second-level tables under the
 * integrity check (integrity.h), when the IOMMU is on. */
void iommu_watch_integrity(void);

/* For the self-test: take the page at pa out of (or put it back into)
 * the device's view, with the invalidations that makes it so. */
int iommu_unmap_page(uint64_t pa);

#endif
