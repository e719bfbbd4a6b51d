/*
 * bootinfo_parse(), fed what a loader (or whoever replaced it) hands skiff:
 * the input is the Multiboot2 information structure, with the right magic
 * and max_size = the input's size.  The bytes sit in a heap block of
 * exactly that size, so one byte read past max_size is an
 * AddressSanitizer report.
 *
 * Beyond "no crash, no panic", the result must be what bootinfo.h
 * promises: a documented return code, counts within their arrays, strings
 * terminated, and only tags that passed their checks reflected in it.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "lib/errno.h"

static bool terminated(const char *s, size_t cap)
{
	return strnlen(s, cap) < cap;
}

static void check_strings(const struct boot_info *bi)
{
	fuzz_check(terminated(bi->cmdline, sizeof(bi->cmdline)), "cmdline not terminated");
	fuzz_check(bi->has_cmdline || bi->cmdline[0] == '\0', "cmdline without has_cmdline");
	fuzz_check(terminated(bi->loader_name, sizeof(bi->loader_name)),
		   "loader name not terminated");
	fuzz_check(bi->module_count <= BOOTINFO_MAX_MODULES, "module_count %u", bi->module_count);
	for (uint32_t i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		fuzz_check(terminated(m->cmdline, sizeof(m->cmdline)),
			   "module %u string not terminated", i);
		fuzz_check(m->end >= m->start, "module %u ends before it starts", i);
	}
}

/* 3.6.12, as bootinfo.c promises to check it before keeping a framebuffer. */
static void check_framebuffer(const struct framebuffer_info *fb)
{
	uint64_t line;

	fuzz_check(fb->kind == FB_NONE || fb->kind == FB_RGB || fb->kind == FB_EGA_TEXT,
		   "framebuffer kind %d", fb->kind);
	if (fb->kind == FB_NONE)
		return;
	fuzz_check(fb->width && fb->height && fb->bpp, "framebuffer with a zero dimension");
	line = ((uint64_t)fb->width * fb->bpp + 7) / 8;
	fuzz_check(fb->pitch >= line, "pitch %u below a line of %llu bytes", fb->pitch,
		   (unsigned long long)line);
	fuzz_check(fb->addr <= UINT64_MAX - (uint64_t)fb->pitch * fb->height,
		   "framebuffer wraps the address space");
	if (fb->kind != FB_RGB)
		return;
	fuzz_check(fb->red_pos + fb->red_size <= fb->bpp &&
		   fb->green_pos + fb->green_size <= fb->bpp &&
		   fb->blue_pos + fb->blue_size <= fb->bpp, "RGB field outside the pixel");
}

static void check_rsdp(const struct boot_info *bi)
{
	static const uint8_t zeros[sizeof(bi->rsdp)];

	fuzz_check(bi->rsdp_revision <= 2, "rsdp_revision %u", bi->rsdp_revision);
	if (bi->rsdp_revision == 0)
		fuzz_check(memcmp(bi->rsdp, zeros, sizeof(bi->rsdp)) == 0, "RSDP bytes without one");
	if (bi->rsdp_revision == 1)
		fuzz_check(memcmp(bi->rsdp + 20, zeros, sizeof(bi->rsdp) - 20) == 0,
			   "a 1.0 RSDP with bytes past its 20");
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Types outside 1..5 count as reserved (3.6.8), as bootinfo_mem_total says. */
static uint32_t mem_class(uint32_t type)
{
	return type >= MEM_USABLE && type <= MEM_BAD ? type : MEM_RESERVED;
}

/*
 * bootinfo_mem_total() merges overlaps, so it can be no more than the sum
 * of the lengths of its class and no less than its longest range (clipped
 * where it would wrap past the top of the address space).
 */
static void check_mem_total(const struct boot_info *bi, uint32_t type)
{
	uint64_t total = bootinfo_mem_total(bi, type), sum = 0, longest = 0;

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		const struct mem_range *r = &bi->mmap[i];
		uint64_t len = r->length;

		if (r->length == 0 || mem_class(r->type) != mem_class(type))
			continue;
		if (len - 1 > UINT64_MAX - r->base)
			len = UINT64_MAX - r->base + 1;	/* 0 when base is 0: 2^64 */
		sum = sat_add(sum, len ? len : UINT64_MAX);
		if ((len ? len : UINT64_MAX) > longest)
			longest = len ? len : UINT64_MAX;
	}
	fuzz_check(total <= sum, "type %u: total 0x%llx above the sum 0x%llx", type,
		   (unsigned long long)total, (unsigned long long)sum);
	fuzz_check(total >= longest, "type %u: total 0x%llx below the longest range 0x%llx",
		   type, (unsigned long long)total, (unsigned long long)longest);
}

static void check_result(const struct boot_info *bi, int rc, const uint8_t *mbi, size_t size)
{
	uint32_t total = 0;

	fuzz_check(rc == 0 || rc == -EINVAL || rc == -EBADMSG || rc == -EOVERFLOW,
		   "undocumented result %d", rc);
	fuzz_check(bi->mbi_addr == (uintptr_t)mbi, "mbi_addr");
	fuzz_check((rc == -EINVAL) == (size < sizeof(struct mb2_info)),
		   "-EINVAL is for less than the fixed part (rc %d, %zu bytes)", rc, size);
	if (size >= sizeof(total))
		memcpy(&total, mbi, sizeof(total));
	if (size >= sizeof(struct mb2_info) && total >= 16)
		fuzz_check((rc == -EOVERFLOW) == (total > size),
			   "-EOVERFLOW is for total_size past max_size (rc %d)", rc);
	if (bi->mbi_size)
		fuzz_check(bi->mbi_size == total && total <= size, "mbi_size %u", bi->mbi_size);
	fuzz_check(bi->mmap_count <= BOOTINFO_MAX_MMAP, "mmap_count %u", bi->mmap_count);
	fuzz_check(!bi->mmap_truncated || bi->mmap_count == BOOTINFO_MAX_MMAP,
		   "truncated map with %u entries", bi->mmap_count);
	check_strings(bi);
	check_framebuffer(&bi->fb);
	check_rsdp(bi);
	for (uint32_t type = 0; type <= MEM_BAD + 1; type++)
		check_mem_total(bi, type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* malloc's alignment (16) is the 8 that 3.6.2 requires. */
	uint8_t *mbi = malloc(size ? size : 1);
	static struct boot_info bi;
	int rc;

	fuzz_check(mbi != NULL, "out of memory");
	memcpy(mbi, data, size);
	fuzz_log_reset();
	rc = bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, mbi, size, &bi);
	check_result(&bi, rc, mbi, size);

	/* Without the magic, or misaligned, nothing is read. */
	fuzz_check(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC ^ 1, mbi, size, &bi) == -EINVAL,
		   "a wrong magic accepted");
	if (size > 1)
		fuzz_check(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, mbi + 1, size - 1, &bi) ==
			   -EINVAL, "a misaligned structure accepted");
	free(mbi);
	return 0;
}
