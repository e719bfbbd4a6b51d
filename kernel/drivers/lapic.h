/*
 * The local APIC, as far as skiff uses it: its own APIC ID, and the
 * interrupt command register (ICR) to send INIT, start-up and NMI IPIs
 * (SDM Vol. 3A 11.6.1 "Interrupt Command Register").  In xAPIC mode the
 * registers are 32-bit MMIO at the base IA32_APIC_BASE gives (11.4.1); in
 * x2APIC mode they are MSRs, and the ICR is one 64-bit MSR (11.12.9).
 * The ICR encodings are pure, for the host tests.
 */
#ifndef SKIFF_DRIVERS_LAPIC_H
#define SKIFF_DRIVERS_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* ICR low word, SDM Vol. 3A figure 11-12. */
#define ICR_VECTOR_MASK		0xffu
#define ICR_DELIVERY_NMI	(4u << 8)
#define ICR_DELIVERY_INIT	(5u << 8)
#define ICR_DELIVERY_STARTUP	(6u << 8)
#define ICR_DEST_PHYSICAL	(0u << 11)
#define ICR_DELIVERY_PENDING	(1u << 12)	/* xAPIC only: send pending */
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_EDGE	(0u << 15)

/* IA32_APIC_BASE bits, SDM Vol. 3A 11.4.4 and 11.12.1 */
#define APIC_BASE_BSP		(1ull << 8)
#define APIC_BASE_EXTD		(1ull << 10)	/* x2APIC mode */
#define APIC_BASE_ENABLE	(1ull << 11)
#define APIC_BASE_ADDR_MASK	0x000ffffffffff000ull

/* xAPIC register offsets (table 11-1) and x2APIC MSRs (table 11-6). */
#define XAPIC_ID		0x020
#define XAPIC_ICR_LOW		0x300
#define XAPIC_ICR_HIGH		0x310
#define XAPIC_REGS_SIZE		0x1000u	/* the 4-KByte register page (11.4.1) */
#define MSR_X2APIC_APICID	0x802
#define MSR_X2APIC_ICR		0x830

/* The largest destination an xAPIC ICR can name (bits 63:56). */
#define XAPIC_MAX_ID		0xffu

/* INIT, level assert, edge, physical destination (SDM 9.4.4.1). */
static inline uint32_t lapic_icr_init(void)
{
	return ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_EDGE | ICR_DEST_PHYSICAL;
}

/* Start-up IPI: the AP starts in real mode at vector * 4096 (SDM 9.4.4.1,
 * 11.6.1: "the vector field ... points to a start-up routine"). */
static inline uint32_t lapic_icr_startup(uint8_t vector)
{
	return ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | ICR_TRIGGER_EDGE | ICR_DEST_PHYSICAL |
	       vector;
}

static inline uint32_t lapic_icr_nmi(void)
{
	return ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT | ICR_TRIGGER_EDGE | ICR_DEST_PHYSICAL;
}

/* The full 64-bit ICR value with the destination: bits 63:56 in xAPIC
 * mode, 63:32 in x2APIC mode (SDM 11.6.1, 11.12.9). */
static inline uint64_t lapic_icr_value(uint32_t low, uint32_t dest, bool x2apic)
{
	return (uint64_t)low | (x2apic ? (uint64_t)dest << 32 : (uint64_t)(dest & 0xff) << 56);
}

/* Reads IA32_APIC_BASE on this CPU: the mode and, for xAPIC, the base. */
void lapic_init(void);
bool lapic_x2apic(void);
/* This CPU's APIC ID. */
uint32_t lapic_id(void);
/* A register of this CPU's APIC in xAPIC mode (offsets: SDM table 11-1),
 * for skiff's own timer on AMD-V (svm/own_timer.h). */
uint32_t lapic_xapic_read(uint32_t reg);
void lapic_xapic_write(uint32_t reg, uint32_t value);
/* Sends one IPI; false when dest cannot be named in this mode (an x2APIC
 * ID above 255 in xAPIC mode) or the xAPIC never reports it sent. */
bool lapic_send_ipi(uint32_t dest, uint32_t icr_low);

#endif
