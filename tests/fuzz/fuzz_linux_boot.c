/*
 * Booting a bzImage: linux_bzimage_check(), linux_bzimage_place(),
 * linux_e820_from_ranges() and linux_boot_params_build(), each result held
 * against a model written here from the boot protocol.
 *
 * Input:
 *   u8   flags
 *   u8   guest RAM ranges (up to 4): each a gap and a length, u32 pages,
 *        laid out upward from the first gap, so the set is normalised
 *   u8   avoid ranges (up to 4): each an address and a length
 *   u8   reserved ranges for the e820 map (up to 4): likewise
 *   addr cmdline_pa, u32 cmdline_len, addr initrd_pa, u64 initrd_size
 *   u8   e820 entries to hand the zero page: 0 means the built map,
 *        else up to 140 made-up ones (more than the 128 it holds)
 *   addr the load address for the zero page when placement finds none
 *   the rest: the image, in a heap block of exactly its size
 * An address is a u8 selector and then a u64, a u16 page number, or a
 * nearby edge (16 MiB, 4 GiB...) plus a small signed u16.
 *
 * Checked: the check accepts exactly the images the model does and reads
 * their fields from the spec's offsets; a refusal is one log line except
 * the silent "not a bzImage"; a placement lies in one guest RAM range,
 * below 4 GiB, clear of the avoid ranges, aligned and not below
 * pref_address, and is the lowest such (or there is none and it says so);
 * the e820 map is sorted, joined, and has the model's type everywhere;
 * the zero page is refused exactly when the model says, is unchanged
 * then, and otherwise holds the header, the loader's fields, the map and
 * zeros elsewhere.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vm/linux_boot.h"

#define MAX_RAM		4
#define MAX_SET		4
#define MAX_FAKE_E820	140
#define LIMIT_32	(1ull << 32)
#define MIB		(1ull << 20)
#define FILL		0x6b

struct input {
	struct phys_range ram[MAX_RAM];
	size_t n_ram;
	struct phys_range avoid[MAX_SET];
	size_t n_avoid;
	struct phys_range res[MAX_SET];
	size_t n_res;
	uint64_t cmdline_pa, initrd_pa, initrd_size;
	uint64_t load_addr;		/* the placement's, or the input's */
	uint32_t cmdline_len;
	uint8_t n_fake;
	uint8_t flags;
};

static uint64_t take_addr(struct fuzz_in *in)
{
	static const uint64_t edges[] = {
		0, 0x100000, 16 * MIB, 18 * MIB, 0x7fffffff, LIMIT_32, ~0ull,
	};
	uint8_t how = fuzz_u8(in);

	if (how < 0x30)
		return fuzz_u64(in);
	if (how < 0x80)
		return (uint64_t)fuzz_u16(in) << 12;
	return edges[how % ARRAY_SIZE(edges)] + (uint64_t)(int64_t)(int16_t)fuzz_u16(in);
}

static void take_set(struct fuzz_in *in, struct phys_range *r, size_t *n)
{
	*n = fuzz_u8(in) % (MAX_SET + 1);
	for (size_t i = 0; i < *n; i++) {
		r[i].base = take_addr(in);
		r[i].end = r[i].base + ((uint64_t)fuzz_u32(in) << (fuzz_bool(in) ? 12 : 0));
	}
}

static void take_input(struct fuzz_in *in, struct input *x)
{
	uint64_t at = 0;

	x->flags = fuzz_u8(in);
	x->n_ram = fuzz_u8(in) % (MAX_RAM + 1);
	for (size_t i = 0; i < x->n_ram; i++) {
		uint64_t gap = ((uint64_t)fuzz_u16(in) + 1) << 12;
		uint64_t len = ((uint64_t)fuzz_u32(in) % 0x100000 + 1) << 12;

		x->ram[i].base = at + gap;
		x->ram[i].end = x->ram[i].base + len;
		at = x->ram[i].end;
	}
	take_set(in, x->avoid, &x->n_avoid);
	take_set(in, x->res, &x->n_res);
	x->cmdline_pa = take_addr(in);
	x->cmdline_len = fuzz_u32(in) % 4200;
	x->initrd_pa = take_addr(in);
	x->initrd_size = fuzz_bool(in) ? fuzz_u64(in) : fuzz_u32(in);
	x->n_fake = fuzz_u8(in) % (MAX_FAKE_E820 + 1);
	x->load_addr = take_addr(in);
}

/* ---- the model of the header check (boot.rst) ---- */

static uint64_t le(const uint8_t *b, size_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

static bool has_magic(const uint8_t *b, size_t size)
{
	return size >= 0x206 && le(b, 0x1fe, 2) == 0xaa55 && le(b, 0x202, 4) == 0x53726448;
}

/* Whether skiff should take the image; the reasons are linux_boot.h's. */
static bool model_valid(const uint8_t *b, size_t size)
{
	uint64_t end, sects, setup, ksize, init, align, pref, need;

	if (!has_magic(b, size) || b[0x200] != 0xeb)
		return false;
	end = 0x202 + (uint64_t)(int64_t)(int8_t)b[0x201];
	if (end < 0x208 || end > size || le(b, 0x206, 2) < 0x020a || end < 0x264)
		return false;
	if (!(b[0x211] & 1))
		return false;
	sects = b[0x1f1] ? b[0x1f1] : 4;
	setup = (sects + 1) * 512;
	ksize = le(b, 0x1f4, 4) * 16;
	init = le(b, 0x260, 4);
	align = le(b, 0x230, 4);
	pref = le(b, 0x258, 8);
	if (setup > size || ksize == 0 || ksize > size - setup || init == 0)
		return false;
	if (b[0x234] && (align == 0 || (align & (align - 1))))
		return false;
	need = init > ksize ? init : ksize;
	return pref + need >= pref;
}

static void check_fields(const struct linux_bzimage *k, const uint8_t *b)
{
	uint64_t sects = b[0x1f1] ? b[0x1f1] : 4;

	fuzz_check(k->version == le(b, 0x206, 2) && k->loadflags == b[0x211] &&
		   k->relocatable == (b[0x234] != 0) && k->min_alignment == b[0x235],
		   "version, loadflags, relocatable or min_alignment misread");
	fuzz_check(k->xloadflags == (k->version >= 0x020c ? le(b, 0x236, 2) : 0),
		   "xloadflags 0x%x for protocol 0x%x", k->xloadflags, k->version);
	fuzz_check(k->setup_size == (sects + 1) * 512 && k->kernel_offset == k->setup_size &&
		   k->kernel_size == le(b, 0x1f4, 4) * 16, "sizes misread");
	fuzz_check(k->header_end == 0x202 + (uint32_t)(int8_t)b[0x201], "header_end 0x%x",
		   k->header_end);
	fuzz_check(k->pref_address == le(b, 0x258, 8) && k->kernel_alignment == le(b, 0x230, 4) &&
		   k->init_size == le(b, 0x260, 4) && k->cmdline_size == le(b, 0x238, 4) &&
		   k->initrd_addr_max == le(b, 0x22c, 4) && k->code32_start == le(b, 0x214, 4),
		   "placement fields misread");
}

/* ---- placement ---- */

static uint64_t footprint(const struct linux_bzimage *k)
{
	return k->init_size > k->kernel_size ? k->init_size : k->kernel_size;
}

static bool clear_of(const struct input *x, uint64_t at, uint64_t len)
{
	for (size_t i = 0; i < x->n_avoid; i++) {
		const struct phys_range *a = &x->avoid[i];

		if (a->base < a->end && a->base < at + len && at < a->end)
			return false;
	}
	return true;
}

static bool in_one_ram(const struct input *x, uint64_t at, uint64_t len)
{
	for (size_t i = 0; i < x->n_ram; i++)
		if (x->ram[i].base <= at && at < x->ram[i].end && len <= x->ram[i].end - at)
			return true;
	return false;
}

static bool model_ok_at(const struct input *x, const struct linux_bzimage *k, uint64_t at)
{
	uint64_t len = footprint(k);

	if (at >= LIMIT_32 || LIMIT_32 - at < len || !in_one_ram(x, at, len) || !clear_of(x, at, len))
		return false;
	if (!k->relocatable)
		return at == (k->pref_address ? k->pref_address : k->code32_start);
	return at >= k->pref_address && at % k->kernel_alignment == 0;
}

static uint64_t up(uint64_t v, uint64_t a)
{
	return v > ~0ull - (a - 1) ? ~0ull : (v + a - 1) & ~(a - 1);
}

/* The lowest valid place is the first aligned address in a range at or
 * above pref_address, or the first aligned one past an avoid range (else
 * the one an alignment below it would be valid too). */
static bool model_place(const struct input *x, const struct linux_bzimage *k, uint64_t *best)
{
	uint64_t cand[MAX_RAM + MAX_SET + 1];
	size_t n = 0;
	bool found = false;

	if (!k->relocatable) {
		cand[n++] = k->pref_address ? k->pref_address : k->code32_start;
	} else {
		for (size_t i = 0; i < x->n_ram; i++)
			cand[n++] = up(x->ram[i].base > k->pref_address ? x->ram[i].base :
				       k->pref_address, k->kernel_alignment);
		for (size_t i = 0; i < x->n_avoid; i++)
			cand[n++] = up(x->avoid[i].end, k->kernel_alignment);
	}
	for (size_t i = 0; i < n; i++) {
		if (!model_ok_at(x, k, cand[i]) || (found && cand[i] >= *best))
			continue;
		*best = cand[i];
		found = true;
	}
	return found;
}

static void run_place(struct input *x, const struct linux_bzimage *k)
{
	const struct guest_mem mem = { x->ram, x->n_ram, 0 };
	uint64_t at = 0, want = 0;
	bool fits = model_place(x, k, &want);
	int rc;

	fuzz_log_reset();
	rc = linux_bzimage_place(k, &mem, x->avoid, x->n_avoid, &at);
	fuzz_check(fuzz_log_lines() == (rc != 0), "%lu lines after result %d", fuzz_log_lines(), rc);
	if (!fits) {
		fuzz_check(rc == (k->relocatable ? -ENOMEM : -EFAULT), "placed at 0x%llx (%d) where "
			   "nothing fits", (unsigned long long)at, rc);
		return;
	}
	fuzz_check(rc == 0 && at == want, "placed at 0x%llx (%d), the lowest fit is 0x%llx",
		   (unsigned long long)at, rc, (unsigned long long)want);
	x->load_addr = at;
}

/* ---- the e820 map ---- */

static uint32_t model_type_at(const struct input *x, uint64_t a)
{
	for (size_t i = 0; i < x->n_res; i++)
		if (x->res[i].base <= a && a < x->res[i].end)
			return LINUX_E820_RESERVED;
	for (size_t i = 0; i < x->n_ram; i++)
		if (x->ram[i].base <= a && a < x->ram[i].end)
			return LINUX_E820_RAM;
	return 0;
}

static uint32_t map_type_at(const struct linux_e820 *e, size_t n, uint64_t a)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].addr <= a && a - e[i].addr < e[i].size)
			return e[i].type;
	return 0;
}

static void check_point(const struct input *x, const struct linux_e820 *e, size_t n, uint64_t a)
{
	uint32_t want = model_type_at(x, a), got = map_type_at(e, n, a);

	fuzz_check(want == got, "0x%llx: type %u in the map, %u in the model",
		   (unsigned long long)a, got, want);
}

static void check_points(const struct input *x, const struct linux_e820 *e, size_t n,
			 const struct phys_range *r, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		check_point(x, e, n, r[i].base);
		check_point(x, e, n, r[i].base - 1);
		check_point(x, e, n, r[i].end);
		check_point(x, e, n, r[i].end - 1);
	}
}

static size_t run_e820(const struct input *x, struct linux_e820 *e, size_t cap)
{
	static struct linux_e820 part[4];
	size_t n = linux_e820_from_ranges(e, cap, x->ram, x->n_ram, x->res, x->n_res);
	size_t m = linux_e820_from_ranges(part, ARRAY_SIZE(part), x->ram, x->n_ram, x->res, x->n_res);

	fuzz_check(n <= cap && m == n, "%zu entries, then %zu with room for 4", n, m);
	fuzz_check(memcmp(part, e, (n < 4 ? n : 4) * sizeof(*e)) == 0, "a short table differs");
	for (size_t i = 0; i < n; i++) {
		fuzz_check(e[i].size > 0 && e[i].addr + e[i].size > e[i].addr &&
			   (e[i].type == LINUX_E820_RAM || e[i].type == LINUX_E820_RESERVED),
			   "entry %zu: 0x%llx, size 0x%llx, type %u", i,
			   (unsigned long long)e[i].addr, (unsigned long long)e[i].size, e[i].type);
		if (i == 0)
			continue;
		fuzz_check(e[i - 1].addr + e[i - 1].size <= e[i].addr, "entry %zu overlaps", i);
		fuzz_check(e[i - 1].addr + e[i - 1].size < e[i].addr || e[i - 1].type != e[i].type,
			   "entries %zu and %zu should be one", i - 1, i);
	}
	check_points(x, e, n, x->ram, x->n_ram);
	check_points(x, e, n, x->res, x->n_res);
	return n;
}

/* ---- the zero page ---- */

static bool model_params_ok(const struct input *x, const struct linux_bzimage *k, size_t n)
{
	bool high = k->xloadflags & LINUX_XLF_CAN_BE_LOADED_ABOVE_4G;
	uint64_t cend = x->cmdline_pa + x->cmdline_len + 1;
	uint64_t ilast = x->initrd_pa + x->initrd_size - 1;

	if (n > 128 || x->load_addr >= LIMIT_32)
		return false;
	if (x->cmdline_pa && (x->cmdline_len > k->cmdline_size || cend < x->cmdline_pa ||
			      (cend > LIMIT_32 && !high)))
		return false;
	if (x->initrd_size && (ilast < x->initrd_pa || (ilast > k->initrd_addr_max && !high)))
		return false;
	return true;
}

static bool loader_field(size_t off)
{
	return off == 0x210 || off == 0x211 || (off >= 0x214 && off < 0x218) || (off >= 0x218 && off < 0x220) ||
	       (off >= 0x224 && off < 0x22c) || (off >= 0x23c && off < 0x248) ||
	       (off >= 0x250 && off < 0x258);
}

static void check_page(const struct input *x, const struct linux_bzimage *k, const uint8_t *img,
		       const uint8_t *p, const struct linux_e820 *e, size_t n)
{
	size_t hend = k->header_end;
	uint64_t ramdisk = x->initrd_size ? x->initrd_pa : 0;

	for (size_t i = 0; i < LINUX_BOOT_PARAMS_SIZE; i++) {
		bool zero = i < 0xc0 || (i >= 0xcc && i < 0x1e8) || (i > 0x1e8 && i < 0x1f1) ||
			    (i >= hend && i < 0x2d0 && !loader_field(i)) || i >= 0x2d0 + n * 20;

		if (i >= 0x1f1 && i < hend && !loader_field(i))
			fuzz_check(p[i] == img[i], "header byte 0x%zx differs", i);
		fuzz_check(!zero || p[i] == 0, "byte 0x%zx is 0x%02x, not 0", i, p[i]);
	}
	fuzz_check(le(p, 0x214, 4) == x->load_addr, "code32_start");
	fuzz_check(p[0x210] == 0xff && p[0x211] == 1 && le(p, 0x224, 2) == 0 &&
		   le(p, 0x226, 2) == 0 && le(p, 0x23c, 4) == 0 && le(p, 0x240, 8) == 0 &&
		   le(p, 0x250, 8) == 0,
		   "loader fields");
	fuzz_check(le(p, 0x228, 4) == (uint32_t)x->cmdline_pa &&
		   le(p, 0xc8, 4) == x->cmdline_pa >> 32, "command line pointer");
	fuzz_check(le(p, 0x218, 4) == (uint32_t)ramdisk && le(p, 0xc0, 4) == ramdisk >> 32 &&
		   le(p, 0x21c, 4) == (uint32_t)x->initrd_size && le(p, 0xc4, 4) == x->initrd_size >> 32,
		   "ramdisk fields");
	fuzz_check(p[0x1e8] == n && memcmp(p + 0x2d0, e, n * 20) == 0, "e820 table");
}

static void run_params(const struct input *x, const struct linux_bzimage *k, const uint8_t *img,
		       const struct linux_e820 *e, size_t n)
{
	uint8_t *page = malloc(LINUX_BOOT_PARAMS_SIZE);
	bool ok = model_params_ok(x, k, n);
	int rc;

	fuzz_check(page != NULL, "out of memory");
	memset(page, FILL, LINUX_BOOT_PARAMS_SIZE);
	fuzz_log_reset();
	rc = linux_boot_params_build(page, k, img, x->load_addr, e, n, x->cmdline_pa,
				     x->cmdline_len, x->initrd_pa, x->initrd_size);
	fuzz_check(fuzz_log_lines() == (rc != 0), "%lu lines after result %d", fuzz_log_lines(), rc);
	fuzz_check((rc == 0) == ok, "result %d; the model says %s", rc, ok ? "fine" : "refuse");
	if (rc == 0) {
		check_page(x, k, img, page, e, n);
	} else {
		fuzz_check(rc == -E2BIG || rc == -ERANGE || rc == -EOVERFLOW, "result %d", rc);
		fuzz_check(fuzz_all_bytes(page, LINUX_BOOT_PARAMS_SIZE, FILL),
			   "the page changed on a refusal");
	}
	free(page);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct input x;
	static struct linux_e820 e820[MAX_FAKE_E820];
	static struct linux_bzimage k;
	uint8_t *img;
	size_t n;
	int rc;

	memset(&x, 0, sizeof(x));
	take_input(&in, &x);
	img = malloc(in.n ? in.n : 1);
	fuzz_check(img != NULL, "out of memory");
	memcpy(img, in.p, in.n);
	fuzz_log_reset();
	rc = linux_bzimage_check(img, in.n, &k);
	fuzz_check(fuzz_log_lines() == (rc != 0 && has_magic(img, in.n)),
		   "%lu lines after result %d", fuzz_log_lines(), rc);
	fuzz_check(has_magic(img, in.n) || rc == -ENOEXEC, "result %d without the magic", rc);
	fuzz_check((rc == 0) == model_valid(img, in.n), "result %d; the model says %s", rc,
		   model_valid(img, in.n) ? "valid" : "invalid");
	n = run_e820(&x, e820, ARRAY_SIZE(e820));
	if (rc == 0) {
		check_fields(&k, img);
		run_place(&x, &k);
		if (x.n_fake) {
			for (size_t i = 0; i < x.n_fake; i++)
				e820[i] = (struct linux_e820){ i << 20, 1 << 20, 1 + i % 5 };
			n = x.n_fake;
		}
		run_params(&x, &k, img, e820, n);
	} else {
		fuzz_check(rc == -ENOEXEC || rc == -ENOTSUP || rc == -EINVAL || rc == -EOVERFLOW,
			   "undocumented result %d", rc);
	}
	free(img);
	return 0;
}
