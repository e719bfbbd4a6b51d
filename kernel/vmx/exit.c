/*
 * The C side of every VM exit (SDM Vol. 3C chapter 28 "VM Exits") that no
 * fast path (exit_fast.c) takes: vmx_exit_handler() is what exit_stub.S
 * calls, with the exit reason it has read.  In order:
 *   1. bit 31 of the exit reason: a failed VM entry is explained, never
 *      looked up in the table as if the guest had run;
 *   2. the count for the reason (printed at the end of the run);
 *   3. the table entry: a handler, #UD for the guest, or a fatal report;
 *   4. an event whose delivery the exit interrupted is delivered again.
 * Also here: the helpers handlers share (skip an instruction, inject an
 * event, the guest's view of CR0/CR4) and the exit counts.  What only
 * explains a failure is in diag/.
 */
#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
#include "iommu.h"
#include "lib/printf.h"
#include "vm/exit_stats.h"
#include "vm/vm.h"
#include "vmx/exit.h"
#include "vmx/exit_info.h"
#include "vmx/exit_reason.h"
#include "vmx/exit_stub.h"
#include "vmx/exit_table.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "x86.h"

#define DEBUGCTL_BTF	(1ull << 1)	/* single-step on branches */

/* The encoding exit_stub.S reads, against vmcs.h's list (whose constants
 * are structs, so an enum of the group's encodings stands in). */
#define ENCODING_OF(name, enc)	ENCODING_OF_##name = (enc),
enum { VMCS_READ_ONLY_FIELDS32(ENCODING_OF) };
_Static_assert(STUB_VMCS_VM_EXIT_REASON == ENCODING_OF_VM_EXIT_REASON, "exit_stub.S: VM_EXIT_REASON");
enum { VMCS_GUEST_FIELDS32(ENCODING_OF) };
_Static_assert(STUB_VMCS_GUEST_INTERRUPTIBILITY == ENCODING_OF_GUEST_INTERRUPTIBILITY_STATE &&
	       STUB_GUEST_INTR_BLOCK_SMI == GUEST_INTR_BLOCK_SMI,
	       "exit_stub.S: the interruptibility state and its SMI bit");

/* ---- helpers for handlers ---- */

/* What vmx_skip_is_simple() leaves: STI or MOV-SS blocking to end, a
 * single step owed, or a next RIP that may wrap at 4 GiB. */
static void skip_instruction_general(uint32_t len)
{
	uint64_t rip = vmcs_read_natural(GUEST_RIP) + len;
	uint32_t intr = vmcs_read32(GUEST_INTERRUPTIBILITY_STATE);

	/* EIP wraps at 4 GiB outside 64-bit mode, compatibility mode
	 * included; only then is the mode asked. */
	if ((rip >> 32) && !vmx_guest_64bit_mode())
		rip = (uint32_t)rip;
	vmcs_write_natural(GUEST_RIP, rip);
	/* The instruction completed: STI and MOV SS blocking end with it
	 * (SDM Vol. 3C 25.4.2), and a single step owes its trap. */
	if (intr & (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS))
		vmcs_write32(GUEST_INTERRUPTIBILITY_STATE,
			     intr & ~(GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS));
	/* With IA32_DEBUGCTL.BTF the trap waits for a branch instead. */
	if ((vmcs_read_natural(GUEST_RFLAGS) & RFLAGS_TF) &&
	    !(vmcs_read64(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF))
		vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS,
				   vmcs_read_natural(GUEST_PENDING_DBG_EXCEPTIONS) | GUEST_PENDING_DBG_BS);
}

void vmx_skip_instruction(void)
{
	uint64_t rip;

	if (vmx_skip_is_simple(&rip))
		vmcs_write_natural(GUEST_RIP, rip);
	else
		skip_instruction_general(vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

void vmx_skip_emulated(uint32_t len)
{
	skip_instruction_general(len);
}

/* Sets v->injected, so that step 4 does not overwrite the event. */
void vmx_inject(struct vmx_vcpu *v, uint8_t vector, enum intr_type type, bool has_error,
		uint32_t error, uint32_t insn_len)
{
	vmcs_write32(VM_ENTRY_INTR_INFO, intr_info_make(vector, type, has_error));
	if (has_error)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	if (intr_type_has_length(type))
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, insn_len);
	v->injected = true;
}

void vmx_inject_ud(struct vmx_vcpu *v)
{
	vmx_inject(v, VECTOR_UD, INTR_TYPE_HW_EXCEPTION, false, 0, 0);
}

/* In real mode (unrestricted guest, CR0.PE = 0) no exception pushes an
 * error code, and VM entry refuses one (SDM Vol. 3C 27.2.1.3). */
void vmx_inject_gp(struct vmx_vcpu *v)
{
	bool protected_mode = vmcs_read_natural(GUEST_CR0) & CR0_PE;

	vmx_inject(v, VECTOR_GP, INTR_TYPE_HW_EXCEPTION, protected_mode, 0, 0);
}

/*
 * An NMI goes in only where VM entry allows its injection: no MOV-SS
 * blocking and, with virtual NMIs, no blocking by NMI (SDM Vol. 3C
 * 27.3.1.5).  Some processors also refuse it under STI blocking (27.8:
 * the VM-entry failure with qualification 3), so outside the NMI window
 * skiff waits for that too; in the window the CPU itself has judged the
 * guest ready.  Nor does it displace an event a handler has injected.
 * Otherwise the NMI-window exit calls back here when it can go.
 */
void vmx_deliver_nmi(struct vmx_vcpu *v, bool window)
{
	uint32_t blocking = GUEST_INTR_BLOCK_MOV_SS | GUEST_INTR_BLOCK_NMI |
			    (window ? 0 : GUEST_INTR_BLOCK_STI);

	if (!v->injected && !(vmcs_read32(GUEST_INTERRUPTIBILITY_STATE) & blocking)) {
		vmx_inject(v, VECTOR_NMI, INTR_TYPE_NMI, false, 0, 0);
		v->vcpu.nmi_pending = false;
	} else if (v->nmi_window) {
		vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) |
			     CPU_BASED_NMI_WINDOW_EXITING);
	}
}

/* CR0 or CR4 as the guest reads it: the read shadow for the bits skiff
 * owns (the mask), the real register for the rest (SDM Vol. 3C 26.3). */
uint64_t vmx_guest_cr0(const struct vmx_vcpu *v)
{
	uint64_t mask = v->cr0_mask;

	return (vmcs_read_natural(GUEST_CR0) & ~mask) | (vmcs_read_natural(CR0_READ_SHADOW) & mask);
}

uint64_t vmx_guest_cr4(const struct vmx_vcpu *v)
{
	uint64_t mask = v->cr4_mask;

	return (vmcs_read_natural(GUEST_CR4) & ~mask) | (vmcs_read_natural(CR4_READ_SHADOW) & mask);
}

/* ---- dispatch ---- */

/* SDM Vol. 3C 28.2.4: an exit during event delivery leaves the event in
 * the IDT-vectoring information; unless the handler injected something
 * else, deliver it again on the next entry.  Only exits that can happen
 * while an event is delivered need the check; instruction exits (CPUID,
 * VMCALL, I/O, ...) cannot, which keeps it off their path. */
#define REASON_BIT(r)	(1ull << (r))

static bool exit_may_interrupt_delivery(uint16_t basic)
{
	const uint64_t below_64 = REASON_BIT(EXIT_REASON_EXCEPTION_NMI) |
		REASON_BIT(EXIT_REASON_EXTERNAL_INTERRUPT) | REASON_BIT(EXIT_REASON_TRIPLE_FAULT) |
		REASON_BIT(EXIT_REASON_TASK_SWITCH) | REASON_BIT(EXIT_REASON_APIC_ACCESS) |
		REASON_BIT(EXIT_REASON_EPT_VIOLATION) | REASON_BIT(EXIT_REASON_EPT_MISCONFIG) |
		REASON_BIT(EXIT_REASON_PML_FULL);

	if (basic < 64)
		return (below_64 >> basic) & 1;
	return basic == EXIT_REASON_SPP_EVENT;
}

static void redeliver_interrupted_event(struct vmx_vcpu *v)
{
	uint32_t info = vmcs_read32(IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	vmx_inject(v, intr_info_vector(info), intr_info_type(info), info & INTR_INFO_ERROR_CODE,
		   vmcs_read32(IDT_VECTORING_ERROR_CODE), vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

void vmx_exit_handler(struct vmx_vcpu *v, uint32_t reason)
{
	uint64_t start = rdtsc();
	uint16_t basic = exit_reason_basic(reason);
	struct hc_exit_stat *stat;
	const struct exit_entry *e;

	/* LAB 8 BEGIN: vmx_exit_handler(): a failed VM entry is explained, not dispatched */
	if (exit_reason_is_entry_failure(reason))
		vmx_entry_failure(v, reason);
	/* LAB 8 END */
	/* LAB 6 BEGIN: vmx_exit_handler(): the count, then the table entry for the basic reason */
	if (basic >= EXIT_REASON_COUNT) {
		v->exit_stats[EXIT_REASON_COUNT].count++;
		vmx_guest_crash(v, "an exit reason this skiff does not know", NULL);
	}
	stat = &v->exit_stats[basic];
	stat->count++;

	v->injected = false;
	if (basic != EXIT_REASON_EXCEPTION_NMI)
		vm_streak_end(&v->vcpu.streak);
	if (basic != EXIT_REASON_INIT)
		v->after_sipi = false;
	e = &vmx_exit_table[basic];
	switch (__builtin_expect(e->policy, EXIT_HANDLE)) {
	case EXIT_HANDLE:
		e->fn(v);
		break;
	case EXIT_INJECT_UD:
		vmx_inject_ud(v);
		break;
	case EXIT_FATAL:
	case EXIT_UNSET:
		vmx_guest_crash(v, "unhandled VM exit", e->why ? e->why : "no entry in the exit table");
	}
	/* LAB 6 END */
	if (!v->injected && exit_may_interrupt_delivery(basic))
		redeliver_interrupted_event(v);
	if (iommu_watching)	/* a blocked DMA is the guest's incident */
		vm_check_dma(&v->vcpu);
	vm_take_held_nmi(&v->vcpu);	/* first: it may be skiff's own, the one below */
	vm_fate_check(&v->vcpu);	/* held while another vCPU decides the guest's end */
	if (vm_init_taken(&v->vcpu) && v->vcpu.run_state == VCPU_RUNNING)
		vmx_ap_init(v);		/* another vCPU's INIT (vm/ipi.h) */
	/* An AP waiting for a SIPI takes no event (SDM Vol. 3C 27.3.1.5). */
	if (v->vcpu.nmi_pending && v->vcpu.run_state == VCPU_RUNNING)
		vmx_deliver_nmi(v, false);
	console_poll();
	vmx_timer_arm(v);
	stat->cycles += rdtsc() - start;
}

/*
 * The preemption timer has two periods (vmx.c, choose_watchdog): the
 * watchdog's, and short drain ticks while console output is queued, so
 * that the serial line is fed even when the guest makes no exits.  A
 * VMWRITE only when the period changes.
 */
void vmx_timer_arm(struct vmx_vcpu *v)
{
	uint32_t want = console_output_queued ? v->drain_tick : v->preemption_timer;

	if (want != v->timer_loaded) {
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, want);
		v->timer_loaded = want;
		v->vcpu.watchdog.quiet_exits = UINT64_MAX;	/* the first tick starts the count */
	}
}

uint64_t vmx_exits_other_than(const struct vmx_vcpu *v, uint16_t basic)
{
	uint64_t total = 0;

	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		if (i != basic)
			total += v->exit_stats[i].count;
	return total;
}

/* ---- statistics ---- */

/* The counts are kept across restarts: after one, the heading says they
 * are for every run of the guest, not just the last.  With several vCPUs
 * the table is their sum, followed by each vCPU's share. */
void vmx_print_exit_stats(const struct vm *vm)
{
	struct hc_exit_stat sum[EXIT_REASON_COUNT + 1];

	vm_sum_exit_stats(vm, sum, EXIT_REASON_COUNT + 1);
	vm_print_exit_stats(sum, EXIT_REASON_COUNT + 1, exit_reason_name, vm->restarts + 1);
	vm_print_vcpu_shares(vm);
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++) {
		uint64_t n = __atomic_load_n(&cpu_nmis_in_root[i], __ATOMIC_RELAXED);
		uint64_t parked = __atomic_load_n(&cpu_nmis_parked[i], __ATOMIC_RELAXED);
		uint64_t not_guests = parked;

		for (unsigned c = 0; c < vm->vcpu_count; c++)
			if (vm->vcpus[c]->index == i)
				not_guests += vm->vcpus[c]->kicks_in_root;
		if (n > not_guests)
			kprintf("skiff: %lu NMIs arrived on CPU %u while skiff ran: held for the guest, "
				"those of one exit as one\n", n - not_guests, i);
		if (parked)
			kprintf("skiff: %lu NMIs arrived on the parked CPU %u: counted, no guest "
				"runs there\n", parked, i);
	}
}
