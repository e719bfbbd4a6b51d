/*
 * Where a started AP begins: the SIPI's page (smp.c copies this code to
 * AP_TRAMPOLINE_PAGE first).  After INIT and SIPI the CPU is in real mode
 * at CS = vector << 8 (base AP_TRAMPOLINE_PAGE), IP = 0, with CR0 =
 * 0x60000010, i.e. caches off (SDM Vol. 3A 9.1.1, table 9-1), interrupts
 * off and no usable stack.  The code turns the caches on, loads its own
 * copy of entry.S's GDT (same selectors, so the runtime's IDT gates stay
 * valid), enters 32-bit protected mode (9.9.1: set CR0.PE, then a far
 * jump), loads flat data segments and its stack, and calls
 * smp_ap_entry(cpu) in smp.c, which does not return.
 *
 * In real mode only DS-relative offsets within the page are used: memory
 * above 64 KiB is out of reach until the segments are reloaded in
 * protected mode (Bochs raises #GP "read beyond limit", hardware wraps).
 */
#include "ap_trampoline.h"

#define CR0_PE		(1 << 0)
#define CR0_NW		(1 << 29)
#define CR0_CD		(1 << 30)

/* An absolute address inside the copied page. */
#define PAGE_ADDR(sym)	(AP_TRAMPOLINE_PAGE + ((sym) - ap_trampoline))

	.section .rodata
	.globl ap_trampoline, ap_trampoline_end
	.balign 16
	.code16
ap_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	/* LGDT with a 32-bit operand size loads all 32 bits of the base
	 * (SDM Vol. 2A, LGDT). */
	lgdtl ap_gdtr - ap_trampoline
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $AP_GDT_CODE, $PAGE_ADDR(ap_protected)

	.code32
ap_protected:
	movw $AP_GDT_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss
	movl AP_TRAMPOLINE_PAGE + AP_PARAM_STACK, %esp
	pushl $0			/* EFLAGS: IF, TF, DF and AC all clear */
	popfl
	pushl AP_TRAMPOLINE_PAGE + AP_PARAM_CPU
	xorl %ebp, %ebp			/* ends frame-pointer walks here */
	movl $smp_ap_entry, %eax	/* absolute: this code runs from a copy */
	call *%eax
1:	cli				/* smp_ap_entry does not return */
	hlt
	jmp 1b

/* entry.S's flat code and data, accessed bits preset so the CPU never
 * writes to the table (SDM Vol. 3A 3.4.5.1). */
	.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: code, 32-bit, execute/read */
	.quad 0x00cf93000000ffff	/* 0x10: data, read/write */
ap_gdt_end:
ap_gdtr:
	.short ap_gdt_end - ap_gdt - 1
	.long PAGE_ADDR(ap_gdt)
ap_trampoline_end:		/* before AP_TRAMPOLINE_PARAMS: smp.c checks */
