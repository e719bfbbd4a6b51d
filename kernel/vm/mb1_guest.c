/*
 * The guest's Multiboot 1 boot information; see mb1_guest.h.  Section
 * numbers are the Multiboot Specification 0.6.96's.
 */
#include "vm/mb1_guest.h"

#include <stdbool.h>

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define guest_msg(fmt, ...) \
	kprintf("skiff: guest: " fmt "\n", ##__VA_ARGS__)

#define refuse(err, fmt, ...) \
	(guest_msg(fmt, ##__VA_ARGS__), -(err))

#define MBI_ADDR_LIMIT	(1ull << 32)
#define MBI_ALIGN	4		/* every field is a u32 */

#define MB1_INFO_GIVEN	(MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS | \
			 MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME)

/* Where each part lies, as offsets from the structure's start. */
struct mb1_layout {
	size_t mods;
	size_t mmap;
	size_t mmap_count;
	size_t strings;
	size_t size;
};

static void count_sink(void *ctx, const struct mb2_mmap_entry *e)
{
	(void)e;
	(*(size_t *)ctx)++;
}

static const char *cmdline_of(const struct mb2_guest_input *in)
{
	return in->cmdline ? in->cmdline : "";
}

static const char *loader_of(const struct mb2_guest_input *in)
{
	return in->loader_name ? in->loader_name : MB2_GUEST_LOADER_NAME;
}

static const char *module_string(const struct guest_module *m)
{
	return m->cmdline ? m->cmdline : "";
}

static void layout_of(const struct mb2_guest_input *in, struct mb1_layout *l)
{
	size_t strings = strlen(cmdline_of(in)) + 1 + strlen(loader_of(in)) + 1;

	for (size_t i = 0; i < in->module_count; i++)
		strings += strlen(module_string(&in->modules[i])) + 1;
	l->mmap_count = 0;
	mb2_guest_map_walk(in, count_sink, &l->mmap_count);
	l->mods = sizeof(struct mb1_info);
	l->mmap = l->mods + in->module_count * sizeof(struct mb1_module);
	l->strings = l->mmap + l->mmap_count * MB1_MMAP_ENTRY_SIZE;
	l->size = l->strings + strings;
}

size_t mb1_guest_size(const struct mb2_guest_input *in)
{
	struct mb1_layout l;

	layout_of(in, &l);
	return l.size;
}

/* ---- writing ---- */

/* The block being written: skiff's pointer to it and its guest address. */
struct mb1_block {
	uint8_t *buf;
	uint32_t gpa;
	size_t map_at;		/* the next map entry's offset */
	size_t str_at;		/* the next string's offset */
};

/* 3.3: each entry is its size (of the rest: 20 bytes), base, length, type;
 * the base lies at offset 4, unaligned for a u64, hence the memcpy. */
static void mmap_sink(void *ctx, const struct mb2_mmap_entry *e)
{
	struct mb1_block *b = ctx;
	const uint32_t size = MB1_MMAP_ENTRY_SIZE - sizeof(uint32_t);
	uint8_t *p = b->buf + b->map_at;

	memcpy(p, &size, 4);
	memcpy(p + 4, &e->base_addr, 8);
	memcpy(p + 12, &e->length, 8);
	memcpy(p + 20, &e->type, 4);
	b->map_at += MB1_MMAP_ENTRY_SIZE;
}

/* Copies s into the strings area; returns its guest address. */
static uint32_t put_string(struct mb1_block *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t at = b->gpa + (uint32_t)b->str_at;

	memcpy(b->buf + b->str_at, s, n);
	b->str_at += n;
	return at;
}

static void write_block(const struct mb2_guest_input *in, const struct mb1_layout *l,
			struct mb1_block *b)
{
	struct mb1_info info = { .flags = MB1_INFO_GIVEN };

	b->map_at = l->mmap;
	b->str_at = l->strings;
	mb2_guest_meminfo(in, &info.mem_lower, &info.mem_upper);
	info.cmdline = put_string(b, cmdline_of(in));
	info.boot_loader_name = put_string(b, loader_of(in));
	info.mods_count = (uint32_t)in->module_count;
	info.mods_addr = b->gpa + (uint32_t)l->mods;
	for (size_t i = 0; i < in->module_count; i++) {
		const struct guest_module *m = &in->modules[i];
		struct mb1_module e = {
			.mod_start = (uint32_t)m->gpa, .mod_end = (uint32_t)(m->gpa + m->size),
			.string = put_string(b, module_string(m)),
		};

		memcpy(b->buf + l->mods + i * sizeof(e), &e, sizeof(e));
	}
	info.mmap_addr = b->gpa + (uint32_t)l->mmap;
	info.mmap_length = (uint32_t)(l->mmap_count * MB1_MMAP_ENTRY_SIZE);
	mb2_guest_map_walk(in, mmap_sink, b);
	memcpy(b->buf, &info, sizeof(info));
}

static int check_input(const struct mb2_guest_input *in, uint64_t gpa, size_t need, size_t cap)
{
	if (!is_aligned(gpa, MBI_ALIGN))
		return refuse(EINVAL, "Multiboot 1 information address 0x%lx is not 4-byte aligned",
			      gpa);
	if (!guest_modules_fit_32(in->modules, in->module_count))
		return refuse(ERANGE, "a module reaches above 4 GiB; Multiboot 1 module addresses "
			      "are 32-bit");
	if (need > cap)
		return refuse(ENOSPC, "the Multiboot 1 information needs %zu bytes; only %zu are "
			      "set aside at 0x%lx", need, cap, gpa);
	if (gpa >= MBI_ADDR_LIMIT || MBI_ADDR_LIMIT - gpa < cap)
		return refuse(ERANGE, "Multiboot 1 information at 0x%lx, %zu bytes, reaches above "
			      "4 GiB; its pointers are 32-bit", gpa, cap);
	if (!guest_mem_contains(in->mem, gpa, cap))
		return refuse(EFAULT, "Multiboot 1 information space 0x%lx, %zu bytes, is not all "
			      "guest RAM", gpa, cap);
	return 0;
}

int mb1_guest_build(const struct mb2_guest_input *in, uint64_t gpa, size_t cap)
{
	struct mb1_layout l;
	struct mb1_block b = { .gpa = (uint32_t)gpa };
	int err;

	layout_of(in, &l);
	err = check_input(in, gpa, l.size, cap);
	if (err)
		return err;
	b.buf = guest_mem_ptr(in->mem, gpa, l.size);
	write_block(in, &l, &b);
	if (b.map_at != l.strings || b.str_at != l.size)
		panic("mb1_guest: wrote %zu/%zu bytes where %zu/%zu were sized",
		      b.map_at, b.str_at, l.strings, l.size);
	return (int)l.size;
}

int mb1_guest_setup(const struct mb2_guest_input *in, uint64_t min, uint64_t *gpa)
{
	size_t size = mb1_guest_size(in);
	int err;

	if (!guest_mem_place(in->mem, min, size, PAGE_SIZE, MBI_ADDR_LIMIT, gpa))
		return refuse(ENOMEM, "no room for the %zu bytes of Multiboot 1 information in "
			      "guest RAM from 0x%lx up to 4 GiB", size, min);
	err = mb1_guest_build(in, *gpa, size);
	return err < 0 ? err : 0;
}
