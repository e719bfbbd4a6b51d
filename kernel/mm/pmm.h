/*
 * The page allocator for skiff's own pool: one contiguous, page-aligned run
 * of RAM that mm_layout_build() set aside.  The guest's memory is never
 * allocated from; it is not in the pool.
 *
 * Every page handed out is zeroed first: page tables, the EPT, VMCS regions
 * and bitmaps built on these pages rely on starting from all zeroes.
 *
 * The bookkeeping (one state byte and two 32-bit free-list links per page,
 * kept in separate arrays rather than inside the free pages, so a stray write
 * into a free page cannot corrupt the allocator) is carved from the start of
 * the pool itself, so the allocator needs no other memory.  skiff runs with
 * physical == virtual addresses, so the pool is used through its address.
 *
 * Misuse (double free, a foreign or unaligned address, a page never handed
 * out) is reported with the address and the caller and refused, leaving the
 * allocator as it was.  Not thread-safe: skiff allocates on one CPU.
 */
#ifndef SKIFF_MM_PMM_H
#define SKIFF_MM_PMM_H

#include <stddef.h>
#include <stdint.h>

#include "mm/range.h"

/* Page indices are 32-bit; this one means "no page" in the free list. */
#define PMM_NO_PAGE	0xffffffffu
/* The largest alignment pmm_alloc_pages() accepts. */
#define PMM_ALIGN_MAX	SIZE_1G

/* What pmm_page_state() says of a page. */
enum pmm_page_state {
	PMM_PAGE_OUTSIDE = 0,	/* not a page of this pool */
	PMM_PAGE_META,		/* holds the allocator's own bookkeeping */
	PMM_PAGE_FRESH,		/* free, never handed out */
	PMM_PAGE_FREE,		/* free, handed out and returned before */
	PMM_PAGE_USED,		/* handed out */
};

struct pmm {
	uint64_t base;		/* first byte of the pool (bookkeeping first) */
	uint32_t pages;		/* pages in the pool, bookkeeping included */
	uint32_t meta_pages;	/* pages at the start holding the arrays below */
	uint32_t free_pages;
	uint32_t free_head;	/* returned pages: page index, or PMM_NO_PAGE */
	uint32_t fresh_next;	/* no fresh page lies below this index */
	uint32_t *next;		/* free list links, by page index */
	uint32_t *prev;
	uint8_t *state;		/* enum pmm_page_state, by page index */
};

/*
 * Takes over [base, base + size): both page aligned, large enough for the
 * bookkeeping and at least one page, fewer than 2^32 pages.  Overwrites the
 * region's first pages with the bookkeeping.  Returns 0 or -EINVAL.
 */
int pmm_init(struct pmm *p, uint64_t base, uint64_t size);

/* The kernel's pool, set up once with pmm_init(pmm_global(), ...). */
struct pmm *pmm_global(void);

/* One zeroed page, O(1) amortized.  Returns its address, or 0 (reported)
 * when the pool is exhausted; 0 is never a valid result (the first page of
 * a pool always holds bookkeeping). */
uint64_t pmm_alloc_page(struct pmm *p);

/* Returns a page that pmm_alloc_page() or pmm_alloc_pages() handed out,
 * O(1).  Anything else is reported and refused with -EINVAL. */
int pmm_free_page(struct pmm *p, uint64_t pa);

/* count contiguous zeroed pages starting at a multiple of align (a power of
 * two up to PMM_ALIGN_MAX; below PAGE_SIZE means PAGE_SIZE).  Linear in the
 * pool size.  Returns the first address, or 0 (reported) when no such run
 * is free or the arguments make no sense. */
uint64_t pmm_alloc_pages(struct pmm *p, size_t count, uint64_t align);

/* Returns count pages from pa on; all are checked before any is freed, so
 * a bad page among them (reported) leaves every one of them allocated. */
int pmm_free_pages(struct pmm *p, uint64_t pa, size_t count);

/* Pages free now, and pages the pool can hand out at all (bookkeeping
 * excluded). */
size_t pmm_free_count(const struct pmm *p);
size_t pmm_total_count(const struct pmm *p);

/* The state of the page holding pa, for checks and diagnostics. */
enum pmm_page_state pmm_page_state(const struct pmm *p, uint64_t pa);

#endif
