/*
 * CPUID: skiff hides VT-x from its guest (CPUID.1:ECX[5] clear, so no
 * guest tries VMXON) and says it is there instead (CPUID.1:ECX[31] set,
 * and its own leaves from 0x40000000; vm/hypercall_abi.h).
 */
#include "hypercall.h"
#include "selftest.h"
#include "string.h"
#include "x86.h"

static enum result cpuid_hides_vmx(void)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	if (ecx & CPUID_1_ECX_VMX)
		return fail("CPUID.1:ECX = 0x%08x has VMX (bit 5)", ecx);
	return PASS;
}

static enum result cpuid_hypervisor_bit(void)
{
	uint32_t ecx = cpuid(1, 0).ecx;

	if (!(ecx & CPUID_1_ECX_HYPERVISOR))
		return fail("CPUID.1:ECX = 0x%08x lacks bit 31", ecx);
	return PASS;
}

static enum result cpuid_signature(void)
{
	struct cpuid_regs r;
	char sig[13] = "";

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
		return fail("no hypervisor bit, so leaf 0x40000000 is not a hypervisor's");
	r = cpuid(HV_CPUID_SIGNATURE, 0);
	memcpy(sig + 0, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	if (r.eax < HV_CPUID_VERSION)
		return fail("highest leaf 0x%08x, below 0x%08x", r.eax, HV_CPUID_VERSION);
	if (memcmp(sig, HV_SIGNATURE, 12) != 0)
		return fail("signature \"%s\", not \"%s\"", sig, HV_SIGNATURE);
	return PASS;
}

static enum result cpuid_abi_version(void)
{
	uint32_t abi = cpuid(HV_CPUID_VERSION, 0).ebx;

	if (abi != HC_ABI_VERSION)
		return fail("EBX = 0x%08x, the guest speaks 0x%08x", abi, HC_ABI_VERSION);
	return PASS;
}

/*
 * Prefixes make a CPUID longer than its two bytes, and skiff must move the
 * guest past all of them: by the length the exit reports (SDM Vol. 3C
 * 28.2.5), not by CPUID's usual size.  Two bytes on, the guest would run
 * the tail "3e 0f a2", a second CPUID of leaf EAX = the highest basic
 * leaf, and see that leaf's answer instead of leaf 0's.
 */
static enum result cpuid_with_prefixes(void)
{
	struct cpuid_regs want = cpuid(0, 0), got;

	asm volatile(".byte 0x3e, 0x3e, 0x3e\n\t"	/* DS overrides: no effect */
		     "cpuid"
		     : "=a"(got.eax), "=b"(got.ebx), "=c"(got.ecx), "=d"(got.edx)
		     : "a"(0), "c"(0));
	if (memcmp(&got, &want, sizeof(got)) != 0)
		return fail("EAX..EDX %08x %08x %08x %08x, leaf 0 is %08x %08x %08x %08x", got.eax,
			    got.ebx, got.ecx, got.edx, want.eax, want.ebx, want.ecx, want.edx);
	return PASS;
}

const struct check cpuid_checks[] = {
	{ .name = "cpuid-hides-vmx", .run = cpuid_hides_vmx },
	{ .name = "cpuid-hypervisor-bit", .run = cpuid_hypervisor_bit },
	{ .name = "cpuid-signature", .run = cpuid_signature },
	{ .name = "cpuid-with-prefixes", .run = cpuid_with_prefixes },
	/* Leaf 0x40000001 only means something once skiff is known. */
	{ .name = "cpuid-abi-version", .run = cpuid_abi_version, .needs_skiff = true },
	{ .name = NULL },
};
