/* Checked access to guest RAM; see guest_mem.h (the checks are inline there). */
#include "vm/guest_mem.h"

uint64_t guest_mem_bytes(const struct guest_mem *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->count; i++)
		total += range_size(m->ranges[i]);
	return total;
}
