/*
 * VT-x for skiff's guest: what main.c calls to make a CPU ready.  The
 * guest then starts through vm_run() (vm/vm.h), which ends in this
 * backend's vm_arch_start().
 */
#ifndef SKIFF_VMX_VMX_H
#define SKIFF_VMX_VMX_H

#include <stdbool.h>

#include "mm/ept.h"
#include "vm/vm.h"
#include "vmx/probe.h"

/*
 * The CPU skiff runs on into VMX root operation (CR0/CR4 adjusted to the
 * FIXED MSRs, VMXON), and its vCPU for vm behind ept: controls from the
 * capability MSRs, VMCS, bitmaps.  index: the vCPU's number, 0 for the
 * bootstrap processor.  NULL, already explained on the console, when
 * skiff cannot go on.
 */
struct vcpu *vmx_cpu_init(const struct vmx_features *f, struct vm *vm, const struct ept *ept,
			  unsigned index);

/*
 * Run on a parked AP (kernel/smp.c): IA32_FEATURE_CONTROL checked, CR0/CR4
 * set to the FIXED MSRs, VMXON with the region at vmxon_page.  0, or
 * negative; prints nothing (the console is the BSP's).
 */
int vmx_ap_enter_root(const struct vmx_features *f, uint64_t vmxon_page);

#endif
