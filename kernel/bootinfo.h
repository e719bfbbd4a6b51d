/*
 * Boot information: the Multiboot2 tags GRUB hands over, parsed once into a
 * plain struct.  Nothing after bootinfo_parse() looks at the raw tags again.
 */
#ifndef SKIFF_BOOTINFO_H
#define SKIFF_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOTINFO_MAX_MMAP	128
#define BOOTINFO_MAX_MODULES	8
#define BOOTINFO_CMDLINE_MAX	256
#define BOOTINFO_STRING_MAX	64

/* Memory types as Multiboot2 section 3.6.8 numbers them. */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIMABLE = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_range {
	uint64_t base;
	uint64_t length;
	uint32_t type;		/* enum mem_type; other values count as reserved */
};

struct boot_module {
	uint64_t start;		/* first byte */
	uint64_t end;		/* one past the last byte */
	/* As long as skiff's own: a guest module's is its kernel's command
	 * line (Linux's often passes 64 bytes). */
	char cmdline[BOOTINFO_CMDLINE_MAX];
};

enum fb_kind {
	FB_NONE = 0,
	FB_RGB,			/* linear framebuffer, direct colour */
	FB_EGA_TEXT,		/* 80x25-style text cells: char byte + attribute byte */
};

struct framebuffer_info {
	enum fb_kind kind;
	uint64_t addr;
	uint32_t pitch;		/* bytes per line */
	uint32_t width;		/* pixels, or text columns for FB_EGA_TEXT */
	uint32_t height;	/* pixels, or text rows */
	uint8_t bpp;
	uint8_t red_pos, red_size;
	uint8_t green_pos, green_size;
	uint8_t blue_pos, blue_size;
};

struct boot_info {
	uint64_t mbi_addr;	/* where the raw information structure lies */
	uint32_t mbi_size;	/* its total_size */

	struct mem_range mmap[BOOTINFO_MAX_MMAP];
	uint32_t mmap_count;
	bool mmap_truncated;	/* more entries than BOOTINFO_MAX_MMAP */

	bool has_cmdline;
	char cmdline[BOOTINFO_CMDLINE_MAX];
	char loader_name[BOOTINFO_STRING_MAX];

	struct boot_module modules[BOOTINFO_MAX_MODULES];
	uint32_t module_count;

	/* A copy of the RSDP as GRUB found it (tags 14/15); 0 version = none. */
	uint8_t rsdp_revision;	/* 0 absent, 1 ACPI 1.0 (20 bytes), 2 ACPI 2.0+ */
	uint8_t rsdp[36];

	struct framebuffer_info fb;

	uint64_t efi_system_table;	/* 0 when booted by BIOS */
	bool has_efi_mmap;

	uint32_t warnings;	/* tags skipped as malformed or unknown */
};

#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

/*
 * Parses the Multiboot2 information at mbi into *out.  Each problem is
 * reported through kprintf() with the tag's offset and type.  A bad magic
 * value, or a structure whose header cannot be trusted, returns a negative
 * error code; a single malformed or unknown tag is reported, skipped where it
 * is safe to do so (counted in out->warnings) or ends the walk.
 * max_size bounds how many bytes may be read at mbi (the caller's view of the
 * mapped memory), so even a lying total_size cannot make the parser overrun.
 */
int bootinfo_parse(uint32_t magic, const void *mbi, uint64_t max_size,
		   struct boot_info *out);

/* Sum of the lengths of ranges of the given type, after merging overlaps. */
uint64_t bootinfo_mem_total(const struct boot_info *bi, uint32_t type);

#endif
