/*
 * Multiboot 1 guests: the image's header and its a.out kludge fields
 * (kernel/vm/mb1_load.c), the guest's modules placed and copied
 * (guest_modules.c), and the Multiboot 1 information built from a memory
 * map, skiff's ranges, a command line and the modules (mb1_guest.c).
 *
 * Guest RAM is a host buffer with a hole; the margins and the hole are
 * poisoned, so a stray write stops at once, and the whole buffer starts
 * filled with a canary byte:
 *
 *   0x00000 .. 0x01000   margin
 *   0x01000 .. 0x09000   RAM A
 *   0x09000 .. 0x0a000   hole (skiff's)
 *   0x0a000 .. 0x30000   RAM B
 *   0x30000 .. 0x31000   margin
 *   4 GiB   .. +1 MiB    RAM with no host memory: never a place, since
 *                        every Multiboot 1 address is 32 bits
 *
 * The first byte picks what runs:
 *   0  a raw image (libFuzzer grows it from the seeds' headers)
 *   1  an a.out image built from fuzzed header fields around the window
 *   2  the information and modules, set up at or above a minimum
 *   3  the information built at a fuzzed address and capacity
 * What mb1_load.h and mb1_guest.h promise, checked: a refusal is a
 * documented errno with guest memory untouched; a load puts the file's
 * bytes at load_addr, zeroes to the bss end, enters inside the loaded
 * bytes and writes nothing else; the information lies wholly in the
 * bytes it was given, its pointers inside it, its modules and map as the
 * input and the Multiboot2 walk say.
 */
#include "fuzz_guest_window.h"
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "boot/multiboot1.h"
#include "lib/errno.h"
#include "vm/elf_load.h"
#include "vm/guest_modules.h"
#include "vm/mb1_guest.h"
#include "vm/mb1_load.h"
#include "vm/mb2_guest.h"

#define IMAGE_MAX	0x9000
#define MAX_MAP		32
#define MAX_KEPT	4
#define MAX_MODS	4
#define MOD_MAX		0x3000
#define CMDLINE_MAX	200


/* The first byte of [from, to) that is not the canary, or WIN_SIZE. */
static size_t first_changed(size_t from, size_t to)
{
	if (from >= to || fuzz_all_bytes(win + from, to - from, FILL))
		return WIN_SIZE;
	return from + fuzz_first_not(win + from, to - from, FILL);
}

/* The first byte outside [base, end) that changed, or WIN_SIZE. */
static size_t changed_outside(uint64_t base, uint64_t end)
{
	size_t at;

	if (base > WIN_SIZE)
		base = WIN_SIZE;
	if (end > WIN_SIZE)
		end = WIN_SIZE;
	poison_not_ram(false);
	at = first_changed(0, base);
	if (at == WIN_SIZE)
		at = first_changed(end > base ? end : base, WIN_SIZE);
	poison_not_ram(true);
	return at;
}

static void reset_window(void)
{
	poison_not_ram(false);
	memset(win, FILL, WIN_SIZE);
	poison_not_ram(true);
}

/* Addresses near the window's edges, the 4 GiB line, or anything. */
static uint32_t take_addr(struct fuzz_in *in)
{
	static const uint32_t edges[] = {
		0, RAM_A_BASE, RAM_A_END, RAM_B_BASE, RAM_B_END, 0xfffff000u, 0xffffffffu,
	};
	uint8_t how = fuzz_u8(in);

	if (how < 0x20)
		return fuzz_u32(in);
	return edges[how % ARRAY_SIZE(edges)] + (uint32_t)(int32_t)(int16_t)fuzz_u16(in);
}

/* ---- images ---- */

static bool valid_load_errno(int err)
{
	return err == -ENOEXEC || err == -EINVAL || err == -ENOTSUP || err == -ERANGE ||
	       err == -EFAULT || err == -E2BIG;
}

static void check_aout_result(const uint8_t *img, size_t size, const struct guest_image *g)
{
	const struct guest_segment *s = &g->segments[0];
	size_t at;

	fuzz_check(g->segment_count == 1 && s->base <= s->file_end && s->file_end <= s->end &&
		   s->end <= (1ull << 32), "a.out segment 0x%llx..0x%llx..0x%llx",
		   (unsigned long long)s->base, (unsigned long long)s->file_end,
		   (unsigned long long)s->end);
	fuzz_check(guest_mem_contains(&mem, s->base, s->end - s->base), "a.out outside guest RAM");
	fuzz_check(s->offset + (s->file_end - s->base) <= size, "a.out bytes past the file");
	fuzz_check(g->entry >= s->base && g->entry < s->file_end, "entry outside the loaded bytes");
	fuzz_check(memcmp(win + s->base, img + s->offset, s->file_end - s->base) == 0,
		   "the loaded bytes are not the file's");
	fuzz_check(fuzz_all_bytes(win + s->file_end, s->end - s->file_end, 0), "bss not zeroed");
	at = changed_outside(s->base, s->end);
	fuzz_check(at == WIN_SIZE, "a.out load changed 0x%zx", at);
}

/* The ELF loader's own promises are fuzz_elf_load.c's; here only that it
 * wrote nothing outside its segments: the gaps between them, in order. */
static void check_elf_result(const struct guest_image *g)
{
	uint64_t at = 0, next;
	size_t bad = WIN_SIZE;
	bool inside;

	poison_not_ram(false);
	while (at < WIN_SIZE && bad == WIN_SIZE) {
		inside = false;
		for (size_t k = 0; k < g->segment_count && !inside; k++) {
			inside = g->segments[k].base <= at && at < g->segments[k].end;
			if (inside)
				at = g->segments[k].end;
		}
		if (inside)
			continue;
		next = WIN_SIZE;
		for (size_t k = 0; k < g->segment_count; k++)
			if (g->segments[k].base > at && g->segments[k].base < next)
				next = g->segments[k].base;
		bad = first_changed(at, next);
		at = next;
	}
	poison_not_ram(true);
	fuzz_check(bad == WIN_SIZE, "ELF load changed 0x%zx outside its segments", bad);
}

static void run_image(const uint8_t *data, size_t size)
{
	static struct guest_image g;
	struct mb1_found f;
	uint8_t *img = malloc(size ? size : 1);	/* exact size: ASan sees over-reads */
	bool present;
	int err;

	fuzz_check(img != NULL, "out of memory");
	memcpy(img, data, size);
	present = mb1_header_present(img, size);
	err = mb1_load_guest(img, size, &mem, &g, &f);
	if (err) {
		fuzz_check(valid_load_errno(err), "mb1_load_guest returned %d", err);
		fuzz_check(changed_outside(0, 0) == WIN_SIZE, "a refused image changed guest memory");
	} else {
		fuzz_check(present, "loaded without a header present");
		fuzz_check(f.offset % MB1_HEADER_ALIGN == 0 && f.offset + MB1_HEADER_MIN_SIZE <= 8192,
			   "header at 0x%x", f.offset);
		fuzz_check((f.h.flags & 0xffff & ~MB1_FLAGS_PROVIDED) == 0, "flags 0x%x accepted",
			   f.h.flags);
		if (f.h.flags & MB1_HEADER_AOUT_KLUDGE)
			check_aout_result(img, size, &g);
		else
			check_elf_result(&g);
	}
	free(img);
}

/* Header fields from the input, the rest of the file from it too. */
static void run_aout(struct fuzz_in *in)
{
	static uint8_t img[IMAGE_MAX];
	uint32_t off = (fuzz_u16(in) % (IMAGE_MAX / 4)) * 4, size = fuzz_u16(in) % (IMAGE_MAX + 1);
	uint32_t flags = MB1_HEADER_AOUT_KLUDGE | (fuzz_u8(in) & 0x7) | ((uint32_t)fuzz_u8(in) << 24);
	uint32_t h[8] = { MB1_HEADER_MAGIC, flags, -(MB1_HEADER_MAGIC + flags) };

	for (int i = 3; i < 8; i++)
		h[i] = take_addr(in);
	if (fuzz_bool(in))
		h[2] += fuzz_u8(in);			/* a bad checksum, sometimes */
	memset(img, 0, sizeof(img));
	fuzz_bytes(in, img, size);
	if (off < size)
		memcpy(img + off, h, size - off < sizeof(h) ? size - off : sizeof(h));
	run_image(img, size);
}

/* ---- the information and the modules ---- */

struct input {
	struct mem_range map[MAX_MAP];
	struct phys_range kept[MAX_KEPT];
	struct guest_module mods[MAX_MODS];
	char strings[MAX_MODS + 1][CMDLINE_MAX + 1];
	uint8_t data[MAX_MODS][MOD_MAX];
	struct mb2_guest_input in;
};

static void take_string(struct fuzz_in *in, char *s)
{
	size_t n = fuzz_bytes(in, s, fuzz_u8(in) % (CMDLINE_MAX + 1));

	s[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!s[i])
			s[i] = '.';
}

static void take_input(struct fuzz_in *in, struct input *x)
{
	uint8_t flags = fuzz_u8(in);
	size_t nmap = fuzz_u8(in) % (MAX_MAP + 1), nkept = fuzz_u8(in) % (MAX_KEPT + 1);
	size_t nmods = fuzz_u8(in) % (MAX_MODS + 1);

	for (size_t i = 0; i < nmap; i++) {
		x->map[i].base = take_addr(in);
		x->map[i].length = fuzz_u8(in) & 1 ? fuzz_u64(in) : (uint64_t)fuzz_u16(in) << 4;
		x->map[i].type = 1 + fuzz_u8(in) % 6;
	}
	for (size_t i = 0; i < nkept; i++) {
		x->kept[i].base = take_addr(in);
		x->kept[i].end = x->kept[i].base + fuzz_u16(in);
	}
	take_string(in, x->strings[MAX_MODS]);
	for (size_t i = 0; i < nmods; i++) {
		take_string(in, x->strings[i]);
		x->mods[i] = (struct guest_module){
			.data = x->data[i], .size = fuzz_u16(in) % (MOD_MAX + 1),
			.cmdline = flags & (1u << i) ? NULL : x->strings[i],
		};
		memset(x->data[i], 0x30 + (int)i, MOD_MAX);
	}
	x->in = (struct mb2_guest_input){
		.mem = &mem, .mmap = x->map, .mmap_count = nmap, .kept = x->kept,
		.kept_count = nkept, .cmdline = flags & 0x10 ? NULL : x->strings[MAX_MODS],
		.loader_name = flags & 0x20 ? NULL : "skiff fuzz",
		.modules = x->mods, .module_count = nmods,
	};
}

struct collected {
	struct mb2_mmap_entry e[4 * (MAX_MAP + MAX_KEPT) + 8];
	size_t n;
};

static void collect(void *ctx, const struct mb2_mmap_entry *e)
{
	struct collected *c = ctx;

	fuzz_check(c->n < ARRAY_SIZE(c->e), "more map entries than boundaries");
	c->e[c->n++] = *e;
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, win + gpa, 4);
	return v;
}

/* A string the information points to: inside the block, NUL-terminated
 * there, and equal to want. */
static void check_string(uint64_t gpa, size_t size, uint32_t p, const char *want)
{
	size_t n = strlen(want);

	fuzz_check(p >= gpa && p + n < gpa + size, "string at 0x%x outside the block", p);
	fuzz_check(memcmp(win + p, want, n + 1) == 0, "string at 0x%x is not \"%s\"", p, want);
}

static void check_info(const struct input *x, uint64_t gpa, size_t size)
{
	static struct collected want;
	struct mb1_info info;

	memcpy(&info, win + gpa, sizeof(info));
	fuzz_check(info.flags == (MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
				  MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME), "flags 0x%x", info.flags);
	check_string(gpa, size, info.cmdline, x->in.cmdline ? x->in.cmdline : "");
	check_string(gpa, size, info.boot_loader_name,
		     x->in.loader_name ? x->in.loader_name : MB2_GUEST_LOADER_NAME);
	fuzz_check(info.mods_count == x->in.module_count, "mods_count %u", info.mods_count);
	fuzz_check(info.mods_addr >= gpa && info.mods_addr + 16 * info.mods_count <= gpa + size,
		   "mods outside the block");
	for (uint32_t i = 0; i < info.mods_count; i++) {
		const struct guest_module *m = &x->mods[i];
		uint32_t e = info.mods_addr + 16 * i;

		fuzz_check(rd32(e) == m->gpa && rd32(e + 4) == m->gpa + m->size && rd32(e + 12) == 0,
			   "module %u entry", i);
		check_string(gpa, size, rd32(e + 8), m->cmdline ? m->cmdline : "");
	}
	want.n = 0;
	mb2_guest_map_walk(&x->in, collect, &want);
	fuzz_check(info.mmap_length == want.n * MB1_MMAP_ENTRY_SIZE && info.mmap_addr >= gpa &&
		   info.mmap_addr + info.mmap_length <= gpa + size, "mmap length or place");
	for (size_t i = 0; i < want.n; i++) {
		uint64_t e = info.mmap_addr + i * MB1_MMAP_ENTRY_SIZE;

		fuzz_check(rd32(e) == 20 && memcmp(win + e + 4, &want.e[i].base_addr, 8) == 0 &&
			   memcmp(win + e + 12, &want.e[i].length, 8) == 0 &&
			   rd32(e + 20) == want.e[i].type, "map entry %zu", i);
	}
}

/* Modules then the information, as vm_load.c does. */
static void run_setup(struct fuzz_in *in, struct input *x)
{
	uint64_t min = take_addr(in), end = 0, gpa = 0;
	int err;

	take_input(in, x);
	err = guest_modules_place(&mem, min, x->mods, x->in.module_count, &end);
	if (err) {
		fuzz_check(err == -ENOMEM, "guest_modules_place returned %d", err);
		return;
	}
	for (size_t i = 0; i < x->in.module_count; i++) {
		const struct guest_module *m = &x->mods[i];

		fuzz_check(m->gpa % 4096 == 0 && m->gpa >= min && guest_mem_contains(&mem, m->gpa, m->size) &&
			   m->gpa + m->size <= end, "module %zu at 0x%llx", i, (unsigned long long)m->gpa);
		fuzz_check(i == 0 || m->gpa >= x->mods[i - 1].gpa + x->mods[i - 1].size,
			   "modules %zu and %zu overlap", i - 1, i);
	}
	fuzz_check(guest_modules_copy(&mem, x->mods, x->in.module_count) == 0, "copy refused");
	for (size_t i = 0; i < x->in.module_count; i++)
		fuzz_check(memcmp(win + x->mods[i].gpa, x->data[i], x->mods[i].size) == 0,
			   "module %zu not copied", i);
	err = mb1_guest_setup(&x->in, end, &gpa);
	if (err) {
		fuzz_check(err == -ENOMEM, "mb1_guest_setup returned %d", err);
		return;
	}
	fuzz_check(gpa >= end && gpa % 4096 == 0, "information at 0x%llx", (unsigned long long)gpa);
	check_info(x, gpa, mb1_guest_size(&x->in));
}

static void run_build_at(struct fuzz_in *in, struct input *x)
{
	uint64_t gpa = take_addr(in);
	size_t cap = fuzz_u32(in) % (WIN_SIZE + 1), size;
	int err;

	take_input(in, x);
	for (size_t i = 0; i < x->in.module_count; i++)
		x->mods[i].gpa = take_addr(in);
	size = mb1_guest_size(&x->in);
	err = mb1_guest_build(&x->in, gpa, cap);
	if (err < 0) {
		fuzz_check(err == -EINVAL || err == -ERANGE || err == -EFAULT || err == -ENOSPC,
			   "mb1_guest_build returned %d", err);
		fuzz_check(changed_outside(0, 0) == WIN_SIZE, "a refused build changed guest memory");
		return;
	}
	fuzz_check((size_t)err == size && size <= cap, "built %d bytes, sized %zu", err, size);
	fuzz_check(changed_outside(gpa, gpa + size) == WIN_SIZE, "wrote outside the block");
	check_info(x, gpa, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct input x;
	uint8_t mode = fuzz_u8(&in);

	setup_once();
	fuzz_log_reset();
	reset_window();
	memset(&x, 0, sizeof(x));
	switch (mode % 4) {
	case 0:
		run_image(data + 1 < data + size ? data + 1 : data, size ? size - 1 : 0);
		break;
	case 1:
		run_aout(&in);
		break;
	case 2:
		run_setup(&in, &x);
		break;
	default:
		run_build_at(&in, &x);
		break;
	}
	return 0;
}
