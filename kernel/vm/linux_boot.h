/*
 * Booting a Linux bzImage as skiff's guest, by the Linux x86 boot protocol
 * (Documentation/arch/x86/boot.rst; "the spec" below) and its 32-bit entry:
 * the pure parts, which read the image and write the "zero page"
 * (struct boot_params, Documentation/arch/x86/zero-page.rst) but touch no
 * guest memory themselves.
 *
 * A bzImage is a real-mode part, (setup_sects + 1) 512-byte sectors (the
 * boot sector and the setup code), followed by the protected-mode kernel,
 * syssize 16-byte paragraphs.  skiff uses the 32-bit boot protocol:
 *   1. linux_bzimage_check() reads the setup header at 0x1f1;
 *   2. the caller places the command line and the initrd, then
 *      linux_bzimage_place() chooses where the protected-mode kernel goes,
 *      away from them and from the zero page;
 *   3. the caller copies kernel_size bytes from kernel_offset in the image
 *      to that address;
 *   4. linux_e820_from_ranges() and linux_boot_params_build() write the
 *      zero page, which the caller puts in guest RAM;
 *   5. the guest starts at the load address in 32-bit protected mode,
 *      paging off, interrupts off, ESI = the zero page's address and
 *      EBP = EDI = EBX = 0, with a GDT whose selectors __BOOT_CS (0x10) and
 *      __BOOT_DS (0x18) are flat 4 GiB code (execute/read) and data
 *      (read/write) segments, CS = 0x10 and DS = ES = SS = 0x18 (spec,
 *      "32-bit Boot Protocol").
 *
 * The oldest protocol skiff takes is 2.10 (Linux 2.6.31): the first with
 * pref_address and init_size, the two numbers that say where the kernel
 * will run and how much memory it uses there before it has read its memory
 * map.  Without them skiff could not check that the kernel stays in guest
 * RAM while it decompresses.  Everything newer that skiff reads is
 * optional: xloadflags (2.12) reads as 0 below 2.12.  XLF_KERNEL_64 is
 * reported, not required: the 32-bit entry serves 32- and 64-bit kernels.
 *
 * The image is input to check, not to trust.  A refusal is one
 * "skiff: linux: " line and a negative errno; only "this is not a bzImage
 * at all" is silent, so that the loader can try the image as one:
 *   -ENOEXEC   no boot sector signature or no "HdrS" (silent); a zImage
 *              (not LOADED_HIGH)
 *   -ENOTSUP   a boot protocol older than 2.10
 *   -EINVAL    a truncated or malformed image
 *   -EOVERFLOW sizes or addresses that wrap
 *   -ENOMEM    no place in guest RAM for a relocatable kernel
 *   -EFAULT    a kernel that cannot move and whose place is not guest RAM
 *   -E2BIG     a command line longer than the kernel takes, or more e820
 *              entries than the zero page holds
 *   -ERANGE    a command line or initrd above the addresses the kernel reads
 */
#ifndef SKIFF_VM_LINUX_BOOT_H
#define SKIFF_VM_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/range.h"
#include "vm/guest_mem.h"

/* ---- the image (spec, "The Real-Mode Kernel Header") ---- */

#define LINUX_SECTOR_SIZE		512
#define LINUX_SETUP_SECTS_DEFAULT	4	/* setup_sects 0 means 4 */
#define LINUX_BOOT_FLAG_OFFSET		0x1fe
#define LINUX_BOOT_FLAG			0xaa55
#define LINUX_JUMP_OFFSET		0x200	/* 0xeb, then a signed offset from 0x202 */
#define LINUX_JUMP_SHORT		0xeb
#define LINUX_HEADER_MAGIC_OFFSET	0x202
#define LINUX_HEADER_MAGIC		0x53726448	/* "HdrS" */
#define LINUX_SYSSIZE_UNIT		16		/* syssize counts paragraphs */

#define LINUX_PROTOCOL(major, minor)	((uint16_t)((major) << 8 | (minor)))
#define LINUX_PROTOCOL_MIN		LINUX_PROTOCOL(2, 10)

/* loadflags */
#define LINUX_LOADED_HIGH		(1u << 0)
#define LINUX_QUIET_FLAG		(1u << 5)
#define LINUX_KEEP_SEGMENTS		(1u << 6)
#define LINUX_CAN_USE_HEAP		(1u << 7)

/* xloadflags (2.12) */
#define LINUX_XLF_KERNEL_64		(1u << 0)
#define LINUX_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

/* type_of_loader: skiff has no ID of its own, and the spec asks loaders
 * without one to write 0xff. */
#define LINUX_LOADER_UNDEFINED		0xff

#define LINUX_SUBARCH_PC		0	/* hardware_subarch */

/*
 * The setup header as it lies in the image from 0x1f1 and in the zero
 * page at the same offset: fields up to kernel_info_offset (2.15).  A
 * field past the image's header end (0x202 + the byte at 0x201) reads 0.
 */
struct linux_setup_header {
	uint8_t setup_sects;		/* 0x1f1 */
	uint16_t root_flags;
	uint32_t syssize;		/* 0x1f4 */
	uint16_t ram_size;
	uint16_t vid_mode;
	uint16_t root_dev;
	uint16_t boot_flag;		/* 0x1fe */
	uint16_t jump;			/* 0x200 */
	uint32_t header;		/* 0x202 "HdrS" */
	uint16_t version;		/* 0x206 */
	uint32_t realmode_swtch;
	uint16_t start_sys_seg;
	uint16_t kernel_version;
	uint8_t type_of_loader;		/* 0x210 */
	uint8_t loadflags;		/* 0x211 */
	uint16_t setup_move_size;
	uint32_t code32_start;		/* 0x214 */
	uint32_t ramdisk_image;		/* 0x218 */
	uint32_t ramdisk_size;		/* 0x21c */
	uint32_t bootsect_kludge;
	uint16_t heap_end_ptr;		/* 0x224 */
	uint8_t ext_loader_ver;
	uint8_t ext_loader_type;
	uint32_t cmd_line_ptr;		/* 0x228 */
	uint32_t initrd_addr_max;	/* 0x22c */
	uint32_t kernel_alignment;	/* 0x230 */
	uint8_t relocatable_kernel;	/* 0x234 */
	uint8_t min_alignment;
	uint16_t xloadflags;		/* 0x236 */
	uint32_t cmdline_size;		/* 0x238 */
	uint32_t hardware_subarch;	/* 0x23c */
	uint64_t hardware_subarch_data;
	uint32_t payload_offset;	/* 0x248 */
	uint32_t payload_length;
	uint64_t setup_data;		/* 0x250 */
	uint64_t pref_address;		/* 0x258 */
	uint32_t init_size;		/* 0x260 */
	uint32_t handover_offset;	/* 0x264 */
	uint32_t kernel_info_offset;	/* 0x268 */
} __attribute__((packed));

#define LINUX_HDR_OFFSET		0x1f1
#define LINUX_HDR_AT(field) \
	(LINUX_HDR_OFFSET + offsetof(struct linux_setup_header, field))

_Static_assert(LINUX_HDR_AT(syssize) == 0x1f4, "boot.rst: syssize at 0x1f4");
_Static_assert(LINUX_HDR_AT(boot_flag) == LINUX_BOOT_FLAG_OFFSET, "boot.rst: boot_flag at 0x1fe");
_Static_assert(LINUX_HDR_AT(header) == LINUX_HEADER_MAGIC_OFFSET, "boot.rst: header at 0x202");
_Static_assert(LINUX_HDR_AT(type_of_loader) == 0x210, "boot.rst: type_of_loader at 0x210");
_Static_assert(LINUX_HDR_AT(cmd_line_ptr) == 0x228, "boot.rst: cmd_line_ptr at 0x228");
_Static_assert(LINUX_HDR_AT(xloadflags) == 0x236, "boot.rst: xloadflags at 0x236");
_Static_assert(LINUX_HDR_AT(setup_data) == 0x250, "boot.rst: setup_data at 0x250");
_Static_assert(LINUX_HDR_AT(pref_address) == 0x258, "boot.rst: pref_address at 0x258");
_Static_assert(LINUX_HDR_AT(init_size) == 0x260, "boot.rst: init_size at 0x260");
_Static_assert(sizeof(struct linux_setup_header) == 0x26c - LINUX_HDR_OFFSET,
	       "boot.rst: the 2.15 header ends at 0x26c");

/* ---- the zero page (zero-page.rst) ---- */

#define LINUX_BOOT_PARAMS_SIZE		4096
#define LINUX_BP_EXT_RAMDISK_IMAGE	0x0c0
#define LINUX_BP_EXT_RAMDISK_SIZE	0x0c4
#define LINUX_BP_EXT_CMD_LINE_PTR	0x0c8
#define LINUX_BP_E820_ENTRIES		0x1e8	/* one byte */
#define LINUX_BP_SENTINEL		0x1ef
#define LINUX_BP_HDR_END		0x290	/* edd_mbr_sig_buffer follows hdr */
#define LINUX_BP_E820_TABLE		0x2d0
#define LINUX_E820_MAX			128	/* entries the zero page holds */

/* The longest header a short jump can announce still fits the room the
 * zero page keeps for it. */
_Static_assert(LINUX_HEADER_MAGIC_OFFSET + 127 <= LINUX_BP_HDR_END,
	       "a header the jump allows fits in boot_params.hdr");

/* e820 types: ACPI 6.5 chapter 15, the address range types */
#define LINUX_E820_RAM			1
#define LINUX_E820_RESERVED		2
#define LINUX_E820_ACPI			3
#define LINUX_E820_NVS			4
#define LINUX_E820_UNUSABLE		5

struct linux_e820 {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct linux_e820) == 20, "zero-page.rst: e820 entries are 20 bytes");
_Static_assert(LINUX_BP_E820_TABLE + LINUX_E820_MAX * sizeof(struct linux_e820) <= 0xd00,
	       "zero-page.rst: the e820 table ends before eddbuf at 0xd00");

/* ---- what skiff reads of an image ---- */

struct linux_bzimage {
	uint16_t version;		/* protocol, 0x020f for 2.15 */
	uint8_t loadflags;
	uint16_t xloadflags;		/* 0 below protocol 2.12 */
	bool relocatable;		/* relocatable_kernel */
	uint32_t header_end;		/* 0x202 + the byte at 0x201 */
	uint32_t setup_size;		/* (setup_sects + 1) * 512: boot sector and setup */
	uint64_t kernel_offset;		/* of the protected-mode kernel in the image */
	uint64_t kernel_size;		/* syssize * 16 bytes, all in the image */
	uint64_t pref_address;		/* where the kernel will run, when it can */
	uint32_t kernel_alignment;	/* a power of two when relocatable */
	uint8_t min_alignment;		/* log2, as the header gives it */
	uint32_t init_size;		/* bytes from the load address it needs */
	uint32_t cmdline_size;		/* longest command line, without the NUL */
	uint32_t initrd_addr_max;	/* highest byte the initrd may occupy */
	uint32_t code32_start;
};

/*
 * Recognises and checks the bzImage [image, image + size), filling *out.
 * Returns 0, printing nothing, or a negative errno (see the top of this
 * file) with the reason printed, except -ENOEXEC for an image with no boot
 * sector signature or no "HdrS", which prints nothing.
 */
int linux_bzimage_check(const void *image, size_t size, struct linux_bzimage *out);

/*
 * Where the protected-mode kernel goes: [at, at + max(init_size,
 * kernel_size)) must lie in one guest RAM range, below 4 GiB (it starts
 * with paging off) and clear of every avoid range (any order; empty ones
 * count for nothing).
 *
 * At pref_address when that fits.  Else, for a relocatable kernel, the
 * lowest kernel_alignment-aligned address above pref_address that fits:
 * never below it, because the kernel's decompressor never runs below the
 * address it was linked for (pref_address, its LOAD_PHYSICAL_ADDR) and
 * would use that memory, unchecked, instead.  A pref_address of 0 means no
 * preference (spec: "if nonzero"); a kernel that cannot move then goes at
 * code32_start.  Returns 0 with *load_addr set, or -EFAULT (cannot move)
 * or -ENOMEM (no room), reported.
 */
int linux_bzimage_place(const struct linux_bzimage *k, const struct guest_mem *m,
			const struct phys_range *avoid, size_t navoid, uint64_t *load_addr);

/*
 * The e820 map Linux reads from the zero page, from skiff's view: guest
 * RAM as type 1, the reserved ranges (skiff's own memory, what the
 * firmware keeps) as type 2 wherever they lie, winning over RAM.  Both
 * sets in any order, overlapping or not; the result is sorted, without
 * overlaps or empty entries, adjacent entries of one type joined.  Writes
 * the first max entries into out and returns how many the whole map has:
 * more than max means out holds only part of it.
 */
size_t linux_e820_from_ranges(struct linux_e820 *out, size_t max,
			      const struct phys_range *guest_ram, size_t n_ram,
			      const struct phys_range *reserved, size_t n_res);

/*
 * Writes the zero page for the kernel k describes (image: the image k was
 * checked from; load_addr: where linux_bzimage_place() put it): zeroes all
 * 4096 bytes, copies the setup header (0x1f1 to its end), and sets what
 * the 32-bit protocol asks of its loader: type_of_loader 0xff, loadflags
 * LOADED_HIGH alone (no heap, not quiet), code32_start the load address
 * (spec: a loader that moves a relocatable kernel must), setup_data 0,
 * hardware_subarch PC, the command line (cmdline_len bytes without its
 * NUL, at cmdline_pa; 0 for none), the initrd (initrd_size bytes at
 * initrd_pa; size 0 for none), and the e820 table of n entries.  Checks
 * everything first: on a refusal the page is unchanged.  Returns 0, or
 * -E2BIG (more than 128 entries, a command line over cmdline_size),
 * -ERANGE (a load address at or above 4 GiB, a command line or initrd
 * where the kernel cannot take it) or -EOVERFLOW, reported.
 */
int linux_boot_params_build(void *zero_page, const struct linux_bzimage *k, const void *image,
			    uint64_t load_addr, const struct linux_e820 *e820, size_t n,
			    uint64_t cmdline_pa, uint32_t cmdline_len, uint64_t initrd_pa,
			    uint64_t initrd_size);

#endif
