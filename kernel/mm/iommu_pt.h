/*
 * The IOMMU's second-level translation tables (Intel VT-d 3.x, 9.8
 * "Second-Level Paging Entries"): what a device's DMA may reach.  Built
 * by the same page-table engine as the EPT (pt.c), with skiff's policy:
 * the guest's memory identity-mapped read-write, skiff's pages and
 * everything else absent.  Every page is exactly one of: mapped for the
 * guest, skiff's (absent), or absent.
 *
 * A 4-level tree always: a unit that walks 3 levels (39-bit, SAGAW bit 1)
 * is given the tree's level-3 table for the first 512 GiB
 * (iommu_pt_root()), the same layout one level down.
 *
 * Pure, for the host tests.
 */
#ifndef SKIFF_MM_IOMMU_PT_H
#define SKIFF_MM_IOMMU_PT_H

#include <stddef.h>
#include <stdint.h>

#include "mm/pt.h"
#include "mm/range.h"

/* VT-d 9.8: bit 0 read, bit 1 write, bit 7 a large page (PS) in a PDE or
 * PDPTE; an entry with neither R nor W is not present.  Bits 51:12 the
 * address. */
#define IOMMU_PT_READ		(1ull << 0)
#define IOMMU_PT_WRITE		(1ull << 1)
#define IOMMU_PT_LARGE		(1ull << 7)
#define IOMMU_PT_ADDR_MASK	0x000ffffffffff000ull
#define IOMMU_PT_3LEVEL_REACH	(1ull << 39)

extern const struct pt_format iommu_pt_format;

/* Starts an empty tree; leaf_levels as pt_init() takes them (2 MiB and
 * 1 GiB pages where the unit's SLLPS allows). */
int iommu_pt_init(struct pt_tree *t, const struct pt_pages *pages, unsigned leaf_levels);

/* Maps every page of the normalised set map read-write to itself, below
 * limit, and nothing else.  0 or a negative errno (-ENOMEM). */
int iommu_pt_identity(struct pt_tree *t, const struct phys_range *map, size_t n, uint64_t limit);

/* The table a unit walking levels (3 or 4) starts from, or 0 when the
 * tree has no such table (3 levels and nothing mapped below 512 GiB). */
uint64_t iommu_pt_root(const struct pt_tree *t, unsigned levels);

#endif
