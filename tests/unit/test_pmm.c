/*
 * The page allocator over a host buffer standing in for skiff's pool (the
 * kernel uses physical == virtual addresses, so a pointer is an address).
 * What it guards: O(1) single pages, zeroed pages, aligned runs, and every
 * misuse refused with a message naming the address and the caller, with
 * the allocator's state untouched.
 */
#include "support.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "mm/pmm.h"

#define MIB		(1ull << 20)
#define POOL_SIZE	(8 * MIB)
#define POOL_PAGES	(POOL_SIZE / PAGE_SIZE)
/* 9 bytes of bookkeeping per page: 2048 * 9 bytes round up to 5 pages. */
#define META_PAGES	5
#define USABLE_PAGES	(POOL_PAGES - META_PAGES)

static struct pmm pool;
static uint8_t *buf;
static uint64_t base;

static int setup(void **state)
{
	(void)state;
	/* 2 MiB aligned, so which aligned runs exist is known exactly. */
	buf = aligned_alloc(2 * MIB, POOL_SIZE);
	assert_non_null(buf);
	/* Garbage everywhere, as RAM is at boot: nothing may depend on it. */
	memset(buf, 0xa5, POOL_SIZE);
	base = (uintptr_t)buf;
	assert_int_equal(pmm_init(&pool, base, POOL_SIZE), 0);
	log_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(buf);
	return 0;
}

static bool page_is_zero(uint64_t pa)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;

	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/* A snapshot of the bookkeeping, to prove a refused free changed nothing. */
static uint8_t meta_before[META_PAGES * PAGE_SIZE];

static void snapshot(void)
{
	memcpy(meta_before, buf, sizeof(meta_before));
}

static void assert_unchanged(size_t free_pages)
{
	assert_memory_equal(buf, meta_before, sizeof(meta_before));
	assert_int_equal(pmm_free_count(&pool), free_pages);
}

static void test_init_carves_bookkeeping_from_the_pool(void **state)
{
	(void)state;
	assert_int_equal(pmm_total_count(&pool), USABLE_PAGES);
	assert_int_equal(pmm_free_count(&pool), USABLE_PAGES);
	assert_int_equal(pmm_page_state(&pool, base), PMM_PAGE_META);
	assert_int_equal(pmm_page_state(&pool, base + (META_PAGES - 1) * PAGE_SIZE), PMM_PAGE_META);
	assert_int_equal(pmm_page_state(&pool, base + META_PAGES * PAGE_SIZE), PMM_PAGE_FRESH);
	assert_int_equal(pmm_page_state(&pool, base + POOL_SIZE - 1), PMM_PAGE_FRESH);
	assert_int_equal(pmm_page_state(&pool, base + POOL_SIZE), PMM_PAGE_OUTSIDE);
	assert_int_equal(pmm_page_state(&pool, base - 1), PMM_PAGE_OUTSIDE);
}

static void test_init_rejects_unusable_regions(void **state)
{
	struct pmm p;

	(void)state;
	assert_int_equal(pmm_init(&p, base + 8, POOL_SIZE - PAGE_SIZE), -EINVAL);
	assert_log_contains("must be page aligned");
	assert_int_equal(pmm_init(&p, base, POOL_SIZE - 100), -EINVAL);
	assert_int_equal(pmm_init(&p, base, 0), -EINVAL);
	assert_int_equal(pmm_init(&p, 0xfffffffffffff000ull, 2 * PAGE_SIZE), -EINVAL);
	log_reset();
	/* One page is all bookkeeping, with nothing left to hand out. */
	assert_int_equal(pmm_init(&p, base, PAGE_SIZE), -EINVAL);
	assert_log_contains("a pool of 1 pages is too small");
	/* Two pages: one of bookkeeping, one to hand out. */
	assert_int_equal(pmm_init(&p, base, 2 * PAGE_SIZE), 0);
	assert_int_equal(pmm_total_count(&p), 1);
	assert_int_equal(pmm_alloc_page(&p), base + PAGE_SIZE);
}

static void test_fresh_pool_hands_out_pages_bottom_up(void **state)
{
	(void)state;
	for (uint64_t i = 0; i < 16; i++) {
		uint64_t pa = pmm_alloc_page(&pool);

		assert_int_equal(pa, base + (META_PAGES + i) * PAGE_SIZE);
		assert_int_equal(pmm_page_state(&pool, pa), PMM_PAGE_USED);
		assert_int_equal(pmm_free_count(&pool), USABLE_PAGES - 1 - i);
	}
}

/* Alloc takes the head of the free list and free pushes onto it: the page
 * just freed is the next handed out, however fragmented the pool is, and
 * no search happens in between. */
static void test_alloc_and_free_are_constant_time_list_operations(void **state)
{
	static uint64_t pages[USABLE_PAGES];

	(void)state;
	for (size_t i = 0; i < USABLE_PAGES; i++)
		pages[i] = pmm_alloc_page(&pool);
	for (size_t i = 0; i < USABLE_PAGES; i += 2)
		assert_int_equal(pmm_free_page(&pool, pages[i]), 0);
	assert_int_equal(pmm_free_count(&pool), (USABLE_PAGES + 1) / 2);
	for (size_t i = 1; i < USABLE_PAGES; i += 64) {
		assert_int_equal(pmm_free_page(&pool, pages[i]), 0);
		assert_int_equal(pmm_alloc_page(&pool), pages[i]);
	}
	assert_int_equal(pmm_alloc_page(&pool), pages[USABLE_PAGES - 1 - (USABLE_PAGES - 1) % 2]);
}

static void test_pages_are_zeroed_when_handed_out(void **state)
{
	uint64_t pa, run;

	(void)state;
	pa = pmm_alloc_page(&pool);
	assert_true(page_is_zero(pa));	/* despite the 0xa5 fill in setup */
	memset((void *)(uintptr_t)pa, 0xff, PAGE_SIZE);
	assert_int_equal(pmm_free_page(&pool, pa), 0);
	assert_int_equal(pmm_alloc_page(&pool), pa);
	assert_true(page_is_zero(pa));

	run = pmm_alloc_pages(&pool, 64, PAGE_SIZE);
	for (uint64_t i = 0; i < 64; i++)
		assert_true(page_is_zero(run + i * PAGE_SIZE));
}

/* The links live outside the free pages, so scribbling on free pages (a
 * stray DMA, a use after free) cannot derail the allocator. */
static void test_writes_into_free_pages_do_not_corrupt_the_pool(void **state)
{
	(void)state;
	memset(buf + META_PAGES * PAGE_SIZE, 0xff, POOL_SIZE - META_PAGES * PAGE_SIZE);
	for (size_t i = 0; i < USABLE_PAGES; i++)
		assert_int_not_equal(pmm_alloc_page(&pool), 0);
	assert_int_equal(pmm_free_count(&pool), 0);
}

static __attribute__((noinline)) uint64_t alloc_from_here(struct pmm *p)
{
	return pmm_alloc_page(p);
}

/* The "caller 0x..." in the log points into the function that asked. */
static void assert_caller_is(const void *fn)
{
	const char *at = strstr(unit_log, "caller ");
	uintptr_t caller;

	assert_non_null(at);
	assert_int_equal(sscanf(at, "caller %" SCNxPTR, &caller), 1);
	assert_true(caller > (uintptr_t)fn && caller < (uintptr_t)fn + 256);
}

static void test_exhaustion_is_reported_with_the_caller(void **state)
{
	(void)state;
	for (size_t i = 0; i < USABLE_PAGES; i++)
		assert_int_not_equal(pmm_alloc_page(&pool), 0);
	assert_int_equal(alloc_from_here(&pool), 0);
	assert_log_contains("skiff: pmm: out of memory (2043 pages in pool, all in use), caller 0x");
	assert_caller_is((const void *)alloc_from_here);
	assert_int_equal(pmm_free_count(&pool), 0);
}

static __attribute__((noinline)) int free_from_here(struct pmm *p, uint64_t pa)
{
	return pmm_free_page(p, pa);
}

static void test_double_free_is_refused(void **state)
{
	uint64_t pa = pmm_alloc_page(&pool);
	char want[96];

	(void)state;
	pmm_alloc_page(&pool);
	assert_int_equal(pmm_free_page(&pool, pa), 0);
	snapshot();
	assert_int_equal(free_from_here(&pool, pa), -EINVAL);
	snprintf(want, sizeof(want), "skiff: pmm: double free of 0x%llx, caller 0x",
		 (unsigned long long)pa);
	assert_log_contains(want);
	assert_caller_is((const void *)free_from_here);
	assert_unchanged(USABLE_PAGES - 1);
	/* The list is intact: the page comes back once, not twice. */
	assert_int_equal(pmm_alloc_page(&pool), pa);
	assert_int_not_equal(pmm_alloc_page(&pool), pa);
}

static void test_foreign_and_unaligned_frees_are_refused(void **state)
{
	const uint64_t bad[] = { 0, base - PAGE_SIZE, base + POOL_SIZE, ~0ull & ~(PAGE_SIZE - 1) };
	uint64_t pa = pmm_alloc_page(&pool);
	char want[128];

	(void)state;
	snapshot();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_reset();
		assert_int_equal(pmm_free_page(&pool, bad[i]), -EINVAL);
		snprintf(want, sizeof(want), "skiff: pmm: free of 0x%llx, outside the pool 0x%llx-0x%llx",
			 (unsigned long long)bad[i], (unsigned long long)base,
			 (unsigned long long)base + POOL_SIZE - 1);
		assert_log_contains(want);
	}
	log_reset();
	assert_int_equal(pmm_free_page(&pool, pa + 8), -EINVAL);
	snprintf(want, sizeof(want), "skiff: pmm: free of unaligned address 0x%llx, caller 0x",
		 (unsigned long long)pa + 8);
	assert_log_contains(want);
	assert_unchanged(USABLE_PAGES - 1);
	assert_int_equal(pmm_page_state(&pool, pa), PMM_PAGE_USED);
}

static void test_pages_never_handed_out_are_refused(void **state)
{
	char want[128];

	(void)state;
	snapshot();
	for (uint64_t i = 0; i < META_PAGES; i++) {
		log_reset();
		assert_int_equal(pmm_free_page(&pool, base + i * PAGE_SIZE), -EINVAL);
		snprintf(want, sizeof(want), "free of 0x%llx, a page never handed out "
			 "(it holds the pool's bookkeeping), caller 0x",
			 (unsigned long long)base + i * PAGE_SIZE);
		assert_log_contains(want);
	}
	log_reset();
	assert_int_equal(pmm_free_page(&pool, base + POOL_SIZE - PAGE_SIZE), -EINVAL);
	snprintf(want, sizeof(want), "free of 0x%llx, a page never handed out, caller 0x",
		 (unsigned long long)base + POOL_SIZE - PAGE_SIZE);
	assert_log_contains(want);
	assert_unchanged(USABLE_PAGES);
}

/* Takes every 2 MiB-aligned 2 MiB run of p, expecting them at want[]. */
static void take_2m_runs(struct pmm *p, const uint64_t *want, size_t n)
{
	const size_t run = (2 * MIB) / PAGE_SIZE;

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(pmm_alloc_pages(p, run, 2 * MIB), want[i]);
		for (size_t k = 0; k < run; k++)
			assert_int_equal(pmm_page_state(p, want[i] + k * PAGE_SIZE), PMM_PAGE_USED);
	}
	assert_int_equal(pmm_alloc_pages(p, run, 2 * MIB), 0);
	assert_log_contains("skiff: pmm: no run of 512 free pages aligned to 0x200000");
}

static void test_runs_honour_2m_alignment(void **state)
{
	const size_t run = (2 * MIB) / PAGE_SIZE;
	/* The first 2 MiB holds the bookkeeping, so three runs remain. */
	const uint64_t want[] = { base + 2 * MIB, base + 4 * MIB, base + 6 * MIB };
	struct pmm shifted;

	(void)state;
	take_2m_runs(&pool, want, 3);
	assert_int_equal(pmm_free_count(&pool), USABLE_PAGES - 3 * run);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pmm_free_pages(&pool, want[i], run), 0);
	assert_int_equal(pmm_free_count(&pool), USABLE_PAGES);

	/* A pool that does not start on a 2 MiB boundary finds the same runs. */
	log_reset();
	assert_int_equal(pmm_init(&shifted, base + 7 * PAGE_SIZE, POOL_SIZE - 7 * PAGE_SIZE), 0);
	take_2m_runs(&shifted, want, 3);
}

static void test_run_skips_busy_pages(void **state)
{
	uint64_t first, busy, run;

	(void)state;
	first = pmm_alloc_pages(&pool, 8, 8 * PAGE_SIZE);
	assert_int_not_equal(first, 0);
	/* Free all but one page in the middle: a run of 8 cannot start there. */
	busy = first + 3 * PAGE_SIZE;
	assert_int_equal(pmm_free_pages(&pool, first, 3), 0);
	assert_int_equal(pmm_free_pages(&pool, busy + PAGE_SIZE, 4), 0);
	assert_int_equal(first, base + 8 * PAGE_SIZE);
	run = pmm_alloc_pages(&pool, 8, 8 * PAGE_SIZE);
	assert_int_equal(run, first + 8 * PAGE_SIZE);
	/* Page-aligned runs take the lowest gap that fits: after bookkeeping. */
	assert_int_equal(pmm_alloc_pages(&pool, 3, PAGE_SIZE), base + META_PAGES * PAGE_SIZE);
	assert_int_equal(pmm_alloc_pages(&pool, 3, PAGE_SIZE), first);
	assert_int_equal(pmm_alloc_pages(&pool, 2, PAGE_SIZE), busy + PAGE_SIZE);
}

/* Single pages come from the bottom up, past a run taken ahead of them,
 * until the pool is empty; each page once. */
static void test_single_pages_step_over_runs_taken_ahead(void **state)
{
	const size_t run_pages = (2 * MIB) / PAGE_SIZE;
	uint64_t run, pa, expect = base + META_PAGES * PAGE_SIZE;

	(void)state;
	run = pmm_alloc_pages(&pool, run_pages, 2 * MIB);
	assert_int_equal(run, base + 2 * MIB);
	for (size_t i = 0; i < USABLE_PAGES - run_pages; i++, expect += PAGE_SIZE) {
		if (expect == run)
			expect += 2 * MIB;
		pa = pmm_alloc_page(&pool);
		assert_int_equal(pa, expect);
	}
	assert_int_equal(pmm_free_count(&pool), 0);
	assert_int_equal(pmm_alloc_page(&pool), 0);
	/* Returned pages come back before anything else. */
	assert_int_equal(pmm_free_pages(&pool, run, 2), 0);
	assert_int_equal(pmm_alloc_page(&pool), run + PAGE_SIZE);
	assert_int_equal(pmm_alloc_page(&pool), run);
}

/* Starting a pool writes one state byte per page and no list: the links
 * of pages never handed out are left as they were (garbage here), which
 * keeps pmm_init() cheap for a pool of thousands of pages. */
static void test_init_threads_no_list_through_fresh_pages(void **state)
{
	const uint8_t *links = buf;	/* next[], then prev[]: 8 bytes a page */

	(void)state;
	for (size_t i = 0; i < 8 * POOL_PAGES; i++)
		assert_int_equal(links[i], 0xa5);
	for (size_t i = 0; i < POOL_PAGES; i++)
		assert_int_equal(pmm_page_state(&pool, base + i * PAGE_SIZE),
				 i < META_PAGES ? PMM_PAGE_META : PMM_PAGE_FRESH);
}

static void test_bad_run_requests_are_refused(void **state)
{
	(void)state;
	assert_int_equal(pmm_alloc_pages(&pool, 0, PAGE_SIZE), 0);
	assert_log_contains("skiff: pmm: bad request for 0 pages");
	assert_int_equal(pmm_alloc_pages(&pool, 1, 3 * PAGE_SIZE), 0);
	assert_int_equal(pmm_alloc_pages(&pool, 1, 2 * PMM_ALIGN_MAX), 0);
	assert_int_equal(pmm_alloc_pages(&pool, POOL_PAGES + 1, PAGE_SIZE), 0);
	/* Bookkeeping takes part of the pool, so a run of all of it fails. */
	assert_int_equal(pmm_alloc_pages(&pool, POOL_PAGES, PAGE_SIZE), 0);
	assert_log_contains("no run of 2048 free pages");
	/* Alignment below a page means a page; 1 GiB is allowed (and fails
	 * here only for want of a 1 GiB-aligned page in the pool, usually). */
	assert_int_not_equal(pmm_alloc_pages(&pool, 1, 1), 0);
	(void)pmm_alloc_pages(&pool, 1, PMM_ALIGN_MAX);
	assert_int_equal(pmm_free_count(&pool) >= USABLE_PAGES - 2, 1);
}

static void test_bad_page_in_a_run_free_frees_nothing(void **state)
{
	uint64_t run = pmm_alloc_pages(&pool, 4, PAGE_SIZE);

	(void)state;
	assert_int_equal(pmm_free_page(&pool, run + 2 * PAGE_SIZE), 0);
	snapshot();
	assert_int_equal(pmm_free_pages(&pool, run, 4), -EINVAL);
	assert_log_contains("double free of");
	assert_unchanged(USABLE_PAGES - 3);
	assert_int_equal(pmm_page_state(&pool, run), PMM_PAGE_USED);
	assert_int_equal(pmm_page_state(&pool, run + 3 * PAGE_SIZE), PMM_PAGE_USED);

	log_reset();
	assert_int_equal(pmm_free_pages(&pool, base + POOL_SIZE - PAGE_SIZE, 2), -EINVAL);
	assert_log_contains("not within the pool");
	assert_int_equal(pmm_free_pages(&pool, run, 0), -EINVAL);
	assert_int_equal(pmm_free_pages(&pool, run, SIZE_MAX / 2), -EINVAL);
	assert_unchanged(USABLE_PAGES - 3);
}

/* Many rounds of mixed single and run allocations: afterwards every page
 * is free again and the whole usable pool is still one run. */
static void test_counts_return_after_alloc_free_cycles(void **state)
{
	static uint64_t held[512];
	static size_t held_n[512];
	uint64_t rng = 88172645463325252ull;

	(void)state;
	for (int round = 0; round < 20; round++) {
		size_t n = 0;

		for (; n < 512; n++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			held_n[n] = rng % 3 ? 1 : 1 + rng % 7;
			held[n] = held_n[n] == 1 ? pmm_alloc_page(&pool)
						  : pmm_alloc_pages(&pool, held_n[n], PAGE_SIZE << (rng % 4));
			if (!held[n])
				break;
		}
		while (n-- > 0)
			assert_int_equal(pmm_free_pages(&pool, held[n], held_n[n]), 0);
		assert_int_equal(pmm_free_count(&pool), USABLE_PAGES);
	}
	assert_int_equal(pmm_alloc_pages(&pool, USABLE_PAGES, PAGE_SIZE), base + META_PAGES * PAGE_SIZE);
	assert_int_equal(pmm_free_count(&pool), 0);
}

static void test_global_pool(void **state)
{
	(void)state;
	assert_ptr_equal(pmm_global(), pmm_global());
	/* Before init the global pool is empty, and says so. */
	assert_int_equal(pmm_alloc_page(pmm_global()), 0);
	assert_log_contains("out of memory (0 pages in pool");
	assert_int_equal(pmm_free_page(pmm_global(), base), -EINVAL);
	assert_int_equal(pmm_init(pmm_global(), base, POOL_SIZE), 0);
	assert_int_equal(pmm_alloc_page(pmm_global()), base + META_PAGES * PAGE_SIZE);
}

#define WITH_POOL(test)	cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		WITH_POOL(test_init_carves_bookkeeping_from_the_pool),
		WITH_POOL(test_init_rejects_unusable_regions),
		WITH_POOL(test_fresh_pool_hands_out_pages_bottom_up),
		WITH_POOL(test_alloc_and_free_are_constant_time_list_operations),
		WITH_POOL(test_pages_are_zeroed_when_handed_out),
		WITH_POOL(test_writes_into_free_pages_do_not_corrupt_the_pool),
		WITH_POOL(test_exhaustion_is_reported_with_the_caller),
		WITH_POOL(test_double_free_is_refused),
		WITH_POOL(test_foreign_and_unaligned_frees_are_refused),
		WITH_POOL(test_pages_never_handed_out_are_refused),
		WITH_POOL(test_runs_honour_2m_alignment),
		WITH_POOL(test_run_skips_busy_pages),
		WITH_POOL(test_single_pages_step_over_runs_taken_ahead),
		WITH_POOL(test_init_threads_no_list_through_fresh_pages),
		WITH_POOL(test_bad_run_requests_are_refused),
		WITH_POOL(test_bad_page_in_a_run_free_frees_nothing),
		WITH_POOL(test_counts_return_after_alloc_free_cycles),
		WITH_POOL(test_global_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
