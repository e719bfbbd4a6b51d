/* The local APIC, xAPIC mode; see apic.h. */
#include <stddef.h>

#include "apic.h"
#include "fault.h"
#include "x86.h"

#define APIC_BASE_X2APIC	(1u << 10)	/* IA32_APIC_BASE (SDM 11.4.4) */
#define APIC_BASE_ENABLE	(1u << 11)
#define APIC_BASE_ADDR_MASK	0xfffff000u
#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_SPURIOUS_VECTOR	0xff
#define APIC_LVT_MASKED		(1u << 16)	/* timer mode 0: one-shot */
#define APIC_DIVIDE_BY_1	0xb

const char *apic_find(uint32_t *base)
{
	uint64_t msr;

	if (rdmsr_safe(MSR_IA32_APIC_BASE, &msr) != FAULT_NONE)
		return "RDMSR IA32_APIC_BASE faulted";
	if (!(msr & APIC_BASE_ENABLE))
		return "the local APIC is disabled";
	if (msr & APIC_BASE_X2APIC)
		return "the local APIC is in x2APIC mode: no MMIO";
	*base = (uint32_t)msr & APIC_BASE_ADDR_MASK;
	return NULL;
}

void apic_timer_start(uint32_t base, uint8_t vector, uint32_t count)
{
	mmio_write32(base + APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	mmio_write32(base + APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	mmio_write32(base + APIC_LVT_TIMER, vector);
	mmio_write32(base + APIC_TIMER_INITIAL, count);
}

void apic_timer_stop(uint32_t base, uint8_t vector)
{
	mmio_write32(base + APIC_LVT_TIMER, APIC_LVT_MASKED | vector);
	mmio_write32(base + APIC_TIMER_INITIAL, 0);
}

void apic_eoi(uint32_t base)
{
	mmio_write32(base + APIC_EOI, 0);
}

bool apic_requested(uint32_t base, uint8_t vector)
{
	uint32_t irr = mmio_read32(base + APIC_IRR + 0x10 * (vector / 32));

	return (irr >> (vector % 32)) & 1;
}
