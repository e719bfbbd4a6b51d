/* skiff's own CPU tables: GDT with a TSS, and the IDT. */
#ifndef SKIFF_CPU_H
#define SKIFF_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* GDT selectors (index << 3).  The VMCS host-state area names them too. */
#define SEL_KERNEL_CS	0x08
#define SEL_KERNEL_DS	0x10
#define SEL_TSS		0x18

/* Interrupt stack table slots (SDM Vol. 3A 7.7): faults that must not
 * run on a possibly broken stack get a known-good one. */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

/* The TSC when skiff's first instruction ran (kernel/boot/entry.S). */
extern uint64_t boot_tsc;

void gdt_init(void);
/* The guard page under each of skiff's stacks; returns how many. */
size_t cpu_stack_guards(uint64_t *out, size_t max);
void idt_init(void);
/* For the VMCS host-state area: where the TSS lives, and the top of the
 * stack every VM exit starts on (16-byte aligned, guard page below). */
uint64_t cpu_tss_base(void);
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

/* An NMI that arrived while skiff itself ran (root mode): held for the
 * guest, never a panic (idt.c sets it; the exit path hands it to the vCPU
 * before the next VM entry).  One CPU so far: one flag.  Not volatile:
 * the NMI handler writes it, and every reader reads it once per exit
 * (the generic path with an atomic exchange). */
extern bool cpu_nmi_held;
/* How many NMIs arrived while skiff ran, since boot. */
extern uint64_t cpu_nmis_in_root;
const char *exception_name(uint64_t vector);

#endif
