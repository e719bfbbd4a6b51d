/* See cpuid.h. */
#include "version.h"
#include "vm/cpuid.h"

#define CR4_PKE		(1ull << 22)

/* The signature as three little-endian words, in EBX, ECX, EDX order. */
static uint32_t signature_word(unsigned i)
{
	const char *s = HV_SIGNATURE;

	return (uint32_t)(uint8_t)s[4 * i] | (uint32_t)(uint8_t)s[4 * i + 1] << 8 |
	       (uint32_t)(uint8_t)s[4 * i + 2] << 16 | (uint32_t)(uint8_t)s[4 * i + 3] << 24;
}

_Static_assert(sizeof(HV_SIGNATURE) == 13, "the signature fills EBX, ECX and EDX exactly");

/* Leaves 0x40000000-0x400000ff are the hypervisor's by convention; the
 * ones above skiff's last answer zeros, as a CPU does past its maximum. */
bool vm_cpuid_own(uint32_t leaf, struct cpuid_regs *r)
{
	if ((leaf & 0xffffff00u) != HV_CPUID_SIGNATURE)
		return false;
	*r = (struct cpuid_regs){ 0 };
	if (leaf == HV_CPUID_SIGNATURE) {
		r->eax = HV_CPUID_MAX;
		r->ebx = signature_word(0);
		r->ecx = signature_word(1);
		r->edx = signature_word(2);
	} else if (leaf == HV_CPUID_VERSION) {
		r->eax = (SKIFF_VERSION_MAJOR << 16) | SKIFF_VERSION_MINOR;
		r->ebx = HC_ABI_VERSION;
	}
	return true;
}

/*
 * Minus VMX and SMX (the guest has neither), plus the hypervisor bit;
 * minus the thermal monitor (ACPI, TM, TM2), whose MSRs (IA32_THERM_INTERRUPT,
 * IA32_THERM_STATUS, the clock modulation control) skiff refuses (vm/msr.h),
 * so that a guest does not take #GP for them (Linux prints "unchecked MSR
 * access error" with a call trace for each);
 * minus what the backend could not enable for non-root mode (RDTSCP,
 * INVPCID and XSAVES would #UD); OSXSAVE and OSPKE mirror the guest's
 * CR4, not skiff's (SDM Vol. 2A "CPUID").  A leaf edited here must be in
 * VM_CPUID_EDITED_LEAVES.
 */
struct cpuid_regs vm_cpuid_edit(uint32_t leaf, uint32_t sub, struct cpuid_regs r,
				const struct vm_cpuid_ctx *c)
{
	if (leaf == 1) {
		r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_OSXSAVE |
			   CPUID_1_ECX_PDCM | CPUID_1_ECX_TM2);
		r.edx &= ~(CPUID_1_EDX_ACPI | CPUID_1_EDX_TM);
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		if (c->guest_cr4 & CR4_OSXSAVE)
			r.ecx |= CPUID_1_ECX_OSXSAVE;
	} else if (leaf == 7 && sub == 0) {
		if (!c->invpcid)
			r.ebx &= ~CPUID_7_EBX_INVPCID;
		r.ecx &= ~CPUID_7_ECX_OSPKE;
		if (c->guest_cr4 & CR4_PKE)
			r.ecx |= CPUID_7_ECX_OSPKE;
	} else if (leaf == 0xa) {
		/* No performance monitoring: its MSRs are refused (vm/msr.h),
		 * because PEBS and the debug store write memory from VMX root. */
		r = (struct cpuid_regs){ 0 };
	} else if (leaf == 0xd && sub == 1) {
		if (!c->xsaves)
			r.eax &= ~CPUID_D1_EAX_XSAVES;
	} else if (leaf == 0x80000001) {
		if (!c->rdtscp)
			r.edx &= ~CPUID_80000001_EDX_RDTSCP;
	}
	return r;
}
