/* See msr.h. */
#include "vm/msr.h"

#define VM_MSR_ENTRY(f, l, r, w, y)	{ .first = (f), .last = (l), .read = (r), .write = (w), .why = (y) },

const struct vm_msr_range vm_msr_ranges[] = { VM_MSR_POLICY(VM_MSR_ENTRY) };
const size_t vm_msr_range_count = sizeof(vm_msr_ranges) / sizeof(vm_msr_ranges[0]);

const char *vm_msr_refusal(uint32_t msr)
{
	for (size_t i = 0; i < vm_msr_range_count; i++)
		if (msr >= vm_msr_ranges[i].first && msr <= vm_msr_ranges[i].last)
			return vm_msr_ranges[i].why;
	if (msr == VM_MSR_SMRR_PHYSBASE || msr == VM_MSR_SMRR_PHYSMASK)
		return "the SMM range registers guard the firmware's SMM memory";
	if (msr == VM_MSR_MCG_CTL || (msr >= VM_MSR_MC_BANKS_FIRST && msr <= VM_MSR_MC_BANKS_LAST))
		return "the machine-check banks are shared by the CPUs of a package";
	if ((msr >= 0xc1 && msr <= 0xc8) || (msr >= 0x186 && msr <= 0x18d) ||
	    (msr >= 0x309 && msr <= 0x30b) || (msr >= 0x38d && msr <= 0x391) || msr == 0x3f1 ||
	    msr == 0x345)
		return "performance monitoring is not offered (CPUID leaf 0AH is empty): "
		       "PEBS would write records from VMX root";
	if (msr == VM_MSR_DS_AREA)
		return "the debug store is written by the CPU in VMX root too, at an "
		       "address in skiff's address space";
	return "not on skiff's list of MSRs a guest may use (vm/msr.h)";
}
