/*
 * Instructions that always exit, or that skiff asks to exit on: INVD
 * (SDM Vol. 3C 26.1.2) and HLT.  A HLT must end when an interrupt
 * arrives, so the HLT check arms the local APIC timer first (SDM Vol. 3A
 * 11.5.4) and halts with interrupts on.
 */
#include "fault.h"
#include "selftest.h"
#include "trap.h"
#include "x86.h"

#define APIC_BASE_X2APIC	(1u << 10)	/* IA32_APIC_BASE bits */
#define APIC_BASE_ENABLE	(1u << 11)
#define APIC_BASE_ADDR_MASK	0xfffff000u
#define APIC_EOI		0x0b0		/* xAPIC register offsets */
#define APIC_SVR		0x0f0
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_INITIAL	0x380
#define APIC_TIMER_DIVIDE	0x3e0
#define APIC_SVR_ENABLE		(1u << 8)
#define APIC_LVT_MASKED		(1u << 16)	/* timer mode 0: one-shot */
#define APIC_DIVIDE_BY_1	0xb
#define APIC_SPURIOUS_VECTOR	0xff
#define TIMER_VECTOR		0x40
#define TIMER_COUNT		100000

static enum result invd(void)
{
	/* INVD drops the caches without writing them back; on bare metal
	 * that would lose dirty lines, so write them back first.  Under
	 * skiff the INVD exits and the guest's caches are not touched. */
	asm volatile(FAULT_TRY("wbinvd; invd") : : : "memory");
	if (fault_vector != FAULT_NONE)
		return fail("raised %s", fault_name(fault_vector));
	return PASS;
}

static uint32_t apic;			/* xAPIC MMIO base (paging is off) */
static volatile uint32_t timer_eip;	/* where the timer interrupt struck */

static void timer_interrupt(struct trap_frame *f)
{
	timer_eip = f->eip;
	mmio_write32(apic + APIC_EOI, 0);
}

/* Fires the one-shot timer and halts; returns the EIP just past HLT. */
static uint32_t halt_until_timer(void)
{
	uint32_t after_hlt;

	mmio_write32(apic + APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	mmio_write32(apic + APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	mmio_write32(apic + APIC_LVT_TIMER, TIMER_VECTOR);
	mmio_write32(apic + APIC_TIMER_INITIAL, TIMER_COUNT);
	/* STI holds interrupts off for one more instruction (SDM Vol. 2B,
	 * STI), so the interrupt cannot slip in before the HLT and leave
	 * it waiting for ever. */
	asm volatile("sti\n\t"
		     "hlt\n"
		     "1:\tcli\n\t"
		     "movl $1b, %0"
		     : "=r"(after_hlt) : : "memory");
	mmio_write32(apic + APIC_LVT_TIMER, APIC_LVT_MASKED | TIMER_VECTOR);
	mmio_write32(apic + APIC_TIMER_INITIAL, 0);
	return after_hlt;
}

static enum result hlt_wakes_on_interrupt(void)
{
	uint64_t base;
	uint32_t before, after_hlt, arrived;
	int vec = rdmsr_safe(MSR_IA32_APIC_BASE, &base);

	if (vec != FAULT_NONE)
		return fail("RDMSR IA32_APIC_BASE raised %s", fault_name(vec));
	if (!(base & APIC_BASE_ENABLE))
		return fail("the local APIC is disabled (IA32_APIC_BASE 0x%08x)", (uint32_t)base);
	if (base & APIC_BASE_X2APIC)
		return fail("the local APIC is in x2APIC mode: no MMIO");
	apic = (uint32_t)base & APIC_BASE_ADDR_MASK;

	before = trap_count(TIMER_VECTOR);
	trap_set_handler(TIMER_VECTOR, timer_interrupt);
	after_hlt = halt_until_timer();
	trap_set_handler(TIMER_VECTOR, NULL);
	arrived = trap_count(TIMER_VECTOR) - before;

	if (arrived != 1)
		return fail("%u timer interrupts, expected 1", arrived);
	if (timer_eip != after_hlt)
		return fail("the interrupt came at eip 0x%08x, not just past HLT (0x%08x)",
			    timer_eip, after_hlt);
	return PASS;
}

const struct check insn_checks[] = {
	{ .name = "invd", .run = invd },
	{ .name = "hlt-wakes-on-interrupt", .run = hlt_wakes_on_interrupt },
	{ .name = NULL },
};
