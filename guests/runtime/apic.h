/*
 * The local APIC in xAPIC mode (SDM Vol. 3A chapter 11): where it is, its
 * one-shot timer, end of interrupt.  Guests run with paging off, so the
 * MMIO base from IA32_APIC_BASE is used as it is.
 */
#ifndef GUEST_APIC_H
#define GUEST_APIC_H

#include <stdbool.h>
#include <stdint.h>

/* xAPIC register offsets (SDM 11.4.1, table "Local APIC Register Address Map") */
#define APIC_ID			0x020
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_IRR		0x200	/* 8 registers, 0x10 apart: vectors 0-255 */
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_INITIAL	0x380
#define APIC_TIMER_DIVIDE	0x3e0

/*
 * Finds the xAPIC: 0 with its MMIO base in *base, or a short reason it
 * cannot be used ("RDMSR IA32_APIC_BASE raised #GP", "disabled", "in
 * x2APIC mode").
 */
const char *apic_find(uint32_t *base);

/* Software-enables the APIC and starts its timer once: vector after
 * count ticks of the bus clock (divide by 1). */
void apic_timer_start(uint32_t base, uint8_t vector, uint32_t count);

/* Masks and stops the timer. */
void apic_timer_stop(uint32_t base, uint8_t vector);

void apic_eoi(uint32_t base);

/* Whether vector is requested and not yet delivered (its IRR bit, SDM
 * 11.8.4): pending, say, while interrupts are disabled. */
bool apic_requested(uint32_t base, uint8_t vector);

#endif
