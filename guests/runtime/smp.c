/*
 * The guest's other CPUs: the MADT's list, and INIT-SIPI-SIPI to start
 * one on a C function (smp.h has the contract, ap_trampoline.S the first
 * instructions an AP runs).
 */
#include <stddef.h>

#include "acpi.h"
#include "ap_trampoline.h"
#include "apic.h"
#include "smp.h"
#include "string.h"
#include "trap.h"
#include "x86.h"

/* ---- the MADT, ACPI 6.4 5.2.12 ---- */

/* 5.2.12, table 5.43: the fixed part after the header. */
struct madt {
	struct acpi_header header;
	uint32_t local_apic_address;
	uint32_t flags;
} __attribute__((packed));

/* 5.2.12.2, table 5.46: Processor Local APIC (type 0). */
struct madt_local_apic {
	uint8_t type, length;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));

/* 5.2.12.12, table 5.61: Processor Local x2APIC (type 9). */
struct madt_local_x2apic {
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t processor_uid;
} __attribute__((packed));

_Static_assert(sizeof(struct madt) == 44, "ACPI 6.4 5.2.12: entries start at 44");
_Static_assert(sizeof(struct madt_local_apic) == 8, "ACPI 6.4 5.2.12.2: length 8");
_Static_assert(sizeof(struct madt_local_x2apic) == 16, "ACPI 6.4 5.2.12.12: length 16");

#define MADT_LOCAL_APIC		0
#define MADT_LOCAL_X2APIC	9
#define MADT_ENTRY_HEADER	2	/* type and length */
/* 5.2.12.2, table 5.47 "Local APIC Flags" (the x2APIC entry's are the
 * same): bit 0 Enabled.  Bit 1, Online Capable, is a CPU the OS may
 * enable later; it is not running, so it is not counted. */
#define MADT_FLAG_ENABLED	(1u << 0)

/* Adds id to ids[] unless it is there; returns the new count. */
static unsigned add_cpu(uint32_t *ids, unsigned n, unsigned max, uint32_t id)
{
	for (unsigned i = 0; i < n && i < max; i++)
		if (ids[i] == id)
			return n;
	if (n < max)
		ids[n] = id;
	return n + 1;
}

unsigned smp_cpus(const struct mb2_info *mbi, uint32_t *apic_ids, unsigned max)
{
	const struct madt *madt = (const void *)acpi_find_table(mbi, "APIC");
	const uint8_t *p, *end;
	unsigned n = 0;

	if (!madt || madt->header.length < sizeof(*madt))
		return 0;
	p = (const uint8_t *)(madt + 1);
	end = (const uint8_t *)madt + madt->header.length;
	/* Entries of type and length follow one another to the table's end
	 * (5.2.12); one too short or running past the end stops the walk. */
	while (end - p >= MADT_ENTRY_HEADER && p[1] >= MADT_ENTRY_HEADER && p[1] <= end - p) {
		if (p[0] == MADT_LOCAL_APIC && p[1] >= sizeof(struct madt_local_apic)) {
			const struct madt_local_apic *e = (const void *)p;

			if (e->flags & MADT_FLAG_ENABLED)
				n = add_cpu(apic_ids, n, max, e->apic_id);
		} else if (p[0] == MADT_LOCAL_X2APIC && p[1] >= sizeof(struct madt_local_x2apic)) {
			const struct madt_local_x2apic *e = (const void *)p;

			if (e->flags & MADT_FLAG_ENABLED)
				n = add_cpu(apic_ids, n, max, e->x2apic_id);
		}
		p += p[1];
	}
	return n;
}

/* ---- INIT-SIPI-SIPI ---- */

#define APIC_ID_SHIFT		24		/* the ID's bits in APIC_ID */
#define XAPIC_ID_BROADCAST	0xff		/* 11.6.2.1: all CPUs, not one */
#define ICR_DEST_SHIFT		24		/* in ICR_HIGH */
/* ICR_LOW fields, SDM Vol. 3A 11.6.1, figure 11-12. */
#define ICR_DM_INIT		(5u << 8)	/* delivery mode */
#define ICR_DM_STARTUP		(6u << 8)
#define ICR_SEND_PENDING	(1u << 12)	/* delivery status */
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_SEND_SPINS		1000000u	/* polls of the delivery status */
/* 9.4.4.1: INIT, 10 ms, SIPI, 200 us, SIPI.  A PAUSE takes from about 10
 * cycles (before Skylake) to about 140: these counts are at least the
 * SDM's waits on any CPU of a few GHz, and short in an emulator. */
#define INIT_WAIT_SPINS		1000000u
#define SIPI_WAIT_SPINS		100000u
#define SIPI_VECTOR		(AP_TRAMPOLINE_PAGE >> 12)

_Static_assert(AP_TRAMPOLINE_PAGE % 4096 == 0 && AP_TRAMPOLINE_PAGE < 0x100000,
	       "SDM 9.4.4.1: the SIPI vector names a page below 1 MiB");

/* One AP's start and finish, as the BSP sees them. */
enum ap_state {
	AP_IDLE,	/* not started, or gave no sign */
	AP_RUNNING,	/* it reached smp_ap_entry(): fn runs */
	AP_DONE,	/* fn returned; the AP halts for good */
};

struct ap {
	void (*fn)(unsigned cpu, void *arg);
	void *arg;
	uint32_t state;		/* enum ap_state, written by the AP */
};

extern const uint8_t ap_trampoline[], ap_trampoline_end[];

static struct ap aps[SMP_MAX_CPUS];
static uint8_t ap_stacks[SMP_MAX_CPUS][SMP_AP_STACK_SIZE] __attribute__((aligned(16)));

/* The parking code put in the page when an AP did not answer, so that
 * one waking up late halts instead of running a later start's call. */
static const uint8_t park[] = { 0xfa, 0xf4, 0xeb, 0xfd };	/* cli; hlt; jmp $-1 */

__attribute__((noreturn)) void smp_ap_entry(uint32_t cpu);

static uint32_t ap_state(unsigned cpu)
{
	return __atomic_load_n(&aps[cpu].state, __ATOMIC_ACQUIRE);
}

/* ap_trampoline.S's call, on the AP's own stack. */
void smp_ap_entry(uint32_t cpu)
{
	if (cpu == 0 || cpu >= SMP_MAX_CPUS)
		halt_forever();
	trap_load_idt();
	__atomic_store_n(&aps[cpu].state, AP_RUNNING, __ATOMIC_RELEASE);
	aps[cpu].fn(cpu, aps[cpu].arg);
	__atomic_store_n(&aps[cpu].state, AP_DONE, __ATOMIC_RELEASE);
	halt_forever();
}

/* IA32_APIC_BASE and the x2APIC MSRs (SDM Vol. 3A 11.12.1, table 11-6). */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ENABLE	(1u << 11)
#define APIC_BASE_X2APIC	(1u << 10)
#define MSR_X2APIC_ID		0x802
#define MSR_X2APIC_ICR		0x830
#define CPUID_1_ECX_X2APIC	(1u << 21)

static bool in_x2apic_mode(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC;
}

bool smp_self_apic_id(uint32_t *apic_id)
{
	uint32_t base;

	if (in_x2apic_mode()) {
		*apic_id = (uint32_t)rdmsr(MSR_X2APIC_ID);
		return true;
	}
	if (apic_find(&base))
		return false;
	*apic_id = mmio_read32(base + APIC_ID) >> APIC_ID_SHIFT;
	return true;
}

/* xAPIC to x2APIC is one write with the APIC enabled (11.12.5, figure
 * 11-27); back would need a pass through "disabled".  False when the
 * CPU has no x2APIC or the APIC is off. */
static bool x2apic_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (base & APIC_BASE_X2APIC)
		return true;
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_X2APIC) || !(base & APIC_BASE_ENABLE))
		return false;
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	return true;
}

/*
 * One step of every wait here.  Under a hypervisor, a loop that never
 * exits with interrupts off is what a hang looks like, and skiff's
 * watchdog ends such a run (docs/architecture.md: a hang and the on_hang
 * policy).
 * CPUID exits unconditionally in VMX non-root operation (SDM Vol. 3C
 * 26.1.2), so every SPIN_EXIT_EVERY steps one is made: a few microseconds
 * under skiff, a few dozen cycles on bare metal.
 */
#define SPIN_EXIT_EVERY		1024u

static void spin_step(uint32_t i)
{
	if (i % SPIN_EXIT_EVERY == SPIN_EXIT_EVERY - 1)
		cpuid(0, 0);
	else
		cpu_pause();
}

static void spin(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		spin_step(i);
}

/* One IPI: the destination first, since writing ICR_LOW sends it
 * (11.6.1); then a bounded wait for the APIC to take it.  Both are 32-bit
 * accesses, as the xAPIC requires (11.4.1). */
static void icr_send(uint32_t apic, uint32_t dest_id, uint32_t low)
{
	if (!apic) {	/* x2APIC: one 64-bit MSR, sent when written (11.12.9) */
		wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest_id << 32) | low);
		return;
	}
	mmio_write32(apic + APIC_ICR_HIGH, dest_id << ICR_DEST_SHIFT);
	mmio_write32(apic + APIC_ICR_LOW, low);
	for (uint32_t i = 0; i < ICR_SEND_SPINS; i++) {
		if (!(mmio_read32(apic + APIC_ICR_LOW) & ICR_SEND_PENDING))
			return;
		spin_step(i);
	}
}

/* False if the code would overlap its parameters (GAS cannot check the
 * size of code with alignment in it at assembly time). */
static bool trampoline_install(unsigned cpu)
{
	volatile uint8_t *page = (volatile uint8_t *)AP_TRAMPOLINE_PAGE;
	uint32_t size = (uint32_t)(ap_trampoline_end - ap_trampoline);

	if (size > AP_TRAMPOLINE_PARAMS)
		return false;
	for (uint32_t i = 0; i < size; i++)
		page[i] = ap_trampoline[i];
	*(volatile uint32_t *)(page + AP_PARAM_CPU) = cpu;
	*(volatile uint32_t *)(page + AP_PARAM_STACK) =
		(uint32_t)&ap_stacks[cpu][SMP_AP_STACK_SIZE];
	return true;
}

bool smp_start_ap(uint32_t apic_id, void (*fn)(unsigned cpu, void *arg), unsigned cpu,
		  void *arg)
{
	uint32_t apic = 0;

	if (cpu == 0 || cpu >= SMP_MAX_CPUS || ap_state(cpu) != AP_IDLE || aps[cpu].fn ||
	    apic_id >= XAPIC_ID_BROADCAST || (!x2apic_enable() && apic_find(&apic)))
		return false;
	aps[cpu].fn = fn;
	aps[cpu].arg = arg;
	if (!trampoline_install(cpu))
		return false;
	/* 9.4.4.1: INIT (level assert; CPUs since the Pentium 4 need no
	 * de-assert), wait, SIPI, wait, SIPI.  A CPU already running
	 * ignores the second SIPI (9.4.4.1, "the second SIPI"). */
	icr_send(apic, apic_id, ICR_DM_INIT | ICR_LEVEL_ASSERT);
	spin(INIT_WAIT_SPINS);
	icr_send(apic, apic_id, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | SIPI_VECTOR);
	spin(SIPI_WAIT_SPINS);
	icr_send(apic, apic_id, ICR_DM_STARTUP | ICR_LEVEL_ASSERT | SIPI_VECTOR);
	for (uint32_t i = 0; i < SMP_ALIVE_SPINS; i++) {
		if (ap_state(cpu) != AP_IDLE)
			return true;
		spin_step(i);
	}
	memcpy((void *)AP_TRAMPOLINE_PAGE, park, sizeof(park));
	return false;
}

bool smp_wait_ap(unsigned cpu, unsigned long spins)
{
	if (cpu == 0 || cpu >= SMP_MAX_CPUS)
		return false;
	for (unsigned long i = 0; i < spins; i++) {
		if (ap_state(cpu) == AP_DONE)
			return true;
		spin_step((uint32_t)i);
	}
	return ap_state(cpu) == AP_DONE;
}
