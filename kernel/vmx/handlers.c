/*
 * The exit handlers the table names.  Each decodes its exit from the VMCS
 * (SDM Vol. 3C 28.2 for the exit information), does what the instruction
 * would have done for a guest on a machine without VMX, and moves the
 * guest on.  The rules themselves are the vendor-neutral vm's: the CPUID
 * view (vm/cpuid.h), the control-register, EFER and XCR0 rules
 * (vm/cr_rules.h), the MSR policy (vm/msr.h), the verdicts on a stuck
 * guest (vm/verdict.h), hypercalls, ports and the crash policy (vm/vm.h).
 * Each handler is given the vCPU that exited.
 */
#include "config.h"
#include "cpu.h"
#include "drivers/tsc.h"
#include "integrity.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "vm/cpuid.h"
#include "vm/cr_rules.h"
#include "vm/hypercall_abi.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/msr.h"
#include "vm/verdict.h"
#include "vm/vm.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/exit_table.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "x86.h"

#define LOW32(x)	((x) & 0xffffffffull)

/* ---- exceptions, interrupts, signals ---- */

/*
 * Only #DB and #AC are intercepted (vmx.c says why); each goes straight
 * back into the guest, which owns its exceptions.  A #DB exit does not
 * update DR6 (SDM Vol. 3C 28.1): the qualification carries the bits the
 * guest must find there.
 */
#define DR6_FIXED1	0xffff0ff0ull
#define DR6_EXIT_BITS	0x600full	/* B0-B3, BD, BS */

/* The same exception at the same RIP over and over is a flood
 * (vm_streak_exception, vm/verdict.h); exit.c ends the streak on any
 * other exit. */
void vmx_exit_exception(struct vmx_vcpu *v)
{
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);
	uint8_t vector = intr_info_vector(info);
	enum intr_type type = intr_info_type(info);
	struct vm_streak *streak = &v->vcpu.streak;

	/* An NMI is the guest's, not an exception of its own making: it is
	 * held for delivery (exit.c) and counts in no streak. */
	if (type == INTR_TYPE_NMI) {
		if (vm_take_kick(&v->vcpu))	/* skiff's own, to bring the vCPU out */
			v->vcpu.kicks_in_guest++;
		else
			v->vcpu.nmi_pending = true;
		unblock_nmis(SEL_KERNEL_CS, SEL_KERNEL_DS);
		return;
	}
	/* The exception faulted an IRET that had unblocked NMIs: the guest
	 * will run that IRET again, so its NMIs stay blocked until then
	 * (SDM Vol. 3C 28.2.3, 27.2.2). */
	if ((info & INTR_INFO_NMI_UNBLOCKED_IRET) && (v->pin & PIN_BASED_VIRTUAL_NMIS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE,
			     vmcs_read32(GUEST_INTERRUPTIBILITY_STATE) | GUEST_INTR_BLOCK_NMI);
	if (vm_streak_exception(streak, vector, vmcs_read_natural(GUEST_RIP),
				CONFIG_EXCEPTION_FLOOD)) {
		char what[64];

		fmt_snprintf(what, sizeof(what), "exception flood: %s delivered %u times in a row",
			     vector == VECTOR_AC ? "#AC" : vector == VECTOR_DB ? "#DB" : "an exception",
			     streak->count);
		vm_streak_end(streak);
		vmx_guest_hang(v, what);
	}
	if (vector == VECTOR_DB) {
		uint64_t qual = vmcs_read_natural(EXIT_QUALIFICATION);

		__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_FIXED1 | (qual & DR6_EXIT_BITS)));
	} else if (vector != VECTOR_AC) {
		vmx_guest_crash(v, "exception exit skiff did not ask for", NULL);
	}
	vmx_inject(v, vector, type, info & INTR_INFO_ERROR_CODE, vmcs_read32(VM_EXIT_INTR_ERROR_CODE),
		   vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

/* External interrupts are not intercepted; were one to exit, it is still
 * pending in the interrupt controller and reaches the guest on entry. */
void vmx_exit_external_interrupt(struct vmx_vcpu *v)
{
	(void)v;
}

void vmx_exit_triple_fault(struct vmx_vcpu *v)
{
	vmx_guest_crash(v, "triple fault",
			"an exception arose while the guest's CPU delivered a double fault (shutdown)");
}

/*
 * INIT resets the guest's CPU (SDM Vol. 3C 26.2: in non-root operation it
 * exits instead).  What that means is vm_init_signal()'s: for an AP, what
 * the hardware does, back to real mode and wait-for-SIPI; for the BSP,
 * the end of the guest.
 *
 * One INIT is not the guest's latest word: the one it sent before its
 * SIPI, while the AP waited for it.  In wait-for-SIPI INIT is blocked
 * (26.2), so the CPU holds it and exits for it as soon as the SIPI has
 * started the vCPU, before its first instruction.  By then that INIT has
 * done what it could do (the AP was waiting already), so the vCPU goes on
 * at the SIPI's address.  Should the same INIT exit come straight back
 * (Bochs 2.7 never clears an INIT it exits for, docs/emulators.md), the
 * vCPU cannot run: it is reported once and stays in wait-for-SIPI.
 */
void vmx_exit_init(struct vmx_vcpu *v)
{
	bool stale = v->after_sipi && vmcs_read_natural(GUEST_RIP) == 0;

	if (vm_init_signal(v->vcpu.index == 0) == VM_INIT_INCIDENT)
		vmx_guest_crash(v, "INIT signal", "the guest's CPU was sent INIT (a CPU reset)");
	if (stale && v->stale_inits++ == 0) {
		/* Bochs also sets "blocking by SMI" in the state it saves. */
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, 0);
		return;
	}
	if (stale && !v->init_stuck) {
		v->init_stuck = true;
		kprintf("skiff: vCPU %u (APIC ID %u): the INIT it exited for is still pending (the CPU "
			"did not consume it, SDM Vol. 3C 26.2); the vCPU cannot run and stays waiting "
			"for a SIPI\n", v->vcpu.index, v->vcpu.apic_id);
	}
	vmx_ap_init(v);
}

/*
 * A SIPI exits only in the wait-for-SIPI state (SDM Vol. 3C 26.2), where
 * only an AP's vCPU ever is: the guest starts that CPU, in real mode at
 * CS = vector << 8, IP = 0, the exit qualification's vector (28.2.1).
 */
void vmx_exit_sipi(struct vmx_vcpu *v)
{
	uint8_t vector = (uint8_t)vmcs_read_natural(EXIT_QUALIFICATION);

	if (v->init_stuck) {
		vmx_ap_reset(v, 0, true);	/* see vmx_exit_init() */
		return;
	}
	vm_vcpu_started(&v->vcpu);	/* held instead while the guest's end is decided */
	/* Bochs 2.7 keeps SMIs and NMIs masked after wait-for-SIPI when a
	 * SIPI exits (docs/emulators.md): it then saves "blocking by SMI",
	 * which VM entry refuses outside SMM, with every exit, and delivers
	 * no NMI.  An IRET unmasks NMIs; the SMI bit is cleared by a second
	 * entry to the exit stub.  Hardware never sets the bit outside SMM,
	 * so there the vCPU keeps the plain stub. */
	if (!v->smi_quirk && (vmcs_read32(GUEST_INTERRUPTIBILITY_STATE) & GUEST_INTR_BLOCK_SMI)) {
		v->smi_quirk = true;
		vmcs_write_natural(HOST_RIP, (uint64_t)vmx_exit_stub_smi_quirk);
	}
	unblock_nmis(SEL_KERNEL_CS, SEL_KERNEL_DS);
	vmx_ap_reset(v, vector, false);
	v->after_sipi = true;
	v->stale_inits = 0;
}

/* Interrupt windows are never requested; clearing the control makes a
 * spurious one harmless. */
void vmx_exit_window(struct vmx_vcpu *v)
{
	(void)v;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		     ~CPU_BASED_INTERRUPT_WINDOW_EXITING);
}

/* The guest can take the NMI skiff holds for it: no virtual-NMI blocking,
 * no MOV-SS blocking (SDM Vol. 3C, "NMI-Window Exiting").  The window is
 * closed again; vmx_deliver_nmi() reopens it should the NMI still wait. */
void vmx_exit_nmi_window(struct vmx_vcpu *v)
{
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		     ~CPU_BASED_NMI_WINDOW_EXITING);
	if (v->vcpu.nmi_pending)
		vmx_deliver_nmi(v, true);
}

/*
 * The preemption timer ran out: as the watchdog (a whole period without
 * one VM exit), or as a drain tick while console output is queued
 * (vmx_timer_arm).  Whether that is a hang is vm/verdict.h's rule.
 */
void vmx_exit_preemption_timer(struct vmx_vcpu *v)
{
	/* An AP halted with interrupts off is parked (vm_hlt_is_hang), as
	 * good as one that takes interrupts. */
	bool interrupts_on = (vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_IF) ||
			     (v->vcpu.index != 0 &&
			      vmcs_read32(GUEST_ACTIVITY_STATE) == GUEST_ACTIVITY_HLT);
	unsigned ms = v->vcpu.vm->policy.watchdog_ms;
	bool hang;
	char what[80];

	if (v->timer_loaded != v->preemption_timer)
		hang = vm_watchdog_tick_is_hang(&v->vcpu.watchdog, rdtsc(),
						vmx_exits_other_than(v, EXIT_REASON_PREEMPTION_TIMER),
						interrupts_on, tsc_ticks_for_ms(ms));
	else
		hang = vm_watchdog_expired_is_hang(interrupts_on);
	if (!hang)
		return;
	fmt_snprintf(what, sizeof(what), "no VM exit for %u ms with interrupts disabled (watchdog)",
		     ms);
	vmx_guest_hang(v, what);
}

/* Reached only through bit 31 of the exit reason, which exit.c checks
 * first; listed in the table so that the reasons have an entry too. */
void vmx_exit_entry_failure(struct vmx_vcpu *v)
{
	vmx_entry_failure(v, vmcs_read32(VM_EXIT_REASON));
}

/* ---- CPUID ---- */

/* The guest's view (vm/cpuid.h): skiff's own leaves, or the CPU's answer
 * edited for what this vCPU's controls let non-root mode run.  The fast
 * path (exit_fast.c) has taken every leaf the view leaves alone. */
void vmx_exit_cpuid(struct vmx_vcpu *v)
{
	/* LAB 6 BEGIN: vmx_exit_cpuid(): the guest's view of the leaf, then past CPUID */
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t leaf = (uint32_t)g[GUEST_REG_RAX];
	uint32_t sub = (uint32_t)g[GUEST_REG_RCX];
	struct cpuid_regs r;

	if (!vm_cpuid_own(leaf, &r)) {
		const struct vm_cpuid_ctx ctx = {
			.guest_cr4 = vmx_guest_cr4(v),
			.rdtscp = v->proc2 & SECONDARY_EXEC_ENABLE_RDTSCP,
			.invpcid = v->proc2 & SECONDARY_EXEC_ENABLE_INVPCID,
			.xsaves = v->proc2 & SECONDARY_EXEC_ENABLE_XSAVES,
		};

		r = vm_cpuid_edit(leaf, sub, cpuid(leaf, sub), &ctx);
	}
	g[GUEST_REG_RAX] = r.eax;
	g[GUEST_REG_RBX] = r.ebx;
	g[GUEST_REG_RCX] = r.ecx;
	g[GUEST_REG_RDX] = r.edx;
	vmx_skip_instruction();
	/* LAB 6 END */
}

/* ---- HLT, INVD, WBINVD, MWAIT/MONITOR/PAUSE ---- */

/*
 * HLT with interrupts enabled parks the guest in the HLT activity state
 * (SDM Vol. 3C 25.4.2): the CPU wakes it when an interrupt or NMI arrives.
 * With interrupts disabled nothing but an NMI could wake it: on the BSP
 * the guest has stopped for good, which skiff reports as a hang; an AP
 * is parked there until an INIT restarts it (vm_hlt_is_hang()).
 */
void vmx_exit_hlt(struct vmx_vcpu *v)
{
	if (vm_hlt_is_hang(vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_IF, v->vcpu.index == 0))
		vmx_guest_hang(v, "HLT with interrupts disabled");
	vmx_skip_instruction();
	if (vmx_halt_state_supported(v))
		vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
}

/* INVD would throw away skiff's dirty cache lines too; WBINVD keeps the
 * architectural effect the guest can observe and loses nothing. */
void vmx_exit_invd(struct vmx_vcpu *v)
{
	(void)v;
	__asm__ volatile("wbinvd" ::: "memory");
	vmx_skip_instruction();
}

void vmx_exit_wbinvd(struct vmx_vcpu *v)
{
	vmx_exit_invd(v);
}

/* Architecturally allowed to do nothing (MWAIT may wake at once). */
void vmx_exit_nop(struct vmx_vcpu *v)
{
	(void)v;
	vmx_skip_instruction();
}

/* ---- VMCALL ---- */

/* The hypercall ABI (vm/hypercall_abi.h).  Only the guest's kernel may
 * call: from CPL > 0, VMCALL is #UD as on a machine without skiff.  The
 * common calls do not come here: exit_fast.c takes them first. */
void vmx_exit_vmcall(struct vmx_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	bool wide = vmx_guest_64bit_mode();	/* compatibility mode runs 32-bit code */
	int64_t ret;

	if (vmx_guest_cpl() != 0) {
		vmx_inject_ud(v);
		return;
	}
	ret = vm_handle_hypercall(&v->vcpu, g[GUEST_REG_RAX], g[GUEST_REG_RDI], g[GUEST_REG_RSI],
				g[GUEST_REG_RDX], wide);
	g[GUEST_REG_RAX] = wide ? (uint64_t)ret : LOW32((uint64_t)ret);
	vmx_skip_instruction();
}

/* ---- control registers ---- */

/*
 * The guest's control state as it reads it, for the rules of
 * vm/cr_rules.h; cr0 (the guest's view) and wide (64-bit mode) are what
 * the caller has already read.  IA-32e mode is EFER.LMA: with "load
 * IA32_EFER" VM entry requires the two to agree (SDM Vol. 3C 27.3.1.1),
 * every VM exit stores LMA into "IA-32e mode guest" (28.2), and
 * guest_write_cr0() changes both together.  CR3 is read only by the one
 * rule that needs it (guest_write_cr4()).
 */
static void guest_cr_state(const struct vmx_vcpu *v, uint64_t cr0, bool wide,
			   struct vm_cr_state *s)
{
	s->cr0 = cr0;
	s->cr3 = 0;
	s->cr4 = vmx_guest_cr4(v);
	s->efer = vmcs_read64(GUEST_IA32_EFER);
	s->long_mode = s->efer & EFER_LMA;
	s->wide = wide;
}

/* With VPID the guest's translations outlive VM exits and entries: what
 * the emulated instruction would invalidate (SDM Vol. 3A 4.10.4.1), skiff
 * must. */
static void flush_guest_tlb(const struct vmx_vcpu *v)
{
	if (v->vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
}

/*
 * MOV to CR0 that changes a bit skiff owns (NE, or a bit the CPU forbids).
 * The guest's view goes into the read shadow; the real CR0 keeps the fixed
 * bits.  The long-mode switch a PG change implies is done here (SDM Vol.
 * 3A 11.8.5 "Initializing IA-32e Mode"): EFER.LMA and the "IA-32e mode
 * guest" entry control follow it.
 */
static void guest_write_cr0(struct vmx_vcpu *v, const struct vm_cr_state *s, uint64_t value)
{
	uint64_t efer;

	if (vm_cr0_write_faults(s, value)) {
		vmx_inject_gp(v);
		return;
	}
	efer = vm_cr0_write_efer(s, value);
	if (efer != s->efer) {
		uint32_t entry = vmcs_read32(VM_ENTRY_CONTROLS);

		vmcs_write64(GUEST_IA32_EFER, efer);
		vmcs_write32(VM_ENTRY_CONTROLS, (efer & EFER_LMA) ? entry | VM_ENTRY_IA32E_MODE_GUEST :
					       entry & ~VM_ENTRY_IA32E_MODE_GUEST);
	}
	vmcs_write_natural(CR0_READ_SHADOW, value);
	vmcs_write_natural(GUEST_CR0, vmx_guest_cr0_adjust(value, v->cr0_fixed0, v->cr0_fixed1, true));
	/* Clearing PG invalidates every translation (4.10.4.1). */
	if ((s->cr0 & CR0_PG) && !(value & CR0_PG))
		flush_guest_tlb(v);
	vmx_skip_instruction();
}

/* MOV to CR4 that touches a bit skiff owns; the bits the CPU does not
 * support are those neither FIXED MSR allows. */
static void guest_write_cr4(struct vmx_vcpu *v, struct vm_cr_state *s, uint64_t value)
{
	s->cr3 = vmcs_read_natural(GUEST_CR3);
	if (vm_cr4_write_faults(s, value, ~v->cr4_fixed1 & ~v->cr4_fixed0)) {
		vmx_inject_gp(v);
		return;
	}
	vmcs_write_natural(CR4_READ_SHADOW, value);
	vmcs_write_natural(GUEST_CR4, vmx_cr_adjust(value, v->cr4_fixed0, v->cr4_fixed1));
	if ((s->cr4 ^ value) & CR4_TLB_BITS)
		flush_guest_tlb(v);
	vmx_skip_instruction();
}

/* CR3 exits only when the CPU forces CR3 exiting (no TRUE controls). */
static void guest_write_cr3(struct vmx_vcpu *v, const struct vm_cr_state *s, uint64_t value)
{
	vmcs_write_natural(GUEST_CR3, vm_cr3_write_value(s, value));
	flush_guest_tlb(v);
	vmx_skip_instruction();
}

/*
 * MOV to/from CR takes 64 bits of the register in 64-bit mode, 32 bits
 * elsewhere, compatibility mode included (SDM Vol. 3A "MOV—Move to/from
 * Control Registers": the operand size is fixed by the mode); a 32-bit
 * result is zero-extended, as a 32-bit write does.
 */
void vmx_exit_cr_access(struct vmx_vcpu *v)
{
	struct cr_access a = cr_access_decode(vmcs_read_natural(EXIT_QUALIFICATION));
	uint64_t *reg = a.reg == GUEST_REG_RSP ? NULL : &v->vcpu.regs.gpr[a.reg];
	uint64_t value = reg ? *reg : vmcs_read_natural(GUEST_RSP);
	uint64_t shadow = vmx_guest_cr0(v);
	bool wide = vmx_guest_64bit_mode();
	struct vm_cr_state s;

	if (!wide)
		value = LOW32(value);
	if (a.type != CR_ACCESS_MOV_FROM_CR)
		guest_cr_state(v, shadow, wide, &s);
	switch (a.type) {
	case CR_ACCESS_MOV_TO_CR:
		if (a.cr == 0)
			guest_write_cr0(v, &s, value);
		else if (a.cr == 4)
			guest_write_cr4(v, &s, value);
		else if (a.cr == 3)
			guest_write_cr3(v, &s, value);
		else
			vmx_guest_crash(v, "MOV to a control register skiff does not intercept", NULL);
		return;
	case CR_ACCESS_MOV_FROM_CR:
		if (a.cr != 3)
			vmx_guest_crash(v, "MOV from a control register skiff does not intercept", NULL);
		value = vmcs_read_natural(GUEST_CR3);
		if (!wide)
			value = LOW32(value);
		if (reg)
			*reg = value;
		else
			vmcs_write_natural(GUEST_RSP, value);
		vmx_skip_instruction();
		return;
	case CR_ACCESS_CLTS:
		guest_write_cr0(v, &s, shadow & ~CR0_TS);
		return;
	case CR_ACCESS_LMSW:
		/* LMSW sets PE, MP, EM, TS from bits 3:0 and cannot clear PE. */
		guest_write_cr0(v, &s, (shadow & ~0xeull) | (a.lmsw_source & 0xf));
		return;
	}
}

/* ---- I/O ---- */

void vmx_exit_io(struct vmx_vcpu *v)
{
	/* LAB 7 BEGIN: vmx_exit_io(): the port access the guest made, emulated, then past it */
	struct io_access io = io_access_decode(vmcs_read_natural(EXIT_QUALIFICATION));
	uint64_t *rax = &v->vcpu.regs.gpr[GUEST_REG_RAX];
	uint32_t value = (uint32_t)*rax;
	uint32_t mask = io.size == 4 ? 0xffffffffu : (1u << (io.size * 8)) - 1;

	if (io.string) {
		vmx_guest_crash(v, "string I/O (INS/OUTS) to a port skiff emulates",
				"skiff emulates only IN and OUT on its ports");
		return;
	}
	vm_handle_port_io(&v->vcpu, io.port, io.size, io.in, &value);
	if (io.in)
		*rax = (*rax & ~(uint64_t)mask) | (value & mask);
	vmx_skip_instruction();
	/* LAB 7 END */
}

/* ---- MSRs ---- */

/*
 * RDMSR reaches skiff for what the MSR policy (vm/msr.h) does not pass
 * through and for every MSR outside the bitmap's two ranges.  What the
 * policy passes is read for the guest; a #GP from the CPU goes back to it.
 */
void vmx_exit_rdmsr(struct vmx_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t msr = (uint32_t)g[GUEST_REG_RCX];
	enum vm_msr_rule rule = vm_msr_rule(msr, false);
	uint64_t value = 0;
	int bad;

	switch (rule) {
	case VM_MSR_LOCKED_OFF:
		value = VM_MSR_FEATURE_CONTROL_VALUE;
		bad = 0;
		break;
	case VM_MSR_TSC:	/* IA32_TSC_ADJUST: the guest's view */
		bad = rdmsr_safe(msr, &value);
		value += (uint64_t)v->tsc_adjust_delta;
		break;
	case VM_MSR_MTRR:
		bad = vm_guest_mtrr_read(&v->vcpu, msr, &value);
		break;
	case VM_MSR_COPY:	/* IA32_MISC_ENABLE */
		value = v->misc_enable;
		bad = !v->misc_enable_exists;
		break;
	case VM_MSR_NO_BANKS:
		bad = rdmsr_safe(msr, &value);
		value &= ~VM_MCG_CAP_HIDDEN;
		break;
	case VM_MSR_PASS:
		bad = rdmsr_safe(msr, &value);
		break;
	default:
		bad = -1;
		break;
	}
	if (bad) {
		vmx_inject_gp(v);
		return;
	}
	g[GUEST_REG_RAX] = LOW32(value);
	g[GUEST_REG_RDX] = value >> 32;
	vmx_skip_instruction();
}

/* EFER as the guest may write it: checked (vm_efer_write_faults), then
 * into the VMCS, which loads it on entry. */
static void write_efer(struct vmx_vcpu *v, uint64_t value)
{
	struct vm_cr_state s;
	bool nx = cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX;

	guest_cr_state(v, vmx_guest_cr0(v), vmx_guest_64bit_mode(), &s);
	if (vm_efer_write_faults(&s, value, nx)) {
		vmx_inject_gp(v);
		return;
	}
	vmcs_write64(GUEST_IA32_EFER, vm_efer_write_value(&s, value));
	vmx_skip_instruction();
}

/*
 * The guest's clock (SDM Vol. 3B 18.17): a write of IA32_TSC sets the
 * TSC the guest reads, and moves its IA32_TSC_ADJUST by as much; a write
 * of IA32_TSC_ADJUST moves both by the difference (18.17.3).  Here both
 * move the VMCS TSC offset, which the CPU adds to the guest's RDTSC and
 * RDMSR of IA32_TSC: skiff's own TSC, which its watchdog and timing
 * count, never changes.  The guest's TSC_ADJUST is the CPU's plus what
 * the guest moved it by (tsc_adjust_delta).
 */
static void write_tsc(struct vmx_vcpu *v, uint32_t msr, uint64_t value)
{
	int64_t offset = (int64_t)vmcs_read64(TSC_OFFSET);
	uint64_t real_adjust;
	int64_t diff;

	if (!(v->proc & CPU_BASED_USE_TSC_OFFSETTING)) {
		vm_refused(&v->vcpu, msr == MSR_IA32_TSC ? "WRMSR IA32_TSC" : "WRMSR IA32_TSC_ADJUST",
			   value, "this CPU has no TSC offsetting, and skiff's clock is the TSC");
		vmx_inject_gp(v);
		return;
	}
	if (msr == MSR_IA32_TSC) {
		diff = (int64_t)(value - (rdtsc() + (uint64_t)offset));
	} else {
		if (rdmsr_safe(msr, &real_adjust) < 0) {	/* no TSC_ADJUST on this CPU */
			vmx_inject_gp(v);
			return;
		}
		diff = (int64_t)(value - (real_adjust + (uint64_t)v->tsc_adjust_delta));
	}
	vmcs_write64(TSC_OFFSET, (uint64_t)(offset + diff));
	v->tsc_adjust_delta += diff;
	vmx_skip_instruction();
}

/* What is left of an IPI once vm_guest_icr_write() or vm_xapic_write()
 * has done its part, VM_IPI_PASS aside: false when the vCPU was reset
 * (INIT to itself), whose instruction is then not to be skipped. */
static bool finish_ipi(struct vmx_vcpu *v, enum vm_ipi_action act)
{
	if (act == VM_IPI_INIT_BSP)
		vmx_guest_crash(v, "INIT signal",
				"the guest sent INIT to its bootstrap processor (a CPU reset)");
	if (act != VM_IPI_INIT_SELF)
		return true;
	vmx_ap_init(v);
	return false;
}

/* The guest's IPI through its x2APIC ICR: INIT is skiff's (vm/ipi.h),
 * the rest goes to the real ICR; a #GP from it goes back to the guest. */
static void write_icr(struct vmx_vcpu *v, uint64_t value)
{
	enum vm_ipi_action act = vm_guest_icr_write(&v->vcpu, value);

	if (act == VM_IPI_PASS && wrmsr_safe(VM_MSR_X2APIC_ICR_NR, value) < 0) {
		vmx_inject_gp(v);
		return;
	}
	if (finish_ipi(v, act))
		vmx_skip_instruction();
}

/* A write the policy refuses: reported (the guest's doing), then #GP. */
static void refuse_wrmsr(struct vmx_vcpu *v, uint32_t msr, uint64_t value, const char *why)
{
	vm_refused_wrmsr(&v->vcpu, msr, value, why);
	vmx_inject_gp(v);
}

/* The guest's MTRRs (vm/mtrr_view.h): a write that changes the memory
 * types retypes guest memory in the EPT, and this CPU's cached
 * translations are dropped.  Every CPU writes its own MTRRs (SDM Vol. 3A
 * 12.11.8), so each flushes its own. */
static void write_mtrr(struct vmx_vcpu *v, uint32_t msr, uint64_t value)
{
	int rc = vm_guest_mtrr_write(&v->vcpu, msr, value);

	if (rc == VM_MTRR_GP) {
		vmx_inject_gp(v);
		return;
	}
	vmx_invept(INVEPT_SINGLE_CONTEXT, ept_pointer(v->ept));
	vmx_skip_instruction();
}

void vmx_exit_wrmsr(struct vmx_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t msr = (uint32_t)g[GUEST_REG_RCX];
	uint64_t value = LOW32(g[GUEST_REG_RAX]) | (g[GUEST_REG_RDX] << 32);

	switch (vm_msr_rule(msr, true)) {
	case VM_MSR_EFER:
		write_efer(v, value);
		return;
	case VM_MSR_X2APIC_ICR:
		write_icr(v, value);
		return;
	case VM_MSR_TSC:
		write_tsc(v, msr, value);
		return;
	case VM_MSR_MTRR:
		write_mtrr(v, msr, value);
		return;
	case VM_MSR_COPY:	/* IA32_MISC_ENABLE */
		if (!v->misc_enable_exists) {
			vmx_inject_gp(v);
			return;
		}
		v->misc_enable = value;
		break;
	case VM_MSR_APIC_BASE:
		if (!vm_apic_base_write_ok(value)) {
			refuse_wrmsr(v, msr, value, "the local APIC stays at 0xfee00000 (it would "
				     "cover memory skiff uses)");
			return;
		}
		/* the mode bits are the guest's, checked by the CPU */
		if (wrmsr_safe(msr, value) < 0) {
			vmx_inject_gp(v);
			return;
		}
		break;
	case VM_MSR_PASS:	/* the real MSR, where the bitmap cannot pass it */
		if (wrmsr_safe(msr, value) < 0) {
			vmx_inject_gp(v);
			return;
		}
		break;
	case VM_MSR_PAT:
		refuse_wrmsr(v, msr, value, "this CPU cannot switch PAT on VM entry and exit, "
			     "and PAT types skiff's own memory");
		return;
	case VM_MSR_REFUSED:
		refuse_wrmsr(v, msr, value, vm_msr_refusal(msr));
		return;
	default:		/* VM_MSR_GP, and reads' rules */
		vmx_inject_gp(v);
		return;
	}
	vmx_skip_instruction();
}

/* ---- XSETBV ---- */

/*
 * XSETBV exits unconditionally.  The checks are the instruction's own
 * (SDM Vol. 2 "XSETBV"): #UD unless CR4.OSXSAVE, #GP at CPL > 0, for an XCR
 * other than 0, for a value vm_xcr0_valid() refuses.  The CPU would refuse
 * the same; checking first keeps the story readable, and xsetbv_safe
 * catches anything newer.
 */
static uint64_t xcr0_supported(void)
{
	struct cpuid_regs d = cpuid(0xd, 0);

	return d.eax | ((uint64_t)d.edx << 32);
}

void vmx_exit_xsetbv(struct vmx_vcpu *v)
{
	uint64_t *g = v->vcpu.regs.gpr;
	uint32_t xcr = (uint32_t)g[GUEST_REG_RCX];
	uint64_t value = LOW32(g[GUEST_REG_RAX]) | (g[GUEST_REG_RDX] << 32);

	if (!(vmx_guest_cr4(v) & CR4_OSXSAVE)) {
		vmx_inject_ud(v);
		return;
	}
	if (vmx_guest_cpl() != 0 || xcr != 0 || !vm_xcr0_valid(value, xcr0_supported()) ||
	    xsetbv_safe(xcr, value) < 0) {
		vmx_inject_gp(v);
		return;
	}
	vmx_skip_instruction();
}

/* ---- EPT ---- */

#define CS_AR_D		(1u << 14)	/* default operation size 32 (SDM Vol. 3A 3.4.5) */

/* The guest's paging and code size, for the instruction at its RIP. */
static enum mmio_mode guest_code_mode(struct guest_paging *p, uint64_t *linear)
{
	uint32_t ar = vmcs_read32(GUEST_CS_ACCESS_RIGHTS);

	*p = (struct guest_paging){
		.cr0 = vmcs_read_natural(GUEST_CR0), .cr3 = vmcs_read_natural(GUEST_CR3),
		.cr4 = vmcs_read_natural(GUEST_CR4), .efer = vmcs_read64(GUEST_IA32_EFER),
	};
	*linear = vmcs_read_natural(GUEST_RIP);
	if (vmx_guest_64bit_mode())
		return MMIO_MODE_64;
	*linear = (uint32_t)(*linear + vmcs_read_natural(GUEST_CS_BASE));
	return (ar & CS_AR_D) ? MMIO_MODE_32 : MMIO_MODE_16;
}

/*
 * A store to a page whose registers skiff keeps (vm/platform.h), which the
 * EPT makes read-only: the instruction is read through the guest's own
 * paging (vm/guest_walk.h), decoded (vm/mmio_insn.h), judged and done or
 * refused by vm_mmio_write(), and skipped.  An instruction skiff does not
 * emulate ends the guest as a crash, with its bytes.
 */
static void emulate_mmio_store(struct vmx_vcpu *v, const struct vm_mmio_trap *t, uint64_t gpa)
{
	uint64_t linear, value;
	struct guest_paging paging;
	enum mmio_mode mode = guest_code_mode(&paging, &linear);
	struct mmio_insn insn;
	char detail[160];

	if (vm_mmio_decode_store(&v->vcpu, &paging, linear, mode, v->vcpu.regs.gpr[GUEST_REG_RAX],
				 vmcs_read_natural(GUEST_RSP), gpa,
				 &insn, &value, detail, sizeof(detail)) < 0) {
		vmx_guest_crash(v, "EPT violation", detail);
		return;
	}
	if (t->kind == VM_MMIO_XAPIC) {
		if (finish_ipi(v, vm_xapic_write(&v->vcpu, gpa, insn.size, value)))
			vmx_skip_emulated(insn.len);
		return;
	}
	vm_mmio_write(&v->vcpu, gpa, insn.size, value);
	vmx_skip_emulated(insn.len);
}

/*
 * The guest touched guest-physical memory its EPT does not map: skiff's
 * own pages, or nothing at all; or it wrote to a page of registers skiff
 * keeps, which is emulated.  Otherwise never emulated: the report names
 * the address, who owns it, the access and where the guest was.
 */
void vmx_exit_ept_violation(struct vmx_vcpu *v)
{
	uint64_t qual = vmcs_read_natural(EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	const struct vm_mmio_trap *t = vm_platform_mmio_trap(&v->vcpu.vm->platform, gpa);
	char detail[160];

	if ((qual & EPT_VIOL_WRITE) && (qual & EPT_VIOL_TRANSLATED) && (qual & EPT_VIOL_READABLE) && t) {
		if (!(vmcs_read32(IDT_VECTORING_INFO) & INTR_INFO_VALID)) {
			emulate_mmio_store(v, t, gpa);
			return;
		}
		vm_describe_delivery_store(detail, sizeof(detail), gpa);
		vmx_guest_crash(v, "EPT violation", detail);
		return;
	}
	vm_describe_unmapped(detail, sizeof(detail), ept_violation_access(qual), gpa);
	vmx_guest_crash(v, "EPT violation", detail);
}

/*
 * The CPU found a malformed EPT entry.  skiff's builder writes only entries
 * its checks allow, so either it has a bug, or the tables no longer read
 * as skiff wrote them: a device the guest drives wrote them by DMA, or
 * decodes over them.  The tables' integrity baseline tells which: the
 * second is the guest's doing.
 */
void vmx_exit_ept_misconfig(struct vmx_vcpu *v)
{
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	char detail[200];

	if (integrity_verify_tree(v->ept) < 0)
		fmt_snprintf(detail, sizeof(detail), "the EPT entry for guest-physical 0x%lx is "
			     "malformed: skiff's EPT no longer reads as skiff wrote it (a device the "
			     "guest drives wrote or decodes over it)", gpa);
	else
		fmt_snprintf(detail, sizeof(detail), "the EPT entry for guest-physical 0x%lx is "
			     "malformed, and the EPT is as skiff wrote it (a bug in skiff's EPT "
			     "builder)", gpa);
	vmx_guest_crash(v, "EPT misconfiguration", detail);
}
