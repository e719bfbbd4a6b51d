/*
 * What skiff tells its guest about memory (the Multiboot2 information it
 * builds as the guest's boot loader), and that the memory it gives is
 * there: a command line, a loader name, and a memory map in which skiff's
 * own pages are a reserved hole between usable ranges.
 */
#include "mb2.h"
#include "selftest.h"
#include "string.h"

#define ONE_MIB			0x100000ull
#define FOUR_GIB		0x100000000ull
#define LOADER_PREFIX		"skiff"
#define PATTERN			0x5aa5c33cu

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

const struct check memory_checks[] = {
	{ .name = "mb2-cmdline", .run = mb2_cmdline_present },
	{ .name = "mb2-loader-skiff", .run = mb2_loader_skiff },
	{ .name = "mb2-mmap-hole", .run = mb2_mmap_hole },
	{ .name = "mem-top-rw", .run = mem_top_rw },
	{ .name = NULL },
};
