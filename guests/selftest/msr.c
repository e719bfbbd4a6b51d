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

const struct check msr_checks[] = {
	{ .name = "msr-feature-control-locked", .run = feature_control_locked },
	{ .name = "msr-feature-control-write-gp", .run = feature_control_write_gp },
	{ .name = "msr-vmx-caps-gp", .run = vmx_caps_gp },
	{ .name = "msr-efer-reserved-gp", .run = efer_reserved_gp },
	{ .name = "msr-efer-write-back", .run = efer_write_back },
	{ .name = "msr-sysenter-cs", .run = sysenter_cs },
	{ .name = NULL },
};
