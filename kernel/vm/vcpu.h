/*
 * A virtual CPU, the part every backend shares.  One per CPU that runs
 * the guest; the backend's object (struct vmx_vcpu) holds it as its first
 * member and adds what the hardware needs.  Every exit handler is given
 * its vCPU; nothing on the exit path reaches it through a global.
 */
#ifndef SKIFF_VM_VCPU_H
#define SKIFF_VM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/guest_regs.h"
#include "vm/verdict.h"

struct vm;

struct vcpu {
	/* First, at offset 0: the exit stub stores the guest's registers
	 * here, addressed through the CPU's GS base (the vCPU itself). */
	struct guest_regs regs;
	/* The vCPU's own address, for code that has only the GS base. */
	struct vcpu *self;
	struct vm *vm;
	unsigned index;			/* 0: the bootstrap processor */
	uint64_t exit_stack_top;	/* every VM exit starts here, empty */
	struct vm_streak streak;
	struct vm_watchdog watchdog;
	/* An NMI for the guest not yet delivered: one, as a CPU latches at
	 * most one NMI while it handles another (SDM Vol. 3A 6.7.1). */
	bool nmi_pending;
	/* Debug requests for the first start: check the VMCS in software
	 * before entering (entry_check=first), break the guest state on
	 * purpose (fault=guest-state). */
	bool check_entry_first, break_guest_state;
};

_Static_assert(__builtin_offsetof(struct vcpu, regs) == 0, "the stub stores the registers at 0");

#endif
