/*
 * The guest's Multiboot2 boot information (Multiboot2 Specification 2.0,
 * section 3.6): what skiff, as the guest's boot loader, hands it in EBX.
 *
 * The structure holds, in this order, each tag 8-aligned:
 *   1  command line (always; empty when the guest has none)
 *   2  boot loader name
 *   3  one per module (vm/guest_modules.h), in GRUB's order, if any
 *   4  basic memory information, from the guest's memory map
 *   6  memory map: the firmware's, with skiff's pages reserved
 *   14 ACPI 1.0 RSDP, or 15 ACPI 2.0+ RSDP, when skiff has one
 *   0  end
 *
 * The memory map keeps every entry of the firmware's map but makes it tidy:
 * sorted, without overlaps (where entries overlap, the more restrictive
 * type wins: bad > reserved or unknown > ACPI NVS > ACPI reclaimable >
 * available), adjacent runs of one type joined.  Every byte skiff keeps
 * that some entry covers becomes type 2, reserved: those pages are absent
 * from the guest's EPT, so the guest may neither use nor read them.
 *
 * Type 1, available, means guest RAM and nothing else: exactly the bytes
 * of in->mem, the ranges the hypercalls and the ELF loader check pointers
 * against.  RAM the firmware calls available that is not in them (the
 * first MiB, which skiff's layout leaves to the firmware; the part pages
 * at an entry's unaligned edges) is reserved too.  So every buffer the
 * map offers, a hypercall takes, and no other.
 *
 * Use, after elf_load_guest():
 *   mb2_guest_setup(&in, image.load_end, &gpa)
 * which is mb2_guest_size(), mb2_guest_place() and mb2_guest_build() in a
 * row; then start the guest with EAX = MB2_BOOTLOADER_MAGIC, EBX = gpa.
 */
#ifndef SKIFF_VM_MB2_GUEST_H
#define SKIFF_VM_MB2_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "mm/range.h"
#include "version.h"
#include "vm/guest_mem.h"
#include "vm/guest_modules.h"

#define MB2_GUEST_LOADER_NAME	"skiff " SKIFF_VERSION

/* ACPI 6.5, 5.2.5.3: the RSDP's length in revision 0, and from 2.0 on. */
#define MB2_GUEST_RSDP_V1_SIZE	20
#define MB2_GUEST_RSDP_V2_SIZE	36

struct mb2_guest_input {
	const struct guest_mem *mem;	/* guest RAM; the structure goes there */

	/* The firmware's memory map, as struct boot_info keeps it. */
	const struct mem_range *mmap;
	size_t mmap_count;

	/* Every range skiff keeps (mm_layout.skiff[i].range), in any order. */
	const struct phys_range *kept;
	size_t kept_count;

	const char *cmdline;		/* the guest's; NULL for none */
	const char *loader_name;	/* MB2_GUEST_LOADER_NAME */

	/* The guest's modules, placed and copied (guest_modules.h). */
	const struct guest_module *modules;
	size_t module_count;

	/* A copy of the RSDP and its revision, as boot_info keeps them:
	 * revision 0 none, 1 ACPI 1.0 (tag 14, the first 20 bytes), 2 ACPI
	 * 2.0+ (tag 15, the first 36 bytes).  rsdp_len is how many bytes rsdp
	 * holds (sizeof(boot_info.rsdp)), at least the revision's size. */
	const uint8_t *rsdp;
	size_t rsdp_len;
	uint8_t rsdp_revision;
};

/* The guest's memory map as described above, one entry per call, in
 * address order; the Multiboot 1 builder (mb1_guest.h) lists the same. */
typedef void (*mb2_guest_map_sink)(void *ctx, const struct mb2_mmap_entry *e);
void mb2_guest_map_walk(const struct mb2_guest_input *in, mb2_guest_map_sink sink, void *ctx);

/* 3.6.3's two numbers, from that map: KiB of available RAM from 0 (up to
 * 640 KiB) and from 1 MiB to the first hole. */
void mb2_guest_meminfo(const struct mb2_guest_input *in, uint32_t *lower, uint32_t *upper);

/* Bytes the structure for in needs, its total_size. */
size_t mb2_guest_size(const struct mb2_guest_input *in);

/*
 * The lowest 4 KiB-aligned guest-physical address at or above min where
 * size bytes lie wholly in one guest RAM range and below 4 GiB (the guest
 * gets the address in the 32-bit EBX).  Returns 0 with *gpa set, or
 * -ENOMEM (reported) when there is no such place.
 */
int mb2_guest_place(const struct guest_mem *mem, uint64_t min, size_t size, uint64_t *gpa);

/*
 * Writes the structure at gpa (8-aligned), in no more than the cap bytes
 * there, which must all be guest RAM.  Checks everything before writing:
 * on failure guest memory is unchanged.  Returns the bytes written
 * (total_size), or -EINVAL (a bad input or address), -ERANGE (above
 * 4 GiB), -EFAULT (not guest RAM) or -ENOSPC (cap too small), each
 * reported.
 */
int mb2_guest_build(const struct mb2_guest_input *in, uint64_t gpa, size_t cap);

/*
 * Sizes, places at or above min (the end of the loaded image) and builds
 * the structure.  Returns 0 with *gpa set, or the first step's negative
 * errno (reported).  Like mb2_guest_build(), prints nothing on success.
 */
int mb2_guest_setup(const struct mb2_guest_input *in, uint64_t min, uint64_t *gpa);

#endif
