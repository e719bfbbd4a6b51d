/*
 * Where every guest starts: the 32-bit entry.  The header that makes the
 * guest a Multiboot2 kernel is mb2_header.S (guests/mb1/ has a Multiboot 1
 * one instead); this entry serves both.
 *
 * A Multiboot loader (GRUB on bare metal, or skiff) enters _start in
 * 32-bit protected mode with paging off, EAX = the bootloader magic and
 * EBX = the physical address of the boot information (Multiboot2 3.3,
 * Multiboot 0.6.96 3.2: the same state, another magic).  CS and
 * DS are flat, but GDTR and IDTR may point anywhere and there is no stack,
 * so before any C runs we load our own GDT, reload every segment register,
 * zero .bss and set up a stack.  runtime_main() (runtime.c) does the rest.
 */
#define GDT_CODE	0x08
#define GDT_DATA	0x10
#define STACK_SIZE	16384

/* ---- 32-bit entry ---- */
	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	movl %eax, %ebp			/* keep magic and info for runtime_main */
	/* The TSC at (nearly) our first instruction, for the boot cost
	 * (entry.h).  DS is flat on entry (spec 3.3), and .data is not
	 * zeroed below as .bss is.  RDTSC clobbers only EDX beyond EAX. */
	rdtsc
	movl %eax, guest_entry_tsc
	movl %edx, guest_entry_tsc + 4
	cli
	cld
	movl %ebx, %esi

	/* The loader's GDT may be gone or at an address we will overwrite;
	 * a far jump reloads CS from ours, then the data segments. */
	lgdt gdt_ptr
	ljmp $GDT_CODE, $1f
1:	movw $GDT_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %fs
	movw %ax, %gs
	movw %ax, %ss

	/* The loader zeroes .bss when it loads us (3.1: memsz beyond
	 * filesz), but a guest re-entered without being reloaded would find
	 * last run's data there.  Zeroing costs microseconds, so always do
	 * it.  The stack lives in .bss too, so this comes before it. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	movl $stack + STACK_SIZE, %esp
	pushl $0			/* EFLAGS: IF, TF, DF and AC all clear */
	popfl
	pushl %esi			/* runtime_main(magic, info) */
	pushl %ebp
	xorl %ebp, %ebp			/* ends frame-pointer walks here */
	call runtime_main
2:	cli				/* runtime_main does not return */
	hlt
	jmp 2b

/* Flat 4 GiB code and data, ring 0.  The accessed bits are preset so the
 * CPU never writes to this table (SDM Vol. 3A 3.4.5.1). */
	.section .rodata
	.balign 8
gdt:
	.quad 0				/* the null descriptor */
	.quad 0x00cf9b000000ffff	/* 0x08: code, 32-bit, execute/read */
	.quad 0x00cf93000000ffff	/* 0x10: data, read/write */
gdt_end:
gdt_ptr:
	.short gdt_end - gdt - 1
	.long gdt

	.section .data
	.balign 8
	.globl guest_entry_tsc
guest_entry_tsc:
	.quad 0

	.section .bss
	.balign 16
stack:	.skip STACK_SIZE
