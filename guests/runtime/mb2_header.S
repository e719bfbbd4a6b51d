/*
 * The Multiboot2 header that makes a guest a Multiboot2 kernel; every
 * guest but guests/mb1/ links it.  The linker script puts its section
 * first, well inside the first 32 KiB of the file.
 */
#include "boot/multiboot2.h"

/* ---- Multiboot2 header, spec 3.1: 8-byte aligned in the first 32 KiB ---- */
	.section .multiboot2, "a"
	.balign MB2_HEADER_ALIGN
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))

	/* Information request (3.1.4), optional: a loader that cannot give
	 * a tag still boots us, and the guest reports what is missing.  We
	 * ask only for tags every loader has; anything else is an ELF
	 * executable's business (no address or entry tags: ELF gives both). */
	.balign 8
1:	.short MB2_HEADER_TAG_INFORMATION_REQUEST, MB2_HEADER_TAG_OPTIONAL
	.long 2f - 1b
	.long MB2_TAG_CMDLINE, MB2_TAG_BOOT_LOADER_NAME, MB2_TAG_MMAP
2:
	.balign 8
	.short MB2_HEADER_TAG_END, 0
	.long 8
mb2_header_end:
