/* See verdict.h. */
#include "vm/verdict.h"

bool vm_streak_exception(struct vm_streak *s, uint8_t vector, uint64_t rip, unsigned limit)
{
	if (vector != s->vector || rip != s->rip)
		s->count = 0;
	s->vector = vector;
	s->rip = rip;
	if (++s->count < limit)
		return false;
	return true;
}

bool vm_watchdog_tick_is_hang(struct vm_watchdog *w, uint64_t now, uint64_t exits,
			      bool interrupts_on, uint64_t period)
{
	if (exits != w->quiet_exits) {
		w->quiet_exits = exits;
		w->quiet_since = now;
		return false;
	}
	return !interrupts_on && now - w->quiet_since >= period;
}

/* An INIT to the bootstrap processor resets the CPU the guest booted on,
 * which skiff treats as the end of that guest (the crash policy); an
 * application processor goes back to wait-for-SIPI, as on hardware. */
enum vm_init_verdict vm_init_signal(bool bsp)
{
	return bsp ? VM_INIT_INCIDENT : VM_INIT_WAIT_SIPI;
}
