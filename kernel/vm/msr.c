/* See msr.h. */
#include "vm/msr.h"

#define VM_MSR_ENTRY(f, l, r, w, y)	{ .first = (f), .last = (l), .read = (r), .write = (w), .why = (y) },

const struct vm_msr_range vm_msr_ranges[] = { VM_MSR_POLICY(VM_MSR_ENTRY) };
const size_t vm_msr_range_count = sizeof(vm_msr_ranges) / sizeof(vm_msr_ranges[0]);
