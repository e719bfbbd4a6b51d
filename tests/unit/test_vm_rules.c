/*
 * The vendor-neutral rules of kernel/vm, as pure functions: the guest's
 * CPUID view (vm/cpuid.h), the control-register, EFER and XCR0 rules
 * (vm/cr_rules.h), the MSR policy (vm/msr.h), the verdicts on a stuck
 * guest (vm/verdict.h) and the policy's decisions (vm/policy.h).  A
 * second backend reuses all of them, so they are proved here once.
 */
#include "support.h"

#include <string.h>

#include "config.h"
#include "version.h"
#include "vm/cpuid.h"
#include "vm/cr_rules.h"
#include "vm/msr.h"
#include "vm/policy.h"
#include "vm/verdict.h"

#define CR4_PKE		(1ull << 22)

static const struct cpuid_regs ones = { ~0u, ~0u, ~0u, ~0u };
static const struct cpuid_regs zeros = { 0, 0, 0, 0 };
static const struct vm_cpuid_ctx all_on = { .guest_cr4 = ~0ull, .rdtscp = true,
					    .invpcid = true, .xsaves = true };
static const struct vm_cpuid_ctx all_off = { 0 };

/* ---- CPUID ---- */

static void test_cpuid_own_leaves(void **state)
{
	struct cpuid_regs r;
	char sig[13] = { 0 };

	(void)state;
	assert_true(vm_cpuid_own(HV_CPUID_SIGNATURE, &r));
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	assert_string_equal(sig, HV_SIGNATURE);
	assert_int_equal(r.eax, HV_CPUID_MAX);
	assert_true(vm_cpuid_own(HV_CPUID_VERSION, &r));
	assert_int_equal(r.eax, (SKIFF_VERSION_MAJOR << 16) | SKIFF_VERSION_MINOR);
	assert_int_equal(r.ebx, HC_ABI_VERSION);
	/* Past skiff's last leaf: zeros, as a CPU past its maximum. */
	r = ones;
	assert_true(vm_cpuid_own(0x400000ff, &r));
	assert_memory_equal(&r, &zeros, sizeof(r));
	assert_false(vm_cpuid_own(0x3fffffff, &r));
	assert_false(vm_cpuid_own(0x40000100, &r));
	assert_false(vm_cpuid_own(1, &r));
}

static void test_cpuid_leaf_1_hides_vmx_and_smx_and_mirrors_osxsave(void **state)
{
	struct vm_cpuid_ctx c = all_off;
	struct cpuid_regs r;

	(void)state;
	r = vm_cpuid_edit(1, 0, ones, &c);
	assert_int_equal(r.ecx & (CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_OSXSAVE |
				  CPUID_1_ECX_PDCM | CPUID_1_ECX_TM2), 0);
	assert_true(r.ecx & CPUID_1_ECX_HYPERVISOR);
	assert_int_equal(r.eax, ~0u);
	/* The thermal monitor's MSRs are refused (vm/msr.h). */
	assert_int_equal(r.edx, ~(CPUID_1_EDX_ACPI | CPUID_1_EDX_TM));
	c.guest_cr4 = CR4_OSXSAVE;
	r = vm_cpuid_edit(1, 0, zeros, &c);
	assert_int_equal(r.ecx, CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_HYPERVISOR);
}

/* No performance monitoring: its MSRs are refused (vm/msr.h). */
static void test_cpuid_leaf_a_is_empty(void **state)
{
	struct cpuid_regs r = vm_cpuid_edit(0xa, 0, ones, &all_off);

	(void)state;
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	assert_true(vm_cpuid_leaf_edited(0xa));
}

static void test_cpuid_features_non_root_cannot_run_are_hidden(void **state)
{
	(void)state;
	assert_int_equal(vm_cpuid_edit(7, 0, ones, &all_off).ebx, ~CPUID_7_EBX_INVPCID);
	assert_int_equal(vm_cpuid_edit(7, 0, ones, &all_on).ebx, ~0u);
	assert_int_equal(vm_cpuid_edit(0xd, 1, ones, &all_off).eax, ~CPUID_D1_EAX_XSAVES);
	assert_int_equal(vm_cpuid_edit(0xd, 1, ones, &all_on).eax, ~0u);
	assert_int_equal(vm_cpuid_edit(0x80000001, 0, ones, &all_off).edx,
			 ~CPUID_80000001_EDX_RDTSCP);
	assert_int_equal(vm_cpuid_edit(0x80000001, 0, ones, &all_on).edx, ~0u);
	/* Other subleaves of 7 and 0xd are the CPU's. */
	{
		struct cpuid_regs r7 = vm_cpuid_edit(7, 1, ones, &all_off);
		struct cpuid_regs rd = vm_cpuid_edit(0xd, 0, ones, &all_off);

		assert_memory_equal(&r7, &ones, sizeof(ones));
		assert_memory_equal(&rd, &ones, sizeof(ones));
	}
}

static void test_cpuid_ospke_mirrors_the_guests_cr4(void **state)
{
	struct vm_cpuid_ctx c = all_on;

	(void)state;
	c.guest_cr4 = 0;
	assert_false(vm_cpuid_edit(7, 0, ones, &c).ecx & CPUID_7_ECX_OSPKE);
	c.guest_cr4 = CR4_PKE;
	assert_true(vm_cpuid_edit(7, 0, zeros, &c).ecx & CPUID_7_ECX_OSPKE);
}

/* The one list is complete: every leaf whose answer the view changes, for
 * any input it is given, is a leaf the fast path leaves to the generic
 * path.  A leaf edited in vm_cpuid_edit() but missing from the list fails
 * here. */
static void check_leaf(uint32_t leaf)
{
	const struct cpuid_regs *in[] = { &ones, &zeros };
	const struct vm_cpuid_ctx *ctx[] = { &all_on, &all_off };

	for (uint32_t sub = 0; sub < 4; sub++)
		for (size_t i = 0; i < 2; i++)
			for (size_t j = 0; j < 2; j++) {
				struct cpuid_regs r = vm_cpuid_edit(leaf, sub, *in[i], ctx[j]);

				if (memcmp(&r, in[i], sizeof(r)) != 0 && !vm_cpuid_leaf_edited(leaf))
					fail_msg("leaf 0x%x subleaf %u is edited but not listed",
						 leaf, sub);
			}
}

static void test_cpuid_edited_leaves_are_all_listed(void **state)
{
	(void)state;
	for (uint32_t leaf = 0; leaf < 0x40; leaf++)
		check_leaf(leaf);
	for (uint32_t leaf = 0x80000000u; leaf < 0x80000040u; leaf++)
		check_leaf(leaf);
	for (uint32_t leaf = 0x40000000u; leaf <= 0x400000ffu; leaf++)
		assert_true(vm_cpuid_leaf_edited(leaf));
	assert_false(vm_cpuid_leaf_edited(0));
	assert_false(vm_cpuid_leaf_edited(0x40000100u));
	assert_false(vm_cpuid_leaf_edited(0x80000000u));
	assert_true(vm_cpuid_leaf_edited(0x80000001u));
}

/* ---- control registers, EFER, XCR0 ---- */

#define PROT	(CR0_PE | CR0_ET | CR0_NE)

static struct vm_cr_state real_mode(void)
{
	return (struct vm_cr_state){ .cr0 = CR0_ET | CR0_NE };
}

static struct vm_cr_state long_mode64(void)
{
	return (struct vm_cr_state){ .cr0 = PROT | CR0_PG | CR0_WP, .cr4 = CR4_PAE,
				     .efer = EFER_LME | EFER_LMA, .long_mode = true, .wide = true };
}

static void test_cr0_writes_that_fault(void **state)
{
	struct vm_cr_state s = real_mode(), l = long_mode64();

	(void)state;
	assert_false(vm_cr0_write_faults(&s, PROT));
	assert_true(vm_cr0_write_faults(&s, PROT | (1ull << 32)));
	assert_true(vm_cr0_write_faults(&s, CR0_PG));			/* PG without PE */
	assert_true(vm_cr0_write_faults(&s, PROT | CR0_NW));		/* NW without CD */
	assert_false(vm_cr0_write_faults(&s, PROT | CR0_NW | CR0_CD));
	s.efer = EFER_LME;						/* LME, no PAE */
	assert_true(vm_cr0_write_faults(&s, PROT | CR0_PG));
	s.cr4 = CR4_PAE;
	assert_false(vm_cr0_write_faults(&s, PROT | CR0_PG));
	/* Leaving paging: never in 64-bit mode; in compatibility mode only
	 * without PCIDE. */
	assert_true(vm_cr0_write_faults(&l, PROT | CR0_WP));
	l.wide = false;
	assert_false(vm_cr0_write_faults(&l, PROT | CR0_WP));
	l.cr4 |= CR4_PCIDE;
	assert_true(vm_cr0_write_faults(&l, PROT | CR0_WP));
	/* WP stays set while CET is on. */
	l = long_mode64();
	l.cr4 |= CR4_CET;
	assert_true(vm_cr0_write_faults(&l, PROT | CR0_PG));
	assert_false(vm_cr0_write_faults(&l, PROT | CR0_PG | CR0_WP));
}

static void test_cr0_paging_switches_ia32e_mode(void **state)
{
	struct vm_cr_state s = real_mode(), l = long_mode64();

	(void)state;
	s.cr0 = PROT;
	s.cr4 = CR4_PAE;
	s.efer = EFER_LME;
	assert_int_equal(vm_cr0_write_efer(&s, PROT | CR0_PG), EFER_LME | EFER_LMA);
	assert_int_equal(vm_cr0_write_efer(&s, PROT), EFER_LME);
	l.wide = false;
	assert_int_equal(vm_cr0_write_efer(&l, PROT), EFER_LME);
	assert_int_equal(vm_cr0_write_efer(&l, PROT | CR0_PG), EFER_LME | EFER_LMA);
	/* Paging without LME: no IA-32e mode. */
	s.efer = 0;
	assert_int_equal(vm_cr0_write_efer(&s, PROT | CR0_PG), 0);
}

static void test_cr4_writes_that_fault(void **state)
{
	struct vm_cr_state s = real_mode(), l = long_mode64();

	(void)state;
	assert_false(vm_cr4_write_faults(&s, CR4_PAE | CR4_PGE, 0));
	assert_true(vm_cr4_write_faults(&s, CR4_VMXE, 0));		/* VMX is hidden */
	assert_true(vm_cr4_write_faults(&s, CR4_SMEP, CR4_SMEP));	/* unsupported */
	assert_true(vm_cr4_write_faults(&s, CR4_PCIDE, 0));		/* outside IA-32e */
	assert_true(vm_cr4_write_faults(&l, 0, 0));			/* PAE cleared in IA-32e */
	assert_true(vm_cr4_write_faults(&l, CR4_PAE | CR4_LA57, 0));	/* LA57 changed */
	assert_false(vm_cr4_write_faults(&l, CR4_PAE | CR4_PCIDE, 0));
	l.cr3 = 0x1001;
	assert_true(vm_cr4_write_faults(&l, CR4_PAE | CR4_PCIDE, 0));	/* CR3[11:0] != 0 */
	l.cr4 |= CR4_PCIDE;						/* already set: fine */
	assert_false(vm_cr4_write_faults(&l, CR4_PAE | CR4_PCIDE, 0));
	l.cr0 &= ~CR0_WP;
	assert_true(vm_cr4_write_faults(&l, CR4_PAE | CR4_CET, 0));	/* CET without WP */
}

static void test_cr3_noflush_bit(void **state)
{
	struct vm_cr_state l = long_mode64();

	(void)state;
	assert_int_equal(vm_cr3_write_value(&l, CR3_NOFLUSH | 0x5000), CR3_NOFLUSH | 0x5000);
	l.cr4 |= CR4_PCIDE;
	assert_int_equal(vm_cr3_write_value(&l, CR3_NOFLUSH | 0x5000), 0x5000);
}

static void test_efer_writes(void **state)
{
	struct vm_cr_state s = real_mode(), l = long_mode64();

	(void)state;
	assert_false(vm_efer_write_faults(&s, EFER_SCE | EFER_LME, false));
	assert_true(vm_efer_write_faults(&s, EFER_NXE, false));		/* no NX on this CPU */
	assert_false(vm_efer_write_faults(&s, EFER_NXE, true));
	assert_true(vm_efer_write_faults(&s, 1ull << 1, true));		/* reserved */
	assert_true(vm_efer_write_faults(&l, EFER_LMA, true));		/* LME cleared with PG */
	assert_false(vm_efer_write_faults(&l, EFER_LME | EFER_LMA | EFER_SCE, true));
	/* LMA is the CPU's: a write neither sets nor clears it. */
	assert_int_equal(vm_efer_write_value(&l, EFER_LME), EFER_LME | EFER_LMA);
	assert_int_equal(vm_efer_write_value(&s, EFER_LME | EFER_LMA), EFER_LME);
}

static void test_xcr0_values(void **state)
{
	const uint64_t all = 0xff;

	(void)state;
	assert_true(vm_xcr0_valid(0x1, all));
	assert_true(vm_xcr0_valid(0x7, all));
	assert_true(vm_xcr0_valid(0xe7, all));
	assert_false(vm_xcr0_valid(0x0, all));		/* x87 must stay */
	assert_false(vm_xcr0_valid(0x5, all));		/* AVX without SSE */
	assert_false(vm_xcr0_valid(0x67, all));		/* AVX-512, not all three */
	assert_false(vm_xcr0_valid(0xe3, all));		/* AVX-512 without AVX */
	assert_false(vm_xcr0_valid(0x9, all));		/* BNDREGS without BNDCSR */
	assert_true(vm_xcr0_valid(0x19, all));
	assert_false(vm_xcr0_valid(0x7, 0x3));		/* AVX unsupported */
}

/* ---- MSRs ---- */

static void test_msr_policy(void **state)
{
	(void)state;
	assert_int_equal(vm_msr_rule(MSR_IA32_FEATURE_CONTROL, false), VM_MSR_LOCKED_OFF);
	assert_int_equal(vm_msr_rule(MSR_IA32_FEATURE_CONTROL, true), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(VM_MSR_VMX_FIRST, false), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(VM_MSR_VMX_LAST, true), VM_MSR_GP);
	/* An allow-list: what it does not name is refused, reads and writes. */
	assert_int_equal(vm_msr_rule(VM_MSR_VMX_FIRST - 1, false), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(VM_MSR_VMX_LAST + 1, true), VM_MSR_REFUSED);
	assert_int_equal(vm_msr_rule(0x11, true), VM_MSR_REFUSED);
	assert_int_equal(vm_msr_rule(0x12345678, false), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(VM_MSR_DS_AREA, true), VM_MSR_REFUSED);	/* PEBS, BTS */
	assert_int_equal(vm_msr_rule(0x3f1, true), VM_MSR_REFUSED);		/* PEBS_ENABLE */
	assert_int_equal(vm_msr_rule(VM_MSR_SMRR_PHYSBASE, true), VM_MSR_REFUSED);
	assert_int_equal(vm_msr_rule(VM_MSR_SMRR_PHYSMASK, false), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(VM_MSR_BIOS_UPDT_TRIG, true), VM_MSR_REFUSED);	/* microcode */
	assert_int_equal(vm_msr_rule(VM_MSR_MC_BANKS_FIRST, true), VM_MSR_REFUSED);
	assert_int_equal(vm_msr_rule(VM_MSR_MCG_CAP, false), VM_MSR_NO_BANKS);
	assert_int_equal(vm_msr_rule(VM_MSR_MISC_ENABLE, true), VM_MSR_COPY);
	assert_int_equal(vm_msr_rule(VM_MSR_MISC_ENABLE, false), VM_MSR_COPY);
	/* The MTRRs are the guest's view, IA32_MTRRCAP read-only; PAT the
	 * guest's where the VMCS switches it. */
	assert_int_equal(vm_msr_rule(VM_MSR_MTRRCAP, false), VM_MSR_MTRR);
	assert_int_equal(vm_msr_rule(VM_MSR_MTRRCAP, true), VM_MSR_GP);
	assert_int_equal(vm_msr_rule(0x200, true), VM_MSR_MTRR);
	assert_int_equal(vm_msr_rule(0x26f, true), VM_MSR_MTRR);
	assert_int_equal(vm_msr_rule(VM_MSR_MTRR_DEF_TYPE, true), VM_MSR_MTRR);
	assert_int_equal(vm_msr_rule(MSR_IA32_PAT, false), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_PAT, true), VM_MSR_PAT);
	/* What the VMCS switches, or skiff never uses, is the guest's. */
	assert_int_equal(vm_msr_rule(MSR_IA32_SYSENTER_EIP, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_LSTAR, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_KERNEL_GS_BASE, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(VM_MSR_TSC_AUX, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(VM_MSR_X2APIC_FIRST, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(VM_MSR_X2APIC_LAST, true), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(VM_MSR_X2APIC_LAST + 1, true), VM_MSR_REFUSED);
	assert_non_null(strstr(vm_msr_refusal(VM_MSR_DS_AREA), "debug store"));
	assert_non_null(strstr(vm_msr_refusal(0x11), "not on skiff's list"));
	assert_int_equal(vm_msr_rule(MSR_IA32_EFER, false), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_EFER, true), VM_MSR_EFER);
	assert_int_equal(vm_msr_rule(MSR_IA32_APIC_BASE, false), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_APIC_BASE, true), VM_MSR_APIC_BASE);
	assert_int_equal(vm_msr_rule(VM_MSR_X2APIC_ICR_NR, false), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(VM_MSR_X2APIC_ICR_NR, true), VM_MSR_X2APIC_ICR);
	/* The APIC's base stays; its mode bits (BSP, x2APIC, enable) are free. */
	assert_true(vm_apic_base_write_ok(0xfee00900));
	assert_true(vm_apic_base_write_ok(0xfee00d00));
	assert_true(vm_apic_base_write_ok(0xfee00000));
	assert_false(vm_apic_base_write_ok(0x01000900));
	assert_false(vm_apic_base_write_ok(0xfee01900));
	assert_false(vm_apic_base_write_ok(0x1fee00900ull));
	/* The guest's clock: IA32_TSC read as the CPU offsets it, written
	 * through the offset; TSC_ADJUST kept by skiff both ways. */
	assert_int_equal(vm_msr_rule(MSR_IA32_TSC, false), VM_MSR_PASS);
	assert_int_equal(vm_msr_rule(MSR_IA32_TSC, true), VM_MSR_TSC);
	assert_int_equal(vm_msr_rule(MSR_IA32_TSC_ADJUST, false), VM_MSR_TSC);
	assert_int_equal(vm_msr_rule(MSR_IA32_TSC_ADJUST, true), VM_MSR_TSC);
	assert_true(VM_MSR_FEATURE_CONTROL_VALUE & 1);		/* locked */
	assert_false(VM_MSR_FEATURE_CONTROL_VALUE & 6);		/* VMX off */
}

/* Each range says why, the ranges ascend, and no MSR is in two (the
 * first would win silently). */
static void test_msr_table_is_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; i < vm_msr_range_count; i++) {
		const struct vm_msr_range *a = &vm_msr_ranges[i];

		assert_true(a->first <= a->last);
		assert_non_null(a->why);
		if (i > 0)
			assert_true(vm_msr_ranges[i - 1].last < a->first);
		for (size_t j = i + 1; j < vm_msr_range_count; j++) {
			const struct vm_msr_range *b = &vm_msr_ranges[j];

			assert_true(a->last < b->first || b->last < a->first);
		}
	}
}

/* ---- verdicts ---- */

static void test_exception_streak(void **state)
{
	struct vm_streak s = { 0 };

	(void)state;
	for (unsigned i = 1; i < 5; i++)
		assert_false(vm_streak_exception(&s, 17, 0x1000, 5));
	assert_true(vm_streak_exception(&s, 17, 0x1000, 5));
	assert_int_equal(s.count, 5);
	vm_streak_end(&s);
	/* A moving RIP (single-stepping) or another vector starts afresh. */
	for (unsigned i = 0; i < 20; i++)
		assert_false(vm_streak_exception(&s, 1, 0x1000 + i, 5));
	for (unsigned i = 0; i < 20; i++)
		assert_false(vm_streak_exception(&s, i % 2 ? 1 : 17, 0x2000, 5));
	/* Any other exit ends the streak. */
	for (unsigned i = 0; i < 4; i++)
		assert_false(vm_streak_exception(&s, 1, 0x3000, 5));
	vm_streak_end(&s);
	assert_false(vm_streak_exception(&s, 1, 0x3000, 5));
}

static void test_watchdog_ticks(void **state)
{
	struct vm_watchdog w = { .quiet_exits = UINT64_MAX };

	(void)state;
	/* The first tick starts the count. */
	assert_false(vm_watchdog_tick_is_hang(&w, 1000, 7, false, 500));
	assert_false(vm_watchdog_tick_is_hang(&w, 1400, 7, false, 500));
	assert_true(vm_watchdog_tick_is_hang(&w, 1500, 7, false, 500));
	/* Interrupts on: the guest may be computing. */
	assert_false(vm_watchdog_tick_is_hang(&w, 9000, 7, true, 500));
	/* Another exit since: progress, the count starts again. */
	assert_false(vm_watchdog_tick_is_hang(&w, 9000, 8, false, 500));
	assert_false(vm_watchdog_tick_is_hang(&w, 9499, 8, false, 500));
	assert_true(vm_watchdog_tick_is_hang(&w, 9500, 8, false, 500));
	assert_true(vm_watchdog_expired_is_hang(false));
	assert_false(vm_watchdog_expired_is_hang(true));
}

static void test_hlt_and_init(void **state)
{
	(void)state;
	assert_true(vm_hlt_is_hang(false, true));
	assert_false(vm_hlt_is_hang(true, true));
	assert_false(vm_hlt_is_hang(false, false));	/* a parked AP */
	assert_false(vm_hlt_is_hang(true, false));
	assert_int_equal(vm_init_signal(true), VM_INIT_INCIDENT);
	assert_int_equal(vm_init_signal(false), VM_INIT_WAIT_SIPI);
}

/* ---- policy ---- */

static void test_policy_defaults_and_command_line(void **state)
{
	struct vm_policy p;

	(void)state;
	vm_policy_init(&p, "");
	assert_int_equal(p.on_finish, CONFIG_ON_GUEST_FINISH);
	assert_int_equal(p.on_crash, CONFIG_ON_GUEST_CRASH);
	assert_int_equal(p.restarts, CONFIG_RESTART_LIMIT);
	assert_int_equal(p.watchdog_ms, CONFIG_WATCHDOG_MS);
	vm_policy_init(&p, "on_crash=restart restarts=7 backoff=5 watchdog=0 on_hang=halt");
	assert_int_equal(p.on_crash, POLICY_RESTART);
	assert_int_equal(p.on_hang, POLICY_HALT);
	assert_int_equal(p.restarts, 7);
	assert_int_equal(p.backoff_ms, 5);
	assert_int_equal(p.watchdog_ms, 0);
	/* on_exit is on_finish's older name; on_finish wins. */
	vm_policy_init(&p, "on_exit=halt");
	assert_int_equal(p.on_finish, POLICY_HALT);
	vm_policy_init(&p, "on_exit=halt on_finish=restart");
	assert_int_equal(p.on_finish, POLICY_RESTART);
	vm_policy_init(&p, "on_finish=restart on_exit=halt");
	assert_int_equal(p.on_finish, POLICY_RESTART);
	/* A malformed value keeps the default (cmdline_check() says so). */
	vm_policy_init(&p, "on_exit=reboot restarts=3x");
	assert_int_equal(p.on_finish, CONFIG_ON_GUEST_FINISH);
	assert_int_equal(p.restarts, CONFIG_RESTART_LIMIT);
}

static void test_policy_decisions(void **state)
{
	struct vm_policy p = { .restarts = 5, .backoff_ms = 100, .backoff_max_ms = 350 };
	struct vm_decision d;
	static const unsigned backoff[] = { 100, 200, 350, 350, 350 };

	(void)state;
	d = vm_policy_decide(&p, POLICY_POWER_OFF, 0);
	assert_int_equal(d.action, VM_DECIDE_STOP);
	assert_int_equal(d.stop_policy, POLICY_POWER_OFF);
	assert_false(d.limit_reached);
	d = vm_policy_decide(&p, POLICY_HALT, 0);
	assert_int_equal(d.stop_policy, POLICY_HALT);
	for (unsigned done = 0; done < 5; done++) {
		d = vm_policy_decide(&p, POLICY_RESTART, done);
		assert_int_equal(d.action, VM_DECIDE_RESTART);
		assert_int_equal(d.restart, done + 1);
		assert_int_equal(d.backoff_ms, backoff[done]);
	}
	d = vm_policy_decide(&p, POLICY_RESTART, 5);
	assert_int_equal(d.action, VM_DECIDE_STOP);
	assert_true(d.limit_reached);
	assert_int_equal(d.stop_policy, POLICY_POWER_OFF);
	p.restarts = 0;
	assert_true(vm_policy_decide(&p, POLICY_RESTART, 0).limit_reached);
	assert_string_equal(vm_policy_name(POLICY_RESTART), "restart");
	assert_string_equal(vm_policy_name(POLICY_HALT), "halt");
	assert_string_equal(vm_policy_name(POLICY_POWER_OFF), "power off");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_own_leaves),
		cmocka_unit_test(test_cpuid_leaf_1_hides_vmx_and_smx_and_mirrors_osxsave),
		cmocka_unit_test(test_cpuid_leaf_a_is_empty),
		cmocka_unit_test(test_cpuid_features_non_root_cannot_run_are_hidden),
		cmocka_unit_test(test_cpuid_ospke_mirrors_the_guests_cr4),
		cmocka_unit_test(test_cpuid_edited_leaves_are_all_listed),
		cmocka_unit_test(test_cr0_writes_that_fault),
		cmocka_unit_test(test_cr0_paging_switches_ia32e_mode),
		cmocka_unit_test(test_cr4_writes_that_fault),
		cmocka_unit_test(test_cr3_noflush_bit),
		cmocka_unit_test(test_efer_writes),
		cmocka_unit_test(test_xcr0_values),
		cmocka_unit_test(test_msr_policy),
		cmocka_unit_test(test_msr_table_is_well_formed),
		cmocka_unit_test(test_exception_streak),
		cmocka_unit_test(test_watchdog_ticks),
		cmocka_unit_test(test_hlt_and_init),
		cmocka_unit_test(test_policy_defaults_and_command_line),
		cmocka_unit_test(test_policy_decisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
