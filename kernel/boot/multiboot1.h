/*
 * Multiboot 1 structures and constants, written from the Multiboot
 * Specification version 0.6.96.  Section numbers below are that document's.
 *
 * skiff itself is booted by Multiboot2; these describe the older protocol
 * for the guests skiff boots (vm/mb1_load.h, vm/mb1_guest.h) and the guest
 * that tests it (guests/mb1/).  Constants are plain integers so assembly
 * can use them.  The boot information's memory map entries are not 8-byte
 * aligned (3.3: a u32 size, then a u64 base at offset 4), so they are read
 * and written with memcpy, never through a pointer to a struct.
 */
#ifndef SKIFF_BOOT_MULTIBOOT1_H
#define SKIFF_BOOT_MULTIBOOT1_H

/* ---- OS image header (3.1) ---- */

/* 3.1.1: the header lies 4-byte aligned within the image's first 8192 bytes. */
#define MB1_HEADER_SEARCH_LIMIT		8192
#define MB1_HEADER_ALIGN		4

/* 3.1.1: magic, flags, checksum; the three sum to 0 (mod 2^32). */
#define MB1_HEADER_MAGIC		0x1badb002

/* 3.1.2: flags.  Bits 0-15 are requirements: a loader that does not know
 * or cannot honour one must refuse the image.  Bits 16-31 are optional. */
#define MB1_HEADER_PAGE_ALIGN		(1 << 0)	/* modules 4 KiB aligned */
#define MB1_HEADER_MEMORY_INFO		(1 << 1)	/* mem_* (and mmap) wanted */
#define MB1_HEADER_VIDEO_MODE		(1 << 2)	/* the video mode table */
#define MB1_HEADER_AOUT_KLUDGE		(1 << 16)	/* the address fields are valid */
#define MB1_HEADER_REQUIRED_MASK	0xffff

/* 3.1.1: the header's sizes: magic to checksum; with the address fields
 * (flags[16]); with the graphics fields (flags[2]). */
#define MB1_HEADER_MIN_SIZE		12
#define MB1_HEADER_AOUT_SIZE		32
#define MB1_HEADER_VIDEO_SIZE		48

/* ---- Machine state and boot information (3.2, 3.3) ---- */

/* 3.2: EAX at entry. */
#define MB1_BOOTLOADER_MAGIC		0x2badb002

/* 3.3: which fields of the information structure are valid. */
#define MB1_INFO_MEMORY			(1 << 0)	/* mem_lower, mem_upper */
#define MB1_INFO_BOOTDEV		(1 << 1)
#define MB1_INFO_CMDLINE		(1 << 2)
#define MB1_INFO_MODS			(1 << 3)
#define MB1_INFO_AOUT_SYMS		(1 << 4)
#define MB1_INFO_ELF_SHDR		(1 << 5)
#define MB1_INFO_MEM_MAP		(1 << 6)
#define MB1_INFO_DRIVE_INFO		(1 << 7)
#define MB1_INFO_CONFIG_TABLE		(1 << 8)
#define MB1_INFO_BOOT_LOADER_NAME	(1 << 9)
#define MB1_INFO_APM_TABLE		(1 << 10)
#define MB1_INFO_VBE_INFO		(1 << 11)

/* 3.3: the memory map's types: 1 is available RAM, every other value
 * reserved. */
#define MB1_MEMORY_AVAILABLE		1
#define MB1_MEMORY_RESERVED		2

/* 3.3: each map entry: a u32 size (of the rest, 20 here), a u64 base, a
 * u64 length, a u32 type; the next entry lies size + 4 bytes on. */
#define MB1_MMAP_ENTRY_SIZE		24

#ifndef __ASSEMBLY__
#include <stdint.h>

/* 3.1.1: the fixed part, the a.out kludge's fields, the graphics fields. */
struct mb1_header {
	uint32_t magic;
	uint32_t flags;
	uint32_t checksum;
	uint32_t header_addr;	/* 3.1.3: physical address of magic */
	uint32_t load_addr;	/* where the text starts */
	uint32_t load_end_addr;	/* end of data; 0: the rest of the file */
	uint32_t bss_end_addr;	/* end of bss; 0: none */
	uint32_t entry_addr;
	uint32_t mode_type;	/* 3.1.4 */
	uint32_t width;
	uint32_t height;
	uint32_t depth;
};

/* 3.3: the boot information, 0.6.96's fields (88 bytes). */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower;	/* KiB from 0 */
	uint32_t mem_upper;	/* KiB from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;	/* bytes, entries and their size fields */
	uint32_t mmap_addr;
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info;
	uint32_t vbe_mode_info;
	uint16_t vbe_mode;
	uint16_t vbe_interface_seg;
	uint16_t vbe_interface_off;
	uint16_t vbe_interface_len;
};

/* 3.3: one module; mod_end is one past its last byte, as GRUB writes it. */
struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;	/* 0 */
};

_Static_assert(sizeof(struct mb1_header) == MB1_HEADER_VIDEO_SIZE, "3.1.1: 48-byte header");
_Static_assert(__builtin_offsetof(struct mb1_header, entry_addr) + 4 == MB1_HEADER_AOUT_SIZE,
	       "3.1.1: the address fields end at 32");
_Static_assert(sizeof(struct mb1_info) == 88, "3.3: 0.6.96's information is 88 bytes");
_Static_assert(__builtin_offsetof(struct mb1_info, mmap_length) == 44, "3.3: mmap_length at 44");
_Static_assert(__builtin_offsetof(struct mb1_info, boot_loader_name) == 64,
	       "3.3: boot_loader_name at 64");
_Static_assert(sizeof(struct mb1_module) == 16, "3.3: a module entry is 16 bytes");
#endif

#endif
