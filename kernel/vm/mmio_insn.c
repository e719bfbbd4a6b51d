/*
 * The MOV forms of guest MMIO accesses, decoded; see mmio_insn.h.  The
 * layout of an instruction is SDM Vol. 2A 2.1 (Figure 2-1): legacy
 * prefixes, REX in 64-bit mode, the opcode, ModR/M, SIB, displacement,
 * immediate.  Only the length of the address is decoded, not the address:
 * the EPT violation reports the guest-physical address itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/errno.h"
#include "vm/guest_regs.h"
#include "vm/mmio_insn.h"

_Static_assert(MMIO_INSN_REGS == GUEST_REGS, "regs[] is struct guest_regs' gpr[]");

/* ---- prefixes (SDM Vol. 2A 2.1.1, 2.2.1) ---- */

#define PFX_LOCK	0xf0	/* group 1 */
#define PFX_REPNE	0xf2
#define PFX_REP		0xf3
#define PFX_ES		0x26	/* group 2: segment overrides */
#define PFX_CS		0x2e
#define PFX_SS		0x36
#define PFX_DS		0x3e
#define PFX_FS		0x64
#define PFX_GS		0x65
#define PFX_OPSIZE	0x66	/* group 3 */
#define PFX_ADDRSIZE	0x67	/* group 4 */

#define REX_MASK	0xf0	/* 0100WRXB (SDM Vol. 2A Table 2-4) */
#define REX_BASE	0x40
#define REX_W		0x08	/* 64-bit operand size */
#define REX_R		0x04	/* extends ModR/M.reg */

#define OPCODE_ESCAPE	0x0f	/* two-byte opcodes (SDM Vol. 2A 2.1.2) */

/* ---- ModR/M and SIB (SDM Vol. 2A 2.1.3, 2.1.5) ---- */

#define MODRM_MOD(b)	((b) >> 6)
#define MODRM_REG(b)	(((b) >> 3) & 7)
#define MODRM_RM(b)	((b) & 7)
#define SIB_BASE(b)	((b) & 7)

#define MOD_NO_DISP	0
#define MOD_DISP8	1
#define MOD_DISP_FULL	2	/* disp16 or disp32, by the address size */
#define MOD_REGISTER	3
#define RM16_DISP16	6	/* mod 00: [disp16] (Table 2-1) */
#define RM_SIB		4	/* a SIB byte follows (Table 2-2) */
#define RM_DISP32	5	/* mod 00: [disp32], RIP-relative in 64-bit mode */
#define SIB_BASE_NONE	5	/* mod 00: no base, disp32 (Table 2-3) */

/* Byte registers 4..7 without REX: AH, CH, DH, BH (SDM Vol. 2A 2.2.1.2). */
#define BYTE_REG_HIGH_FIRST	4

/* Reads the instruction, never past avail nor past MMIO_INSN_MAX_LEN. */
struct cursor {
	const uint8_t *bytes;
	size_t avail;
	size_t pos;
};

/* Whether n more bytes belong to the instruction.  The length limit is
 * checked first, so that an answer other than -ERANGE does not depend on
 * avail. */
static int cursor_need(const struct cursor *c, size_t n)
{
	if (c->pos + n > MMIO_INSN_MAX_LEN)
		return -E2BIG;
	if (c->pos + n > c->avail)
		return -ERANGE;
	return 0;
}

static int cursor_byte(struct cursor *c, uint8_t *b)
{
	int rc = cursor_need(c, 1);

	if (rc == 0)
		*b = c->bytes[c->pos++];
	return rc;
}

static int cursor_skip(struct cursor *c, size_t n)
{
	int rc = cursor_need(c, n);

	if (rc == 0)
		c->pos += n;
	return rc;
}

/* n bytes, little-endian (SDM Vol. 1 1.3.1). */
static int cursor_le(struct cursor *c, size_t n, uint64_t *v)
{
	int rc = cursor_need(c, n);

	if (rc)
		return rc;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)c->bytes[c->pos + i] << (8 * i);
	c->pos += n;
	return 0;
}

struct prefixes {
	bool opsize, addrsize;
	uint8_t rex;		/* the REX byte in effect, 0 for none */
};

/*
 * The prefixes, up to the first opcode byte.  Legacy prefixes come in any
 * order and may repeat (SDM Vol. 2A 2.1.1); only the 15-byte limit bounds
 * them.  40..4F are REX in 64-bit mode and opcodes (INC, DEC) elsewhere.
 * A REX counts only right before the opcode (SDM Vol. 2A 2.2.1: "Other
 * placements are ignored"): a legacy prefix after one, or a second REX,
 * cancels it.
 */
static int take_prefixes(struct cursor *c, enum mmio_mode mode, struct prefixes *p,
			 uint8_t *opcode)
{
	for (;;) {
		uint8_t b;
		int rc = cursor_byte(c, &b);

		if (rc)
			return rc;
		switch (b) {
		case PFX_LOCK:
		case PFX_REPNE:
		case PFX_REP:
			return -EINVAL;
		case PFX_OPSIZE:
			p->opsize = true;
			p->rex = 0;
			continue;
		case PFX_ADDRSIZE:
			p->addrsize = true;
			p->rex = 0;
			continue;
		case PFX_ES:
		case PFX_CS:
		case PFX_SS:
		case PFX_DS:
		case PFX_FS:
		case PFX_GS:
			/* The access's segment: the exit gives its address. */
			p->rex = 0;
			continue;
		default:
			break;
		}
		if (mode == MMIO_MODE_64 && (b & REX_MASK) == REX_BASE) {
			p->rex = b;
			continue;
		}
		*opcode = b;
		return 0;
	}
}

/* SDM Vol. 1 3.6 (Table 3-3) and 3.6.1 (Table 3-4): 66 toggles the
 * default of 16 or 32 bits; in 64-bit mode REX.W makes it 64 whatever 66
 * says. */
static unsigned operand_size(enum mmio_mode mode, const struct prefixes *p)
{
	if (mode == MMIO_MODE_64 && (p->rex & REX_W))
		return 8;
	if (mode == MMIO_MODE_16)
		return p->opsize ? 4 : 2;
	return p->opsize ? 2 : 4;
}

/* The same tables: 67 selects 32-bit addresses in 16-bit code, 16-bit in
 * 32-bit code and 32-bit in 64-bit mode (no 16-bit addressing there). */
static unsigned address_size(enum mmio_mode mode, const struct prefixes *p)
{
	switch (mode) {
	case MMIO_MODE_16:
		return p->addrsize ? 4 : 2;
	case MMIO_MODE_32:
		return p->addrsize ? 2 : 4;
	default:
		return p->addrsize ? 4 : 8;
	}
}

/*
 * A memory operand's ModR/M byte and what follows it for the address: the
 * SIB byte and the displacement, skipped.  Returns ModR/M.reg in *reg.
 *   16-bit addresses (Table 2-1): mod 00 rm 110 is [disp16], mod 01 adds
 *   disp8, mod 10 disp16; no SIB.
 *   32- and 64-bit addresses (Table 2-2, 2-3): rm 100 brings a SIB byte;
 *   mod 00 rm 101 is [disp32] ([RIP/EIP + disp32] in 64-bit mode, 2.2.1.6),
 *   and so is mod 00 with SIB base 101 (no base); mod 01 adds disp8, mod 10
 *   disp32.  REX.B and REX.X extend the registers but never change these
 *   cases, which look at the low three bits only (Table 2-5).
 *   mod 11 names a register: no memory access, so not an MMIO one.
 */
static int take_modrm(struct cursor *c, unsigned addr_size, uint8_t *reg)
{
	uint8_t modrm, sib = 0;
	unsigned mod, rm, disp;
	int rc = cursor_byte(c, &modrm);

	if (rc)
		return rc;
	mod = MODRM_MOD(modrm);
	rm = MODRM_RM(modrm);
	if (mod == MOD_REGISTER)
		return -EINVAL;
	*reg = MODRM_REG(modrm);
	if (addr_size == 2) {
		if (mod == MOD_NO_DISP)
			disp = rm == RM16_DISP16 ? 2 : 0;
		else
			disp = mod == MOD_DISP8 ? 1 : 2;
		return cursor_skip(c, disp);
	}
	if (rm == RM_SIB && (rc = cursor_byte(c, &sib)) != 0)
		return rc;
	if (mod == MOD_DISP8)
		disp = 1;
	else if (mod == MOD_DISP_FULL)
		disp = 4;
	else if (rm == RM_DISP32 || (rm == RM_SIB && SIB_BASE(sib) == SIB_BASE_NONE))
		disp = 4;
	else
		disp = 0;
	return cursor_skip(c, disp);
}

/* ---- the forms ---- */

enum mem_width {
	WIDTH_BYTE,		/* r/m8, moffs8 */
	WIDTH_WORD,		/* r/m16 */
	WIDTH_OPERAND,		/* the operand size: r/m16/32/64 */
};

enum other_operand {
	OTHER_MODRM_REG,	/* the register ModR/M.reg (with REX.R) names */
	OTHER_IMM,		/* an immediate after the address */
	OTHER_ACCUMULATOR,	/* AL or rAX, and a moffs instead of ModR/M */
};

struct mov_form {
	uint8_t escape;		/* 0, or OPCODE_ESCAPE for a two-byte opcode */
	uint8_t opcode;
	bool write;
	enum mem_width width;
	enum other_operand other;
	bool zero_extend;
};

/* SDM Vol. 2B 4.3, MOV and MOVZX; mmio_insn.h has the list. */
static const struct mov_form mov_forms[] = {
	{ 0, 0x88, .write = true, .width = WIDTH_BYTE, .other = OTHER_MODRM_REG },
	{ 0, 0x89, .write = true, .width = WIDTH_OPERAND, .other = OTHER_MODRM_REG },
	{ 0, 0x8a, .write = false, .width = WIDTH_BYTE, .other = OTHER_MODRM_REG },
	{ 0, 0x8b, .write = false, .width = WIDTH_OPERAND, .other = OTHER_MODRM_REG },
	{ 0, 0xc6, .write = true, .width = WIDTH_BYTE, .other = OTHER_IMM },
	{ 0, 0xc7, .write = true, .width = WIDTH_OPERAND, .other = OTHER_IMM },
	{ 0, 0xa0, .write = false, .width = WIDTH_BYTE, .other = OTHER_ACCUMULATOR },
	{ 0, 0xa1, .write = false, .width = WIDTH_OPERAND, .other = OTHER_ACCUMULATOR },
	{ 0, 0xa2, .write = true, .width = WIDTH_BYTE, .other = OTHER_ACCUMULATOR },
	{ 0, 0xa3, .write = true, .width = WIDTH_OPERAND, .other = OTHER_ACCUMULATOR },
	{ OPCODE_ESCAPE, 0xb6, .write = false, .width = WIDTH_BYTE, .other = OTHER_MODRM_REG,
	  .zero_extend = true },
	{ OPCODE_ESCAPE, 0xb7, .write = false, .width = WIDTH_WORD, .other = OTHER_MODRM_REG,
	  .zero_extend = true },
};

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static const struct mov_form *find_form(uint8_t escape, uint8_t opcode)
{
	for (size_t i = 0; i < ARRAY_LEN(mov_forms); i++)
		if (mov_forms[i].escape == escape && mov_forms[i].opcode == opcode)
			return &mov_forms[i];
	return NULL;
}

/* The opcode, one byte or 0F and a second (a REX before 0F applies). */
static int take_form(struct cursor *c, uint8_t first, const struct mov_form **form)
{
	uint8_t escape = 0, opcode = first;

	if (first == OPCODE_ESCAPE) {
		int rc = cursor_byte(c, &opcode);

		if (rc)
			return rc;
		escape = OPCODE_ESCAPE;
	}
	*form = find_form(escape, opcode);
	return *form ? 0 : -EINVAL;
}

static uint64_t truncate_to(uint64_t v, unsigned size)
{
	return size >= 8 ? v : v & ((UINT64_C(1) << (8 * size)) - 1);
}

/*
 * The immediate of C6/C7: as wide as the operand, but at most 4 bytes;
 * with a 64-bit operand the CPU sign-extends its imm32 (SDM Vol. 2A
 * 2.2.1.5, Vol. 2B MOV "C7 /0 id": "MOV r/m64, imm32 sign-extended").
 */
static int take_imm(struct cursor *c, unsigned size, uint64_t *imm)
{
	unsigned n = size > 4 ? 4 : size;
	int rc = cursor_le(c, n, imm);

	if (rc == 0 && size == 8)
		*imm = (uint64_t)(int64_t)(int32_t)(uint32_t)*imm;
	return rc;
}

/* The register operand of a ModR/M form: reg with REX.R, and AH..BH for
 * 4..7 in a byte form without any REX (SDM Vol. 2A 2.2.1.2). */
static void set_modrm_reg(struct mmio_insn *d, uint8_t reg, const struct prefixes *p)
{
	if (p->rex & REX_R)
		reg += 8;
	if (d->reg_size == 1 && !p->rex && reg >= BYTE_REG_HIGH_FIRST) {
		d->high_byte = true;
		reg -= BYTE_REG_HIGH_FIRST;
	}
	d->reg = reg;
}

/* What follows the opcode, by the form's kind. */
static int take_operands(struct cursor *c, const struct mov_form *f, enum mmio_mode mode,
			 const struct prefixes *p, struct mmio_insn *d)
{
	unsigned addr_size = address_size(mode, p);
	uint8_t reg = 0;
	int rc;

	if (f->other == OTHER_ACCUMULATOR)
		/* moffs: an offset of the address size, no ModR/M (SDM Vol.
		 * 2A 2.2.1.4: 8 bytes in 64-bit mode, 4 with 67). */
		return cursor_skip(c, addr_size);
	rc = take_modrm(c, addr_size, &reg);
	if (rc)
		return rc;
	if (f->other == OTHER_IMM) {
		/* C6 /0, C7 /0: another ModR/M.reg is another instruction
		 * (XABORT, XBEGIN have mod 11) or none (#UD). */
		if (reg != 0)
			return -EINVAL;
		d->has_imm = true;
		return take_imm(c, d->size, &d->imm);
	}
	set_modrm_reg(d, reg, p);
	return 0;
}

int mmio_insn_decode(const uint8_t *bytes, size_t avail, enum mmio_mode mode,
		     struct mmio_insn *out)
{
	struct cursor c = { bytes, avail, 0 };
	struct prefixes p = { 0 };
	struct mmio_insn d = { 0 };
	const struct mov_form *f;
	uint8_t first;
	unsigned op_size;
	int rc;

	if (mode != MMIO_MODE_16 && mode != MMIO_MODE_32 && mode != MMIO_MODE_64)
		return -EINVAL;
	rc = take_prefixes(&c, mode, &p, &first);
	if (rc == 0)
		rc = take_form(&c, first, &f);
	if (rc)
		return rc;
	op_size = operand_size(mode, &p);
	d.write = f->write;
	d.zero_extend = f->zero_extend;
	d.size = f->width == WIDTH_BYTE ? 1 : f->width == WIDTH_WORD ? 2 : op_size;
	/* MOVZX's destination has the operand size; MOV's is the access. */
	d.reg_size = f->zero_extend ? op_size : d.size;
	rc = take_operands(&c, f, mode, &p, &d);
	if (rc)
		return rc;
	if (d.has_imm)
		d.reg_size = 0;
	d.len = (uint8_t)c.pos;
	*out = d;
	return 0;
}

uint64_t mmio_insn_store_value(const struct mmio_insn *in, const uint64_t regs[MMIO_INSN_REGS])
{
	uint64_t v;

	if (in->has_imm)
		return truncate_to(in->imm, in->size);
	v = regs[in->reg % MMIO_INSN_REGS];
	if (in->high_byte)
		v >>= 8;
	return truncate_to(v, in->size);
}

/*
 * SDM Vol. 1 3.4.1.1: in 64-bit mode an 8- or 16-bit result leaves the
 * register's other bits as they were, a 32-bit result is zero-extended to
 * 64 bits.  Outside 64-bit mode the upper 32 bits are undefined ("not
 * preserved when switching ... to a 32-bit mode"), so the same rule
 * serves there too.
 */
uint64_t mmio_insn_load_result(const struct mmio_insn *in, uint64_t old_reg, uint64_t value)
{
	uint64_t keep;

	value = truncate_to(value, in->size);
	if (in->high_byte)
		return (old_reg & ~UINT64_C(0xff00)) | value << 8;
	switch (in->reg_size) {
	case 1:
		keep = ~UINT64_C(0xff);
		break;
	case 2:
		keep = ~UINT64_C(0xffff);
		break;
	default:
		keep = 0;
		break;
	}
	return (old_reg & keep) | value;	/* size <= reg_size */
}
