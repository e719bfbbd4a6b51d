/*
 * nonfatal: what skiff must refuse, or take in its stride, without ending
 * the run.  One report() line per check (PASS <name> or FAIL <name>:
 * <why>), then "attack: F of N checks failed", and the exit status F.
 * That skiff is still running at the end, with the guest's lines whole,
 * is for the boot test's transcript to show.
 */
#include "attack.h"
#include "fault.h"
#include "hypercall.h"
#include "printf.h"
#include "report.h"

/* VMX instructions.  In VMX non-root operation each one exits (SDM Vol.
 * 3C 26.1.2; VMFUNC is #UD while VM functions are disabled, 26.1.3), and
 * skiff answers #UD, as a CPU without VMX does (CPUID says there is none).
 * Memory operands lie in guest RAM, so only the instruction is wrong. */
#define VMCS_FIELD_GUEST_RIP	0x681e
#define INV_SINGLE_CONTEXT	1

static uint8_t vmx_region[4096] __attribute__((aligned(4096)));
static uint64_t vmx_region_pa;
static uint32_t vmcs_value;
static struct {
	uint64_t low, high;
} inv_descriptor;

static int vmxon(void)
{
	asm volatile(FAULT_TRY("vmxon %0") : : "m"(vmx_region_pa) : "memory");
	return fault_vector;
}

static int vmxoff(void)
{
	asm volatile(FAULT_TRY("vmxoff") : : : "memory", "cc");
	return fault_vector;
}

static int vmclear(void)
{
	asm volatile(FAULT_TRY("vmclear %0") : : "m"(vmx_region_pa) : "memory", "cc");
	return fault_vector;
}

static int vmptrld(void)
{
	asm volatile(FAULT_TRY("vmptrld %0") : : "m"(vmx_region_pa) : "memory", "cc");
	return fault_vector;
}

static int vmptrst(void)
{
	asm volatile(FAULT_TRY("vmptrst %0") : "=m"(vmx_region_pa) : : "memory", "cc");
	return fault_vector;
}

static int vmread(void)
{
	asm volatile(FAULT_TRY("vmread %1, %0")
		     : "=m"(vmcs_value) : "r"(VMCS_FIELD_GUEST_RIP) : "memory", "cc");
	return fault_vector;
}

static int vmwrite(void)
{
	asm volatile(FAULT_TRY("vmwrite %0, %1")
		     : : "m"(vmcs_value), "r"(VMCS_FIELD_GUEST_RIP) : "memory", "cc");
	return fault_vector;
}

static int vmlaunch(void)
{
	asm volatile(FAULT_TRY("vmlaunch") : : : "memory", "cc");
	return fault_vector;
}

static int vmresume(void)
{
	asm volatile(FAULT_TRY("vmresume") : : : "memory", "cc");
	return fault_vector;
}

static int invept(void)
{
	asm volatile(FAULT_TRY("invept %0, %1")
		     : : "m"(inv_descriptor), "r"(INV_SINGLE_CONTEXT) : "memory", "cc");
	return fault_vector;
}

static int invvpid(void)
{
	asm volatile(FAULT_TRY("invvpid %0, %1")
		     : : "m"(inv_descriptor), "r"(INV_SINGLE_CONTEXT) : "memory", "cc");
	return fault_vector;
}

static int vmfunc(void)
{
	/* EAX = 0: EPTP switching; ECX = 0: the first EPTP. */
	asm volatile(FAULT_TRY("vmfunc") : : "a"(0), "c"(0) : "memory");
	return fault_vector;
}

static const struct {
	const char *name;
	int (*run)(void);	/* the vector raised, or FAULT_NONE */
} vmx_instructions[] = {
	{ "vmxon-ud", vmxon },
	{ "vmxoff-ud", vmxoff },
	{ "vmclear-ud", vmclear },
	{ "vmptrld-ud", vmptrld },
	{ "vmptrst-ud", vmptrst },
	{ "vmread-ud", vmread },
	{ "vmwrite-ud", vmwrite },
	{ "vmlaunch-ud", vmlaunch },
	{ "vmresume-ud", vmresume },
	{ "invept-ud", invept },
	{ "invvpid-ud", invvpid },
	{ "vmfunc-ud", vmfunc },
};

void nonfatal_vmx_checks(void)
{
	vmx_region_pa = (uint32_t)vmx_region;
	for (unsigned i = 0; i < sizeof(vmx_instructions) / sizeof(vmx_instructions[0]); i++) {
		int vec = vmx_instructions[i].run();

		report_detail(vec == VEC_UD, vmx_instructions[i].name, "raised %s, not #UD",
			      fault_name(vec));
	}
}

int attack_nonfatal(void)
{
	if (!under_skiff())
		printf("attack: nonfatal: not under skiff: the checks of its interface will fail\n");
	nonfatal_vmx_checks();
	nonfatal_msr_checks();
	nonfatal_hypercall_checks();
	nonfatal_port_checks();
	printf("attack: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}
