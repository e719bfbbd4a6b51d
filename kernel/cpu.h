/* skiff's own CPU tables: GDT with a TSS, and the IDT. */
#ifndef SKIFF_CPU_H
#define SKIFF_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GDT selectors (index << 3).  The VMCS host-state area names them too. */
#define SEL_KERNEL_CS	0x08
#define SEL_KERNEL_DS	0x10
#define SEL_TSS		0x18	/* the BSP's; CPU i's is cpu_tss_selector(i) */

/* Interrupt stack table slots (SDM Vol. 3A 7.7): faults that must not
 * run on a possibly broken stack get a known-good one. */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

/* The TSC when skiff's first instruction ran (kernel/boot/entry.S). */
extern uint64_t boot_tsc;

void gdt_init(void);

/* CPU i's TSS descriptor: one per CPU, 16 bytes each (SDM Vol. 3A 8.2.3).
 * Index 0 is the bootstrap processor. */
static inline uint16_t cpu_tss_selector(unsigned index)
{
	return (uint16_t)(SEL_TSS + 16 * index);
}

/* The index of the CPU that runs this, from its TR (STR): each CPU loaded
 * its own TSS.  0 before gdt_init() too (TR is then 0). */
static inline unsigned cpu_index_from_tr(uint16_t tr)
{
	return tr <= SEL_TSS ? 0 : (unsigned)(tr - SEL_TSS) / 16;
}

/* For an AP, run by the BSP before it starts the AP: its TSS with IST
 * stacks (NMI, #DF, #MC) and its C stack, every stack from the pool above
 * an unmapped guard page; *stack_top is the C stack's top.  0, or
 * -ENOMEM (the pool is empty), -EINVAL (index 0 or too large). */
int cpu_ap_prepare(unsigned index, uint64_t *stack_top);
/* Run by the AP itself: the shared GDT, its own TR, the shared IDT. */
void cpu_ap_load(unsigned index);
void idt_load(void);
/* The guard page under each of skiff's stacks; returns how many. */
size_t cpu_stack_guards(uint64_t *out, size_t max);
void idt_init(void);
/* For the VMCS host-state area: where the TSS lives, and the top of the
 * stack every VM exit starts on (16-byte aligned, guard page below). */
uint64_t cpu_tss_base(unsigned index);	/* CPU index's */
uint64_t cpu_exit_stack_top(void);

/* The register state trap.S saves; its layout is fixed by trap.S. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	/* pushed by the CPU (SDM Vol. 3A 6.14.2) */
	uint64_t rip, cs, rflags, rsp, ss;
};

void trap_handler(struct trap_frame *tf);
/* Who takes an external interrupt (vector 32 and up) in skiff, when
 * anyone does: skiff's own timer on AMD-V (svm/own_timer.h).  True when
 * taken; NULL or false: the interrupt is a stray one, reported. */
extern bool (*cpu_interrupt_taker)(unsigned vector);
/* Lets the interrupts the APIC holds in, to cpu_interrupt_taker (idt.c). */
void idt_accept_interrupts(void);

/*
 * An NMI that arrives while skiff itself runs (root mode) is held for the
 * guest, never a panic.  Each CPU holds its own: the NMI handler sets the
 * flag cpu_nmi_attach() named for the CPU it runs on (the vCPU's, which
 * the exit path hands to the guest before the next VM entry).  Until the
 * BSP's vCPU exists its NMIs are held in a flag of their own, which
 * cpu_nmi_attach() passes on.  A CPU with no flag (an AP parked for good)
 * counts its NMIs and dismisses them.
 */
void cpu_nmi_attach(unsigned cpu, bool *flag);
/* How many NMIs arrived on each CPU while skiff ran there, since boot. */
extern uint64_t cpu_nmis_in_root[];
/* How many of those came while no vCPU was attached (parked). */
extern uint64_t cpu_nmis_parked[];
const char *exception_name(uint64_t vector);

#endif
