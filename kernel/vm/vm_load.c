/*
 * The guest's boot: skiff is its Multiboot2 or Multiboot 1 boot loader
 * (docs/architecture.md "The guest contract").  The image is a GRUB module
 * whose command line starts with the word "guest" (the rest is the guest's
 * own command line), else the one linked into skiff
 * (kernel/vm/builtin_guest.S).  The GRUB modules after the guest's are the
 * guest's own modules.
 *
 * A Linux bzImage is booted by its boot protocol (linux_boot.h).  An image
 * with a Multiboot2 header is loaded as today's ELF (elf_load.h); one with
 * only a Multiboot 1 header, by the a.out kludge or as an ELF
 * (mb1_load.h); an ELF with neither but with the PVH entry note (Linux's
 * vmlinux) by the PVH boot ABI (pvh.h).  Its segments go to guest RAM, its modules page by page
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
#include "vm/linux_boot.h"
#include "vm/mb1_guest.h"
#include "vm/mb1_load.h"
#include "vm/mb2_guest.h"
#include "vm/pvh.h"
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

/* ---- Linux, by its boot protocol (vm/linux_boot.h) ---- */

#define LINUX_LOW_END		0xa0000ull	/* conventional memory ends at 640 KiB */
#define LINUX_SEL_CODE		0x10		/* __BOOT_CS */
#define LINUX_SEL_DATA		0x18		/* __BOOT_DS */
#define LINUX_GDT_ENTRIES	4
#define LINUX_BOOT_PAGES	3		/* zero page, command line, GDT */

/* The e820 map: the guest's RAM, and low memory below 640 KiB that the
 * firmware calls usable (the EPT maps it: Linux puts its real-mode
 * trampoline there), as RAM; everything skiff keeps, reserved. */
static size_t linux_e820(const struct vm *vm, struct linux_e820 *out)
{
	const struct mm_layout *l = mm_layout();
	struct phys_range ram[MM_LAYOUT_MAX_RANGES + BOOTINFO_MAX_MMAP], kept[MM_OWNED_MAX];
	struct phys_range low[BOOTINFO_MAX_MMAP], low_free[BOOTINFO_MAX_MMAP + MM_OWNED_MAX];
	size_t nram = 0, nlow = 0, nkept = 0;
	int n;

	for (size_t i = 0; i < l->skiff_count; i++)
		ranges_append(kept, &nkept, MM_OWNED_MAX, l->skiff[i].range);
	nkept = ranges_normalize(kept, nkept);
	for (uint32_t i = 0; i < boot->mmap_count && i < BOOTINFO_MAX_MMAP; i++) {
		const struct mem_range *e = &boot->mmap[i];
		uint64_t end = e->base + e->length;

		if (e->type == MEM_USABLE && e->base < LINUX_LOW_END)
			ranges_append(low, &nlow, BOOTINFO_MAX_MMAP, (struct phys_range){
				align_up(e->base, PAGE_SIZE),
				align_down(end < LINUX_LOW_END ? end : LINUX_LOW_END, PAGE_SIZE) });
	}
	nlow = ranges_normalize(low, nlow);
	n = ranges_subtract(low, nlow, kept, nkept, low_free, BOOTINFO_MAX_MMAP + MM_OWNED_MAX);
	for (int i = 0; i < n; i++)
		ranges_append(ram, &nram, MM_LAYOUT_MAX_RANGES + BOOTINFO_MAX_MMAP, low_free[i]);
	for (size_t i = 0; i < vm->mem.count; i++)
		ranges_append(ram, &nram, MM_LAYOUT_MAX_RANGES + BOOTINFO_MAX_MMAP, vm->mem.ranges[i]);
	nram = ranges_normalize(ram, nram);
	return linux_e820_from_ranges(out, LINUX_E820_MAX, ram, nram, kept, nkept);
}

/* The first LINUX_BOOT_PAGES pages of guest RAM from 1 MiB on: the zero
 * page, the command line and the GDT. */
static uint64_t linux_boot_pages(const struct vm *vm)
{
	for (size_t i = 0; i < vm->mem.count; i++) {
		uint64_t base = align_up(vm->mem.ranges[i].base, PAGE_SIZE);

		if (base >= LINUX_LOW_END &&
		    guest_mem_contains(&vm->mem, base, LINUX_BOOT_PAGES * PAGE_SIZE))
			return base;
	}
	return 0;
}

/*
 * A bzImage: its protected-mode kernel at the place linux_bzimage_place()
 * finds (clear of the boot pages), the first module after it as the
 * initrd (the others follow), the zero page with the e820 map, and the
 * 32-bit entry the boot protocol prescribes: ESI the zero page, CS 0x10
 * and DS/ES/SS 0x18 flat in a GDT of the guest's, paging and interrupts
 * off.
 */
static int load_linux(struct vm *vm, const struct linux_bzimage *k, bool report)
{
	struct vm_source *src = &vm->source;
	static struct linux_e820 e820[LINUX_E820_MAX];
	static const uint64_t gdt[LINUX_GDT_ENTRIES] = {
		0, 0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull,	/* 0x10 code, 0x18 data */
	};
	uint64_t pages = linux_boot_pages(vm), load_addr, end;
	struct phys_range avoid;
	size_t n, len = strlen(src->cmdline);
	void *zero_page, *cmdline, *gdt_page, *dst;
	int err;

	if (!pages) {
		kprintf("skiff: guest: no guest RAM above 640 KiB for Linux's zero page\n");
		return -ENOMEM;
	}
	avoid = (struct phys_range){ pages, pages + LINUX_BOOT_PAGES * PAGE_SIZE };
	err = linux_bzimage_place(k, &vm->mem, &avoid, 1, &load_addr);
	if (!err)
		err = guest_modules_place(&vm->mem, load_addr + (k->init_size > k->kernel_size ?
			k->init_size : k->kernel_size), src->modules, src->module_count, &end);
	if (!err)
		err = guest_modules_copy(&vm->mem, src->modules, src->module_count);
	if (err)
		return err;
	if (len >= PAGE_SIZE) {
		kprintf("skiff: guest: a Linux command line of %zu bytes does not fit a page\n", len);
		return -E2BIG;
	}
	dst = guest_mem_ptr(&vm->mem, load_addr, k->kernel_size);
	zero_page = guest_mem_ptr(&vm->mem, pages, PAGE_SIZE);
	cmdline = guest_mem_ptr(&vm->mem, pages + PAGE_SIZE, PAGE_SIZE);
	gdt_page = guest_mem_ptr(&vm->mem, pages + 2 * PAGE_SIZE, PAGE_SIZE);
	if (!dst || !zero_page || !cmdline || !gdt_page)
		return -EFAULT;
	memcpy(dst, (const uint8_t *)src->image + k->kernel_offset, k->kernel_size);
	memcpy(cmdline, src->cmdline, len + 1);
	memcpy(gdt_page, gdt, sizeof(gdt));
	n = linux_e820(vm, e820);
	err = linux_boot_params_build(zero_page, k, src->image, load_addr, e820,
				      n < LINUX_E820_MAX ? n : LINUX_E820_MAX, pages + PAGE_SIZE,
				      (uint32_t)len, src->module_count ? src->modules[0].gpa : 0,
				      src->module_count ? src->modules[0].size : 0);
	if (err < 0)
		return err;
	vm->entry = (struct vm_entry){
		.rip = load_addr, .esi = (uint32_t)pages,
		.gdt_base = (uint32_t)(pages + 2 * PAGE_SIZE), .gdt_limit = sizeof(gdt) - 1,
		.code_sel = LINUX_SEL_CODE, .data_sel = LINUX_SEL_DATA,
	};
	if (report) {
		kprintf("skiff: guest: Linux bzImage, boot protocol %u.%02u, kernel at 0x%lx "
			"(%lu KiB, %lu KiB with what it unpacks into), zero page at 0x%lx, %zu e820 "
			"entries, command line \"%s\"\n", k->version >> 8, k->version & 0xff,
			load_addr, (unsigned long)(k->kernel_size >> 10),
			(unsigned long)(k->init_size >> 10), pages, n, src->cmdline);
		if (src->module_count)
			kprintf("skiff: guest: initrd (module 1) at 0x%lx, %zu bytes\n",
				src->modules[0].gpa, src->modules[0].size);
	}
	return 0;
}

/* ---- an ELF kernel with the PVH entry note (vm/pvh.h) ---- */

#define PVH_INFO_PAGES		2	/* start info, modules and map; strings */

/*
 * Its segments at their physical addresses (elf_load_at()), its
 * modules after them, then two pages: the start info with the module
 * list and the memory map (Linux's e820 map: the same view of memory),
 * and the strings (the command line, each module's) with a copy of the
 * firmware's RSDP, which the start info points at.  The entry state is
 * the Multiboot one with EBX the start info (vmx/guest_entry.c: flat
 * 32-bit segments, paging off; the ABI's).
 */
static int load_pvh(struct vm *vm, uint32_t entry, bool report)
{
	struct vm_source *src = &vm->source;
	static struct guest_image img;	/* large: not on the stack */
	static struct linux_e820 e820[LINUX_E820_MAX];
	static struct hvm_memmap_table_entry map[LINUX_E820_MAX];
	struct pvh_module mods[GUEST_MODULES_MAX];
	uint64_t end, info_pa, str_pa, pos, start_info, rsdp_pa = 0;
	size_t n, len;
	uint8_t *info, *str;
	int err;

	err = elf_load_at(src->image, src->size, &vm->mem, entry, "the PVH entry note", &img);
	if (!err)
		err = guest_modules_place(&vm->mem, img.load_end, src->modules, src->module_count,
					  &end);
	if (!err)
		err = guest_modules_copy(&vm->mem, src->modules, src->module_count);
	if (err)
		return err;
	info_pa = align_up(end, PAGE_SIZE);
	str_pa = info_pa + PAGE_SIZE;
	info = guest_mem_ptr(&vm->mem, info_pa, PAGE_SIZE);
	str = guest_mem_ptr(&vm->mem, str_pa, PAGE_SIZE);
	if (!info || !str || str_pa + PAGE_SIZE > GUEST_ADDR_LIMIT) {
		kprintf("skiff: guest: no %d pages of guest RAM below 4 GiB at 0x%lx for the PVH "
			"start info\n", PVH_INFO_PAGES, info_pa);
		return -ENOMEM;
	}
	/* The strings page: the command line, each module's, the RSDP. */
	pos = 0;
	len = strlen(src->cmdline) + 1;
	for (size_t i = 0; i < src->module_count; i++)
		len += strlen(src->modules[i].cmdline ? src->modules[i].cmdline : "") + 1;
	if (len + 16 + sizeof(boot->rsdp) > PAGE_SIZE) {
		kprintf("skiff: guest: the command lines take %zu bytes, more than the PVH strings "
			"page holds\n", len);
		return -E2BIG;
	}
	len = strlen(src->cmdline) + 1;
	memcpy(str, src->cmdline, len);
	pos = len;
	for (size_t i = 0; i < src->module_count; i++) {
		const char *c = src->modules[i].cmdline ? src->modules[i].cmdline : "";

		len = strlen(c) + 1;
		memcpy(str + pos, c, len);
		mods[i] = (struct pvh_module){ .paddr = src->modules[i].gpa,
					       .size = src->modules[i].size,
					       .cmdline_paddr = str_pa + pos };
		pos += len;
	}
	if (boot->rsdp_revision) {
		pos = align_up(pos, 16);	/* ACPI 6.4 5.2.5.1: on a 16-byte boundary */
		memcpy(str + pos, boot->rsdp, sizeof(boot->rsdp));
		rsdp_pa = str_pa + pos;
	}
	n = linux_e820(vm, e820);
	if (n > LINUX_E820_MAX)
		n = LINUX_E820_MAX;
	for (size_t i = 0; i < n; i++)
		map[i] = (struct hvm_memmap_table_entry){ .addr = e820[i].addr, .size = e820[i].size,
							  .type = e820[i].type };
	err = pvh_start_info_build(info, PAGE_SIZE, info_pa, map, n, str_pa, mods,
				   src->module_count, rsdp_pa, &start_info);
	if (err < 0)
		return err;
	vm->entry = (struct vm_entry){ .rip = entry, .ebx = (uint32_t)start_info };
	if (report) {
		kprintf("skiff: guest: PVH ELF%u kernel at 0x%lx-0x%lx, entry 0x%x, start info at "
			"0x%lx with %zu memory-map entries, command line \"%s\"\n",
			img.elf_class == ELFCLASS64 ? 64u : 32u, img.load_base, img.load_end, entry,
			info_pa, n, src->cmdline);
		for (size_t i = 0; i < src->module_count; i++)
			kprintf("skiff: guest: its module %zu at 0x%lx, %zu bytes\n", i + 1,
				src->modules[i].gpa, src->modules[i].size);
	}
	return 0;
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
	struct linux_bzimage linux_image;
	uint64_t info, end;
	int err;

	err = linux_bzimage_check(src->image, src->size, &linux_image);
	if (err == 0)
		return load_linux(vm, &linux_image, report);
	if (err != -ENOEXEC)
		return err;	/* a bzImage skiff cannot boot: said why */
	if (!mb1 && !mb2_magic_present(src->image, src->size)) {
		uint32_t entry;

		err = pvh_find_entry(src->image, src->size, &entry);
		if (err == 0)
			return load_pvh(vm, entry, report);
		if (err != -ENOEXEC && err != -ENOENT)
			return err;	/* a malformed note: said why */
	}
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
