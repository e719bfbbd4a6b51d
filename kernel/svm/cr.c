/*
 * The guest's CR0 and CR4 writes on AMD-V, by the rules VT-x applies
 * (vm/cr_rules.h).  SVM forces no CR bit on the guest, but the VMCB's
 * CR0, CR4 and EFER must pass VMRUN's consistency checks at every entry
 * (APM Vol. 2 15.5.1), and a CPU that lets a bad value through (QEMU 7.2:
 * docs/emulators.md) would then refuse the next VMRUN, which reads as
 * skiff's failure.  And CR4.VMXE, which AMD CPUs do not have, is a bit the
 * guest may not set on any CPU skiff runs.  So both writes are intercepted
 * (APM Vol. 2 15.9: the CR write intercepts, which for CR0 also catch CLTS
 * and LMSW), checked, and done here: a write the rules refuse is #GP in
 * the guest, as on the bare CPU.
 */
#include "svm/cr_insn.h"
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "vm/cr_rules.h"
#include "vm/guest_regs.h"
#include "x86.h"

#define LOW32(x)		((x) & 0xffffffffull)
/* EXITINFO1 of a MOV CRx intercept with decode assists (APM Vol. 2
 * 15.33.1): bit 63 set for MOV, the GPR's number in bits 3:0; clear for
 * CLTS and LMSW. */
#define EXITINFO1_CR_MOV	(1ull << 63)
#define EXITINFO1_CR_GPR	0xfull
/* LMSW loads CR0 bits 3:0 (PE, MP, EM, TS) and cannot clear PE. */
#define LMSW_BITS		0xfull
/* CR0 bits whose change invalidates the guest's translations (APM Vol. 2
 * 5.5.2: a change of PG, PE or WP). */
#define CR0_TLB_BITS		(CR0_PG | CR0_PE | CR0_WP)

/* RAX and RSP live in the VMCB, the other GPRs in regs (run.S). */
static uint64_t read_gpr(const struct svm_vcpu *v, unsigned n)
{
	if (n == GUEST_REG_RAX)
		return v->vmcb->save.rax;
	if (n == GUEST_REG_RSP)
		return v->vmcb->save.rsp;
	return v->vcpu.regs.gpr[n];
}

static void cr_state(const struct svm_vcpu *v, bool wide, struct vm_cr_state *s)
{
	const struct vmcb_save *g = &v->vmcb->save;

	*s = (struct vm_cr_state){
		.cr0 = g->cr0, .cr3 = g->cr3, .cr4 = g->cr4, .efer = g->efer,
		.long_mode = g->efer & EFER_LMA, .wide = wide,
	};
}

/* The long-mode switch a PG change implies rides along (APM Vol. 2
 * 14.6.1: paging on with EFER.LME sets EFER.LMA); the CPU would do it,
 * and VMRUN expects the VMCB's EFER to agree. */
static void guest_write_cr0(struct svm_vcpu *v, const struct vm_cr_state *s, uint64_t value,
			    unsigned len)
{
	if (vm_cr0_write_faults(s, value)) {
		svm_inject_gp(v);
		return;
	}
	v->vmcb->save.efer = vm_cr0_write_efer(s, value);
	v->vmcb->save.cr0 = value;
	if ((s->cr0 ^ value) & CR0_TLB_BITS)
		v->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	svm_skip_len(v, len);
}

static void guest_write_cr4(struct svm_vcpu *v, const struct vm_cr_state *s, uint64_t value,
			    unsigned len)
{
	if (vm_cr4_write_faults(s, value, ~v->cr4_supported)) {
		svm_inject_gp(v);
		return;
	}
	v->vmcb->save.cr4 = value;
	if ((s->cr4 ^ value) & CR4_TLB_BITS)
		v->vmcb->control.tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	svm_skip_len(v, len);
}

/*
 * Which instruction wrote the CR: the CPU says so for a MOV with decode
 * assists; otherwise the bytes at RIP, which must be an instruction that
 * writes the CR the exit names.  Without NRIP save the bytes also give
 * the length.
 */
static void decode(struct svm_vcpu *v, unsigned cr, struct svm_cr_insn *in)
{
	uint64_t info = v->vmcb->control.exitinfo1;
	uint8_t bytes[X86_INSN_MAX];
	size_t n;

	if (v->decode_assists && (info & EXITINFO1_CR_MOV) && v->nrips) {
		*in = (struct svm_cr_insn){ .op = SVM_CR_MOV, .cr = (uint8_t)cr,
					    .gpr = (uint8_t)(info & EXITINFO1_CR_GPR) };
		return;
	}
	n = svm_fetch_insn(v, bytes, sizeof(bytes));
	if (svm_cr_insn_decode(bytes, n, svm_guest_64bit(v), in) < 0 ||
	    (in->op == SVM_CR_MOV ? in->cr != cr : cr != 0))
		svm_guest_crash(v, "a control-register write skiff cannot decode",
				"the bytes at RIP are not an instruction that writes that register");
	if (in->mem)
		svm_guest_crash(v, "LMSW with a memory operand",
				"skiff does not decode memory operands of CR0 writes on AMD-V");
}

/*
 * MOV to CR takes 64 bits of the register in 64-bit mode, 32 bits
 * elsewhere, compatibility mode included (APM Vol. 3 "MOV (CRn)").
 */
void svm_exit_cr_write(struct svm_vcpu *v)
{
	unsigned cr = (unsigned)(v->vmcb->control.exitcode - SVM_EXIT_CR0_WRITE);
	bool wide = svm_guest_64bit(v);
	struct svm_cr_insn in;
	struct vm_cr_state s;
	uint64_t value;

	decode(v, cr, &in);
	cr_state(v, wide, &s);
	switch (in.op) {
	case SVM_CR_CLTS:
		value = s.cr0 & ~CR0_TS;
		break;
	case SVM_CR_LMSW:
		value = (s.cr0 & ~(LMSW_BITS & ~CR0_PE)) | (read_gpr(v, in.gpr) & LMSW_BITS);
		break;
	default:
		value = read_gpr(v, in.gpr);
		if (!wide)
			value = LOW32(value);
	}
	if (cr == 0)
		guest_write_cr0(v, &s, value, in.len);
	else if (cr == 4)
		guest_write_cr4(v, &s, value, in.len);
	else
		svm_guest_crash(v, "a write to a control register skiff does not intercept", NULL);
}
