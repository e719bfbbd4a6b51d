/*
 * The SVM capability decision (kernel/svm/caps.c), on the CPUID and VM_CR
 * values the emulators report (docs/emulators.md) and on the firmware
 * settings of APM Vol. 2 15.4 and 15.30.1 that no emulator here models.
 */
#include "support.h"

#include <string.h>

#include "svm/caps.h"

#define SVM_BIT		CPUID_80000001_ECX_SVM

/* QEMU 7.2 TCG, -cpu qemu64,+svm,+npt: NP only, 16 ASIDs, VM_CR = 0. */
static const struct svm_facts qemu_npt = {
	.max_ext_leaf = 0x8000000a, .ext1_ecx = SVM_BIT,
	.svm_eax = 1, .svm_ebx = 0x10, .svm_edx = SVM_EDX_NP,
};

/* Bochs 2.7 ryzen: EDX 0x44f, 32768 ASIDs; its VM_CR reads as 0. */
static const struct svm_facts bochs_ryzen = {
	.max_ext_leaf = 0x8000001f, .ext1_ecx = SVM_BIT | 0x1,
	.svm_eax = 1, .svm_ebx = 0x8000, .svm_edx = 0x44f,
};

static struct svm_caps decide(const struct svm_facts *f)
{
	struct svm_caps c;

	memset(&c, 0xa5, sizeof(c));	/* every field must be written */
	svm_caps_decide(f, &c);
	return c;
}

static void qemu_with_npt_is_usable_without_nrips(void **state)
{
	struct svm_caps c = decide(&qemu_npt);

	(void)state;
	assert_int_equal(c.verdict, SVM_USABLE);
	assert_false(c.nrips);
	assert_false(c.clear_svmdis);
	assert_false(c.vm_cr_unreadable);
	assert_int_equal(c.asids, 16);
	assert_int_equal(c.revision, 1);
}

static void bochs_ryzen_is_usable_with_nrips(void **state)
{
	struct svm_caps c = decide(&bochs_ryzen);

	(void)state;
	assert_int_equal(c.verdict, SVM_USABLE);
	assert_true(c.nrips);
	assert_true(c.flush_by_asid);
	assert_false(c.vmcb_clean);
	assert_false(c.decode_assists);
	assert_int_equal(c.asids, 0x8000);
}

static void no_svm_bit_is_absent(void **state)
{
	struct svm_facts f = qemu_npt;

	(void)state;
	f.ext1_ecx = 0;				/* -cpu qemu64,-svm */
	assert_int_equal(decide(&f).verdict, SVM_ABSENT);
	f = qemu_npt;
	f.max_ext_leaf = 0x80000000;		/* no leaf 80000001H: the bit is not there */
	assert_int_equal(decide(&f).verdict, SVM_ABSENT);
	assert_string_equal(svm_verdict_reason(SVM_ABSENT),
			    "this CPU has no AMD-V either (CPUID.80000001H:ECX.SVM = 0)");
	assert_non_null(strstr(svm_verdict_advice(SVM_ABSENT), "expose VT-x or AMD-V"));
}

static void plain_qemu64_has_svm_without_npt(void **state)
{
	struct svm_facts f = qemu_npt;

	(void)state;
	f.svm_edx = 0;				/* plain -cpu qemu64 */
	assert_int_equal(decide(&f).verdict, SVM_NO_NPT);
	assert_non_null(strstr(svm_verdict_reason(SVM_NO_NPT), "no nested paging"));
	assert_non_null(strstr(svm_verdict_advice(SVM_NO_NPT), "+npt"));
}

static void missing_feature_leaf_is_refused(void **state)
{
	struct svm_facts f = qemu_npt;

	(void)state;
	f.max_ext_leaf = 0x80000008;
	assert_int_equal(decide(&f).verdict, SVM_NO_FEATURE_LEAF);
}

static void one_asid_is_not_enough(void **state)
{
	struct svm_facts f = qemu_npt;

	(void)state;
	f.svm_ebx = 1;				/* only the host's ASID 0 */
	assert_int_equal(decide(&f).verdict, SVM_NO_ASID);
	f.svm_ebx = 2;
	assert_int_equal(decide(&f).verdict, SVM_USABLE);
}

/* APM 15.4: SVMDIS with LOCK is the firmware's; SVML says a key exists. */
static void svmdis_locked_is_the_firmwares(void **state)
{
	struct svm_facts f = bochs_ryzen;

	(void)state;
	f.svm_edx &= ~SVM_EDX_SVML;
	f.vm_cr = VM_CR_SVMDIS | VM_CR_LOCK;
	assert_int_equal(decide(&f).verdict, SVM_DISABLED_LOCKED);
	assert_non_null(strstr(svm_verdict_advice(SVM_DISABLED_LOCKED), "firmware setup"));
	f.svm_edx |= SVM_EDX_SVML;
	assert_int_equal(decide(&f).verdict, SVM_DISABLED_KEY);
	assert_non_null(strstr(svm_verdict_reason(SVM_DISABLED_KEY), "key"));
	assert_non_null(strstr(svm_verdict_advice(SVM_DISABLED_KEY), "firmware setup"));
}

/* The firmware's verdict comes before the features: a locked-off SVM
 * without NPT is reported as locked, the thing the user can change. */
static void firmware_is_judged_before_features(void **state)
{
	struct svm_facts f = qemu_npt;

	(void)state;
	f.svm_edx = 0;
	f.vm_cr = VM_CR_SVMDIS | VM_CR_LOCK;
	assert_int_equal(decide(&f).verdict, SVM_DISABLED_LOCKED);
}

/* 15.30.1: with LOCK clear SVMDIS is writable, so skiff clears it. */
static void svmdis_unlocked_is_cleared(void **state)
{
	struct svm_facts f = qemu_npt;
	struct svm_caps c;

	(void)state;
	f.vm_cr = VM_CR_SVMDIS;
	c = decide(&f);
	assert_int_equal(c.verdict, SVM_USABLE);
	assert_true(c.clear_svmdis);
	/* LOCK alone (SVM allowed and locked so) needs nothing. */
	f.vm_cr = VM_CR_LOCK;
	c = decide(&f);
	assert_int_equal(c.verdict, SVM_USABLE);
	assert_false(c.clear_svmdis);
	/* ...and the features are still judged after clearing. */
	f.vm_cr = VM_CR_SVMDIS;
	f.svm_edx = 0;
	assert_int_equal(decide(&f).verdict, SVM_NO_NPT);
}

/* An emulator without VM_CR: its #GP is no verdict; EFER.SVME is. */
static void unreadable_vm_cr_falls_back_to_efer(void **state)
{
	struct svm_facts f = bochs_ryzen;
	struct svm_caps c;

	(void)state;
	f.vm_cr_gp = true;
	f.vm_cr = VM_CR_SVMDIS | VM_CR_LOCK;	/* garbage: must not be read */
	c = decide(&f);
	assert_int_equal(c.verdict, SVM_USABLE);
	assert_true(c.vm_cr_unreadable);
	assert_false(c.clear_svmdis);
	f.svme_gp = true;
	c = decide(&f);
	assert_int_equal(c.verdict, SVM_DISABLED_UNKNOWN);
	assert_non_null(strstr(svm_verdict_advice(SVM_DISABLED_UNKNOWN), "firmware setup"));
}

static void every_refusal_explains_itself(void **state)
{
	(void)state;
	for (int v = SVM_ABSENT; v <= SVM_NO_ASID; v++) {
		assert_true(strlen(svm_verdict_reason((enum svm_verdict)v)) > 10);
		assert_string_not_equal(svm_verdict_reason((enum svm_verdict)v), "unknown verdict");
		assert_true(strlen(svm_verdict_advice((enum svm_verdict)v)) > 10);
	}
	assert_string_equal(svm_verdict_advice(SVM_USABLE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_with_npt_is_usable_without_nrips),
		cmocka_unit_test(bochs_ryzen_is_usable_with_nrips),
		cmocka_unit_test(no_svm_bit_is_absent),
		cmocka_unit_test(plain_qemu64_has_svm_without_npt),
		cmocka_unit_test(missing_feature_leaf_is_refused),
		cmocka_unit_test(one_asid_is_not_enough),
		cmocka_unit_test(svmdis_locked_is_the_firmwares),
		cmocka_unit_test(firmware_is_judged_before_features),
		cmocka_unit_test(svmdis_unlocked_is_cleared),
		cmocka_unit_test(unreadable_vm_cr_falls_back_to_efer),
		cmocka_unit_test(every_refusal_explains_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
