/*
 * Booting a Linux bzImage; see linux_boot.h.  "The spec" is the Linux x86
 * boot protocol, Documentation/arch/x86/boot.rst; field names are its own.
 *
 * Fields are read with memcpy at checked offsets, so nothing depends on
 * the image's alignment in memory, and every sum of two numbers taken from
 * the image is checked before it is trusted.
 */
#include "vm/linux_boot.h"

#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define linux_msg(fmt, ...) \
	kprintf("skiff: linux: " fmt "\n", ##__VA_ARGS__)

/* Reports why the kernel is refused; the expression's value is -err. */
#define refuse(err, fmt, ...) \
	(linux_msg(fmt, ##__VA_ARGS__), -(err))

/* The kernel starts with paging off: all it runs from, and the zero page,
 * command line and initrd it reads before it sets up paging, lie below
 * 4 GiB unless it says otherwise (XLF_CAN_BE_LOADED_ABOVE_4G). */
#define LIMIT_32		(1ull << 32)

/* The last field skiff needs from the header: init_size, protocol 2.10. */
#define HDR_NEEDED_END		(LINUX_HDR_AT(init_size) + sizeof(uint32_t))
/* The version field must be there to say which fields are. */
#define HDR_VERSION_END		(LINUX_HDR_AT(version) + sizeof(uint16_t))

/* The smallest setup (one sector after the boot sector) holds the longest
 * header a short jump can announce. */
_Static_assert(2 * LINUX_SECTOR_SIZE >= LINUX_HEADER_MAGIC_OFFSET + 127,
	       "the header lies in the real-mode part");

static bool in_file(size_t size, uint64_t off, uint64_t len)
{
	return off <= size && len <= size - off;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static bool is_pow2(uint64_t x)
{
	return x && (x & (x - 1)) == 0;
}

/* ---- the header ---- */

/*
 * Finds the header and where it ends; the header is copied into *h up to
 * that end, the rest of *h zeroed.  No boot sector signature or no "HdrS"
 * is not a bzImage: -ENOEXEC, silently.
 */
static int read_header(const uint8_t *b, size_t size, struct linux_setup_header *h,
		       uint32_t *hdr_end)
{
	size_t copy;
	uint32_t end;

	if (size < LINUX_HEADER_MAGIC_OFFSET + sizeof(uint32_t) ||
	    le_load(b + LINUX_BOOT_FLAG_OFFSET, 2) != LINUX_BOOT_FLAG ||
	    le_load(b + LINUX_HEADER_MAGIC_OFFSET, 4) != LINUX_HEADER_MAGIC)
		return -ENOEXEC;
	/* Spec: the jump at 0x200 is 0xeb and a signed offset from 0x202,
	 * which is where the header ends. */
	if (b[LINUX_JUMP_OFFSET] != LINUX_JUMP_SHORT)
		return refuse(EINVAL, "the jump at 0x200 starts with 0x%02x, not a short jump (0xeb) "
			      "that gives the header's length", b[LINUX_JUMP_OFFSET]);
	end = (uint32_t)(LINUX_HEADER_MAGIC_OFFSET + (int8_t)b[LINUX_JUMP_OFFSET + 1]);
	if (end < HDR_VERSION_END)
		return refuse(EINVAL, "the header ends at 0x%x, before its version field", end);
	if (end > size)
		return refuse(EINVAL, "truncated: the header ends at 0x%x, the image at 0x%zx",
			      end, size);
	copy = end < LINUX_HDR_OFFSET + sizeof(*h) ? end - LINUX_HDR_OFFSET : sizeof(*h);
	memset(h, 0, sizeof(*h));
	memcpy(h, b + LINUX_HDR_OFFSET, copy);
	*hdr_end = end;
	return 0;
}

static int check_version(const struct linux_setup_header *h, uint32_t hdr_end)
{
	if (h->version < LINUX_PROTOCOL_MIN)
		return refuse(ENOTSUP, "boot protocol %u.%02u is too old: skiff needs 2.10 or later, "
			      "the first with pref_address and init_size", h->version >> 8,
			      h->version & 0xff);
	if (hdr_end < HDR_NEEDED_END)
		return refuse(EINVAL, "protocol %u.%02u, but the header ends at 0x%x, before "
			      "init_size (0x260..0x264)", h->version >> 8, h->version & 0xff,
			      hdr_end);
	if (!(h->loadflags & LINUX_LOADED_HIGH))
		return refuse(ENOEXEC, "a zImage (loadflags 0x%02x without LOADED_HIGH): it loads "
			      "at 0x10000, skiff loads only bzImages", h->loadflags);
	return 0;
}

/* The real-mode part and the protected-mode kernel after it, both in the
 * file (spec: "setup_sects", "syssize"). */
static int check_sizes(const struct linux_setup_header *h, size_t size, struct linux_bzimage *k)
{
	uint32_t sects = h->setup_sects ? h->setup_sects : LINUX_SETUP_SECTS_DEFAULT;

	k->setup_size = (sects + 1) * LINUX_SECTOR_SIZE;
	k->kernel_offset = k->setup_size;
	k->kernel_size = (uint64_t)h->syssize * LINUX_SYSSIZE_UNIT;
	if (k->setup_size > size)
		return refuse(EINVAL, "truncated: setup_sects %u puts the kernel at 0x%x, past the "
			      "end of the %zu-byte image", h->setup_sects, k->setup_size, size);
	if (k->kernel_size == 0)
		return refuse(EINVAL, "syssize 0: no protected-mode kernel");
	if (!in_file(size, k->kernel_offset, k->kernel_size))
		return refuse(EINVAL, "truncated: syssize %u (0x%lx bytes) from 0x%x runs past the "
			      "end of the %zu-byte image", h->syssize, k->kernel_size,
			      k->setup_size, size);
	if (h->init_size == 0)
		return refuse(EINVAL, "init_size 0: the kernel does not say how much memory it needs");
	return 0;
}

static int check_placement_fields(const struct linux_bzimage *k)
{
	uint64_t need = max_u64(k->init_size, k->kernel_size);

	if (k->relocatable && !is_pow2(k->kernel_alignment))
		return refuse(EINVAL, "relocatable, with kernel_alignment 0x%x, not a power of two",
			      k->kernel_alignment);
	if (k->pref_address + need < k->pref_address)
		return refuse(EOVERFLOW, "pref_address 0x%lx plus the 0x%lx bytes the kernel needs "
			      "wraps", k->pref_address, need);
	return 0;
}

int linux_bzimage_check(const void *image, size_t size, struct linux_bzimage *out)
{
	struct linux_setup_header h;
	uint32_t hdr_end = 0;
	int err = read_header(image, size, &h, &hdr_end);

	if (!err)
		err = check_version(&h, hdr_end);
	if (!err)
		err = check_sizes(&h, size, out);
	if (err)
		return err;
	out->version = h.version;
	out->loadflags = h.loadflags;
	out->xloadflags = h.version >= LINUX_PROTOCOL(2, 12) ? h.xloadflags : 0;
	out->relocatable = h.relocatable_kernel != 0;
	out->header_end = hdr_end;
	out->pref_address = h.pref_address;
	out->kernel_alignment = h.kernel_alignment;
	out->min_alignment = h.min_alignment;
	out->init_size = h.init_size;
	out->cmdline_size = h.cmdline_size;
	out->initrd_addr_max = h.initrd_addr_max;
	out->code32_start = h.code32_start;
	return check_placement_fields(out);
}

/* ---- placement ---- */

/* Bytes from the load address the kernel uses before it reads its map. */
static uint64_t footprint(const struct linux_bzimage *k)
{
	return max_u64(k->init_size, k->kernel_size);
}

/* The first avoid range [at, at + len) overlaps, or NULL. */
static const struct phys_range *clash(const struct phys_range *avoid, size_t navoid,
				      uint64_t at, uint64_t len)
{
	struct phys_range span = { at, at + len };

	for (size_t i = 0; i < navoid; i++)
		if (range_overlaps(span, avoid[i]))
			return &avoid[i];
	return NULL;
}

/*
 * The lowest align-aligned address at or above from where len bytes lie
 * in r, below 4 GiB and clear of every avoid range.  Each clash moves the
 * candidate past that range for good, so the loop ends within navoid + 1
 * turns.
 */
static bool fit_in(struct phys_range r, uint64_t from, uint64_t align, uint64_t len,
		   const struct phys_range *avoid, size_t navoid, uint64_t *at)
{
	uint64_t end = r.end < LIMIT_32 ? r.end : LIMIT_32;
	uint64_t a = align_up_sat(max_u64(r.base, from), align);
	const struct phys_range *c;

	for (;;) {
		if (a >= end || end - a < len)
			return false;
		c = clash(avoid, navoid, a, len);
		if (!c) {
			*at = a;
			return true;
		}
		a = align_up_sat(c->end, align);
	}
}

/* A kernel that cannot move runs at its one address, or not at all. */
static int place_fixed(const struct linux_bzimage *k, const struct guest_mem *m,
		       const struct phys_range *avoid, size_t navoid, uint64_t *load_addr)
{
	uint64_t at = k->pref_address ? k->pref_address : k->code32_start;
	uint64_t len = footprint(k);
	const struct phys_range *c;

	if (at >= LIMIT_32 || LIMIT_32 - at < len || !guest_mem_contains(m, at, len))
		return refuse(EFAULT, "the kernel is not relocatable and [0x%lx, 0x%lx) where it "
			      "must run is not all guest RAM below 4 GiB", at, at + len);
	c = clash(avoid, navoid, at, len);
	if (c)
		return refuse(EFAULT, "the kernel is not relocatable and [0x%lx, 0x%lx) where it "
			      "must run overlaps [0x%lx, 0x%lx), kept for its boot data",
			      at, at + len, c->base, c->end);
	*load_addr = at;
	return 0;
}

int linux_bzimage_place(const struct linux_bzimage *k, const struct guest_mem *m,
			const struct phys_range *avoid, size_t navoid, uint64_t *load_addr)
{
	uint64_t len = footprint(k), best = 0, at;
	bool found = false;

	if (!k->relocatable)
		return place_fixed(k, m, avoid, navoid, load_addr);
	if (!is_pow2(k->kernel_alignment))
		return refuse(EINVAL, "kernel_alignment 0x%x is not a power of two",
			      k->kernel_alignment);
	for (size_t i = 0; i < m->count; i++) {
		if (!fit_in(m->ranges[i], k->pref_address, k->kernel_alignment, len, avoid, navoid,
			    &at))
			continue;
		if (!found || at < best)
			best = at;
		found = true;
	}
	if (!found)
		return refuse(ENOMEM, "no room for the kernel's 0x%lx bytes, aligned to 0x%x, from "
			      "0x%lx up to 4 GiB in guest RAM", len, k->kernel_alignment,
			      k->pref_address);
	*load_addr = best;
	return 0;
}

/* ---- the e820 map ---- */

struct e820_input {
	const struct phys_range *ram;
	size_t n_ram;
	const struct phys_range *res;
	size_t n_res;
};

static bool covers(const struct phys_range *r, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].base <= x && x < r[i].end)
			return true;
	return false;
}

/* The type at x: reserved wins over RAM; 0 where neither covers it. */
static uint32_t e820_type_at(const struct e820_input *in, uint64_t x)
{
	if (covers(in->res, in->n_res, x))
		return LINUX_E820_RESERVED;
	if (covers(in->ram, in->n_ram, x))
		return LINUX_E820_RAM;
	return 0;
}

/* Keeps in *next the lowest boundary above x seen so far (x: none yet). */
static void consider(uint64_t v, uint64_t x, uint64_t *next)
{
	if (v > x && (*next == x || v < *next))
		*next = v;
}

static void consider_set(const struct phys_range *r, size_t n, uint64_t x, uint64_t *next)
{
	for (size_t i = 0; i < n; i++) {
		if (range_is_empty(r[i]))
			continue;
		consider(r[i].base, x, next);
		consider(r[i].end, x, next);
	}
}

/* The lowest start or end above x, or x when there is none. */
static uint64_t e820_next(const struct e820_input *in, uint64_t x)
{
	uint64_t next = x;

	consider_set(in->ram, in->n_ram, x, &next);
	consider_set(in->res, in->n_res, x, &next);
	return next;
}

static bool lowest_base(const struct phys_range *r, size_t n, bool found, uint64_t *x)
{
	for (size_t i = 0; i < n; i++) {
		if (range_is_empty(r[i]) || (found && r[i].base >= *x))
			continue;
		*x = r[i].base;
		found = true;
	}
	return found;
}

static void e820_emit(struct linux_e820 *out, size_t max, size_t *count,
		      const struct linux_e820 *e)
{
	if (*count < max)
		out[*count] = *e;
	(*count)++;
}

/*
 * Steps from one boundary (a range's start or end) to the next and asks
 * which type holds there; between two boundaries nothing changes.  With a
 * few dozen ranges this quadratic walk needs no sorting and no buffer.
 */
size_t linux_e820_from_ranges(struct linux_e820 *out, size_t max,
			      const struct phys_range *guest_ram, size_t n_ram,
			      const struct phys_range *reserved, size_t n_res)
{
	const struct e820_input in = { guest_ram, n_ram, reserved, n_res };
	struct linux_e820 run = { 0, 0, 0 };
	size_t count = 0;
	uint64_t x = 0, next;
	uint32_t type;

	if (!lowest_base(reserved, n_res, lowest_base(guest_ram, n_ram, false, &x), &x))
		return 0;
	while ((next = e820_next(&in, x)) != x) {
		type = e820_type_at(&in, x);
		if (run.type && type == run.type && run.addr + run.size == x) {
			run.size += next - x;
		} else {
			if (run.type)
				e820_emit(out, max, &count, &run);
			run = (struct linux_e820){ .addr = x, .size = next - x, .type = type };
		}
		x = next;
	}
	if (run.type)
		e820_emit(out, max, &count, &run);
	return count;
}

/* ---- the zero page ---- */

static int check_cmdline(const struct linux_bzimage *k, uint64_t pa, uint32_t len)
{
	bool high_ok = k->xloadflags & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
	uint64_t end = pa + len + 1;	/* with its NUL */

	if (pa == 0)
		return 0;
	if (len > k->cmdline_size)
		return refuse(E2BIG, "the command line is %u bytes; the kernel takes %u",
			      len, k->cmdline_size);
	if (end < pa)
		return refuse(EOVERFLOW, "the command line at 0x%lx wraps", pa);
	if (end > LIMIT_32 && !high_ok)
		return refuse(ERANGE, "the command line at 0x%lx ends above 4 GiB, and the kernel "
			      "does not take it there (no XLF_CAN_BE_LOADED_ABOVE_4G)", pa);
	return 0;
}

/* Spec: initrd_addr_max is the highest address the initrd may occupy,
 * unless the kernel takes everything above 4 GiB too. */
static int check_initrd(const struct linux_bzimage *k, uint64_t pa, uint64_t size)
{
	bool high_ok = k->xloadflags & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
	uint64_t last = pa + size - 1;

	if (size == 0)
		return 0;
	if (last < pa)
		return refuse(EOVERFLOW, "the initrd at 0x%lx, 0x%lx bytes, wraps", pa, size);
	if (last > k->initrd_addr_max && !high_ok)
		return refuse(ERANGE, "the initrd [0x%lx, 0x%lx] reaches above initrd_addr_max 0x%x",
			      pa, last, k->initrd_addr_max);
	return 0;
}

static void put32(uint8_t *page, size_t off, uint32_t v)
{
	memcpy(page + off, &v, sizeof(v));
}

/* Sets what the 32-bit protocol asks of the boot loader (spec, "Details
 * of Header Fields": the fields marked write or modify). */
static void set_loader_fields(struct linux_setup_header *h, uint64_t load_addr,
			      uint64_t cmdline_pa, uint64_t initrd_pa, uint64_t initrd_size)
{
	h->code32_start = (uint32_t)load_addr;
	h->type_of_loader = LINUX_LOADER_UNDEFINED;
	h->ext_loader_ver = 0;
	h->ext_loader_type = 0;
	h->loadflags = LINUX_LOADED_HIGH;
	h->heap_end_ptr = 0;
	h->setup_data = 0;	/* a pointer the kernel would follow */
	h->hardware_subarch = LINUX_SUBARCH_PC;
	h->hardware_subarch_data = 0;
	h->cmd_line_ptr = (uint32_t)cmdline_pa;
	h->ramdisk_image = (uint32_t)(initrd_size ? initrd_pa : 0);
	h->ramdisk_size = (uint32_t)initrd_size;
}

int linux_boot_params_build(void *zero_page, const struct linux_bzimage *k, const void *image,
			    uint64_t load_addr, const struct linux_e820 *e820, size_t n,
			    uint64_t cmdline_pa, uint32_t cmdline_len, uint64_t initrd_pa,
			    uint64_t initrd_size)
{
	uint8_t *page = zero_page;
	struct linux_setup_header h;
	uint32_t end = k->header_end < LINUX_BP_HDR_END ? k->header_end : LINUX_BP_HDR_END;
	int err;

	if (load_addr >= LIMIT_32)
		return refuse(ERANGE, "load address 0x%lx is above 4 GiB; the kernel starts with "
			      "paging off", load_addr);
	if (n > LINUX_E820_MAX)
		return refuse(E2BIG, "%zu e820 entries; the zero page holds %u", n, LINUX_E820_MAX);
	err = check_cmdline(k, cmdline_pa, cmdline_len);
	if (!err)
		err = check_initrd(k, initrd_pa, initrd_size);
	if (err)
		return err;

	memset(page, 0, LINUX_BOOT_PARAMS_SIZE);
	if (end > LINUX_HDR_OFFSET)
		memcpy(page + LINUX_HDR_OFFSET, (const uint8_t *)image + LINUX_HDR_OFFSET,
		       end - LINUX_HDR_OFFSET);
	memcpy(&h, page + LINUX_HDR_OFFSET, sizeof(h));
	set_loader_fields(&h, load_addr, cmdline_pa, initrd_pa, initrd_size);
	memcpy(page + LINUX_HDR_OFFSET, &h, sizeof(h));

	put32(page, LINUX_BP_EXT_CMD_LINE_PTR, (uint32_t)(cmdline_pa >> 32));
	put32(page, LINUX_BP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd_size ? initrd_pa >> 32 : 0));
	put32(page, LINUX_BP_EXT_RAMDISK_SIZE, (uint32_t)(initrd_size >> 32));
	page[LINUX_BP_E820_ENTRIES] = (uint8_t)n;
	if (n)
		memcpy(page + LINUX_BP_E820_TABLE, e820, n * sizeof(*e820));
	return 0;
}
