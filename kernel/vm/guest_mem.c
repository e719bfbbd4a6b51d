/* Checked access to guest RAM; see guest_mem.h (the checks are inline there). */
#include "vm/guest_mem.h"

uint64_t guest_mem_bytes(const struct guest_mem *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->count; i++)
		total += range_size(m->ranges[i]);
	return total;
}

bool guest_mem_place(const struct guest_mem *m, uint64_t min, uint64_t size, uint64_t align,
		     uint64_t limit, uint64_t *gpa)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct phys_range *r = &m->ranges[i];
		uint64_t at = align_up_sat(r->base > min ? r->base : min, align);

		if (at >= r->end || r->end - at < size)
			continue;
		if (at >= limit || limit - at < size)
			continue;
		*gpa = at;
		return true;
	}
	return false;
}
