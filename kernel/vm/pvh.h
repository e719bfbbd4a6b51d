/*
 * Booting a kernel by the Xen PVH boot ABI (Xen's docs/misc/pvh.pandoc
 * and public/arch-x86/hvm/start_info.h, "the ABI" below), as Linux's
 * vmlinux, FreeBSD and others support it: the pure parts.
 *
 * A PVH kernel is an ELF file (vmlinux is ELF64) whose PT_NOTE segments
 * hold a note of type XEN_ELFNOTE_PHYS32_ENTRY, owner "Xen", giving a
 * 32-bit physical entry point.  The loader loads the PT_LOAD segments at
 * their physical addresses, builds a struct hvm_start_info (with a module
 * list and memory map) in guest RAM below 4 GiB, and starts the kernel at
 * that entry in this state (ABI, "x86/HVM direct boot ABI"):
 *   32-bit protected mode, paging off, CR0 = PE (other writable bits 0),
 *   CR4 = 0, EFLAGS with IF, TF and VM clear;
 *   CS a 32-bit execute/read code segment, base 0, limit 0xffffffff;
 *   DS, ES, SS 32-bit read/write data segments, base 0, limit 0xffffffff;
 *   TR a 32-bit busy TSS, base 0, limit 0x67;
 *   EBX = the physical address of struct hvm_start_info;
 *   everything else unspecified.
 *
 * The image is input to check.  pvh_find_entry() is also a probe: an
 * image that is not an ELF file, or an ELF file without the note, is
 * answered silently (-ENOEXEC, -ENOENT) so the loader can try another
 * format; everything else it refuses is one "skiff: pvh: " line.
 */
#ifndef SKIFF_VM_PVH_H
#define SKIFF_VM_PVH_H

#include <stddef.h>
#include <stdint.h>

/* ---- the ELF note (ABI; gABI 5, "Note Section") ---- */

#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define XEN_ELFNOTE_OWNER		"Xen"	/* namesz 4, with its NUL */

/* The header of one note; the same three 4-byte words in ELF32 and ELF64
 * files, as every x86 toolchain writes them. */
struct elf_note {
	uint32_t n_namesz;
	uint32_t n_descsz;
	uint32_t n_type;
};

_Static_assert(sizeof(struct elf_note) == 12, "gABI: a note header is three words");

/* ---- the start info (ABI, start_info.h) ---- */

#define HVM_START_MAGIC_VALUE		0x336ec578
#define HVM_START_INFO_VERSION		1	/* with the memory map */

/* Memory map entry types, those of the e820 map. */
#define HVM_MEMMAP_TYPE_RAM		1
#define HVM_MEMMAP_TYPE_RESERVED	2
#define HVM_MEMMAP_TYPE_ACPI		3
#define HVM_MEMMAP_TYPE_NVS		4
#define HVM_MEMMAP_TYPE_UNUSABLE	5

struct hvm_start_info {
	uint32_t magic;			/* HVM_START_MAGIC_VALUE */
	uint32_t version;
	uint32_t flags;			/* SIF_*; skiff sets none */
	uint32_t nr_modules;
	uint64_t modlist_paddr;		/* struct hvm_modlist_entry[nr_modules] */
	uint64_t cmdline_paddr;		/* NUL-terminated; 0 for none */
	uint64_t rsdp_paddr;		/* ACPI RSDP; 0: the kernel searches */
	uint64_t memmap_paddr;		/* version 1: struct hvm_memmap_table_entry[] */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info.h: 56 bytes in version 1");
_Static_assert(offsetof(struct hvm_start_info, memmap_paddr) == 40,
	       "start_info.h: memmap_paddr at 40");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "start_info.h: modlist entries are 32 bytes");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	       "start_info.h: memmap entries are 24 bytes");

/* A module as the caller placed it in guest RAM. */
struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;		/* 0 for none */
};

/*
 * Finds the PVH entry of the ELF file [elf, elf + size): the first
 * XEN_ELFNOTE_PHYS32_ENTRY note, owner "Xen", in a PT_NOTE segment.  Its
 * descriptor is 4 bytes or 8 (Linux writes a pointer-sized one); the entry
 * is its low 32 bits, and an 8-byte one with high bits set is refused.
 * Notes and their descriptors start on 4-byte boundaries, or on 8-byte
 * ones in a segment whose p_align is 8.
 * Every offset and size is checked against the file; nothing past it is
 * read.  Returns 0 with *entry set, or -ENOEXEC (not an ELF file for i386
 * or x86-64) or -ENOENT (no such note), silently, or -EINVAL (a malformed
 * or truncated structure) or -ERANGE (an entry above 4 GiB), reported.
 */
int pvh_find_entry(const void *elf, size_t size, uint32_t *entry);

/*
 * Writes struct hvm_start_info at the start of buf, which is guest-physical
 * buf_pa and buf_size bytes long, then the module list (nmods entries; its
 * address 0 when there are none), then the memory map (nmap entries, at
 * least one: a PVH kernel without a map would ask Xen for one).  The
 * command line and RSDP addresses are passed through, 0 meaning none.
 * All of it must lie below 4 GiB (the kernel reads it with paging off) and
 * buf_pa be 8-aligned.  Checks first: on a refusal buf is unchanged.
 * Returns 0 with *start_info_pa (buf_pa, for EBX) set, or -EINVAL,
 * -ENOSPC (does not fit in buf_size) or -ERANGE, reported.
 */
int pvh_start_info_build(void *buf, size_t buf_size, uint64_t buf_pa,
			 const struct hvm_memmap_table_entry *map, size_t nmap,
			 uint64_t cmdline_pa, const struct pvh_module *mods, size_t nmods,
			 uint64_t rsdp_pa, uint64_t *start_info_pa);

#endif
