/*
 * Instruction lengths without NRIP save (kernel/svm/insn_len.c): the bare
 * opcodes, prefixed forms a guest may use, and every case where skiff must
 * refuse to guess.
 */
#include "support.h"

#include "svm/insn_len.h"

#define LEN(insn, lm, ...) \
	svm_insn_length((const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ }), \
			(insn), (lm))

static void bare_opcodes(void **state)
{
	(void)state;
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x0f, 0xa2), 2);
	assert_int_equal(LEN(SVM_INSN_RDMSR, false, 0x0f, 0x32), 2);
	assert_int_equal(LEN(SVM_INSN_WRMSR, true, 0x0f, 0x30), 2);
	assert_int_equal(LEN(SVM_INSN_HLT, false, 0xf4), 1);
	assert_int_equal(LEN(SVM_INSN_VMMCALL, true, 0x0f, 0x01, 0xd9), 3);
	assert_int_equal(LEN(SVM_INSN_VMCALL, false, 0x0f, 0x01, 0xc1), 3);
	assert_int_equal(LEN(SVM_INSN_INVD, false, 0x0f, 0x08), 2);
	assert_int_equal(LEN(SVM_INSN_WBINVD, false, 0x0f, 0x09), 2);
	/* What follows the instruction does not matter. */
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x0f, 0xa2, 0x0f, 0x01, 0xd9), 2);
}

static void prefixes_count(void **state)
{
	(void)state;
	assert_int_equal(LEN(SVM_INSN_WBINVD, false, 0xf3, 0x0f, 0x09), 3);	/* WBNOINVD */
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x66, 0x2e, 0x0f, 0xa2), 4);
	assert_int_equal(LEN(SVM_INSN_RDMSR, true, 0x48, 0x0f, 0x32), 3);	/* REX.W */
	assert_int_equal(LEN(SVM_INSN_HLT, true, 0x66, 0x41, 0xf4), 3);
	/* Outside 64-bit mode 48h is DEC EAX: not a prefix, not the opcode. */
	assert_int_equal(LEN(SVM_INSN_RDMSR, false, 0x48, 0x0f, 0x32), -1);
	/* REX must come last: a legacy prefix after it is not this opcode. */
	assert_int_equal(LEN(SVM_INSN_RDMSR, true, 0x48, 0x66, 0x0f, 0x32), -1);
}

static void refuses_to_guess(void **state)
{
	(void)state;
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x0f, 0xa3), -1);		/* BT */
	assert_int_equal(LEN(SVM_INSN_VMMCALL, false, 0x0f, 0x01, 0xc1), -1);	/* VMCALL */
	assert_int_equal(LEN(SVM_INSN_VMMCALL, false, 0x0f, 0x01), -1);		/* cut short */
	assert_int_equal(LEN(SVM_INSN_HLT, false, 0x66), -1);
	assert_int_equal(svm_insn_length(NULL, 0, SVM_INSN_HLT, false), -1);
	assert_int_equal(svm_insn_length((const uint8_t[]){ 0xf4 }, 1, (enum svm_insn)99, false), -1);
	/* 14 prefixes and a 2-byte opcode make 16 bytes: past the limit. */
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
			     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0xa2), -1);
	/* 13 make exactly 15: allowed. */
	assert_int_equal(LEN(SVM_INSN_CPUID, false, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
			     0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x0f, 0xa2), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_opcodes),
		cmocka_unit_test(prefixes_count),
		cmocka_unit_test(refuses_to_guess),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
