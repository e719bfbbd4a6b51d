/*
 * start-ap's real-mode code: what an AP would run if the guest's
 * INIT-SIPI-SIPI started it (SDM Vol. 3A 9.4.4.1: at CS = vector << 8,
 * IP = 0).  It writes a marker into its own page, then goes to "unreal"
 * mode (protected mode long enough to load ES with a flat 4 GiB segment,
 * SDM Vol. 3A 9.9.1), writes skiff's memory (the address at
 * START_AP_TARGET_OFF), which outside VMX nothing stops, and marks that
 * too.  attack/apic.c copies it to the SIPI page and fills in the GDT
 * pointer and the target.
 */
#include "start_ap.h"

	.section .rodata
	.globl start_ap_payload, start_ap_payload_end
	.code16
start_ap_payload:
	cli
	movw %cs, %ax
	movw %ax, %ds
	movl $START_AP_MARK, START_AP_RAN_OFF
	lgdtl START_AP_GDTR_OFF
	movl %cr0, %eax
	orl $1, %eax				/* CR0.PE */
	movl %eax, %cr0
	movw $8, %bx
	movw %bx, %es				/* flat data: base 0, limit 4 GiB */
	andl $0xfffffffe, %eax
	movl %eax, %cr0				/* back to real mode; ES keeps its limit */
	movl START_AP_TARGET_OFF, %edi
	addr32 movl $START_AP_MARK, %es:(%edi)
	movl $START_AP_MARK, START_AP_WROTE_OFF
1:	hlt
	jmp 1b

	.org start_ap_payload + START_AP_GDT_OFF
	.quad 0
	.quad 0x00cf93000000ffff		/* flat data, accessed */
start_ap_payload_end:
	.code32
