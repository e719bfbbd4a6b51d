/*
 * The local APIC's ID and ICR (lapic.h).  Every xAPIC access is a 32-bit
 * load or store (SDM Vol. 3A 11.4.1: the registers are 32 bits wide and
 * must be accessed with aligned 32-bit accesses).  The identity map
 * covers the APIC page (below 4 GiB), and its MTRR type makes it UC.
 */
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "x86.h"

/* How long an xAPIC may keep an IPI "send pending" (ICR bit 12). */
#define SEND_PENDING_MAX_MS	10

static uint64_t xapic_base;
static bool x2apic;

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);

	x2apic = (base & APIC_BASE_EXTD) != 0;
	xapic_base = base & APIC_BASE_ADDR_MASK;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

static uint32_t xapic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(xapic_base + reg);
}

static void xapic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(xapic_base + reg) = v;
}

uint32_t lapic_xapic_read(uint32_t reg)
{
	return xapic_read(reg);
}

void lapic_xapic_write(uint32_t reg, uint32_t value)
{
	xapic_write(reg, value);
}

uint32_t lapic_id(void)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_APICID);
	return xapic_read(XAPIC_ID) >> 24;	/* bits 31:24, SDM 11.4.6 */
}

/*
 * Once the guest runs it owns the local APIC of every CPU it has: it may
 * have switched this one to x2APIC mode, or be half-way through its own
 * IPI (ICR_HIGH written, ICR_LOW not yet).  So the mode is read afresh,
 * an IPI the APIC is still sending is waited for, and the guest's
 * ICR_HIGH is put back afterwards.
 */
bool lapic_send_ipi(uint32_t dest, uint32_t icr_low)
{
	uint64_t base = rdmsr(MSR_IA32_APIC_BASE);
	uint64_t icr, end;
	uint32_t high;

	if (base & APIC_BASE_EXTD) {
		wrmsr(MSR_X2APIC_ICR, lapic_icr_value(icr_low, dest, true));
		return true;
	}
	if (dest > XAPIC_MAX_ID || !(base & APIC_BASE_ENABLE) ||
	    (base & APIC_BASE_ADDR_MASK) != xapic_base)
		return false;	/* disabled, or moved: not skiff's to follow */
	end = rdtsc() + tsc_ticks_for_ms(SEND_PENDING_MAX_MS);
	while (xapic_read(XAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) {
		if (rdtsc() > end)
			return false;
		pause();
	}
	high = xapic_read(XAPIC_ICR_HIGH);
	icr = lapic_icr_value(icr_low, dest, false);
	xapic_write(XAPIC_ICR_HIGH, (uint32_t)(icr >> 32));
	xapic_write(XAPIC_ICR_LOW, (uint32_t)icr);	/* this write sends */
	end = rdtsc() + tsc_ticks_for_ms(SEND_PENDING_MAX_MS);
	while (xapic_read(XAPIC_ICR_LOW) & ICR_DELIVERY_PENDING) {
		if (rdtsc() > end)
			break;
		pause();
	}
	xapic_write(XAPIC_ICR_HIGH, high);
	return !(xapic_read(XAPIC_ICR_LOW) & ICR_DELIVERY_PENDING);
}
