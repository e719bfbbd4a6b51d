/*
 * relocheck: runs on the build host and checks that skiff's ELF file is
 * one kernel/boot/entry.S can relocate and GRUB will load:
 *  - no SHT_REL/SHT_RELA section (GRUB 2.06 refuses a Multiboot2 ELF with
 *    one: the linker script keeps the table inside .rodata instead);
 *  - there is no Rela entry (between __rela_start and __rela_end): every
 *    relocation is an R_X86_64_RELATIVE the linker packed (-z
 *    pack-relative-relocs) into the RELR table between __relr_start and
 *    __relr_end, the only form entry.S applies;
 *  - each word that table names is 8-byte aligned, inside the image and
 *    outside .text (skiff's code is never written to), decoded as entry.S
 *    decodes it (an even entry: an address; an odd one: a bitmap of the 63
 *    words after the last address).
 * Usage: relocheck [-v] FILE.  Exits 0 (with -v, after one summary line),
 * or prints what is wrong and exits 1.
 */
#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *path;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relocheck: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned char *read_file(size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		die("cannot read the file");
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read the file");
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static int in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

struct image {
	const unsigned char *img;
	size_t size;
	const Elf64_Shdr *sh;
	unsigned shnum;
};

/* The value of the symbol called name in .symtab; dies if it is missing. */
static uint64_t symbol(const struct image *im, const char *name)
{
	for (unsigned i = 0; i < im->shnum; i++) {
		const Elf64_Shdr *s = &im->sh[i], *str;

		if (s->sh_type != SHT_SYMTAB || s->sh_link >= im->shnum)
			continue;
		str = &im->sh[s->sh_link];
		if (!in_file(im->size, s->sh_offset, s->sh_size) ||
		    !in_file(im->size, str->sh_offset, str->sh_size))
			die("symbol table outside the file");
		for (uint64_t k = 0; k < s->sh_size / sizeof(Elf64_Sym); k++) {
			Elf64_Sym y;

			memcpy(&y, im->img + s->sh_offset + k * sizeof y, sizeof y);
			if (y.st_name < str->sh_size &&
			    strncmp((const char *)im->img + str->sh_offset + y.st_name, name,
				    str->sh_size - y.st_name) == 0)
				return y.st_value;
		}
	}
	die("no symbol %s (kernel/linker.ld defines it)", name);
	return 0;
}

/* The file offset of the loaded address addr..addr+len, in one section. */
static uint64_t file_offset(const struct image *im, uint64_t addr, uint64_t len)
{
	for (unsigned i = 0; i < im->shnum; i++) {
		const Elf64_Shdr *s = &im->sh[i];

		if (s->sh_type == SHT_PROGBITS && (s->sh_flags & SHF_ALLOC) &&
		    addr >= s->sh_addr && len <= s->sh_size && addr - s->sh_addr <= s->sh_size - len) {
			uint64_t off = s->sh_offset + (addr - s->sh_addr);

			if (!in_file(im->size, off, len))
				die("section %u lies outside the file", i);
			return off;
		}
	}
	die("the relocation table at 0x%lx is in no loaded section", (unsigned long)addr);
	return 0;
}

int main(int argc, char **argv)
{
	struct image im;
	Elf64_Ehdr eh;
	uint64_t start, end, text_end, image_start, image_end, off;
	size_t n;
	int verbose = argc == 3 && strcmp(argv[1], "-v") == 0;

	if (argc != 2 && !verbose) {
		fprintf(stderr, "usage: relocheck [-v] FILE\n");
		return 2;
	}
	path = argv[argc - 1];
	im.img = read_file(&im.size);
	if (im.size < sizeof eh)
		die("too short for an ELF header");
	memcpy(&eh, im.img, sizeof eh);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != EM_X86_64)
		die("not an x86-64 ELF64 file");
	if (eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !in_file(im.size, eh.e_shoff, (uint64_t)eh.e_shnum * sizeof(Elf64_Shdr)))
		die("bad section header table");
	im.sh = (const Elf64_Shdr *)(im.img + eh.e_shoff);
	im.shnum = eh.e_shnum;
	for (unsigned i = 0; i < im.shnum; i++)
		if (im.sh[i].sh_type == SHT_REL || im.sh[i].sh_type == SHT_RELA)
			die("section %u is a relocation section, which GRUB refuses in a Multiboot2 "
			    "image (keep the table inside .rodata: kernel/linker.ld)", i);

	start = symbol(&im, "__rela_start");
	end = symbol(&im, "__rela_end");
	image_start = symbol(&im, "__image_start");
	text_end = symbol(&im, "__text_end");
	image_end = symbol(&im, "__image_end");
	if (end != start) {
		Elf64_Rela r;

		if (end - start < sizeof r)
			die("the Rela table [0x%lx, 0x%lx) is not whole entries", (unsigned long)start,
			    (unsigned long)end);
		memcpy(&r, im.img + file_offset(&im, start, sizeof r), sizeof r);
		die("%lu bytes of Rela entries, the first at 0x%lx of type %lu: entry.S applies only "
		    "R_X86_64_RELATIVE packed as RELR (recompile with -fpie; an unaligned pointer "
		    "cannot be packed)", (unsigned long)(end - start), (unsigned long)r.r_offset,
		    (unsigned long)ELF64_R_TYPE(r.r_info));
	}
	start = symbol(&im, "__relr_start");
	end = symbol(&im, "__relr_end");
	if (end < start || (end - start) % 8 != 0)
		die("the RELR table [0x%lx, 0x%lx) is not whole 8-byte entries", (unsigned long)start,
		    (unsigned long)end);
	off = end > start ? file_offset(&im, start, end - start) : 0;
	n = 0;
	for (uint64_t i = 0, next = 0; i < (end - start) / 8; i++) {
		uint64_t e, word;

		memcpy(&e, im.img + off + i * 8, 8);
		for (unsigned bit = 0; bit < 64; bit++) {
			if (!(e & 1)) {
				word = e;	/* an address */
				next = e + 8;
			} else if (bit > 0 && (e >> bit) & 1) {
				word = next + (bit - 1) * 8;
			} else {
				continue;
			}
			if (word % 8 != 0 || word < text_end || word > image_end - 8)
				die("RELR entry %lu names 0x%lx: not an aligned word of the image outside "
				    ".text [0x%lx, 0x%lx)", (unsigned long)i, (unsigned long)word,
				    (unsigned long)image_start, (unsigned long)text_end);
			n++;
			if (!(e & 1))
				break;
		}
		if (e & 1)
			next += 63 * 8;
	}
	if (verbose)
		printf("relocheck: %s: %zu relocations, R_X86_64_RELATIVE packed in %lu bytes, all "
		       "outside .text\n", path, n, (unsigned long)(end - start));
	return 0;
}
