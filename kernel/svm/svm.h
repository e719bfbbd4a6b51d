/*
 * The SVM backend's run path: SVM on for this CPU (EFER.SVME, the host
 * save area), the BSP's vCPU with its VMCB (the guest's first state, its
 * ASID, nested paging, the permission maps), and vm->arch->start, which
 * runs the guest through VMRUN and svm_exit_table[] for good; a vCPU for
 * each AP the guest gets, which waits in skiff for the guest's SIPI
 * (svm/ap.c).
 */
#ifndef SKIFF_SVM_SVM_H
#define SKIFF_SVM_SVM_H

#include "mm/npt.h"
#include "svm/caps.h"
#include "vm/guest_regs.h"
#include "vm/vm.h"

/* The guest's ASID where the CPU has too few for one per vCPU: 0 is the
 * host's (15.16). */
#define SVM_GUEST_ASID		1

/* run.S: VMRUN of the VMCB at vmcb_pa with the guest's registers regs,
 * skiff's FS, GS, TR, LDTR and MSRs kept in the page at host_save_pa. */
void svm_vmrun(uint64_t vmcb_pa, uint64_t host_save_pa, struct guest_regs *regs);

struct vmcb;
struct svm_vmrun_limits;
struct svm_vcpu;

/* Bit n set: run.S may answer CPUID leaf n (< 32) with the CPU's own
 * answer (handlers.c). */
extern const uint32_t svm_cpuid_fast_leaves;

/* The SVM backend for vm->arch (vm/vm.h). */
extern const struct vm_arch svm_arch;

/*
 * Turns SVM on for this CPU (EFER.SVME, VM_HSAVE_PA) and makes the BSP's
 * vCPU for vm (loaded, its ports and platform known) over the nested page
 * tables npt: the VMCB, the permission maps.  NULL (reported) when SVM
 * cannot be turned on or the pool has no room.
 */
struct vcpu *svm_cpu_init(const struct svm_caps *caps, struct vm *vm, const struct npt *npt,
			  uint32_t apic_id);

/* An AP's vCPU with CPU index index (its ASID from it) for vm, after
 * svm_cpu_init(); the AP enters it itself (vm_run).  NULL when the pool
 * has no room. */
struct vcpu *svm_vcpu_create_ap(struct vm *vm, unsigned index, uint32_t apic_id,
				uint64_t exit_stack_top);

/* Run on each AP skiff starts (smp.h): SVM on with the host save area at
 * hsave, as the BSP's probe found it usable, and GIF clear.  0, or -1
 * when EFER.SVME is refused; prints nothing. */
int svm_ap_enter_root(const struct svm_caps *caps, uint64_t hsave);

/* run.S: svm_vcpu_loop(v) on the empty stack below stack_top. */
__attribute__((noreturn)) void svm_loop_from(uint64_t stack_top, struct svm_vcpu *v);

/* VMRUN and the exit table, for good (called by svm_loop_from()). */
__attribute__((noreturn)) void svm_vcpu_loop(struct svm_vcpu *v);

/* What this CPU allows of a VMCB (CPUID), for svm_vmrun_check(). */
void svm_vmrun_limits_read(struct svm_vmrun_limits *l);

/* Prints every VMRUN check vmcb fails (svm_vmrun_check()); how many. */
unsigned svm_explain_vmcb(const struct vmcb *vmcb);
/* Whether CR3's MBZ check is the only one the VMCB fails: a value only the
 * guest can have put there (skiff starts it with CR3 0 and does not
 * intercept its CR3 writes). */
bool svm_vmcb_fails_on_guest_cr3(const struct vmcb *vmcb);

#endif
