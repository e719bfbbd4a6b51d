/*
 * A virtual CPU on VT-x: the vendor-neutral struct vcpu first, then what
 * vmx.c set up for it and what its exit handlers need.  One per CPU that
 * runs the guest.  Internal to kernel/vmx.
 *
 * How the exit path finds it: the VMCS's host GS base is the vCPU's own
 * address, so on every VM exit the CPU itself points GS at the vCPU that
 * exited.  The stub stores the guest's registers %gs-relative and passes
 * the vCPU to the generic handler; the fast paths address it through GS
 * directly (VMX_THIS_VCPU).  No global names "the current vCPU".
 */
#ifndef SKIFF_VMX_VCPU_H
#define SKIFF_VMX_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/ept.h"
#include "vm/hypercall_abi.h"
#include "vm/vcpu.h"
#include "vm/vm.h"
#include "vmx/exit_reason.h"
#include "vmx/probe.h"

struct vmx_vcpu {
	struct vcpu vcpu;		/* first: the stub's %gs:0 */
	const struct vmx_features *features;

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
	bool injected;			/* a handler queued an event this exit */
	bool nmi_window;		/* NMI-window exiting can be set */
	bool started;			/* entered at least once (vmx_arch.start) */
	/* An AP's INIT handling (handlers.c, vmx_exit_init): no exit but
	 * INIT since a SIPI started it; INIT exits at its first instruction
	 * since; an INIT that never goes away (then it cannot run). */
	bool after_sipi;
	unsigned stale_inits;
	bool init_stuck;
	/* Exits enter at vmx_exit_stub_smi_quirk (exit_stub.S). */
	bool smi_quirk;
	/* The guest's IA32_TSC_ADJUST minus the CPU's (handlers.c). */
	int64_t tsc_adjust_delta;
	/* The guest's copy of IA32_MISC_ENABLE (vm/msr.h, VM_MSR_COPY):
	 * the CPU's at the start; none when the CPU has no such MSR. */
	uint64_t misc_enable;
	bool misc_enable_exists;

	/* VM exits and the TSC cycles skiff spent on them (from the
	 * handler's start to its return, just before VMRESUME), by basic
	 * reason; the last slot is for reasons beyond the table.  The guest
	 * reads them with HC_EXIT_STATS.  exit.c counts the generic path,
	 * exit_fast.c its own. */
	struct hc_exit_stat exit_stats[EXIT_REASON_COUNT + 1];
};

static inline struct vmx_vcpu *to_vmx_vcpu(struct vcpu *v)
{
	return (struct vmx_vcpu *)v;	/* vcpu is the first member */
}

/*
 * The vCPU the CPU is running, for the fast paths: addressed through GS
 * (GCC's __seg_gs address space), so a field costs what a global's would,
 * without a pointer in a register.  Host tests have no such GS: they set
 * vmx_host_test_vcpu instead.
 */
#ifdef SKIFF_HOST_TEST
extern struct vmx_vcpu *vmx_host_test_vcpu;
#define VMX_THIS_VCPU	(vmx_host_test_vcpu)
#else
#define VMX_THIS_VCPU	((struct vmx_vcpu __seg_gs *)0)
#endif

/* vmx.c: an AP's vCPU as INIT leaves it (real mode), waiting for a SIPI
 * or started at vector; its registers, pending events and TLB entries
 * gone.  Writes the current VMCS. */
void vmx_ap_reset(struct vmx_vcpu *v, uint8_t vector, bool wait_sipi);

/* vmx.c: INIT for an AP's vCPU: reset and back to wait-for-SIPI. */
void vmx_ap_init(struct vmx_vcpu *v);

/* exit.c: loads the timer value the next VM entry needs. */
void vmx_timer_arm(struct vmx_vcpu *v);
/* exit.c: VM exits so far, but for those of one basic reason. */
uint64_t vmx_exits_other_than(const struct vmx_vcpu *v, uint16_t basic);

/* exit_stub.S */
void vmx_exit_stub(void);
void vmx_exit_stub_smi_quirk(void);
int vmx_launch(void);		/* returns enum vmx_status, on VMfail only */

#endif
