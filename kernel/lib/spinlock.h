/*
 * A spinlock for state several CPUs share in VMX root (the guest's
 * devices, skiff's console).  Interrupts are always off in skiff, so a
 * holder is never preempted; an NMI handler never takes one.  The lock
 * is one byte-sized word: trylock is a single XCHG, cheap enough for the
 * VMCALL fast path, which declines rather than waits.
 */
#ifndef SKIFF_LIB_SPINLOCK_H
#define SKIFF_LIB_SPINLOCK_H

#include <stdbool.h>

#include "x86.h"

struct spinlock {
	bool locked;
};

static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, true, __ATOMIC_ACQUIRE);
}

/* Waits reading, not writing, so the waiters do not fight over the line. */
static inline void spin_lock(struct spinlock *l)
{
	while (!spin_trylock(l))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			pause();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, false, __ATOMIC_RELEASE);
}

#endif
