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

/* The highest page-aligned address; align_up() past it would wrap to 0. */
#define PAGE_ADDR_MAX	(~(PAGE_SIZE - 1))

/* An inverted range (end below base) counts as empty, never as huge. */
static inline uint64_t range_size(struct phys_range r)
{
	return r.end > r.base ? r.end - r.base : 0;
}

static inline bool range_is_empty(struct phys_range r) { return r.end <= r.base; }

static inline bool range_overlaps(struct phys_range a, struct phys_range b)
{
	return a.base < b.end && b.base < a.end && !range_is_empty(a) && !range_is_empty(b);
}

/* align_up() that saturates at the top of the address space instead of
 * wrapping, for ends of ranges that reach the last page. */
static inline uint64_t align_up_sat(uint64_t x, uint64_t a)
{
	return x > ~0ull - (a - 1) ? ~0ull : align_up(x, a);
}

/*
 * Sets of ranges live in caller-provided fixed arrays (r, with *n in use out
 * of cap), so that mm needs no heap before its own allocator exists.  A set
 * is "normalised" when sorted by base, with no empty, overlapping or
 * touching ranges; the operations below that say so require it.
 * Those that would outgrow an array return -ENOSPC: a set changed in place
 * is then left as it was; an output array holds nothing meaningful.
 */

/* Appends one range (an empty one is skipped); the set need not stay sorted. */
int ranges_append(struct phys_range *r, size_t *n, size_t cap, struct phys_range add);

/* Sorts, merges overlapping and touching ranges, drops empty ones, in place.
 * Returns the new count. */
size_t ranges_normalize(struct phys_range *r, size_t n);

/* Removes cut from a normalised set in place; it stays normalised.  Cutting
 * a hole in the middle of a range needs one more slot. */
int ranges_remove(struct phys_range *r, size_t *n, size_t cap, struct phys_range cut);

/* out = a minus b, and out = a intersected with b; a and b normalised, out
 * must not alias them and comes out normalised.  Return the number of
 * ranges in out, or -ENOSPC when more than cap would be needed. */
int ranges_subtract(const struct phys_range *a, size_t na,
		    const struct phys_range *b, size_t nb,
		    struct phys_range *out, size_t cap);
int ranges_intersect(const struct phys_range *a, size_t na,
		     const struct phys_range *b, size_t nb,
		     struct phys_range *out, size_t cap);

/* Bytes covered by a normalised set (disjoint, so the sum cannot wrap). */
uint64_t ranges_total(const struct phys_range *r, size_t n);

/* Bytes of a normalised set that lie inside one range. */
uint64_t ranges_overlap_bytes(const struct phys_range *r, size_t n, struct phys_range with);

/* True when the whole page holding pa lies in one range of a normalised set. */
bool ranges_contain_page(const struct phys_range *r, size_t n, uint64_t pa);

#endif
