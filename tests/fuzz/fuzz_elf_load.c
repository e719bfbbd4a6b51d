/*
 * elf_load_guest(), fed the guest image: the input is the ELF file, in a
 * heap block of exactly its size (a read past its end is an
 * AddressSanitizer report).
 *
 * Guest RAM is two ranges of a host buffer with a hole between them, as
 * when skiff keeps pages in the middle of the guest's memory:
 *
 *   0x0fc000 .. 0x100000   margin, not guest RAM
 *   0x100000 .. 0x118000   RAM A (the guests link at 1 MiB)
 *   0x118000 .. 0x11c000   hole, not guest RAM
 *   0x11c000 .. 0x140000   RAM B
 *   0x140000 .. 0x144000   margin, not guest RAM
 *
 * plus a third range at 4 GiB with no host memory behind it: it is guest
 * RAM, but no segment may load there (the guest starts in 32-bit mode), so
 * a write to it would be a wild one.  The margins and the hole are
 * poisoned, so a write to them stops at once with a stack trace; the whole
 * buffer starts filled with a canary byte and is checked after each input.
 *
 * The result must be what elf_load.h promises: a documented errno with
 * guest memory untouched, or segments inside RAM A or B, disjoint, holding
 * the image's bytes and zeros, the entry inside one of them, and nothing
 * else in guest memory changed.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "vm/elf_load.h"

#define WIN_BASE	0x0fc000ull
#define RAM_A_BASE	0x100000ull
#define RAM_A_END	0x118000ull
#define RAM_B_BASE	0x11c000ull
#define RAM_B_END	0x140000ull
#define WIN_END		0x144000ull
#define WIN_SIZE	(WIN_END - WIN_BASE)
#define HIGH_BASE	(1ull << 32)
#define HIGH_END	(HIGH_BASE + (2ull << 20))
#define FILL		0xa5

static const struct phys_range ram[] = {
	{ RAM_A_BASE, RAM_A_END }, { RAM_B_BASE, RAM_B_END }, { HIGH_BASE, HIGH_END },
};
/* Stretches of the window that are not guest RAM. */
static const struct phys_range not_ram[] = {
	{ WIN_BASE, RAM_A_BASE }, { RAM_A_END, RAM_B_BASE }, { RAM_B_END, WIN_END },
};

static uint8_t *win;		/* host address of WIN_BASE */
static struct guest_mem mem;

static uint8_t *host(uint64_t gpa)
{
	return win + (gpa - WIN_BASE);
}

static void poison_not_ram(bool on)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_ram); i++) {
		uint8_t *p = host(not_ram[i].base);
		size_t n = (size_t)range_size(not_ram[i]);

		if (on)
			fuzz_poison(p, n);
		else
			fuzz_unpoison(p, n);
	}
}

static void setup_once(void)
{
	if (win)
		return;
	win = malloc(WIN_SIZE);
	fuzz_check(win != NULL, "out of memory");
	memset(win, FILL, WIN_SIZE);
	poison_not_ram(true);
	mem = (struct guest_mem){ ram, ARRAY_SIZE(ram), (uintptr_t)win - WIN_BASE };
}

/* The whole window holds the canary; with the margins and hole unpoisoned
 * for the look. */
static void check_window_untouched(const char *when)
{
	size_t at;

	poison_not_ram(false);
	at = fuzz_all_bytes(win, WIN_SIZE, FILL) ? WIN_SIZE : fuzz_first_not(win, WIN_SIZE, FILL);
	fuzz_check(at == WIN_SIZE, "%s: guest memory changed at gpa 0x%llx", when,
		   (unsigned long long)(WIN_BASE + at));
	poison_not_ram(true);
}

static bool in_ram_a_or_b(uint64_t base, uint64_t end)
{
	return (base >= RAM_A_BASE && end <= RAM_A_END) ||
	       (base >= RAM_B_BASE && end <= RAM_B_END);
}

static void check_segment(const struct guest_segment *s, const uint8_t *image, size_t size)
{
	uint64_t filesz = s->file_end - s->base;

	fuzz_check(s->base <= s->file_end && s->file_end <= s->end && s->base < s->end,
		   "segment %u: base 0x%llx file_end 0x%llx end 0x%llx", s->index,
		   (unsigned long long)s->base, (unsigned long long)s->file_end,
		   (unsigned long long)s->end);
	fuzz_check(in_ram_a_or_b(s->base, s->end), "segment %u at 0x%llx..0x%llx is not in RAM",
		   s->index, (unsigned long long)s->base, (unsigned long long)s->end);
	fuzz_check(s->offset <= size && filesz <= size - s->offset,
		   "segment %u: file bytes outside the image", s->index);
	fuzz_check(memcmp(host(s->base), image + s->offset, filesz) == 0,
		   "segment %u: loaded bytes differ from the image", s->index);
	fuzz_check(fuzz_all_bytes(host(s->file_end), s->end - s->file_end, 0),
		   "segment %u: bss not zeroed", s->index);
}

/* 3.1.1/3.1.2: where the loader says it found the header, a header is. */
static void check_mb2_header(const struct guest_image *g, const uint8_t *image, size_t size)
{
	struct mb2_header h;

	fuzz_check(g->mb2_header_offset % MB2_HEADER_ALIGN == 0 &&
		   g->mb2_header_offset < MB2_HEADER_SEARCH_LIMIT &&
		   g->mb2_header_offset + sizeof(h) <= size,
		   "Multiboot2 header offset 0x%x", g->mb2_header_offset);
	memcpy(&h, image + g->mb2_header_offset, sizeof(h));
	fuzz_check(h.magic == MB2_HEADER_MAGIC && h.architecture == MB2_ARCH_I386 &&
		   h.magic + h.architecture + h.header_length + h.checksum == 0,
		   "the Multiboot2 header at 0x%x is not a valid one", g->mb2_header_offset);
	fuzz_check(h.header_length <= size - g->mb2_header_offset,
		   "the Multiboot2 header runs past the image");
}

static void check_loaded(const struct guest_image *g, const uint8_t *image, size_t size)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	bool entry_inside = false;

	fuzz_check(g->segment_count >= 1 && g->segment_count <= GUEST_IMAGE_MAX_SEGMENTS,
		   "segment_count %zu", g->segment_count);
	fuzz_check(g->elf_class == image[EI_CLASS], "elf_class %u", g->elf_class);
	fuzz_check((g->info_required & ~g->info_requested) == 0,
		   "information required but not requested");
	check_mb2_header(g, image, size);
	for (size_t i = 0; i < g->segment_count; i++) {
		const struct guest_segment *s = &g->segments[i];

		check_segment(s, image, size);
		for (size_t j = 0; j < i; j++)
			fuzz_check(s->end <= g->segments[j].base || g->segments[j].end <= s->base,
				   "segments %u and %u overlap", g->segments[j].index, s->index);
		if (s->base < lo)
			lo = s->base;
		if (s->end > hi)
			hi = s->end;
		if (g->entry >= s->base && g->entry < s->end)
			entry_inside = true;
	}
	fuzz_check(g->load_base == lo && g->load_end == hi, "load range 0x%llx..0x%llx",
		   (unsigned long long)g->load_base, (unsigned long long)g->load_end);
	fuzz_check(entry_inside, "entry 0x%x is not inside a loaded segment", g->entry);
}

static bool documented(int rc)
{
	return rc == -ENOEXEC || rc == -EINVAL || rc == -ENOTSUP || rc == -ERANGE ||
	       rc == -EFAULT || rc == -E2BIG;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *image = malloc(size ? size : 1);
	static struct guest_image g;
	int rc;

	setup_once();
	fuzz_check(image != NULL, "out of memory");
	memcpy(image, data, size);
	fuzz_log_reset();
	memset(&g, 0, sizeof(g));
	rc = elf_load_guest(image, size, &mem, &g);
	/* elf_load.h: a refusal is one line; a load prints nothing. */
	fuzz_check(fuzz_log_lines() == (rc != 0), "%lu lines logged after result %d",
		   fuzz_log_lines(), rc);
	if (rc == 0) {
		check_loaded(&g, image, size);
		/* Put the canary back where segments went; then nothing else
		 * may differ from it. */
		for (size_t i = 0; i < g.segment_count; i++)
			memset(host(g.segments[i].base), FILL, g.segments[i].end - g.segments[i].base);
		check_window_untouched("after a load");
	} else {
		fuzz_check(documented(rc), "undocumented result %d", rc);
		check_window_untouched("after a refusal");
	}
	free(image);
	return 0;
}
