/*
 * The MOV decoder for MMIO exits (vm/mmio_insn.h).  The encodings are GNU
 * as 2.40's (`as --64`, `as --32` with .code32 and .code16), read back
 * with objdump -d (-Mi8086 for 16-bit code); the instruction is in the
 * comment next to its bytes.  The REX-placement cases are bytes written
 * from SDM Vol. 2A 2.2.1, and objdump reads them the same way (it shows
 * an ignored REX as a lone "rex.W").
 *
 * Every instruction a test decodes is also decoded from each of its
 * proper prefixes (which must be -ERANGE) and with bytes after it (which
 * must change nothing), each time from a heap copy of exactly the bytes
 * offered, so AddressSanitizer stops a read past avail.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vm/mmio_insn.h"

#define BYTES(...)	((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })

#define RAX	0
#define RCX	1
#define RDX	2
#define RBX	3
#define RSP	4
#define RSI	6
#define RDI	7
#define R8	8
#define R9	9
#define R10	10
#define R11	11
#define R15	15

/* Decodes the first avail bytes of b, followed by junk up to total bytes,
 * from a heap block of exactly total bytes. */
static int decode_in(const uint8_t *b, size_t avail, size_t total, uint8_t junk,
		     enum mmio_mode mode, struct mmio_insn *out)
{
	uint8_t *copy = malloc(total ? total : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, b, avail);
	memset(copy + avail, junk, total - avail);
	rc = mmio_insn_decode(copy, total, mode, out);
	free(copy);
	return rc;
}

static int decode(const uint8_t *b, size_t n, enum mmio_mode mode, struct mmio_insn *out)
{
	return decode_in(b, n, n, 0, mode, out);
}

/* Field by field: the struct has padding. */
static bool same(const struct mmio_insn *a, const struct mmio_insn *b)
{
	return a->len == b->len && a->size == b->size && a->write == b->write &&
	       a->has_imm == b->has_imm && a->imm == b->imm && a->reg == b->reg &&
	       a->reg_size == b->reg_size && a->high_byte == b->high_byte &&
	       a->zero_extend == b->zero_extend;
}

/* b is one whole instruction of n bytes: decodes it, checks the length,
 * its prefixes and the bytes after it. */
static struct mmio_insn insn(enum mmio_mode mode, const uint8_t *b, size_t n)
{
	static const uint8_t junks[] = { 0x00, 0x66, 0x89, 0xff };
	struct mmio_insn d, again;

	memset(&d, 0xa5, sizeof(d));
	assert_int_equal(decode(b, n, mode, &d), 0);
	assert_int_equal(d.len, n);
	for (size_t k = 0; k < n; k++)
		assert_int_equal(decode(b, k, mode, &again), -ERANGE);
	for (size_t j = 0; j < sizeof(junks); j++) {
		memset(&again, 0x5a, sizeof(again));
		assert_int_equal(decode_in(b, n, n + 1 + j * 5, junks[j], mode, &again), 0);
		assert_true(same(&again, &d));
	}
	return d;
}

#define INSN(mode, ...)	insn(mode, BYTES(__VA_ARGS__))
#define M16	MMIO_MODE_16
#define M32	MMIO_MODE_32
#define M64	MMIO_MODE_64

static void assert_store_reg(struct mmio_insn d, unsigned size, unsigned reg, bool high)
{
	assert_true(d.write);
	assert_false(d.has_imm);
	assert_false(d.zero_extend);
	assert_int_equal(d.size, size);
	assert_int_equal(d.reg_size, size);
	assert_int_equal(d.reg, reg);
	assert_int_equal(d.high_byte, high);
}

static void assert_load(struct mmio_insn d, unsigned size, unsigned reg, bool high)
{
	assert_false(d.write);
	assert_false(d.has_imm);
	assert_false(d.zero_extend);
	assert_int_equal(d.size, size);
	assert_int_equal(d.reg_size, size);
	assert_int_equal(d.reg, reg);
	assert_int_equal(d.high_byte, high);
}

static void assert_store_imm(struct mmio_insn d, unsigned size, uint64_t imm)
{
	assert_true(d.write);
	assert_true(d.has_imm);
	assert_int_equal(d.size, size);
	assert_int_equal(d.imm, imm);
	assert_int_equal(d.reg, 0);
	assert_int_equal(d.reg_size, 0);
	assert_false(d.high_byte);
}

static void assert_movzx(struct mmio_insn d, unsigned size, unsigned reg_size, unsigned reg)
{
	assert_false(d.write);
	assert_false(d.has_imm);
	assert_true(d.zero_extend);
	assert_false(d.high_byte);
	assert_int_equal(d.size, size);
	assert_int_equal(d.reg_size, reg_size);
	assert_int_equal(d.reg, reg);
}

/* ---- 88 and 89: stores of a register ---- */

static void test_store_byte_registers(void **state)
{
	(void)state;
	assert_store_reg(INSN(M64, 0x88, 0x07), 1, RAX, false);		/* mov %al,(%rdi) */
	/* 4..7 without REX: AH, CH, DH, BH, i.e. bits 15:8 of RAX..RBX. */
	assert_store_reg(INSN(M64, 0x88, 0x27), 1, RAX, true);		/* mov %ah,(%rdi) */
	assert_store_reg(INSN(M64, 0x88, 0x7b, 0x10), 1, RBX, true);	/* mov %bh,0x10(%rbx) */
	/* With any REX, even 40: SPL, BPL, SIL, DIL. */
	assert_store_reg(INSN(M64, 0x40, 0x88, 0x37), 1, RSI, false);	/* mov %sil,(%rdi) */
	assert_store_reg(INSN(M64, 0x40, 0x88, 0x27), 1, RSP, false);	/* mov %spl,(%rdi) */
	/* REX.R: R8B..R15B; REX.B only extends the address's register. */
	assert_store_reg(INSN(M64, 0x44, 0x88, 0x00), 1, R8, false);	/* mov %r8b,(%rax) */
	assert_store_reg(INSN(M64, 0x45, 0x88, 0x3c, 0x24), 1, R15, false); /* mov %r15b,(%r12) */
	/* REX.W does not widen a byte form. */
	assert_store_reg(INSN(M64, 0x48, 0x88, 0x07), 1, RAX, false);	/* rex.W mov %al,(%rdi) */
}

static void test_store_operand_sizes(void **state)
{
	(void)state;
	assert_store_reg(INSN(M64, 0x66, 0x89, 0x0a), 2, RCX, false);	/* mov %cx,(%rdx) */
	assert_store_reg(INSN(M64, 0x89, 0x0a), 4, RCX, false);		/* mov %ecx,(%rdx) */
	assert_store_reg(INSN(M64, 0x48, 0x89, 0x0a), 8, RCX, false);	/* mov %rcx,(%rdx) */
	/* mov %r9,0x12345678(%r13,%r14,8): REX.WRXB, SIB, disp32 */
	assert_store_reg(INSN(M64, 0x4f, 0x89, 0x8c, 0xf5, 0x78, 0x56, 0x34, 0x12), 8, R9, false);
	/* 66 and REX.W: REX.W wins (SDM Vol. 1 Table 3-4). */
	assert_store_reg(INSN(M64, 0x66, 0x48, 0x89, 0x0a), 8, RCX, false); /* data16 mov %rcx,(%rdx) */
}

/* The address's bytes: only the length matters. */
static void test_addressing_forms_64(void **state)
{
	(void)state;
	INSN(M64, 0x89, 0x05, 0x00, 0x10, 0x00, 0x00);	/* mov %eax,0x1000(%rip) */
	INSN(M64, 0x89, 0x0c, 0x25, 0xb0, 0x00, 0xe0, 0x7e);	/* mov %ecx,0x7ee000b0: SIB, no base */
	INSN(M64, 0x89, 0x14, 0x8d, 0x00, 0x00, 0x00, 0x00);	/* mov %edx,0x0(,%rcx,4) */
	INSN(M64, 0x89, 0x45, 0xf8);				/* mov %eax,-0x8(%rbp) */
	INSN(M64, 0x89, 0x04, 0x24);				/* mov %eax,(%rsp) */
	INSN(M64, 0x89, 0x4c, 0x45, 0x10);			/* mov %ecx,0x10(%rbp,%rax,2) */
	INSN(M64, 0x89, 0x8f, 0x78, 0x56, 0x34, 0x12);		/* mov %ecx,0x12345678(%rdi) */
	/* REX.B and REX.X do not change the special cases (SDM Table 2-5):
	 * (%r13) needs a disp8, base 101 with REX.B is still "no base". */
	INSN(M64, 0x41, 0x89, 0x4d, 0x00);			/* mov %ecx,0x0(%r13) */
	INSN(M64, 0x49, 0x89, 0x04, 0x25, 0, 0, 0, 0);		/* mov %rax,0x0 */
	INSN(M64, 0x42, 0x89, 0x04, 0x2d, 0, 0, 0, 0);		/* mov %eax,0x0(,%r13,1) */
	/* 67: 32-bit addresses, the same forms, EIP-relative for 00/101. */
	INSN(M64, 0x67, 0x89, 0x07);				/* mov %eax,(%edi) */
	INSN(M64, 0x67, 0x89, 0x05, 0xf9, 0x0c, 0x00, 0x00);	/* mov %eax,0xcf9(%eip) */
	/* A segment override is one more byte. */
	assert_store_reg(INSN(M64, 0x64, 0x89, 0x07), 4, RAX, false);	/* mov %eax,%fs:(%rdi) */
}

/* ---- 8A and 8B: loads ---- */

static void test_loads(void **state)
{
	(void)state;
	assert_load(INSN(M64, 0x8a, 0x07), 1, RAX, false);		/* mov (%rdi),%al */
	assert_load(INSN(M64, 0x8a, 0x37), 1, RDX, true);		/* mov (%rdi),%dh */
	assert_load(INSN(M64, 0x8b, 0x07), 4, RAX, false);		/* mov (%rdi),%eax */
	assert_load(INSN(M64, 0x4c, 0x8b, 0x17), 8, R10, false);	/* mov (%rdi),%r10 */
	assert_load(INSN(M64, 0x66, 0x44, 0x8b, 0x17), 2, R10, false);	/* mov (%rdi),%r10w */
}

/* ---- C6 and C7: stores of an immediate ---- */

static void test_immediates(void **state)
{
	(void)state;
	assert_store_imm(INSN(M64, 0xc6, 0x07, 0x5a), 1, 0x5a);		/* movb $0x5a,(%rdi) */
	assert_store_imm(INSN(M64, 0x66, 0xc7, 0x07, 0x34, 0x12), 2, 0x1234); /* movw $0x1234,(%rdi) */
	/* movl $0x87654321,(%rdi): 4 bytes, not sign-extended */
	assert_store_imm(INSN(M64, 0xc7, 0x07, 0x21, 0x43, 0x65, 0x87), 4, 0x87654321);
	/* movq $0xfffffffffffffffe,(%rdi): imm32 sign-extended */
	assert_store_imm(INSN(M64, 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff), 8,
			 0xfffffffffffffffeull);
	/* movq $0x7fffffff,0x10(%rdi): disp8 then imm32 */
	assert_store_imm(INSN(M64, 0x48, 0xc7, 0x47, 0x10, 0xff, 0xff, 0xff, 0x7f), 8, 0x7fffffff);
	/* An ignored REX.W leaves 66's imm16. */
	assert_store_imm(INSN(M64, 0x48, 0x66, 0xc7, 0x07, 0x34, 0x12), 2, 0x1234);
	/* data16 movq $0x1234,(%rdi): REX.W wins, imm32 */
	assert_store_imm(INSN(M64, 0x66, 0x48, 0xc7, 0x07, 0x34, 0x12, 0, 0), 8, 0x1234);
}

/* ---- 0F B6 and 0F B7: MOVZX ---- */

static void test_movzx(void **state)
{
	(void)state;
	assert_movzx(INSN(M64, 0x0f, 0xb6, 0x07), 1, 4, RAX);		/* movzbl (%rdi),%eax */
	assert_movzx(INSN(M64, 0x66, 0x0f, 0xb6, 0x07), 1, 2, RAX);	/* movzbw (%rdi),%ax */
	assert_movzx(INSN(M64, 0x4c, 0x0f, 0xb6, 0x1f), 1, 8, R11);	/* movzbq (%rdi),%r11 */
	assert_movzx(INSN(M64, 0x0f, 0xb7, 0x0f), 2, 4, RCX);		/* movzwl (%rdi),%ecx */
	assert_movzx(INSN(M64, 0x48, 0x0f, 0xb7, 0x17), 2, 8, RDX);	/* movzwq (%rdi),%rdx */
	/* MOVZX's destination is never AH..BH: 4..7 are SP..DI. */
	assert_movzx(INSN(M32, 0x0f, 0xb6, 0x37), 1, 4, RSI);		/* movzbl (%edi),%esi */
}

/* ---- A0..A3: the accumulator and an absolute offset ---- */

static void test_moffs(void **state)
{
	(void)state;
	/* 64-bit mode: an 8-byte offset, 4 with 67. */
	assert_store_reg(INSN(M64, 0xa2, 0x00, 0x00, 0xd0, 0xfe, 0, 0, 0, 0), 1, RAX, false);
	assert_store_reg(INSN(M64, 0xa3, 0xb0, 0x00, 0xe0, 0xfe, 0, 0, 0, 0), 4, RAX, false);
	assert_load(INSN(M64, 0x48, 0xa1, 0x00, 0x00, 0xd0, 0xfe, 0, 0, 0, 0), 8, RAX, false);
	assert_store_reg(INSN(M64, 0x67, 0xa3, 0x00, 0x00, 0xd0, 0xfe), 4, RAX, false);
	/* REX.B does not move the accumulator. */
	assert_store_reg(INSN(M64, 0x41, 0xa2, 0, 0, 0, 0, 0, 0, 0, 0), 1, RAX, false);
	/* 32-bit code: 4 bytes, 2 with 67 (addr16 mov 0x1234,%al). */
	assert_store_reg(INSN(M32, 0xa3, 0x10, 0x00, 0xc0, 0xfe), 4, RAX, false);
	assert_load(INSN(M32, 0x67, 0xa0, 0x34, 0x12), 1, RAX, false);
	/* 16-bit code: 2 bytes. */
	assert_store_reg(INSN(M16, 0xa3, 0x00, 0x80), 2, RAX, false);	/* mov %ax,0x8000 */
	assert_load(INSN(M16, 0xa0, 0x00, 0x80), 1, RAX, false);	/* mov 0x8000,%al */
}

/* ---- 32-bit and 16-bit code ---- */

static void test_32bit_code(void **state)
{
	(void)state;
	assert_store_reg(INSN(M32, 0x88, 0x07), 1, RAX, false);		/* mov %al,(%edi) */
	assert_store_reg(INSN(M32, 0x88, 0x3f), 1, RBX, true);		/* mov %bh,(%edi) */
	assert_store_reg(INSN(M32, 0x89, 0x0a), 4, RCX, false);		/* mov %ecx,(%edx) */
	assert_store_reg(INSN(M32, 0x66, 0x89, 0x0a), 2, RCX, false);	/* mov %cx,(%edx) */
	INSN(M32, 0x89, 0x0d, 0xb0, 0x00, 0xe0, 0xfe);			/* mov %ecx,0xfee000b0 */
	INSN(M32, 0x89, 0x94, 0xb5, 0x78, 0x56, 0x34, 0x12);		/* 0x12345678(%ebp,%esi,4) */
	INSN(M32, 0x89, 0x0c, 0x85, 0x00, 0x00, 0x00, 0x00);		/* mov %ecx,0x0(,%eax,4) */
	INSN(M32, 0x26, 0x89, 0x83, 0x34, 0x12, 0x00, 0x00);		/* %es:0x1234(%ebx) */
	assert_load(INSN(M32, 0x8b, 0x3b), 4, RDI, false);		/* mov (%ebx),%edi */
	assert_store_imm(INSN(M32, 0xc6, 0x07, 0xfe), 1, 0xfe);		/* movb $0xfe,(%edi) */
	/* movl $0x80000001,0x10(%edi) */
	assert_store_imm(INSN(M32, 0xc7, 0x47, 0x10, 0x01, 0x00, 0x00, 0x80), 4, 0x80000001);
	assert_store_imm(INSN(M32, 0x66, 0xc7, 0x07, 0xef, 0xbe), 2, 0xbeef); /* movw $0xbeef,(%edi) */
	assert_movzx(INSN(M32, 0x0f, 0xb6, 0x06), 1, 4, RAX);		/* movzbl (%esi),%eax */
	assert_movzx(INSN(M32, 0x0f, 0xb7, 0x0e), 2, 4, RCX);		/* movzwl (%esi),%ecx */
	/* 67: 16-bit addresses (Table 2-1). */
	assert_store_reg(INSN(M32, 0x67, 0x89, 0x00), 4, RAX, false);	/* mov %eax,(%bx,%si) */
}

static void test_16bit_code(void **state)
{
	(void)state;
	assert_store_reg(INSN(M16, 0x88, 0x07), 1, RAX, false);		/* mov %al,(%bx) */
	assert_store_reg(INSN(M16, 0x88, 0x20), 1, RAX, true);		/* mov %ah,(%bx,%si) */
	assert_store_reg(INSN(M16, 0x89, 0x05), 2, RAX, false);		/* mov %ax,(%di) */
	assert_store_reg(INSN(M16, 0x66, 0x89, 0x05), 4, RAX, false);	/* mov %eax,(%di) */
	INSN(M16, 0x89, 0x0e, 0x34, 0x12);				/* mov %cx,0x1234 */
	INSN(M16, 0x89, 0x4e, 0x00);					/* mov %cx,0x0(%bp) */
	INSN(M16, 0x89, 0x4b, 0x12);					/* mov %cx,0x12(%bp,%di) */
	INSN(M16, 0x89, 0x88, 0x34, 0x12);				/* mov %cx,0x1234(%bx,%si) */
	INSN(M16, 0x64, 0x89, 0x07);					/* mov %ax,%fs:(%bx) */
	assert_store_imm(INSN(M16, 0xc6, 0x04, 0x12), 1, 0x12);		/* movb $0x12,(%si) */
	assert_store_imm(INSN(M16, 0xc7, 0x47, 0x10, 0xcd, 0xab), 2, 0xabcd); /* movw $0xabcd,0x10(%bx) */
	/* movl $0xdeadbeef,(%bx) */
	assert_store_imm(INSN(M16, 0x66, 0xc7, 0x07, 0xef, 0xbe, 0xad, 0xde), 4, 0xdeadbeef);
	assert_load(INSN(M16, 0x8a, 0x14), 1, RDX, false);		/* mov (%si),%dl */
	assert_movzx(INSN(M16, 0x0f, 0xb6, 0x04), 1, 2, RAX);		/* movzbw (%si),%ax */
	assert_movzx(INSN(M16, 0x66, 0x0f, 0xb7, 0x0c), 2, 4, RCX);	/* movzwl (%si),%ecx */
	/* 67: 32-bit addresses, SIB and all. */
	assert_store_reg(INSN(M16, 0x67, 0x66, 0x89, 0x0b), 4, RCX, false);	/* mov %ecx,(%ebx) */
	INSN(M16, 0x67, 0x66, 0x89, 0x4c, 0x48, 0x10);			/* 0x10(%eax,%ecx,2) */
}

/* ---- REX placement (SDM Vol. 2A 2.2.1) ---- */

static void test_rex_only_right_before_opcode(void **state)
{
	(void)state;
	/* A legacy prefix after REX: the REX is ignored. */
	assert_store_reg(INSN(M64, 0x48, 0x66, 0x89, 0x0a), 2, RCX, false);	/* mov %cx,(%rdx) */
	assert_store_reg(INSN(M64, 0x40, 0x66, 0x88, 0x27), 1, RAX, true);	/* mov %ah,(%rdi) */
	assert_store_reg(INSN(M64, 0x4c, 0x64, 0x89, 0x07), 4, RAX, false);	/* REX.WR dropped */
	assert_store_reg(INSN(M64, 0x48, 0x67, 0x89, 0x07), 4, RAX, false);	/* mov %eax,(%edi) */
	/* Two REX: the last one counts. */
	assert_store_reg(INSN(M64, 0x41, 0x48, 0x89, 0x0a), 8, RCX, false);	/* mov %rcx,(%rdx) */
	assert_store_reg(INSN(M64, 0x48, 0x41, 0x89, 0x0a), 4, RCX, false);	/* mov %ecx,(%r10) */
	assert_store_reg(INSN(M64, 0x44, 0x40, 0x88, 0x27), 1, RSP, false);	/* mov %spl,(%rdi) */
}

static void test_rex_bytes_are_opcodes_outside_64bit_mode(void **state)
{
	struct mmio_insn d;

	(void)state;
	/* 48 is DEC EAX in 32-bit and 16-bit code: not a MOV. */
	assert_int_equal(decode(BYTES(0x48, 0x89, 0x0a), M32, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0x40, 0x88, 0x27), M16, &d), -EINVAL);
}

/* ---- what is refused ---- */

static void test_truncated_input(void **state)
{
	/* es cs movq $0xffffffff80000000,%fs:0x12345678(%rax,%rcx,4):
	 * 15 bytes, the limit. */
	static const uint8_t longest[] = {
		0x26, 0x2e, 0x64, 0x48, 0xc7, 0x84, 0x88, 0x78, 0x56, 0x34, 0x12,
		0x00, 0x00, 0x00, 0x80,
	};
	struct mmio_insn d;

	(void)state;
	assert_int_equal(mmio_insn_decode(NULL, 0, M64, &d), -ERANGE);
	/* An escape with nothing after it, prefixes alone, a missing SIB. */
	assert_int_equal(decode(BYTES(0x0f), M64, &d), -ERANGE);
	assert_int_equal(decode(BYTES(0x66, 0x67, 0x48), M64, &d), -ERANGE);
	assert_int_equal(decode(BYTES(0x89, 0x04), M64, &d), -ERANGE);
	/* Part of the immediate, part of the displacement. */
	assert_int_equal(decode(BYTES(0xc7, 0x07, 0x21, 0x43, 0x65), M64, &d), -ERANGE);
	assert_int_equal(decode(BYTES(0x89, 0x05, 0x00, 0x10, 0x00), M64, &d), -ERANGE);
	/* The moffs is as long as an address: 2 bytes do for 16-bit code,
	 * not for 32-bit code. */
	assert_int_equal(decode(BYTES(0xa3, 0x00, 0x80), M16, &d), 0);
	assert_int_equal(decode(BYTES(0xa3, 0x00, 0x80), M32, &d), -ERANGE);
	/* insn() decodes every prefix of it from an exact-size copy. */
	d = insn(M64, longest, sizeof(longest));
	assert_store_imm(d, 8, 0xffffffff80000000ull);
}

static void test_longer_than_15_bytes(void **state)
{
	uint8_t b[32];
	struct mmio_insn d;

	(void)state;
	/* 13 operand-size prefixes and 89 07: 15 bytes, accepted. */
	memset(b, 0x66, 13);
	b[13] = 0x89, b[14] = 0x07;
	assert_store_reg(insn(M64, b, 15), 2, RAX, false);
	/* One more prefix: 16 bytes, #GP on the CPU. */
	memset(b, 0x66, 14);
	b[14] = 0x89, b[15] = 0x07;
	assert_int_equal(decode(b, 16, M64, &d), -E2BIG);
	assert_int_equal(decode_in(b, 16, 32, 0x90, M64, &d), -E2BIG);
	/* Prefixes alone past the limit, offered in full or not. */
	memset(b, 0x3e, sizeof(b));
	assert_int_equal(decode(b, sizeof(b), M32, &d), -E2BIG);
	assert_int_equal(decode(b, 15, M32, &d), -E2BIG);
	assert_int_equal(decode(b, 14, M32, &d), -ERANGE);
	/* Over the limit only by the displacement or the immediate, which
	 * are not read: still too long, whatever avail says. */
	memset(b, 0x66, 10);
	memcpy(b + 10, (const uint8_t[]){ 0x89, 0x05, 1, 2, 3, 4 }, 6);	/* 16 bytes */
	assert_int_equal(decode(b, 12, M64, &d), -E2BIG);
	assert_int_equal(decode(b, 16, M64, &d), -E2BIG);
	memcpy(b + 10, (const uint8_t[]){ 0x48, 0xc7, 0x07, 1, 2, 3, 4 }, 7);	/* 17 bytes */
	assert_int_equal(decode(b, 13, M64, &d), -E2BIG);
	assert_int_equal(decode(b, 13, M32, &d), -EINVAL);	/* 48: DEC */
}

static void test_lock_and_rep_refused(void **state)
{
	struct mmio_insn d;

	(void)state;
	assert_int_equal(decode(BYTES(0xf0, 0x89, 0x07), M64, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0xf2, 0x89, 0x07), M64, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0xf3, 0x89, 0x07), M32, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0x66, 0xf0, 0x89, 0x07), M16, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0x48, 0xf0, 0x89, 0x07), M64, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0xf3, 0xa5), M64, &d), -EINVAL);	/* rep movsl */
}

static void test_register_operand_refused(void **state)
{
	struct mmio_insn d;

	(void)state;
	assert_int_equal(decode(BYTES(0x89, 0xc8), M64, &d), -EINVAL);		/* mov %ecx,%eax */
	assert_int_equal(decode(BYTES(0x88, 0xe0), M64, &d), -EINVAL);		/* mov %ah,%al */
	assert_int_equal(decode(BYTES(0x48, 0x8b, 0xc1), M64, &d), -EINVAL);	/* mov %rcx,%rax */
	assert_int_equal(decode(BYTES(0xc6, 0xc0, 0x12), M64, &d), -EINVAL);	/* mov $0x12,%al */
	assert_int_equal(decode(BYTES(0xc7, 0xc0, 1, 0, 0, 0), M32, &d), -EINVAL);	/* mov $1,%eax */
	assert_int_equal(decode(BYTES(0x0f, 0xb6, 0xc0), M16, &d), -EINVAL);	/* movzbw %al,%ax */
	assert_int_equal(decode(BYTES(0x89, 0xc8), M16, &d), -EINVAL);		/* mov %cx,%ax */
}

static void test_other_instructions_refused(void **state)
{
	struct mmio_insn d;

	(void)state;
	assert_int_equal(decode(BYTES(0x00, 0x07), M64, &d), -EINVAL);		/* add %al,(%rdi) */
	/* C6/C7 with ModR/M.reg other than 0. */
	assert_int_equal(decode(BYTES(0xc6, 0x4f, 0x10, 0x12), M64, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0xc7, 0x3f, 1, 2, 3, 4), M64, &d), -EINVAL);
	assert_int_equal(decode(BYTES(0xc6, 0xf8, 0x01), M64, &d), -EINVAL);	/* xabort $1 */
	assert_int_equal(decode(BYTES(0x0f, 0xbe, 0x07), M64, &d), -EINVAL);	/* movsbl (%rdi),%eax */
	assert_int_equal(decode(BYTES(0x0f, 0x4f, 0x07), M64, &d), -EINVAL);	/* cmovg (%rdi),%eax */
	assert_int_equal(decode(BYTES(0x01, 0x07), M64, &d), -EINVAL);		/* add %eax,(%rdi) */
	assert_int_equal(decode(BYTES(0x87, 0x07), M64, &d), -EINVAL);		/* xchg %eax,(%rdi) */
	assert_int_equal(decode(BYTES(0x8c, 0x07), M64, &d), -EINVAL);		/* mov %es,(%rdi) */
	assert_int_equal(decode(BYTES(0xa5), M64, &d), -EINVAL);		/* movsl */
	assert_int_equal(decode(BYTES(0xb8, 1, 0, 0, 0), M32, &d), -EINVAL);	/* mov $1,%eax */
	assert_int_equal(decode(BYTES(0x89, 0x07), (enum mmio_mode)3, &d), -EINVAL);
}

static void test_output_untouched_on_error(void **state)
{
	struct mmio_insn d, before;

	(void)state;
	memset(&d, 0x5a, sizeof(d));
	memcpy(&before, &d, sizeof(d));
	assert_int_equal(decode(BYTES(0xc7, 0x07, 0x21), M64, &d), -ERANGE);
	assert_int_equal(decode(BYTES(0xf0, 0x89, 0x07), M64, &d), -EINVAL);
	assert_memory_equal(&d, &before, sizeof(d));
}

/* ---- the value of a store, the register after a load ---- */

static const uint64_t regs[MMIO_INSN_REGS] = {
	0x1111111111111188ull, 0x2222222222224321ull, 0x3333333333333333ull, 0x4444444444449a44ull,
	0x5555555555555555ull, 0x6666666666666666ull, 0x7777777777777777ull, 0x8888888888888888ull,
	0x99999999999999aaull, 0xaaaaaaaaaaaaaaaaull, 0xbbbbbbbbbbbbbbbbull, 0xccccccccccccccccull,
	0xddddddddddddddddull, 0xeeeeeeeeeeeeeeeeull, 0xffffffffffffffffull, 0x0123456789abcdefull,
};

static uint64_t stored(struct mmio_insn d)
{
	return mmio_insn_store_value(&d, regs);
}

static uint64_t loaded(struct mmio_insn d, uint64_t old, uint64_t value)
{
	return mmio_insn_load_result(&d, old, value);
}

static void test_store_value(void **state)
{
	(void)state;
	assert_int_equal(stored(INSN(M64, 0x88, 0x07)), 0x88);			/* %al */
	assert_int_equal(stored(INSN(M64, 0x88, 0x3f)), 0x9a);			/* %bh */
	assert_int_equal(stored(INSN(M32, 0x88, 0x27)), 0x11);			/* %ah */
	assert_int_equal(stored(INSN(M64, 0x45, 0x88, 0x3c, 0x24)), 0xef);	/* %r15b */
	assert_int_equal(stored(INSN(M64, 0x44, 0x88, 0x00)), 0xaa);		/* %r8b */
	assert_int_equal(stored(INSN(M64, 0x66, 0x89, 0x0a)), 0x4321);		/* %cx */
	assert_int_equal(stored(INSN(M64, 0x89, 0x0a)), 0x22224321);		/* %ecx */
	assert_int_equal(stored(INSN(M64, 0x48, 0x89, 0x0a)), 0x2222222222224321ull);
	assert_int_equal(stored(INSN(M64, 0x4f, 0x89, 0x8c, 0xf5, 0x78, 0x56, 0x34, 0x12)),
			 0xaaaaaaaaaaaaaaaaull);					/* %r9 */
	assert_int_equal(stored(INSN(M64, 0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0)),
			 0x1111111111111188ull);					/* %rax */
	/* Immediates, as the CPU writes them. */
	assert_int_equal(stored(INSN(M64, 0xc6, 0x07, 0x5a)), 0x5a);
	assert_int_equal(stored(INSN(M64, 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff)),
			 0xfffffffffffffffeull);
	assert_int_equal(stored(INSN(M64, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff)), 0xfffffffe);
	assert_int_equal(stored(INSN(M16, 0xc7, 0x47, 0x10, 0xcd, 0xab)), 0xabcd);
}

static void test_load_result(void **state)
{
	const uint64_t old = 0x1122334455667788ull;

	(void)state;
	/* 8- and 16-bit destinations keep the rest of the register. */
	assert_int_equal(loaded(INSN(M64, 0x8a, 0x07), old, 0xab),
			 0x11223344556677abull);					/* %al */
	assert_int_equal(loaded(INSN(M64, 0x8a, 0x37), old, 0xab),
			 0x112233445566ab88ull);					/* %dh */
	assert_int_equal(loaded(INSN(M64, 0x66, 0x44, 0x8b, 0x17), old, 0xbeef),
			 0x112233445566beefull);					/* %r10w */
	/* A 32-bit destination is zero-extended, a 64-bit one replaced. */
	assert_int_equal(loaded(INSN(M64, 0x8b, 0x07), old, 0xcafef00d), 0xcafef00d);
	assert_int_equal(loaded(INSN(M32, 0x8b, 0x07), old, 0xcafef00d), 0xcafef00d);
	assert_int_equal(loaded(INSN(M64, 0x4c, 0x8b, 0x17), old, 0x8877665544332211ull),
			 0x8877665544332211ull);
	/* Bytes above the access's size are not loaded. */
	assert_int_equal(loaded(INSN(M64, 0x8a, 0x07), old, 0xffffff01),
			 0x1122334455667701ull);
	assert_int_equal(loaded(INSN(M16, 0x8b, 0x07), old, 0x12345678),
			 0x1122334455665678ull);
	/* MOVZX: the loaded bytes zero-extended to the destination. */
	assert_int_equal(loaded(INSN(M64, 0x0f, 0xb6, 0x07), old, 0x1ff), 0xff);
	assert_int_equal(loaded(INSN(M64, 0x66, 0x0f, 0xb6, 0x07), old, 0x1ff),
			 0x11223344556600ffull);
	assert_int_equal(loaded(INSN(M64, 0x4c, 0x0f, 0xb6, 0x1f), old, 0x80), 0x80);
	assert_int_equal(loaded(INSN(M64, 0x48, 0x0f, 0xb7, 0x17), old, 0x18000),
			 0x8000);
	assert_int_equal(loaded(INSN(M16, 0x66, 0x0f, 0xb7, 0x0c), old, 0xfffe),
			 0xfffe);
	/* moffs into rAX. */
	assert_int_equal(loaded(INSN(M16, 0xa0, 0x00, 0x80), old, 0x42),
			 0x1122334455667742ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_byte_registers),
		cmocka_unit_test(test_store_operand_sizes),
		cmocka_unit_test(test_addressing_forms_64),
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_immediates),
		cmocka_unit_test(test_movzx),
		cmocka_unit_test(test_moffs),
		cmocka_unit_test(test_32bit_code),
		cmocka_unit_test(test_16bit_code),
		cmocka_unit_test(test_rex_only_right_before_opcode),
		cmocka_unit_test(test_rex_bytes_are_opcodes_outside_64bit_mode),
		cmocka_unit_test(test_truncated_input),
		cmocka_unit_test(test_longer_than_15_bytes),
		cmocka_unit_test(test_lock_and_rep_refused),
		cmocka_unit_test(test_register_operand_refused),
		cmocka_unit_test(test_other_instructions_refused),
		cmocka_unit_test(test_output_untouched_on_error),
		cmocka_unit_test(test_store_value),
		cmocka_unit_test(test_load_result),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
