/*
 * mb1: a Multiboot 1 kernel (guests/mb1/header.S), to show what skiff
 * hands a guest of that protocol.  It prints its boot information (0.6.96
 * section 3.3): the flags, the memory sizes, each memory map entry, the
 * command line, the loader's name, and each module's range, string and
 * first bytes; then one PASS/FAIL line per rule skiff must keep, and exits
 * with the number of failures.  It runs the same under GRUB's
 * "multiboot" command on bare metal.
 *
 * Like the Multiboot 1 test kernels it stands for, it is big: a 7 MiB
 * array in its bss makes its image span 1 MiB to past 8 MiB, across where
 * GRUB puts modules and its boot information (0x22a000 up), so it loads
 * only if skiff has moved those out of the way; it checks the loader
 * zeroed the array and that the array holds what it writes.  A module
 * whose string starts with "pattern" must hold every byte of
 * guests/runtime/module_pattern.h's pattern.
 *
 * With the word "restart" on its command line, the first run overwrites
 * its modules' first bytes and triple-faults: under skiff's crash policy
 * on_crash=restart the second run must find the modules as GRUB loaded
 * them.  A mark in the last page of the highest available RAM, which no
 * reload writes, tells the two runs apart.
 */
#include <stdbool.h>
#include <stdint.h>

#include "boot/multiboot1.h"
#include "module_pattern.h"
#include "printf.h"
#include "report.h"
#include "runtime.h"
#include "string.h"

const char guest_name[] = "mb1";

#define PAGE_SIZE	4096u
#define RESTART_WORD	"restart"
#define RESTART_MARK	0x6d623172u	/* "mb1r" */
#define FIRST_BYTES	8
#define WANTED_FLAGS	(MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | \
			 MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME)

#define LOW_SPAN_BYTES	(7u << 20)
#define PATTERN_WORD	"pattern"

extern const char mb1_header[], __text_start[], __bss_end[];

/* Page-aligned so the span's pages are wholly the kernel's. */
static uint32_t low_span[LOW_SPAN_BYTES / 4] __attribute__((aligned(PAGE_SIZE)));

/* One memory map entry (3.3), read with memcpy: base is not 8-aligned. */
struct map_entry {
	uint32_t size;
	uint64_t base, length;
	uint32_t type;
};

static void read_entry(uint32_t at, struct map_entry *e)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)at;

	memcpy(&e->size, p, 4);
	memcpy(&e->base, p + 4, 8);
	memcpy(&e->length, p + 12, 8);
	memcpy(&e->type, p + 20, 4);
}

static const char *str(uint32_t addr)
{
	return (const char *)(uintptr_t)addr;
}

static void show_map(const struct mb1_info *mbi)
{
	struct map_entry e;

	printf("mb1: mmap at 0x%08x, %u bytes\n", mbi->mmap_addr, mbi->mmap_length);
	/* 3.3: each entry's size field does not count itself. */
	for (uint32_t at = mbi->mmap_addr; at < mbi->mmap_addr + mbi->mmap_length; at += e.size + 4) {
		read_entry(at, &e);
		printf("mb1: mmap 0x%08x%08x-0x%08x%08x type %u\n",
		       (uint32_t)(e.base >> 32), (uint32_t)e.base,
		       (uint32_t)((e.base + e.length) >> 32), (uint32_t)(e.base + e.length), e.type);
		if (e.size == 0)
			break;
	}
}

/* True when [start, end) lies in one type 1 entry of the map. */
static int in_available(const struct mb1_info *mbi, uint32_t start, uint32_t end)
{
	struct map_entry e;

	for (uint32_t at = mbi->mmap_addr; at < mbi->mmap_addr + mbi->mmap_length; at += e.size + 4) {
		read_entry(at, &e);
		if (e.type == MB1_MEMORY_AVAILABLE && e.base <= start && end <= e.base + e.length)
			return 1;
		if (e.size == 0)
			break;
	}
	return 0;
}

static int overlaps(uint32_t a, uint32_t a_end, uint32_t b, uint32_t b_end)
{
	return a < b_end && b < a_end;
}

static void show_module(const struct mb1_info *mbi, uint32_t i, const struct mb1_module *m)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)m->mod_start;
	uint32_t image_end = (uint32_t)(uintptr_t)__bss_end;

	printf("mb1: module %u: 0x%08x-0x%08x (%u bytes) \"%s\", first bytes", i, m->mod_start,
	       m->mod_end, m->mod_end - m->mod_start, str(m->string));
	for (uint32_t k = 0; k < FIRST_BYTES && m->mod_start + k < m->mod_end; k++)
		printf(" %02x", p[k]);
	printf("\n");
	report_detail(m->mod_start % PAGE_SIZE == 0, "mb1-module-page-aligned",
		      "module %u at 0x%08x", i, m->mod_start);
	report_detail(in_available(mbi, m->mod_start, m->mod_end), "mb1-module-in-ram",
		      "module %u", i);
	report_detail(!overlaps(m->mod_start, m->mod_end, (uint32_t)(uintptr_t)__text_start,
				image_end), "mb1-module-clear-of-kernel", "module %u", i);
	report_detail(!overlaps(m->mod_start, m->mod_end, runtime_boot_info,
				runtime_boot_info + sizeof(*mbi)), "mb1-module-clear-of-info",
		      "module %u", i);
	if (strncmp(str(m->string), PATTERN_WORD, strlen(PATTERN_WORD)) == 0) {
		uint32_t size = m->mod_end - m->mod_start, bad;
		bool whole = modpat_check(p, size, &bad);

		report_detail(whole, "mb1-module-pattern", "module %u: byte +0x%x of %u is wrong",
			      i, bad, size);
		if (whole)
			printf("mb1: module %u: all %u bytes as mkpattern wrote them\n", i, size);
	}
}

static void show_modules(const struct mb1_info *mbi)
{
	const struct mb1_module *mods = (const struct mb1_module *)(uintptr_t)mbi->mods_addr;

	printf("mb1: %u module%s at 0x%08x\n", mbi->mods_count, mbi->mods_count == 1 ? "" : "s",
	       mbi->mods_addr);
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		show_module(mbi, i, &mods[i]);
		for (uint32_t k = 0; k < i; k++)
			report_detail(!overlaps(mods[i].mod_start, mods[i].mod_end, mods[k].mod_start,
						mods[k].mod_end), "mb1-modules-apart",
				      "modules %u and %u", k, i);
	}
}

static void show_info(const struct mb1_info *mbi)
{
	const struct mb1_header *h = (const struct mb1_header *)mb1_header;

	printf("mb1: header flags 0x%08x (%s)\n", h->flags,
	       h->flags & MB1_HEADER_AOUT_KLUDGE ? "a.out kludge" : "ELF");
	printf("mb1: information at 0x%08x, flags 0x%08x\n", runtime_boot_info, mbi->flags);
	if (mbi->flags & MB1_INFO_MEMORY)
		printf("mb1: mem_lower %u KiB, mem_upper %u KiB\n", mbi->mem_lower, mbi->mem_upper);
	if (mbi->flags & MB1_INFO_MEM_MAP)
		show_map(mbi);
	if (mbi->flags & MB1_INFO_CMDLINE)
		printf("mb1: cmdline \"%s\"\n", str(mbi->cmdline));
	if (mbi->flags & MB1_INFO_BOOT_LOADER_NAME)
		printf("mb1: boot loader \"%s\"\n", str(mbi->boot_loader_name));
	if (mbi->flags & MB1_INFO_MODS)
		show_modules(mbi);
}

/* The last page of the highest type 1 range below 4 GiB, or 0. */
static uint32_t mark_address(const struct mb1_info *mbi)
{
	struct map_entry e;
	uint64_t top = 0;

	for (uint32_t at = mbi->mmap_addr; at < mbi->mmap_addr + mbi->mmap_length; at += e.size + 4) {
		read_entry(at, &e);
		if (e.type == MB1_MEMORY_AVAILABLE && e.base + e.length <= 0x100000000ull &&
		    e.length >= PAGE_SIZE && e.base + e.length > top)
			top = e.base + e.length;
		if (e.size == 0)
			break;
	}
	return top ? (uint32_t)(top - PAGE_SIZE) : 0;
}

/* The loader zeroed the bss (3.1.3, and ELF's p_memsz), and every word
 * of the span holds what is written there: it is RAM, and the kernel's. */
static void check_low_span(void)
{
	uint32_t n = LOW_SPAN_BYTES / 4, nonzero = 0, wrong = 0;
	volatile uint32_t *w = low_span;

	printf("mb1: kernel 0x%08x-0x%08x, its bss array 0x%08x-0x%08x\n",
	       (uint32_t)(uintptr_t)__text_start, (uint32_t)(uintptr_t)__bss_end,
	       (uint32_t)(uintptr_t)low_span, (uint32_t)(uintptr_t)low_span + LOW_SPAN_BYTES);
	for (uint32_t i = 0; i < n; i++)
		nonzero += w[i] != 0;
	for (uint32_t i = 0; i < n; i++)
		w[i] = i * MODPAT_HASH;
	for (uint32_t i = 0; i < n; i++)
		wrong += w[i] != i * MODPAT_HASH;
	report_detail(nonzero == 0, "mb1-bss-zeroed", "%u words of the bss array not 0", nonzero);
	report_detail(wrong == 0, "mb1-low-span-rw", "%u words read back wrong", wrong);
}

/* Whether word is one of the space-separated words of line. */
static int has_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = line; *s; s++)
		if ((s == line || s[-1] == ' ') && strncmp(s, word, n) == 0 &&
		    (s[n] == '\0' || s[n] == ' '))
			return 1;
	return 0;
}

/* The first run of "restart": spoil the modules, leave the mark, crash.
 * With an IDT limit of 0, INT3 raises #GP, then #DF, then a shutdown. */
static void spoil_and_crash(const struct mb1_info *mbi, volatile uint32_t *mark)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };
	const struct mb1_module *mods = (const struct mb1_module *)(uintptr_t)mbi->mods_addr;

	for (uint32_t i = 0; i < mbi->mods_count; i++)
		memset((void *)(uintptr_t)mods[i].mod_start, 0xee,
		       mods[i].mod_end - mods[i].mod_start < FIRST_BYTES ?
		       mods[i].mod_end - mods[i].mod_start : FIRST_BYTES);
	*mark = RESTART_MARK;
	printf("mb1: restart: overwrote the modules' first bytes; triple-faulting\n");
	asm volatile("lidt %0\n\tint3" : : "m"(empty_idt) : "memory");
}

int guest_main(const struct mb2_info *unused)
{
	const struct mb1_info *mbi = (const struct mb1_info *)(uintptr_t)runtime_boot_info;

	(void)unused;
	report_detail(runtime_boot_magic == MB1_BOOTLOADER_MAGIC, "mb1-magic",
		      "EAX was 0x%08x", runtime_boot_magic);
	if (runtime_boot_magic != MB1_BOOTLOADER_MAGIC)
		return (int)report_failures();
	show_info(mbi);
	if ((mbi->flags & MB1_INFO_CMDLINE) && has_word(str(mbi->cmdline), RESTART_WORD) &&
	    mark_address(mbi)) {
		volatile uint32_t *mark = (volatile uint32_t *)(uintptr_t)mark_address(mbi);

		if (*mark != RESTART_MARK)
			spoil_and_crash(mbi, mark);
		printf("mb1: restart: this is the run after the crash\n");
		*mark = 0;
	}
	report_detail((mbi->flags & WANTED_FLAGS) == WANTED_FLAGS, "mb1-info-flags",
		      "flags 0x%08x lack 0x%08x", mbi->flags, WANTED_FLAGS & ~mbi->flags);
	report_detail(mbi->mem_upper > 0, "mb1-mem-upper", "mem_upper is 0");
	check_low_span();
	report_detail(!overlaps(runtime_boot_info, runtime_boot_info + sizeof(*mbi),
				(uint32_t)(uintptr_t)__text_start, (uint32_t)(uintptr_t)__bss_end),
		      "mb1-info-clear-of-kernel", "information at 0x%08x", runtime_boot_info);
	printf("mb1: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}
