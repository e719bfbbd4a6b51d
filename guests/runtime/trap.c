/*
 * The IDT, the dispatcher isr.S calls, and fault recovery (fault.h).
 */
#include <stdint.h>

#include "fault.h"
#include "printf.h"
#include "runtime.h"
#include "trap.h"
#include "x86.h"

#define GDT_CODE		0x08	/* entry.S's code segment */
#define IDT_INTERRUPT_GATE	0x8e	/* present, DPL 0, 32-bit interrupt gate */

/* SDM Vol. 3A 6.11, figure 6-2: a 32-bit interrupt gate. */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
};
_Static_assert(sizeof(struct idt_gate) == 8, "SDM 6.11: gates are 8 bytes");

struct idt_ptr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/* Rows of (vector, stub), from isr.S, ended by a zero stub. */
struct isr_row {
	uint32_t vector;
	uint32_t stub;
};
extern const struct isr_row isr_table[];

static struct idt_gate idt[TRAP_VECTORS] __attribute__((aligned(8)));
static trap_handler_t handlers[TRAP_VECTORS];
static volatile uint32_t counts[TRAP_VECTORS];

volatile uint32_t fault_fixup;
volatile int fault_vector = FAULT_NONE;
volatile uint32_t fault_error;
volatile uint32_t fault_eip;

static const char *const exception_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22", "23",
	"24", "25", "26", "27", "#HV", "#VC", "#SX", "31",
};

const char *fault_name(int vector)
{
	if (vector == FAULT_NONE)
		return "none";
	if (vector >= 0 && vector < 32)
		return exception_names[vector];
	return "interrupt";
}

void trap_init(void)
{
	const struct isr_row *row;

	for (row = isr_table; row->stub; row++) {
		struct idt_gate *g = &idt[row->vector];

		g->offset_low = row->stub & 0xffff;
		g->selector = GDT_CODE;
		g->type_attr = IDT_INTERRUPT_GATE;
		g->offset_high = row->stub >> 16;
	}
	trap_load_idt();
}

void trap_load_idt(void)
{
	struct idt_ptr ptr = { sizeof(idt) - 1, (uint32_t)idt };

	asm volatile("lidt %0" : : "m"(ptr));
}

void trap_set_handler(unsigned vector, trap_handler_t fn)
{
	if (vector < TRAP_VECTORS)
		handlers[vector] = fn;
}

uint32_t trap_count(unsigned vector)
{
	return vector < TRAP_VECTORS ? counts[vector] : 0;
}

void trap_dispatch(struct trap_frame *f)
{
	unsigned v = f->vector;

	counts[v]++;

	/* An NMI comes from outside, whatever instruction it interrupts. */
	if (v < 32 && v != VEC_NMI && fault_fixup) {
		fault_vector = v;
		fault_error = f->error;
		fault_eip = f->eip;
		f->eip = fault_fixup;
		fault_fixup = 0;
		/* Whatever armed the fixup is over: stop single-stepping. */
		f->eflags &= ~EFLAGS_TF;
		return;
	}
	if (handlers[v]) {
		handlers[v](f);
		return;
	}
	if (v < 32 && v != VEC_NMI) {
		printf("%s: unexpected exception %s (vector %u), error code 0x%x, at eip 0x%08x\n",
		       guest_name, exception_names[v], v, f->error, f->eip);
		guest_exit(GUEST_EXIT_FATAL);
	}
	/* An NMI, a spurious APIC interrupt or an interrupt nobody asked
	 * for: counted above, nothing else to do. */
}
