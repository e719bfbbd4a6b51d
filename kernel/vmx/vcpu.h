/*
 * skiff's one virtual CPU on VT-x: what vmx.c set up and what the exit
 * handlers need to know about it.  Internal to kernel/vmx.
 */
#ifndef SKIFF_VMX_VCPU_H
#define SKIFF_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/ept.h"
#include "vm/guest_regs.h"
#include "vm/vm.h"
#include "vmx/probe.h"

struct vmx_vcpu {
	const struct vmx_features *features;
	struct vm *vm;

	/* Physical pages, from skiff's pool. */
	uint64_t vmxon_region, vmcs, msr_bitmap, io_bitmap_a, io_bitmap_b;

	/* The controls in force, derived from the capability MSRs. */
	uint32_t pin, proc, proc2, exit, entry;
	uint32_t exception_bitmap;
	uint64_t misc;			/* IA32_VMX_MISC */
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* Bits of CR0/CR4 skiff owns: guest reads see the shadow, guest
	 * writes that would change them exit (SDM Vol. 3C 26.3 / 25.6.6). */
	uint64_t cr0_mask, cr4_mask;
	uint16_t vpid;			/* 0: VPID not in use */
	const struct ept *ept;
	uint32_t preemption_timer;	/* watchdog period in timer units; 0: off */
	/* While console output is queued the timer ticks every drain_tick
	 * units instead, to feed the serial line (vmx_timer_arm, exit.c). */
	uint32_t drain_tick;
	uint32_t timer_loaded;		/* VMX_PREEMPTION_TIMER_VALUE as written */
	/* Drain ticks are skiff's, not the guest's progress: the watchdog
	 * counts from the last tick that saw another exit. */
	uint64_t quiet_since_tsc, quiet_exits;
};

extern struct vmx_vcpu vmx_vcpu;
extern struct guest_regs vmx_guest_regs;

/* exit.c: loads the timer value the next VM entry needs. */
void vmx_timer_arm(void);
/* exit.c: VM exits so far, but for those of one basic reason. */
uint64_t vmx_exits_other_than(uint16_t basic);

/* exit_stub.S */
void vmx_exit_stub(void);
int vmx_launch(void);		/* returns enum vmx_status, on VMfail only */

#endif
