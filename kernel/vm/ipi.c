/* See ipi.h: the ICR's decoding, pure, for the host tests; vm.c acts on it. */
#include "vm/ipi.h"

struct vm_icr vm_icr_decode(uint64_t icr)
{
	uint32_t low = (uint32_t)icr;
	struct vm_icr d = {
		.mode = (low >> ICR_MODE_SHIFT) & 7,
		.shorthand = (enum icr_shorthand)((low >> ICR_SHORTHAND_SHIFT) & 3),
		.logical = low & ICR_LOGICAL,
		.dest = (uint32_t)(icr >> 32),
	};

	d.init_deassert = d.mode == ICR_MODE_INIT && !(low & ICR_ASSERT) && (low & ICR_LEVEL);
	return d;
}

#define XAPIC_DEST_SHIFT	24
#define XAPIC_BROADCAST		0xffu

uint64_t vm_icr_from_xapic(uint32_t low, uint32_t high)
{
	uint32_t dest = high >> XAPIC_DEST_SHIFT;

	return (uint64_t)(dest == XAPIC_BROADCAST ? X2APIC_BROADCAST : dest) << 32 | low;
}

/* x2APIC logical ID: cluster (ID bits 31:4) in 31:16, one bit of 15:0
 * for the ID's low four bits (SDM 11.12.10.2). */
static uint32_t logical_id(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

bool vm_icr_reaches(const struct vm_icr *icr, uint32_t self, uint32_t id)
{
	switch (icr->shorthand) {
	case ICR_TO_SELF:
		return id == self;
	case ICR_TO_ALL:
		return true;
	case ICR_TO_OTHERS:
		return id != self;
	case ICR_TO_DEST:
		break;
	}
	if (icr->dest == X2APIC_BROADCAST)
		return true;
	if (!icr->logical)
		return icr->dest == id;
	return (icr->dest >> 16) == (logical_id(id) >> 16) &&
	       (icr->dest & logical_id(id) & 0xffff) != 0;
}
