/* Physical address ranges, half-open [base, end), and small sets of them. */
#ifndef SKIFF_MM_RANGE_H
#define SKIFF_MM_RANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE	4096ull
#define PAGE_SHIFT	12
#define SIZE_2M		(2ull << 20)
#define SIZE_1G		(1ull << 30)

struct phys_range {
	uint64_t base;
	uint64_t end;		/* one past the last byte */
};

static inline uint64_t align_down(uint64_t x, uint64_t a) { return x & ~(a - 1); }
static inline uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }
static inline bool is_aligned(uint64_t x, uint64_t a) { return (x & (a - 1)) == 0; }

#endif
