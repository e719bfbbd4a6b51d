/*
 * The SVM permission maps (kernel/svm/perm_maps.c): built from the same
 * rules as VT-x's bitmaps, laid out as APM Vol. 2 15.10.1 and 15.11 say,
 * and read back as the CPU would.
 */
#include "support.h"

#include <string.h>

#include "svm/perm_maps.h"
#include "vm/msr.h"
#include "x86.h"

static uint8_t iopm[SVM_IOPM_SIZE];
static uint8_t msrpm[SVM_MSRPM_SIZE];

static const struct vm_port_range kept[] = {
	{ 0x3f8, 8, "COM1" },
	{ 0xcf8, 8, "PCI configuration" },
	{ 0xfffe, 2, "top" },
};

static void iopm_intercepts_only_kept_ports(void **state)
{
	(void)state;
	svm_iopm_init(iopm);
	svm_iopm_intercept(iopm, kept, sizeof(kept) / sizeof(kept[0]));
	assert_true(svm_iopm_intercepts(iopm, 0x3f8, 1));
	assert_true(svm_iopm_intercepts(iopm, 0x3ff, 1));
	assert_false(svm_iopm_intercepts(iopm, 0x3f7, 1));
	assert_false(svm_iopm_intercepts(iopm, 0x400, 1));
	/* A wider access is intercepted when any byte is kept (15.10.1). */
	assert_true(svm_iopm_intercepts(iopm, 0x3f6, 4));
	assert_true(svm_iopm_intercepts(iopm, 0xcfc, 4));
	assert_false(svm_iopm_intercepts(iopm, 0x60, 1));
	assert_false(svm_iopm_intercepts(iopm, 0x80, 2));
	/* The layout: port n is bit n, bit 0 the lowest of byte 0. */
	assert_int_equal(iopm[0x3f8 / 8], 0xff);
	assert_int_equal(iopm[0x3f0 / 8], 0x00);
	assert_int_equal(iopm[0xfff8 / 8], 0xc0);
	/* Past the top: intercepted, never wrapped to port 0. */
	assert_true(svm_iopm_intercepts(iopm, 0xfffd, 4));
	assert_false(svm_iopm_intercepts(iopm, 0xfffa, 4));
	assert_false(svm_iopm_intercepts(iopm, 0, 4));
	assert_int_equal(iopm[0x10000 / 8], 0x07);
	for (size_t i = 0x10000 / 8 + 1; i < SVM_IOPM_SIZE; i++)
		assert_int_equal(iopm[i], 0);
}

/* Every MSR of the three ranges against vm_msr_rule(): intercepted
 * unless the allow-list passes it, with SVM's exceptions. */
static void check_every_msr(const struct svm_msrpm_opts *o)
{
	static const uint32_t bases[] = { 0, 0xc0000000u, 0xc0010000u };

	svm_msrpm_build(msrpm, o);
	for (size_t b = 0; b < 3; b++) {
		for (uint32_t msr = bases[b]; msr < bases[b] + 0x2000; msr++) {
			for (int w = 0; w <= 1; w++) {
				bool want = vm_msr_rule(msr, w) != VM_MSR_PASS || msr == MSR_IA32_PAT ||
					    (msr == MSR_IA32_EFER && !w) ||
					    (msr == MSR_IA32_DEBUGCTL && !o->lbr_virt);

				if (svm_msrpm_intercepts(msrpm, msr, w) != want)
					fail_msg("MSR 0x%x %s: intercepted %d, want %d", msr,
						 w ? "write" : "read", !want, want);
			}
		}
	}
}

static void msrpm_follows_the_allow_list(void **state)
{
	struct svm_msrpm_opts qemu = { .lbr_virt = false }, ryzen = { .lbr_virt = true };

	(void)state;
	check_every_msr(&qemu);
	check_every_msr(&ryzen);
}

static void msrpm_layout_and_examples(void **state)
{
	struct svm_msrpm_opts o = { .lbr_virt = false };

	(void)state;
	svm_msrpm_build(msrpm, &o);
	/* FS_BASE (C000_0100h) passes both ways: vector 2 at 800h, bits
	 * 2 * 100h and 2 * 100h + 1. */
	assert_false(svm_msrpm_intercepts(msrpm, MSR_IA32_FS_BASE, false));
	assert_false(svm_msrpm_intercepts(msrpm, MSR_IA32_FS_BASE, true));
	assert_int_equal(msrpm[0x800 + 2 * 0x100 / 8] & 0x3, 0);
	/* EFER: written under the rule at the exit, and read there too. */
	assert_true(svm_msrpm_intercepts(msrpm, MSR_IA32_EFER, false));
	assert_true(svm_msrpm_intercepts(msrpm, MSR_IA32_EFER, true));
	/* SVM's own MSRs are not on the list: VM_CR, VM_HSAVE_PA. */
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0010114u, false));
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0010117u, true));
	/* Outside the ranges: always. */
	assert_true(svm_msrpm_intercepts(msrpm, 0x40000000u, false));
	assert_true(svm_msrpm_intercepts(msrpm, 0xc0020000u, false));
	/* The reserved fourth vector stays all ones. */
	for (size_t i = 0x1800; i < SVM_MSRPM_SIZE; i++)
		assert_int_equal(msrpm[i], 0xff);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iopm_intercepts_only_kept_ports),
		cmocka_unit_test(msrpm_follows_the_allow_list),
		cmocka_unit_test(msrpm_layout_and_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
