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
 * event, report a crash with the guest's full state), and the reports of
 * a VMLAUNCH/VMRESUME that failed outright (VMfail).
 */
#include "drivers/console.h"
#include "lib/printf.h"
#include "vm/vm.h"
#include "vmx/diag/entry_check.h"
#include "vmx/exit.h"
#include "vmx/exit_info.h"
#include "vmx/exit_reason.h"
#include "vmx/exit_stub.h"
#include "vmx/exit_table.h"
#include "vmx/vcpu.h"
#include "vmx/diag/vm_error.h"
#include "vmx/vmcs.h"
#include "x86.h"

#define DEBUGCTL_BTF	(1ull << 1)	/* single-step on branches */

/* The encoding exit_stub.S reads, against vmcs.h's list (whose constants
 * are structs, so an enum of the group's encodings stands in). */
#define ENCODING_OF(name, enc)	ENCODING_OF_##name = (enc),
enum { VMCS_READ_ONLY_FIELDS32(ENCODING_OF) };
_Static_assert(STUB_VMCS_VM_EXIT_REASON == ENCODING_OF_VM_EXIT_REASON, "exit_stub.S: VM_EXIT_REASON");

struct hc_exit_stat vmx_exit_stats[EXIT_REASON_COUNT + 1];

/* Set when a handler injects an event, so step 4 does not overwrite it. */
static bool injected;

/* ---- helpers for handlers ---- */

/* What vmx_skip_is_simple() leaves: STI or MOV-SS blocking to end, a
 * single step owed, or a next RIP that may wrap at 4 GiB. */
static void skip_instruction_general(void)
{
	uint64_t rip = vmcs_read_natural(GUEST_RIP) + vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
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
		skip_instruction_general();
}

void vmx_inject(uint8_t vector, enum intr_type type, bool has_error, uint32_t error,
		uint32_t insn_len)
{
	vmcs_write32(VM_ENTRY_INTR_INFO, intr_info_make(vector, type, has_error));
	if (has_error)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, error);
	if (intr_type_has_length(type))
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, insn_len);
	injected = true;
}

void vmx_inject_ud(void)
{
	vmx_inject(VECTOR_UD, INTR_TYPE_HW_EXCEPTION, false, 0, 0);
}

/* In real mode (unrestricted guest, CR0.PE = 0) no exception pushes an
 * error code, and VM entry refuses one (SDM Vol. 3C 27.2.1.3). */
void vmx_inject_gp(void)
{
	bool protected_mode = vmcs_read_natural(GUEST_CR0) & CR0_PE;

	vmx_inject(VECTOR_GP, INTR_TYPE_HW_EXCEPTION, protected_mode, 0, 0);
}

/* CR0 or CR4 as the guest reads it: the read shadow for the bits skiff
 * owns (the mask), the real register for the rest (SDM Vol. 3C 26.3). */
uint64_t vmx_guest_cr0(void)
{
	uint64_t mask = vmx_vcpu.cr0_mask;

	return (vmcs_read_natural(GUEST_CR0) & ~mask) | (vmcs_read_natural(CR0_READ_SHADOW) & mask);
}

uint64_t vmx_guest_cr4(void)
{
	uint64_t mask = vmx_vcpu.cr4_mask;

	return (vmcs_read_natural(GUEST_CR4) & ~mask) | (vmcs_read_natural(CR4_READ_SHADOW) & mask);
}

/* ---- reports ---- */

static void dump_segment(const char *name, struct vmcs_field16 sel, struct vmcs_field_natural base,
			 struct vmcs_field32 limit, struct vmcs_field32 ar)
{
	kprintf("  %-4s sel %04x base %016lx limit %08x access %05x\n", name, vmcs_read16(sel),
		vmcs_read_natural(base), vmcs_read32(limit), vmcs_read32(ar));
}

static void dump_guest_state(const struct guest_regs *r)
{
	const uint64_t *g = r->gpr;

	kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", g[0], g[3], g[1], g[2]);
	kprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", g[6], g[7], g[5],
		vmcs_read_natural(GUEST_RSP));
	kprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", g[8], g[9], g[10], g[11]);
	kprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", g[12], g[13], g[14], g[15]);
	kprintf("  RIP %016lx RFLAGS %016lx EFER %016lx\n", vmcs_read_natural(GUEST_RIP),
		vmcs_read_natural(GUEST_RFLAGS), vmcs_read64(GUEST_IA32_EFER));
	kprintf("  CR0 %016lx (guest sees %016lx) CR3 %016lx\n", vmcs_read_natural(GUEST_CR0),
		vmx_guest_cr0(), vmcs_read_natural(GUEST_CR3));
	kprintf("  CR4 %016lx (guest sees %016lx) DR7 %016lx\n", vmcs_read_natural(GUEST_CR4),
		vmx_guest_cr4(), vmcs_read_natural(GUEST_DR7));
	dump_segment("CS", GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_ACCESS_RIGHTS);
	dump_segment("SS", GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_ACCESS_RIGHTS);
	dump_segment("DS", GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_ACCESS_RIGHTS);
	dump_segment("ES", GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_ACCESS_RIGHTS);
	dump_segment("FS", GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_ACCESS_RIGHTS);
	dump_segment("GS", GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_ACCESS_RIGHTS);
	dump_segment("TR", GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_ACCESS_RIGHTS);
	dump_segment("LDTR", GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
		     GUEST_LDTR_ACCESS_RIGHTS);
	kprintf("  GDTR base %016lx limit %04x  IDTR base %016lx limit %04x\n",
		vmcs_read_natural(GUEST_GDTR_BASE), vmcs_read32(GUEST_GDTR_LIMIT),
		vmcs_read_natural(GUEST_IDTR_BASE), vmcs_read32(GUEST_IDTR_LIMIT));
	kprintf("  interruptibility %x, activity %u, pending debug %lx, entry controls %x\n",
		vmcs_read32(GUEST_INTERRUPTIBILITY_STATE), vmcs_read32(GUEST_ACTIVITY_STATE),
		vmcs_read_natural(GUEST_PENDING_DBG_EXCEPTIONS), vmcs_read32(VM_ENTRY_CONTROLS));
}

static void print_exit(uint32_t reason)
{
	uint16_t basic = exit_reason_basic(reason);

	kprintf("  exit reason %u (%s)%s, qualification 0x%lx\n", basic, exit_reason_name(basic),
		exit_reason_is_entry_failure(reason) ? ", VM-entry failure" : "",
		vmcs_read_natural(EXIT_QUALIFICATION));
	kprintf("  exit interruption info %08x error %x, IDT vectoring info %08x error %x, "
		"instruction length %u\n",
		vmcs_read32(VM_EXIT_INTR_INFO), vmcs_read32(VM_EXIT_INTR_ERROR_CODE),
		vmcs_read32(IDT_VECTORING_INFO), vmcs_read32(IDT_VECTORING_ERROR_CODE),
		vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
	kprintf("  guest-physical address %016lx, guest linear address %016lx\n",
		vmcs_read64(GUEST_PHYSICAL_ADDRESS), vmcs_read_natural(GUEST_LINEAR_ADDRESS));
}

void vmx_guest_crash(const char *what, const char *detail)
{
	uint32_t reason = vmcs_read32(VM_EXIT_REASON);
	struct vm_incident inc = {
		.what = what,
		.rip = vmcs_read_natural(GUEST_RIP),
		.kind = VM_INCIDENT_CRASH,
	};

	vm_console_flush(vmx_vcpu.vm);
	kprintf("skiff: guest crash: %s at RIP 0x%lx%s%s\n", what, inc.rip,
		detail ? ": " : "", detail ? detail : "");
	print_exit(reason);
	dump_guest_state(&vmx_guest_regs);
	vm_incident(vmx_vcpu.vm, &inc);
}

void vmx_guest_hang(const char *what)
{
	struct vm_incident inc = {
		.what = what,
		.rip = vmcs_read_natural(GUEST_RIP),
		.kind = VM_INCIDENT_HANG,
	};

	vm_console_flush(vmx_vcpu.vm);
	kprintf("skiff: guest hang: %s at RIP 0x%lx\n", what, inc.rip);
	dump_guest_state(&vmx_guest_regs);
	vm_incident(vmx_vcpu.vm, &inc);
}

/*
 * VM-entry failure (bit 31): the CPU checked the guest state or loaded
 * MSRs and refused (SDM Vol. 3C 27.8).  The qualification says which for
 * reason 33 (table 28-1... "Exit Qualification for VM-Entry Failure").
 */
static const char *entry_failure_detail(uint16_t basic, uint64_t qual)
{
	if (basic == EXIT_REASON_MSR_LOADING)
		return "loading an MSR from the VM-entry MSR-load area failed";
	if (basic == EXIT_REASON_MACHINE_CHECK_DURING_ENTRY)
		return "a machine check occurred during VM entry";
	switch (qual) {
	case 2: return "loading the PDPTEs failed (guest PAE paging)";
	case 3: return "injecting an NMI was blocked";
	case 4: return "the VMCS link pointer is invalid";
	default: return "a guest-state field breaks a VM-entry check (SDM Vol. 3C 27.3.1)";
	}
}

/* The software VM-entry checker names the rule the CPU would not: one
 * line per broken rule, then a summary. */
void vmx_explain_entry(void)
{
	struct entry_check_report r;
	int n = vmx_entry_check_cpu(&r);

	if (n == 0)
		kprintf("skiff: entry check: no rule of SDM 27.2/27.3.1 broken "
			"(not modelled: memory contents, MSR-load entries)\n");
	else
		kprintf("skiff: entry check: %d violation(s): %u control, %u host, %u guest\n", n,
			r.by_kind[ENTRY_CHECK_CONTROL], r.by_kind[ENTRY_CHECK_HOST],
			r.by_kind[ENTRY_CHECK_GUEST]);
}

__attribute__((noreturn))
static void entry_failure(uint32_t reason)
{
	uint16_t basic = exit_reason_basic(reason);

	vm_console_flush(vmx_vcpu.vm);
	kprintf("skiff: vmx: VM entry failed: exit reason 0x%x (%s): %s\n", reason,
		exit_reason_name(basic),
		entry_failure_detail(basic, vmcs_read_natural(EXIT_QUALIFICATION)));
	vmx_explain_entry();
	print_exit(reason);
	dump_guest_state(&vmx_guest_regs);
	vm_entry_failed(vmx_vcpu.vm, vmcs_read_natural(GUEST_RIP));
}

void vmx_exit_entry_failure(struct guest_regs *regs)
{
	(void)regs;
	entry_failure(vmcs_read32(VM_EXIT_REASON));
}

/* VMLAUNCH or VMRESUME itself failed (SDM Vol. 3C 31.2): with a current
 * VMCS the error number says which rule (diag/vm_error.c has the SDM's words). */
void vmx_entry_failed_report(const char *insn, enum vmx_status st)
{
	vm_console_flush(vmx_vcpu.vm);
	if (st == VMX_FAIL_VALID) {
		uint32_t err = vmcs_read32(VM_INSTRUCTION_ERROR);

		kprintf("skiff: vmx: %s failed: VM-instruction error %u: %s\n", insn, err,
			vm_instruction_error_name(err));
	} else {
		kprintf("skiff: vmx: %s failed: VMfailInvalid (no current VMCS)\n", insn);
	}
	if (st == VMX_FAIL_VALID) {
		vmx_explain_entry();
		dump_guest_state(&vmx_guest_regs);
	}
	vm_entry_failed(vmx_vcpu.vm, st == VMX_FAIL_VALID ? vmcs_read_natural(GUEST_RIP) : 0);
}

void vmx_resume_failed(int fail_invalid)
{
	vmx_entry_failed_report("VMRESUME", fail_invalid ? VMX_FAIL_INVALID : VMX_FAIL_VALID);
}

void vmx_exit_reason_unreadable(int fail_invalid)
{
	vmcs_access_failed("VMREAD", VM_EXIT_REASON.enc,
			   fail_invalid ? VMX_FAIL_INVALID : VMX_FAIL_VALID);
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

static void redeliver_interrupted_event(void)
{
	uint32_t info = vmcs_read32(IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	vmx_inject(intr_info_vector(info), intr_info_type(info), info & INTR_INFO_ERROR_CODE,
		   vmcs_read32(IDT_VECTORING_ERROR_CODE), vmcs_read32(VM_EXIT_INSTRUCTION_LEN));
}

void vmx_exit_handler(uint32_t reason)
{
	uint64_t start = rdtsc();
	uint16_t basic = exit_reason_basic(reason);
	struct hc_exit_stat *stat;
	const struct exit_entry *e;

	if (exit_reason_is_entry_failure(reason))
		entry_failure(reason);
	if (basic >= EXIT_REASON_COUNT) {
		vmx_exit_stats[EXIT_REASON_COUNT].count++;
		vmx_guest_crash("an exit reason this skiff does not know", NULL);
	}
	stat = &vmx_exit_stats[basic];
	stat->count++;

	injected = false;
	if (basic != EXIT_REASON_EXCEPTION_NMI)
		vmx_exception_streak = 0;
	e = &vmx_exit_table[basic];
	switch (__builtin_expect(e->policy, EXIT_HANDLE)) {
	case EXIT_HANDLE:
		e->fn(&vmx_guest_regs);
		break;
	case EXIT_INJECT_UD:
		vmx_inject_ud();
		break;
	case EXIT_FATAL:
	case EXIT_UNSET:
		vmx_guest_crash("unhandled VM exit", e->why ? e->why : "no entry in the exit table");
	}
	if (!injected && exit_may_interrupt_delivery(basic))
		redeliver_interrupted_event();
	console_poll();
	vmx_timer_arm();
	stat->cycles += rdtsc() - start;
}

/*
 * The preemption timer has two periods (vmx.c, choose_watchdog): the
 * watchdog's, and short drain ticks while console output is queued, so
 * that the serial line is fed even when the guest makes no exits.  A
 * VMWRITE only when the period changes.
 */
void vmx_timer_arm(void)
{
	struct vmx_vcpu *v = &vmx_vcpu;
	uint32_t want = console_output_queued ? v->drain_tick : v->preemption_timer;

	if (want != v->timer_loaded) {
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, want);
		v->timer_loaded = want;
		v->quiet_exits = UINT64_MAX;	/* the first tick starts the count */
	}
}

uint64_t vmx_exits_other_than(uint16_t basic)
{
	uint64_t total = 0;

	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		if (i != basic)
			total += vmx_exit_stats[i].count;
	return total;
}

/* ---- statistics ---- */

const struct hc_exit_stat *vm_arch_exit_stats(size_t *count)
{
	*count = EXIT_REASON_COUNT + 1;
	return vmx_exit_stats;
}

static void print_stat(const char *name, const struct hc_exit_stat *s)
{
	kprintf("  %-28s %10lu %14lu %8lu\n", name, s->count, s->cycles, s->cycles / s->count);
}

void vm_arch_print_exit_stats(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		total += vmx_exit_stats[i].count;
	kprintf("skiff: %lu VM exits by reason (TSC cycles in skiff, exit to entry):\n", total);
	kprintf("  %-28s %10s %14s %8s\n", "reason", "count", "cycles", "each");
	for (unsigned i = 0; i < EXIT_REASON_COUNT; i++)
		if (vmx_exit_stats[i].count)
			print_stat(exit_reason_name(i), &vmx_exit_stats[i]);
	if (vmx_exit_stats[EXIT_REASON_COUNT].count)
		print_stat("(beyond the SDM's list)", &vmx_exit_stats[EXIT_REASON_COUNT]);
}
