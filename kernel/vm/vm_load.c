/*
 * The guest's boot: skiff is its Multiboot2 boot loader
 * (docs/architecture.md "The guest contract").  The image is a GRUB module whose command line
 * starts with the word "guest" (the rest is the guest's own command line),
 * else the one linked into skiff (kernel/vm/builtin_guest.S).  Its
 * segments go to guest RAM, its Multiboot2 information right after them,
 * and it starts at its entry point with EAX = the Multiboot2 magic and
 * EBX = the information's address.
 */
#include <stdbool.h>

#include "bootinfo.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vm/builtin_guest.h"
#include "vm/elf_load.h"
#include "vm/guest_name.h"
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

static const struct boot_info *boot;

/* Segments into guest RAM, then the Multiboot2 information after them. */
static int load(struct vm *vm, bool report)
{
	const struct mm_layout *l = mm_layout();
	const struct vm_source *src = &vm->source;
	struct phys_range kept[MM_OWNED_MAX];
	static struct guest_image img;	/* large: not on the stack */
	uint64_t info;
	int err;

	err = elf_load_guest(src->image, src->size, &vm->mem, &img);
	if (err < 0)
		return err;
	for (size_t i = 0; i < l->skiff_count; i++)
		kept[i] = l->skiff[i].range;
	struct mb2_guest_input in = {
		.mem = &vm->mem,
		.mmap = boot->mmap,
		.mmap_count = boot->mmap_count,
		.kept = kept,
		.kept_count = l->skiff_count,
		.cmdline = src->cmdline,
		.loader_name = MB2_GUEST_LOADER_NAME,
		.rsdp = boot->rsdp,
		.rsdp_len = sizeof(boot->rsdp),
		.rsdp_revision = boot->rsdp_revision,
	};
	err = mb2_guest_setup(&in, img.load_end, &info);
	if (err < 0)
		return err;
	vm->entry = (struct vm_entry){
		.rip = img.entry,
		.eax = MULTIBOOT2_BOOTLOADER_MAGIC,
		.ebx = (uint32_t)info,
	};
	if (report)
		kprintf("skiff: guest: ELF%u loaded at 0x%lx-0x%lx, entry 0x%x, "
			"Multiboot2 information at 0x%lx, command line \"%s\"\n",
			img.elf_class == ELFCLASS64 ? 64 : 32, img.load_base, img.load_end,
			img.entry, info, src->cmdline);
	return 0;
}

int vm_load(struct vm *vm, const struct boot_info *bi)
{
	boot = bi;
	choose_guest(bi, &vm->source);
	vm->guest_name = vm->source.name;
	return load(vm, true);
}

/* The image is skiff's own copy, out of the guest's reach (the EPT does
 * not map it), so a restart starts from exactly what GRUB handed over.
 * Guest RAM outside the segments and the information is not cleared: the
 * guest gets fresh code, data and bss, not a scrubbed machine. */
int vm_reload(struct vm *vm)
{
	int err = load(vm, false);

	if (err == 0)
		kprintf("skiff: guest: reloaded from its pristine image (restart %u)\n", vm->restarts);
	return err;
}
