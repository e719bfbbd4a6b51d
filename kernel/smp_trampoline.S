/*
 * The AP start-up code (SDM Vol. 3A 9.4.4 "MP Initialization Example"):
 * copied to a low page, where a start-up IPI starts the AP in real mode at
 * CS = page >> 4, IP = 0.  It goes to 32-bit protected mode on its own
 * small GDT (9.9.1 "Switching to Protected Mode"), then to IA-32e mode on
 * skiff's page tables (10.8.5 "Initializing IA-32e Mode": CR4.PAE, CR3,
 * EFER.LME, then CR0.PG), and calls the C entry on its own stack with its
 * CPU index.  The BSP fills the parameter block (smp_trampoline.h) before
 * any AP starts; it lives in .rodata since it is only copied, never run,
 * in skiff's image.  The code is position-independent: EBX holds the
 * page's address from real mode on.
 */
#include "smp_trampoline.h"

#define MSR_EFER	0xc0000080

	.section .rodata.smp_trampoline, "a"
	.balign 16
	.globl smp_trampoline, smp_trampoline_end, smp_trampoline_pm, smp_trampoline_lm

	.code16
smp_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx
	lgdtl TRAMP_PARAMS + TP_GDTR
	movl %cr0, %eax
	orl $1, %eax				/* CR0.PE */
	movl %eax, %cr0
	ljmpl *(TRAMP_PARAMS + TP_PM_JUMP)

	.code32
smp_trampoline_pm:
	/* Reload every data segment first: the real-mode limits are 64 KiB. */
	movw $TRAMP_SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl TRAMP_PARAMS + TP_CR4(%ebx), %eax
	movl %eax, %cr4
	movl TRAMP_PARAMS + TP_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl TRAMP_PARAMS + TP_EFER(%ebx), %eax
	movl TRAMP_PARAMS + TP_EFER + 4(%ebx), %edx
	wrmsr
	movl TRAMP_PARAMS + TP_CR0(%ebx), %eax
	movl %eax, %cr0				/* PG: IA-32e compatibility mode */
	ljmpl *(TRAMP_PARAMS + TP_LM_JUMP)(%ebx)

	.code64
smp_trampoline_lm:
	movl %ebx, %ebx				/* upper halves are undefined here */
	movq TRAMP_PARAMS + TP_BOOT(%rbx), %rsi
	movq AB_STACK(%rsi), %rsp
	movq AB_INDEX(%rsi), %rdi
	xorl %ebp, %ebp
	callq *AB_ENTRY(%rsi)			/* never returns */
1:	cli
	hlt
	jmp 1b

	.org smp_trampoline + TRAMP_PARAMS	/* fails to assemble if the code overflows */
	.fill TP_SIZE, 1, 0

	.org smp_trampoline + TRAMP_GDT
	/* SDM Vol. 3A 3.4.5: null; 64-bit code (L); flat data; flat 32-bit code
	 * (D).  The accessed bits are set already: the page is read-only once
	 * paging is on, and the CPU's write of that bit would fault. */
	.quad 0
	.quad 0x00af9b000000ffff
	.quad 0x00cf93000000ffff
	.quad 0x00cf9b000000ffff
smp_trampoline_end:
