/*
 * Multiboot2 structures and constants, written from the Multiboot2
 * Specification version 2.0.  Section numbers below are that document's.
 *
 * The constants are plain integers (no C suffixes) so that entry.S can use
 * them through the preprocessor; the structures are C only.  All fields are
 * little-endian and, by 3.6.2, every tag starts 8-byte aligned, so the
 * structures below need no packing: their natural layout is the wire layout,
 * which the _Static_asserts at the bottom pin down.
 */
#ifndef SKIFF_BOOT_MULTIBOOT2_H
#define SKIFF_BOOT_MULTIBOOT2_H

/* ---- OS image header (3.1) ---- */

/* 3.1: the header lies 8-byte aligned within the image's first 32 KiB. */
#define MB2_HEADER_SEARCH_LIMIT		32768
#define MB2_HEADER_ALIGN		8

/* 3.1.2: magic, architecture, header_length, checksum; the four sum to 0. */
#define MB2_HEADER_MAGIC		0xe85250d6
#define MB2_ARCH_I386			0	/* 32-bit protected mode */
#define MB2_ARCH_MIPS32			4

/* 3.1.3: header tag types (u16 type, u16 flags, u32 size). */
#define MB2_HEADER_TAG_END			0
#define MB2_HEADER_TAG_INFORMATION_REQUEST	1	/* 3.1.4 */
#define MB2_HEADER_TAG_ADDRESS			2	/* 3.1.5 */
#define MB2_HEADER_TAG_ENTRY_ADDRESS		3	/* 3.1.6 */
#define MB2_HEADER_TAG_CONSOLE_FLAGS		4	/* 3.1.9 */
#define MB2_HEADER_TAG_FRAMEBUFFER		5	/* 3.1.10 */
#define MB2_HEADER_TAG_MODULE_ALIGN		6	/* 3.1.11 */
#define MB2_HEADER_TAG_EFI_BS			7	/* 3.1.12 */
#define MB2_HEADER_TAG_ENTRY_ADDRESS_EFI32	8	/* 3.1.7 */
#define MB2_HEADER_TAG_ENTRY_ADDRESS_EFI64	9	/* 3.1.8 */
#define MB2_HEADER_TAG_RELOCATABLE		10	/* 3.1.13 */

/* 3.1.3: flags bit 0, "optional": a loader lacking support may ignore it. */
#define MB2_HEADER_TAG_OPTIONAL		(1 << 0)

/* 3.1.9: console_flags bits. */
#define MB2_CONSOLE_REQUIRED		(1 << 0)
#define MB2_CONSOLE_EGA_TEXT_SUPPORTED	(1 << 1)

/* 3.1.13: relocatable header tag, preference field. */
#define MB2_LOAD_PREFERENCE_NONE	0
#define MB2_LOAD_PREFERENCE_LOW		1
#define MB2_LOAD_PREFERENCE_HIGH	2

/* ---- Boot information (3.6) ---- */

/* 3.3: EAX at entry; anything else means another kind of loader. */
#define MB2_BOOTLOADER_MAGIC		0x36d76289

/* 3.6.2: the structure and each tag start 8-byte aligned. */
#define MB2_INFO_ALIGN			8
#define MB2_TAG_ALIGN			8

/* 3.6.2 .. 3.6.23: boot information tag types. */
#define MB2_TAG_END			0	/* 3.6.2, size 8 */
#define MB2_TAG_CMDLINE			1	/* 3.6.5 */
#define MB2_TAG_BOOT_LOADER_NAME	2	/* 3.6.9 */
#define MB2_TAG_MODULE			3	/* 3.6.6, one per module */
#define MB2_TAG_BASIC_MEMINFO		4	/* 3.6.3 */
#define MB2_TAG_BOOTDEV			5	/* 3.6.4 */
#define MB2_TAG_MMAP			6	/* 3.6.8 */
#define MB2_TAG_VBE			7	/* 3.6.11 */
#define MB2_TAG_FRAMEBUFFER		8	/* 3.6.12 */
#define MB2_TAG_ELF_SECTIONS		9	/* 3.6.7 */
#define MB2_TAG_APM			10	/* 3.6.10 */
#define MB2_TAG_EFI32			11	/* 3.6.13 */
#define MB2_TAG_EFI64			12	/* 3.6.14 */
#define MB2_TAG_SMBIOS			13	/* 3.6.15 */
#define MB2_TAG_ACPI_OLD		14	/* 3.6.16, RSDP of ACPI 1.0 */
#define MB2_TAG_ACPI_NEW		15	/* 3.6.17, RSDP of ACPI 2.0+ */
#define MB2_TAG_NETWORK			16	/* 3.6.18, one per card */
#define MB2_TAG_EFI_MMAP		17	/* 3.6.19 */
#define MB2_TAG_EFI_BS			18	/* 3.6.20, boot services live */
#define MB2_TAG_EFI32_IH		19	/* 3.6.21 */
#define MB2_TAG_EFI64_IH		20	/* 3.6.22 */
#define MB2_TAG_LOAD_BASE_ADDR		21	/* 3.6.23 */
#define MB2_TAG_TYPE_COUNT		22	/* one past the last defined */

/* Sizes the 3.6 diagrams fix for tags that have no structure below. */
#define MB2_TAG_BOOTDEV_SIZE		20	/* 3.6.4 */
#define MB2_TAG_ELF_SECTIONS_MIN	16	/* 3.6.7: before the headers */
#define MB2_TAG_APM_SIZE		28	/* 3.6.10 */
#define MB2_TAG_VBE_SIZE		784	/* 3.6.11 */
#define MB2_TAG_SMBIOS_MIN		16	/* 3.6.15: before the tables */

/* 3.6.8: entry_size is a multiple of this. */
#define MB2_MMAP_ENTRY_SIZE_MULTIPLE	8

/* 3.6.8: memory map entry types; every other value is reserved. */
#define MB2_MEMORY_AVAILABLE		1
#define MB2_MEMORY_RESERVED		2
#define MB2_MEMORY_ACPI_RECLAIMABLE	3
#define MB2_MEMORY_NVS			4	/* preserve across hibernation */
#define MB2_MEMORY_BADRAM		5

/* 3.6.12: framebuffer_type. */
#define MB2_FRAMEBUFFER_TYPE_INDEXED	0
#define MB2_FRAMEBUFFER_TYPE_RGB	1
#define MB2_FRAMEBUFFER_TYPE_EGA_TEXT	2

#ifndef __ASSEMBLY__

#include <stdint.h>

/* 3.1.1 */
struct mb2_header {
	uint32_t magic;
	uint32_t architecture;
	uint32_t header_length;
	uint32_t checksum;
};

/* 3.1.3 */
struct mb2_header_tag {
	uint16_t type;
	uint16_t flags;
	uint32_t size;
};

/* 3.1.10 */
struct mb2_header_tag_framebuffer {
	uint16_t type;
	uint16_t flags;
	uint32_t size;
	uint32_t width;
	uint32_t height;
	uint32_t depth;
};

/* 3.6.2: the fixed part; total_size counts itself and the end tag. */
struct mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

/* 3.6.2: size counts the header but not the padding to the next tag. */
struct mb2_tag {
	uint32_t type;
	uint32_t size;
};

/* 3.6.5, 3.6.9: a NUL-terminated UTF-8 string fills the rest of the tag. */
struct mb2_tag_string {
	uint32_t type;
	uint32_t size;
	char string[];
};

/* 3.6.6: mod_end is one past the module's last byte in practice (GRUB). */
struct mb2_tag_module {
	uint32_t type;
	uint32_t size;
	uint32_t mod_start;
	uint32_t mod_end;
	char string[];
};

/* 3.6.3 */
struct mb2_tag_basic_meminfo {
	uint32_t type;
	uint32_t size;
	uint32_t mem_lower;	/* KiB from 0 */
	uint32_t mem_upper;	/* KiB from 1 MiB */
};

/* 3.6.8: entry_size is a multiple of 8 and may grow past 24 in later
 * versions, which stay backward compatible; entry_version is 0 today. */
struct mb2_mmap_entry {
	uint64_t base_addr;
	uint64_t length;
	uint32_t type;
	uint32_t reserved;
};

struct mb2_tag_mmap {
	uint32_t type;
	uint32_t size;
	uint32_t entry_size;
	uint32_t entry_version;
	/* entries of entry_size bytes follow */
};

/*
 * 3.6.12.  The specification's diagram shows a u8 'reserved' after
 * framebuffer_type, but GRUB, the reference loader, writes a u16 and puts
 * color_info at offset 32.  Other loaders copy GRUB, and so do we.
 */
struct mb2_tag_framebuffer {
	uint32_t type;
	uint32_t size;
	uint64_t framebuffer_addr;
	uint32_t framebuffer_pitch;	/* bytes per line */
	uint32_t framebuffer_width;	/* pixels, or characters for EGA text */
	uint32_t framebuffer_height;
	uint8_t framebuffer_bpp;
	uint8_t framebuffer_type;
	uint16_t reserved;
	/* color_info follows, by framebuffer_type */
};

/* 3.6.12, color_info of MB2_FRAMEBUFFER_TYPE_RGB: bit positions and widths. */
struct mb2_framebuffer_rgb {
	uint8_t red_field_position;
	uint8_t red_mask_size;
	uint8_t green_field_position;
	uint8_t green_mask_size;
	uint8_t blue_field_position;
	uint8_t blue_mask_size;
};

/* 3.6.13, 3.6.21 */
struct mb2_tag_efi32 {
	uint32_t type;
	uint32_t size;
	uint32_t pointer;
};

/* 3.6.14, 3.6.22 */
struct mb2_tag_efi64 {
	uint32_t type;
	uint32_t size;
	uint64_t pointer;
};

/* 3.6.16, 3.6.17: a byte copy of the RSDP follows the header. */
struct mb2_tag_acpi {
	uint32_t type;
	uint32_t size;
	uint8_t rsdp[];
};

/* 3.6.19: UEFI memory descriptors of descriptor_size bytes follow. */
struct mb2_tag_efi_mmap {
	uint32_t type;
	uint32_t size;
	uint32_t descriptor_size;
	uint32_t descriptor_version;
};

/* 3.6.23 */
struct mb2_tag_load_base_addr {
	uint32_t type;
	uint32_t size;
	uint32_t load_base_addr;
};

/* The wire layout, as 3.1 and 3.6 draw it. */
_Static_assert(sizeof(struct mb2_header) == 16, "3.1.1 header is 16 bytes");
_Static_assert(sizeof(struct mb2_header_tag_framebuffer) == 20, "3.1.10 size = 20");
_Static_assert(sizeof(struct mb2_info) == 8, "3.6.2 fixed part is 8 bytes");
_Static_assert(sizeof(struct mb2_tag) == 8, "3.6.2 tag header is 8 bytes");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "3.6.6 string at 16");
_Static_assert(sizeof(struct mb2_tag_basic_meminfo) == 16, "3.6.3 size = 16");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "3.6.8 entry is 24 bytes");
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "3.6.8 entries at 16");
_Static_assert(sizeof(struct mb2_tag_framebuffer) == 32, "3.6.12 color_info at 32");
_Static_assert(sizeof(struct mb2_framebuffer_rgb) == 6, "3.6.12 RGB info is 6 bytes");
_Static_assert(sizeof(struct mb2_tag_efi32) == 12, "3.6.13 size = 12");
_Static_assert(sizeof(struct mb2_tag_efi64) == 16, "3.6.14 size = 16");
_Static_assert(sizeof(struct mb2_tag_acpi) == 8, "3.6.16 RSDP at 8");
_Static_assert(sizeof(struct mb2_tag_efi_mmap) == 16, "3.6.19 map at 16");
_Static_assert(sizeof(struct mb2_tag_load_base_addr) == 12, "3.6.23 size = 12");

#endif /* !__ASSEMBLY__ */

#endif
