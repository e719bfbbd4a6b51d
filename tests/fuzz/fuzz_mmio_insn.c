/*
 * mmio_insn_decode(), the decoder of the MOV a guest made an MMIO access
 * with: the guest chooses those bytes.  Each input is used twice.
 *
 * 1. As the instruction's bytes, decoded in 16-, 32- and 64-bit mode from
 *    every length 0..16 of it (fewer for a shorter input), each time from
 *    the end of a buffer so that a read past avail is an AddressSanitizer
 *    report.  Checked, from mmio_insn.h's contract:
 *      - the result is 0, -EINVAL, -ERANGE or -E2BIG; -ERANGE only with
 *        fewer than 15 bytes available;
 *      - once a length gives anything but -ERANGE, every longer one gives
 *        the same (the same struct on success): bytes after the
 *        instruction change nothing, and a success at n bytes means each
 *        shorter prefix was -ERANGE, i.e. len - 1 bytes fail;
 *      - a success has len <= avail, len <= 15, size 1, 2, 4 or 8,
 *        reg < 16 (< 8 and size < 8 outside 64-bit mode), reg_size as
 *        documented, AH..BH only for a byte operand, an immediate that
 *        fits its size, and no output written on failure;
 *      - mmio_insn_store_value() and mmio_insn_load_result() keep to the
 *        sizes (nothing above size written, the other bits of an 8- or
 *        16-bit register kept, a 32-bit one zero-extended).
 *
 * 2. As a recipe (read with fuzz_in; zeros past the end): mode, legacy
 *    prefixes, an ignored REX before them, a REX, one of the MOV forms, a
 *    ModR/M, a SIB, displacement and immediate bytes.  The harness encodes
 *    that instruction itself, with its own tables of SDM Vol. 2A 2-1..2-3,
 *    and knows what the decoder must say: len, size, reg, high_byte, imm,
 *    or -E2BIG when the encoding is over 15 bytes.
 */
#include "fuzz_support.h"

#include <string.h>

#include "lib/errno.h"
#include "vm/mmio_insn.h"

#define MODES		3
#define MAX_TRY		(MMIO_INSN_MAX_LEN + 1)
#define JUNK		8

static const enum mmio_mode modes[MODES] = { MMIO_MODE_16, MMIO_MODE_32, MMIO_MODE_64 };

/* Where decodes read from: the bytes end where the array ends. */
static uint8_t window[MAX_TRY + JUNK];

static int decode_tail(const uint8_t *b, size_t n, enum mmio_mode mode, struct mmio_insn *out)
{
	uint8_t *at = window + sizeof(window) - n;

	memcpy(at, b, n);
	return mmio_insn_decode(at, n, mode, out);
}

/* Field by field: the struct has padding, which assignment need not copy. */
static bool same(const struct mmio_insn *a, const struct mmio_insn *b)
{
	return a->len == b->len && a->size == b->size && a->write == b->write &&
	       a->has_imm == b->has_imm && a->imm == b->imm && a->reg == b->reg &&
	       a->reg_size == b->reg_size && a->high_byte == b->high_byte &&
	       a->zero_extend == b->zero_extend;
}

static uint64_t mask(unsigned size)
{
	return size >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * size)) - 1;
}

static bool size_ok(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ---- 1. the bytes as they are ---- */

static void check_fields(const struct mmio_insn *d, enum mmio_mode mode, size_t avail)
{
	bool long_mode = mode == MMIO_MODE_64;

	fuzz_check(d->len >= 1 && d->len <= avail && d->len <= MMIO_INSN_MAX_LEN,
		   "len %u with %zu bytes", d->len, avail);
	fuzz_check(size_ok(d->size) && (long_mode || d->size < 8), "size %u", d->size);
	fuzz_check(d->reg < (long_mode ? 16 : 8), "reg %u", d->reg);
	if (d->has_imm) {
		fuzz_check(d->write && !d->zero_extend && !d->high_byte && d->reg == 0 &&
			   d->reg_size == 0, "immediate store with a register operand");
		fuzz_check(d->size == 8 || !(d->imm & ~mask(d->size)),
			   "imm 0x%llx for %u bytes", (unsigned long long)d->imm, d->size);
	} else if (d->zero_extend) {
		fuzz_check(!d->write && d->size <= 2 && d->reg_size >= d->size &&
			   d->reg_size >= 2 && size_ok(d->reg_size) && !d->high_byte,
			   "MOVZX size %u to %u", d->size, d->reg_size);
	} else {
		fuzz_check(d->reg_size == d->size, "reg_size %u, size %u", d->reg_size, d->size);
	}
	fuzz_check(!d->high_byte || (d->size == 1 && d->reg < 4), "high byte of reg %u", d->reg);
}

static void check_values(const struct mmio_insn *d, const uint8_t *data, size_t size)
{
	uint64_t regs[MMIO_INSN_REGS], old = 0x0123456789abcdefull, value = ~UINT64_C(0), got;
	uint64_t dest_mask;

	for (unsigned i = 0; i < MMIO_INSN_REGS; i++)
		regs[i] = (UINT64_C(0x0101010101010101) * (i + 1)) ^ (size ? data[i % size] : 0);
	if (size >= 8)
		memcpy(&value, data, 8);
	got = mmio_insn_store_value(d, regs);
	fuzz_check(!(got & ~mask(d->size)), "store of %u bytes gives 0x%llx", d->size,
		   (unsigned long long)got);
	if (!d->has_imm)
		fuzz_check(got == ((d->high_byte ? regs[d->reg] >> 8 : regs[d->reg]) & mask(d->size)),
			   "stores 0x%llx, not register %u", (unsigned long long)got, d->reg);
	if (d->has_imm)
		return;
	got = mmio_insn_load_result(d, old, value);
	if (d->high_byte) {
		fuzz_check(got == ((old & ~UINT64_C(0xff00)) | (value & 0xff) << 8),
			   "load into AH..BH gives 0x%llx", (unsigned long long)got);
		return;
	}
	dest_mask = d->reg_size == 4 ? ~UINT64_C(0) : mask(d->reg_size);
	fuzz_check((got & ~dest_mask) == (old & ~dest_mask) && (got & dest_mask) ==
		   (value & mask(d->size)), "load of %u bytes into %u gives 0x%llx", d->size,
		   d->reg_size, (unsigned long long)got);
}

/* The instruction alone, then followed by bytes that would be prefixes,
 * an opcode or a ModR/M: the same decode. */
static void check_junk_after(const uint8_t *data, const struct mmio_insn *d,
			     enum mmio_mode mode)
{
	static const uint8_t junks[] = { 0x66, 0x89, 0x0f, 0xff };
	uint8_t b[MAX_TRY + JUNK];
	struct mmio_insn again;

	memcpy(b, data, d->len);
	for (size_t j = 0; j < ARRAY_SIZE(junks); j++) {
		memset(b + d->len, junks[j], JUNK);
		fuzz_check(decode_tail(b, d->len + JUNK, mode, &again) == 0 && same(&again, d),
			   "mode %d: %u bytes decode otherwise with 0x%02x after them",
			   mode, d->len, junks[j]);
	}
}

static void check_bytes_in_mode(const uint8_t *data, size_t size, enum mmio_mode mode)
{
	size_t top = size < MAX_TRY ? size : MAX_TRY;
	struct mmio_insn first, d;
	int settled = -ERANGE;
	size_t at = 0;

	for (size_t n = 0; n <= top; n++) {
		int rc;

		memset(&d, 0xa5, sizeof(d));
		rc = decode_tail(data, n, mode, &d);
		fuzz_check(rc == 0 || rc == -EINVAL || rc == -ERANGE || rc == -E2BIG,
			   "mode %d, %zu bytes: result %d", mode, n, rc);
		fuzz_check(rc != -ERANGE || n < MMIO_INSN_MAX_LEN, "-ERANGE with %zu bytes", n);
		if (settled != -ERANGE) {
			fuzz_check(rc == settled, "mode %d: %d at %zu bytes, then %d at %zu",
				   mode, settled, at, rc, n);
			if (rc == 0)
				fuzz_check(same(&d, &first),
					   "mode %d: %zu bytes decode unlike %zu", mode, n, at);
			continue;
		}
		if (rc != 0) {
			fuzz_check(fuzz_all_bytes((const uint8_t *)&d, sizeof(d), 0xa5),
				   "output written on error %d", rc);
		} else {
			check_fields(&d, mode, n);
			fuzz_check(d.len == n, "mode %d: len %u, yet %zu bytes fell short",
				   mode, d.len, n - 1);
			check_values(&d, data, size);
			check_junk_after(data, &d, mode);
			first = d;
		}
		settled = rc;
		at = n;
	}
}

/* ---- 2. an instruction the harness encodes ---- */

static const uint8_t legacy_prefixes[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67 };

enum kind { STORE_REG, LOAD_REG, STORE_IMM, MOVZX, MOFFS_LOAD, MOFFS_STORE };

struct form {
	uint8_t op[2];
	uint8_t op_len;
	enum kind kind;
	uint8_t width;		/* 1, 2, or 0 for the operand size */
};

static const struct form forms[] = {
	{ { 0x88 }, 1, STORE_REG, 1 }, { { 0x89 }, 1, STORE_REG, 0 },
	{ { 0x8a }, 1, LOAD_REG, 1 }, { { 0x8b }, 1, LOAD_REG, 0 },
	{ { 0xc6 }, 1, STORE_IMM, 1 }, { { 0xc7 }, 1, STORE_IMM, 0 },
	{ { 0x0f, 0xb6 }, 2, MOVZX, 1 }, { { 0x0f, 0xb7 }, 2, MOVZX, 2 },
	{ { 0xa0 }, 1, MOFFS_LOAD, 1 }, { { 0xa1 }, 1, MOFFS_LOAD, 0 },
	{ { 0xa2 }, 1, MOFFS_STORE, 1 }, { { 0xa3 }, 1, MOFFS_STORE, 0 },
};

/* Displacement bytes by [mod][rm], SDM Vol. 2A Table 2-1 (16-bit) and
 * Table 2-2 (32-bit; rm 100 is the SIB's business). */
static const uint8_t disp16[3][8] = {
	{ 0, 0, 0, 0, 0, 0, 2, 0 },
	{ 1, 1, 1, 1, 1, 1, 1, 1 },
	{ 2, 2, 2, 2, 2, 2, 2, 2 },
};
static const uint8_t disp32[3][8] = {
	{ 0, 0, 0, 0, 0, 4, 0, 0 },
	{ 1, 1, 1, 1, 1, 1, 1, 1 },
	{ 4, 4, 4, 4, 4, 4, 4, 4 },
};

struct recipe {
	enum mmio_mode mode;
	uint8_t bytes[40];
	size_t len;
	bool opsize, addrsize;
	uint8_t rex;
};

static void put(struct recipe *r, uint8_t b)
{
	if (r->len < sizeof(r->bytes))
		r->bytes[r->len++] = b;
}

static void put_le(struct recipe *r, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		put(r, (uint8_t)(v >> (8 * i)));
}

static void take_prefixes(struct recipe *r, struct fuzz_in *in)
{
	uint8_t count = fuzz_u8(in), rex = fuzz_u8(in);

	/* A REX before legacy prefixes is ignored (SDM Vol. 2A 2.2.1). */
	if (r->mode == MMIO_MODE_64 && (count & 0x80) && (count & 0x0f))
		put(r, 0x40 | (rex >> 4));
	for (unsigned i = 0; i < (count & 0x0f); i++) {
		uint8_t p = legacy_prefixes[fuzz_u8(in) % sizeof(legacy_prefixes)];

		r->opsize |= p == 0x66;
		r->addrsize |= p == 0x67;
		put(r, p);
	}
	if (r->mode == MMIO_MODE_64 && (rex & 0x10)) {
		r->rex = 0x40 | (rex & 0x0f);
		put(r, r->rex);
	}
}

static unsigned op_size(const struct recipe *r)
{
	static const uint8_t sizes[MODES][2] = { { 2, 4 }, { 4, 2 }, { 4, 2 } };

	if (r->rex & 0x08)
		return 8;
	return sizes[r->mode][r->opsize];
}

static unsigned addr_size(const struct recipe *r)
{
	static const uint8_t sizes[MODES][2] = { { 2, 4 }, { 4, 2 }, { 8, 4 } };

	return sizes[r->mode][r->addrsize];
}

/* The ModR/M, SIB and displacement for a memory operand, with reg. */
static void put_address(struct recipe *r, struct fuzz_in *in, unsigned reg)
{
	uint8_t modrm = fuzz_u8(in), sib = fuzz_u8(in);
	unsigned mod = modrm >> 6, rm = modrm & 7, n;

	if (mod == 3)
		mod = 2;
	put(r, (uint8_t)(mod << 6 | (reg & 7) << 3 | rm));
	if (addr_size(r) == 2) {
		n = disp16[mod][rm];
	} else if (rm == 4) {
		put(r, sib);
		n = mod == 0 && (sib & 7) == 5 ? 4 : disp32[mod][rm];
	} else {
		n = disp32[mod][rm];
	}
	put_le(r, fuzz_u32(in), n);
}

static void check_recipe(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct recipe r = { .mode = modes[fuzz_u8(&in) % MODES] };
	const struct form *f;
	struct mmio_insn d;
	unsigned osize, size_want, reg = 0, reg_want = 0;
	uint64_t imm = 0;
	bool high = false;
	int rc;

	take_prefixes(&r, &in);
	f = &forms[fuzz_u8(&in) % ARRAY_SIZE(forms)];
	osize = op_size(&r);
	size_want = f->width ? f->width : osize;
	for (unsigned i = 0; i < f->op_len; i++)
		put(&r, f->op[i]);
	if (f->kind == MOFFS_LOAD || f->kind == MOFFS_STORE) {
		put_le(&r, fuzz_u64(&in), addr_size(&r));
	} else {
		reg = f->kind == STORE_IMM ? 0 : fuzz_u8(&in) & 7;
		put_address(&r, &in, reg);
		reg_want = reg | (r.rex & 0x04 ? 8 : 0);
		if (size_want == 1 && f->kind != MOVZX && f->kind != STORE_IMM && !r.rex &&
		    reg_want >= 4) {
			high = true;
			reg_want -= 4;
		}
	}
	if (f->kind == STORE_IMM) {
		unsigned n = size_want == 8 ? 4 : size_want;

		imm = fuzz_u32(&in) & (n == 4 ? 0xffffffffu : (1u << (8 * n)) - 1);
		put_le(&r, imm, n);
		if (size_want == 8)
			imm = (uint64_t)(int64_t)(int32_t)(uint32_t)imm;
		reg_want = 0;
	}

	rc = decode_tail(r.bytes, r.len < MAX_TRY ? r.len : MAX_TRY, r.mode, &d);
	if (r.len > MMIO_INSN_MAX_LEN) {
		fuzz_check(rc == -E2BIG, "a %zu-byte instruction: result %d", r.len, rc);
		return;
	}
	fuzz_check(rc == 0, "mode %d, %zu bytes of form %02x: result %d", r.mode, r.len,
		   f->op[f->op_len - 1], rc);
	fuzz_check(d.len == r.len && d.size == size_want && d.reg == reg_want &&
		   d.high_byte == high && d.imm == imm && d.has_imm == (f->kind == STORE_IMM) &&
		   d.write == (f->kind == STORE_REG || f->kind == STORE_IMM ||
			       f->kind == MOFFS_STORE) &&
		   d.zero_extend == (f->kind == MOVZX) &&
		   d.reg_size == (f->kind == STORE_IMM ? 0 : f->kind == MOVZX ? osize : size_want),
		   "mode %d form %02x: len %u/%zu size %u/%u reg %u/%u high %d/%d imm 0x%llx/0x%llx",
		   r.mode, f->op[f->op_len - 1], d.len, r.len, d.size, size_want, d.reg, reg_want,
		   d.high_byte, high, (unsigned long long)d.imm, (unsigned long long)imm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_log_reset();
	for (unsigned m = 0; m < MODES; m++)
		check_bytes_in_mode(data, size, modes[m]);
	check_recipe(data, size);
	return 0;
}
