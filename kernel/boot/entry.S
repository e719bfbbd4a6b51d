/*
 * The Multiboot2 header and the 32-bit entry that reaches long mode.
 *
 * GRUB enters here in 32-bit protected mode, paging off, EAX = the
 * bootloader magic, EBX = the physical address of the boot information
 * (Multiboot2 spec 3.3).  We build an identity map of the first 4 GiB with
 * 2 MiB pages, turn on long mode, apply the image's relocations and call
 * kmain(magic, mbi) in C.  Nothing here may fault before C installs an
 * IDT, so a CPU without long mode is told so on COM1 and the VGA text
 * screen, then halted.
 *
 * skiff is position-independent (built -fpie, linked -pie at
 * SKIFF_LINK_BASE) and asks the loader, by the relocatable header tag
 * (3.1.13), to put it as high as it can below 4 GiB, out of the guest's
 * way.  The loader says where it did in the load base address tag
 * (3.6.23); a loader that ignores the (optional) tag loads skiff at its
 * link address.  Until the relocations are applied, code here names
 * memory only relative to the image's runtime start, kept in EBP/RBP:
 * OFF(sym) is sym's offset from the header at the image's first byte,
 * which the assembler turns into a PC-relative fixup.
 */
#include "boot/link.h"
#include "boot/multiboot2.h"
#define OFF(sym)	((sym) - mb2_header)

#define CR0_PE		(1 << 0)
#define CR0_WP		(1 << 16)
#define CR0_NW		(1 << 29)
#define CR0_CD		(1 << 30)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define MSR_IA32_EFER	0xc0000080
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define CPUID_EXT_LM	(1 << 29)	/* CPUID.80000001H:EDX.LM */
#define CPUID_EXT_NX	(1 << 20)	/* CPUID.80000001H:EDX.NX */
#define PTE_P		(1 << 0)
#define PTE_W		(1 << 1)
#define PTE_PS		(1 << 7)
#define BOOT_STACK_SIZE	16384
#define COM1		0x3f8

/* ---- Multiboot2 header, spec section 3.1 ---- */
	/* The header and the 32-bit code share a section, so that OFF() is
	 * an assembly-time difference the assembler can make PC-relative. */
	.section .multiboot2, "ax"
	.balign 8
	.globl mb2_header
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request (3.1.4): optional, so a loader that lacks a
	 * tag still boots us and bootinfo reports what is missing. */
	.balign 8
1:	.short MB2_HEADER_TAG_INFORMATION_REQUEST, MB2_HEADER_TAG_OPTIONAL
	.long 2f - 1b
	.long MB2_TAG_CMDLINE, MB2_TAG_MODULE, MB2_TAG_MMAP, MB2_TAG_FRAMEBUFFER
	.long MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW, MB2_TAG_EFI64, MB2_TAG_EFI_MMAP
2:
	/* Console flags (3.1.9): EGA text is fine, a console is not required.
	 * There is deliberately no framebuffer tag (3.1.10): with one, GRUB 2.06
	 * switches a BIOS machine to a VBE graphics mode even when grub.cfg
	 * asks for text, and that switch crashes GRUB under Bochs.  Under UEFI,
	 * which has no text mode, GRUB sets a GOP mode and reports it anyway. */
	.balign 8
	.short MB2_HEADER_TAG_CONSOLE_FLAGS, MB2_HEADER_TAG_OPTIONAL
	.long 12
	.long MB2_CONSOLE_EGA_TEXT_SUPPORTED
	/* Modules page-aligned (3.1.11): the guest image is one. */
	.balign 8
	.short MB2_HEADER_TAG_MODULE_ALIGN, 0
	.long 8
	/* Relocatable (3.1.13): anywhere from 1 MiB to 4 GiB, page-aligned,
	 * as high as possible, so the guest keeps low memory (16 MiB, where
	 * Linux and many Multiboot kernels load, included). */
	.balign 8
	.short MB2_HEADER_TAG_RELOCATABLE, MB2_HEADER_TAG_OPTIONAL
	.long 24
	.long 0x100000			/* min_addr */
	.long 0xffffffff		/* max_addr: the image ends below 4 GiB */
	.long 4096			/* align */
	.long MB2_LOAD_PREFERENCE_HIGH
	.balign 8
	.short MB2_HEADER_TAG_END, 0
	.long 8
mb2_header_end:

/* ---- 32-bit entry ---- */
	.code32
	.globl _start
_start:
	movl %eax, %edi			/* keep magic and mbi for kmain */
	movl %ebx, %esi
	cli
	cld

	/* Where are we?  The load base address tag if the loader gave one
	 * (the stack is undefined at entry, so no CALL to read EIP), else
	 * the link address.  A malformed tag list ends the search; C checks
	 * the boot information properly later. */
	movl $SKIFF_LINK_BASE, %ebp
	cmpl $MB2_BOOTLOADER_MAGIC, %edi
	jne 3f
	movl (%esi), %edx		/* total_size */
	addl %esi, %edx			/* end of the information */
	leal 8(%esi), %ecx		/* the first tag */
1:	leal 16(%ecx), %eax
	cmpl %edx, %eax			/* room for a load base tag? */
	ja 3f
	movl (%ecx), %eax		/* type */
	testl %eax, %eax
	jz 3f				/* the end tag */
	cmpl $MB2_TAG_LOAD_BASE_ADDR, %eax
	jne 2f
	movl 8(%ecx), %ebp		/* load_base_addr */
	jmp 3f
2:	movl 4(%ecx), %eax		/* size */
	cmpl $8, %eax
	jb 3f
	addl $MB2_TAG_ALIGN - 1, %eax
	andl $-MB2_TAG_ALIGN, %eax
	addl %eax, %ecx
	jmp 1b
3:
	/* The TSC (nearly) at skiff's first instruction: the start of the
	 * boot-cost figure (make bench; in Bochs the TSC counts instructions). */
	rdtsc
	movl %eax, OFF(boot_tsc)(%ebp)
	movl %edx, OFF(boot_tsc) + 4(%ebp)
	leal OFF(boot_stack) + BOOT_STACK_SIZE(%ebp), %esp

	/* Long mode available?  (SDM Vol. 3A 10.8.5) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $CPUID_EXT_LM, %edx
	jz no_long_mode
	pushl %edx			/* remember NX support */

	/* Firmware may leave caching off (CR0 = 0xe0000031 seen from GRUB). */
	movl %cr0, %eax
	andl $~(CR0_CD | CR0_NW), %eax
	movl %eax, %cr0

	/* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
	leal OFF(boot_pdpt) + (PTE_P | PTE_W)(%ebp), %eax
	movl %eax, OFF(boot_pml4)(%ebp)
	leal OFF(boot_pd) + (PTE_P | PTE_W)(%ebp), %eax
	leal OFF(boot_pdpt)(%ebp), %ebx
	xorl %ecx, %ecx
1:	movl %eax, (%ebx, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	/* Only the low dwords: every address is below 4 GiB, and the high
	 * dwords are .bss, which the loader clears (the PML4 and PDPT above
	 * rely on that too). */
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	leal OFF(boot_pd)(%ebp), %ebx
	xorl %ecx, %ecx
2:	movl %eax, (%ebx, %ecx, 8)
	addl $0x200000, %eax
	incl %ecx
	cmpl $2048, %ecx
	jb 2b

	leal OFF(boot_pml4)(%ebp), %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $MSR_IA32_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	popl %edx
	testl $CPUID_EXT_NX, %edx
	jz 3f
	orl $EFER_NXE, %eax
3:	xorl %edx, %edx
	wrmsr
	movl %cr0, %eax
	orl $(CR0_PG | CR0_PE | CR0_WP), %eax
	movl %eax, %cr0

	/* The GDT's base is where the loader put it. */
	leal OFF(boot_gdt)(%ebp), %eax
	movl %eax, OFF(boot_gdt_ptr) + 2(%ebp)
	lgdt OFF(boot_gdt_ptr)(%ebp)
	pushl $0x08			/* far return into 64-bit code */
	leal OFF(long_entry)(%ebp), %eax
	pushl %eax
	lret

/* Prints the NUL-terminated string at %esi to COM1 and the VGA text screen. */
no_long_mode:
	leal OFF(msg_no_long_mode)(%ebp), %esi
	movl $0xb8000, %edi
1:	lodsb
	testb %al, %al
	jz 3f
	movb $0x4f, %ah			/* white on red */
	movw %ax, (%edi)
	addl $2, %edi
	movb %al, %bl
	movw $COM1 + 5, %dx		/* wait for THR empty (bounded) */
	movl $100000, %ecx
2:	inb %dx, %al
	testb $0x20, %al
	loopz 2b
	movw $COM1, %dx
	movb %bl, %al
	outb %al, %dx
	jmp 1b
3:	cli
	hlt
	jmp 3b

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %eax, %eax
	movw %ax, %fs
	movw %ax, %gs
	movl %edi, %edi			/* upper halves are undefined after the switch */
	movl %esi, %esi
	movl %ebp, %ebp
	leaq boot_stack + BOOT_STACK_SIZE(%rip), %rsp

	/* Apply the relocations, which the linker packed (-z pack-relative-
	 * relocs, the RELR format: R_X86_64_RELATIVE only).  An even entry
	 * is the link address of a word to relocate; an odd entry is a
	 * bitmap whose bits 1..63 name the 63 words from the one after the
	 * last relocated by address (then the 63 after those).  Relocating a
	 * word adds how far the image moved to the link-time address the
	 * linker left in it.  The build checks the table (tools/relocheck.c). */
	movq %rbp, %rdx
	subq $SKIFF_LINK_BASE, %rdx	/* how far the image moved */
	leaq __relr_start(%rip), %rcx
	leaq __relr_end(%rip), %r8
	xorl %r10d, %r10d		/* the word bit 1 of a bitmap names */
1:	cmpq %r8, %rcx
	jae 3f
	movq (%rcx), %rax
	addq $8, %rcx
	testb $1, %al
	jnz 2f
	addq %rdx, (%rax, %rdx)		/* an address */
	leaq 8(%rax), %r10
	jmp 1b
2:	movq %r10, %r9			/* a bitmap */
	addq $63 * 8, %r10
	shrq $1, %rax			/* without its marker: bit 0 names (%r9) */
5:	testq %rax, %rax
	jz 1b
	testb $1, %al
	jz 6f
	addq %rdx, (%r9, %rdx)
6:	shrq $1, %rax
	addq $8, %r9
	jmp 5b
3:	xorl %ebp, %ebp
	call kmain
4:	cli
	hlt
	jmp 4b

	.section .rodata
msg_no_long_mode:
	.asciz "skiff: this CPU has no 64-bit long mode (CPUID 80000001h EDX bit 29); skiff needs an x86-64 CPU with VT-x. Halted."

	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00209a0000000000	/* 0x08: 64-bit code, present, DPL 0 */
	.quad 0x0000920000000000	/* 0x10: data, present, writable */
boot_gdt_end:

	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	/* Left unmapped by skiff's page tables: an overflow faults (#DF on
	 * its IST stack explains it) instead of corrupting the tables above. */
	.globl boot_stack_guard
boot_stack_guard: .skip 4096
	.globl boot_stack
boot_stack:	.skip BOOT_STACK_SIZE

	.section .data
	.balign 8
boot_gdt_ptr:				/* the base is filled in at run time */
	.short boot_gdt_end - boot_gdt - 1
	.long 0
	.balign 8
	.globl boot_tsc
boot_tsc:
	.quad 0
