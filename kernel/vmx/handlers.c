/*
 * The exit handlers the table names.  Each decodes its exit from the VMCS
 * (SDM Vol. 3C 28.2 for the exit information), does what the instruction
 * would have done for a guest on a machine without VMX, and moves the
 * guest on; what is not VT-x specific (hypercalls, ports, the hypervisor
 * CPUID leaves, the crash policy) is the vendor-neutral vm's business.
 */
#include "config.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "vm/hypercall_abi.h"
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

/* Reflections of the same exception at the same RIP in a row, with no
 * other exit between (exit.c resets the count on any other exit).  Both
 * CVE loops re-deliver without the guest advancing; a debugger single-
 * stepping moves RIP every time and is left alone. */
unsigned vmx_exception_streak;
static uint8_t streak_vector;
static uint64_t streak_rip;

void vmx_exit_exception(struct guest_regs *regs)
{
	uint32_t info = vmcs_read32(VM_EXIT_INTR_INFO);
	uint8_t vector = intr_info_vector(info);
	enum intr_type type = intr_info_type(info);

	uint64_t rip = vmcs_read_natural(GUEST_RIP);

	(void)regs;
	if (vector != streak_vector || rip != streak_rip)
		vmx_exception_streak = 0;
	streak_vector = vector;
	streak_rip = rip;
	if (++vmx_exception_streak >= CONFIG_EXCEPTION_FLOOD) {
		char what[64];

		fmt_snprintf(what, sizeof(what), "exception flood: %s delivered %u times in a row",
			     vector == VECTOR_AC ? "#AC" : vector == VECTOR_DB ? "#DB" : "an exception",
			     vmx_exception_streak);
		vmx_exception_streak = 0;
		vmx_guest_hang(what);
	}
	if (type == INTR_TYPE_NMI) {
		vmx_inject(VECTOR_NMI, INTR_TYPE_NMI, false, 0, 0);
		return;
	}
	if (vector == VECTOR_DB) {
		uint64_t qual = vmcs_read_natural(EXIT_QUALIFICATION);

		__asm__ volatile("mov %0, %%dr6" : : "r"(DR6_FIXED1 | (qual & DR6_EXIT_BITS)));
	} else if (vector != VECTOR_AC) {
		vmx_guest_crash("exception exit skiff did not ask for", NULL);
	}
	vmx_inject(vector, type, info & INTR_INFO_ERROR_CODE, vmcs_read32(VM_EXIT_INTR_ERROR_CODE),
		   vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

/* External interrupts are not intercepted; were one to exit, it is still
 * pending in the interrupt controller and reaches the guest on entry. */
void vmx_exit_external_interrupt(struct guest_regs *regs)
{
	(void)regs;
}

void vmx_exit_triple_fault(struct guest_regs *regs)
{
	(void)regs;
	vmx_guest_crash("triple fault",
			"an exception arose while the guest's CPU delivered a double fault (shutdown)");
}

/* INIT resets the guest's CPU: the guest asked to be reset (or was sent
 * one); skiff treats it as the end of that guest and applies the policy. */
void vmx_exit_init(struct guest_regs *regs)
{
	(void)regs;
	vmx_guest_crash("INIT signal", "the guest's CPU was sent INIT (a CPU reset)");
}

/* A SIPI matters only in the wait-for-SIPI state, which skiff's guest
 * never enters (it is alone, the bootstrap processor). */
void vmx_exit_sipi(struct guest_regs *regs)
{
	(void)regs;
}

/* Interrupt/NMI windows are never requested; clearing the controls makes
 * a spurious one harmless. */
void vmx_exit_window(struct guest_regs *regs)
{
	(void)regs;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		     ~(CPU_BASED_INTERRUPT_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING));
}

/*
 * The preemption timer ran out.  As the watchdog, the guest ran a whole
 * period without one VM exit.  With interrupts on it may just be
 * computing (its interrupts reach it without exits); with interrupts off
 * nothing can stop it but skiff: a hang.
 * As a drain tick (console output queued, vmx_timer_arm) the exit itself
 * fed the serial line; the watchdog's period then counts from the last
 * tick that saw any other exit.
 */
static bool drain_tick_is_hang(struct vmx_vcpu *v, bool interrupts_on)
{
	uint64_t now = rdtsc();
	uint64_t exits = vmx_exits_other_than(EXIT_REASON_PREEMPTION_TIMER);

	if (exits != v->quiet_exits) {
		v->quiet_exits = exits;
		v->quiet_since_tsc = now;
		return false;
	}
	return !interrupts_on &&
	       now - v->quiet_since_tsc >= tsc_ticks_for_ms(v->vm->policy.watchdog_ms);
}

void vmx_exit_preemption_timer(struct guest_regs *regs)
{
	struct vmx_vcpu *v = &vmx_vcpu;
	bool interrupts_on = vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_IF;
	char what[80];

	(void)regs;
	if (v->timer_loaded != v->preemption_timer) {
		if (!drain_tick_is_hang(v, interrupts_on))
			return;
	} else if (interrupts_on) {
		return;
	}
	fmt_snprintf(what, sizeof(what), "no VM exit for %u ms with interrupts disabled (watchdog)",
		     v->vm->policy.watchdog_ms);
	vmx_guest_hang(what);
}

/* ---- CPUID ---- */

#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_SMX		(1u << 6)
#define CPUID_1_ECX_OSXSAVE	(1u << 27)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)
#define CPUID_7_EBX_INVPCID	(1u << 10)
#define CPUID_7_ECX_OSPKE	(1u << 4)
#define CPUID_D1_EAX_XSAVES	(1u << 3)
#define CPUID_80000001_EDX_RDTSCP (1u << 27)
#define CR4_PKE			(1ull << 22)

/*
 * What the guest sees: the CPU's answer, minus VMX and SMX, plus the
 * hypervisor bit; minus what skiff could not enable for non-root mode
 * (RDTSCP, INVPCID, XSAVES would #UD); OSXSAVE and OSPKE mirror the
 * guest's CR4, not skiff's.  0x40000000 and up are skiff's (vm.c).
 * CPUID's fast path (exit_fast.c) hands every other leaf over unedited:
 * a leaf edited here must be in its cpuid_leaf_edited() too.
 */
/* The CPU's answer for a leaf that is not skiff's, edited as above. */
static struct cpuid_regs guest_cpu_leaf(uint32_t leaf, uint32_t sub)
{
	uint32_t proc2 = vmx_vcpu.proc2;
	struct cpuid_regs r = cpuid(leaf, sub);

	if (leaf == 1) {
		r.ecx &= ~(CPUID_1_ECX_VMX | CPUID_1_ECX_SMX | CPUID_1_ECX_OSXSAVE);
		r.ecx |= CPUID_1_ECX_HYPERVISOR;
		if (vmx_guest_cr4() & CR4_OSXSAVE)
			r.ecx |= CPUID_1_ECX_OSXSAVE;
	} else if (leaf == 7 && sub == 0) {
		if (!(proc2 & SECONDARY_EXEC_ENABLE_INVPCID))
			r.ebx &= ~CPUID_7_EBX_INVPCID;
		r.ecx &= ~CPUID_7_ECX_OSPKE;
		if (vmx_guest_cr4() & CR4_PKE)
			r.ecx |= CPUID_7_ECX_OSPKE;
	} else if (leaf == 0xd && sub == 1) {
		if (!(proc2 & SECONDARY_EXEC_ENABLE_XSAVES))
			r.eax &= ~CPUID_D1_EAX_XSAVES;
	} else if (leaf == 0x80000001) {
		if (!(proc2 & SECONDARY_EXEC_ENABLE_RDTSCP))
			r.edx &= ~CPUID_80000001_EDX_RDTSCP;
	}
	return r;
}

void vmx_exit_cpuid(struct guest_regs *regs)
{
	uint32_t leaf = (uint32_t)regs->gpr[GUEST_REG_RAX];
	uint32_t sub = (uint32_t)regs->gpr[GUEST_REG_RCX];
	struct cpuid_regs r;

	/* The range test inline keeps the common leaves off vm_cpuid's call. */
	if ((leaf & 0xffffff00u) != HV_CPUID_SIGNATURE || !vm_cpuid(vmx_vcpu.vm, leaf, sub, &r))
		r = guest_cpu_leaf(leaf, sub);
	regs->gpr[GUEST_REG_RAX] = r.eax;
	regs->gpr[GUEST_REG_RBX] = r.ebx;
	regs->gpr[GUEST_REG_RCX] = r.ecx;
	regs->gpr[GUEST_REG_RDX] = r.edx;
	vmx_skip_instruction();
}

/* ---- HLT, INVD, WBINVD, MWAIT/MONITOR/PAUSE ---- */

/*
 * HLT with interrupts enabled parks the guest in the HLT activity state
 * (SDM Vol. 3C 25.4.2): the CPU wakes it when an interrupt or NMI arrives.
 * With interrupts disabled nothing but an NMI could wake it: the guest
 * has stopped for good, which skiff reports as a hang.
 */
void vmx_exit_hlt(struct guest_regs *regs)
{
	(void)regs;
	if (!(vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_IF))
		vmx_guest_hang("HLT with interrupts disabled");
	vmx_skip_instruction();
	if (vmx_halt_state_supported())
		vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
}

/* INVD would throw away skiff's dirty cache lines too; WBINVD keeps the
 * architectural effect the guest can observe and loses nothing. */
void vmx_exit_invd(struct guest_regs *regs)
{
	(void)regs;
	__asm__ volatile("wbinvd" ::: "memory");
	vmx_skip_instruction();
}

void vmx_exit_wbinvd(struct guest_regs *regs)
{
	vmx_exit_invd(regs);
}

/* Architecturally allowed to do nothing (MWAIT may wake at once). */
void vmx_exit_nop(struct guest_regs *regs)
{
	(void)regs;
	vmx_skip_instruction();
}

/* ---- VMCALL ---- */

/* The hypercall ABI (vm/hypercall_abi.h).  Only the guest's kernel may
 * call: from CPL > 0, VMCALL is #UD as on a machine without skiff.  The
 * common calls do not come here: exit_fast.c takes them first. */
void vmx_exit_vmcall(struct guest_regs *regs)
{
	uint64_t *g = regs->gpr;
	bool wide = vmx_guest_64bit_mode();	/* compatibility mode runs 32-bit code */
	int64_t ret;

	if (vmx_guest_cpl() != 0) {
		vmx_inject_ud();
		return;
	}
	ret = vm_hypercall_exit(vmx_vcpu.vm, g[GUEST_REG_RAX], g[GUEST_REG_RDI], g[GUEST_REG_RSI],
				g[GUEST_REG_RDX], wide);
	g[GUEST_REG_RAX] = wide ? (uint64_t)ret : LOW32((uint64_t)ret);
	vmx_skip_instruction();
}

/* ---- control registers ---- */

static uint64_t *gpr(struct guest_regs *regs, unsigned n)
{
	return &regs->gpr[n];
}

/* The TLB-relevant CR4 bits: changing one flushes the guest's TLB. */
#define CR4_TLB_BITS	(CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)
/* With CR4.PCIDE, bit 63 of a MOV to CR3 keeps the TLB and is not stored
 * (SDM Vol. 3A 4.10.4.1). */
#define CR3_NOFLUSH	(1ull << 63)

/* With VPID the guest's translations outlive VM exits and entries: what
 * the emulated instruction would invalidate (SDM Vol. 3A 4.10.4.1), skiff
 * must. */
static void flush_guest_tlb(void)
{
	if (vmx_vcpu.vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, vmx_vcpu.vpid, 0);
}

/*
 * Whether a MOV to CR0 of value faults (SDM Vol. 3A "MOV—Move to/from
 * Control Registers"): reserved bits 63:32, PG without PE, NW without CD;
 * PG set with EFER.LME and no CR4.PAE (4.1.2); PG cleared in 64-bit mode
 * (only compatibility mode may leave IA-32e mode, 11.8.5.4) or with
 * CR4.PCIDE (4.10.1); WP cleared with CR4.CET (2.5).
 */
static bool cr0_write_faults(uint64_t value, uint64_t old, bool wide)
{
	uint64_t cr4 = vmx_guest_cr4();
	bool pg_off = (old & CR0_PG) && !(value & CR0_PG);

	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)))
		return true;
	if ((value & CR0_PG) && !(old & CR0_PG) && (vmcs_read64(GUEST_IA32_EFER) & EFER_LME) &&
	    !(cr4 & CR4_PAE))
		return true;
	if (pg_off && (wide || (cr4 & CR4_PCIDE)))
		return true;
	return !(value & CR0_WP) && (cr4 & CR4_CET);
}

/*
 * MOV to CR0 that changes a bit skiff owns (NE, or a bit the CPU forbids).
 * The guest's view goes into the read shadow; the real CR0 keeps the fixed
 * bits.  The value is checked as the CPU would, and the long-mode switch a
 * PG change implies is done here (SDM Vol. 3A 11.8.5 "Initializing IA-32e
 * Mode").  wide: the guest is in 64-bit mode.
 */
static void guest_write_cr0(uint64_t value, bool wide)
{
	struct vmx_vcpu *v = &vmx_vcpu;
	uint64_t efer = vmcs_read64(GUEST_IA32_EFER);
	uint64_t old = vmcs_read_natural(GUEST_CR0);
	uint32_t entry = vmcs_read32(VM_ENTRY_CONTROLS);

	if (cr0_write_faults(value, old, wide)) {
		vmx_inject_gp();
		return;
	}
	if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
		vmcs_write64(GUEST_IA32_EFER, efer | EFER_LMA);
		vmcs_write32(VM_ENTRY_CONTROLS, entry | VM_ENTRY_IA32E_MODE_GUEST);
	} else if (!(value & CR0_PG) && (old & CR0_PG) && (efer & EFER_LMA)) {
		vmcs_write64(GUEST_IA32_EFER, efer & ~EFER_LMA);
		vmcs_write32(VM_ENTRY_CONTROLS, entry & ~VM_ENTRY_IA32E_MODE_GUEST);
	}
	vmcs_write_natural(CR0_READ_SHADOW, value);
	vmcs_write_natural(GUEST_CR0, vmx_guest_cr0_adjust(value, v->cr0_fixed0, v->cr0_fixed1, true));
	/* Clearing PG invalidates every translation (4.10.4.1). */
	if ((old & CR0_PG) && !(value & CR0_PG))
		flush_guest_tlb();
	vmx_skip_instruction();
}

/*
 * MOV to CR4 that touches a bit skiff owns.  VMXE is hidden: CPUID says the
 * guest has no VMX, so setting it is #GP, as it is on such a CPU; so is
 * any bit the CPU does not support (CR4_FIXED1 clear).  The instruction's
 * own rules too: in IA-32e mode PAE stays set (4.1.2) and LA57 unchanged
 * (4.1.1); PCIDE only in IA-32e mode, and set only with CR3[11:0] = 0
 * (4.10.1); CET only with CR0.WP (2.5).
 */
static void guest_write_cr4(uint64_t value)
{
	struct vmx_vcpu *v = &vmx_vcpu;
	uint64_t unsupported = ~v->cr4_fixed1 & ~v->cr4_fixed0;
	uint64_t old = vmx_guest_cr4();
	bool ia32e = vmx_guest_long_mode();

	if ((value & (CR4_VMXE | unsupported)) ||
	    (ia32e && (!(value & CR4_PAE) || ((old ^ value) & CR4_LA57))) ||
	    ((value & CR4_PCIDE) && (!ia32e || (!(old & CR4_PCIDE) &&
						(vmcs_read_natural(GUEST_CR3) & 0xfff)))) ||
	    ((value & CR4_CET) && !(vmx_guest_cr0() & CR0_WP))) {
		vmx_inject_gp();
		return;
	}
	vmcs_write_natural(CR4_READ_SHADOW, value);
	vmcs_write_natural(GUEST_CR4, vmx_cr_adjust(value, v->cr4_fixed0, v->cr4_fixed1));
	if ((old ^ value) & CR4_TLB_BITS)
		flush_guest_tlb();
	vmx_skip_instruction();
}

/* CR3 exits only when the CPU forces CR3 exiting (no TRUE controls). */
static void guest_write_cr3(uint64_t value)
{
	if (vmx_guest_cr4() & CR4_PCIDE)
		value &= ~CR3_NOFLUSH;
	vmcs_write_natural(GUEST_CR3, value);
	flush_guest_tlb();
	vmx_skip_instruction();
}

/*
 * MOV to/from CR takes 64 bits of the register in 64-bit mode, 32 bits
 * elsewhere, compatibility mode included (SDM Vol. 3A "MOV—Move to/from
 * Control Registers": the operand size is fixed by the mode); a 32-bit
 * result is zero-extended, as a 32-bit write does.
 */
void vmx_exit_cr_access(struct guest_regs *regs)
{
	struct cr_access a = cr_access_decode(vmcs_read_natural(EXIT_QUALIFICATION));
	uint64_t *reg = a.reg == GUEST_REG_RSP ? NULL : gpr(regs, a.reg);
	uint64_t value = reg ? *reg : vmcs_read_natural(GUEST_RSP);
	uint64_t shadow = vmx_guest_cr0();
	bool wide = vmx_guest_64bit_mode();

	if (!wide)
		value = LOW32(value);
	switch (a.type) {
	case CR_ACCESS_MOV_TO_CR:
		if (a.cr == 0)
			guest_write_cr0(value, wide);
		else if (a.cr == 4)
			guest_write_cr4(value);
		else if (a.cr == 3)
			guest_write_cr3(value);
		else
			vmx_guest_crash("MOV to a control register skiff does not intercept", NULL);
		return;
	case CR_ACCESS_MOV_FROM_CR:
		if (a.cr != 3)
			vmx_guest_crash("MOV from a control register skiff does not intercept", NULL);
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
		guest_write_cr0(shadow & ~CR0_TS, wide);
		return;
	case CR_ACCESS_LMSW:
		/* LMSW sets PE, MP, EM, TS from bits 3:0 and cannot clear PE. */
		guest_write_cr0((shadow & ~0xeull) | (a.lmsw_source & 0xf), wide);
		return;
	}
}

/* ---- I/O ---- */

void vmx_exit_io(struct guest_regs *regs)
{
	struct io_access io = io_access_decode(vmcs_read_natural(EXIT_QUALIFICATION));
	uint64_t *rax = &regs->gpr[GUEST_REG_RAX];
	uint32_t value = (uint32_t)*rax;
	uint32_t mask = io.size == 4 ? 0xffffffffu : (1u << (io.size * 8)) - 1;

	if (io.string) {
		vmx_guest_crash("string I/O (INS/OUTS) to a port skiff emulates",
				"skiff emulates only IN and OUT on its ports");
		return;
	}
	vm_port_io_exit(vmx_vcpu.vm, io.port, io.size, io.in, &value);
	if (io.in)
		*rax = (*rax & ~(uint64_t)mask) | (value & mask);
	vmx_skip_instruction();
}

/* ---- MSRs ---- */

static bool vmx_capability_msr(uint32_t msr)
{
	return msr >= MSR_IA32_VMX_BASIC && msr <= VMX_MSR_LAST;
}

/*
 * RDMSR reaches skiff for IA32_FEATURE_CONTROL, the VMX capability MSRs
 * and every MSR outside the bitmap's two ranges.  The guest has no VMX: the
 * control MSR reads as locked with VMX off, the capability MSRs do not
 * exist (#GP).  Others are read for the guest; a #GP from the CPU goes
 * back to the guest.
 */
void vmx_exit_rdmsr(struct guest_regs *regs)
{
	uint32_t msr = (uint32_t)regs->gpr[GUEST_REG_RCX];
	uint64_t value;

	if (msr == MSR_IA32_FEATURE_CONTROL) {
		value = FEATURE_CONTROL_LOCKED;
	} else if (vmx_capability_msr(msr) || rdmsr_safe(msr, &value) < 0) {
		vmx_inject_gp();
		return;
	}
	regs->gpr[GUEST_REG_RAX] = LOW32(value);
	regs->gpr[GUEST_REG_RDX] = value >> 32;
	vmx_skip_instruction();
}

/* EFER bits a guest may set on Intel: SCE, LME, NXE (when CPUID offers
 * it); LMA is the CPU's and keeps its value (SDM Vol. 3A 2.2.1). */
#define CPUID_80000001_EDX_NX	(1u << 20)

static void write_efer(uint64_t value)
{
	uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA;
	uint64_t old = vmcs_read64(GUEST_IA32_EFER);

	if (cpuid(0x80000001, 0).edx & CPUID_80000001_EDX_NX)
		allowed |= EFER_NXE;
	/* Reserved bits, or LME changed while paging is on: #GP. */
	if ((value & ~allowed) ||
	    (((value ^ old) & EFER_LME) && (vmcs_read_natural(GUEST_CR0) & CR0_PG))) {
		vmx_inject_gp();
		return;
	}
	vmcs_write64(GUEST_IA32_EFER, (value & ~EFER_LMA) | (old & EFER_LMA));
	vmx_skip_instruction();
}

void vmx_exit_wrmsr(struct guest_regs *regs)
{
	uint32_t msr = (uint32_t)regs->gpr[GUEST_REG_RCX];
	uint64_t value = LOW32(regs->gpr[GUEST_REG_RAX]) | (regs->gpr[GUEST_REG_RDX] << 32);

	if (msr == MSR_IA32_EFER) {
		write_efer(value);
		return;
	}
	/* IA32_FEATURE_CONTROL is locked (writes #GP); the capability MSRs
	 * are read-only or absent; the rest is the guest's machine. */
	if (msr == MSR_IA32_FEATURE_CONTROL || vmx_capability_msr(msr) ||
	    wrmsr_safe(msr, value) < 0) {
		vmx_inject_gp();
		return;
	}
	vmx_skip_instruction();
}

/* ---- XSETBV ---- */

#define XCR0_X87	(1ull << 0)
#define XCR0_SSE	(1ull << 1)
#define XCR0_AVX	(1ull << 2)
#define XCR0_BNDREGS	(1ull << 3)
#define XCR0_BNDCSR	(1ull << 4)
#define XCR0_AVX512	(7ull << 5)

/*
 * XSETBV exits unconditionally.  The checks are the instruction's own
 * (SDM Vol. 2 "XSETBV"): #UD unless CR4.OSXSAVE, #GP at CPL > 0, for an XCR
 * other than 0, for bits the CPU does not support (CPUID.(EAX=0DH,ECX=0)),
 * x87 clear, AVX without SSE, AVX-512 without AVX or not all three, MPX
 * halves apart.  The CPU would refuse the same; checking first keeps the
 * story readable, and xsetbv_safe catches anything newer.
 */
static bool xcr0_valid(uint64_t v)
{
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = d.eax | ((uint64_t)d.edx << 32);

	if ((v & ~supported) || !(v & XCR0_X87))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if ((v & XCR0_AVX512) && ((v & XCR0_AVX512) != XCR0_AVX512 || !(v & XCR0_AVX)))
		return false;
	if (!(v & XCR0_BNDREGS) != !(v & XCR0_BNDCSR))
		return false;
	return true;
}

void vmx_exit_xsetbv(struct guest_regs *regs)
{
	uint32_t xcr = (uint32_t)regs->gpr[GUEST_REG_RCX];
	uint64_t value = LOW32(regs->gpr[GUEST_REG_RAX]) | (regs->gpr[GUEST_REG_RDX] << 32);

	if (!(vmx_guest_cr4() & CR4_OSXSAVE)) {
		vmx_inject_ud();
		return;
	}
	if (vmx_guest_cpl() != 0 || xcr != 0 || !xcr0_valid(value) || xsetbv_safe(xcr, value) < 0) {
		vmx_inject_gp();
		return;
	}
	vmx_skip_instruction();
}

/* ---- EPT ---- */

/*
 * The guest touched guest-physical memory its EPT does not map: skiff's
 * own pages, or nothing at all.  Never emulated: the report names the
 * address, who owns it, the access and where the guest was.
 */
void vmx_exit_ept_violation(struct guest_regs *regs)
{
	uint64_t qual = vmcs_read_natural(EXIT_QUALIFICATION);
	uint64_t gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	enum mm_owner owner = mm_layout_owner(mm_layout(), gpa);
	bool skiffs = owner != MM_OWNER_NONE && owner != MM_OWNER_GUEST;
	char detail[160];

	(void)regs;
	fmt_snprintf(detail, sizeof(detail), "%s of guest-physical 0x%lx, which %s%s%s",
		     ept_violation_access(qual), gpa,
		     owner == MM_OWNER_NONE ? "is not RAM skiff maps for the guest" :
		     owner == MM_OWNER_GUEST ? "is guest RAM (an EPT bug in skiff?)" :
		     "belongs to skiff: ", skiffs ? mm_owner_name(owner) : "", "");
	vmx_guest_crash("EPT violation", detail);
}

void vmx_exit_ept_misconfig(struct guest_regs *regs)
{
	char detail[96];

	(void)regs;
	fmt_snprintf(detail, sizeof(detail), "the EPT entry for guest-physical 0x%lx is malformed "
		     "(a bug in skiff's EPT builder)", vmcs_read64(GUEST_PHYSICAL_ADDRESS));
	vmx_guest_crash("EPT misconfiguration", detail);
}
