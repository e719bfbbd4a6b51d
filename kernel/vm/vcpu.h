/*
 * A virtual CPU, the part every backend shares.  One per CPU that runs
 * the guest; the backend's object (struct vmx_vcpu) holds it as its first
 * member and adds what the hardware needs.  Every exit handler is given
 * its vCPU; nothing on the exit path reaches it through a global.
 */
#ifndef SKIFF_VM_VCPU_H
#define SKIFF_VM_VCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/guest_regs.h"
#include "vm/verdict.h"

struct vm;
struct hc_exit_stat;

#define VCPU_SIPI_PENDING	0x100u	/* in struct vcpu's sipi, above the vector */

/* Where a vCPU is, as the other CPUs see it (vm/fate.c). */
enum vcpu_run_state {
	VCPU_WAIT_SIPI,		/* an AP before the guest starts it: runs nothing */
	VCPU_RUNNING,		/* in the guest, or in skiff handling its exit */
	VCPU_HELD,		/* out of the guest, waiting for the guest's fate */
};

struct vcpu {
	/* First, at offset 0: the exit stub stores the guest's registers
	 * here, addressed through the CPU's GS base (the vCPU itself). */
	struct guest_regs regs;
	/* The vCPU's own address, for code that has only the GS base. */
	struct vcpu *self;
	struct vm *vm;
	unsigned index;			/* 0: the bootstrap processor; also its CPU's */
	uint32_t apic_id;		/* of the CPU it runs on, for skiff's IPIs */
	uint64_t exit_stack_top;	/* every VM exit starts here, empty */
	struct vm_streak streak;
	struct vm_watchdog watchdog;
	/* An NMI for the guest not yet delivered: one, as a CPU latches at
	 * most one NMI while it handles another (SDM Vol. 3A 6.7.1). */
	bool nmi_pending;
	/* An NMI that arrived on this vCPU's CPU while skiff ran there
	 * (cpu_nmi_attach(), idt.c); the exit path moves it to nmi_pending. */
	bool nmi_held;
	int run_state;			/* enum vcpu_run_state, atomic */
	/* An INIT the guest sent this AP (vm_guest_icr_write): taken at the
	 * vCPU's next exit.  Atomic. */
	bool init_pending;
	/* With vm->arch->sipi_by_skiff: a SIPI the guest sent this AP while it
	 * waited for one, SIPI_PENDING | vector, or 0 (vm_take_sipi()).
	 * Atomic. */
	unsigned sipi;
	/* The guest's last write of its xAPIC ICR_HIGH (vm_xapic_write()):
	 * the destination of its next ICR_LOW. */
	uint32_t xapic_icr_high;
	/* NMIs skiff sent this vCPU's CPU to bring it out of the guest, not
	 * yet seen: the next that many NMIs are skiff's, not the guest's
	 * (vm_take_kick).  Atomic. */
	unsigned skiff_nmis;
	/* Kicks it took: while skiff ran (held), and as NMI exits. */
	uint64_t kicks_in_root, kicks_in_guest;
	bool entered;			/* reached its first VM entry (atomic) */
	/* The backend's exit counts, for HC_EXIT_STATS and the report. */
	const struct hc_exit_stat *exit_stats;
	size_t exit_stats_count;
	/* Debug requests for the first start: check the VMCS in software
	 * before entering (entry_check=first), break the guest state on
	 * purpose (fault=guest-state). */
	bool check_entry_first, break_guest_state;
};

_Static_assert(__builtin_offsetof(struct vcpu, regs) == 0, "the stub stores the registers at 0");

#endif
