/*
 * The SVM exit path (exit.h): every #VMEXIT through svm_exit_table[], the
 * rule for handlers written once, as for VT-x: a handler completes the
 * instruction (svm_skip()), or injects an exception, or ends the guest
 * (svm_guest_crash(), svm_guest_hang(), or a vm_* finish); nothing else.
 */
#include "drivers/console.h"
#include "iommu.h"
#include "lib/printf.h"
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "svm/own_timer.h"
#include "svm/watchdog.h"
#include <stddef.h>

#include "vm/guest_regs.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/vm.h"
#include "x86.h"

#define RFLAGS_TF	(1ull << 8)
#define DEBUGCTL_BTF	(1ull << 1)
#define DR6_BS		(1ull << 14)
#define VECTOR_DB	1
#define VECTOR_BP	3
#define VECTOR_OF	4
#define VECTOR_GP	13

bool svm_guest_64bit(const struct svm_vcpu *v)
{
	return (v->vmcb->save.efer & EFER_LMA) && (v->vmcb->save.cs.attrib & VMCB_ATTR_L);
}

enum mmio_mode svm_code_mode(const struct svm_vcpu *v, struct guest_paging *p, uint64_t *linear)
{
	const struct vmcb_save *s = &v->vmcb->save;

	*p = (struct guest_paging){ .cr0 = s->cr0, .cr3 = s->cr3, .cr4 = s->cr4, .efer = s->efer };
	if (svm_guest_64bit(v)) {
		*linear = s->rip;
		return MMIO_MODE_64;
	}
	*linear = (uint32_t)(s->cs.base + s->rip);
	return (s->cs.attrib & VMCB_ATTR_DB) ? MMIO_MODE_32 : MMIO_MODE_16;
}

size_t svm_fetch_insn(const struct svm_vcpu *v, uint8_t *buf, size_t n)
{
	struct guest_paging p;
	uint64_t linear;
	size_t got;

	svm_code_mode(v, &p, &linear);
	got = guest_fetch(&v->vcpu.vm->mem, &p, linear, buf, n);
	if (got == 0)
		got = svm_fetch_with_low_memory(&v->vcpu.vm->mem, &p, linear, buf, n);
	return got;
}

/* The instruction done: RIP at rip, and what completing it implies. */
static void complete(struct svm_vcpu *v, uint64_t rip)
{
	/* Completing the instruction ends an STI or MOV SS shadow, as
	 * executing it would have (APM Vol. 2 15.21.5). */
	v->vmcb->control.interrupt_shadow = 0;
	v->vmcb->save.rip = rip;
	/* A single step owes its trap once the instruction completes (APM
	 * Vol. 2 13.1.1.5: DR6.BS), unless DEBUGCTL.BTF waits for a branch. */
	if ((v->vmcb->save.rflags & RFLAGS_TF) && !(v->debugctl & DEBUGCTL_BTF)) {
		v->vmcb->save.dr6 |= DR6_BS;
		svm_inject_exception(v, VECTOR_DB);
	}
}

/* RIP past len bytes: EIP wraps at 4 GiB outside 64-bit mode. */
static uint64_t rip_after(const struct svm_vcpu *v, unsigned len)
{
	uint64_t rip = v->vmcb->save.rip + len;

	return svm_guest_64bit(v) ? rip : (uint32_t)rip;
}

uint64_t svm_insn_end(struct svm_vcpu *v, enum svm_insn insn)
{
	uint8_t bytes[X86_INSN_MAX];
	size_t n;
	int len;

	if (v->nrips)
		return v->vmcb->control.next_rip;
	n = svm_fetch_insn(v, bytes, sizeof(bytes));
	len = svm_insn_length(bytes, n, insn, svm_guest_64bit(v));
	if (len < 0)
		svm_guest_crash(v, "an intercepted instruction skiff cannot measure",
				"no NRIP save, and the bytes at RIP are not the instruction "
				"the exit names");
	return rip_after(v, (unsigned)len);
}

void svm_skip(struct svm_vcpu *v, enum svm_insn insn)
{
	complete(v, svm_insn_end(v, insn));
}

void svm_complete_at(struct svm_vcpu *v, uint64_t rip)
{
	complete(v, rip);
}

void svm_skip_emulated(struct svm_vcpu *v, unsigned len)
{
	complete(v, rip_after(v, len));
}

void svm_skip_len(struct svm_vcpu *v, unsigned len)
{
	complete(v, v->nrips ? v->vmcb->control.next_rip : rip_after(v, len));
}

void svm_inject_exception(struct svm_vcpu *v, uint8_t vector)
{
	v->vmcb->control.eventinj = SVM_EVENTINJ_VALID |
				    ((uint64_t)SVM_EVENTINJ_TYPE_EXCEPTION << SVM_EVENTINJ_TYPE_SHIFT) | vector;
}

void svm_inject_gp(struct svm_vcpu *v)
{
	svm_inject_exception(v, VECTOR_GP);
	v->vmcb->control.eventinj |= SVM_EVENTINJ_EV;	/* error code 0 in bits 63:32 */
}

static void report_exit(const struct svm_vcpu *v)
{
	const struct vmcb_control *k = &v->vmcb->control;

	kprintf("  #VMEXIT %s (code 0x%lx), EXITINFO1 0x%lx, EXITINFO2 0x%lx, EXITINTINFO 0x%lx\n",
		svm_exit_code_name(k->exitcode), k->exitcode, k->exitinfo1, k->exitinfo2, k->exitintinfo);
}

void svm_guest_crash(struct svm_vcpu *v, const char *what, const char *detail)
{
	struct vm_incident inc = { .what = what, .rip = v->vmcb->save.rip, .kind = VM_INCIDENT_CRASH };

	vm_fate_claim(&v->vcpu);
	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: guest crash: %s at RIP 0x%lx%s%s\n", what, inc.rip, detail ? ": " : "",
		detail ? detail : "");
	report_exit(v);
	vm_incident(&v->vcpu, &inc);
}

void svm_guest_hang(struct svm_vcpu *v, const char *what)
{
	struct vm_incident inc = { .what = what, .rip = v->vmcb->save.rip, .kind = VM_INCIDENT_HANG };

	vm_fate_claim(&v->vcpu);
	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: guest hang: %s at RIP 0x%lx\n", what, inc.rip);
	vm_incident(&v->vcpu, &inc);
}

/*
 * The fast path of VMMCALL, skiff's hypercall on AMD-V, as
 * kernel/vmx/exit_fast.c is VT-x's: the common calls without the table
 * and its per-exit work, called by run.S before it saves the guest's
 * registers or loads skiff's VMSAVE state (GIF is clear: nothing here may
 * use the GS base, which is still the guest's, and nothing is called).  It declines, having changed nothing, where
 * svm_exit_vmmcall() would do more than a new RIP and RAX: skiff's console
 * output queued (the generic path feeds the UART), CPL > 0 (#UD), a single
 * step owed (RFLAGS.TF), no NRIP save (the length from the bytes), every
 * SVM_WATCH_FAST_EVERY-th call while the vCPUs watch each other (for the
 * watchdog's look, watchdog.h), or a
 * call vm_handle_hypercall_fast() does not take.  What it keeps as
 * svm_exit_dispatch() and svm_skip() do: the count and cycles, the end of
 * an exception streak, no shadow, event or TLB flush left over, the usual
 * intercepts (SVM_MISC1_AFTER_EXIT).  The fast calls' results are the same
 * in 32 and 64 bits (vm/hypercall.h), so RAX needs no truncation.
 */
SVM_EXIT_FAST_PATH bool svm_exit_vmmcall_fast(uint64_t a0, uint64_t a1, struct guest_regs *regs)
{
	uint32_t start = (uint32_t)rdtsc();
	struct svm_vcpu *v = (struct svm_vcpu *)((char *)regs - offsetof(struct svm_vcpu, vcpu.regs));
	struct vmcb_control *k = &v->vmcb->control;
	struct vmcb_save *s = &v->vmcb->save;
	struct hc_exit_stat *stat;
	int64_t ret;

	stat = &v->exit_stats[SVM_EXIT_INDEX(SVM_EXIT_VMMCALL)];
	if (console_output_queued || s->cpl != 0 || (s->rflags & RFLAGS_TF) || !k->next_rip ||
	    (svm_watch_active && (stat->count & (SVM_WATCH_FAST_EVERY - 1)) == SVM_WATCH_FAST_EVERY - 1))
		return false;
	if (!vm_handle_hypercall_fast(v->vcpu.vm, s->rax, a0, a1, &ret))
		return false;
	s->rax = (uint64_t)ret;
	s->rip = k->next_rip;
	k->interrupt_shadow = 0;
	k->eventinj = 0;
	k->tlb_control = SVM_TLB_CONTROL_NOTHING;
	k->intercept_misc1 = SVM_MISC1_AFTER_EXIT(k->intercept_misc1);
	v->vcpu.streak.count = 0;	/* vm_streak_end() */
	stat->count++;
	stat->cycles += (uint32_t)((uint32_t)rdtsc() - start);
	return true;
}

/*
 * QEMU 7.2 writes VMRUN's failure as 0xffffffff, -1 in 32 bits, where the
 * APM's EXITCODE is 64 bits (docs/emulators.md); no defined code has that
 * value, so it can only be that.
 */
#define EXITCODE_INVALID_32	0xffffffffull

/*
 * EXITINTINFO (APM Vol. 2 15.7.2): an event whose delivery the #VMEXIT
 * interrupted (a nested page fault on the guest's stack or IDT, an
 * intercepted exception).  The guest never got it, so unless the handler
 * injected an event in its place or ended the guest, it goes in again:
 * EVENTINJ has EXITINTINFO's format (15.20).  An INTn, INT3 or INTO has
 * not completed either, and its RIP is still the instruction's: it runs
 * again and raises its event itself, so it is not injected.
 */
static void redeliver(struct svm_vcpu *v)
{
	struct vmcb_control *k = &v->vmcb->control;
	unsigned type = (unsigned)((k->exitintinfo & SVM_EVENTINJ_TYPE_MASK) >> SVM_EVENTINJ_TYPE_SHIFT);
	unsigned vector = (unsigned)(k->exitintinfo & SVM_EVENTINJ_VECTOR_MASK);

	if (!(k->exitintinfo & SVM_EVENTINJ_VALID) || (k->eventinj & SVM_EVENTINJ_VALID))
		return;
	if (type == SVM_EVENTINJ_TYPE_SOFT_INT ||
	    (type == SVM_EVENTINJ_TYPE_EXCEPTION && (vector == VECTOR_BP || vector == VECTOR_OF)))
		return;
	k->eventinj = k->exitintinfo;
}

void svm_exit_dispatch(struct svm_vcpu *v)
{
	uint64_t start = rdtsc();
	unsigned i;
	const struct svm_exit_entry *e;

	svm_own_timer_accept(v);
	if (v->vmcb->control.exitcode == EXITCODE_INVALID_32)
		v->vmcb->control.exitcode = (uint64_t)SVM_EXIT_INVALID;
	i = svm_exit_index(v->vmcb->control.exitcode);
	v->vmcb->control.tlb_control = SVM_TLB_CONTROL_NOTHING;
	v->vmcb->control.eventinj = 0;
	/* svm_exit_hlt() may swap HLT for INTR again */
	v->vmcb->control.intercept_misc1 = SVM_MISC1_AFTER_EXIT(v->vmcb->control.intercept_misc1);
	if (i >= SVM_EXIT_INDEX_COUNT) {
		v->exit_stats[SVM_EXIT_INDEX_COUNT].count++;
		svm_guest_crash(v, "an exit code this skiff does not know", NULL);
	}
	v->exit_stats[i].count++;
	if (v->vmcb->control.exitcode != SVM_EXIT_EXCP0 + 1 &&
	    v->vmcb->control.exitcode != SVM_EXIT_EXCP0 + 17)
		vm_streak_end(&v->vcpu.streak);
	e = &svm_exit_table[i];
	switch (e->policy) {
	case SVM_EXIT_HANDLE:
		e->fn(v);
		break;
	case SVM_EXIT_INJECT_UD:
		svm_inject_exception(v, 6);
		break;
	case SVM_EXIT_FATAL:
	case SVM_EXIT_UNSET:
		svm_guest_crash(v, "unhandled #VMEXIT", e->why ? e->why : "no entry in the exit table");
	}
	redeliver(v);
	if (iommu_watching)	/* a blocked DMA is the guest's incident */
		vm_check_dma(&v->vcpu);
	vm_take_held_nmi(&v->vcpu);	/* first: it may be skiff's own, the one below */
	svm_watchdog_judge(v, start);	/* a kick for a period without exits */
	vm_fate_check(&v->vcpu);	/* held while another vCPU decides the guest's end */
	if (vm_init_taken(&v->vcpu) && v->vcpu.run_state == VCPU_RUNNING)
		svm_ap_init(v);		/* another vCPU's INIT (vm/ipi.h) */
	if (v->vcpu.nmi_pending && v->vcpu.run_state == VCPU_RUNNING)
		svm_deliver_nmi(v);
	svm_own_timer_exit(v);		/* skiff's timer, the guest's interrupts */
	svm_watchdog_look(v, start);
	console_poll();
	v->exit_stats[i].cycles += rdtsc() - start;
}
