/*
 * Multiboot2 boot information parser (Multiboot2 Specification 2.0, 3.6).
 *
 * The structure comes from the loader, so it is input to check, not to
 * trust: every read is bounded by the tag it belongs to, every tag by
 * total_size, and total_size by max_size, the caller's limit on what may be
 * read at all.  Fixed fields are copied out with memcpy, so nothing depends
 * on the alignment of the loader's bytes or on C's aliasing rules.
 *
 * Outcomes: a structure that cannot be walked (bad magic, bad fixed part, a
 * tag header that lies about its size, no end tag) returns a negative error
 * code, with *out holding what was parsed before the walk stopped.  A tag
 * that is merely malformed, unknown, duplicated or truncated is reported,
 * counted in out->warnings and skipped or clipped; the walk goes on.
 */
#include "bootinfo.h"

#include <stddef.h>

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

_Static_assert(MB2_BOOTLOADER_MAGIC == MULTIBOOT2_BOOTLOADER_MAGIC,
	       "bootinfo.h and multiboot2.h agree on the 3.3 magic");
_Static_assert(MEM_USABLE == MB2_MEMORY_AVAILABLE &&
	       MEM_RESERVED == MB2_MEMORY_RESERVED &&
	       MEM_ACPI_RECLAIMABLE == MB2_MEMORY_ACPI_RECLAIMABLE &&
	       MEM_ACPI_NVS == MB2_MEMORY_NVS && MEM_BAD == MB2_MEMORY_BADRAM,
	       "enum mem_type numbers types as 3.6.8 does");
_Static_assert(MB2_TAG_TYPE_COUNT <= 32, "one bit per tag type in 'seen'");
_Static_assert(BOOTINFO_MAX_MMAP <= 256, "mem_total sorts uint8_t indices");

/* ACPI 6.5 section 5.2.5.3: the RSDP is 20 bytes in revision 0 (ACPI 1.0);
 * from ACPI 2.0 on its Length field covers 36 bytes, adding the XSDT. */
#define RSDP_V1_SIZE	20
#define RSDP_V2_SIZE	36
_Static_assert(sizeof(((struct boot_info *)0)->rsdp) == RSDP_V2_SIZE,
	       "boot_info.rsdp holds a 2.0 RSDP");

/* One walk over the structure: the raw bytes and where results go. */
struct mbi_walk {
	const uint8_t *base;
	uint32_t size;		/* total_size, already checked <= max_size */
	uint32_t seen;		/* bit per tag type accepted, for duplicates */
	struct boot_info *out;
};

/* One tag as found: where it starts and what its header says. */
struct tag_ref {
	uint32_t off;
	uint32_t type;
	uint32_t size;		/* checked >= 8 and within total_size */
};

typedef bool (*tag_parse_fn)(struct mbi_walk *w, const struct tag_ref *t);

/* What the walk knows of each tag type of 3.6. */
struct tag_kind {
	const char *name;
	uint32_t min_size;	/* header plus the fixed fields 3.6 gives it */
	bool multiple;		/* the spec allows more than one */
	tag_parse_fn parse;	/* NULL: recognised, size-checked, not used */
};

static const char *tag_name(uint32_t type);

#define boot_msg(fmt, ...) \
	kprintf("skiff: boot: " fmt "\n", ##__VA_ARGS__)

/* A note on tag t that loses nothing: not counted. */
#define tag_note(t, fmt, ...) \
	boot_msg("tag type %u (%s) at offset 0x%x: " fmt, (t)->type, \
		 tag_name((t)->type), (t)->off, ##__VA_ARGS__)

/* A problem with tag t: reported and counted in out->warnings. */
#define tag_warn(w, t, fmt, ...) do { \
	tag_note(t, fmt, ##__VA_ARGS__); \
	(w)->out->warnings++; \
} while (0)

/*
 * Copies n bytes at offset at within tag t.  Each caller has checked the
 * range against the tag's size (usually through tag_kind.min_size), so a
 * read outside it is a bug in this file, not in the loader.
 */
static void tag_read(const struct mbi_walk *w, const struct tag_ref *t,
		     uint64_t at, void *dst, size_t n)
{
	if (at > t->size || n > t->size - at)
		panic("bootinfo: read of %zu bytes at +%llu outside tag at 0x%x (size %u)",
		      n, (unsigned long long)at, t->off, t->size);
	memcpy(dst, w->base + t->off + at, n);
}

/*
 * 3.6.5, 3.6.6, 3.6.9: the string from offset at to the end of the tag must
 * hold its NUL.  Copies it into dst (dst_size > 0), clipping an over-long
 * one with a warning.  False, with dst untouched, if it is unterminated.
 */
static bool tag_copy_string(struct mbi_walk *w, const struct tag_ref *t,
			    uint32_t at, char *dst, size_t dst_size,
			    const char *what)
{
	const char *s = (const char *)w->base + t->off + at;
	size_t room = t->size - at;
	size_t len = strnlen(s, room);

	if (len == room) {
		tag_warn(w, t, "%s is not NUL-terminated within the tag's %u bytes, skipped",
			 what, t->size);
		return false;
	}
	if (len >= dst_size) {
		tag_warn(w, t, "%s is %zu bytes long, truncated to %zu",
			 what, len, dst_size - 1);
		len = dst_size - 1;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

/* 3.6.5 */
static bool parse_cmdline(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;

	if (!tag_copy_string(w, t, sizeof(struct mb2_tag_string), bi->cmdline,
			     sizeof(bi->cmdline), "command line"))
		return false;
	bi->has_cmdline = true;
	return true;
}

/* 3.6.9 */
static bool parse_loader_name(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;

	return tag_copy_string(w, t, sizeof(struct mb2_tag_string),
			       bi->loader_name, sizeof(bi->loader_name),
			       "boot loader name");
}

/* 3.6.6: one tag per module, each with its own string. */
static bool parse_module(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;
	struct mb2_tag_module m;
	struct boot_module *mod;

	if (bi->module_count == BOOTINFO_MAX_MODULES) {
		tag_warn(w, t, "more than %u modules, this one skipped",
			 BOOTINFO_MAX_MODULES);
		return false;
	}
	tag_read(w, t, 0, &m, sizeof(m));
	if (m.mod_end < m.mod_start) {
		tag_warn(w, t, "module ends (0x%x) before it starts (0x%x), skipped",
			 m.mod_end, m.mod_start);
		return false;
	}
	mod = &bi->modules[bi->module_count];
	if (!tag_copy_string(w, t, sizeof(m), mod->cmdline,
			     sizeof(mod->cmdline), "module string"))
		return false;
	mod->start = m.mod_start;
	mod->end = m.mod_end;
	bi->module_count++;
	return true;
}

/*
 * 3.6.8: entries of entry_size bytes, a multiple of 8 and at least the 24
 * bytes of entry version 0, fill the rest of the tag exactly.
 */
static bool mmap_check(struct mbi_walk *w, const struct tag_ref *t,
		       const struct mb2_tag_mmap *m, uint32_t *count)
{
	uint32_t bytes = t->size - (uint32_t)sizeof(*m);

	if (m->entry_size < sizeof(struct mb2_mmap_entry) ||
	    m->entry_size % MB2_MMAP_ENTRY_SIZE_MULTIPLE) {
		tag_warn(w, t, "entry_size %u is invalid (3.6.8: a multiple of %u, at least %zu), map rejected",
			 m->entry_size, MB2_MMAP_ENTRY_SIZE_MULTIPLE,
			 sizeof(struct mb2_mmap_entry));
		return false;
	}
	if (bytes % m->entry_size) {
		tag_warn(w, t, "%u bytes of entries are not a whole number of %u-byte entries, map rejected",
			 bytes, m->entry_size);
		return false;
	}
	if (bytes == 0) {
		tag_warn(w, t, "memory map has no entries, map rejected");
		return false;
	}
	*count = bytes / m->entry_size;
	return true;
}

static bool parse_mmap(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;
	struct mb2_tag_mmap m;
	struct mb2_mmap_entry e;
	uint32_t count, i;

	tag_read(w, t, 0, &m, sizeof(m));
	if (!mmap_check(w, t, &m, &count))
		return false;
	if (count > BOOTINFO_MAX_MMAP) {
		tag_warn(w, t, "%u memory map entries, only the first %u kept",
			 count, BOOTINFO_MAX_MMAP);
		bi->mmap_truncated = true;
		count = BOOTINFO_MAX_MMAP;
	}
	/* Later entry versions only append fields (3.6.8): read the first 24
	 * bytes of each and step by entry_size. */
	for (i = 0; i < count; i++) {
		tag_read(w, t, sizeof(m) + (uint64_t)i * m.entry_size, &e,
			 sizeof(e));
		bi->mmap[i] = (struct mem_range){
			.base = e.base_addr, .length = e.length, .type = e.type,
		};
	}
	bi->mmap_count = count;
	return true;
}

/*
 * 3.6.12: nonzero dimensions, lines long enough for their pixels (or
 * character cells), and a buffer that does not wrap the address space.
 */
static bool fb_geometry_ok(struct mbi_walk *w, const struct tag_ref *t,
			   const struct mb2_tag_framebuffer *f)
{
	uint64_t line = ((uint64_t)f->framebuffer_width * f->framebuffer_bpp + 7) / 8;
	uint64_t span = (uint64_t)f->framebuffer_pitch * f->framebuffer_height;

	if (!f->framebuffer_width || !f->framebuffer_height ||
	    !f->framebuffer_bpp) {
		tag_warn(w, t, "framebuffer %ux%u at %u bpp has a zero dimension, ignored",
			 f->framebuffer_width, f->framebuffer_height,
			 f->framebuffer_bpp);
		return false;
	}
	if (f->framebuffer_pitch < line) {
		tag_warn(w, t, "framebuffer pitch %u is less than width %u * %u bpp / 8, ignored",
			 f->framebuffer_pitch, f->framebuffer_width,
			 f->framebuffer_bpp);
		return false;
	}
	if (f->framebuffer_addr > UINT64_MAX - span) {
		tag_warn(w, t, "framebuffer at 0x%llx of %llu bytes wraps the address space, ignored",
			 (unsigned long long)f->framebuffer_addr,
			 (unsigned long long)span);
		return false;
	}
	return true;
}

/* A colour field of a direct-colour pixel lies within the pixel's bits. */
static bool fb_field_ok(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return (unsigned int)pos + size <= bpp;
}

/* 3.6.12, type 1: color_info is six bytes of field positions and widths. */
static bool fb_read_rgb(struct mbi_walk *w, const struct tag_ref *t,
			uint8_t bpp, struct framebuffer_info *fb)
{
	struct mb2_framebuffer_rgb c;
	size_t need = sizeof(struct mb2_tag_framebuffer) + sizeof(c);

	if (t->size < need) {
		tag_warn(w, t, "size %u is too small for RGB colour info (at least %zu), ignored",
			 t->size, need);
		return false;
	}
	tag_read(w, t, sizeof(struct mb2_tag_framebuffer), &c, sizeof(c));
	if (!fb_field_ok(c.red_field_position, c.red_mask_size, bpp) ||
	    !fb_field_ok(c.green_field_position, c.green_mask_size, bpp) ||
	    !fb_field_ok(c.blue_field_position, c.blue_mask_size, bpp)) {
		tag_warn(w, t, "RGB fields (red %u:%u, green %u:%u, blue %u:%u) do not fit in %u bpp, ignored",
			 c.red_field_position, c.red_mask_size,
			 c.green_field_position, c.green_mask_size,
			 c.blue_field_position, c.blue_mask_size, bpp);
		return false;
	}
	fb->red_pos = c.red_field_position;
	fb->red_size = c.red_mask_size;
	fb->green_pos = c.green_field_position;
	fb->green_size = c.green_mask_size;
	fb->blue_pos = c.blue_field_position;
	fb->blue_size = c.blue_mask_size;
	return true;
}

/* 3.6.12 */
static bool parse_framebuffer(struct mbi_walk *w, const struct tag_ref *t)
{
	struct framebuffer_info *fb = &w->out->fb;
	struct mb2_tag_framebuffer f;

	tag_read(w, t, 0, &f, sizeof(f));
	if (!fb_geometry_ok(w, t, &f))
		return false;
	switch (f.framebuffer_type) {
	case MB2_FRAMEBUFFER_TYPE_RGB:
		if (!fb_read_rgb(w, t, f.framebuffer_bpp, fb))
			return false;
		fb->kind = FB_RGB;
		break;
	case MB2_FRAMEBUFFER_TYPE_EGA_TEXT:
		fb->kind = FB_EGA_TEXT;
		break;
	case MB2_FRAMEBUFFER_TYPE_INDEXED:
		/* Recorded for the log, but skiff draws no palette modes. */
		tag_note(t, "indexed-colour framebuffer (palette) is not supported, not used");
		fb->kind = FB_NONE;
		break;
	default:
		tag_warn(w, t, "framebuffer_type %u is reserved (3.6.12), ignored",
			 f.framebuffer_type);
		return false;
	}
	fb->addr = f.framebuffer_addr;
	fb->pitch = f.framebuffer_pitch;
	fb->width = f.framebuffer_width;
	fb->height = f.framebuffer_height;
	fb->bpp = f.framebuffer_bpp;
	return true;
}

/* 3.6.16: ACPI 1.0 RSDP.  GRUB gives both tags on ACPI 2.0 machines; the
 * 2.0 copy (with the XSDT address) wins whichever comes first. */
static bool parse_acpi_old(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;

	if (bi->rsdp_revision >= 2)
		return true;
	tag_read(w, t, sizeof(struct mb2_tag_acpi), bi->rsdp, RSDP_V1_SIZE);
	bi->rsdp_revision = 1;
	return true;
}

/* 3.6.17: ACPI 2.0+ RSDP; bytes past the 36 that ACPI defines are ignored. */
static bool parse_acpi_new(struct mbi_walk *w, const struct tag_ref *t)
{
	struct boot_info *bi = w->out;

	tag_read(w, t, sizeof(struct mb2_tag_acpi), bi->rsdp, RSDP_V2_SIZE);
	bi->rsdp_revision = 2;
	return true;
}

/* 3.6.14.  The 32-bit pointer of 3.6.13 is not kept: a 64-bit kernel cannot
 * call 32-bit firmware services. */
static bool parse_efi64(struct mbi_walk *w, const struct tag_ref *t)
{
	struct mb2_tag_efi64 e;

	tag_read(w, t, 0, &e, sizeof(e));
	w->out->efi_system_table = e.pointer;
	return true;
}

/* 3.6.19: only its presence is kept; the E820-style map of 3.6.8 is what
 * skiff uses. */
static bool parse_efi_mmap(struct mbi_walk *w, const struct tag_ref *t)
{
	(void)t;
	w->out->has_efi_mmap = true;
	return true;
}

/* Indexed by tag type.  min_size is the 3.6 layout's fixed part: for
 * string tags that includes at least the terminating NUL. */
static const struct tag_kind tag_kinds[] = {
	[MB2_TAG_END] = { "end", sizeof(struct mb2_tag), false, NULL },
	[MB2_TAG_CMDLINE] = { "command line",
		sizeof(struct mb2_tag_string) + 1, false, parse_cmdline },
	[MB2_TAG_BOOT_LOADER_NAME] = { "boot loader name",
		sizeof(struct mb2_tag_string) + 1, false, parse_loader_name },
	[MB2_TAG_MODULE] = { "module",
		sizeof(struct mb2_tag_module) + 1, true, parse_module },
	[MB2_TAG_BASIC_MEMINFO] = { "basic memory info",
		sizeof(struct mb2_tag_basic_meminfo), false, NULL },
	[MB2_TAG_BOOTDEV] = { "BIOS boot device",
		MB2_TAG_BOOTDEV_SIZE, false, NULL },
	[MB2_TAG_MMAP] = { "memory map",
		sizeof(struct mb2_tag_mmap), false, parse_mmap },
	[MB2_TAG_VBE] = { "VBE info", MB2_TAG_VBE_SIZE, false, NULL },
	[MB2_TAG_FRAMEBUFFER] = { "framebuffer",
		sizeof(struct mb2_tag_framebuffer), false, parse_framebuffer },
	[MB2_TAG_ELF_SECTIONS] = { "ELF sections",
		MB2_TAG_ELF_SECTIONS_MIN, false, NULL },
	[MB2_TAG_APM] = { "APM table", MB2_TAG_APM_SIZE, false, NULL },
	[MB2_TAG_EFI32] = { "EFI32 system table",
		sizeof(struct mb2_tag_efi32), false, NULL },
	[MB2_TAG_EFI64] = { "EFI64 system table",
		sizeof(struct mb2_tag_efi64), false, parse_efi64 },
	[MB2_TAG_SMBIOS] = { "SMBIOS tables", MB2_TAG_SMBIOS_MIN, false, NULL },
	[MB2_TAG_ACPI_OLD] = { "ACPI old RSDP",
		sizeof(struct mb2_tag_acpi) + RSDP_V1_SIZE, false, parse_acpi_old },
	[MB2_TAG_ACPI_NEW] = { "ACPI new RSDP",
		sizeof(struct mb2_tag_acpi) + RSDP_V2_SIZE, false, parse_acpi_new },
	[MB2_TAG_NETWORK] = { "network", sizeof(struct mb2_tag), true, NULL },
	[MB2_TAG_EFI_MMAP] = { "EFI memory map",
		sizeof(struct mb2_tag_efi_mmap), false, parse_efi_mmap },
	[MB2_TAG_EFI_BS] = { "EFI boot services",
		sizeof(struct mb2_tag), false, NULL },
	[MB2_TAG_EFI32_IH] = { "EFI32 image handle",
		sizeof(struct mb2_tag_efi32), false, NULL },
	[MB2_TAG_EFI64_IH] = { "EFI64 image handle",
		sizeof(struct mb2_tag_efi64), false, NULL },
	[MB2_TAG_LOAD_BASE_ADDR] = { "load base address",
		sizeof(struct mb2_tag_load_base_addr), false, NULL },
};
_Static_assert(sizeof(tag_kinds) / sizeof(tag_kinds[0]) == MB2_TAG_TYPE_COUNT,
	       "tag_kinds covers every tag type of Multiboot2 2.0");

/* NULL for a type 2.0 does not define (or a hole in the table). */
static const struct tag_kind *tag_kind_of(uint32_t type)
{
	if (type >= MB2_TAG_TYPE_COUNT || !tag_kinds[type].name)
		return NULL;
	return &tag_kinds[type];
}

static const char *tag_name(uint32_t type)
{
	const struct tag_kind *k = tag_kind_of(type);

	return k ? k->name : "unknown";
}

/* A tag whose size can be trusted: check it against its type, then parse. */
static void tag_dispatch(struct mbi_walk *w, const struct tag_ref *t)
{
	const struct tag_kind *k = tag_kind_of(t->type);
	uint32_t bit;

	if (!k) {
		tag_warn(w, t, "type not defined by Multiboot2 2.0, skipped");
		return;
	}
	if (t->size < k->min_size) {
		tag_warn(w, t, "size %u is too small for this type (at least %u), skipped",
			 t->size, k->min_size);
		return;
	}
	bit = 1u << t->type;
	if (!k->multiple && (w->seen & bit)) {
		tag_warn(w, t, "duplicate of an earlier tag of this type, skipped (the first is kept)");
		return;
	}
	if (k->parse && !k->parse(w, t))
		return;
	w->seen |= bit;
}

/* 3.6.2: the end tag has size 8; a larger one still ends the list. */
static int tag_end(struct mbi_walk *w, const struct tag_ref *t)
{
	if (t->size != sizeof(struct mb2_tag))
		tag_warn(w, t, "end tag has size %u, expected 8", t->size);
	return 0;
}

/*
 * 3.6.2: tags follow the fixed part, each padded to 8 bytes, up to an end
 * tag.  A size below 8 or past total_size leaves no trustworthy way to the
 * next tag, so the walk stops there.
 */
static int mbi_walk_tags(struct mbi_walk *w)
{
	uint64_t off = sizeof(struct mb2_info);
	struct mb2_tag hdr;
	struct tag_ref t;

	while (off + sizeof(hdr) <= w->size) {
		memcpy(&hdr, w->base + off, sizeof(hdr));
		t = (struct tag_ref){ .off = (uint32_t)off, .type = hdr.type,
				      .size = hdr.size };
		if (hdr.size < sizeof(hdr)) {
			tag_warn(w, &t, "size %u is smaller than the 8-byte tag header, stopping",
				 hdr.size);
			return -EBADMSG;
		}
		if (hdr.size > w->size - off) {
			tag_warn(w, &t, "size %u runs past the end of the %u-byte structure, stopping",
				 hdr.size, w->size);
			return -EBADMSG;
		}
		if (hdr.type == MB2_TAG_END)
			return tag_end(w, &t);
		tag_dispatch(w, &t);
		off += ((uint64_t)hdr.size + MB2_TAG_ALIGN - 1) & ~(uint64_t)(MB2_TAG_ALIGN - 1);
	}
	boot_msg("no end tag (type 0) within total_size %u: structure truncated or corrupt",
		 w->size);
	return -EBADMSG;
}

/* 3.6.2: the fixed part, read only after the pointer and max_size allow. */
static int mbi_check_fixed(const void *mbi, uint64_t max_size, uint32_t *total)
{
	struct mb2_info fixed;
	const uint32_t min = sizeof(fixed) + sizeof(struct mb2_tag);

	if (!mbi) {
		boot_msg("boot information pointer is NULL");
		return -EINVAL;
	}
	if ((uintptr_t)mbi % MB2_INFO_ALIGN) {
		boot_msg("boot information at %p is not 8-byte aligned (3.6.2)", mbi);
		return -EINVAL;
	}
	if (max_size < sizeof(fixed)) {
		boot_msg("only %llu bytes readable at %p, less than the 8-byte fixed part",
			 (unsigned long long)max_size, mbi);
		return -EINVAL;
	}
	memcpy(&fixed, mbi, sizeof(fixed));
	if (fixed.total_size < min) {
		boot_msg("total_size %u is less than the %u bytes of fixed part and end tag",
			 fixed.total_size, min);
		return -EBADMSG;
	}
	if (fixed.total_size > max_size) {
		boot_msg("total_size %u exceeds the %llu bytes readable at %p",
			 fixed.total_size, (unsigned long long)max_size, mbi);
		return -EOVERFLOW;
	}
	*total = fixed.total_size;
	return 0;
}

int bootinfo_parse(uint32_t magic, const void *mbi, uint64_t max_size,
		   struct boot_info *out)
{
	struct mbi_walk w = { .base = mbi, .out = out };
	int rc;

	memset(out, 0, sizeof(*out));
	out->mbi_addr = (uintptr_t)mbi;
	/* 3.3: EAX holds this magic; without it EBX means nothing. */
	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC) {
		boot_msg("bad multiboot2 magic 0x%x (expected 0x%x): not booted by a Multiboot2 loader",
			 magic, MULTIBOOT2_BOOTLOADER_MAGIC);
		return -EINVAL;
	}
	rc = mbi_check_fixed(mbi, max_size, &w.size);
	if (rc)
		return rc;
	out->mbi_size = w.size;
	return mbi_walk_tags(&w);
}

/* 3.6.8: every type other than 1, 3, 4 and 5 denotes reserved memory. */
static uint32_t mem_class(uint32_t type)
{
	return type >= MEM_USABLE && type <= MEM_BAD ? type : MEM_RESERVED;
}

/* Last byte of a nonempty range; a range that would wrap ends at the top. */
static uint64_t mem_last(const struct mem_range *r)
{
	if (r->length - 1 > UINT64_MAX - r->base)
		return UINT64_MAX;
	return r->base + (r->length - 1);
}

/* Adds the bytes first..last to total, saturating: 2^64 does not fit. */
static uint64_t mem_add_run(uint64_t total, uint64_t first, uint64_t last)
{
	uint64_t span = last - first;

	if (span == UINT64_MAX || total > UINT64_MAX - span - 1)
		return UINT64_MAX;
	return total + span + 1;
}

/*
 * Fills order[] with the indices of the nonempty ranges of the type's
 * class, sorted by base.  Insertion sort of indices: at most
 * BOOTINFO_MAX_MMAP entries, and a small stack footprint.
 */
static uint32_t mem_sort_by_base(const struct boot_info *bi, uint32_t type,
				 uint8_t order[])
{
	uint32_t n = 0, i, j;

	for (i = 0; i < bi->mmap_count && i < BOOTINFO_MAX_MMAP; i++) {
		const struct mem_range *r = &bi->mmap[i];

		if (r->length == 0 || mem_class(r->type) != mem_class(type))
			continue;
		for (j = n; j > 0 && bi->mmap[order[j - 1]].base > r->base; j--)
			order[j] = order[j - 1];
		order[j] = (uint8_t)i;
		n++;
	}
	return n;
}

/*
 * Firmware maps may be unsorted and may overlap: sort by base, then merge
 * runs so each byte counts once.  Types outside 1..5, in the map or asked
 * for, count as MEM_RESERVED, as 3.6.8 says.
 */
uint64_t bootinfo_mem_total(const struct boot_info *bi, uint32_t type)
{
	uint8_t order[BOOTINFO_MAX_MMAP];
	uint32_t n = mem_sort_by_base(bi, type, order), i;
	uint64_t total = 0, first = 0, last = 0;

	for (i = 0; i < n; i++) {
		const struct mem_range *r = &bi->mmap[order[i]];
		uint64_t r_last = mem_last(r);

		if (i > 0 && r->base <= last) {
			if (r_last > last)
				last = r_last;
			continue;
		}
		if (i > 0)
			total = mem_add_run(total, first, last);
		first = r->base;
		last = r_last;
	}
	if (n > 0)
		total = mem_add_run(total, first, last);
	return total;
}
