/*
 * NMIs on AMD-V with more than one vCPU (the NMI intercept, svm.c).
 * skiff sends NMIs of its own to bring a vCPU out of the guest (vm/fate.c:
 * the guest's end, an INIT for an AP); the guest's own NMIs (from its
 * local APIC, its devices) must still reach it, exactly once each.
 *
 * An NMI in the guest is a #VMEXIT and stays pending until run.S sets
 * GIF again; then skiff's IDT takes it in the vCPU's nmi_held (idt.c), as
 * it does one that comes while skiff runs.  The exit path sorts it: a
 * kick is counted, the guest's is injected (EVENTINJ type NMI, APM Vol. 2
 * 15.20).  The guest handles an injected NMI as a real one, so no second
 * goes in until its IRET: skiff intercepts IRET meanwhile (15.13).  The
 * IRET exit comes before the IRET runs; an NMI held by then goes in at
 * once, as though it came one instruction before the IRET.
 */
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "svm/vmcb.h"
#include "vm/vm.h"

#define VECTOR_NMI	2

void svm_deliver_nmi(struct svm_vcpu *v)
{
	struct vmcb_control *k = &v->vmcb->control;

	if (v->nmi_masked || (k->eventinj & SVM_EVENTINJ_VALID))
		return;
	k->eventinj = SVM_EVENTINJ_VALID |
		      ((uint64_t)SVM_EVENTINJ_TYPE_NMI << SVM_EVENTINJ_TYPE_SHIFT) | VECTOR_NMI;
	k->intercept_misc1 |= SVM_INTERCEPT_IRET;
	v->nmi_masked = true;
	v->vcpu.nmi_pending = false;
}

/* The NMI itself is taken once run.S sets GIF (above); an event the exit
 * cut short goes in again as after any exit (exit.c, redeliver()). */
void svm_exit_nmi(struct svm_vcpu *v)
{
	(void)v;
}

/* The guest ends its NMI handler: NMIs may go in again. */
void svm_exit_iret(struct svm_vcpu *v)
{
	v->nmi_masked = false;
	v->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
}
