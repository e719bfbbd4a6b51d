/*
 * What a harness that links kernel/vmx/handlers.c and exit.c needs of the
 * rest of skiff to link on the host.  Both files hold every exit handler,
 * so they reach for the console, the vm layer, the memory map and
 * instructions a host cannot run; a harness drives one handler and must
 * never get to the others.  Each stub here fails the run if it is called:
 * a handler under test calling one is doing something its exit does not
 * call for.  The one outcome a harness does observe, vm_incident() (the
 * guest-crash policy), it defines itself.
 */
#include "fuzz_support.h"

#include "config.h"
#include "drivers/console.h"
#include "drivers/tsc.h"
#include "mm/layout.h"
#include "mm/mm.h"
#include "vm/mmio_insn.h"
#include "vm/vm.h"
#include "vmx/diag/entry_check.h"
#include "vmx/exit_stub.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

#define UNEXPECTED(name)	fuzz_fail(__FILE__, __LINE__, "unexpected call to %s", name)

/* What the console defines in the kernel, and the vCPU the fast paths
 * would find through GS (none run in a harness). */
bool console_output_queued;
uint64_t cpu_nmis_in_root[CONFIG_MAX_CPUS];
uint64_t cpu_nmis_parked[CONFIG_MAX_CPUS];
struct vmx_vcpu *vmx_host_test_vcpu;

/* The guest's console: nothing is queued in a harness. */
void console_pump(void)
{
}

void vm_console_flush(struct vm *vm)
{
	(void)vm;
}

/* ---- never reached from the handlers a harness drives ---- */

void vmcs_access_failed(const char *insn, uint32_t enc, enum vmx_status status)
{
	(void)insn;
	(void)enc;
	(void)status;
	UNEXPECTED("vmcs_access_failed");
}

int vmx_entry_check_cpu(struct entry_check_report *out)
{
	(void)out;
	UNEXPECTED("vmx_entry_check_cpu");
}

void vm_entry_failed(struct vcpu *v, uint64_t rip)
{
	(void)v;
	(void)rip;
	UNEXPECTED("vm_entry_failed");
}

/* One vCPU in a harness: the crash it observes is its own to decide. */
void vm_fate_claim(struct vcpu *v)
{
	(void)v;
}

void vm_fate_hold(struct vcpu *v)
{
	(void)v;
	UNEXPECTED("vm_fate_hold");
}

void vm_vcpu_started(struct vcpu *v)
{
	(void)v;
	UNEXPECTED("vm_vcpu_started");
}

void vm_vcpu_parked(struct vcpu *v)
{
	(void)v;
	UNEXPECTED("vm_vcpu_parked");
}

/* A refusal prints a line in the kernel; a harness has no console. */
void vm_refused(struct vcpu *v, const char *what, uint64_t value, const char *why)
{
	(void)v;
	(void)what;
	(void)value;
	(void)why;
}

void vm_refused_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, const char *why)
{
	(void)msr;
	vm_refused(v, "WRMSR", value, why);
}

/* No other vCPU sends a harness's vCPU an NMI, and none comes. */
bool vm_take_kick(struct vcpu *v)
{
	(void)v;
	return false;
}

void vm_take_held_nmi(struct vcpu *v)
{
	(void)v;
}

enum vm_ipi_action vm_guest_icr_write(struct vcpu *v, uint64_t icr)
{
	(void)v;
	(void)icr;
	UNEXPECTED("vm_guest_icr_write");
}

enum vm_ipi_action vm_xapic_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)v;
	(void)gpa;
	(void)size;
	(void)value;
	UNEXPECTED("vm_xapic_write");
}

int vm_guest_mtrr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	(void)v;
	(void)msr;
	(void)value;
	UNEXPECTED("vm_guest_mtrr_read");
}

int vm_guest_mtrr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	(void)v;
	(void)msr;
	(void)value;
	UNEXPECTED("vm_guest_mtrr_write");
}

int vm_mmio_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)v;
	(void)gpa;
	(void)size;
	(void)value;
	UNEXPECTED("vm_mmio_write");
}

int vm_mmio_decode_store(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			 enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			 struct mmio_insn *insn, uint64_t *value, char *detail, size_t size)
{
	(void)v; (void)p; (void)linear; (void)mode; (void)rax; (void)rsp; (void)gpa;
	(void)insn; (void)value; (void)detail; (void)size;
	UNEXPECTED("vm_mmio_decode_store");
}

void vm_describe_unmapped(char *buf, size_t size, const char *access, uint64_t gpa)
{
	(void)buf; (void)size; (void)access; (void)gpa;
	UNEXPECTED("vm_describe_unmapped");
}

void vm_describe_delivery_store(char *buf, size_t size, uint64_t gpa)
{
	(void)buf; (void)size; (void)gpa;
	UNEXPECTED("vm_describe_delivery_store");
}

void vm_print_vcpu_shares(const struct vm *vm)
{
	(void)vm;
	UNEXPECTED("vm_print_vcpu_shares");
}

int integrity_verify_tree(const void *tree)
{
	(void)tree;
	UNEXPECTED("integrity_verify_tree");
}

bool iommu_watching;	/* no IOMMU in the harness */

void vm_check_dma(struct vcpu *v)
{
	(void)v;
	UNEXPECTED("vm_check_dma");
}

uint64_t ept_pointer(const struct ept *e)
{
	(void)e;
	UNEXPECTED("ept_pointer");
}

void vmx_ap_init(struct vmx_vcpu *v)
{
	(void)v;
	UNEXPECTED("vmx_ap_init");
}

void vmx_exit_stub_smi_quirk(void)
{
	UNEXPECTED("vmx_exit_stub_smi_quirk");
}

void vmx_ap_reset(struct vmx_vcpu *v, uint8_t vector, bool wait_sipi)
{
	(void)v;
	(void)vector;
	(void)wait_sipi;
	UNEXPECTED("vmx_ap_reset");
}

const struct mm_layout *mm_layout(void)
{
	UNEXPECTED("mm_layout");
}

enum mm_owner mm_layout_owner(const struct mm_layout *l, uint64_t pa)
{
	(void)l;
	(void)pa;
	UNEXPECTED("mm_layout_owner");
}

const char *mm_owner_name(enum mm_owner label)
{
	(void)label;
	UNEXPECTED("mm_owner_name");
}

int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	(void)msr;
	(void)value;
	UNEXPECTED("rdmsr_safe");
}

int wrmsr_safe(uint32_t msr, uint64_t value)
{
	(void)msr;
	(void)value;
	UNEXPECTED("wrmsr_safe");
}

int xsetbv_safe(uint32_t xcr, uint64_t value)
{
	(void)xcr;
	(void)value;
	UNEXPECTED("xsetbv_safe");
}

uint64_t tsc_ticks_for_ms(uint64_t ms)
{
	(void)ms;
	UNEXPECTED("tsc_ticks_for_ms");
}

int64_t vm_handle_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			    bool wide)
{
	(void)v;
	(void)nr;
	(void)a0;
	(void)a1;
	(void)a2;
	(void)wide;
	UNEXPECTED("vm_handle_hypercall");
}

void vm_handle_port_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	(void)v;
	(void)port;
	(void)size;
	(void)in;
	(void)value;
	UNEXPECTED("vm_handle_port_io");
}

bool vmx_halt_state_supported(const struct vmx_vcpu *v)
{
	(void)v;
	UNEXPECTED("vmx_halt_state_supported");
}

