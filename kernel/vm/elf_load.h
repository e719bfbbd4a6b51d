/*
 * The guest loader: skiff is its guest's Multiboot2 boot loader.  It takes
 * an ELF executable (ELF32 for i386 or ELF64 for x86-64) carrying a
 * Multiboot2 header, checks every byte it will rely on, and copies the
 * loadable segments into guest RAM at their physical addresses.
 *
 * The image is input to check, not to trust: it may come from a GRUB module
 * anyone can swap.  Each refusal is one "skiff: guest: " line that names
 * the offending structure with its numbers, and a negative errno:
 *   -ENOEXEC   not an ELF for i386/x86-64, not ET_EXEC, no usable
 *              Multiboot2 header
 *   -EINVAL    a malformed or truncated structure
 *   -ENOTSUP   the header asks for something skiff cannot give
 *   -ERANGE    an address at or above 4 GiB, or one that wraps
 *   -EFAULT    a segment outside guest RAM
 *   -E2BIG     more loadable segments than skiff tracks
 * Everything is validated before anything is copied, so a refused image
 * leaves guest memory exactly as it was.
 *
 * The ELF structures below are written from the System V ABI (gABI,
 * chapters 4 "Object Files" and 5 "Program Loading") and its i386 and
 * x86-64 supplements; the Multiboot2 ones live in boot/multiboot2.h.
 */
#ifndef SKIFF_VM_ELF_LOAD_H
#define SKIFF_VM_ELF_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/guest_mem.h"

/* ---- ELF identification (gABI 4, "ELF Identification") ---- */

#define EI_NIDENT	16
#define EI_MAG0		0	/* 0x7f 'E' 'L' 'F' */
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6

#define ELFMAG0		0x7f
#define ELFMAG1		'E'
#define ELFMAG2		'L'
#define ELFMAG3		'F'
#define ELFCLASS32	1
#define ELFCLASS64	2
#define ELFDATA2LSB	1	/* little-endian, the only order x86 uses */
#define EV_CURRENT	1

/* e_type, e_machine (gABI 4, "ELF Header") */
#define ET_EXEC		2
#define EM_386		3
#define EM_X86_64	62

/* e_phnum: the real count is in section header 0 (not supported here). */
#define PN_XNUM		0xffff

/* p_type, p_flags (gABI 5, "Program Header") */
#define PT_NULL		0
#define PT_LOAD		1
#define PT_NOTE		4
#define PF_X		(1u << 0)
#define PF_W		(1u << 1)
#define PF_R		(1u << 2)

struct elf32_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_entry;
	uint32_t e_phoff;
	uint32_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

/* The two classes order the fields differently, not only in width. */
struct elf32_phdr {
	uint32_t p_type;
	uint32_t p_offset;
	uint32_t p_vaddr;
	uint32_t p_paddr;
	uint32_t p_filesz;
	uint32_t p_memsz;
	uint32_t p_flags;
	uint32_t p_align;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

_Static_assert(sizeof(struct elf32_ehdr) == 52, "gABI: ELF32 header is 52 bytes");
_Static_assert(sizeof(struct elf64_ehdr) == 64, "gABI: ELF64 header is 64 bytes");
_Static_assert(sizeof(struct elf32_phdr) == 32, "gABI: ELF32 program header is 32 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "gABI: ELF64 program header is 56 bytes");
_Static_assert(offsetof(struct elf64_ehdr, e_phentsize) == 54,
	       "gABI: ELF64 e_phentsize at 54");
_Static_assert(offsetof(struct elf64_phdr, p_paddr) == 24,
	       "gABI: ELF64 p_paddr at 24");

/* ---- the loaded guest ---- */

/* Loadable segments skiff tracks; real kernels have two to five. */
#define GUEST_IMAGE_MAX_SEGMENTS	32

/* The guest starts in 32-bit protected mode: everything it needs at entry
 * (code, data, boot information) must have a 32-bit address. */
#define GUEST_ADDR_LIMIT		(1ull << 32)

struct guest_segment {
	uint32_t index;		/* program header number, as readelf -l counts */
	uint32_t flags;		/* PF_* */
	uint64_t base;		/* p_paddr: where it lies in guest RAM */
	uint64_t file_end;	/* base + p_filesz: bytes past this are zeroed */
	uint64_t end;		/* base + p_memsz */
	uint64_t vaddr;		/* p_vaddr, for translating e_entry */
	uint64_t offset;	/* p_offset in the image */
};

struct guest_image {
	uint32_t entry;			/* guest-physical EIP at entry */
	uint64_t load_base;		/* lowest byte loaded */
	uint64_t load_end;		/* one past the highest byte loaded */
	uint32_t info_requested;	/* bit (1 << MB2_TAG_*) per information
					 * tag the header asks for (types < 32) */
	uint32_t info_required;		/* those of them not marked optional */
	uint8_t elf_class;		/* ELFCLASS32 or ELFCLASS64 */
	uint32_t mb2_header_offset;	/* where the Multiboot2 header lies */
	size_t segment_count;		/* PT_LOAD segments with p_memsz > 0 */
	struct guest_segment segments[GUEST_IMAGE_MAX_SEGMENTS];	/* by index */
};

/*
 * Checks the Multiboot2 ELF image [image, image + size) and loads it into
 * the guest RAM mem describes: each PT_LOAD segment's file bytes go to
 * p_paddr, the rest of p_memsz is zeroed.  The entry point is the header's
 * entry address tag if it has one, else e_entry translated from the
 * virtual to the physical address of the segment holding it (as GRUB
 * does, so higher-half kernels boot the same way).
 * Returns 0 with *out filled, printing nothing (the caller reports what it
 * loaded), or a negative errno (see the top of this file) with the reason
 * printed, guest memory untouched and *out holding nothing meaningful.
 */
int elf_load_guest(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out);

/*
 * The same load without looking for a Multiboot2 header: for an ELF whose
 * Multiboot 1 header vm/mb1_guest.c has checked (3.1.3 of that
 * specification: without the a.out kludge the loader uses the ELF's own
 * program headers).  The entry is e_entry, translated as above;
 * info_requested, info_required and mb2_header_offset are 0.
 */
int elf_load_plain(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out);

/*
 * The same load with the entry given: a physical address the caller found
 * (the PVH note's, vm/pvh.h), which must lie inside a loaded segment;
 * entry_from names its source in a refusal.  e_entry is not used (Linux's
 * vmlinux has a physical e_entry beside virtual segment addresses).
 */
int elf_load_at(const void *image, size_t size, const struct guest_mem *mem, uint32_t entry,
		const char *entry_from, struct guest_image *out);

/* True when [off, off + len) lies inside an image of size bytes (for the
 * readers of an ELF's parts: this loader, vm/pvh.c). */
static inline bool elf_in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

#endif
