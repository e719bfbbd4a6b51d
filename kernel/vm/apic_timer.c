/* See apic_timer.h. */
#include "vm/apic_timer.h"

void apic_timer_reset(struct apic_timer *t, uint64_t tsc_per_tick_fp)
{
	*t = (struct apic_timer){ .lvt = APIC_LVT_MASKED, .tsc_per_tick_fp = tsc_per_tick_fp };
}

unsigned apic_timer_divide(uint32_t tdcr)
{
	unsigned code = (tdcr & 3) | ((tdcr & 8) >> 1);

	return code == 7 ? 1 : 2u << code;
}

uint64_t apic_timer_tsc_for(const struct apic_timer *t, uint64_t count)
{
	unsigned __int128 tsc = (unsigned __int128)count * apic_timer_divide(t->tdcr) *
				t->tsc_per_tick_fp >> 32;

	return tsc > UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)tsc;
}

void apic_timer_write_lvt(struct apic_timer *t, uint32_t value)
{
	t->lvt = value & APIC_LVT_TIMER_BITS;
}

void apic_timer_write_tdcr(struct apic_timer *t, uint32_t value)
{
	t->tdcr = value & APIC_TDCR_BITS;
}

void apic_timer_write_initial(struct apic_timer *t, uint32_t value, uint64_t now)
{
	t->initial = value;
	t->deadline = value ? now + apic_timer_tsc_for(t, value) : 0;
	if (value && t->deadline == 0)
		t->deadline = 1;
}

uint32_t apic_timer_current(const struct apic_timer *t, uint64_t now)
{
	uint64_t per, left, until;

	if (!t->deadline)
		return 0;
	if (now < t->deadline) {
		until = t->deadline - now;
	} else if ((t->lvt & APIC_LVT_MODE_MASK) == APIC_LVT_PERIODIC) {
		uint64_t period = apic_timer_tsc_for(t, t->initial);

		/* past a deadline not yet expired: the count runs on from the top */
		until = period ? period - (now - t->deadline) % period : 0;
	} else {
		return 0;
	}
	per = apic_timer_tsc_for(t, 1);
	if (per == 0)
		per = 1;
	left = (until + per - 1) / per;
	return left > t->initial ? t->initial : (uint32_t)left;
}

bool apic_timer_expire(struct apic_timer *t, uint64_t now)
{
	uint64_t period;

	if (!t->deadline || now < t->deadline)
		return false;
	if ((t->lvt & APIC_LVT_MODE_MASK) != APIC_LVT_PERIODIC) {
		t->deadline = 0;
		return true;
	}
	period = apic_timer_tsc_for(t, t->initial);
	if (period == 0)
		period = 1;
	t->deadline += ((now - t->deadline) / period + 1) * period;
	return true;
}
