/*
 * nmi-storm: NMIs the guest raises itself, while it makes VM exits, to see
 * that skiff neither panics nor loses or doubles one.  NMIs are the
 * guest's (it owns the local APIC and the devices that raise them); skiff
 * takes each as a VM exit (NMI exiting) or, when one arrives while skiff
 * itself runs, holds it, and gives it to the guest at its next entry.
 *
 * Each NMI is an IPI from the guest's local APIC to itself: delivery mode
 * NMI (SDM Vol. 3A 11.6.1, figure 11-12), physical destination = its own
 * APIC ID.  Between NMIs the guest loops on CPUID, skiff's fastest exit.
 *   1. one by one: send one, wait until the handler has counted it: each
 *      must arrive exactly once;
 *   2. a burst: many sent back to back, without waiting.  A CPU holds at
 *      most one NMI while it handles another (6.7.1), so fewer may arrive,
 *      but at least one, and never more than were sent;
 *   3. from a device: the PIT's IRQ 0, routed by the I/O APIC as an NMI
 *      (82093AA I/O APIC datasheet, redirection table: delivery mode NMI),
 *      ticking at about 10 kHz of emulated time.  Its NMIs arrive at any
 *      moment, also while skiff handles a CPUID exit, which is the case
 *      skiff must hold an NMI for; the guest counts that some arrive.
 * The guest then finishes with the number of failed parts as its status.
 */
#include "apic.h"
#include "attack.h"
#include "printf.h"
#include "trap.h"
#include "x86.h"

#define VECTOR_NMI		2
#define APIC_ID_SHIFT		24
#define ICR_DEST_SHIFT		24
#define ICR_DM_NMI		(4u << 8)	/* delivery mode NMI */
#define ICR_SEND_PENDING	(1u << 12)
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_SPINS		1000000
#define ONE_BY_ONE		200
#define BURST			50
#define WAIT_CPUIDS		100000		/* CPUIDs to wait for one NMI */

/* The I/O APIC at its usual address (the MADT names it; Bochs and QEMU
 * put it here), and the PIT (8254): channel 0, mode 2, at 1.193182 MHz. */
#define IOAPIC_BASE		0xfec00000u
#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_VERSION		0x01
#define IOAPIC_REDIR(gsi)	(0x10 + 2 * (gsi))
#define IOAPIC_DM_NMI		(4u << 8)
#define IOAPIC_MASKED		(1u << 16)
#define PIT_GSIS		{ 0, 2 }	/* IRQ 0 as is, or overridden to GSI 2 */
#define PIT_CMD			0x43
#define PIT_CH0			0x40
#define PIT_CH0_RATE_GEN	0x34		/* channel 0, lo/hi byte, mode 2 */
#define PIT_DIVISOR		119		/* about 10 kHz */
#define DEVICE_CPUIDS		200000

static uint32_t apic;

static void send_nmi(uint32_t self)
{
	mmio_write32(apic + APIC_ICR_HIGH, self << ICR_DEST_SHIFT);
	mmio_write32(apic + APIC_ICR_LOW, ICR_DM_NMI | ICR_LEVEL_ASSERT);
	for (int i = 0; i < ICR_SPINS; i++)
		if (!(mmio_read32(apic + APIC_ICR_LOW) & ICR_SEND_PENDING))
			return;
}

/* CPUID until the NMI count reaches want (or a bound): the exits the
 * NMIs meet.  Returns the count. */
static uint32_t cpuid_until(uint32_t want)
{
	for (int i = 0; i < WAIT_CPUIDS && trap_count(VECTOR_NMI) < want; i++)
		(void)cpuid(0, 0);
	return trap_count(VECTOR_NMI);
}

static int one_by_one(uint32_t self)
{
	uint32_t start = trap_count(VECTOR_NMI);

	for (uint32_t i = 1; i <= ONE_BY_ONE; i++) {
		uint32_t got;

		send_nmi(self);
		got = cpuid_until(start + i);
		/* A few more exits: a second, doubled delivery would show. */
		for (int k = 0; k < 8; k++)
			(void)cpuid(0, 0);
		got = trap_count(VECTOR_NMI);
		if (got != start + i) {
			printf("attack: nmi-storm: NMI %u: the guest counted %u, not %u\n", i,
			       got - start, i);
			return 1;
		}
	}
	printf("attack: nmi-storm: %u of %u NMIs sent one by one arrived, each once\n",
	       ONE_BY_ONE, ONE_BY_ONE);
	return 0;
}

static int burst(uint32_t self)
{
	uint32_t start = trap_count(VECTOR_NMI), got;

	for (int i = 0; i < BURST; i++) {
		send_nmi(self);
		(void)cpuid(0, 0);
	}
	got = cpuid_until(start + 1) - start;
	for (int k = 0; k < 1000; k++)
		(void)cpuid(0, 0);
	got = trap_count(VECTOR_NMI) - start;
	printf("attack: nmi-storm: a burst of %u NMIs: %u arrived (at least 1, at most %u)\n",
	       BURST, got, BURST);
	return got >= 1 && got <= BURST ? 0 : 1;
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	mmio_write32(IOAPIC_BASE + IOAPIC_WINDOW, value);
}

static uint32_t ioapic_read(uint32_t reg)
{
	mmio_write32(IOAPIC_BASE + IOAPIC_REGSEL, reg);
	return mmio_read32(IOAPIC_BASE + IOAPIC_WINDOW);
}

/* Routes the PIT's pin as NMI to self (or masks it again), both lines of
 * its redirection entry: the destination in the high one. */
static void pit_pins(uint32_t self, bool nmi)
{
	static const unsigned gsis[] = PIT_GSIS;

	for (unsigned i = 0; i < sizeof(gsis) / sizeof(gsis[0]); i++) {
		ioapic_write(IOAPIC_REDIR(gsis[i]) + 1, self << APIC_ID_SHIFT);
		ioapic_write(IOAPIC_REDIR(gsis[i]), nmi ? IOAPIC_DM_NMI : IOAPIC_MASKED);
	}
}

static int from_a_device(uint32_t self)
{
	uint32_t version = ioapic_read(IOAPIC_VERSION) & 0xff, start, got;

	if (version == 0 || version == 0xff) {
		printf("attack: nmi-storm: no I/O APIC at 0x%x (version 0x%x)\n", IOAPIC_BASE,
		       version);
		return 1;
	}
	outb(PIT_CMD, PIT_CH0_RATE_GEN);
	outb(PIT_CH0, PIT_DIVISOR & 0xff);
	outb(PIT_CH0, PIT_DIVISOR >> 8);
	start = trap_count(VECTOR_NMI);
	pit_pins(self, true);
	for (int i = 0; i < DEVICE_CPUIDS; i++)
		(void)cpuid(0, 0);
	pit_pins(self, false);
	got = trap_count(VECTOR_NMI) - start;
	printf("attack: nmi-storm: the PIT as an NMI source: %s NMIs arrived during %u CPUIDs\n",
	       got ? "some" : "no", DEVICE_CPUIDS);
	return got ? 0 : 1;
}

int attack_nmi_storm(void)
{
	const char *why = apic_find(&apic);
	uint32_t self;
	int failed;

	if (why) {
		printf("attack: nmi-storm: %s\n", why);
		return 1;
	}
	self = mmio_read32(apic + APIC_ID) >> APIC_ID_SHIFT;
	printf("attack: nmi-storm: NMIs to APIC ID %u while looping on CPUID\n", self);
	failed = one_by_one(self) + burst(self) + from_a_device(self);
	printf("attack: nmi-storm: %d of 3 parts failed\n", failed);
	return failed;
}
