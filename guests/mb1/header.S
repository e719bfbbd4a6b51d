/*
 * The Multiboot 1 header (Multiboot Specification 0.6.96, 3.1) that makes
 * this guest a Multiboot 1 kernel; it links no Multiboot2 header, so a
 * loader finds only this one.  Flags: page-aligned modules (bit 0) and
 * memory information (bit 1), both requirements.
 *
 * Built twice (guests/guests.mk): as is, for mb1.elf, which the loader
 * loads as an ELF; with -DMB1_AOUT for mb1-aout.bin, whose flag 16 makes
 * the address fields below the whole description (3.1.3): the flat binary
 * objcopy makes of the ELF starts with this header at load_addr.
 */
#include "boot/multiboot1.h"

#ifdef MB1_AOUT
#define MB1_FLAGS	(MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMORY_INFO | MB1_HEADER_AOUT_KLUDGE)
#else
#define MB1_FLAGS	(MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMORY_INFO)
#endif

	.section .multiboot1, "a"
	.balign MB1_HEADER_ALIGN
	.globl mb1_header
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long 0x100000000 - (MB1_HEADER_MAGIC + MB1_FLAGS)
#ifdef MB1_AOUT
	.long mb1_header		/* header_addr */
	.long __text_start		/* load_addr: the binary's first byte */
	.long __data_end		/* load_end_addr: its last, + 1 */
	.long __bss_end			/* bss_end_addr */
	.long _start			/* entry_addr */
#endif
