/*
 * The VMCS skiff writes before each launch, apart from the guest state
 * (guest_entry.h): the controls it chooses from the capability MSRs, the
 * CR0/CR4 masks, the control fields and the host state.  Everything here
 * is computed from numbers passed in, never read from the running CPU, so
 * that the VM-entry checker's host tests (tests/unit/test_entry_check.c)
 * check exactly the VMCS skiff builds; vmx.c reads the CPU and calls these.
 */
#ifndef SKIFF_VMX_VMCS_SETUP_H
#define SKIFF_VMX_VMCS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"

/* The allowed-0/allowed-1 settings of each control word, as read from
 * the TRUE capability MSRs where IA32_VMX_BASIC[55] says they exist
 * (vmx_ctls_msr()), else from the plain ones (SDM Vol. 3D A.3-A.5). */
struct vmx_ctl_msrs {
	uint64_t pinbased, procbased, procbased2, exit, entry;
};

/* Exceptions skiff intercepts and reflects back into the guest: #DB and
 * #AC, whose delivery can loop forever inside the CPU when the guest's IDT
 * makes them recur (CVE-2015-8104, CVE-2015-5307); with the intercept each
 * delivery is a VM exit, so skiff keeps control. */
#define VMX_INTERCEPTED_EXCEPTIONS	((1u << 1) | (1u << 17))

/*
 * Sets v's pin, proc, proc2, exit, entry, exception_bitmap and vpid: what
 * skiff needs (a missing one is reported by name: -ENODEV) and what it
 * likes where allowed.  vpid: the CPU offers VPIDs; timer: the watchdog is
 * on and wants the preemption timer.
 */
int vmx_choose_controls(struct vmx_vcpu *v, const struct vmx_ctl_msrs *m, bool vpid, bool timer);

/* Sets v's cr0_mask and cr4_mask from its fixed bits. */
void vmx_choose_cr_masks(struct vmx_vcpu *v);

/* Writes v's controls, bitmaps, VPID, preemption timer and CR masks into
 * the current VMCS, with eptp as the EPT pointer. */
void vmx_write_controls(const struct vmx_vcpu *v, uint64_t eptp);

/* What the CPU loads on every VM exit that skiff takes from itself
 * (SDM Vol. 3C 25.5 and 28.5); the selectors are skiff's fixed GDT's. */
struct vmx_host_state {
	uint64_t cr0, cr3, cr4;
	uint64_t tr_base, gdtr_base, idtr_base;
	uint64_t efer, pat;		/* pat is written only when exits load it */
	uint64_t gs_base;		/* the vCPU (vcpu.h) */
	uint64_t rsp, rip;		/* the exit stack and the exit stub */
};

void vmx_write_host_state(const struct vmx_vcpu *v, const struct vmx_host_state *h);

#endif
