/*
 * RDMSR/WRMSR: skiff keeps VT-x to itself (IA32_FEATURE_CONTROL reads
 * locked with VMXON disallowed and cannot be written; the VMX capability
 * MSRs do not exist for the guest), guards EFER's reserved bits as the CPU
 * does, and lets ordinary MSRs through.
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

const struct check msr_checks[] = {
	{ .name = "msr-feature-control-locked", .run = feature_control_locked },
	{ .name = "msr-feature-control-write-gp", .run = feature_control_write_gp },
	{ .name = "msr-vmx-caps-gp", .run = vmx_caps_gp },
	{ .name = "msr-efer-reserved-gp", .run = efer_reserved_gp },
	{ .name = "msr-efer-write-back", .run = efer_write_back },
	{ .name = "msr-sysenter-cs", .run = sysenter_cs },
	{ .name = "msr-guest-own-round-trip", .run = own_msrs_round_trip },
	{ .name = NULL },
};
