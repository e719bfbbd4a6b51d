/*
 * Sets of physical ranges in fixed arrays.  The sets mm deals with hold a few
 * hundred ranges at most (the firmware's memory map), so the simple quadratic
 * sort and in-place shifting below cost nothing worth a cleverer structure.
 */
#include "mm/range.h"

#include "lib/errno.h"
#include "lib/string.h"

int ranges_append(struct phys_range *r, size_t *n, size_t cap, struct phys_range add)
{
	if (range_is_empty(add))
		return 0;
	if (*n >= cap)
		return -ENOSPC;
	r[(*n)++] = add;
	return 0;
}

/* Insertion sort: stable, no recursion, no heap, and fast on the nearly
 * sorted maps that firmware produces. */
static void ranges_sort(struct phys_range *r, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct phys_range key = r[i];
		size_t j = i;

		while (j > 0 && r[j - 1].base > key.base) {
			r[j] = r[j - 1];
			j--;
		}
		r[j] = key;
	}
}

size_t ranges_normalize(struct phys_range *r, size_t n)
{
	size_t out = 0;

	ranges_sort(r, n);
	for (size_t i = 0; i < n; i++) {
		if (range_is_empty(r[i]))
			continue;
		/* Touching ranges merge too, so a set has one spelling. */
		if (out > 0 && r[i].base <= r[out - 1].end) {
			if (r[i].end > r[out - 1].end)
				r[out - 1].end = r[i].end;
			continue;
		}
		r[out++] = r[i];
	}
	return out;
}

/* Opens a gap of one slot at index at (shifting the tail up). */
static int ranges_insert_at(struct phys_range *r, size_t *n, size_t cap, size_t at,
			    struct phys_range add)
{
	if (*n >= cap)
		return -ENOSPC;
	memmove(&r[at + 1], &r[at], (*n - at) * sizeof(r[0]));
	r[at] = add;
	(*n)++;
	return 0;
}

int ranges_remove(struct phys_range *r, size_t *n, size_t cap, struct phys_range cut)
{
	size_t out = 0;

	if (range_is_empty(cut))
		return 0;
	for (size_t i = 0; i < *n; i++) {
		struct phys_range cur = r[i];

		if (!range_overlaps(cur, cut)) {
			r[out++] = cur;
			continue;
		}
		if (cur.base < cut.base && cur.end > cut.end) {
			/* A hole in the middle: the only case that grows the set.
			 * Nothing was dropped before it (a normalised set has
			 * one range overlapping cut here), so out == i and the
			 * set is still intact if there is no room. */
			if (*n >= cap)
				return -ENOSPC;
			r[i].end = cut.base;
			return ranges_insert_at(r, n, cap, i + 1,
						(struct phys_range){ cut.end, cur.end });
		}
		if (cur.base < cut.base)
			r[out++] = (struct phys_range){ cur.base, cut.base };
		else if (cur.end > cut.end)
			r[out++] = (struct phys_range){ cut.end, cur.end };
	}
	*n = out;
	return 0;
}

int ranges_subtract(const struct phys_range *a, size_t na,
		    const struct phys_range *b, size_t nb,
		    struct phys_range *out, size_t cap)
{
	size_t n = 0, j = 0;

	for (size_t i = 0; i < na; i++) {
		uint64_t cur = a[i].base;

		/* b is sorted, so ranges of b wholly before this one can
		 * never matter again: one pass over each set. */
		while (j < nb && b[j].end <= cur)
			j++;
		for (size_t k = j; k < nb && b[k].base < a[i].end && cur < a[i].end; k++) {
			struct phys_range piece = { cur, b[k].base };

			if (ranges_append(out, &n, cap, piece))
				return -ENOSPC;
			if (b[k].end > cur)
				cur = b[k].end;
		}
		if (ranges_append(out, &n, cap, (struct phys_range){ cur, a[i].end }))
			return -ENOSPC;
	}
	return (int)n;
}

int ranges_intersect(const struct phys_range *a, size_t na,
		     const struct phys_range *b, size_t nb,
		     struct phys_range *out, size_t cap)
{
	size_t n = 0, i = 0, j = 0;

	while (i < na && j < nb) {
		struct phys_range both = {
			a[i].base > b[j].base ? a[i].base : b[j].base,
			a[i].end < b[j].end ? a[i].end : b[j].end,
		};

		if (ranges_append(out, &n, cap, both))
			return -ENOSPC;
		/* Whichever ends first cannot meet anything further on. */
		if (a[i].end < b[j].end)
			i++;
		else
			j++;
	}
	return (int)n;
}

uint64_t ranges_total(const struct phys_range *r, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += range_size(r[i]);
	return sum;
}

uint64_t ranges_overlap_bytes(const struct phys_range *r, size_t n, struct phys_range with)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++) {
		struct phys_range both = {
			r[i].base > with.base ? r[i].base : with.base,
			r[i].end < with.end ? r[i].end : with.end,
		};

		sum += range_size(both);
	}
	return sum;
}

bool ranges_contain_page(const struct phys_range *r, size_t n, uint64_t pa)
{
	uint64_t page = align_down(pa, PAGE_SIZE);
	size_t lo = 0, hi = n;

	/* Binary search for the last range starting at or below the page. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].base <= page)
			lo = mid;
		else
			hi = mid;
	}
	if (n == 0 || r[lo].base > page)
		return false;
	/* Written as a difference so a page at the top cannot wrap. */
	return r[lo].end > page && r[lo].end - page >= PAGE_SIZE;
}
