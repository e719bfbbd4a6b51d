/*
 * guest_linear_to_phys() and guest_fetch(), the walk of the guest's own
 * paging that skiff does to read an MMIO store's instruction: the guest
 * writes every table it walks and every control register it starts from.
 *
 * Input: CR0, CR3, CR4 and EFER (8 bytes each), a linear address (8), a
 * fetch length (1), then the bytes of guest RAM: GUEST_PAGES pages at
 * guest-physical 0, the rest zero.  Guest RAM sits in a buffer whose end is
 * poisoned, and a second range follows a hole, so a read of a table or a
 * byte outside guest RAM is an AddressSanitizer report.  Checked:
 *  - a walk gives 0 or -1;
 *  - a fetch copies at most n bytes, and exactly the bytes of guest RAM
 *    at the addresses the walk gives for each of them (a page at a time);
 *  - a fetch that stops short stops at an address the walk cannot
 *    translate, or whose byte is not guest RAM.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "vm/guest_walk.h"

#define GUEST_PAGES	16
#define PAGE		4096u
#define HOLE_START	(GUEST_PAGES * PAGE)
#define HIGH_BASE	(HOLE_START + 2 * PAGE)		/* after a two-page hole */
#define HIGH_PAGES	4
#define FETCH_MAX	15

static uint8_t *ram;	/* [0, HOLE_START) and [HIGH_BASE, + HIGH_PAGES pages) */

static const struct phys_range ranges[] = {
	{ .base = 0, .end = HOLE_START },
	{ .base = HIGH_BASE, .end = HIGH_BASE + HIGH_PAGES * PAGE },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { .p = data, .n = size };
	struct guest_paging p;
	struct guest_mem mem;
	uint64_t lin, gpa;
	uint8_t buf[FETCH_MAX];
	size_t n, got;

	if (!ram) {
		ram = aligned_alloc(PAGE, HIGH_BASE + HIGH_PAGES * PAGE);
		if (!ram)
			abort();
	}
	fuzz_unpoison(ram, HIGH_BASE + HIGH_PAGES * PAGE);
	memset(ram, 0, HIGH_BASE + HIGH_PAGES * PAGE);
	p.cr0 = fuzz_u64(&in);
	p.cr3 = fuzz_u64(&in);
	p.cr4 = fuzz_u64(&in);
	p.efer = fuzz_u64(&in);
	lin = fuzz_u64(&in);
	n = fuzz_u8(&in) % (FETCH_MAX + 1);
	fuzz_bytes(&in, ram, HOLE_START);
	fuzz_bytes(&in, ram + HIGH_BASE, HIGH_PAGES * PAGE);
	fuzz_poison(ram + HOLE_START, HIGH_BASE - HOLE_START);	/* the hole */
	mem = (struct guest_mem){ .ranges = ranges, .count = 2, .bias = (uintptr_t)ram };

	{
		int rc = guest_linear_to_phys(&mem, &p, lin, &gpa);

		if (rc != 0 && rc != -1)
			fuzz_fail(__FILE__, __LINE__, "walk gave %d", rc);
	}
	memset(buf, 0xcc, sizeof(buf));
	got = guest_fetch(&mem, &p, lin, buf, n);
	if (got > n)
		fuzz_fail(__FILE__, __LINE__, "fetched %zu of %zu", got, n);
	for (size_t i = 0; i < got; i++) {
		const uint8_t *src;

		if (guest_linear_to_phys(&mem, &p, lin + i, &gpa) < 0)
			fuzz_fail(__FILE__, __LINE__, "byte %zu fetched, its address does not walk", i);
		src = guest_mem_ptr(&mem, gpa, 1);
		if (!src || *src != buf[i])
			fuzz_fail(__FILE__, __LINE__, "byte %zu is not guest RAM's at 0x%llx", i,
				  (unsigned long long)gpa);
	}
	if (got < n && guest_linear_to_phys(&mem, &p, lin + got, &gpa) == 0 &&
	    guest_mem_ptr(&mem, gpa, 1) && ((lin + got) & (PAGE - 1)) == 0)
		fuzz_fail(__FILE__, __LINE__, "stopped at byte %zu, a page that walks to RAM", got);
	return 0;
}
