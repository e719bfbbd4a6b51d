/*
 * The fast paths of the two exits a guest makes most on purpose: CPUID
 * (kernels ask it all the time, and it is the classic measure of what a
 * hypervisor's exit costs) and VMCALL (skiff's hypercalls, its console
 * among them).  exit_stub.S sends them here having saved only the
 * registers their instruction reads, without the exit table.
 *
 * Why: the generic path stores and loads all fifteen GPRs and dispatches
 * through the table, with its checks, before the handler does anything;
 * for CPUID that was most of the round trip (make bench counts it).  Here
 * each function is no_caller_saved_registers (exit_stub.h): it saves only
 * the registers it uses, and the stub reloads only those the exit writes.
 * For that to pay, a fast path calls no function (a call would make the
 * compiler save every caller-saved register up front; only the reports
 * of a failed VMREAD, which do not return, are allowed).
 *
 * So a fast path takes the common case whole and declines the rest before
 * it changes anything (VMCS, registers, console, statistics): the stub
 * then runs the generic path as if the fast one had not been there.  What
 * a fast path keeps, exactly as the generic path does:
 *   - the statistics: the count and the TSC cycles in the reason's slot
 *     of the vCPU's exit_stats (from the function's start to its return);
 *   - the end of an exception streak (any exit but an exception's ends
 *     it);
 *   - vmx_skip_instruction()'s rules, by vmx_skip_is_simple(): the exit's
 *     instruction length (prefixes count), and a decline when the skip
 *     owes more than a new RIP (STI or MOV-SS blocking to end, a
 *     single-step trap, a 32-bit EIP wrap);
 *   - the handler's own rules: CPUID's edited leaves (the one list in
 *     vm/cpuid.h) and VMCALL's CPL check and hypercall ABI are declined
 *     or shared, never written a second time;
 *   - no re-delivery of an event the exit interrupted: none can be
 *     pending, as CPUID and VMCALL are instructions, and an instruction's
 *     exit cannot happen during event delivery (SDM Vol. 3C 28.2.4; see
 *     exit_may_interrupt_delivery() in exit.c);
 *   - a failed VM entry is never taken for one of these: the stub compares
 *     the whole exit reason, bit 31 included;
 *   - an NMI that arrived while skiff ran (the vCPU's nmi_held) is not left
 *     waiting: the fast paths decline, and the generic path hands it to
 *     the guest;
 *   - the serial line is fed: while skiff's console has output queued
 *     (drivers/uart.c) a fast path declines, and the generic path feeds
 *     the UART on its way back (console_poll), so a guest that makes
 *     nothing but these exits cannot hold skiff's log back.
 *
 * The vCPU is VMX_THIS_VCPU (vcpu.h): addressed through the GS base the
 * VM exit loaded, so the stub need not pass it and no register holds it.
 */
#include "cpu.h"
#include "drivers/console.h"
#include "vm/guest_regs.h"
#include "vm/cpuid.h"
#include "vm/hypercall_abi.h"
#include "vm/vm.h"
#include "vmx/exit.h"
#include "vmx/exit_stub.h"
#include "vmx/vcpu.h"
#include "x86.h"

/*
 * Ends an exit the fast path has handled, as vmx_exit_handler() ends the
 * others: the count, the end of an exception streak, the cycles since
 * start.  Only the low 32 bits of the TSC: a fast path has no loop worth
 * the name and calls nothing, so it takes far fewer than 2^32 cycles, and
 * the 32-bit difference is exact (a 64-bit one costs registers and
 * instructions that the budget counts).
 */
static inline void fast_exit_done(enum exit_reason basic, uint32_t start)
{
	VMX_THIS_VCPU->vcpu.streak.count = 0;	/* vm_streak_end() */
	VMX_THIS_VCPU->exit_stats[basic].count++;
	VMX_THIS_VCPU->exit_stats[basic].cycles += (uint32_t)((uint32_t)rdtsc() - start);
}

/* The CPU's own answer, for every leaf the guest's view leaves alone
 * (vm_cpuid_leaf_edited). */
EXIT_FAST_PATH bool vmx_exit_cpuid_fast(void)
{
	uint32_t start = (uint32_t)rdtsc();
	uint32_t leaf = (uint32_t)VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RAX];
	uint64_t rip, a, b, c, d;

	if (console_output_queued || VMX_THIS_VCPU->vcpu.nmi_held || vm_cpuid_leaf_edited(leaf) ||
	    !vmx_skip_is_simple(&rip))
		return false;
	vmcs_write_natural(GUEST_RIP, rip);
	cpuid_to_gprs(leaf, (uint32_t)VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RCX], &a, &b, &c, &d);
	VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RAX] = a;
	VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RBX] = b;
	VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RCX] = c;
	VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RDX] = d;
	fast_exit_done(EXIT_REASON_CPUID, start);
	return true;
}

/* The CPL check of vmx_exit_vmcall() (handlers.c) and the skip's, then
 * the call if it is one vm_hypercall_exit_fast() makes, which changes
 * nothing when it is not; the rest follows once all three have agreed. */
EXIT_FAST_PATH bool vmx_exit_vmcall_fast(void)
{
	uint32_t start = (uint32_t)rdtsc();
	uint64_t rip;
	int64_t ret;

	if (console_output_queued || VMX_THIS_VCPU->vcpu.nmi_held || vmx_guest_cpl() != 0 ||
	    !vmx_skip_is_simple(&rip))
		return false;
	if (!vm_handle_hypercall_fast(VMX_THIS_VCPU->vcpu.vm,
				      VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RAX],
				      VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RDI],
				      VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RSI], &ret))
		return false;
	vmcs_write_natural(GUEST_RIP, rip);
	VMX_THIS_VCPU->vcpu.regs.gpr[GUEST_REG_RAX] = (uint64_t)ret;
	fast_exit_done(EXIT_REASON_VMCALL, start);
	return true;
}
