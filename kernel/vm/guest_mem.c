/* Checked access to guest RAM; see guest_mem.h. */
#include "vm/guest_mem.h"

bool guest_mem_contains(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa)
		return false;	/* wraps the address space */
	for (size_t i = 0; i < m->count; i++) {
		const struct phys_range *r = &m->ranges[i];

		if (gpa >= r->base && gpa <= r->end)
			return gpa + len <= r->end;
	}
	return false;
}

void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (!guest_mem_contains(m, gpa, len))
		return NULL;
	return (void *)(uintptr_t)(gpa + m->bias);
}

uint64_t guest_mem_bytes(const struct guest_mem *m)
{
	uint64_t total = 0;

	for (size_t i = 0; i < m->count; i++)
		total += range_size(m->ranges[i]);
	return total;
}
