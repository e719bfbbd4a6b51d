/*
 * The reports of what went wrong, never on the path of an exit that went
 * well: a guest crash or hang with the guest's full state, a failed VM
 * entry explained (by the exit's qualification and the software
 * VM-entry checker), a VMLAUNCH/VMRESUME that failed outright (VMfail).
 */
#include "lib/printf.h"
#include "vm/vm.h"
#include "vmx/diag/entry_check.h"
#include "vmx/diag/vm_error.h"
#include "vmx/exit.h"
#include "vmx/exit_info.h"
#include "vmx/exit_reason.h"
#include "vmx/exit_stub.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

static void dump_segment(const char *name, struct vmcs_field16 sel, struct vmcs_field_natural base,
			 struct vmcs_field32 limit, struct vmcs_field32 ar)
{
	kprintf("  %-4s sel %04x base %016lx limit %08x access %05x\n", name, vmcs_read16(sel),
		vmcs_read_natural(base), vmcs_read32(limit), vmcs_read32(ar));
}

static void dump_guest_state(const struct vmx_vcpu *v)
{
	const uint64_t *g = v->vcpu.regs.gpr;

	kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", g[0], g[3], g[1], g[2]);
	kprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", g[6], g[7], g[5],
		vmcs_read_natural(GUEST_RSP));
	kprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", g[8], g[9], g[10], g[11]);
	kprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", g[12], g[13], g[14], g[15]);
	kprintf("  RIP %016lx RFLAGS %016lx EFER %016lx\n", vmcs_read_natural(GUEST_RIP),
		vmcs_read_natural(GUEST_RFLAGS), vmcs_read64(GUEST_IA32_EFER));
	kprintf("  CR0 %016lx (guest sees %016lx) CR3 %016lx\n", vmcs_read_natural(GUEST_CR0),
		vmx_guest_cr0(v), vmcs_read_natural(GUEST_CR3));
	kprintf("  CR4 %016lx (guest sees %016lx) DR7 %016lx\n", vmcs_read_natural(GUEST_CR4),
		vmx_guest_cr4(v), vmcs_read_natural(GUEST_DR7));
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

void vmx_guest_crash(struct vmx_vcpu *v, const char *what, const char *detail)
{
	uint32_t reason = vmcs_read32(VM_EXIT_REASON);
	struct vm_incident inc = {
		.what = what,
		.rip = vmcs_read_natural(GUEST_RIP),
		.kind = VM_INCIDENT_CRASH,
	};

	vm_fate_claim(&v->vcpu);	/* the other vCPUs out of the guest first */
	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: guest crash: %s at RIP 0x%lx%s%s\n", what, inc.rip,
		detail ? ": " : "", detail ? detail : "");
	print_exit(reason);
	dump_guest_state(v);
	vm_incident(&v->vcpu, &inc);
}

void vmx_guest_hang(struct vmx_vcpu *v, const char *what)
{
	struct vm_incident inc = {
		.what = what,
		.rip = vmcs_read_natural(GUEST_RIP),
		.kind = VM_INCIDENT_HANG,
	};

	vm_fate_claim(&v->vcpu);
	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: guest hang: %s at RIP 0x%lx\n", what, inc.rip);
	dump_guest_state(v);
	vm_incident(&v->vcpu, &inc);
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
void vmx_explain_entry(const struct vmx_vcpu *v)
{
	struct entry_check_report r;
	int n = vmx_entry_check_cpu(&r);

	(void)v;	/* the checker reads the current VMCS, which is v's */

	if (n == 0)
		kprintf("skiff: entry check: no rule of SDM 27.2/27.3.1 broken "
			"(not modelled: memory contents, MSR-load entries)\n");
	else
		kprintf("skiff: entry check: %d violation(s): %u control, %u host, %u guest\n", n,
			r.by_kind[ENTRY_CHECK_CONTROL], r.by_kind[ENTRY_CHECK_HOST],
			r.by_kind[ENTRY_CHECK_GUEST]);
}

void vmx_entry_failure(struct vmx_vcpu *v, uint32_t reason)
{
	uint16_t basic = exit_reason_basic(reason);

	vm_fate_claim(&v->vcpu);
	vm_console_flush(v->vcpu.vm);
	kprintf("skiff: vmx: VM entry failed: exit reason 0x%x (%s): %s\n", reason,
		exit_reason_name(basic),
		entry_failure_detail(basic, vmcs_read_natural(EXIT_QUALIFICATION)));
	vmx_explain_entry(v);
	print_exit(reason);
	dump_guest_state(v);
	vm_entry_failed(&v->vcpu, vmcs_read_natural(GUEST_RIP));
}

/* VMLAUNCH or VMRESUME itself failed (SDM Vol. 3C 31.2): with a current
 * VMCS the error number says which rule (diag/vm_error.c has the SDM's words). */
void vmx_entry_failed_report(struct vmx_vcpu *v, const char *insn, enum vmx_status st)
{
	vm_fate_claim(&v->vcpu);
	vm_console_flush(v->vcpu.vm);
	if (st == VMX_FAIL_VALID) {
		uint32_t err = vmcs_read32(VM_INSTRUCTION_ERROR);

		kprintf("skiff: vmx: %s failed: VM-instruction error %u: %s\n", insn, err,
			vm_instruction_error_name(err));
	} else {
		kprintf("skiff: vmx: %s failed: VMfailInvalid (no current VMCS)\n", insn);
	}
	if (st == VMX_FAIL_VALID) {
		vmx_explain_entry(v);
		dump_guest_state(v);
	}
	vm_entry_failed(&v->vcpu, st == VMX_FAIL_VALID ? vmcs_read_natural(GUEST_RIP) : 0);
}

void vmx_resume_failed(struct vmx_vcpu *v, int fail_invalid)
{
	vmx_entry_failed_report(v, "VMRESUME", fail_invalid ? VMX_FAIL_INVALID : VMX_FAIL_VALID);
}

void vmx_exit_reason_unreadable(struct vmx_vcpu *v, int fail_invalid)
{
	(void)v;
	vmcs_access_failed("VMREAD", VM_EXIT_REASON.enc,
			   fail_invalid ? VMX_FAIL_INVALID : VMX_FAIL_VALID);
}
