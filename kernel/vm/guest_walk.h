/*
 * The guest's own paging, walked in software: where a linear address of
 * the guest's lands in guest-physical memory (SDM Vol. 3A 4.3 32-bit
 * paging, 4.4 PAE paging, 4.5 4-level and 5-level paging).  skiff needs
 * it for one thing: the bytes of the instruction that made an MMIO access
 * skiff emulates (vm/mmio_insn.h).  Every paging-structure entry and every
 * byte is read only where it is guest RAM (guest_mem_ptr()): a guest that
 * points its CR3 or its tables at skiff's memory gets a failed walk, never
 * skiff's bytes.  Rights are not checked: the CPU has just fetched and run
 * the instruction, so the guest may.
 *
 * Pure, for the host tests.
 */
#ifndef SKIFF_VM_GUEST_WALK_H
#define SKIFF_VM_GUEST_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "vm/guest_mem.h"

/* The guest's control registers, as the VMCS holds them. */
struct guest_paging {
	uint64_t cr0, cr3, cr4, efer;
};

/* Guest-physical address of linear, in *gpa: 0, or -1 when an entry is
 * not present or not in guest RAM. */
int guest_linear_to_phys(const struct guest_mem *m, const struct guest_paging *p,
			 uint64_t linear, uint64_t *gpa);

/* Copies up to n bytes of the guest's memory at linear into buf, a page at
 * a time; the count copied, fewer than n when a page does not translate
 * or is not guest RAM. */
size_t guest_fetch(const struct guest_mem *m, const struct guest_paging *p, uint64_t linear,
		   uint8_t *buf, size_t n);

#endif
