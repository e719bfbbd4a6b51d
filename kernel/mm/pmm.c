/*
 * Page allocator over one contiguous pool.  Pages that were handed out and
 * returned sit on a doubly linked list threaded through two index arrays:
 * allocating takes the head, freeing pushes onto it (both O(1)), and a
 * contiguous allocation can unlink any page of its run in O(1) because each
 * page knows its neighbours.  Pages never handed out (fresh) are on no
 * list: when the list is empty, a cursor that only moves up finds the next
 * one, so starting a pool of thousands of pages writes only their state
 * bytes.  The state byte per page is what lets a bad free be caught before
 * it corrupts the list.
 */
#include "mm/pmm.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

/* next + prev + state, per page of the pool. */
#define PMM_META_BYTES	(2 * sizeof(uint32_t) + sizeof(uint8_t))

static struct pmm pmm_default;

struct pmm *pmm_global(void)
{
	return &pmm_default;
}

static uint64_t page_addr(const struct pmm *p, uint32_t i)
{
	return p->base + (uint64_t)i * PAGE_SIZE;
}

static void *page_ptr(uint64_t pa)
{
	return (void *)(uintptr_t)pa;	/* physical == virtual in skiff */
}

static bool pmm_state_free(uint8_t s)
{
	return s == PMM_PAGE_FRESH || s == PMM_PAGE_FREE;
}

/* All pages fresh but the bookkeeping; the cursor at the first fresh page,
 * so a fresh pool hands out its pages from the bottom up, which keeps early
 * allocations easy to read in a dump. */
static void pmm_start(struct pmm *p)
{
	memset(p->state, PMM_PAGE_META, p->meta_pages);
	memset(p->state + p->meta_pages, PMM_PAGE_FRESH, p->pages - p->meta_pages);
	p->free_head = PMM_NO_PAGE;
	p->fresh_next = p->meta_pages;
	p->free_pages = p->pages - p->meta_pages;
}

int pmm_init(struct pmm *p, uint64_t base, uint64_t size)
{
	uint64_t pages = size / PAGE_SIZE, meta;

	memset(p, 0, sizeof(*p));
	if (!is_aligned(base, PAGE_SIZE) || !is_aligned(size, PAGE_SIZE) || size == 0 ||
	    base + (size - 1) < base || pages >= PMM_NO_PAGE) {
		kprintf("skiff: pmm: cannot use 0x%llx bytes at 0x%llx as a pool: "
			"both must be page aligned, and under 2^32 pages\n",
			(unsigned long long)size, (unsigned long long)base);
		return -EINVAL;
	}
	meta = align_up(pages * PMM_META_BYTES, PAGE_SIZE) / PAGE_SIZE;
	if (meta >= pages) {
		kprintf("skiff: pmm: a pool of %llu pages is too small: its bookkeeping "
			"alone takes %llu\n", (unsigned long long)pages, (unsigned long long)meta);
		return -EINVAL;
	}
	p->base = base;
	p->pages = (uint32_t)pages;
	p->meta_pages = (uint32_t)meta;
	p->next = page_ptr(base);
	p->prev = p->next + pages;
	p->state = (uint8_t *)(p->prev + pages);
	pmm_start(p);
	return 0;
}

static void pmm_unlink(struct pmm *p, uint32_t i)
{
	uint32_t next = p->next[i], prev = p->prev[i];

	if (prev != PMM_NO_PAGE)
		p->next[prev] = next;
	else
		p->free_head = next;
	if (next != PMM_NO_PAGE)
		p->prev[next] = prev;
}

static void pmm_push(struct pmm *p, uint32_t i)
{
	p->prev[i] = PMM_NO_PAGE;
	p->next[i] = p->free_head;
	if (p->free_head != PMM_NO_PAGE)
		p->prev[p->free_head] = i;
	p->free_head = i;
	p->state[i] = PMM_PAGE_FREE;
	p->free_pages++;
}

/* Hands out free page i: off the list if it was returned before. */
static void pmm_take(struct pmm *p, uint32_t i)
{
	/* LAB 2 BEGIN: pmm_take(): page i off the free list, in use, counted, zeroed */
	if (p->state[i] == PMM_PAGE_FREE)
		pmm_unlink(p, i);
	p->state[i] = PMM_PAGE_USED;
	p->free_pages--;
	memset(page_ptr(page_addr(p, i)), 0, PAGE_SIZE);
	/* LAB 2 END */
}

/* The page pmm_alloc_page() hands out (some page is free): the list's
 * head, else the next fresh page.  Every page below the cursor has been
 * handed out at least once, so it passes each page once over the pool's
 * life (runs may have taken pages ahead of it). */
static uint32_t pmm_next_free(struct pmm *p)
{
	/* LAB 2 BEGIN: pmm_next_free(): the free list's head, else the next fresh page */
	if (p->free_head != PMM_NO_PAGE)
		return p->free_head;
	while (p->fresh_next < p->pages && p->state[p->fresh_next] != PMM_PAGE_FRESH)
		p->fresh_next++;
	if (p->fresh_next == p->pages)
		panic("pmm: %u pages counted free, but none is on the list or fresh",
		      p->free_pages);
	return p->fresh_next;
	/* LAB 2 END */
}

uint64_t pmm_alloc_page(struct pmm *p)
{
	uint32_t i;

	if (p->free_pages == 0) {
		kprintf("skiff: pmm: out of memory (%zu pages in pool, all in use), caller %p\n",
			pmm_total_count(p), __builtin_return_address(0));
		return 0;
	}
	i = pmm_next_free(p);
	pmm_take(p, i);
	return page_addr(p, i);
}

/* Whether pa lies in the pool at all (bookkeeping pages included). */
static bool pmm_holds(const struct pmm *p, uint64_t pa)
{
	return pa >= p->base && (pa - p->base) / PAGE_SIZE < p->pages;
}

/* Checks that the page at pa may be freed; reports why not otherwise. */
static int pmm_check_free(const struct pmm *p, uint64_t pa, void *caller)
{
	unsigned long long a = pa;

	if (!pmm_holds(p, pa)) {
		kprintf("skiff: pmm: free of 0x%llx, outside the pool 0x%llx-0x%llx, caller %p\n",
			a, (unsigned long long)p->base,
			(unsigned long long)page_addr(p, p->pages) - 1, caller);
		return -EINVAL;
	}
	if (!is_aligned(pa, PAGE_SIZE)) {
		kprintf("skiff: pmm: free of unaligned address 0x%llx, caller %p\n", a, caller);
		return -EINVAL;
	}
	switch (p->state[(pa - p->base) / PAGE_SIZE]) {
	case PMM_PAGE_USED:
		return 0;
	case PMM_PAGE_FREE:
		kprintf("skiff: pmm: double free of 0x%llx, caller %p\n", a, caller);
		break;
	case PMM_PAGE_META:
		kprintf("skiff: pmm: free of 0x%llx, a page never handed out "
			"(it holds the pool's bookkeeping), caller %p\n", a, caller);
		break;
	default:
		kprintf("skiff: pmm: free of 0x%llx, a page never handed out, caller %p\n",
			a, caller);
		break;
	}
	return -EINVAL;
}

int pmm_free_page(struct pmm *p, uint64_t pa)
{
	int err = pmm_check_free(p, pa, __builtin_return_address(0));

	if (err)
		return err;
	pmm_push(p, (uint32_t)((pa - p->base) / PAGE_SIZE));
	return 0;
}

/* First index of a run of count free pages at an aligned address, or
 * PMM_NO_PAGE.  A busy page rules out every candidate that covers it, so
 * the search resumes at the first aligned index past it: one pass. */
static uint32_t pmm_find_run(const struct pmm *p, uint64_t count, uint64_t align)
{
	uint64_t step = align / PAGE_SIZE;
	uint64_t first = align_up_sat(page_addr(p, p->meta_pages), align);
	uint64_t i = (first - p->base) / PAGE_SIZE;
	while (i < p->pages && count <= p->pages - i) {
		uint64_t j = i;

		while (j < i + count && pmm_state_free(p->state[j]))
			j++;
		if (j == i + count)
			return (uint32_t)i;
		i += ((j - i) / step + 1) * step;
	}
	return PMM_NO_PAGE;
}

uint64_t pmm_alloc_pages(struct pmm *p, size_t count, uint64_t align)
{
	void *caller = __builtin_return_address(0);
	uint32_t first;

	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	if (count == 0 || count > p->pages || !is_aligned(align, align) ||
	    align > PMM_ALIGN_MAX) {
		kprintf("skiff: pmm: bad request for %zu pages aligned to 0x%llx, caller %p\n",
			count, (unsigned long long)align, caller);
		return 0;
	}
	first = pmm_find_run(p, count, align);
	if (first == PMM_NO_PAGE) {
		kprintf("skiff: pmm: no run of %zu free pages aligned to 0x%llx "
			"(%zu of %zu pages free), caller %p\n", count,
			(unsigned long long)align, pmm_free_count(p), pmm_total_count(p), caller);
		return 0;
	}
	for (size_t k = 0; k < count; k++)
		pmm_take(p, first + (uint32_t)k);
	return page_addr(p, first);
}

int pmm_free_pages(struct pmm *p, uint64_t pa, size_t count)
{
	void *caller = __builtin_return_address(0);
	uint64_t end_pa = pa + (uint64_t)count * PAGE_SIZE;

	if (count == 0 || count > p->pages || end_pa < pa || !pmm_holds(p, end_pa - 1)) {
		kprintf("skiff: pmm: free of %zu pages at 0x%llx, not within the pool "
			"0x%llx-0x%llx, caller %p\n", count, (unsigned long long)pa,
			(unsigned long long)p->base,
			(unsigned long long)page_addr(p, p->pages) - 1, caller);
		return -EINVAL;
	}
	/* All or nothing: a half-freed run would be worse than none. */
	for (size_t k = 0; k < count; k++) {
		int err = pmm_check_free(p, pa + k * PAGE_SIZE, caller);

		if (err)
			return err;
	}
	for (size_t k = 0; k < count; k++)
		pmm_push(p, (uint32_t)((pa - p->base) / PAGE_SIZE + k));
	return 0;
}

size_t pmm_free_count(const struct pmm *p)
{
	return p->free_pages;
}

size_t pmm_total_count(const struct pmm *p)
{
	return p->pages - p->meta_pages;
}

enum pmm_page_state pmm_page_state(const struct pmm *p, uint64_t pa)
{
	if (!pmm_holds(p, pa))
		return PMM_PAGE_OUTSIDE;
	return (enum pmm_page_state)p->state[(pa - p->base) / PAGE_SIZE];
}
