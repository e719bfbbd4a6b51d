/*
 * Interrupt and exception entry: 256 stubs of 16 bytes each, at
 * trap_stubs + 16 * vector.  Each pushes a zero error code where the CPU
 * pushes none (SDM Vol. 3A 6.13: vectors 8, 10-14, 17, 21, 29, 30 have
 * one), then the vector, and joins trap_common, which saves the general
 * registers as struct trap_frame (kernel/cpu.h) and calls trap_handler.
 */
#define TRAP_STUB_SIZE 16

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	vector = 0
	.rept 256
	.org trap_stubs + vector * TRAP_STUB_SIZE	/* fails to assemble if a stub overflows */
	.if !(vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30)
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr
	.org trap_stubs + 256 * TRAP_STUB_SIZE

/*
 * Vectors 0-31 as external interrupts (idt_accept_interrupts()): an 8259
 * PIC programmed at a base below 32 (the BIOS's is 8) delivers them, and
 * no CPU error code comes with them.  The vector is pushed plus 256.
 */
	.globl irq_low_stubs
irq_low_stubs:
	vector = 0
	.rept 32
	.org irq_low_stubs + vector * TRAP_STUB_SIZE
	pushq $0
	pushq $(vector + 256)
	jmp trap_common
	vector = vector + 1
	.endr
	.org irq_low_stubs + 32 * TRAP_STUB_SIZE

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	cld
	call trap_handler		/* the frame is 176 bytes: RSP stays 16-aligned */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp			/* vector and error code */
	iretq
