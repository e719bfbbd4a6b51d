/*
 * RDMSR/WRMSR: skiff keeps VT-x to itself (IA32_FEATURE_CONTROL reads
 * locked with VMXON disallowed and cannot be written; the VMX capability
 * MSRs do not exist for the guest), guards EFER's reserved bits as the CPU
 * does, lets the guest's own MSRs through, gives it MTRRs and a
 * MISC_ENABLE of its own, and refuses every MSR not on its list.
 */
#include "fault.h"
#include "selftest.h"
#include "x86.h"

#define FEATURE_CONTROL_LOCK		(1u << 0)
#define FEATURE_CONTROL_VMXON_IN_SMX	(1u << 1)
#define FEATURE_CONTROL_VMXON		(1u << 2)
#define EFER_RESERVED_BIT		(1u << 2)	/* between SCE (0) and LME (8) */
#define SYSENTER_CS_PATTERN		0x5a5a

/* A check that wants a value reads it with this: FAIL says why. */
static enum result read_msr(uint32_t msr, uint64_t *value)
{
	int vec = rdmsr_safe(msr, value);

	if (vec != FAULT_NONE)
		return fail("RDMSR 0x%x raised %s", msr, fault_name(vec));
	return PASS;
}

static enum result feature_control_locked(void)
{
	uint64_t v;

	if (read_msr(MSR_IA32_FEATURE_CONTROL, &v) == FAIL)
		return FAIL;
	if (!(v & FEATURE_CONTROL_LOCK) ||
	    (v & (FEATURE_CONTROL_VMXON_IN_SMX | FEATURE_CONTROL_VMXON)))
		return fail("value 0x%08x: want lock (bit 0) set, bits 1 and 2 clear",
			    (uint32_t)v);
	return PASS;
}

static enum result feature_control_write_gp(void)
{
	uint64_t v = 0;
	int vec;

	/* Writing back what it reads is harmless should the write succeed. */
	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);
	vec = wrmsr_safe(MSR_IA32_FEATURE_CONTROL, v);
	if (vec != VEC_GP)
		return fail("WRMSR raised %s, not #GP", fault_name(vec));
	return PASS;
}

static enum result vmx_caps_gp(void)
{
	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_VMFUNC; msr++) {
		uint64_t v;
		int vec = rdmsr_safe(msr, &v);

		if (vec != VEC_GP)
			return fail("RDMSR 0x%x raised %s, not #GP", msr, fault_name(vec));
	}
	return PASS;
}

static enum result efer_reserved_gp(void)
{
	uint64_t efer;
	int vec;

	if (read_msr(MSR_IA32_EFER, &efer) == FAIL)
		return FAIL;
	vec = wrmsr_safe(MSR_IA32_EFER, efer | EFER_RESERVED_BIT);
	if (vec == FAULT_NONE)
		wrmsr_safe(MSR_IA32_EFER, efer);	/* undo it */
	if (vec != VEC_GP)
		return fail("WRMSR of 0x%08x raised %s, not #GP",
			    (uint32_t)efer | EFER_RESERVED_BIT, fault_name(vec));
	return PASS;
}

static enum result efer_write_back(void)
{
	uint64_t efer, again;
	int vec;

	if (read_msr(MSR_IA32_EFER, &efer) == FAIL)
		return FAIL;
	vec = wrmsr_safe(MSR_IA32_EFER, efer);
	if (vec != FAULT_NONE)
		return fail("WRMSR of its own value 0x%08x raised %s", (uint32_t)efer,
			    fault_name(vec));
	if (read_msr(MSR_IA32_EFER, &again) == FAIL)
		return FAIL;
	if (again != efer)
		return fail("wrote 0x%08x, read 0x%08x", (uint32_t)efer, (uint32_t)again);
	return PASS;
}

static enum result sysenter_cs(void)
{
	uint64_t saved, got;
	int vec;

	if (read_msr(MSR_IA32_SYSENTER_CS, &saved) == FAIL)
		return FAIL;
	vec = wrmsr_safe(MSR_IA32_SYSENTER_CS, SYSENTER_CS_PATTERN);
	if (vec != FAULT_NONE)
		return fail("WRMSR raised %s", fault_name(vec));
	if (read_msr(MSR_IA32_SYSENTER_CS, &got) == FAIL)
		return FAIL;
	wrmsr_safe(MSR_IA32_SYSENTER_CS, saved);
	if (got != SYSENTER_CS_PATTERN)
		return fail("wrote 0x%x, read 0x%08x", SYSENTER_CS_PATTERN, (uint32_t)got);
	return PASS;
}

/*
 * The MSRs that are the guest's alone (skiff lets them through, or
 * switches them at VM entry and exit): each written with a pattern reads
 * it back, and gets its old value again.  Patterns are canonical and valid
 * for their MSR (PAT: write-back and uncacheable types only).
 */
static const struct {
	uint32_t msr;
	const char *name;
	uint64_t pattern;
} own_msrs[] = {
	{ 0x174, "SYSENTER_CS", 0x5a5a },
	{ 0x175, "SYSENTER_ESP", 0x12345678 },
	{ 0x176, "SYSENTER_EIP", 0x23456789 },
	{ 0x277, "PAT", 0x0006000600060006ull },
	{ 0xc0000081, "STAR", 0x0023001000000000ull },
	{ 0xc0000082, "LSTAR", 0x0000123456789000ull },
	{ 0xc0000084, "SFMASK", 0x47700 },
	{ 0xc0000100, "FS_BASE", 0x0000234567890000ull },
	{ 0xc0000101, "GS_BASE", 0x0000345678900000ull },
	{ 0xc0000102, "KERNEL_GS_BASE", 0x0000456789000000ull },
};

static enum result own_msrs_round_trip(void)
{
	for (unsigned i = 0; i < sizeof(own_msrs) / sizeof(own_msrs[0]); i++) {
		uint64_t saved, got;
		int vec;

		if (read_msr(own_msrs[i].msr, &saved) == FAIL)
			return FAIL;
		vec = wrmsr_safe(own_msrs[i].msr, own_msrs[i].pattern);
		if (vec != FAULT_NONE)
			return fail("WRMSR %s raised %s", own_msrs[i].name, fault_name(vec));
		if (read_msr(own_msrs[i].msr, &got) == FAIL)
			return FAIL;
		wrmsr_safe(own_msrs[i].msr, saved);
		if (got != own_msrs[i].pattern)
			return fail("%s: wrote 0x%x%08x, read 0x%x%08x", own_msrs[i].name,
				    (uint32_t)(own_msrs[i].pattern >> 32), (uint32_t)own_msrs[i].pattern,
				    (uint32_t)(got >> 32), (uint32_t)got);
	}
	return PASS;
}

/*
 * The guest's MTRRs are its own view (skiff's vm/mtrr_view.h): a free
 * variable range set over guest RAM reads back as written, a reserved type
 * raises #GP as on a CPU, and IA32_MTRRCAP is read-only.  The range is
 * cleared again.
 */
#define MSR_MTRRCAP		0xfe
#define MSR_MTRR_PHYSBASE0	0x200
#define MTRR_VALID		(1u << 11)
#define MTRR_TYPE_WT		4
#define MTRR_RANGE_BASE		0x00400000u	/* 2 MiB of guest RAM at 4 MiB */
#define MTRR_RANGE_MASK		0xffe00000u	/* 2 MiB */

static enum result mtrr_view(void)
{
	uint64_t cap, base = 0, mask = 0, got_base = 0, got_mask = 0;
	unsigned n, vcnt;
	int vec;

	if (!(cpuid(1, 0).edx & (1u << 12)))
		return skip("no MTRRs (CPUID.01H:EDX.MTRR)");
	if (read_msr(MSR_MTRRCAP, &cap) == FAIL)
		return FAIL;
	vcnt = cap & 0xff;
	for (n = 0; n < vcnt; n++) {
		if (read_msr(MSR_MTRR_PHYSBASE0 + 2 * n + 1, &mask) == FAIL)
			return FAIL;
		if (!(mask & MTRR_VALID))
			break;
	}
	if (n == vcnt)
		return skip("every variable range is in use");
	if (cap & (1u << 11))
		return fail("IA32_MTRRCAP shows SMRR (0x%x), which skiff refuses", (uint32_t)cap);
	vec = wrmsr_safe(MSR_MTRRCAP, cap);
	if (vec != VEC_GP)
		return fail("WRMSR IA32_MTRRCAP raised %s, not #GP", fault_name(vec));
	vec = wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, MTRR_RANGE_BASE | 2);	/* type 2: reserved */
	if (vec != VEC_GP)
		return fail("PHYSBASE%u with type 2 raised %s, not #GP", n, fault_name(vec));
	base = MTRR_RANGE_BASE | MTRR_TYPE_WT;
	mask = (uint64_t)(MTRR_RANGE_MASK | MTRR_VALID) | ((1ull << 36) - 1 - 0xffffffffull);
	if (wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, base) != FAULT_NONE ||
	    wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n + 1, mask) != FAULT_NONE)
		return fail("WRMSR of PHYSBASE%u/PHYSMASK%u faulted", n, n);
	read_msr(MSR_MTRR_PHYSBASE0 + 2 * n, &got_base);
	read_msr(MSR_MTRR_PHYSBASE0 + 2 * n + 1, &got_mask);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n + 1, 0);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, 0);
	if (got_base != base || got_mask != mask)
		return fail("range %u wrote 0x%x/0x%x%08x, read 0x%x/0x%x%08x", n, (uint32_t)base,
			    (uint32_t)(mask >> 32), (uint32_t)mask, (uint32_t)got_base,
			    (uint32_t)(got_mask >> 32), (uint32_t)got_mask);
	return PASS;
}

/* IA32_MISC_ENABLE: the guest's copy reads back what it wrote (bit 0,
 * fast strings); the real one, whose bits are the package's, stays. */
#define MSR_MISC_ENABLE		0x1a0

static enum result misc_enable_copy(void)
{
	uint64_t before, got = 0;
	int vec = rdmsr_safe(MSR_MISC_ENABLE, &before);

	if (vec == VEC_GP)
		return skip("no IA32_MISC_ENABLE on this CPU");
	if (vec != FAULT_NONE)
		return fail("RDMSR IA32_MISC_ENABLE raised %s", fault_name(vec));
	vec = wrmsr_safe(MSR_MISC_ENABLE, before ^ 1);
	read_msr(MSR_MISC_ENABLE, &got);
	wrmsr_safe(MSR_MISC_ENABLE, before);
	if (vec != FAULT_NONE || got != (before ^ 1))
		return fail("WRMSR raised %s; wrote 0x%x, read 0x%x", fault_name(vec),
			    (uint32_t)(before ^ 1), (uint32_t)got);
	return PASS;
}

/* The guest's TSC is its own (skiff moves the VMCS TSC offset): written
 * small, RDTSC counts on from there; written back, it continues. */
#define MSR_TSC		0x10
#define TSC_SMALL	0x100000ull

static enum result tsc_own(void)
{
	uint64_t before = rdtsc(), after;
	int vec = wrmsr_safe(MSR_TSC, TSC_SMALL);

	after = rdtsc();
	wrmsr_safe(MSR_TSC, before + (after - TSC_SMALL) + 1000);
	if (vec != FAULT_NONE)
		return fail("WRMSR IA32_TSC raised %s", fault_name(vec));
	if (after < TSC_SMALL || after >= before)
		return fail("RDTSC read 0x%x%08x after writing 0x%x (before: 0x%x%08x)",
			    (uint32_t)(after >> 32), (uint32_t)after, (uint32_t)TSC_SMALL,
			    (uint32_t)(before >> 32), (uint32_t)before);
	return PASS;
}

/* An MSR on no list (0x11: reserved on every Intel CPU) raises #GP. */
static enum result unlisted_gp(void)
{
	uint64_t v;
	int rd = rdmsr_safe(0x11, &v), wr = wrmsr_safe(0x11, 0);

	if (rd != VEC_GP || wr != VEC_GP)
		return fail("RDMSR raised %s, WRMSR %s; want #GP for both", fault_name(rd),
			    fault_name(wr));
	return PASS;
}

const struct check msr_checks[] = {
	{ .name = "msr-feature-control-locked", .run = feature_control_locked },
	{ .name = "msr-feature-control-write-gp", .run = feature_control_write_gp },
	{ .name = "msr-vmx-caps-gp", .run = vmx_caps_gp },
	{ .name = "msr-efer-reserved-gp", .run = efer_reserved_gp },
	{ .name = "msr-efer-write-back", .run = efer_write_back },
	{ .name = "msr-sysenter-cs", .run = sysenter_cs },
	{ .name = "msr-guest-own-round-trip", .run = own_msrs_round_trip },
	{ .name = "msr-mtrr-view", .run = mtrr_view },
	{ .name = "msr-misc-enable-copy", .run = misc_enable_copy },
	{ .name = "msr-unlisted-gp", .run = unlisted_gp },
	{ .name = "msr-tsc-own", .run = tsc_own },
	{ .name = NULL },
};
