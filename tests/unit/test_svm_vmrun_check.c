/*
 * The software VMRUN consistency checker (kernel/svm/diag/vmrun_check.c):
 * a VMCB as skiff would start a Multiboot2 guest passes; each rule of APM
 * Vol. 2 15.5.1, broken alone, is the one reported.  Also the VMCB layout
 * of appendix B, which kernel/svm/vmcb.h asserts at compile time.
 */
#include "support.h"

#include <string.h>

#include "svm/caps.h"
#include "svm/diag/vmrun_check.h"
#include "svm/vmcb.h"
#include "x86.h"

static struct vmcb vmcb;
static const char *failed[32];
static unsigned nfailed;

static const struct svm_vmrun_limits limits = {
	.phys_addr_width = 40,
	.long_mode = true,
	.efer_defined = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE | EFER_SVME | (7ull << 13),
	.cr4_defined = 0x1fffull | (7ull << 16) | (7ull << 20),
};

static void collect(void *arg, const char *rule)
{
	(void)arg;
	if (nfailed < 32)
		failed[nfailed] = rule;
	nfailed++;
}

/* The Multiboot2 entry state (32-bit protected mode, paging off) with
 * nested paging, as skiff means to start its guest. */
static void good_vmcb(void)
{
	memset(&vmcb, 0, sizeof(vmcb));
	vmcb.control.intercept_misc1 = SVM_INTERCEPT_CPUID | SVM_INTERCEPT_IOIO_PROT |
				       SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_SHUTDOWN;
	vmcb.control.intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL;
	vmcb.control.iopm_base_pa = 0x1fd20000;
	vmcb.control.msrpm_base_pa = 0x1fd24000;
	vmcb.control.guest_asid = 1;
	vmcb.control.np_control = SVM_NP_ENABLE;
	vmcb.control.n_cr3 = 0x1fd30000;
	vmcb.save.cs = (struct vmcb_segment){ .selector = 0x10, .attrib = 0xc9b, .limit = 0xffffffff };
	vmcb.save.cr0 = 0x11;			/* PE, ET */
	vmcb.save.efer = EFER_SVME;
	vmcb.save.dr6 = 0xffff0ff0;
	vmcb.save.dr7 = 0x400;
	vmcb.save.rflags = 0x2;
	vmcb.save.rip = 0x100030;
	vmcb.save.g_pat = 0x0007040600070406ull;	/* the power-on PAT */
	nfailed = 0;
}

static void expect_only(const char *rule)
{
	unsigned n = svm_vmrun_check(&vmcb, &limits, collect, NULL);

	if (n != 1 || nfailed != 1 || !strstr(failed[0], rule))
		fail_msg("expected only \"%s\", got %u failures, the first \"%s\"", rule, n,
			 nfailed ? failed[0] : "(none)");
}

static void multiboot2_entry_state_passes(void **state)
{
	(void)state;
	good_vmcb();
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
	/* 64-bit mode, as a restart of a long-mode guest would leave it. */
	vmcb.save.efer |= EFER_LME | EFER_LMA;
	vmcb.save.cr0 |= 1ull << 31;
	vmcb.save.cr4 = 1ull << 5;
	vmcb.save.cs.attrib = 0xa9b;		/* L, not D */
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
}

/* The three checks both emulators here were seen to enforce
 * (docs/emulators.md): ASID 0, VMRUN intercept clear, EFER.SVME clear. */
static void the_checks_the_emulators_enforce(void **state)
{
	(void)state;
	good_vmcb();
	vmcb.control.guest_asid = 0;
	expect_only("ASID is zero");
	good_vmcb();
	vmcb.control.intercept_misc2 &= ~SVM_INTERCEPT_VMRUN;
	expect_only("VMRUN intercept bit is clear");
	good_vmcb();
	vmcb.save.efer &= ~EFER_SVME;
	expect_only("EFER.SVME is zero");
	/* Bochs rejects an invalid G_PAT too, QEMU does not. */
	good_vmcb();
	vmcb.save.g_pat = 0x0007040600070402ull;
	expect_only("G_PAT");
	good_vmcb();
	vmcb.save.g_pat = 0x0007040600070446ull;	/* a reserved bit */
	expect_only("G_PAT");
	good_vmcb();
	vmcb.control.np_control = 0;			/* no nested paging: no G_PAT */
	vmcb.save.g_pat = 0x0007040600070402ull;
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
}

static void control_register_rules(void **state)
{
	(void)state;
	good_vmcb();
	vmcb.save.cr0 |= 1ull << 29;			/* NW without CD */
	expect_only("CR0.CD is zero and CR0.NW is set");
	good_vmcb();
	vmcb.save.cr0 |= (1ull << 29) | (1ull << 30);	/* both: allowed */
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
	good_vmcb();
	vmcb.save.cr0 |= 1ull << 32;
	expect_only("CR0[63:32]");
	good_vmcb();
	vmcb.save.cr3 = 1ull << 32;			/* legacy mode: 32-bit CR3 */
	expect_only("CR3");
	good_vmcb();
	vmcb.save.cr4 = 1ull << 13;			/* VMXE: not on AMD */
	expect_only("CR4");
	good_vmcb();
	vmcb.save.dr6 |= 1ull << 40;
	expect_only("DR6");
	good_vmcb();
	vmcb.save.dr7 |= 1ull << 40;
	expect_only("DR7");
	good_vmcb();
	vmcb.save.efer |= 1ull << 1;
	expect_only("EFER is set");
}

static void long_mode_rules(void **state)
{
	struct svm_vmrun_limits no_lm = limits;

	(void)state;
	no_lm.long_mode = false;
	no_lm.efer_defined &= ~(EFER_LME | EFER_LMA);
	good_vmcb();
	vmcb.save.efer |= EFER_LME;
	vmcb.save.cr0 |= 1ull << 31;
	expect_only("CR4.PAE is zero");
	good_vmcb();
	vmcb.save.efer |= EFER_LME;
	vmcb.save.cr0 = (1ull << 31) | 0x10;		/* PG without PE */
	vmcb.save.cr4 = 1ull << 5;
	expect_only("CR0.PE is zero");
	good_vmcb();
	vmcb.save.efer |= EFER_LME | EFER_LMA;
	vmcb.save.cr0 |= 1ull << 31;
	vmcb.save.cr4 = 1ull << 5;
	vmcb.save.cs.attrib = 0xe9b;			/* L and D */
	expect_only("CS.L and CS.D");
	good_vmcb();
	vmcb.save.efer |= EFER_LME;
	nfailed = 0;
	/* Without long mode LME is also an MBZ bit of EFER: both rules. */
	assert_int_equal(svm_vmrun_check(&vmcb, &no_lm, collect, NULL), 2);
	assert_non_null(strstr(failed[1], "no long mode"));
	/* In long mode CR3 may be 52 bits wide, within MAXPHYADDR. */
	good_vmcb();
	vmcb.save.efer |= EFER_LME | EFER_LMA;
	vmcb.save.cr0 |= 1ull << 31;
	vmcb.save.cr4 = 1ull << 5;
	vmcb.save.cs.attrib = 0xa9b;
	vmcb.save.cr3 = 1ull << 39;
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
	assert_false(svm_vmrun_cr3_mbz(&vmcb.save, &limits));
	vmcb.save.cr3 = 1ull << 40;
	expect_only("CR3");
	assert_true(svm_vmrun_cr3_mbz(&vmcb.save, &limits));	/* the check alone, for the handler */
}

static void control_area_rules(void **state)
{
	(void)state;
	good_vmcb();
	vmcb.control.msrpm_base_pa = (1ull << 40) - 4096;	/* its second page is beyond */
	expect_only("MSR permission map");
	good_vmcb();
	vmcb.control.iopm_base_pa = (1ull << 40) - 8192;
	expect_only("I/O permission map");
	good_vmcb();
	vmcb.control.eventinj = SVM_EVENTINJ_VALID | (1ull << 8) | 32;	/* type 1: reserved */
	expect_only("EVENTINJ");
	good_vmcb();
	vmcb.control.eventinj = SVM_EVENTINJ_VALID | (3ull << 8) | 2;	/* exception 2 */
	expect_only("EVENTINJ");
	good_vmcb();
	vmcb.control.eventinj = SVM_EVENTINJ_VALID | (3ull << 8) | 13 | SVM_EVENTINJ_EV;	/* #GP */
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
	good_vmcb();
	vmcb.control.eventinj = (1ull << 8) | 32;	/* not valid: not checked */
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 0);
}

/* Several broken rules are all reported, not just the first. */
static void every_failure_is_reported(void **state)
{
	(void)state;
	good_vmcb();
	vmcb.control.guest_asid = 0;
	vmcb.save.efer = 0;
	vmcb.save.dr7 |= 1ull << 33;
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, collect, NULL), 3);
	assert_int_equal(svm_vmrun_check(&vmcb, &limits, NULL, NULL), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(multiboot2_entry_state_passes),
		cmocka_unit_test(the_checks_the_emulators_enforce),
		cmocka_unit_test(control_register_rules),
		cmocka_unit_test(long_mode_rules),
		cmocka_unit_test(control_area_rules),
		cmocka_unit_test(every_failure_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
