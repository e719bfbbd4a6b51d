/*
 * Interrupt and exception entry stubs.  Each stub makes the stack look
 * the same, whether or not the CPU pushed an error code (SDM Vol. 3A 6.13,
 * table 6-1 says which vectors do), then isr_common saves the general
 * registers and calls trap_dispatch(struct trap_frame *) in trap.c.  The
 * frame layout is pinned by _Static_asserts in trap.h.
 *
 * The guest runs in ring 0 only, so no stack switch happens: the CPU
 * pushes EFLAGS, CS and EIP onto the interrupted stack, and IRET resumes
 * at whatever EIP the C handler leaves in the frame (fault recovery moves
 * it).
 */

/* STUB vector, error: one entry stub, and its row in isr_table. */
	.macro STUB vector, error
	.text
isr_\vector:
	.if \error == 0
	pushl $0			/* no error code from the CPU: a dummy */
	.endif
	pushl $\vector
	jmp isr_common
	.pushsection .rodata
	.long \vector, isr_\vector
	.popsection
	.endm

/* isr_table: rows of (vector, stub address), ended by a row of zeros;
 * trap_init() installs one IDT gate per row. */
	.section .rodata
	.balign 4
	.globl isr_table
isr_table:

	/* Exceptions 0..31.  Error codes: #DF 8, #TS 10, #NP 11, #SS 12,
	 * #GP 13, #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
	STUB 0, 0
	STUB 1, 0
	STUB 2, 0
	STUB 3, 0
	STUB 4, 0
	STUB 5, 0
	STUB 6, 0
	STUB 7, 0
	STUB 8, 1
	STUB 9, 0
	STUB 10, 1
	STUB 11, 1
	STUB 12, 1
	STUB 13, 1
	STUB 14, 1
	STUB 15, 0
	STUB 16, 0
	STUB 17, 1
	STUB 18, 0
	STUB 19, 0
	STUB 20, 0
	STUB 21, 1
	STUB 22, 0
	STUB 23, 0
	STUB 24, 0
	STUB 25, 0
	STUB 26, 0
	STUB 27, 0
	STUB 28, 0
	STUB 29, 1
	STUB 30, 1
	STUB 31, 0
	/* Extra vectors: 0x40 for a local APIC timer, 0xfe for one of the
	 * highest priority class (the attack guest's timer-off), 0xff for the
	 * APIC's spurious interrupt (its SVR names it). */
	STUB 64, 0
	STUB 254, 0
	STUB 255, 0

	.section .rodata
	.long 0, 0			/* end of isr_table */

	.text
isr_common:
	pushal
	cld				/* C expects DF clear */
	pushl %esp			/* the struct trap_frame */
	call trap_dispatch
	addl $4, %esp
	popal
	addl $8, %esp			/* vector and error code */
	iret
