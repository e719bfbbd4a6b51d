/*
 * The SVM exit handlers on the host (kernel/svm/handlers.c, msr.c,
 * exit.c): the VMCB is plain memory, so each handler runs against one in
 * a test's hands, with the kernel/vm functions they hand work to standing
 * in here.  What is checked is what the guest would see: registers, RIP,
 * the injected event, the VMCB fields that are its state.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "svm/caps.h"
#include "svm/exit.h"
#include "svm/exit_table.h"
#include "svm/svm.h"
#include "vm/cpuid.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/platform.h"
#include "vm/vm.h"
#include "x86.h"

/* ---- stand-ins for what the handlers call ---- */

volatile bool console_output_queued;
void console_pump(void) {}
static int incidents;
void vm_fate_claim(struct vcpu *v) { (void)v; }
void vm_console_flush(struct vm *vm) { (void)vm; }
static jmp_buf ended;
void vm_incident(struct vcpu *v, const struct vm_incident *inc)
{
	(void)v;
	(void)inc;
	incidents++;
	longjmp(ended, 1);
}
void vm_entry_failed(struct vcpu *v, uint64_t rip)
{
	(void)v;
	(void)rip;
	longjmp(ended, 2);
}
unsigned svm_explain_vmcb(const struct vmcb *vmcb) { (void)vmcb; return 0; }
static bool cr3_only_fault;	/* what svm_vmcb_fails_on_guest_cr3() answers */
bool svm_vmcb_fails_on_guest_cr3(const struct vmcb *vmcb) { (void)vmcb; return cr3_only_fault; }
static uint64_t hc_nr, hc_a0;
int64_t vm_handle_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			    bool wide)
{
	(void)v; (void)a1; (void)a2; (void)wide;
	hc_nr = nr;
	hc_a0 = a0;
	return 42;
}
static uint16_t io_port;
static unsigned io_size;
static bool io_in;
void vm_handle_port_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	(void)v;
	io_port = port;
	io_size = size;
	io_in = in;
	if (in)
		*value = 0xabcd1234u;
}
int vm_guest_mtrr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	(void)v; (void)msr;
	*value = 0;
	return 0;
}
int vm_guest_mtrr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	(void)v; (void)msr; (void)value;
	return 0;
}
enum vm_ipi_action vm_guest_icr_write(struct vcpu *v, uint64_t icr)
{
	(void)v; (void)icr;
	return VM_IPI_DONE;
}
/* One vCPU: no other sends a kick, none is started or reset. */
void vm_fate_hold(struct vcpu *v)
{
	(void)v;
	fail_msg("held with one vCPU");
	for (;;)
		;
}
/* No kicks here: a held NMI is the guest's (vm/fate.c's rule). */
void vm_take_held_nmi(struct vcpu *v)
{
	if (v->nmi_held) {
		v->nmi_held = false;
		v->nmi_pending = true;
	}
}
void svm_ap_init(struct svm_vcpu *v) { (void)v; }
/* No IOMMU here: the exit path never looks for a blocked DMA. */
bool iommu_watching;
void vm_check_dma(struct vcpu *v)
{
	(void)v;
	fail_msg("looked for a blocked DMA with no IOMMU on");
}
size_t svm_fetch_with_low_memory(const struct guest_mem *m, const struct guest_paging *p,
				 uint64_t linear, uint8_t *buf, size_t n)
{
	(void)m; (void)p; (void)linear; (void)buf; (void)n;
	return 0;
}
bool svm_finish_ipi(struct svm_vcpu *v, enum vm_ipi_action act) { (void)v; return act == VM_IPI_DONE; }
enum vm_ipi_action vm_xapic_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)v; (void)gpa; (void)size; (void)value;
	return VM_IPI_DONE;
}
static unsigned refusals;
void vm_refused(struct vcpu *v, const char *what, uint64_t value, const char *why)
{
	(void)v; (void)what; (void)value; (void)why;
	refusals++;
}
void vm_refused_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, const char *why)
{
	(void)msr;
	vm_refused(v, "WRMSR", value, why);
}
/* The guest's bytes at RIP: VMCALL's unless a test puts others. */
static const uint8_t vmcall[] = { 0x0f, 0x01, 0xc1 };
static const uint8_t *guest_bytes = vmcall;
static size_t guest_bytes_len = sizeof(vmcall);
size_t guest_fetch(const struct guest_mem *m, const struct guest_paging *p, uint64_t linear,
		   uint8_t *buf, size_t n)
{
	(void)m; (void)p; (void)linear;
	if (n > guest_bytes_len)
		n = guest_bytes_len;
	memcpy(buf, guest_bytes, n);
	return n;
}
#define GUEST_BYTES(...) do {							\
	static const uint8_t b_[] = { __VA_ARGS__ };				\
	guest_bytes = b_;							\
	guest_bytes_len = sizeof(b_);						\
} while (0)

/* One page of registers skiff keeps, at TRAP_GPA; its store decoded as
 * a 6-byte MOV of 4 bytes unless decode_fails. */
#define TRAP_GPA	0x300000ull
static const struct vm_mmio_trap trap = { .kind = VM_MMIO_EMULATE, .base = TRAP_GPA,
					  .size = 4096, .name = "trap_page" };
const struct vm_mmio_trap *vm_platform_mmio_trap(const struct vm_platform *p, uint64_t gpa)
{
	(void)p;
	return gpa >= TRAP_GPA && gpa < TRAP_GPA + 4096 ? &trap : NULL;
}
static bool decode_fails;
static uint64_t decoded_rax, decoded_rsp;
int vm_mmio_decode_store(struct vcpu *vc, const struct guest_paging *p, uint64_t linear,
			 enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			 struct mmio_insn *insn, uint64_t *value, char *detail, size_t size)
{
	(void)vc; (void)p; (void)linear; (void)mode; (void)gpa; (void)detail; (void)size;
	decoded_rax = rax;
	decoded_rsp = rsp;
	if (decode_fails)
		return -1;
	*insn = (struct mmio_insn){ .len = 6, .size = 4, .write = true };
	*value = 0x12345678;
	return 0;
}
static uint64_t stored_gpa, stored_value;
static unsigned stored_size;
int vm_mmio_write(struct vcpu *vc, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)vc;
	stored_gpa = gpa;
	stored_size = size;
	stored_value = value;
	return 0;
}
static char unmapped_access[32];
void vm_describe_unmapped(char *buf, size_t size, const char *access, uint64_t gpa)
{
	snprintf(unmapped_access, sizeof(unmapped_access), "%s", access);
	snprintf(buf, size, "%s of 0x%lx", access, (unsigned long)gpa);
}

void vm_describe_delivery_store(char *buf, size_t size, uint64_t gpa)
{
	snprintf(buf, size, "delivery store to 0x%lx", (unsigned long)gpa);
}

/* skiff's own timer (kernel/svm/own_timer.c, booted in
 * qemu-svm-attack-cli-loop) is off unless a test turns svm_intr_always on;
 * it holds no interrupt for the guest. */
bool svm_own_interrupts;
uint32_t svm_intr_always;
void svm_own_timer_accept(struct svm_vcpu *vc) { (void)vc; }
void svm_own_timer_exit(struct svm_vcpu *vc) { (void)vc; }
bool svm_own_timer_wakes(const struct svm_vcpu *vc) { (void)vc; return false; }
void svm_own_timer_xapic(struct svm_vcpu *vc, uint64_t gpa) { (void)vc; (void)gpa; }
bool svm_own_timer_apic_base_ok(uint64_t value) { (void)value; return true; }

/* The watchdog has its own test (test_svm_watchdog.c); here it is off. */
bool svm_watch_active;
void svm_watchdog_look(struct svm_vcpu *vc, uint64_t now) { (void)vc; (void)now; }
void svm_watchdog_judge(struct svm_vcpu *vc, uint64_t now) { (void)vc; (void)now; }

/* The host's MSRs are not the test's to touch: every one is absent. */
int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	(void)msr;
	*value = 0;
	return -1;
}
int wrmsr_safe(uint32_t msr, uint64_t value)
{
	(void)msr; (void)value;
	return -1;
}

/* ---- a vCPU with its VMCB ---- */

static struct vm vm;
static struct vmcb vmcb;
static struct svm_vcpu v;

static void fresh(bool nrips)
{
	memset(&vm, 0, sizeof(vm));
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&v, 0, sizeof(v));
	v.vmcb = &vmcb;
	v.nrips = nrips;
	v.vcpu.vm = &vm;
	vmcb.save.efer = EFER_SVME;
	vmcb.save.rip = 0x1000;
	vmcb.control.next_rip = 0x1002;
	incidents = 0;
	refusals = 0;
	guest_bytes = vmcall;
	guest_bytes_len = sizeof(vmcall);
	v.cr4_supported = CR4_PAE | CR4_PSE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT;
}

#define EVENT(vector, ev) \
	(SVM_EVENTINJ_VALID | (3ull << SVM_EVENTINJ_TYPE_SHIFT) | (ev ? SVM_EVENTINJ_EV : 0) | (vector))

static void cpuid_answers_skiffs_view_without_svm(void **state)
{
	(void)state;
	fresh(true);
	vmcb.save.rax = 0x40000000;
	svm_exit_cpuid(&v);
	assert_int_equal(vmcb.save.rip, 0x1002);
	assert_memory_equal(&v.vcpu.regs.gpr[GUEST_REG_RBX], "skif", 4);
	fresh(true);
	vmcb.save.rax = CPUID_EXT_FEATURES;
	svm_exit_cpuid(&v);
	assert_int_equal(v.vcpu.regs.gpr[GUEST_REG_RCX] & CPUID_80000001_ECX_SVM, 0);
	fresh(true);
	vmcb.save.rax = CPUID_SVM_FEATURES;
	svm_exit_cpuid(&v);
	assert_int_equal(vmcb.save.rax | v.vcpu.regs.gpr[GUEST_REG_RBX] |
			 v.vcpu.regs.gpr[GUEST_REG_RDX], 0);
}

/* Without NRIP save the length comes from the bytes; the stand-in
 * guest_fetch() gives VMCALL's, so a CPUID there is refused, not guessed. */
static void without_nrips_bytes_decide(void **state)
{
	(void)state;
	fresh(false);
	vmcb.save.rax = 0x40000000;
	if (setjmp(ended) == 0) {
		svm_exit_cpuid(&v);
		fail_msg("a CPUID exit at VMCALL's bytes was completed");
	}
	assert_int_equal(incidents, 1);
	fresh(false);
	vmcb.save.rax = 7;
	svm_exit_ud(&v);	/* #UD at VMCALL: the hypercall, 3 bytes on */
	assert_int_equal(hc_nr, 7);
	assert_int_equal(vmcb.save.rip, 0x1003);
	assert_int_equal(vmcb.save.rax, 42);
	assert_int_equal(vmcb.control.eventinj, 0);
}

static void vmmcall_is_the_hypercall_at_cpl0_only(void **state)
{
	(void)state;
	fresh(true);
	vmcb.save.rax = 3;
	v.vcpu.regs.gpr[GUEST_REG_RDI] = 0x55;
	vmcb.control.next_rip = 0x1003;
	svm_exit_vmmcall(&v);
	assert_int_equal(hc_nr, 3);
	assert_int_equal(hc_a0, 0x55);
	assert_int_equal(vmcb.save.rax, 42);
	assert_int_equal(vmcb.save.rip, 0x1003);
	fresh(true);
	vmcb.save.cpl = 3;
	svm_exit_vmmcall(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(6, false));
	assert_int_equal(vmcb.save.rip, 0x1000);
}

/* APM 15.10.2: EXITINFO1 port 31:16, SZ8/16/32 bits 4-6, IN bit 0;
 * EXITINFO2 the next RIP. */
static void ioio_decodes_exitinfo(void **state)
{
	(void)state;
	fresh(false);
	vmcb.control.exitinfo1 = (0x3f8ull << 16) | (1 << 4);	/* OUT DX, AL */
	vmcb.control.exitinfo2 = 0x1001;
	vmcb.save.rax = 0x11223344;
	svm_exit_ioio(&v);
	assert_int_equal(io_port, 0x3f8);
	assert_int_equal(io_size, 1);
	assert_false(io_in);
	assert_int_equal(vmcb.save.rip, 0x1001);
	fresh(false);
	vmcb.control.exitinfo1 = (0xcfcull << 16) | (1 << 5) | 1;	/* IN AX, DX */
	vmcb.save.rax = 0xffffffffffffffffull;
	svm_exit_ioio(&v);
	assert_int_equal(io_size, 2);
	assert_true(io_in);
	assert_int_equal(vmcb.save.rax, 0xffffffffffff1234ull);	/* only AX changes */
}

static void msr_keeps_svme_and_pat_in_the_vmcb(void **state)
{
	(void)state;
	fresh(true);
	v.vcpu.regs.gpr[GUEST_REG_RCX] = MSR_IA32_EFER;
	vmcb.save.efer = EFER_SVME | EFER_SCE;
	svm_exit_msr(&v);	/* EXITINFO1 0: RDMSR */
	assert_int_equal(vmcb.save.rax, EFER_SCE);	/* SVME hidden */
	fresh(true);
	v.vcpu.regs.gpr[GUEST_REG_RCX] = MSR_IA32_EFER;
	vmcb.control.exitinfo1 = 1;
	vmcb.save.rax = EFER_SVME;		/* the guest may not set it */
	svm_exit_msr(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
	assert_int_equal(vmcb.save.rip, 0x1000);
	fresh(true);
	v.vcpu.regs.gpr[GUEST_REG_RCX] = MSR_IA32_PAT;
	vmcb.control.exitinfo1 = 1;
	vmcb.save.rax = 0x00070406;
	v.vcpu.regs.gpr[GUEST_REG_RDX] = 0x00070406;
	svm_exit_msr(&v);
	assert_int_equal(vmcb.save.g_pat, 0x0007040600070406ull);
	assert_int_equal(vmcb.save.rip, 0x1002);
	fresh(true);
	v.vcpu.regs.gpr[GUEST_REG_RCX] = MSR_IA32_PAT;
	vmcb.control.exitinfo1 = 1;
	vmcb.save.rax = 0x02;			/* type 2 is reserved */
	svm_exit_msr(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
	assert_int_equal(vmcb.save.g_pat, 0);
	fresh(true);
	v.vcpu.regs.gpr[GUEST_REG_RCX] = 0x79;	/* microcode update: refused, reported */
	vmcb.control.exitinfo1 = 1;
	svm_exit_msr(&v);
	assert_int_equal(refusals, 1);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
}

/* Completing an instruction ends a shadow and owes a single step. */
static void skip_ends_shadow_and_owes_single_step(void **state)
{
	(void)state;
	fresh(true);
	vmcb.control.interrupt_shadow = 1;
	vmcb.save.rflags = 0x102;		/* TF */
	svm_skip(&v, SVM_INSN_CPUID);
	assert_int_equal(vmcb.control.interrupt_shadow, 0);
	assert_int_equal(vmcb.control.eventinj, EVENT(1, false));
	assert_true(vmcb.save.dr6 & (1ull << 14));
}

/* A nested page fault (APM Vol. 2 15.25.6): a write to a mapped page of
 * registers skiff keeps, in the final translation, is done for the guest
 * and skipped by the decoded length (no next RIP on this exit); anything
 * else is the guest's crash, named by its access. */
#define NPF_P		(1ull << 0)
#define NPF_W		(1ull << 1)
#define NPF_ID		(1ull << 4)
#define NPF_FINAL	(1ull << 32)
#define NPF_WALK	(1ull << 33)

static bool npf_crashes(uint64_t info, uint64_t gpa)
{
	fresh(true);
	vmcb.control.exitinfo1 = info;
	vmcb.control.exitinfo2 = gpa;
	unmapped_access[0] = 0;
	stored_size = 0;
	if (setjmp(ended) == 0) {
		svm_exit_npf(&v);
		return false;
	}
	return true;
}

static void npf_emulates_trapped_stores_only(void **state)
{
	(void)state;
	decode_fails = false;
	assert_false(npf_crashes(NPF_P | NPF_W | NPF_FINAL, TRAP_GPA + 8));
	assert_int_equal(stored_gpa, TRAP_GPA + 8);
	assert_int_equal(stored_size, 4);
	assert_int_equal(stored_value, 0x12345678);
	assert_int_equal(vmcb.save.rip, 0x1006);	/* not next_rip's 0x1002 */

	/* RAX and RSP come from the VMCB, where the guest's are. */
	fresh(true);
	vmcb.save.rax = 0xaa;
	vmcb.save.rsp = 0xbb;
	vmcb.control.exitinfo1 = NPF_P | NPF_W | NPF_FINAL;
	vmcb.control.exitinfo2 = TRAP_GPA;
	svm_exit_npf(&v);
	assert_int_equal(decoded_rax, 0xaa);
	assert_int_equal(decoded_rsp, 0xbb);

	assert_true(npf_crashes(NPF_P | NPF_W | NPF_FINAL, 0x1fd80000));	/* skiff's */
	assert_string_equal(unmapped_access, "write");
	assert_true(npf_crashes(NPF_W | NPF_FINAL, TRAP_GPA));		/* not present */
	assert_string_equal(unmapped_access, "write");
	assert_true(npf_crashes(NPF_P | NPF_W | NPF_WALK, TRAP_GPA));	/* the guest's walk */
	assert_true(npf_crashes(NPF_P | NPF_FINAL, TRAP_GPA));		/* a read */
	assert_string_equal(unmapped_access, "read");
	assert_true(npf_crashes(NPF_P | NPF_ID | NPF_FINAL, 0x1fd80000));
	assert_string_equal(unmapped_access, "instruction fetch");
	assert_int_equal(stored_size, 0);

	/* An instruction skiff does not emulate: the guest's crash. */
	decode_fails = true;
	assert_true(npf_crashes(NPF_P | NPF_W | NPF_FINAL, TRAP_GPA));
	assert_int_equal(stored_size, 0);
	decode_fails = false;
}

/* An event whose delivery an exit interrupted goes in again, unless the
 * handler injected one; an INTn or INT3 runs again instead.  A trapped
 * store made by a delivery is not decoded: the guest's crash. */
#define EXITINTINFO(type, vector)	((1ull << 31) | ((uint64_t)(type) << 8) | (vector))

static void interrupted_delivery_goes_in_again(void **state)
{
	(void)state;
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CPUID;
	vmcb.control.exitintinfo = EXITINTINFO(0, 0x30);		/* an interrupt */
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.eventinj, EXITINTINFO(0, 0x30));

	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CPUID;
	vmcb.control.exitintinfo = EXITINTINFO(3, 14) | (1ull << 11) | (6ull << 32);	/* #PF(6) */
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.eventinj, EXITINTINFO(3, 14) | (1ull << 11) | (6ull << 32));

	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CPUID;
	vmcb.control.exitintinfo = EXITINTINFO(4, 0x80);		/* INT 80h */
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.eventinj, 0);
	vmcb.control.exitintinfo = EXITINTINFO(3, 3);			/* INT3 */
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.eventinj, 0);

	/* The handler's own event stands: #DB reflected during a #DB. */
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_EXCP0 + 1;
	vmcb.control.exitintinfo = EXITINTINFO(3, 1);
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.eventinj & 0xfff, (3u << 8) | 1);

	/* A store to a trapped page by the delivery itself. */
	decode_fails = false;
	fresh(true);
	vmcb.control.exitinfo1 = NPF_P | NPF_W | NPF_FINAL;
	vmcb.control.exitinfo2 = TRAP_GPA;
	vmcb.control.exitintinfo = EXITINTINFO(0, 0x30);
	stored_size = 0;
	if (setjmp(ended) == 0) {
		svm_exit_npf(&v);
		fail_msg("a delivery's store was emulated");
	}
	assert_int_equal(stored_size, 0);
}

/* An exit puts HLT's intercept back and takes INTR's away, and leaves the
 * vCPU's own alone: NMI's (more than one vCPU), IRET's (an NMI handled). */
static void an_exit_keeps_the_vcpus_own_intercepts(void **state)
{
	const uint32_t own = SVM_INTERCEPT_NMI | SVM_INTERCEPT_IRET;

	(void)state;
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CPUID;
	vmcb.control.intercept_misc1 = (SVM_MISC1_INTERCEPTS & ~SVM_INTERCEPT_HLT) |
				       SVM_INTERCEPT_INTR | own;
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.intercept_misc1, SVM_MISC1_INTERCEPTS | own);
}

/* While skiff owns the guest's interrupts, an exit leaves INTR's intercept
 * on, and a VINTR exit at the HLT run again completes it as INTR's does. */
static void with_its_own_timer_intr_stays_and_vintr_wakes_hlt(void **state)
{
	(void)state;
	fresh(true);
	svm_intr_always = SVM_INTERCEPT_INTR;
	vmcb.control.exitcode = SVM_EXIT_CPUID;
	vmcb.control.intercept_misc1 = SVM_MISC1_INTERCEPTS | SVM_INTERCEPT_INTR;
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.control.intercept_misc1, SVM_MISC1_INTERCEPTS | SVM_INTERCEPT_INTR);
	fresh(true);
	GUEST_BYTES(0xf4);
	vmcb.control.next_rip = 0x1001;
	vmcb.control.intercept_misc1 = SVM_MISC1_INTERCEPTS | SVM_INTERCEPT_INTR;
	vmcb.save.rflags = 0x202;
	vmcb.control.exitcode = SVM_EXIT_HLT;
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.save.rip, 0x1000);
	vmcb.control.exitcode = SVM_EXIT_VINTR;
	vmcb.control.vintr = SVM_VINTR_IRQ;
	vmcb.control.intercept_misc1 |= SVM_INTERCEPT_VINTR;
	svm_exit_dispatch(&v);
	assert_int_equal(vmcb.save.rip, 0x1001);
	assert_int_equal(vmcb.control.vintr & SVM_VINTR_IRQ, 0);
	assert_int_equal(vmcb.control.intercept_misc1 & SVM_INTERCEPT_VINTR, 0);
	assert_int_equal(vmcb.control.intercept_misc1, SVM_MISC1_INTERCEPTS | SVM_INTERCEPT_INTR);
	svm_intr_always = 0;
	assert_int_equal(incidents, 0);
}

/* VMEXIT_INVALID is skiff's failure, unless CR3's MBZ check alone fails:
 * then the guest loaded that CR3 itself (QEMU 7.2 refuses VMRUN where a
 * CPU would raise #GP for the MOV), and it is the guest's crash. */
static void invalid_is_skiffs_unless_the_guest_loaded_cr3(void **state)
{
	(void)state;
	fresh(true);
	vmcb.control.exitcode = (uint64_t)SVM_EXIT_INVALID;
	cr3_only_fault = false;
	switch (setjmp(ended)) {
	case 0:
		svm_exit_dispatch(&v);
		fail_msg("VMEXIT_INVALID went on");
		break;
	case 2:			/* vm_entry_failed(): skiff's */
		break;
	default:
		fail_msg("VMEXIT_INVALID was the guest's");
	}
	assert_int_equal(incidents, 0);
	fresh(true);
	vmcb.control.exitcode = (uint64_t)SVM_EXIT_INVALID;
	cr3_only_fault = true;
	if (setjmp(ended) == 0) {
		svm_exit_dispatch(&v);
		fail_msg("VMEXIT_INVALID went on");
	}
	assert_int_equal(incidents, 1);
	cr3_only_fault = false;
}

static void floods_of_db_and_ac_end_as_hangs(void **state)
{
	volatile unsigned n = 0;	/* kept across longjmp() */

	(void)state;
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_EXCP0 + 17;
	if (setjmp(ended) == 0)
		for (;;) {
			vmcb.control.eventinj = 0;
			svm_exit_exception(&v);
			assert_int_equal(vmcb.control.eventinj, EVENT(17, true));
			n++;
		}
	assert_int_equal(incidents, 1);
	assert_true(n >= 100);
	/* One that came while a non-exception event was delivered: a crash. */
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_EXCP0 + 1;
	vmcb.control.exitintinfo = SVM_EVENTINJ_VALID | 0x20;	/* an interrupt */
	if (setjmp(ended) == 0) {
		svm_exit_exception(&v);
		fail_msg("an exception during an interrupt's delivery was reflected");
	}
	assert_int_equal(incidents, 1);
}

/* CR4 writes: a bit the CPU lacks (VMXE on AMD) is #GP, RIP unmoved; an
 * allowed one lands in the VMCB, past the instruction.  Without decode
 * assists and NRIP save the bytes give the register and the length. */
static void cr4_write_by_the_rules(void **state)
{
	(void)state;
	fresh(false);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE + 4;
	GUEST_BYTES(0x0f, 0x22, 0xe0);			/* mov %eax, %cr4 */
	vmcb.save.rax = CR4_VMXE;
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
	assert_int_equal(vmcb.save.rip, 0x1000);
	assert_int_equal(vmcb.save.cr4, 0);
	fresh(false);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE + 4;
	GUEST_BYTES(0x0f, 0x22, 0xe3);			/* mov %ebx, %cr4 */
	v.vcpu.regs.gpr[GUEST_REG_RBX] = 0xffffffff00000000ull | CR4_OSFXSR | CR4_PAE;
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.control.eventinj, 0);
	assert_int_equal(vmcb.save.cr4, CR4_OSFXSR | CR4_PAE);	/* 32 bits outside 64-bit mode */
	assert_int_equal(vmcb.save.rip, 0x1003);
	assert_int_equal(vmcb.control.tlb_control, SVM_TLB_CONTROL_FLUSH_ALL);	/* PAE changed */
	/* With decode assists and NRIP save, EXITINFO1 names the GPR. */
	fresh(true);
	v.decode_assists = true;
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE + 4;
	vmcb.control.exitinfo1 = (1ull << 63) | 4;	/* RSP, in the VMCB */
	vmcb.save.rsp = CR4_PKE;			/* not this CPU's */
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
	/* Bytes that are not a write of CR4: the guest's crash, not a guess. */
	fresh(false);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE + 4;
	GUEST_BYTES(0x0f, 0x22, 0xc0);			/* mov %eax, %cr0 */
	if (setjmp(ended) == 0) {
		svm_exit_cr_write(&v);
		fail_msg("a CR4 exit at a CR0 write was completed");
	}
	assert_int_equal(incidents, 1);
}

/* CR0: the rules' #GP, the long-mode switch into the VMCB's EFER, CLTS
 * and LMSW (which cannot clear PE). */
static void cr0_write_by_the_rules(void **state)
{
	(void)state;
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE;
	vmcb.save.cr0 = CR0_PE | CR0_ET;
	GUEST_BYTES(0x0f, 0x22, 0xc0);			/* mov %eax, %cr0 */
	vmcb.save.rax = CR0_PE | CR0_NW;		/* NW without CD */
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.control.eventinj, EVENT(13, true));
	assert_int_equal(vmcb.save.cr0, CR0_PE | CR0_ET);
	fresh(true);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE;
	vmcb.save.cr0 = CR0_PE | CR0_ET;
	vmcb.save.cr4 = CR4_PAE;
	vmcb.save.efer = EFER_SVME | EFER_LME;
	GUEST_BYTES(0x0f, 0x22, 0xc0);
	vmcb.save.rax = CR0_PG | CR0_PE | CR0_ET;
	vmcb.control.next_rip = 0x1003;
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.control.eventinj, 0);
	assert_int_equal(vmcb.save.cr0, CR0_PG | CR0_PE | CR0_ET);
	assert_int_equal(vmcb.save.efer, EFER_SVME | EFER_LME | EFER_LMA);
	assert_int_equal(vmcb.save.rip, 0x1003);
	fresh(false);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE;
	vmcb.save.cr0 = CR0_PE | CR0_TS;
	GUEST_BYTES(0x0f, 0x06);			/* clts */
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.save.cr0, CR0_PE);
	assert_int_equal(vmcb.save.rip, 0x1002);
	fresh(false);
	vmcb.control.exitcode = SVM_EXIT_CR0_WRITE;
	vmcb.save.cr0 = CR0_PE | CR0_MP;
	GUEST_BYTES(0x0f, 0x01, 0xf3);			/* lmsw %bx */
	v.vcpu.regs.gpr[GUEST_REG_RBX] = CR0_TS;	/* PE clear: stays set */
	svm_exit_cr_write(&v);
	assert_int_equal(vmcb.save.cr0, CR0_PE | CR0_TS);
	assert_int_equal(vmcb.save.rip, 0x1003);
}

/* VMMCALL's fast path: HC_VERSION done whole; declined, nothing changed,
 * at CPL 3 (the generic path's #UD), without NRIP save, or single-stepping. */
static void vmmcall_fast_path_takes_the_common_case(void **state)
{
	(void)state;
	fresh(true);
	vmcb.save.rax = HC_VERSION;
	vmcb.control.next_rip = 0x1003;
	vmcb.control.interrupt_shadow = 1;
	assert_true(svm_exit_vmmcall_fast(0, 0, &v.vcpu.regs));
	assert_int_equal(vmcb.save.rax, HC_ABI_VERSION);
	assert_int_equal(vmcb.save.rip, 0x1003);
	assert_int_equal(vmcb.control.interrupt_shadow, 0);
	assert_int_equal(v.exit_stats[SVM_EXIT_INDEX(SVM_EXIT_VMMCALL)].count, 1);
	fresh(true);
	vmcb.save.rax = HC_VERSION;
	vmcb.save.cpl = 3;
	assert_false(svm_exit_vmmcall_fast(0, 0, &v.vcpu.regs));
	fresh(false);
	vmcb.save.rax = HC_VERSION;
	vmcb.control.next_rip = 0;
	assert_false(svm_exit_vmmcall_fast(0, 0, &v.vcpu.regs));
	fresh(true);
	vmcb.save.rax = HC_VERSION;
	vmcb.save.rflags = 0x102;
	assert_false(svm_exit_vmmcall_fast(0, 0, &v.vcpu.regs));
	assert_int_equal(vmcb.save.rax, HC_VERSION);
	assert_int_equal(vmcb.save.rip, 0x1000);
	assert_int_equal(v.exit_stats[SVM_EXIT_INDEX(SVM_EXIT_VMMCALL)].count, 0);
}

/*
 * HLT with interrupts on: the guest runs it again with INTR intercepted
 * instead of HLT, and an interrupt reaches it just past the HLT whether it
 * was recognized before the HLT ran (QEMU 7.2: VMRUN forgets STI's shadow,
 * RIP still at the HLT) or ended the halt (RIP past it).  The next RIP is
 * the HLT exit's: an INTR exit saves none.  Every exit after puts the
 * usual intercepts back.
 */
static void hlt_is_woken_by_the_interrupt_past_it(void **state)
{
	static const struct { bool nrips; uint64_t rip_at_intr; } ways[] = {
		{ false, 0x1000 }, { false, 0x1001 }, { true, 0x1000 }, { true, 0x1001 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		fresh(ways[i].nrips);
		GUEST_BYTES(0xf4);
		vmcb.control.next_rip = 0x1001;
		vmcb.control.intercept_misc1 = SVM_MISC1_INTERCEPTS;
		vmcb.control.interrupt_shadow = 1;	/* sti; hlt */
		vmcb.save.rflags = 0x202;		/* IF */
		vmcb.control.exitcode = SVM_EXIT_HLT;
		svm_exit_dispatch(&v);
		assert_int_equal(vmcb.save.rip, 0x1000);
		assert_int_equal(vmcb.control.intercept_misc1,
				 (SVM_MISC1_INTERCEPTS & ~SVM_INTERCEPT_HLT) | SVM_INTERCEPT_INTR);
		vmcb.control.exitcode = SVM_EXIT_INTR;
		vmcb.control.next_rip = 0;
		vmcb.save.rip = ways[i].rip_at_intr;
		if (ways[i].rip_at_intr == 0x1001)
			vmcb.control.interrupt_shadow = 0;
		svm_exit_dispatch(&v);
		assert_int_equal(vmcb.save.rip, 0x1001);
		assert_int_equal(vmcb.control.interrupt_shadow, 0);
		assert_int_equal(vmcb.control.eventinj, 0);
		assert_int_equal(vmcb.control.intercept_misc1, SVM_MISC1_INTERCEPTS);
		assert_int_equal(incidents, 0);
	}
	fresh(false);		/* HLT with interrupts off on the BSP: a hang */
	GUEST_BYTES(0xf4);
	vmcb.save.rflags = 0x2;
	if (setjmp(ended) == 0) {
		svm_exit_hlt(&v);
		fail_msg("HLT with interrupts off went on");
	}
	assert_int_equal(incidents, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpuid_answers_skiffs_view_without_svm),
		cmocka_unit_test(without_nrips_bytes_decide),
		cmocka_unit_test(vmmcall_is_the_hypercall_at_cpl0_only),
		cmocka_unit_test(ioio_decodes_exitinfo),
		cmocka_unit_test(msr_keeps_svme_and_pat_in_the_vmcb),
		cmocka_unit_test(skip_ends_shadow_and_owes_single_step),
		cmocka_unit_test(floods_of_db_and_ac_end_as_hangs),
		cmocka_unit_test(an_exit_keeps_the_vcpus_own_intercepts),
		cmocka_unit_test(with_its_own_timer_intr_stays_and_vintr_wakes_hlt),
		cmocka_unit_test(invalid_is_skiffs_unless_the_guest_loaded_cr3),
		cmocka_unit_test(npf_emulates_trapped_stores_only),
		cmocka_unit_test(interrupted_delivery_goes_in_again),
		cmocka_unit_test(cr4_write_by_the_rules),
		cmocka_unit_test(cr0_write_by_the_rules),
		cmocka_unit_test(vmmcall_fast_path_takes_the_common_case),
		cmocka_unit_test(hlt_is_woken_by_the_interrupt_past_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
