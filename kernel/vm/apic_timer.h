/*
 * A local APIC timer in software (SDM Vol. 3A 11.5.4 "APIC Timer"): the
 * guest's, when skiff takes the real one for itself (svm/own_timer.h).
 * The guest programs it through the same three registers, the LVT timer
 * entry (mask, one-shot or periodic, vector), the divide configuration and
 * the initial count, and reads the current count; the model keeps time in
 * the CPU's TSC, converted by the real timer's rate, which skiff measures.
 * Pure: the TSC comes in as an argument, for the host tests.
 */
#ifndef SKIFF_VM_APIC_TIMER_H
#define SKIFF_VM_APIC_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* The registers' offsets in the xAPIC page (SDM table 11-1). */
#define APIC_REG_TPR		0x080
#define APIC_REG_EOI		0x0b0
#define APIC_REG_SVR		0x0f0
#define APIC_REG_ISR		0x100	/* 8 registers, 0x10 apart */
#define APIC_REG_TMR		0x180	/* trigger mode: 1 level */
#define APIC_REG_IRR		0x200
#define APIC_REG_ICR_LOW	0x300
#define APIC_REG_PPR		0x0a0
#define APIC_REG_LVT_TIMER	0x320
#define APIC_REG_LVT_LINT0	0x350
#define APIC_REG_TMICT		0x380	/* initial count */
#define APIC_REG_TMCCT		0x390	/* current count */
#define APIC_REG_TDCR		0x3e0	/* divide configuration */

/* LVT timer entry (SDM figure 11-8). */
#define APIC_LVT_VECTOR		0xffu
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_LVT_MODE_MASK	(3u << 17)
#define APIC_LVT_PERIODIC	(1u << 17)
/* What a write keeps: no delivery status (bit 12, read-only and 0 here). */
#define APIC_LVT_TIMER_BITS	(APIC_LVT_VECTOR | APIC_LVT_MASKED | APIC_LVT_MODE_MASK)
#define APIC_TDCR_BITS		0xbu	/* bits 0, 1, 3 (figure 11-10) */
#define APIC_TDCR_DIV1		0xbu
#define APIC_SVR_ENABLE		(1u << 8)

struct apic_timer {
	uint32_t lvt, initial, tdcr;	/* as the guest wrote them (the bits that exist) */
	uint64_t deadline;		/* TSC of the next count to 0; 0: not counting */
	/* TSC ticks per timer tick at divide 1, times 2^32: the real timer's rate. */
	uint64_t tsc_per_tick_fp;
};

/* After reset (SDM 11.4.7.1): masked, one-shot, vector 0, divide by 2, stopped. */
void apic_timer_reset(struct apic_timer *t, uint64_t tsc_per_tick_fp);

/* The divide value of a TDCR (figure 11-10): 1, 2, 4, ... 128. */
unsigned apic_timer_divide(uint32_t tdcr);

/* TSC ticks for count timer ticks at t's divide (saturates). */
uint64_t apic_timer_tsc_for(const struct apic_timer *t, uint64_t count);

void apic_timer_write_lvt(struct apic_timer *t, uint32_t value);
void apic_timer_write_tdcr(struct apic_timer *t, uint32_t value);
/* Starts a count at now (0 stops the timer, 11.5.4). */
void apic_timer_write_initial(struct apic_timer *t, uint32_t value, uint64_t now);
/* The current count at now: 0 once a one-shot count ended or when stopped. */
uint32_t apic_timer_current(const struct apic_timer *t, uint64_t now);

/*
 * At now: whether the count reached 0 since the last call (once, however
 * many periods passed: an APIC holds one interrupt per vector, 11.8.4).  A
 * periodic count starts again from the initial count at the deadline, a
 * one-shot one stops.  The caller delivers the vector unless the entry is
 * masked.
 */
bool apic_timer_expire(struct apic_timer *t, uint64_t now);

#endif
