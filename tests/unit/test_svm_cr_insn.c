/*
 * The CR-write decoder of kernel/svm/cr_insn.c: MOV to CRn with its
 * register and control-register numbers, CLTS, LMSW from a register, and
 * every case where skiff must refuse to guess.
 */
#include "support.h"

#include "svm/cr_insn.h"

#define DECODE(lm, out, ...) \
	svm_cr_insn_decode((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), \
			   (lm), (out))

static void mov_to_cr_names_both_registers(void **state)
{
	struct svm_cr_insn in;

	(void)state;
	assert_int_equal(DECODE(false, &in, 0x0f, 0x22, 0xe0), 0);	/* mov %eax, %cr4 */
	assert_int_equal(in.op, SVM_CR_MOV);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.gpr, 0);
	assert_int_equal(in.len, 3);
	assert_int_equal(DECODE(false, &in, 0x0f, 0x22, 0xc3), 0);	/* mov %ebx, %cr0 */
	assert_int_equal(in.cr, 0);
	assert_int_equal(in.gpr, 3);
	/* ModRM.mod is ignored: the operand is a register whatever it says. */
	assert_int_equal(DECODE(false, &in, 0x0f, 0x22, 0x24), 0);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.gpr, 4);
	/* REX.B picks R8-R15, REX.R CR8-CR15, only in 64-bit mode. */
	assert_int_equal(DECODE(true, &in, 0x41, 0x0f, 0x22, 0xe1), 0);	/* mov %r9, %cr4 */
	assert_int_equal(in.gpr, 9);
	assert_int_equal(in.cr, 4);
	assert_int_equal(in.len, 4);
	assert_int_equal(DECODE(true, &in, 0x44, 0x0f, 0x22, 0xc0), 0);	/* mov %rax, %cr8 */
	assert_int_equal(in.cr, 8);
	/* LOCK is AMD's other way to name CR8. */
	assert_int_equal(DECODE(false, &in, 0xf0, 0x0f, 0x22, 0xc0), 0);
	assert_int_equal(in.cr, 8);
	assert_int_equal(in.len, 4);
	/* Outside 64-bit mode 41h is INC ECX, another instruction. */
	assert_int_equal(DECODE(false, &in, 0x41, 0x0f, 0x22, 0xe1), -1);
}

static void clts_and_lmsw(void **state)
{
	struct svm_cr_insn in;

	(void)state;
	assert_int_equal(DECODE(false, &in, 0x0f, 0x06), 0);
	assert_int_equal(in.op, SVM_CR_CLTS);
	assert_int_equal(in.len, 2);
	assert_int_equal(DECODE(false, &in, 0x0f, 0x01, 0xf0), 0);	/* lmsw %ax */
	assert_int_equal(in.op, SVM_CR_LMSW);
	assert_int_equal(in.gpr, 0);
	assert_int_equal(in.len, 3);
	assert_false(in.mem);
	assert_int_equal(DECODE(false, &in, 0x0f, 0x01, 0x30), 0);	/* lmsw (%eax) */
	assert_true(in.mem);
	/* 0F 01 /7 is INVLPG, not LMSW. */
	assert_int_equal(DECODE(false, &in, 0x0f, 0x01, 0x38), -1);
}

static void refuses_what_is_not_a_cr_write(void **state)
{
	struct svm_cr_insn in;

	(void)state;
	assert_int_equal(DECODE(false, &in, 0x0f, 0x20, 0xe0), -1);	/* MOV from CR4 */
	assert_int_equal(DECODE(false, &in, 0x0f, 0xa2), -1);		/* CPUID */
	assert_int_equal(DECODE(false, &in, 0x0f, 0x22), -1);		/* cut short */
	assert_int_equal(DECODE(false, &in, 0x0f), -1);
	/* Fifteen prefixes leave no room for the instruction. */
	assert_int_equal(DECODE(false, &in, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0x22, 0xe0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mov_to_cr_names_both_registers),
		cmocka_unit_test(clts_and_lmsw),
		cmocka_unit_test(refuses_what_is_not_a_cr_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
