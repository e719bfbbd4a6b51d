/*
 * The guest's boot: skiff is its Multiboot2 or Multiboot 1 boot loader
 * (docs/architecture.md "The guest contract").  The image is a GRUB module
 * whose command line starts with the word "guest" (the rest is the guest's
 * own command line), else the one linked into skiff
 * (kernel/vm/builtin_guest.S).  The GRUB modules after the guest's are the
 * guest's own modules.
 *
 * An image with a Multiboot2 header is loaded as today's ELF (elf_load.h);
 * one with only a Multiboot 1 header, by the a.out kludge or as an ELF
 * (mb1_load.h).  Its segments go to guest RAM, its modules page by page
 * after them, the boot information of its protocol after those, and it
 * starts at its entry point with EAX = that protocol's magic and EBX = the
 * information's address; the rest of the entry state is the same for both
 * (vmx/guest_entry.c).
 */
#include <stdbool.h>

#include "boot/multiboot1.h"
#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vm/builtin_guest.h"
#include "vm/elf_load.h"
#include "vm/guest_name.h"
#include "vm/mb1_guest.h"
#include "vm/mb1_load.h"
#include "vm/mb2_guest.h"
#include "vm/vm.h"

#define GUEST_MARK	"guest"

/* "guest" alone or followed by a space: the rest is the guest's. */
static const char *guest_module_args(const char *cmdline)
{
	size_t n = strlen(GUEST_MARK);

	if (strncmp(cmdline, GUEST_MARK, n) != 0 || (cmdline[n] != '\0' && cmdline[n] != ' '))
		return NULL;
	cmdline += n;
	while (*cmdline == ' ')
		cmdline++;
	return cmdline;
}

/* The modules GRUB loaded after the guest's, in its order. */
static void choose_modules(const struct boot_info *bi, uint32_t guest, struct vm_source *src)
{
	src->module_count = 0;
	for (uint32_t i = guest + 1; i < bi->module_count && i < BOOTINFO_MAX_MODULES; i++) {
		const struct boot_module *m = &bi->modules[i];

		src->modules[src->module_count++] = (struct guest_module){
			.data = (const void *)m->start, .size = m->end - m->start,
			.cmdline = m->cmdline,
		};
		kprintf("skiff: guest: its module %zu: GRUB module %u (%lu bytes, \"%s\")\n",
			src->module_count - 1, i, m->end - m->start, m->cmdline);
	}
}

static void choose_guest(const struct boot_info *bi, struct vm_source *src)
{
	static char name[GUEST_NAME_MAX];

	for (uint32_t i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		const char *args = guest_module_args(m->cmdline);

		if (!args)
			continue;
		guest_name_of_module(args, i, name, sizeof(name));
		*src = (struct vm_source){
			.image = (const void *)m->start,
			.size = m->end - m->start,
			.cmdline = args,
			.name = name,
		};
		kprintf("skiff: guest: %s, GRUB module %u (%lu bytes, \"%s\"), replaces the built-in %s\n",
			name, i, m->end - m->start, m->cmdline, BUILTIN_GUEST_NAME);
		choose_modules(bi, i, src);
		return;
	}
	*src = (struct vm_source){
		.image = builtin_guest_start,
		.size = (size_t)(builtin_guest_end - builtin_guest_start),
		.cmdline = BUILTIN_GUEST_NAME,
		.name = BUILTIN_GUEST_NAME,
	};
	kprintf("skiff: guest: the built-in %s (%lu bytes)\n", BUILTIN_GUEST_NAME, src->size);
}

/* A Multiboot2 header's magic where its specification (3.1.1) puts one,
 * sound or not: such an image is meant for the Multiboot2 path. */
static bool mb2_magic_present(const void *image, size_t size)
{
	const uint8_t *b = image;
	size_t limit = size < MB2_HEADER_SEARCH_LIMIT ? size : MB2_HEADER_SEARCH_LIMIT;
	uint32_t v;

	for (size_t off = 0; b && limit >= sizeof(v) && off <= limit - sizeof(v);
	     off += MB2_HEADER_ALIGN) {
		memcpy(&v, b + off, sizeof(v));
		if (v == MB2_HEADER_MAGIC)
			return true;
	}
	return false;
}

/* Multiboot2 first, as today; Multiboot 1 only for an image that has its
 * header and no Multiboot2 one. */
static bool is_mb1(const struct vm_source *src)
{
	return !mb2_magic_present(src->image, src->size) && mb1_header_present(src->image, src->size);
}

static const struct boot_info *boot;

/* What both builders take: the same facts, in two layouts. */
static void info_input(struct vm *vm, struct phys_range *kept, struct mb2_guest_input *in)
{
	const struct mm_layout *l = mm_layout();

	for (size_t i = 0; i < l->skiff_count; i++)
		kept[i] = l->skiff[i].range;
	*in = (struct mb2_guest_input){
		.mem = &vm->mem,
		.mmap = boot->mmap,
		.mmap_count = boot->mmap_count,
		.kept = kept,
		.kept_count = l->skiff_count,
		.cmdline = vm->source.cmdline,
		.loader_name = MB2_GUEST_LOADER_NAME,
		.modules = vm->source.modules,
		.module_count = vm->source.module_count,
		.rsdp = boot->rsdp,
		.rsdp_len = sizeof(boot->rsdp),
		.rsdp_revision = boot->rsdp_revision,
	};
}

static void report_load(const struct vm *vm, const struct guest_image *img, bool mb1,
			const struct mb1_found *hdr, uint64_t info)
{
	const struct vm_source *src = &vm->source;

	if (mb1 && img->elf_class == 0)
		kprintf("skiff: guest: Multiboot 1 a.out kludge (flags 0x%x) loaded at 0x%lx-0x%lx",
			hdr->h.flags, img->load_base, img->load_end);
	else
		kprintf("skiff: guest: %sELF%u loaded at 0x%lx-0x%lx", mb1 ? "Multiboot 1 " : "",
			img->elf_class == ELFCLASS64 ? 64 : 32, img->load_base, img->load_end);
	kprintf(", entry 0x%x, %s information at 0x%lx, command line \"%s\"\n", img->entry,
		mb1 ? "Multiboot 1" : "Multiboot2", info, src->cmdline);
	for (size_t i = 0; i < src->module_count; i++)
		kprintf("skiff: guest: module %zu at 0x%lx-0x%lx\n", i, src->modules[i].gpa,
			src->modules[i].gpa + src->modules[i].size);
}

/* The kernel, then its modules, then the information after them. */
static int load(struct vm *vm, bool report)
{
	struct vm_source *src = &vm->source;
	struct phys_range kept[MM_OWNED_MAX];
	static struct guest_image img;	/* large: not on the stack */
	struct mb2_guest_input in;
	struct mb1_found hdr;
	bool mb1 = is_mb1(src);
	uint64_t info, end;
	int err;

	if (mb1)
		err = mb1_load_guest(src->image, src->size, &vm->mem, &img, &hdr);
	else
		err = elf_load_guest(src->image, src->size, &vm->mem, &img);
	if (err == -ENOEXEC && !mb1 && !mb2_magic_present(src->image, src->size))
		kprintf("skiff: guest: nor a Multiboot 1 kernel: no header (magic 0x%x) 4-byte "
			"aligned in the first %u bytes\n", MB1_HEADER_MAGIC, MB1_HEADER_SEARCH_LIMIT);
	if (!err)
		err = guest_modules_place(&vm->mem, img.load_end, src->modules, src->module_count, &end);
	if (!err)
		err = guest_modules_copy(&vm->mem, src->modules, src->module_count);
	if (err)
		return err;
	info_input(vm, kept, &in);
	err = mb1 ? mb1_guest_setup(&in, end, &info) : mb2_guest_setup(&in, end, &info);
	if (err < 0)
		return err;
	vm->entry = (struct vm_entry){
		.rip = img.entry,
		.eax = mb1 ? MB1_BOOTLOADER_MAGIC : MULTIBOOT2_BOOTLOADER_MAGIC,
		.ebx = (uint32_t)info,
	};
	if (report)
		report_load(vm, &img, mb1, &hdr, info);
	return 0;
}

int vm_load(struct vm *vm, const struct boot_info *bi)
{
	boot = bi;
	choose_guest(bi, &vm->source);
	vm->guest_name = vm->source.name;
	return load(vm, true);
}

/* The image and the modules are skiff's own copies, out of the guest's
 * reach (the EPT does not map them), so a restart starts from exactly what
 * GRUB handed over.  Guest RAM outside the segments, the modules and the
 * information is not cleared: the guest gets fresh code, data, bss and
 * modules, not a scrubbed machine. */
int vm_reload(struct vm *vm)
{
	int err = load(vm, false);

	if (err == 0)
		kprintf("skiff: guest: reloaded from its pristine image (restart %u)\n", vm->restarts);
	return err;
}
