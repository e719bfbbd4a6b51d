/*
 * The SVM capability check (AMD64 APM Vol. 2 15.4 "Enabling SVM", 15.30.1
 * "VM_CR MSR"): reads CPUID and VM_CR, lets svm_caps_decide() judge, and
 * says what it found.  Required: SVM allowed by the firmware, nested
 * paging, an ASID for the guest.  NRIP save is optional and reported.
 */
#include "lib/errno.h"
#include "lib/printf.h"
#include "svm/probe.h"
#include "x86.h"

/*
 * VM_CR is architectural on every CPU with SVM, but an emulator may leave
 * it out; a #GP on reading it must not stop skiff (rdmsr_safe()).  Then
 * the one effect of SVMDIS is tried instead: setting EFER.SVME, which
 * SVMDIS makes must-be-zero (#GP).  EFER is put back at once.
 */
static bool pretend;
static uint64_t pretend_vm_cr;

void svm_probe_pretend_vm_cr(uint64_t value)
{
	pretend = true;
	pretend_vm_cr = value;
}

static void read_facts(struct svm_facts *f)
{
	*f = (struct svm_facts){ 0 };
	f->max_ext_leaf = cpuid(CPUID_EXT_MAX_LEAF, 0).eax;
	if (f->max_ext_leaf >= CPUID_EXT_FEATURES)
		f->ext1_ecx = cpuid(CPUID_EXT_FEATURES, 0).ecx;
	if (!(f->ext1_ecx & CPUID_80000001_ECX_SVM))
		return;
	if (f->max_ext_leaf >= CPUID_SVM_FEATURES) {
		struct cpuid_regs r = cpuid(CPUID_SVM_FEATURES, 0);

		f->svm_eax = r.eax;
		f->svm_ebx = r.ebx;
		f->svm_edx = r.edx;
	}
	if (pretend) {
		kprintf("skiff: svm: VM_CR taken as 0x%lx (fault=svm-locked), not read\n", pretend_vm_cr);
		f->vm_cr = pretend_vm_cr;
		return;
	}
	f->vm_cr_gp = rdmsr_safe(MSR_VM_CR, &f->vm_cr) < 0;
	if (f->vm_cr_gp) {
		uint64_t efer = rdmsr(MSR_IA32_EFER);

		f->svme_gp = wrmsr_safe(MSR_IA32_EFER, efer | EFER_SVME) < 0;
		wrmsr(MSR_IA32_EFER, efer);
	}
}

/*
 * SVMDIS set, LOCK clear: VM_CR bits 3 and 4 are writable (15.30.1).  The
 * value is read back, since a write the CPU ignores would otherwise pass
 * for one it made.
 */
static int clear_svmdis(uint64_t vm_cr)
{
	uint64_t now;

	if (wrmsr_safe(MSR_VM_CR, vm_cr & ~VM_CR_SVMDIS) < 0 || rdmsr_safe(MSR_VM_CR, &now) < 0 ||
	    (now & VM_CR_SVMDIS)) {
		kprintf("skiff: svm: VM_CR.SVMDIS is set and not locked (VM_CR = 0x%lx), "
			"but clearing it failed\n", vm_cr);
		kprintf("skiff: svm: %s\n", svm_verdict_advice(SVM_DISABLED_LOCKED));
		return -ENODEV;
	}
	kprintf("skiff: svm: VM_CR.SVMDIS was set but not locked (VM_CR = 0x%lx); cleared it\n", vm_cr);
	return 0;
}

static void describe(const struct svm_caps *c)
{
	kprintf("skiff: svm: AMD-V with nested paging; SVM revision %u, %u ASIDs%s%s%s%s\n",
		c->revision, c->asids, c->nrips ? ", NRIP save" : "",
		c->flush_by_asid ? ", flush by ASID" : "", c->vmcb_clean ? ", VMCB clean bits" : "",
		c->decode_assists ? ", decode assists" : "");
	if (c->vm_cr_unreadable)
		kprintf("skiff: svm: VM_CR (MSR 0x%x) raised #GP when read: no firmware lock to check; "
			"EFER.SVME could be set, so SVM is allowed\n", MSR_VM_CR);
	if (!c->nrips) {
		kprintf("skiff: svm: no NRIP save (CPUID.8000000AH:EDX.NRIPS = 0): skiff must decode "
			"the length of each instruction it intercepts\n");
		kprintf("skiff: svm: tolerated: the instructions skiff intercepts have fixed lengths "
			"after their prefixes, and an I/O exit gives the next RIP in EXITINFO2\n");
	}
}

int svm_probe(struct svm_caps *caps)
{
	struct svm_facts facts;
	const char *advice;

	read_facts(&facts);
	svm_caps_decide(&facts, caps);
	if (caps->verdict != SVM_USABLE) {
		kprintf("skiff: svm: %s\n", svm_verdict_reason(caps->verdict));
		if (caps->verdict == SVM_DISABLED_LOCKED || caps->verdict == SVM_DISABLED_KEY)
			kprintf("skiff: svm: VM_CR = 0x%lx\n", facts.vm_cr);
		advice = svm_verdict_advice(caps->verdict);
		if (advice[0])
			kprintf("skiff: svm: %s\n", advice);
		return -ENODEV;
	}
	if (caps->clear_svmdis && clear_svmdis(facts.vm_cr) < 0)
		return -ENODEV;
	describe(caps);
	return 0;
}
