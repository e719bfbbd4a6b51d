/*
 * What skiff tells its guest about memory (the Multiboot2 information it
 * builds as the guest's boot loader), and that the memory it gives is
 * there: a command line, a loader name, and a memory map in which skiff's
 * own pages are a reserved hole between usable ranges.
 */
#include "mb2.h"
#include "module_pattern.h"
#include "printf.h"
#include "selftest.h"
#include "string.h"

#define ONE_MIB			0x100000ull
#define FOUR_GIB		0x100000000ull
#define LOADER_PREFIX		"skiff"
#define PATTERN			0x5aa5c33cu
#define MODULE_ALIGN		4096u
#define MODULE_BYTES_SHOWN	8
#define PATTERN_WORD		"pattern"	/* a module of module_pattern.h */

static uint64_t entry_end(const struct mb2_mmap_entry *e)
{
	return e->base_addr + e->length;
}

uint64_t mmap_ram_end(void)
{
	const struct mb2_mmap_entry *e;
	uint64_t end = 0;

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e))
		if (e->type == MB2_MEMORY_AVAILABLE && entry_end(e) > end)
			end = entry_end(e);
	return end;
}

const struct mb2_mmap_entry *mmap_skiff_memory(void)
{
	const struct mb2_mmap_entry *e;
	uint64_t ram_end = mmap_ram_end();

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e))
		if (e->type == MB2_MEMORY_RESERVED && e->base_addr >= ONE_MIB &&
		    entry_end(e) <= ram_end && e->length > 0)
			return e;
	return NULL;
}

static enum result mb2_cmdline_present(void)
{
	if (!mb2_cmdline(selftest_mbi))
		return fail("no command-line tag");
	return PASS;
}

static enum result mb2_loader_skiff(void)
{
	const char *name = mb2_loader_name(selftest_mbi);

	if (!name)
		return fail("no boot-loader-name tag");
	if (strncmp(name, LOADER_PREFIX, strlen(LOADER_PREFIX)) != 0)
		return fail("loader \"%s\"", name);
	return PASS;
}

/* Is there usable memory on both sides of reserved entry r? */
static bool between_usable(const struct mb2_mmap_entry *r)
{
	const struct mb2_mmap_entry *e;
	bool below = false, above = false;

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e)) {
		if (e->type != MB2_MEMORY_AVAILABLE)
			continue;
		below |= entry_end(e) <= r->base_addr;
		above |= e->base_addr >= entry_end(r);
	}
	return below && above;
}

static enum result mb2_mmap_hole(void)
{
	const struct mb2_mmap_entry *e;
	unsigned entries = 0;

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e)) {
		entries++;
		if (e->type == MB2_MEMORY_RESERVED && between_usable(e))
			return PASS;
	}
	if (!entries)
		return fail("no memory map");
	return fail("none of %u entries is a reserved one between usable ones", entries);
}

/* The last 4 bytes of the highest usable entry below 4 GiB: the end of
 * the RAM skiff gives, so a short EPT or a wrong map shows here. */
static enum result mem_top_rw(void)
{
	const struct mb2_mmap_entry *e;
	uint64_t top = 0;
	volatile uint32_t *p;
	uint32_t saved, got, got_inverse;

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e)) {
		uint64_t end = entry_end(e) < FOUR_GIB ? entry_end(e) : FOUR_GIB;

		if (e->type == MB2_MEMORY_AVAILABLE && e->base_addr < FOUR_GIB && end > top)
			top = end;
	}
	if (top < ONE_MIB + sizeof(*p))
		return fail("no usable memory above 1 MiB in the map");
	p = (volatile uint32_t *)(uint32_t)(top - sizeof(*p));
	saved = *p;
	*p = PATTERN;
	got = *p;
	*p = ~PATTERN;
	got_inverse = *p;
	*p = saved;
	if (got != PATTERN || got_inverse != ~PATTERN)
		return fail("at 0x%08x wrote 0x%08x and 0x%08x, read 0x%08x and 0x%08x",
			    (uint32_t)p, PATTERN, ~PATTERN, got, got_inverse);
	return PASS;
}

static bool in_available(uint32_t start, uint32_t end)
{
	const struct mb2_mmap_entry *e;

	for (e = mb2_mmap_next(selftest_mbi, NULL); e; e = mb2_mmap_next(selftest_mbi, e))
		if (e->type == MB2_MEMORY_AVAILABLE && e->base_addr <= start && end <= entry_end(e))
			return true;
	return false;
}

static bool overlaps(uint32_t a, uint32_t a_end, uint32_t b, uint32_t b_end)
{
	return a < b_end && b < a_end;
}

/* One module tag: printed with its first bytes (the boot case matches
 * them against the file), then where it lies; a "pattern" module, every
 * byte (module_pattern.h). */
static enum result check_module(unsigned i, const struct mb2_tag_module *m)
{
	extern const char __text_start[], __bss_end[];
	const uint8_t *p = (const uint8_t *)m->mod_start;
	uint32_t info = (uint32_t)selftest_mbi;

	printf("selftest: module %u: 0x%08x-0x%08x \"%s\", first bytes", i, m->mod_start,
	       m->mod_end, m->string);
	for (uint32_t k = 0; k < MODULE_BYTES_SHOWN && m->mod_start + k < m->mod_end; k++)
		printf(" %02x", p[k]);
	printf("\n");
	if (m->mod_end < m->mod_start || m->mod_start % MODULE_ALIGN)
		return fail("module %u at 0x%08x-0x%08x", i, m->mod_start, m->mod_end);
	if (!in_available(m->mod_start, m->mod_end))
		return fail("module %u is not in available memory", i);
	if (overlaps(m->mod_start, m->mod_end, (uint32_t)__text_start, (uint32_t)__bss_end) ||
	    overlaps(m->mod_start, m->mod_end, info, info + selftest_mbi->total_size))
		return fail("module %u overlaps the kernel or the boot information", i);
	if (strncmp(m->string, PATTERN_WORD, strlen(PATTERN_WORD)) == 0) {
		uint32_t size = m->mod_end - m->mod_start, bad;

		if (!modpat_check(p, size, &bad))
			return fail("module %u: byte +0x%x of %u is wrong", i, bad, size);
		printf("selftest: module %u: all %u bytes as mkpattern wrote them\n", i, size);
	}
	return PASS;
}

/* The guest's own modules (GRUB modules after the guest's), when the boot
 * case gave it any: page-aligned, in RAM, clear of the kernel and the
 * information. */
static enum result mb2_modules(void)
{
	const struct mb2_tag *t = NULL;
	unsigned n = 0;
	enum result r;

	while ((t = mb2_next_tag(selftest_mbi, t, MB2_TAG_MODULE))) {
		r = check_module(n++, (const struct mb2_tag_module *)t);
		if (r != PASS)
			return r;
	}
	return n ? PASS : skip("no module tags: skiff was given no modules for its guest");
}

const struct check memory_checks[] = {
	{ .name = "mb2-cmdline", .run = mb2_cmdline_present },
	{ .name = "mb2-loader-skiff", .run = mb2_loader_skiff },
	{ .name = "mb2-mmap-hole", .run = mb2_mmap_hole },
	{ .name = "mb2-modules", .run = mb2_modules },
	{ .name = "mem-top-rw", .run = mem_top_rw },
	{ .name = NULL },
};
