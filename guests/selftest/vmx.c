/*
 * VMX instructions: in VMX non-root operation each of them causes a VM
 * exit (SDM Vol. 3C 25.1.3; VMFUNC a #UD while VM functions are off), and
 * skiff answers with #UD, as a CPU without VT-x would: the guest sees no
 * VMX.  Those with a memory operand get one in guest RAM, so that skiff
 * cannot get away with refusing a bad address instead.
 */
#include "fault.h"
#include "selftest.h"

#define VMCS_GUEST_RIP		0x681e	/* any valid field encoding */
#define INVEPT_SINGLE_CONTEXT	1
#define INVVPID_SINGLE_CONTEXT	1

/* A page-aligned region and the operands that name it. */
static uint8_t region[4096] __attribute__((aligned(4096)));
static uint64_t region_pa;
static uint32_t vmcs_value;
static struct {
	uint64_t low, high;
} invalidate_descriptor;

static enum result expect_ud(const char *insn)
{
	if (fault_vector != VEC_UD)
		return fail("%s raised %s, not #UD", insn, fault_name(fault_vector));
	return PASS;
}

static enum result vmxon(void)
{
	region_pa = (uint32_t)region;
	asm volatile(FAULT_TRY("vmxon %0") : : "m"(region_pa) : "memory");
	return expect_ud("VMXON");
}

static enum result vmxoff(void)
{
	asm volatile(FAULT_TRY("vmxoff") : : : "memory");
	return expect_ud("VMXOFF");
}

static enum result vmclear(void)
{
	asm volatile(FAULT_TRY("vmclear %0") : : "m"(region_pa) : "memory");
	return expect_ud("VMCLEAR");
}

static enum result vmptrld(void)
{
	asm volatile(FAULT_TRY("vmptrld %0") : : "m"(region_pa) : "memory");
	return expect_ud("VMPTRLD");
}

static enum result vmptrst(void)
{
	asm volatile(FAULT_TRY("vmptrst %0") : "=m"(region_pa) : : "memory");
	return expect_ud("VMPTRST");
}

static enum result vmread(void)
{
	asm volatile(FAULT_TRY("vmread %1, %0")
		     : "=m"(vmcs_value) : "r"(VMCS_GUEST_RIP) : "memory");
	return expect_ud("VMREAD");
}

static enum result vmwrite(void)
{
	asm volatile(FAULT_TRY("vmwrite %0, %1")
		     : : "m"(vmcs_value), "r"(VMCS_GUEST_RIP) : "memory");
	return expect_ud("VMWRITE");
}

static enum result vmlaunch(void)
{
	asm volatile(FAULT_TRY("vmlaunch") : : : "memory", "cc");
	return expect_ud("VMLAUNCH");
}

static enum result vmresume(void)
{
	asm volatile(FAULT_TRY("vmresume") : : : "memory", "cc");
	return expect_ud("VMRESUME");
}

static enum result invept(void)
{
	asm volatile(FAULT_TRY("invept %0, %1")
		     : : "m"(invalidate_descriptor), "r"(INVEPT_SINGLE_CONTEXT) : "memory");
	return expect_ud("INVEPT");
}

static enum result invvpid(void)
{
	asm volatile(FAULT_TRY("invvpid %0, %1")
		     : : "m"(invalidate_descriptor), "r"(INVVPID_SINGLE_CONTEXT) : "memory");
	return expect_ud("INVVPID");
}

static enum result vmfunc(void)
{
	/* EAX = 0: EPTP switching, ECX = 0: the first EPTP. */
	asm volatile(FAULT_TRY("vmfunc") : : "a"(0), "c"(0) : "memory");
	return expect_ud("VMFUNC");
}

const struct check vmx_checks[] = {
	{ .name = "vmxon-ud", .run = vmxon },
	{ .name = "vmxoff-ud", .run = vmxoff },
	{ .name = "vmclear-ud", .run = vmclear },
	{ .name = "vmptrld-ud", .run = vmptrld },
	{ .name = "vmptrst-ud", .run = vmptrst },
	{ .name = "vmread-ud", .run = vmread },
	{ .name = "vmwrite-ud", .run = vmwrite },
	{ .name = "vmlaunch-ud", .run = vmlaunch },
	{ .name = "vmresume-ud", .run = vmresume },
	{ .name = "invept-ud", .run = invept },
	{ .name = "invvpid-ud", .run = invvpid },
	{ .name = "vmfunc-ud", .run = vmfunc },
	{ .name = NULL },
};
