/*
 * VT-x for skiff's guest: what main.c calls to make a CPU ready.  The
 * guest then starts through vm_run() (vm/vm.h), which ends in this
 * backend's vmx_arch.start().
 */
#ifndef SKIFF_VMX_VMX_H
#define SKIFF_VMX_VMX_H

#include <stdbool.h>

#include "mm/ept.h"
#include "vm/vm.h"
#include "vmx/probe.h"

/*
 * The bootstrap processor into VMX root operation (CR0/CR4 adjusted to
 * the FIXED MSRs, VMXON), and its vCPU (index 0) for vm behind ept:
 * controls from the capability MSRs, VMCS, bitmaps.  apic_id: the BSP's.
 * NULL, already explained on the console, when skiff cannot go on.
 */
/* The VT-x backend for vm->arch (vm/vm.h). */
extern const struct vm_arch vmx_arch;

struct vcpu *vmx_cpu_init(const struct vmx_features *f, struct vm *vm, const struct ept *ept,
			  uint32_t apic_id);

/*
 * The vCPU of the AP with CPU index index (1..) and APIC ID apic_id, made
 * by the BSP like bsp's (same controls and bitmaps; its own VMCS and
 * VPID); every VM exit on it starts at exit_stack_top.  The AP enters it
 * through vm_run(), which leaves it in wait-for-SIPI.  NULL when the pool
 * is empty.
 */
struct vcpu *vmx_vcpu_create_ap(const struct vcpu *bsp, unsigned index, uint32_t apic_id,
				uint64_t exit_stack_top);

/* Whether an AP's vCPU can wait in the wait-for-SIPI activity state
 * (IA32_VMX_MISC bit 8, SDM Vol. 3D A.6), as every AP vCPU does. */
bool vmx_ap_vcpus_supported(const struct vcpu *bsp);

/*
 * Run on a parked AP (kernel/smp.c): IA32_FEATURE_CONTROL checked, CR0/CR4
 * set to the FIXED MSRs, VMXON with the region at vmxon_page.  0, or
 * negative; prints nothing (the console is the BSP's).
 */
int vmx_ap_enter_root(const struct vmx_features *f, uint64_t vmxon_page);

#endif
