/*
 * The PVH boot ABI: pvh_find_entry() over an ELF file, and
 * pvh_start_info_build() into a buffer of the input's choosing.
 *
 * Input:
 *   u8   flags
 *   u16  buffer size (mod 2048), addr buffer address, u64 command line
 *        and RSDP addresses
 *   u8   map entries (mod 24), u8 modules (mod 8), then each one's
 *        fields as u64s and u32s
 *   the rest: the ELF file, in a heap block of exactly its size (a read
 *   past its end is an AddressSanitizer report)
 * An address is a u8 selector and then a u64, a u16 page number, or 4 GiB
 * plus a small signed u16.
 *
 * Checked: "not an ELF file" exactly when the model of the ELF header
 * says so; an entry found is the low half of a Xen PHYS32_ENTRY note's
 * descriptor that really is in the file; only malformed files and high
 * entries are reported, with one line.  The start info is refused exactly
 * when the model says (no map, misaligned, too small, above 4 GiB), with
 * the buffer unchanged; else it reads back field by field, and nothing
 * past it is written.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vm/pvh.h"

#define MAX_MAP		24
#define MAX_MODS	8
#define BUF_MAX		2048
#define LIMIT_32	(1ull << 32)
#define FILL		0x3c

struct input {
	uint8_t flags;
	size_t buf_size;
	uint64_t buf_pa, cmdline_pa, rsdp_pa;
	struct hvm_memmap_table_entry map[MAX_MAP];
	size_t nmap;
	struct pvh_module mods[MAX_MODS];
	size_t nmods;
};

static uint64_t take_addr(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);

	if (how < 0x40)
		return fuzz_u64(in);
	if (how < 0xc0)
		return (uint64_t)fuzz_u16(in) << 12 | (how & 8);
	return LIMIT_32 + (uint64_t)(int64_t)(int16_t)fuzz_u16(in);
}

static void take_input(struct fuzz_in *in, struct input *x)
{
	x->flags = fuzz_u8(in);
	x->buf_size = fuzz_u16(in) % BUF_MAX;
	x->buf_pa = take_addr(in);
	x->cmdline_pa = fuzz_u64(in);
	x->rsdp_pa = fuzz_u64(in);
	x->nmap = fuzz_u8(in) % (MAX_MAP + 1);
	x->nmods = fuzz_u8(in) % (MAX_MODS + 1);
	for (size_t i = 0; i < x->nmap; i++)
		x->map[i] = (struct hvm_memmap_table_entry){ fuzz_u64(in), fuzz_u64(in), fuzz_u32(in),
							     fuzz_u32(in) };
	for (size_t i = 0; i < x->nmods; i++)
		x->mods[i] = (struct pvh_module){ fuzz_u64(in), fuzz_u64(in), fuzz_u64(in) };
}

/* ---- the note ---- */

static uint64_t le(const uint8_t *b, size_t off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

/* gABI 4: an ELF executable for i386 (ELF32) or x86-64 (ELF64). */
static bool model_is_elf(const uint8_t *b, size_t size)
{
	if (size < 16 || memcmp(b, "\x7f" "ELF", 4) != 0 || b[5] != 1 || b[6] != 1)
		return false;
	if (b[4] == 1)
		return size >= 52 && le(b, 16, 2) == 2 && le(b, 18, 2) == 3;
	if (b[4] == 2)
		return size >= 64 && le(b, 16, 2) == 2 && le(b, 18, 2) == 62;
	return false;
}

/* Somewhere in the file, a whole Xen PHYS32_ENTRY note holding entry. */
static bool note_in_file(const uint8_t *b, size_t size, uint32_t entry)
{
	for (size_t o = 0; o + 20 <= size; o++) {
		uint64_t descsz = le(b, o + 4, 4);

		if (le(b, o, 4) != 4 || le(b, o + 8, 4) != 18 || memcmp(b + o + 12, "Xen", 4) != 0)
			continue;
		if ((descsz != 4 && descsz != 8) || o + 16 + descsz > size)
			continue;
		if (le(b, o + 16, 4) == entry && (descsz == 4 || le(b, o + 20, 4) == 0))
			return true;
	}
	return false;
}

static void run_find(const uint8_t *img, size_t size)
{
	uint32_t entry = 0xfeedface;
	int rc;

	fuzz_log_reset();
	rc = pvh_find_entry(img, size, &entry);
	fuzz_check(rc == 0 || rc == -ENOEXEC || rc == -ENOENT || rc == -EINVAL || rc == -ERANGE,
		   "undocumented result %d", rc);
	fuzz_check(fuzz_log_lines() == (rc == -EINVAL || rc == -ERANGE),
		   "%lu lines after result %d", fuzz_log_lines(), rc);
	fuzz_check((rc == -ENOEXEC) == !model_is_elf(img, size), "result %d; the model says %s",
		   rc, model_is_elf(img, size) ? "an ELF file" : "not one");
	if (rc == 0)
		fuzz_check(note_in_file(img, size, entry), "entry 0x%x is in no Xen note", entry);
	else
		fuzz_check(entry == 0xfeedface, "entry set on result %d", rc);
}

/* ---- the start info ---- */

static size_t model_need(const struct input *x)
{
	return 56 + 32 * x->nmods + 24 * x->nmap;
}

static bool model_fits(const struct input *x)
{
	size_t need = model_need(x);

	return x->nmap > 0 && x->buf_pa % 8 == 0 && need <= x->buf_size &&
	       x->buf_pa < LIMIT_32 && LIMIT_32 - x->buf_pa >= need;
}

static void check_built(const struct input *x, const uint8_t *b)
{
	size_t mods = 56, map = 56 + 32 * x->nmods;

	fuzz_check(le(b, 0, 4) == 0x336ec578 && le(b, 4, 4) == 1 && le(b, 8, 4) == 0 &&
		   le(b, 12, 4) == x->nmods, "magic, version, flags or nr_modules");
	fuzz_check(le(b, 16, 8) == (x->nmods ? x->buf_pa + mods : 0), "modlist_paddr");
	fuzz_check(le(b, 24, 8) == x->cmdline_pa && le(b, 32, 8) == x->rsdp_pa,
		   "cmdline_paddr or rsdp_paddr");
	fuzz_check(le(b, 40, 8) == x->buf_pa + map && le(b, 48, 4) == x->nmap && le(b, 52, 4) == 0,
		   "memmap_paddr, memmap_entries or reserved");
	for (size_t i = 0; i < x->nmods; i++) {
		const uint8_t *e = b + mods + 32 * i;

		fuzz_check(le(e, 0, 8) == x->mods[i].paddr && le(e, 8, 8) == x->mods[i].size &&
			   le(e, 16, 8) == x->mods[i].cmdline_paddr && le(e, 24, 8) == 0,
			   "module %zu", i);
	}
	for (size_t i = 0; i < x->nmap; i++) {
		const uint8_t *e = b + map + 24 * i;

		fuzz_check(le(e, 0, 8) == x->map[i].addr && le(e, 8, 8) == x->map[i].size &&
			   le(e, 16, 4) == x->map[i].type && le(e, 20, 4) == 0, "map entry %zu", i);
	}
	fuzz_check(fuzz_all_bytes(b + model_need(x), x->buf_size - model_need(x), FILL),
		   "bytes written past the start info");
}

static void run_build(const struct input *x)
{
	uint8_t *buf = malloc(x->buf_size ? x->buf_size : 1);
	uint64_t pa = 0x1234;
	bool ok = model_fits(x);
	int rc;

	fuzz_check(buf != NULL, "out of memory");
	memset(buf, FILL, x->buf_size);
	fuzz_log_reset();
	rc = pvh_start_info_build(buf, x->buf_size, x->buf_pa, x->map, x->nmap, x->cmdline_pa,
				  x->mods, x->nmods, x->rsdp_pa, &pa);
	fuzz_check(fuzz_log_lines() == (rc != 0), "%lu lines after result %d", fuzz_log_lines(), rc);
	fuzz_check((rc == 0) == ok, "result %d; the model says %s", rc, ok ? "fits" : "refuse");
	if (rc == 0) {
		fuzz_check(pa == x->buf_pa, "start info at 0x%llx", (unsigned long long)pa);
		check_built(x, buf);
	} else {
		fuzz_check(rc == -EINVAL || rc == -ENOSPC || rc == -ERANGE, "result %d", rc);
		fuzz_check(pa == 0x1234 && fuzz_all_bytes(buf, x->buf_size, FILL),
			   "written on a refusal");
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct input x;
	uint8_t *img;

	memset(&x, 0, sizeof(x));
	take_input(&in, &x);
	img = malloc(in.n ? in.n : 1);
	fuzz_check(img != NULL, "out of memory");
	memcpy(img, in.p, in.n);
	run_find(img, in.n);
	run_build(&x);
	free(img);
	return 0;
}
