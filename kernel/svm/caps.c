/*
 * The SVM capability decision (caps.h): pure, host-tested in
 * tests/unit/test_svm_caps.c.
 */
#include <stddef.h>

#include "svm/caps.h"

/*
 * APM Vol. 2 15.4 gives the order: CPUID.80000001H:ECX.SVM, then
 * VM_CR.SVMDIS; with SVMDIS set, CPUID.8000000AH:EDX.SVML says whether the
 * lock can be opened with a key (15.31) or only in the firmware.  With
 * LOCK clear, SVMDIS is writable (15.30.1), so skiff clears it itself, as
 * it sets an unlocked IA32_FEATURE_CONTROL on Intel.  An emulator may not
 * implement VM_CR at all: RDMSR then raises #GP; the probe has tried
 * setting EFER.SVME instead, the one thing SVMDIS forbids.
 */
static enum svm_verdict firmware_verdict(const struct svm_facts *f, struct svm_caps *c)
{
	if (f->vm_cr_gp) {
		c->vm_cr_unreadable = true;
		return f->svme_gp ? SVM_DISABLED_UNKNOWN : SVM_USABLE;
	}
	if (!(f->vm_cr & VM_CR_SVMDIS))
		return SVM_USABLE;
	if (!(f->vm_cr & VM_CR_LOCK)) {
		c->clear_svmdis = true;
		return SVM_USABLE;
	}
	return (f->svm_edx & SVM_EDX_SVML) ? SVM_DISABLED_KEY : SVM_DISABLED_LOCKED;
}

void svm_caps_decide(const struct svm_facts *f, struct svm_caps *c)
{
	*c = (struct svm_caps){ .verdict = SVM_ABSENT };
	if (f->max_ext_leaf < CPUID_EXT_FEATURES || !(f->ext1_ecx & CPUID_80000001_ECX_SVM))
		return;
	c->verdict = firmware_verdict(f, c);
	if (c->verdict != SVM_USABLE)
		return;
	if (f->max_ext_leaf < CPUID_SVM_FEATURES) {
		c->verdict = SVM_NO_FEATURE_LEAF;
		return;
	}
	c->revision = f->svm_eax & CPUID_SVM_EAX_REVISION_MASK;
	c->asids = f->svm_ebx;
	c->nrips = f->svm_edx & SVM_EDX_NRIPS;
	c->flush_by_asid = f->svm_edx & SVM_EDX_FLUSH_BY_ASID;
	c->vmcb_clean = f->svm_edx & SVM_EDX_VMCB_CLEAN;
	c->decode_assists = f->svm_edx & SVM_EDX_DECODE_ASSISTS;
	if (!(f->svm_edx & SVM_EDX_NP))
		c->verdict = SVM_NO_NPT;
	else if (c->asids < 2)
		c->verdict = SVM_NO_ASID;
}

const char *svm_verdict_reason(enum svm_verdict v)
{
	switch (v) {
	case SVM_USABLE:
		return "AMD-V is usable";
	case SVM_ABSENT:
		return "this CPU has no AMD-V either (CPUID.80000001H:ECX.SVM = 0)";
	case SVM_DISABLED_LOCKED:
		return "AMD-V is disabled and locked by the firmware (VM_CR.SVMDIS and VM_CR.LOCK set)";
	case SVM_DISABLED_KEY:
		return "AMD-V is disabled and locked by the firmware (VM_CR.SVMDIS and VM_CR.LOCK set, "
		       "unlockable with a key: CPUID.8000000AH:EDX.SVML = 1)";
	case SVM_DISABLED_UNKNOWN:
		return "AMD-V is disabled: VM_CR cannot be read (#GP) and setting EFER.SVME raised #GP";
	case SVM_NO_FEATURE_LEAF:
		return "this CPU reports SVM but not its feature leaf (CPUID.80000000H:EAX < 8000000AH)";
	case SVM_NO_NPT:
		return "this CPU's AMD-V has no nested paging (CPUID.8000000AH:EDX.NP = 0): "
		       "skiff isolates its memory from the guest with nested page tables";
	case SVM_NO_ASID:
		return "this CPU's AMD-V has no ASID for a guest (CPUID.8000000AH:EBX < 2; ASID 0 is the host's)";
	}
	return "unknown verdict";
}

const char *svm_verdict_advice(enum svm_verdict v)
{
	switch (v) {
	case SVM_ABSENT:
		return "in a virtual machine, expose VT-x or AMD-V to it (QEMU: -enable-kvm -cpu host with "
		       "nested virtualization on in kvm_intel or kvm_amd), or use Bochs with a VT-x CPU model";
	case SVM_DISABLED_LOCKED:
	case SVM_DISABLED_UNKNOWN:
		return "enable SVM in the firmware setup (often called \"SVM Mode\" or \"AMD-V\"), "
		       "then boot skiff again";
	case SVM_DISABLED_KEY:
		return "skiff has no key (SVM_KEY MSR, APM 15.31): enable SVM in the firmware setup "
		       "(often called \"SVM Mode\" or \"AMD-V\"), then boot skiff again";
	case SVM_NO_FEATURE_LEAF:
	case SVM_NO_NPT:
	case SVM_NO_ASID:
		return "in a virtual machine, give it a CPU model with nested paging "
		       "(QEMU: -cpu qemu64,+svm,+npt or -cpu EPYC; Bochs: cpu: model=ryzen)";
	case SVM_USABLE:
		break;
	}
	return "";
}
