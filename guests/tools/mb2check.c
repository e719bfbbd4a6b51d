/*
 * mb2check: runs on the build host and checks that a guest's ELF file is
 * what a Multiboot2 loader (skiff or GRUB) will take: an ELF32 i386
 * executable whose segments load at or above 1 MiB and below 4 GiB, with
 * a valid Multiboot2 header (spec 3.1) 8-byte aligned in its first
 * 32 KiB, asking for nothing skiff refuses.  The build runs it on every
 * guest it links.
 *
 * Usage: mb2check FILE.  Prints one summary line and exits 0, or prints
 * what is wrong and exits 1.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"

#define GUEST_RAM_START		0x100000u
#define MAX_FILE		(16u << 20)

static const char *path;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mb2check: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* The boot information tags skiff provides (the guest contract). */
static bool skiff_provides(uint32_t type)
{
	return type == MB2_TAG_CMDLINE || type == MB2_TAG_BOOT_LOADER_NAME ||
	       type == MB2_TAG_BASIC_MEMINFO || type == MB2_TAG_MMAP ||
	       type == MB2_TAG_ACPI_OLD || type == MB2_TAG_ACPI_NEW;
}

static void check_elf(const unsigned char *img, size_t size, unsigned *loads)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img;
	bool entry_ok = false;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		die("not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS32 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_386 || eh->e_type != ET_EXEC)
		die("not an ELF32 little-endian i386 executable");
	if (eh->e_phentsize != sizeof(Elf32_Phdr) ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf32_Phdr) > size)
		die("program headers out of the file");
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf32_Phdr *ph = (const Elf32_Phdr *)(img + eh->e_phoff) + i;
		unsigned long long end = (unsigned long long)ph->p_paddr + ph->p_memsz;

		if (ph->p_type != PT_LOAD)
			continue;
		++*loads;
		if (ph->p_paddr < GUEST_RAM_START || end > 0x100000000ull)
			die("segment %u at 0x%x..0x%llx is not in [1 MiB, 4 GiB)", i,
			    ph->p_paddr, end);
		if (ph->p_filesz > ph->p_memsz || ph->p_offset + (size_t)ph->p_filesz > size)
			die("segment %u: bad sizes or beyond the file", i);
		if ((ph->p_flags & PF_X) && eh->e_entry >= ph->p_vaddr &&
		    eh->e_entry < ph->p_vaddr + ph->p_memsz)
			entry_ok = true;
	}
	if (!*loads)
		die("no loadable segment");
	if (!entry_ok)
		die("entry 0x%x is not in an executable segment", eh->e_entry);
}

static void check_tags(const unsigned char *hdr, uint32_t length, unsigned *tags)
{
	uint32_t off = sizeof(struct mb2_header);

	for (;;) {
		const struct mb2_header_tag *t = (const void *)(hdr + off);

		if (off + sizeof(*t) > length || t->size < sizeof(*t) || off + t->size > length)
			die("header tag at +%u runs past the header", off);
		if (t->type == MB2_HEADER_TAG_END) {
			if (t->size != 8 || off + 8 != length)
				die("end tag must be 8 bytes and last");
			return;
		}
		++*tags;
		if (t->type == MB2_HEADER_TAG_INFORMATION_REQUEST) {
			const uint32_t *want = (const uint32_t *)(t + 1);

			for (uint32_t i = 0; i < (t->size - sizeof(*t)) / 4; i++)
				if (!skiff_provides(want[i]) &&
				    !(t->flags & MB2_HEADER_TAG_OPTIONAL))
					die("requires information tag %u, which skiff lacks", want[i]);
		} else if (!(t->flags & MB2_HEADER_TAG_OPTIONAL)) {
			die("required header tag type %u: skiff refuses it", t->type);
		}
		off += (t->size + 7) & ~7u;
	}
}

static uint32_t check_header(const unsigned char *img, size_t size, unsigned *tags)
{
	size_t limit = size < MB2_HEADER_SEARCH_LIMIT ? size : MB2_HEADER_SEARCH_LIMIT;

	for (size_t off = 0; off + sizeof(struct mb2_header) <= limit; off += MB2_HEADER_ALIGN) {
		const struct mb2_header *h = (const void *)(img + off);

		if (h->magic != MB2_HEADER_MAGIC)
			continue;
		if (h->architecture != MB2_ARCH_I386)
			die("header architecture %u, not i386", h->architecture);
		if (h->header_length < sizeof(*h) + 8 || off + h->header_length > size)
			die("header length %u is wrong", h->header_length);
		if ((uint32_t)(h->magic + h->architecture + h->header_length + h->checksum))
			die("header checksum does not sum to 0");
		check_tags(img + off, h->header_length, tags);
		return (uint32_t)off;
	}
	die("no Multiboot2 header 8-byte aligned in the first 32 KiB");
	return 0;
}

int main(int argc, char **argv)
{
	static unsigned char img[MAX_FILE];
	unsigned loads = 0, tags = 0;
	uint32_t hdr;
	size_t size;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: mb2check FILE\n");
		return 2;
	}
	path = argv[1];
	f = fopen(path, "rb");
	if (!f)
		die("cannot open");
	size = fread(img, 1, sizeof(img), f);
	fclose(f);
	check_elf(img, size, &loads);
	hdr = check_header(img, size, &tags);
	printf("mb2check: %s: ELF32 i386, entry 0x%x, %u loadable segments, "
	       "Multiboot2 header at file offset 0x%x with %u tags\n",
	       path, ((const Elf32_Ehdr *)img)->e_entry, loads, hdr, tags);
	return 0;
}
