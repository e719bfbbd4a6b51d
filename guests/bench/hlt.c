/*
 * The HLT wake-up: the local APIC's one-shot timer (SDM Vol. 3A 11.5.4)
 * is armed, then the guest halts until it fires.  The baseline arms the
 * same timer and spins on the flag its interrupt sets instead of halting,
 * so what is left is what halting adds: the HLT exit, skiff's handler,
 * the entry into the HLT activity state and the wake-up.
 *
 * In Bochs the TSC counts instructions while the CPU runs but jumps by
 * virtual time times `ips` while it is halted, so there this figure
 * would be made up: it is not measured.
 */
#include <stddef.h>

#include "apic.h"
#include "bench.h"
#include "fault.h"
#include "trap.h"
#include "x86.h"

#define TIMER_VECTOR		0x40
/* Long enough for the HLT exit to finish before the timer fires (tens of
 * microseconds at a 100 MHz-1 GHz timer clock), short for 100 rounds. */
#define TIMER_COUNT		20000

static uint32_t apic;			/* xAPIC MMIO base (paging is off) */
static volatile uint32_t timer_fired;

static void timer_interrupt(struct trap_frame *f)
{
	(void)f;
	timer_fired = 1;
	apic_eoi(apic);
}

const char *hlt_setup(void)
{
	const char *why;

	if (bench_in_bochs)
		return "not meaningful in Bochs (its TSC jumps by virtual time while halted)";
	why = apic_find(&apic);
	if (why)
		return why;
	trap_set_handler(TIMER_VECTOR, timer_interrupt);
	return NULL;
}

static void timer_arm(void)
{
	timer_fired = 0;
	apic_timer_start(apic, TIMER_VECTOR, TIMER_COUNT);
}

/* Something other than the timer (an NMI) may end a HLT early; wait for
 * the timer anyway, untimed, so that no interrupt is left in flight. */
static void timer_wait(void)
{
	asm volatile("sti" ::: "memory");
	while (!timer_fired)
		;
	asm volatile("cli" ::: "memory");
}

/* STI holds interrupts off for one more instruction (SDM Vol. 2B, STI), so
 * the interrupt cannot slip in before the HLT and leave it waiting. */
uint32_t hlt_timed(void)
{
	uint32_t t;

	timer_arm();
	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%ebx\n\t"
		     "sti\n\t"
		     "hlt\n\t"
		     "cli\n\t"
		     "rdtsc\n\t"
		     "subl %%ebx, %%eax"
		     : "=a"(t) : : "ebx", "edx", "memory");
	timer_wait();
	return t;
}

uint32_t hlt_baseline(void)
{
	uint32_t t;

	timer_arm();
	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%ebx\n\t"
		     "sti\n"
		     "1:\tcmpl $0, %1\n\t"
		     "je 1b\n\t"
		     "cli\n\t"
		     "rdtsc\n\t"
		     "subl %%ebx, %%eax"
		     : "=a"(t) : "m"(timer_fired) : "ebx", "edx", "memory");
	return t;
}

void hlt_teardown(void)
{
	apic_timer_stop(apic, TIMER_VECTOR);
	trap_set_handler(TIMER_VECTOR, NULL);
}
