/*
 * The verdicts on a guest that may have stopped making progress, as pure
 * functions of what the backend observed.  Each vCPU keeps its own state
 * (struct vcpu); the backend reports, the rules here decide.
 */
#ifndef SKIFF_VM_VERDICT_H
#define SKIFF_VM_VERDICT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Reflections of the same exception at the same RIP in a row, with no
 * other VM exit between (vm_streak_end() on every other exit).  Both CVE
 * loops (CVE-2015-5307 #AC, CVE-2015-8104 #DB) re-deliver without the
 * guest advancing; a debugger single-stepping moves RIP every time and is
 * left alone.
 */
struct vm_streak {
	unsigned count;
	uint8_t vector;
	uint64_t rip;
};

/* One more reflection of vector at rip: true when the streak reached
 * limit (a flood: a hang), which starts the count afresh. */
bool vm_streak_exception(struct vm_streak *s, uint8_t vector, uint64_t rip, unsigned limit);

static inline void vm_streak_end(struct vm_streak *s)
{
	s->count = 0;
}

/*
 * The watchdog.  A full watchdog period without one VM exit: with
 * interrupts on the guest may just be computing (its interrupts reach it
 * without exits); with interrupts off nothing can stop it but skiff: a
 * hang.  While skiff's console has output queued the backend's timer
 * ticks often to feed the serial line; those ticks are skiff's, not the
 * guest's progress, so the period counts from the last tick that saw any
 * other VM exit.
 */
struct vm_watchdog {
	uint64_t quiet_since;	/* TSC at the last tick that saw other exits */
	uint64_t quiet_exits;	/* the exit count then; UINT64_MAX: start afresh */
};

/* The watchdog's full period ran out. */
static inline bool vm_watchdog_expired_is_hang(bool interrupts_on)
{
	return !interrupts_on;
}

/* A drain tick at TSC now, with exits VM exits other than ticks so far;
 * period: the watchdog's period in TSC ticks. */
bool vm_watchdog_tick_is_hang(struct vm_watchdog *w, uint64_t now, uint64_t exits,
			      bool interrupts_on, uint64_t period);

/* HLT with interrupts disabled on the bootstrap processor: nothing but an
 * NMI could wake the CPU, so the guest has stopped for good.  An AP
 * halted so is parked, the way an OS parks a CPU it does not use: the
 * INIT that restarts it (or an NMI) wakes it. */
static inline bool vm_hlt_is_hang(bool interrupts_on, bool bsp)
{
	return !interrupts_on && bsp;
}

/* What an INIT signal to a vCPU means. */
enum vm_init_verdict {
	VM_INIT_INCIDENT,	/* the guest reset its bootstrap CPU: the end of that guest */
	VM_INIT_WAIT_SIPI,	/* an AP: back to wait-for-SIPI, as the hardware does */
};

enum vm_init_verdict vm_init_signal(bool bsp);

#endif
