/*
 * The guest's IDT and what happens on each interrupt or exception.
 *
 * trap_init() fills a 256-entry IDT with interrupt gates for the vectors
 * isr.S has stubs for (0..31, 0x40, 0xff); any other vector finds an
 * empty descriptor and raises #GP (error code: the vector << 3 | 2), which
 * is reported like any exception.  For each trap, in this order,
 * trap_dispatch():
 *   1. counts the vector (trap_count());
 *   2. if FAULT_TRY armed a fixup and the vector is an exception (< 32)
 *      other than NMI, resumes there (fault.h);
 *   3. if a handler was set for the vector, calls it;
 *   4. an exception other than NMI is fatal: it is printed and the guest
 *      exits with GUEST_EXIT_FATAL; an NMI or another interrupt is only
 *      counted.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stddef.h>
#include <stdint.h>

#define TRAP_VECTORS	256

/* What isr.S leaves on the stack: PUSHAL's registers, the vector and
 * error code the stub pushes, then what the CPU pushed (no privilege
 * change, so no ESP/SS).  A handler may change any field; IRET uses them. */
struct trap_frame {
	uint32_t edi, esi, ebp, esp_unused, ebx, edx, ecx, eax;	/* PUSHAL */
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

_Static_assert(offsetof(struct trap_frame, vector) == 32, "isr.S pushes vector after PUSHAL");
_Static_assert(offsetof(struct trap_frame, eip) == 40, "the CPU's frame follows the error code");
_Static_assert(sizeof(struct trap_frame) == 52, "no padding");

typedef void (*trap_handler_t)(struct trap_frame *f);

void trap_init(void);

/* Loads the IDT trap_init() filled on the calling CPU: an AP's first act
 * in C (smp.c), so that its exceptions and FAULT_TRY work as on the BSP. */
void trap_load_idt(void);

/* Calls fn for every later trap on vector (NULL: back to the default). */
void trap_set_handler(unsigned vector, trap_handler_t fn);

/* How many times vector arrived since boot. */
uint32_t trap_count(unsigned vector);

/* Called by isr.S only. */
void trap_dispatch(struct trap_frame *f);

#endif
