/*
 * The SVM exit dispatch table (kernel/svm/exit_table.c): an entry for
 * every #VMEXIT code the APM defines (Vol. 2 Table C-1), the right kind
 * of entry for each, and the packing of the sparse 64-bit codes into the
 * table's slots (kernel/svm/exit_code.h).  Names from
 * kernel/svm/diag/exit_code_names.c.
 */
#include "support.h"

#include <string.h>

#include "svm/exit_code.h"
#include "svm/exit_table.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define STUB(name) void name(struct svm_vcpu *v) { (void)v; }
SVM_EXIT_HANDLERS(STUB)

/* Table C-1 counted by hand: 00h-A6h, 400h-403h, and -1 to -4. */
static void the_apm_defines_175_codes(void **state)
{
	(void)state;
	assert_int_equal(SVM_EXIT_CODES_DEFINED, 0xa7 + 4 + 4);
	assert_int_equal(SVM_EXIT_INDEX_COUNT, SVM_EXIT_CODES_DEFINED);
}

static void every_defined_code_has_an_entry(void **state)
{
	unsigned covered = 0;

	(void)state;
	for (unsigned i = 0; i < SVM_EXIT_INDEX_COUNT; i++) {
		uint64_t code = svm_exit_code_at(i);

		assert_true(svm_exit_code_defined(code));
		assert_int_equal(svm_exit_index(code), i);
		if (svm_exit_table[i].policy == SVM_EXIT_UNSET)
			fail_msg("exit code 0x%lx (%s) has no entry", (unsigned long)code,
				 svm_exit_code_name(code));
		covered++;
	}
	assert_int_equal(covered, SVM_EXIT_CODES_DEFINED);
}

static void undefined_codes_have_no_slot(void **state)
{
	static const uint64_t undefined[] = {
		0xa7, 0xff, 0x3ff, 0x404, 0x1000, 0xf0000000ull, 0xffffffffull,
		(uint64_t)-5, 0x8000000000000000ull, 0x7fffffffffffffffull,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(undefined); i++) {
		assert_false(svm_exit_code_defined(undefined[i]));
		assert_int_equal(svm_exit_index(undefined[i]), SVM_EXIT_INDEX_NONE);
		assert_string_equal(svm_exit_code_name(undefined[i]), "unknown");
	}
}

/* EXITCODE is 64 bits: VMRUN's failure reads as all ones (APM 15.5.1). */
static void negative_codes_are_64_bit(void **state)
{
	(void)state;
	assert_true(svm_exit_code_defined(0xffffffffffffffffull));
	assert_int_equal(svm_exit_code_at(svm_exit_index(0xffffffffffffffffull)),
			 0xffffffffffffffffull);
	assert_string_equal(svm_exit_code_name(0xffffffffffffffffull),
			    "VMRUN failed: invalid guest state");
	assert_int_equal(svm_exit_code_at(svm_exit_index((uint64_t)SVM_EXIT_INVALID_PMC)),
			 0xfffffffffffffffcull);
	/* The 32-bit value alone is no code: it must not alias -1. */
	assert_false(svm_exit_code_defined(0xffffffffull));
}

static void every_code_has_its_own_name(void **state)
{
	(void)state;
	for (unsigned i = 0; i < SVM_EXIT_INDEX_COUNT; i++) {
		const char *n = svm_exit_code_name(svm_exit_code_at(i));

		assert_string_not_equal(n, "unknown");
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(n, svm_exit_code_name(svm_exit_code_at(j))))
				fail_msg("slots %u and %u are both named \"%s\"", j, i, n);
	}
	assert_string_equal(svm_exit_code_name(SVM_EXIT_CPUID), "CPUID");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_CR0_WRITE + 4), "CR4 write");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_DR0_READ + 7), "DR7 read");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_EXCP0 + 14), "#PF exception");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_CR0_WRITE_TRAP + 15), "CR15 write trap");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_NPF), "nested page fault");
	assert_string_equal(svm_exit_code_name(SVM_EXIT_IDLE_HLT), "idle HLT");
}

/* Values the emulators were seen to give (docs/emulators.md). */
static void codes_match_the_apm(void **state)
{
	(void)state;
	assert_int_equal(SVM_EXIT_CPUID, 0x72);
	assert_int_equal(SVM_EXIT_HLT, 0x78);
	assert_int_equal(SVM_EXIT_IOIO, 0x7b);
	assert_int_equal(SVM_EXIT_MSR, 0x7c);
	assert_int_equal(SVM_EXIT_SHUTDOWN, 0x7f);
	assert_int_equal(SVM_EXIT_VMMCALL, 0x81);
	assert_int_equal(SVM_EXIT_INIT, 0x63);
	assert_int_equal(SVM_EXIT_NPF, 0x400);
	assert_int_equal(SVM_EXIT_EXCP0 + 31, 0x5f);
	assert_int_equal(SVM_EXIT_CR0_WRITE_TRAP + 15, 0x9f);
	assert_int_equal(SVM_EXIT_XSETBV, 0x8d);
}

static void entries_are_well_formed(void **state)
{
	(void)state;
	for (unsigned i = 0; i < SVM_EXIT_INDEX_COUNT; i++) {
		const struct svm_exit_entry *e = &svm_exit_table[i];
		const char *n = svm_exit_code_name(svm_exit_code_at(i));

		switch (e->policy) {
		case SVM_EXIT_HANDLE:
			if (!e->fn || e->why)
				fail_msg("%s: a handler entry needs a handler and no reason", n);
			break;
		case SVM_EXIT_INJECT_UD:
		case SVM_EXIT_FATAL:
			if (e->fn || !e->why || !e->why[0])
				fail_msg("%s: a policy entry needs a reason and no handler", n);
			break;
		case SVM_EXIT_UNSET:
			fail_msg("%s: no entry", n);
		}
	}
}

/* With EFER.SVME set for the guest (VMRUN requires it), the SVM
 * instructions run in the guest unless intercepted: each must be #UD. */
static void svm_instructions_raise_ud(void **state)
{
	static const uint64_t svm_insns[] = {
		SVM_EXIT_VMRUN, SVM_EXIT_VMLOAD, SVM_EXIT_VMSAVE, SVM_EXIT_STGI,
		SVM_EXIT_CLGI, SVM_EXIT_SKINIT, SVM_EXIT_INVLPGA,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(svm_insns); i++)
		if (svm_exit_table[svm_exit_index(svm_insns[i])].policy != SVM_EXIT_INJECT_UD)
			fail_msg("%s must inject #UD", svm_exit_code_name(svm_insns[i]));
	/* VMMCALL is the hypercall, not an instruction to refuse. */
	assert_int_not_equal(svm_exit_table[svm_exit_index(SVM_EXIT_VMMCALL)].policy,
			     SVM_EXIT_INJECT_UD);
}

/* Exits of features skiff never enables are fatal with their reason. */
static void foreign_features_are_fatal(void **state)
{
	static const uint64_t never[] = {
		SVM_EXIT_VMGEXIT, SVM_EXIT_EFER_WRITE_TRAP, SVM_EXIT_CR0_WRITE_TRAP + 3,
		SVM_EXIT_AVIC_INCOMPLETE_IPI, SVM_EXIT_AVIC_NOACCEL, SVM_EXIT_BUSY,
		SVM_EXIT_RDTSC, SVM_EXIT_CR0_READ + 3,
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(never); i++)
		if (svm_exit_table[svm_exit_index(never[i])].policy != SVM_EXIT_FATAL)
			fail_msg("%s should be fatal", svm_exit_code_name(never[i]));
}

static void handled_codes_go_to_their_handlers(void **state)
{
	static const struct {
		uint64_t code;
		svm_exit_fn fn;
	} want[] = {
		{ SVM_EXIT_CPUID, svm_exit_cpuid },
		{ SVM_EXIT_VMMCALL, svm_exit_vmmcall },
		{ SVM_EXIT_EXCP0 + 6, svm_exit_ud },
		{ SVM_EXIT_EXCP0 + 1, svm_exit_exception },
		{ SVM_EXIT_EXCP0 + 17, svm_exit_exception },
		{ SVM_EXIT_IOIO, svm_exit_ioio },
		{ SVM_EXIT_MSR, svm_exit_msr },
		{ SVM_EXIT_HLT, svm_exit_hlt },
		{ SVM_EXIT_INTR, svm_exit_intr },
		{ SVM_EXIT_VINTR, svm_exit_vintr },
		{ SVM_EXIT_INVD, svm_exit_invd },
		{ SVM_EXIT_WBINVD, svm_exit_wbinvd },
		{ SVM_EXIT_SHUTDOWN, svm_exit_shutdown },
		{ SVM_EXIT_INIT, svm_exit_init },
		{ SVM_EXIT_NPF, svm_exit_npf },
		{ (uint64_t)SVM_EXIT_INVALID, svm_exit_invalid },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct svm_exit_entry *e = &svm_exit_table[svm_exit_index(want[i].code)];

		if (e->policy != SVM_EXIT_HANDLE || e->fn != want[i].fn)
			fail_msg("%s is not dispatched to its handler", svm_exit_code_name(want[i].code));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_apm_defines_175_codes),
		cmocka_unit_test(every_defined_code_has_an_entry),
		cmocka_unit_test(undefined_codes_have_no_slot),
		cmocka_unit_test(negative_codes_are_64_bit),
		cmocka_unit_test(every_code_has_its_own_name),
		cmocka_unit_test(codes_match_the_apm),
		cmocka_unit_test(entries_are_well_formed),
		cmocka_unit_test(svm_instructions_raise_ud),
		cmocka_unit_test(foreign_features_are_fatal),
		cmocka_unit_test(handled_codes_go_to_their_handlers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
