/*
 * The IOMMU's translation tables (Intel VT-d 3.x, 9.8 "Second-Level
 * Paging Entries"; AMD-Vi's host page tables): what a device's DMA may
 * reach.  Built
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

/* AMD I/O Virtualization Technology (IOMMU) Specification (48882), "I/O
 * Page Tables for Host Translations": bit 0 PR, bits 11:9 NextLevel (the
 * referenced table's level; 0 in a page, whose size its level gives),
 * bits 51:12 the address, bit 61 IR, bit 62 IW.  Bit 7 is ignored by the
 * IOMMU in both kinds of entry: skiff sets it in a 2 MiB or 1 GiB page,
 * as the engine's large-page mark, so that one walk reads both formats. */
#define AMDVI_PT_PRESENT	(1ull << 0)
#define AMDVI_PT_MARK_LARGE	(1ull << 7)
#define AMDVI_PT_NEXT_LEVEL_SHIFT 9
#define AMDVI_PT_READ		(1ull << 61)
#define AMDVI_PT_WRITE		(1ull << 62)

extern const struct pt_format amdvi_pt_format;

/* Starts an empty tree in format fmt (one of the two above); leaf_levels
 * as pt_init() takes them (2 MiB and 1 GiB pages where the unit allows). */
int iommu_pt_init(struct pt_tree *t, const struct pt_format *fmt, const struct pt_pages *pages,
		  unsigned leaf_levels);

/* Maps every page of the normalised set map read-write to itself, below
 * limit, and nothing else.  0 or a negative errno (-ENOMEM). */
int iommu_pt_identity(struct pt_tree *t, const struct phys_range *map, size_t n, uint64_t limit);

/* The table a unit walking levels (3 or 4) starts from, or 0 when the
 * tree has no such table (3 levels and nothing mapped below 512 GiB). */
uint64_t iommu_pt_root(const struct pt_tree *t, unsigned levels);

#endif
