/*
 * An SVM vCPU: the vendor-neutral struct vcpu first (vm/vcpu.h), then
 * what AMD-V adds: its VMCB and the pages VMRUN and VMSAVE/VMLOAD use,
 * and the exit counts by svm_exit_index().
 */
#ifndef SKIFF_SVM_VCPU_H
#define SKIFF_SVM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/exit_code.h"
#include "svm/vmcb.h"
#include "vm/hypercall_abi.h"
#include "vm/vcpu.h"

struct svm_vcpu {
	struct vcpu vcpu;		/* first: a struct vcpu * is this */
	struct vmcb *vmcb;
	uint64_t vmcb_pa, host_save_pa;
	bool nrips;			/* the CPU saves the next RIP (insn_len.h) */
	bool decode_assists;		/* EXITINFO1 names a MOV CRx's GPR (cr.c) */
	uint64_t cr4_supported;		/* the CR4 bits this CPU has (cr.c) */
	/* The guest's MSRs that SVM does not switch for skiff (perm_maps.h):
	 * its DEBUGCTL without LBR virtualization, a copy never loaded; how
	 * far it moved its TSC_ADJUST (the VMCB's TSC offset moves too). */
	uint64_t debugctl;
	int64_t tsc_adjust_delta;
	/* [svm_exit_index(code)], and one for codes the APM does not define */
	struct hc_exit_stat exit_stats[SVM_EXIT_INDEX_COUNT + 1];
	/* After the counts, whose offset run.S knows (run_offsets.h). */
	uint32_t asid;			/* its own: index + 1 where the CPU has enough */
	bool started;			/* vm->arch->start has run once */
	/* An AP's vCPU after INIT: it waits in skiff for the guest's SIPI
	 * (svm/ap.c), running nothing. */
	bool wait_sipi;
	/* skiff injected an NMI the guest handles: no other until its IRET,
	 * which is intercepted meanwhile (APM Vol. 2 15.20, 15.13). */
	bool nmi_masked;
	/* The watchdog (watchdog.h): another vCPU sent this one an NMI for
	 * a period without exits (atomic); this one's next look at the
	 * others, in TSC ticks. */
	bool watch_kicked;
	uint64_t watch_next_look;
	/* The HLT svm_exit_hlt() last let the guest run again, for the INTR
	 * exit that can end only that VMRUN (svm_exit_intr()): set, its RIP,
	 * the RIP past it. */
	bool hlt_again;
	uint64_t hlt_rip, hlt_next_rip;
};

_Static_assert(__builtin_offsetof(struct svm_vcpu, vcpu) == 0, "a struct vcpu * is a struct svm_vcpu *");

static inline struct svm_vcpu *to_svm_vcpu(struct vcpu *v)
{
	return (struct svm_vcpu *)v;
}

#endif
