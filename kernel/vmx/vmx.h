/*
 * VT-x for skiff's one guest: the calls main.c makes, in this order.
 * Each returns a negative error, already explained on the console, when
 * skiff cannot go on.
 */
#ifndef SKIFF_VMX_VMX_H
#define SKIFF_VMX_VMX_H

#include <stdbool.h>

#include "mm/ept.h"
#include "vm/vm.h"
#include "vmx/probe.h"

/* CR0/CR4 adjusted to the FIXED MSRs, VMXON. */
int vmx_enable(const struct vmx_features *f);

/* Controls from the capability MSRs, bitmaps, host state; vm receives the
 * exits.  The VMCS is current afterwards. */
int vmx_setup(struct vm *vm, const struct ept *ept);

/* Guest state for the guest's first instruction (also on a restart). */
void vmx_set_guest_entry(const struct vm_entry *entry);

/* VMLAUNCH, after running the software entry checker if check_first.
 * Does not return: the run ends in an exit handler. */
__attribute__((noreturn)) void vmx_run(bool check_first);

/* Debug request fault=guest-state: break one guest-state field so that
 * VM entry fails and its explanation can be seen. */
void vmx_debug_break_guest_state(void);

/* Whether the CPU can park a guest in the HLT activity state. */
bool vmx_halt_state_supported(void);

#endif
