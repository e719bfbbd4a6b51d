/*
 * INIT and SIPI sent by the guest to its own local APIC through the
 * interrupt command register (SDM Vol. 3A 11.6.1, figure 11-12; "ICR"),
 * in xAPIC mode (MMIO at IA32_APIC_BASE).  An INIT reaching a CPU in VMX
 * non-root operation is a VM exit (SDM Vol. 3C 26.2: "INIT signals"), and
 * skiff has no second CPU state to give its guest: it must report the
 * reset and apply its policy.  A SIPI exits only in the wait-for-SIPI
 * state (26.2), which the guest never enters; otherwise a SIPI is dropped,
 * as on a CPU that is running.
 */
#include "apic.h"
#include "attack.h"
#include "start_ap.h"
#include "fault.h"
#include "printf.h"
#include "trap.h"
#include "x86.h"

#define APIC_ID_SHIFT		24		/* the ID's bits in APIC_ID */
#define ICR_DEST_SHIFT		24		/* and in ICR_HIGH */
/* ICR_LOW fields, figure 11-12. */
#define ICR_DM_INIT		(5u << 8)	/* delivery mode */
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_DM_NMI		(4u << 8)
#define ICR_SEND_PENDING	(1u << 12)	/* delivery status */
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_LEVEL	(1u << 15)
#define ICR_ALL_INCLUDING_SELF	(2u << 18)	/* destination shorthand */
#define ICR_SPINS		1000000		/* polls of the delivery status */
/* SDM 9.4.4.1 (MP initialization, "INIT-SIPI-SIPI"): 10 ms after INIT,
 * 200 us between SIPIs.  Without a timer, a bounded spin stands in. */
#define INIT_WAIT_SPINS		1000000
#define SIPI_WAIT_SPINS		20000
/* The SIPI vector is the page the woken CPU starts at in real mode. */
#define SIPI_PAGE		0x8000u
#define SIPI_VECTOR		(SIPI_PAGE >> 12)

/* The real-mode code at SIPI_PAGE, should a SIPI ever start the CPU:
 * CLI, then HLT forever; which skiff must report as a hang. */
static const uint8_t sipi_parking[] = { 0xfa, 0xf4, 0xeb, 0xfd };	/* cli; hlt; jmp $-1 */

static uint32_t apic;

/* The xAPIC's base; 0 (and a line saying why) when it cannot be used. */
static uint32_t find_apic(const char *attack)
{
	uint32_t base;
	const char *why = apic_find(&base);

	if (why) {
		printf("attack: %s: %s\n", attack, why);
		return 0;
	}
	return base;
}

static void spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

/* Sends one IPI: the destination first, since writing ICR_LOW sends it
 * (11.6.1); then waits for the APIC to take it. */
static void icr_send(uint32_t dest_id, uint32_t low)
{
	mmio_write32(apic + APIC_ICR_HIGH, dest_id << ICR_DEST_SHIFT);
	mmio_write32(apic + APIC_ICR_LOW, low);
	for (int i = 0; i < ICR_SPINS; i++)
		if (!(mmio_read32(apic + APIC_ICR_LOW) & ICR_SEND_PENDING))
			return;
}

/*
 * INIT to its own APIC ID: delivery mode INIT, level assert (edge
 * trigger, as in the SDM's INIT-SIPI-SIPI sequence); then the de-assert
 * the SDM describes for INIT (11.6.1, "INIT Level De-assert": level 0,
 * trigger mode level, the "all including self" shorthand; processors
 * since the Pentium 4 ignore it).  Under skiff the first is the end.
 */
static void send_init(const char *attack, uint32_t self)
{
	printf("attack: %s: INIT (level assert) to APIC ID %u\n", attack, self);
	icr_send(self, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	printf("attack: %s: INIT (level de-assert)\n", attack);
	icr_send(self, ICR_DM_INIT | ICR_TRIGGER_LEVEL | ICR_ALL_INCLUDING_SELF);
}

static void send_sipi(const char *attack, uint32_t self)
{
	printf("attack: %s: SIPI (vector 0x%02x) to APIC ID %u\n", attack, SIPI_VECTOR, self);
	icr_send(self, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | SIPI_VECTOR);
}

static bool apic_ready(const char *attack, uint32_t *self)
{
	apic = find_apic(attack);
	if (!apic)
		return false;
	*self = mmio_read32(apic + APIC_ID) >> APIC_ID_SHIFT;
	return true;
}

void attack_init_self(void)
{
	uint32_t self;

	if (!apic_ready("init-self", &self))
		return;
	send_init("init-self", self);
}

/* First a SIPI alone, which a running CPU ignores (the run must go on),
 * then INIT, SIPI, SIPI as the SDM's MP start-up does (9.4.4.1). */
void attack_sipi_self(void)
{
	uint32_t self;

	if (!apic_ready("sipi-self", &self))
		return;
	for (unsigned i = 0; i < sizeof(sipi_parking); i++)
		((volatile uint8_t *)SIPI_PAGE)[i] = sipi_parking[i];
	send_sipi("sipi-self", self);
	printf("attack: sipi-self: still running after a lone SIPI, as a running CPU should be\n");
	send_init("sipi-self", self);
	spin(INIT_WAIT_SPINS);
	send_sipi("sipi-self", self);
	spin(SIPI_WAIT_SPINS);
	send_sipi("sipi-self", self);
}

/*
 * start-ap: the guest owns the local APIC, so it can send INIT-SIPI-SIPI
 * to the other CPUs.  skiff must have parked them in VMX root, where INIT
 * is blocked and SIPIs are ignored (SDM Vol. 3C 24.8): the real-mode code
 * at START_AP_PAGE must never run.  Then an NMI to APIC ID 1, which skiff
 * must take on the parked AP without stopping.  Returns 0 when no AP
 * started, 1 when one did.
 */
#define START_AP_FIRST_ID	1
#define START_AP_LAST_ID	3
#define START_AP_RUN_SPINS	4000000		/* time for a started AP to run */

extern const uint8_t start_ap_payload[], start_ap_payload_end[];

static volatile uint32_t *start_ap_word(uint32_t off)
{
	return (volatile uint32_t *)(START_AP_PAGE + off);
}

static void start_ap_install(void)
{
	volatile uint8_t *page = (volatile uint8_t *)START_AP_PAGE;
	uint32_t size = (uint32_t)(start_ap_payload_end - start_ap_payload);

	for (uint32_t i = 0; i < size; i++)
		page[i] = start_ap_payload[i];
	*(volatile uint16_t *)(page + START_AP_GDTR_OFF) = 15;
	*(volatile uint32_t *)(page + START_AP_GDTR_OFF + 2) = START_AP_PAGE + START_AP_GDT_OFF;
	*start_ap_word(START_AP_RAN_OFF) = 0;
	*start_ap_word(START_AP_WROTE_OFF) = 0;
	*start_ap_word(START_AP_TARGET_OFF) = skiff_address();
}

int attack_start_ap(void)
{
	const uint8_t vector = START_AP_PAGE >> 12;
	uint32_t self;
	bool ran, wrote;

	if (!apic_ready("start-ap", &self))
		return 1;
	start_ap_install();
	for (uint32_t id = START_AP_FIRST_ID; id <= START_AP_LAST_ID; id++) {
		if (id == self)
			continue;
		printf("attack: start-ap: INIT-SIPI-SIPI (vector 0x%02x) to APIC ID %u\n", vector, id);
		icr_send(id, ICR_DM_INIT | ICR_LEVEL_ASSERT);
		spin(INIT_WAIT_SPINS);
		icr_send(id, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | vector);
		spin(SIPI_WAIT_SPINS);
		icr_send(id, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | vector);
	}
	spin(START_AP_RUN_SPINS);
	ran = *start_ap_word(START_AP_RAN_OFF) == START_AP_MARK;
	wrote = *start_ap_word(START_AP_WROTE_OFF) == START_AP_MARK;
	if (ran)
		printf("attack: start-ap: FAIL: an AP ran the guest's code outside VMX%s\n",
		       wrote ? " and wrote skiff's memory" : "");
	else
		printf("attack: start-ap: the AP did not start, as it must not\n");

	printf("attack: start-ap: NMI to APIC ID %u\n", START_AP_FIRST_ID);
	icr_send(START_AP_FIRST_ID, ICR_DM_NMI | ICR_LEVEL_ASSERT);
	spin(SIPI_WAIT_SPINS);
	printf("attack: start-ap: skiff still runs after the NMI to APIC ID %u\n", START_AP_FIRST_ID);
	return ran ? 1 : 0;
}

/*
 * timer-off: all a guest can do to keep a timer of skiff's from ever
 * interrupting it, then CLI and a jump to itself.  On AMD-V with one vCPU
 * skiff's watchdog runs on the local APIC timer (kernel/svm/own_timer.c);
 * on VT-x on the preemption timer, which none of this reaches.  The
 * guest masks its APIC timer and stops it, takes a self-IPI of class 15
 * (the highest) and never ends it, raises its TPR to 15, software-disables
 * its APIC, masks the 8259's lines, and tries to move its APIC to x2APIC
 * mode and to disable it in IA32_APIC_BASE.  The loop must still end as
 * the guest's hang.
 */
#define APIC_TPR		0x080
#define APIC_LVT_MASKED		(1u << 16)
#define APIC_BASE_EXTD		(1ull << 10)
#define APIC_BASE_ENABLE	(1ull << 11)
#define MSR_APIC_BASE		0x1b
#define HELD_VECTOR		0xfe	/* class 15 */
#define SELF_IPI_SPINS		100000

static volatile uint32_t held_arrived;

static void held_interrupt(struct trap_frame *f)
{
	(void)f;
	held_arrived++;		/* and no EOI: it stays in service */
}

void attack_timer_off(void)
{
	uint32_t self;
	uint64_t base;
	int vec;

	if (!apic_ready("timer-off", &self))
		return;
	mmio_write32(apic + APIC_LVT_TIMER, APIC_LVT_MASKED);
	mmio_write32(apic + APIC_TIMER_INITIAL, 0);
	trap_set_handler(HELD_VECTOR, held_interrupt);
	mmio_write32(apic + APIC_ICR_HIGH, self << ICR_DEST_SHIFT);
	asm volatile("sti" ::: "memory");
	mmio_write32(apic + APIC_ICR_LOW, HELD_VECTOR);	/* fixed, physical, edge */
	for (unsigned i = 0; i < SELF_IPI_SPINS && !held_arrived; i++)
		;
	asm volatile("cli" ::: "memory");
	printf("attack: timer-off: vector 0x%x %s, and not ended\n", HELD_VECTOR,
	       held_arrived ? "taken" : "never came");
	mmio_write32(apic + APIC_TPR, 0xf0);
	mmio_write32(apic + APIC_SVR, 0);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	base = rdmsr(MSR_APIC_BASE);
	vec = wrmsr_safe(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	printf("attack: timer-off: x2APIC mode: %s\n", vec == FAULT_NONE ? "on" : fault_name(vec));
	vec = wrmsr_safe(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) & ~(APIC_BASE_ENABLE | APIC_BASE_EXTD));
	printf("attack: timer-off: APIC disabled: %s\n", vec == FAULT_NONE ? "yes" : fault_name(vec));
	printf("attack: timer-off: TPR 0xf0, APIC software-disabled, 8259 masked; now CLI and a "
	       "jump to itself\n");
	attack_cli_loop();
}
