/*
 * Instructions that always exit, or that skiff asks to exit on: INVD
 * (SDM Vol. 3C 26.1.2) and HLT.  A HLT must end when an interrupt
 * arrives, so the HLT check arms the local APIC timer first (SDM Vol. 3A
 * 11.5.4) and halts with interrupts on.
 */
#include "apic.h"
#include "fault.h"
#include "selftest.h"
#include "trap.h"
#include "x86.h"

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
	apic_eoi(apic);
}

/* Fires the one-shot timer and halts; returns the EIP just past HLT. */
static uint32_t halt_until_timer(void)
{
	uint32_t after_hlt;

	apic_timer_start(apic, TIMER_VECTOR, TIMER_COUNT);
	/* STI holds interrupts off for one more instruction (SDM Vol. 2B,
	 * STI), so the interrupt cannot slip in before the HLT and leave
	 * it waiting for ever. */
	asm volatile("sti\n\t"
		     "hlt\n"
		     "1:\tcli\n\t"
		     "movl $1b, %0"
		     : "=r"(after_hlt) : : "memory");
	apic_timer_stop(apic, TIMER_VECTOR);
	return after_hlt;
}

static enum result hlt_wakes_on_interrupt(void)
{
	uint32_t before, after_hlt, arrived;
	const char *why = apic_find(&apic);

	if (why)
		return fail("%s", why);

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
