/*
 * Attacks on the CPU itself: a triple fault, and a loop that never leaves
 * non-root mode.
 */
#include "attack.h"
#include "x86.h"

#define IDT_GATES		256
#define GATE_NOT_PRESENT	GATE_INTERRUPT32	/* a valid gate type, P = 0 */

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
};

_Static_assert(sizeof(struct idt_gate) == 8, "SDM Vol. 3A 6.11: gates are 8 bytes");

static struct idt_gate absent_idt[IDT_GATES] __attribute__((aligned(8)));

/*
 * A triple fault from gates that are there but not present, rather than
 * from an IDT too short to hold them (selftest's crash=triple does that).
 * UD2 raises #UD; its gate has P = 0, so delivering it raises #NP
 * (SDM Vol. 3A 6.12.1.1 and interrupt 11: a not-present gate is #NP with
 * the IDT bit set in the error code); #UD is benign, so #NP is delivered
 * next, and its own gate is absent too: #NP while delivering #NP is a
 * contributory exception during a contributory one, hence #DF (6.15,
 * interrupt 8, table 6-5); the #DF gate is absent as well, and an
 * exception while delivering #DF shuts the CPU down: a triple fault, which
 * in non-root mode is a VM exit (SDM Vol. 3C 26.2).
 */
void attack_triple(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(absent_idt) - 1, (uint32_t)absent_idt };

	for (unsigned v = 0; v < IDT_GATES; v++)
		absent_idt[v] = (struct idt_gate){ .selector = SEL_CODE0,
						   .type_attr = GATE_NOT_PRESENT };
	asm volatile("lidt %0\n\t"
		     "ud2" : : "m"(idtr) : "memory");
}

/*
 * Interrupts off and a jump to itself: no instruction in the loop exits
 * (SDM Vol. 3C 26.1: JMP never does), no interrupt can arrive to end it,
 * and no NMI is coming.  Only a timer of skiff's own (the VMX preemption
 * timer, 26.5.1) can take the CPU back: skiff's watchdog.
 */
void attack_cli_loop(void)
{
	asm volatile("cli\n"
		     "1:\tjmp 1b" : : : "memory");
}
