/*
 * The guest's RAM as skiff sees it: the normalised set of guest-physical
 * ranges the layout gave the guest (mm_layout.guest), and how skiff reaches
 * them.  Guest memory is identity-mapped, so in skiff a guest-physical
 * address is also the address skiff uses (bias 0); host tests place the
 * same ranges in a buffer and set bias to its offset.
 *
 * Every guest pointer skiff follows goes through guest_mem_ptr(), which
 * answers NULL unless the whole span lies in one guest range: a span that
 * wraps, touches skiff's pages or crosses a hole between ranges is refused,
 * and so is an empty span whose address is not guest RAM.
 */
#ifndef SKIFF_VM_GUEST_MEM_H
#define SKIFF_VM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/range.h"

struct guest_mem {
	const struct phys_range *ranges;	/* normalised, guest-physical */
	size_t count;
	uintptr_t bias;				/* host address = gpa + bias */
};

/* The two checks are inline: the VMCALL fast path (vmx/exit_fast.c) uses
 * them and must not call out. */

/* True when gpa is a byte of guest RAM and [gpa, gpa + len) lies wholly
 * inside its range.  The pointer is checked whatever the length: a buffer
 * of length 0 at a gpa outside guest RAM (the end of a range included,
 * which may be where skiff's pages start) is refused like any other, so a
 * guest learns nothing from a zero length that a longer one would not
 * tell it.  len <= end - gpa cannot wrap: gpa < end. */
static inline bool guest_mem_contains(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	for (size_t i = 0; i < m->count; i++) {
		const struct phys_range *r = &m->ranges[i];

		if (gpa >= r->base && gpa < r->end)
			return len <= r->end - gpa;
	}
	return false;
}

/* Where skiff reaches [gpa, gpa + len), or NULL when it is not all guest RAM. */
static inline void *guest_mem_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	if (!guest_mem_contains(m, gpa, len))
		return NULL;
	return (void *)(uintptr_t)(gpa + m->bias);
}

/* Total bytes of guest RAM. */
uint64_t guest_mem_bytes(const struct guest_mem *m);

/*
 * The lowest address at or above min, aligned to align (a power of two),
 * where size bytes lie wholly in one guest RAM range and end at or below
 * limit.  True with *gpa set, false when there is no such place.  Prints
 * nothing: each caller says what it was placing.
 */
bool guest_mem_place(const struct guest_mem *m, uint64_t min, uint64_t size, uint64_t align,
		     uint64_t limit, uint64_t *gpa);

#endif
