/*
 * The SVM run path, so far: SVM on for this CPU (EFER.SVME, the host save
 * area), one VMCB with the guest's first state, its ASID, nested paging
 * and permission maps, and one VMRUN to the guest's first #VMEXIT, which
 * is named through the exit table's codes and reported.  The loop that
 * handles exits through svm_exit_table[] and resumes is not written yet.
 */
#ifndef SKIFF_SVM_SVM_H
#define SKIFF_SVM_SVM_H

#include "mm/npt.h"
#include "svm/caps.h"
#include "vm/guest_regs.h"
#include "vm/vm.h"

/* The guest's ASID: 0 is the host's (15.16); one guest, one ASID. */
#define SVM_GUEST_ASID		1

/* run.S: VMRUN of the VMCB at vmcb_pa with the guest's registers regs,
 * skiff's FS, GS, TR, LDTR and MSRs kept in the page at host_save_pa. */
void svm_vmrun(uint64_t vmcb_pa, uint64_t host_save_pa, struct guest_regs *regs);

/*
 * Turns SVM on, builds the guest's VMCB for vm's entry state (vm loaded)
 * over the nested page tables npt, checks it in software (svm_vmrun_check),
 * runs the guest to its first #VMEXIT and reports that exit.  Returns
 * after it; 0, or a negative error (reported) when SVM could not be
 * turned on, a page was missing, or VMRUN refused the VMCB.
 */
int svm_first_entry(const struct svm_caps *caps, struct vm *vm, const struct npt *npt);

#endif
