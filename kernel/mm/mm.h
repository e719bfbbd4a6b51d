/*
 * Memory bring-up: the layout of physical memory (what skiff keeps, what
 * the guest gets), skiff's page pool and its own page tables, and the EPT.
 * The rest of skiff asks here for pages and never walks the memory map.
 */
#ifndef SKIFF_MM_MM_H
#define SKIFF_MM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "mm/ept.h"
#include "mm/layout.h"
#include "mm/mtrr.h"
#include "mm/npt.h"
#include "mm/paging.h"

/* Computes the layout, with a pool sized for cpus CPUs (mm_pool_size())
 * and extra_pages more (an AMD IOMMU's device table, iommu_pool_pages()),
 * moves GRUB's modules to the places it gives them (bi's module addresses
 * follow), starts the pool and switches to skiff's own page tables.  To be
 * called while the boot page tables map the first 4 GiB.  Returns a
 * negative error (already reported) when memory cannot be laid out: then
 * skiff must not start a guest, and nothing was moved. */
int mm_init(struct boot_info *bi, unsigned cpus, size_t extra_pages);

const struct mm_layout *mm_layout(void);

/* skiff's own page tables, as mm_init() built them (for the integrity
 * check, which walks them). */
const struct paging *mm_host_paging(void);

/* A zeroed page from skiff's pool, or 0 (reported) when the pool is empty. */
uint64_t mm_alloc_page(void);

/* pages zeroed contiguous pages from the pool, or 0 (reported). */
uint64_t mm_alloc_pages(size_t pages);

/* A stack of pages zeroed pool pages above a guard page that skiff's page
 * tables leave unmapped, so an overflow faults.  Returns the stack's top,
 * or 0 (reported) when the pool has no such run. */
uint64_t mm_alloc_guarded_stack(size_t pages);

/* Remaps one page of skiff's identity map with perms (PT_READ with
 * PT_WRITE or PT_EXEC), on this CPU's TLB too: the AP trampoline's page is
 * executable only while APs start.  0, or a negative error (reported). */
int mm_set_page_rights(uint64_t pa, unsigned perms);

/* Builds the guest's identity EPT: all of guest-physical space up to the
 * top of RAM (at least 4 GiB) except skiff's pages.  caps come from VT-x. */
int mm_build_ept(const struct ept_caps *caps, struct ept *out);

/* The same identity map as nested page tables (mm/npt.h), for an SVM
 * guest: skiff's pages absent, and the ranges of mm_ept_write_protect()
 * and mm_ept_hide() restricted as in the EPT; 1 GiB pages when the CPU
 * has them.  0, or a negative error (reported). */
int mm_build_npt(struct npt *out);

/* Types the guest's memory in e (built by mm_build_ept()) by the MTRRs
 * view, the guest's own (vm/mtrr_view.h); skiff's pages stay absent.  With
 * rebuild, the map is made from nothing, its pages as many as at boot for
 * the boot's view (a restart); without, it is changed in place, the tables
 * kept, while the guest runs.  0, or -ENOMEM (reported) when the pool has
 * no page for a table the new types need. */
int mm_ept_retype(struct ept *e, const struct mtrr_regs *view, bool rebuild);

/* Makes [base, base + size) (rounded out to pages) read-only in e, for
 * good: a guest write there is an EPT violation, which skiff emulates
 * (vm/platform.h, memory-mapped registers it keeps); mm_ept_retype()
 * keeps it so.  0, -ENOSPC (reported) beyond MM_EPT_READ_ONLY_MAX ranges,
 * or -ENOMEM. */
#define MM_EPT_READ_ONLY_MAX	16
int mm_ept_write_protect(struct ept *e, uint64_t base, uint64_t size);

/* Keeps [base, base + size) out of the guest's EPT altogether (an IOMMU's
 * registers): to be called before mm_build_ept(), which applies it, as
 * every later retype does.  0 or -ENOSPC (reported). */
int mm_ept_hide(uint64_t base, uint64_t size);

/* The page allocator skiff's own tables use (the pool). */
const struct pt_pages *mm_pool_pages(void);

#endif
