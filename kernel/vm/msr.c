/* See msr.h. */
#include <stdbool.h>

#include "vm/msr.h"
#include "x86.h"

const struct vm_msr_range vm_msr_ranges[] = {
	{ MSR_IA32_FEATURE_CONTROL, MSR_IA32_FEATURE_CONTROL, VM_MSR_LOCKED_OFF, VM_MSR_GP,
	  "the guest has no VMX: the control reads as locked with VMX off, and a locked "
	  "MSR is not writable" },
	{ VM_MSR_VMX_FIRST, VM_MSR_VMX_LAST, VM_MSR_GP, VM_MSR_GP,
	  "the VMX capability MSRs do not exist on a CPU without VMX" },
	{ MSR_IA32_EFER, MSR_IA32_EFER, VM_MSR_PASS, VM_MSR_EFER,
	  "EFER is switched by VM entry and exit; a write is checked as the CPU would" },
};
const size_t vm_msr_range_count = sizeof(vm_msr_ranges) / sizeof(vm_msr_ranges[0]);

enum vm_msr_rule vm_msr_rule(uint32_t msr, bool write)
{
	for (size_t i = 0; i < vm_msr_range_count; i++) {
		const struct vm_msr_range *r = &vm_msr_ranges[i];

		if (msr >= r->first && msr <= r->last)
			return write ? r->write : r->read;
	}
	return VM_MSR_PASS;
}
