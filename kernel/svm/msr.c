/*
 * RDMSR and WRMSR that the MSR permission map intercepts (APM Vol. 2
 * 15.11; EXITINFO1 0 read, 1 write): the rules of vm/msr.h, as on VT-x,
 * with what SVM keeps elsewhere: EFER and PAT are the VMCB's (its EFER.SVME
 * skiff's, hidden from the guest), the TSC offset is the VMCB's, and
 * DEBUGCTL, which nothing switches without LBR virtualization, is a copy.
 */
#include "lib/printf.h"
#include "svm/caps.h"
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "svm/own_timer.h"
#include "vm/cpuid.h"
#include "vm/cr_rules.h"
#include "vm/ipi.h"
#include "vm/msr.h"
#include "vm/vm.h"
#include "x86.h"

#define LOW32(x)	((x) & 0xffffffffull)

/* PAT's eight types each UC, WC, WT, WP, WB or UC- (APM Vol. 2 7.8.1). */
static bool pat_valid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* The MSRs the map sends to skiff although the allow-list passes them. */
static int read_switched(struct svm_vcpu *v, uint32_t msr, uint64_t *value)
{
	switch (msr) {
	case MSR_IA32_EFER:
		*value = v->vmcb->save.efer & ~EFER_SVME;
		return 0;
	case MSR_IA32_PAT:
		*value = v->vmcb->save.g_pat;
		return 0;
	case MSR_IA32_DEBUGCTL:
		*value = v->debugctl;
		return 0;
	default:
		return rdmsr_safe(msr, value);
	}
}

static int read_msr(struct svm_vcpu *v, uint32_t msr, uint64_t *value)
{
	switch (vm_msr_rule(msr, false)) {
	case VM_MSR_LOCKED_OFF:
		*value = VM_MSR_FEATURE_CONTROL_VALUE;
		return 0;
	case VM_MSR_TSC:	/* IA32_TSC_ADJUST: the guest's view */
		if (rdmsr_safe(msr, value) < 0)
			return -1;
		*value += (uint64_t)v->tsc_adjust_delta;
		return 0;
	case VM_MSR_MTRR:
		return vm_guest_mtrr_read(&v->vcpu, msr, value);
	case VM_MSR_NO_BANKS:
		if (rdmsr_safe(msr, value) < 0)
			return -1;
		*value &= ~VM_MCG_CAP_HIDDEN;
		return 0;
	case VM_MSR_PASS:
		return read_switched(v, msr, value);
	default:		/* VM_MSR_GP; VM_MSR_COPY: no IA32_MISC_ENABLE on AMD */
		return -1;
	}
}

static void refuse(struct svm_vcpu *v, uint32_t msr, uint64_t value, const char *why)
{
	vm_refused_wrmsr(&v->vcpu, msr, value, why);
	svm_inject_gp(v);
}

/* EFER as the guest may write it (vm_efer_write_faults()), SVME kept. */
static int write_efer(struct svm_vcpu *v, uint64_t value)
{
	const struct vmcb_save *s = &v->vmcb->save;
	struct vm_cr_state st = {
		.cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer & ~EFER_SVME,
		.long_mode = s->efer & EFER_LMA, .wide = svm_guest_64bit(v),
	};
	bool nx = cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX;

	if ((value & EFER_SVME) || vm_efer_write_faults(&st, value, nx))
		return -1;
	v->vmcb->save.efer = vm_efer_write_value(&st, value) | EFER_SVME;
	return 0;
}

/* The guest's clock, as on VT-x (handlers.c, write_tsc): the VMCB's TSC
 * offset moves, skiff's own TSC never does. */
static int write_tsc(struct svm_vcpu *v, uint32_t msr, uint64_t value)
{
	int64_t offset = (int64_t)v->vmcb->control.tsc_offset, diff;
	uint64_t real_adjust;

	if (msr == MSR_IA32_TSC) {
		diff = (int64_t)(value - (rdtsc() + (uint64_t)offset));
	} else {
		if (rdmsr_safe(msr, &real_adjust) < 0)
			return -1;
		diff = (int64_t)(value - (real_adjust + (uint64_t)v->tsc_adjust_delta));
	}
	v->vmcb->control.tsc_offset = (uint64_t)(offset + diff);
	v->tsc_adjust_delta += diff;
	return 0;
}

static int write_pass(struct svm_vcpu *v, uint32_t msr, uint64_t value)
{
	if (msr == MSR_IA32_DEBUGCTL) {
		v->debugctl = value;
		return 0;
	}
	if (msr == MSR_IA32_PAT) {
		if (!pat_valid(value))
			return -1;
		v->vmcb->save.g_pat = value;
		return 0;
	}
	return wrmsr_safe(msr, value);
}

/* 0 done, -1 #GP; a refusal or the guest's end is done here. */
static int write_msr(struct svm_vcpu *v, uint32_t msr, uint64_t value)
{
	switch (vm_msr_rule(msr, true)) {
	case VM_MSR_EFER:
		return write_efer(v, value);
	case VM_MSR_TSC:
		return write_tsc(v, msr, value);
	case VM_MSR_MTRR:
		return vm_guest_mtrr_write(&v->vcpu, msr, value) == VM_MTRR_GP ? -1 : 0;
	case VM_MSR_X2APIC_ICR: {
		/* INIT and SIPI are skiff's (vm/ipi.h); the rest the real ICR's. */
		enum vm_ipi_action act = vm_guest_icr_write(&v->vcpu, value);

		if (act == VM_IPI_PASS)
			return wrmsr_safe(msr, value);
		return svm_finish_ipi(v, act) ? 0 : 1;
	}
	case VM_MSR_APIC_BASE:
		if (!vm_apic_base_write_ok(value)) {
			refuse(v, msr, value, "the local APIC stays at 0xfee00000 (it would cover "
			       "memory skiff uses)");
			return 1;
		}
		if (!svm_own_timer_apic_base_ok(value)) {
			refuse(v, msr, value, "the local APIC stays enabled in xAPIC mode: skiff's "
			       "watchdog timer runs in it (one vCPU on AMD-V)");
			return 1;
		}
		return wrmsr_safe(msr, value);
	case VM_MSR_PASS:
	case VM_MSR_PAT:
		return write_pass(v, msr, value);
	case VM_MSR_REFUSED:
		refuse(v, msr, value, vm_msr_refusal(msr));
		return 1;
	default:		/* VM_MSR_GP; VM_MSR_COPY: no IA32_MISC_ENABLE on AMD */
		return -1;
	}
}

void svm_exit_msr(struct svm_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t msr = (uint32_t)g[GUEST_REG_RCX];
	bool write = v->vmcb->control.exitinfo1 & 1;
	uint64_t value = 0;
	int rc;

	if (write) {
		rc = write_msr(v, msr, LOW32(v->vmcb->save.rax) | (g[GUEST_REG_RDX] << 32));
	} else {
		rc = read_msr(v, msr, &value);
		if (rc == 0) {
			v->vmcb->save.rax = LOW32(value);
			g[GUEST_REG_RDX] = value >> 32;
		}
	}
	if (rc < 0)
		svm_inject_gp(v);
	if (rc == 0)
		svm_skip(v, write ? SVM_INSN_WRMSR : SVM_INSN_RDMSR);
}
