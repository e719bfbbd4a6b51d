/*
 * The Multiboot 1 guest loader; see mb1_load.h.  Section numbers are the
 * Multiboot Specification 0.6.96's.  Fields are read with memcpy at
 * checked offsets, and every sum of values from the image is done in 64
 * bits, where 32-bit fields cannot wrap it.
 */
#include "vm/mb1_load.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define guest_msg(fmt, ...) \
	kprintf("skiff: guest: " fmt "\n", ##__VA_ARGS__)

/* Reports why the image is refused; the expression's value is -err. */
#define refuse(err, fmt, ...) \
	(guest_msg(fmt, ##__VA_ARGS__), -(err))

#define NOT_MB1		"not a Multiboot 1 kernel: "
#define AOUT		"Multiboot 1 a.out kludge: "

/* The guest starts in 32-bit protected mode (3.2). */
#define MB1_ADDR_LIMIT	(1ull << 32)

static size_t search_limit(size_t size)
{
	return size < MB1_HEADER_SEARCH_LIMIT ? size : MB1_HEADER_SEARCH_LIMIT;
}

static bool checksum_holds(const struct mb1_header *h)
{
	return (uint32_t)(h->magic + h->flags + h->checksum) == 0;
}

/* The header's fixed part at off; the caller checked it lies in the file. */
static void read_fixed(const uint8_t *b, uint32_t off, struct mb1_header *h)
{
	*h = (struct mb1_header){ 0 };
	memcpy(h, b + off, MB1_HEADER_MIN_SIZE);
}

/* 3.1.1: the first 4-aligned magic whose checksum holds; -1 for none, with
 * *first at the first magic seen (or -1). */
static int64_t search(const uint8_t *b, size_t size, int64_t *first)
{
	size_t limit = search_limit(size);
	struct mb1_header h;

	*first = -1;
	for (uint32_t off = 0; limit >= MB1_HEADER_MIN_SIZE && off <= limit - MB1_HEADER_MIN_SIZE;
	     off += MB1_HEADER_ALIGN) {
		read_fixed(b, off, &h);
		if (h.magic != MB1_HEADER_MAGIC)
			continue;
		if (*first < 0)
			*first = off;
		if (checksum_holds(&h))
			return off;
	}
	return -1;
}

bool mb1_header_present(const void *image, size_t size)
{
	int64_t first;

	if (!image)
		return false;
	search(image, size, &first);
	return first >= 0;
}

/* How many header bytes the flags make valid (3.1.1's "if flags[n] is set"). */
static uint32_t header_size(uint32_t flags)
{
	if (flags & MB1_HEADER_VIDEO_MODE)
		return MB1_HEADER_VIDEO_SIZE;
	if (flags & MB1_HEADER_AOUT_KLUDGE)
		return MB1_HEADER_AOUT_SIZE;
	return MB1_HEADER_MIN_SIZE;
}

/* 3.1.2: bits 0-15 are requirements; a loader that cannot meet one must
 * refuse the kernel rather than boot it without. */
static int check_flags(uint32_t off, uint32_t flags)
{
	uint32_t missing = flags & MB1_HEADER_REQUIRED_MASK & ~MB1_FLAGS_PROVIDED;

	if (missing & MB1_HEADER_VIDEO_MODE)
		return refuse(ENOTSUP, "the Multiboot 1 header at offset 0x%x requires a video mode "
			      "(flags bit 2), which skiff does not set or describe", off);
	if (missing)
		return refuse(ENOTSUP, "the Multiboot 1 header at offset 0x%x requires flags 0x%x, "
			      "which skiff does not know (it meets bits 0 and 1)", off, missing);
	return 0;
}

int mb1_find_header(const void *image, size_t size, struct mb1_found *out)
{
	const uint8_t *b = image;
	int64_t first, off;
	struct mb1_header h;
	uint32_t need;

	if (!image)
		size = 0;
	off = search(b, size, &first);
	if (off < 0 && first < 0)
		return refuse(ENOEXEC, NOT_MB1 "no header (magic 0x%x) 4-byte aligned in the first "
			      "8192 bytes", MB1_HEADER_MAGIC);
	if (off < 0) {
		read_fixed(b, (uint32_t)first, &h);
		return refuse(ENOEXEC, NOT_MB1 "the header at offset 0x%lx has a bad checksum "
			      "(magic + flags + checksum = 0x%x, not 0)", first,
			      (uint32_t)(h.magic + h.flags + h.checksum));
	}
	read_fixed(b, (uint32_t)off, &h);
	need = header_size(h.flags);
	if ((uint64_t)off + need > search_limit(size))
		return refuse(EINVAL, "the Multiboot 1 header at offset 0x%lx with flags 0x%x is %u "
			      "bytes and ends past %s", off, h.flags, need,
			      search_limit(size) == size ? "the end of the image" : "the first 8192 bytes");
	memcpy(&h, b + off, need);
	out->offset = (uint32_t)off;
	out->h = h;
	return check_flags(out->offset, h.flags);
}

/* ---- the a.out kludge (3.1.3) ---- */

/* The loaded bytes: where they come from in the file and where they go. */
static int aout_file_range(size_t size, const struct mb1_found *f, uint64_t *start,
			   uint64_t *load_end)
{
	const struct mb1_header *h = &f->h;
	uint64_t lead = (uint64_t)h->header_addr - h->load_addr;

	if (h->load_addr > h->header_addr)
		return refuse(EINVAL, AOUT "load_addr 0x%x lies above header_addr 0x%x: the header "
			      "would come before the text it is part of", h->load_addr, h->header_addr);
	if (lead > f->offset)
		return refuse(EINVAL, AOUT "header_addr 0x%x - load_addr 0x%x = 0x%lx exceeds the "
			      "header's file offset 0x%x: the text would start before the file",
			      h->header_addr, h->load_addr, lead, f->offset);
	*start = f->offset - lead;
	*load_end = h->load_end_addr ? h->load_end_addr : h->load_addr + (size - *start);
	if (h->load_end_addr && h->load_end_addr <= h->load_addr)
		return refuse(EINVAL, AOUT "load_end_addr 0x%x is not above load_addr 0x%x",
			      h->load_end_addr, h->load_addr);
	if (*load_end - h->load_addr > size - *start)
		return refuse(EINVAL, AOUT "0x%x..0x%lx needs 0x%lx bytes from file offset 0x%lx; "
			      "the %zu-byte file has 0x%lx", h->load_addr, *load_end,
			      *load_end - h->load_addr, *start, size, size - *start);
	if ((uint64_t)h->header_addr + MB1_HEADER_AOUT_SIZE > *load_end)
		return refuse(EINVAL, AOUT "the header at header_addr 0x%x is not within the loaded "
			      "0x%x..0x%lx", h->header_addr, h->load_addr, *load_end);
	return 0;
}

/* The bss, the addresses' limit, guest RAM, and the entry. */
static int aout_memory(const void *image, size_t size, const struct mb1_header *h,
		       const struct guest_mem *mem, uint64_t load_end, uint64_t *end)
{
	uintptr_t host;

	*end = h->bss_end_addr ? h->bss_end_addr : load_end;
	if (h->bss_end_addr && h->bss_end_addr < load_end)
		return refuse(EINVAL, AOUT "bss_end_addr 0x%x lies below the end of the loaded "
			      "bytes 0x%lx", h->bss_end_addr, load_end);
	if (*end > MB1_ADDR_LIMIT)
		return refuse(ERANGE, AOUT "the image at 0x%x..0x%lx reaches above 4 GiB",
			      h->load_addr, *end);
	if (!guest_mem_contains(mem, h->load_addr, *end - h->load_addr))
		return refuse(EFAULT, AOUT "0x%x..0x%lx is not all guest RAM: skiff keeps part of "
			      "it or there is no RAM there", h->load_addr, *end);
	if (h->entry_addr < h->load_addr || h->entry_addr >= load_end)
		return refuse(EINVAL, AOUT "entry_addr 0x%x is not within the loaded 0x%x..0x%lx",
			      h->entry_addr, h->load_addr, load_end);
	/* Copying over the image would corrupt the bytes still to copy. */
	host = (uintptr_t)guest_mem_ptr(mem, h->load_addr, *end - h->load_addr);
	if (host < (uintptr_t)image + size && (uintptr_t)image < host + (*end - h->load_addr))
		return refuse(EINVAL, AOUT "0x%x..0x%lx would overwrite the image being loaded",
			      h->load_addr, *end);
	return 0;
}

int mb1_aout_check(const void *image, size_t size, const struct mb1_found *hdr,
		   const struct guest_mem *mem, struct guest_image *out)
{
	uint64_t start, load_end, end;
	int err;

	if (!image)
		size = 0;
	err = aout_file_range(size, hdr, &start, &load_end);
	if (!err)
		err = aout_memory(image, size, &hdr->h, mem, load_end, &end);
	if (err)
		return err;
	*out = (struct guest_image){
		.entry = hdr->h.entry_addr, .load_base = hdr->h.load_addr, .load_end = end,
		.segment_count = 1,
	};
	out->segments[0] = (struct guest_segment){
		.flags = PF_R | PF_W | PF_X, .base = hdr->h.load_addr, .file_end = load_end,
		.end = end, .vaddr = hdr->h.load_addr, .offset = start,
	};
	return 0;
}

static void aout_copy(const void *image, const struct guest_mem *mem, const struct guest_image *g)
{
	const struct guest_segment *s = &g->segments[0];
	uint8_t *dst = guest_mem_ptr(mem, s->base, s->end - s->base);

	if (!dst)
		panic("mb1_load: 0x%lx..0x%lx was checked but is not guest RAM", s->base, s->end);
	memcpy(dst, (const uint8_t *)image + s->offset, s->file_end - s->base);
	memset(dst + (s->file_end - s->base), 0, s->end - s->file_end);
}

int mb1_load_guest(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out, struct mb1_found *hdr)
{
	int err = mb1_find_header(image, size, hdr);

	if (err)
		return err;
	if (!(hdr->h.flags & MB1_HEADER_AOUT_KLUDGE))
		return elf_load_plain(image, size, mem, out);
	err = mb1_aout_check(image, size, hdr, mem, out);
	if (err)
		return err;
	aout_copy(image, mem, out);
	return 0;
}
