/*
 * The SVM exit handlers the table names (exit_table.h).  Each decodes the
 * exit from the VMCB (AMD64 APM Vol. 2 15.7 "Intercept Operation" and the
 * EXITINFO formats of 15.10.2 and appendix C), leaves every decision that
 * is not AMD-V's to kernel/vm's rules, as the VT-x handlers do, and ends
 * as exit.c's rule says.
 */
#include "config.h"
#include "lib/printf.h"
#include "svm/caps.h"
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "svm/own_timer.h"
#include "svm/svm.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/cpuid.h"
#include "vm/verdict.h"
#include "vm/vm.h"
#include "x86.h"

#define RFLAGS_IF	(1ull << 9)
#define LOW32(x)	((x) & 0xffffffffull)
#define VECTOR_UD	6
#define VECTOR_AC	17

/* ---- #DB and #AC: the exception flood ---- */

/*
 * Intercepted only because they can recur with no instruction between
 * them and hold the CPU in the guest for good; each goes straight back.
 * The CPU has written the guest's DR6 in the VMCB before a #DB intercept,
 * so reflecting it is injecting it.  The same exception at the same RIP
 * over and over is a flood (vm_streak_exception(), vm/verdict.h), the
 * guest's hang; svm_exit_dispatch() ends the streak on any other exit.
 */
/*
 * EXITINTINFO (APM 15.7.2): the event being delivered when the exception
 * came.  A #DB or #AC during delivery of another #DB or #AC is handled
 * serially, the new one delivered (two benign exceptions, APM Vol. 2
 * 8.2.9): reflecting it is what the CPU would do.  Anything else would
 * need both events delivered, one after the other; skiff injects one
 * event per VMRUN and does not queue a second on AMD-V.
 */
static bool during_delivery_not_benign(uint64_t info)
{
	unsigned type = (unsigned)((info & SVM_EVENTINJ_TYPE_MASK) >> SVM_EVENTINJ_TYPE_SHIFT);
	unsigned vector = (unsigned)(info & SVM_EVENTINJ_VECTOR_MASK);

	if (!(info & SVM_EVENTINJ_VALID))
		return false;
	return type != SVM_EVENTINJ_TYPE_EXCEPTION || (vector != 1 && vector != VECTOR_AC);
}

void svm_exit_exception(struct svm_vcpu *v)
{
	uint8_t vector = (uint8_t)(v->vmcb->control.exitcode - SVM_EXIT_EXCP0);
	struct vm_streak *streak = &v->vcpu.streak;

	if (during_delivery_not_benign(v->vmcb->control.exitintinfo))
		svm_guest_crash(v, "an exception while an event was delivered",
				"skiff cannot deliver both on AMD-V");
	if (vm_streak_exception(streak, vector, v->vmcb->save.rip, CONFIG_EXCEPTION_FLOOD)) {
		char what[64];

		fmt_snprintf(what, sizeof(what), "exception flood: %s delivered %u times in a row",
			     vector == VECTOR_AC ? "#AC" : "#DB", streak->count);
		vm_streak_end(streak);
		svm_guest_hang(v, what);
	}
	svm_inject_exception(v, vector);
	if (vector == VECTOR_AC)	/* error code 0 */
		v->vmcb->control.eventinj |= SVM_EVENTINJ_EV;
}

/* ---- CPUID ---- */

/* The leaves below 32 that run.S's fast path may answer with the CPU's
 * own CPUID: those the guest's view leaves alone (vm/cpuid.h's one list). */
const uint32_t svm_cpuid_fast_leaves = ~VM_CPUID_EDITED_BASIC;

/* The shared view (vm/cpuid.h), less AMD-V itself: the guest has no SVM,
 * as on VT-x it has no VMX (CPUID 8000_0001h ECX.SVM, leaf 8000_000Ah). */
void svm_exit_cpuid(struct svm_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t leaf = (uint32_t)v->vmcb->save.rax, sub = (uint32_t)g[GUEST_REG_RCX];
	struct cpuid_regs r;

	if (!vm_cpuid_leaf_edited(leaf) && leaf != CPUID_SVM_FEATURES) {
		/* The CPU's own answer: the common case, without the editor. */
		r = cpuid(leaf, sub);
	} else if (!vm_cpuid_own(leaf, &r)) {
		/* RDTSCP, INVPCID and XSAVES are not intercepted: the guest has them. */
		const struct vm_cpuid_ctx ctx = {
			.guest_cr4 = v->vmcb->save.cr4, .rdtscp = true, .invpcid = true, .xsaves = true,
		};

		r = vm_cpuid_edit(leaf, sub, cpuid(leaf, sub), &ctx);
		if (leaf == CPUID_EXT_FEATURES)
			r.ecx &= ~CPUID_80000001_ECX_SVM;
		else if (leaf == 1 && svm_own_interrupts)	/* own_timer.h: xAPIC, one-shot or periodic */
			r.ecx &= ~(CPUID_1_ECX_X2APIC | CPUID_1_ECX_TSC_DEADLINE);
		else if (leaf == CPUID_SVM_FEATURES)
			r = (struct cpuid_regs){ 0 };
	}
	v->vmcb->save.rax = r.eax;
	g[GUEST_REG_RBX] = r.ebx;
	g[GUEST_REG_RCX] = r.ecx;
	g[GUEST_REG_RDX] = r.edx;
	svm_skip(v, SVM_INSN_CPUID);
}

/* ---- hypercalls: VMMCALL, and VMCALL through #UD ---- */

/* The ABI of vm/hypercall_abi.h at CPL 0; #UD elsewhere, as on VT-x. */
static void hypercall(struct svm_vcpu *v, enum svm_insn insn)
{
	uint64_t *g = v->vcpu.regs.gpr;
	bool wide = svm_guest_64bit(v);
	int64_t ret;

	if (v->vmcb->save.cpl != 0) {
		svm_inject_exception(v, VECTOR_UD);
		return;
	}
	ret = vm_handle_hypercall(&v->vcpu, v->vmcb->save.rax, g[GUEST_REG_RDI], g[GUEST_REG_RSI],
				  g[GUEST_REG_RDX], wide);
	v->vmcb->save.rax = wide ? (uint64_t)ret : LOW32((uint64_t)ret);
	svm_skip(v, insn);
}

void svm_exit_vmmcall(struct svm_vcpu *v)
{
	hypercall(v, SVM_INSN_VMMCALL);
}

/*
 * #UD: a guest written for VT-x calls skiff with VMCALL, which AMD CPUs
 * do not have (#UD).  When the faulting instruction is VMCALL it is the
 * hypercall; any other #UD goes back to the guest as it was raised.
 */
void svm_exit_ud(struct svm_vcpu *v)
{
	uint8_t bytes[X86_INSN_MAX];
	size_t n = svm_fetch_insn(v, bytes, sizeof(bytes));

	if (svm_insn_length(bytes, n, SVM_INSN_VMCALL, svm_guest_64bit(v)) > 0)
		hypercall(v, SVM_INSN_VMCALL);
	else
		svm_inject_exception(v, VECTOR_UD);
}

/* ---- I/O ---- */

/* EXITINFO1 of an IOIO intercept (APM 15.10.2). */
#define IOIO_TYPE_IN	(1ull << 0)
#define IOIO_STR	(1ull << 2)
#define IOIO_SZ8	(1ull << 4)
#define IOIO_SZ16	(1ull << 5)
#define IOIO_PORT_SHIFT	16

void svm_exit_ioio(struct svm_vcpu *v)
{
	uint64_t info = v->vmcb->control.exitinfo1;
	uint16_t port = (uint16_t)(info >> IOIO_PORT_SHIFT);
	unsigned size = (info & IOIO_SZ8) ? 1 : (info & IOIO_SZ16) ? 2 : 4;
	bool in = info & IOIO_TYPE_IN;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	uint32_t value = (uint32_t)v->vmcb->save.rax;

	if (info & IOIO_STR)
		svm_guest_crash(v, "string I/O (INS/OUTS) to a port skiff emulates",
				"skiff emulates only IN and OUT on its ports");
	vm_handle_port_io(&v->vcpu, port, size, in, &value);
	if (in)
		v->vmcb->save.rax = (v->vmcb->save.rax & ~(uint64_t)mask) | (value & mask);
	v->vmcb->save.rip = v->vmcb->control.exitinfo2;	/* the next RIP, NRIP save or not */
}

/* ---- HLT and INTR, INVD, WBINVD ---- */

/*
 * HLT with interrupts off on the BSP is the guest's hang, as on VT-x.
 * With interrupts on, the guest waits for an interrupt of its own: skiff
 * owns none (V_INTR_MASKING is clear, so the guest's RFLAGS.IF governs
 * physical interrupts, APM Vol. 2 15.21.1).  The intercept came before the
 * HLT ran (15.9), so an interrupt that arrives from here on, held pending
 * while skiff runs with GIF clear (15.17), must wake the HLT, never be
 * taken before it: after `sti; hlt` it is the wakeup the guest waits for.
 * The guest runs the HLT again, for one VMRUN with the HLT intercept
 * swapped for INTR's (15.13.1: the #VMEXIT leaves the interrupt pending):
 * - the HLT halts; the interrupt ends the halt with an INTR #VMEXIT past
 *   the HLT, and the next VMRUN, with the usual intercepts, delivers it
 *   there, as on bare metal;
 * - or the interrupt is recognized before the HLT runs, an INTR #VMEXIT
 *   with RIP still at the HLT: svm_exit_intr() completes the HLT, woken at
 *   once, and the interrupt is delivered past it all the same.
 * A CPU that loads the guest's INTERRUPT_SHADOW at VMRUN (15.21.5) takes
 * the second way only for an HLT outside STI's shadow.  QEMU 7.2 never
 * loads it (docs/emulators.md); there, re-running the HLT with no
 * intercept at all lost the wakeup of `sti; hlt` whenever the interrupt
 * came during the exit: the guest took it before the HLT, which then slept
 * for good.  Not intercepting HLT would be right by the APM too, but skiff
 * would lose its verdict on HLT with interrupts off, which on AMD-V,
 * without a watchdog, is the only end a `cli; hlt` guest gets.
 */
void svm_exit_hlt(struct svm_vcpu *v)
{
	struct vmcb_control *k = &v->vmcb->control;

	if (vm_hlt_is_hang(v->vmcb->save.rflags & RFLAGS_IF, v->vcpu.index == 0))
		svm_guest_hang(v, "HLT with interrupts disabled");
	if (svm_own_timer_wakes(v)) {	/* skiff holds the interrupt that wakes it */
		svm_skip(v, SVM_INSN_HLT);
		return;
	}
	v->hlt_next_rip = svm_insn_end(v, SVM_INSN_HLT);
	v->hlt_rip = v->vmcb->save.rip;
	v->hlt_again = true;
	k->intercept_misc1 = (k->intercept_misc1 & ~SVM_INTERCEPT_HLT) | SVM_INTERCEPT_INTR;
}

/*
 * INTR, intercepted only in the VMRUN that runs an HLT again (above), or
 * always while skiff owns the guest's interrupts (own_timer.h, which has
 * taken it already).  The interrupt stays pending for the next VMRUN to
 * deliver.  With the guest
 * still at that HLT, it came before the HLT ran: the HLT is completed
 * first, as the interrupt would have ended it.
 */
void svm_exit_intr(struct svm_vcpu *v)
{
	if (v->hlt_again && v->vmcb->save.rip == v->hlt_rip)
		svm_complete_at(v, v->hlt_next_rip);
	v->hlt_again = false;
}

/*
 * VINTR: own_timer.c asked for the exit at the moment the guest can take
 * the interrupt skiff holds for it (a virtual interrupt of its class,
 * APM Vol. 2 15.21.3); the end of this exit injects it
 * (svm_own_timer_exit()).
 */
void svm_exit_vintr(struct svm_vcpu *v)
{
	v->vmcb->control.vintr &= ~SVM_VINTR_IRQ;
	v->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	svm_exit_intr(v);	/* at the HLT it runs again: woken, as by INTR */
}

/* INVD would throw away skiff's dirty lines too: WBINVD for both. */
void svm_exit_invd(struct svm_vcpu *v)
{
	__asm__ volatile("wbinvd" ::: "memory");
	svm_skip(v, SVM_INSN_INVD);
}

/*
 * QEMU 7.2 exits for INVD with WBINVD's code (docs/emulators.md); the APM
 * gives INVD its own (Vol. 2 appendix C, 76h).  skiff does the same for
 * both, so where the length comes from the bytes (no NRIP save), INVD's
 * bytes are taken too.
 */
void svm_exit_wbinvd(struct svm_vcpu *v)
{
	uint8_t bytes[X86_INSN_MAX];
	size_t n;
	enum svm_insn insn = SVM_INSN_WBINVD;

	__asm__ volatile("wbinvd" ::: "memory");
	if (!v->nrips) {
		n = svm_fetch_insn(v, bytes, sizeof(bytes));
		if (svm_insn_length(bytes, n, SVM_INSN_INVD, svm_guest_64bit(v)) > 0)
			insn = SVM_INSN_INVD;
	}
	svm_skip(v, insn);
}

/* ---- the guest's end ---- */

void svm_exit_shutdown(struct svm_vcpu *v)
{
	svm_guest_crash(v, "triple fault", "the guest shut down (APM 15.11: SHUTDOWN intercept)");
}

void svm_exit_init(struct svm_vcpu *v)
{
	svm_guest_crash(v, "INIT signal", "the guest reset its CPU");
}

/*
 * A nested page fault (APM Vol. 2 15.25.6): EXITINFO2 is the
 * guest-physical address, EXITINFO1 a page-fault error code (P: the page
 * is mapped and the access is not allowed; RW: a write; ID: a fetch) with
 * bit 32 set for the final translation and bit 33 for a walk of the
 * guest's own page tables.  A write to a page of registers skiff keeps
 * (vm/platform.h), which the NPT maps read-only, is decoded and done or
 * refused as on VT-x (vm_mmio_decode_store(), vm_mmio_write()); anything
 * else touched memory that is not the guest's: its crash, naming the
 * address and its owner.
 */
#define NPF_PRESENT	(1ull << 0)
#define NPF_WRITE	(1ull << 1)
#define NPF_FETCH	(1ull << 4)
#define NPF_FINAL	(1ull << 32)

static void emulate_mmio_store(struct svm_vcpu *v, const struct vm_mmio_trap *t, uint64_t gpa)
{
	struct guest_paging paging;
	struct mmio_insn insn;
	uint64_t linear, value;
	enum mmio_mode mode = svm_code_mode(v, &paging, &linear);
	char detail[160];

	if (vm_mmio_decode_store(&v->vcpu, &paging, linear, mode, v->vmcb->save.rax,
				 v->vmcb->save.rsp, gpa, &insn,
				 &value, detail, sizeof(detail)) < 0) {
		svm_guest_crash(v, "nested page fault", detail);
		return;
	}
	if (t->kind == VM_MMIO_XAPIC) {		/* INIT and SIPI are skiff's (vm/ipi.h) */
		if (svm_finish_ipi(v, vm_xapic_write(&v->vcpu, gpa, insn.size, value)))
			svm_skip_emulated(v, insn.len);
		return;
	}
	vm_mmio_write(&v->vcpu, gpa, insn.size, value);
	svm_skip_emulated(v, insn.len);
}

void svm_exit_npf(struct svm_vcpu *v)
{
	uint64_t info = v->vmcb->control.exitinfo1, gpa = v->vmcb->control.exitinfo2;
	const struct vm_mmio_trap *t = vm_platform_mmio_trap(&v->vcpu.vm->platform, gpa);
	char detail[160];

	/* While skiff's timer runs in it, the guest's APIC page is not
	 * mapped at all: its loads are skiff's to answer too. */
	if (svm_own_interrupts && t && t->kind == VM_MMIO_XAPIC && (info & NPF_FINAL) &&
	    !(info & NPF_FETCH) && !(v->vmcb->control.exitintinfo & SVM_EVENTINJ_VALID)) {
		svm_own_timer_xapic(v, gpa);
		return;
	}

	if ((info & (NPF_PRESENT | NPF_WRITE | NPF_FINAL)) == (NPF_PRESENT | NPF_WRITE | NPF_FINAL) &&
	    !(info & NPF_FETCH) && t) {
		if (!(v->vmcb->control.exitintinfo & SVM_EVENTINJ_VALID)) {
			emulate_mmio_store(v, t, gpa);
			return;
		}
		vm_describe_delivery_store(detail, sizeof(detail), gpa);
		svm_guest_crash(v, "nested page fault", detail);
		return;
	}
	vm_describe_unmapped(detail, sizeof(detail),
			     (info & NPF_FETCH) ? "instruction fetch" : (info & NPF_WRITE) ? "write" : "read",
			     gpa);
	svm_guest_crash(v, "nested page fault", detail);
}

/* VMRUN refused the VMCB: skiff's fault, not the guest's.  The software
 * checks say which rule (svm_vmrun_check(), APM 15.5.1).  Except a CR3
 * with a bit above the physical-address width, which only the guest's MOV
 * can have loaded: a CPU raises #GP for that MOV (APM Vol. 2 3.1.2), but
 * QEMU 7.2 ends it in VMEXIT_INVALID (docs/emulators.md); the guest's
 * crash either way. */
void svm_exit_invalid(struct svm_vcpu *v)
{
	const struct vmcb_save *s = &v->vmcb->save;

	if (svm_vmcb_fails_on_guest_cr3(v->vmcb)) {
		svm_guest_crash(v, "CR3 with a bit above the physical-address width",
				"the guest's MOV to CR3 (a CPU raises #GP; QEMU 7.2 refuses VMRUN "
				"with VMEXIT_INVALID instead)");
		return;
	}

	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: svm: VMRUN refused the VMCB (VMEXIT_INVALID)\n");
	kprintf("  CR0 0x%lx  CR3 0x%lx  CR4 0x%lx  EFER 0x%lx  RFLAGS 0x%lx  CS 0x%x/0x%x  DR7 0x%lx\n",
		s->cr0, s->cr3, s->cr4, s->efer, s->rflags, s->cs.selector, s->cs.attrib, s->dr7);
	if (!svm_explain_vmcb(v->vmcb))
		kprintf("skiff: svm: no software check names the cause\n");
	vm_entry_failed(&v->vcpu, v->vmcb->save.rip);
}
