/*
 * The APs on AMD-V (svm.h): how skiff holds one, and how its vCPU lives
 * without the wait-for-SIPI state VT-x has.
 *
 * Held: SVM on (EFER.SVME, APM Vol. 2 15.4), the CPU's own host save
 * area (VM_HSAVE_PA, 15.30.4; both are per CPU), and the global
 * interrupt flag clear (CLGI, 15.17), which holds INIT, NMI and SMI
 * pending: the nearest thing to VMX root's blocked INIT.
 *
 * The vCPU: after INIT (skiff's, vm/ipi.h) an AP's vCPU runs nothing.
 * It waits in skiff, in svm_ap_wait_sipi(), for the SIPI skiff delivers
 * (vm_guest_icr_write()); that starts it in real mode at vector << 12
 * with the reset state of the APM (Vol. 2 14.1.3, "Processor
 * Initialization State") and the SDM (Vol. 3A 10.1.1, table 10-1).
 */
#include "cpu.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "vm/guest_walk.h"
#include "svm/caps.h"
#include "svm/exit.h"
#include "svm/svm.h"
#include "svm/vmcb.h"
#include "svm/watchdog.h"
#include "vm/cpuid.h"
#include "vm/vm.h"
#include "x86.h"

#define CR0_ET		(1ull << 4)
#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define RFLAGS_FIXED	(1ull << 1)
#define DR6_INIT	0xffff0ff0ull
#define DR7_INIT	0x400ull
#define PAT_POWER_ON	0x0007040600070406ull	/* APM Vol. 2 7.8.2 */
/* Real-mode segments as reset leaves them (VMCB attribute form, vmcb.h):
 * present, read/write data and execute/read code, both accessed; TR a
 * busy 32-bit TSS (type 11), as VT-x's AP state has it, since a CPU
 * refuses to activate long mode with a 16-bit one in TR (Bochs resets:
 * the guest's switch to long mode from this state is Linux's AP start),
 * LDTR an LDT. */
#define ATTR_CODE16	(VMCB_ATTR_P | VMCB_ATTR_S | 0xb)
#define ATTR_DATA16	(VMCB_ATTR_P | VMCB_ATTR_S | 0x3)
#define ATTR_TSS_BUSY	(VMCB_ATTR_P | 0xb)
#define ATTR_LDT	(VMCB_ATTR_P | 0x2)

int svm_ap_enter_root(const struct svm_caps *caps, uint64_t hsave)
{
	uint64_t vm_cr;

	/* VM_CR is per CPU: what the BSP's probe cleared, cleared here too. */
	if (caps->clear_svmdis && rdmsr_safe(MSR_VM_CR, &vm_cr) == 0)
		wrmsr_safe(MSR_VM_CR, vm_cr & ~VM_CR_SVMDIS);
	if (wrmsr_safe(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | EFER_SVME) < 0)
		return -1;
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	clgi();
	return 0;
}

static void segment(struct vmcb_segment *s, uint16_t sel, uint64_t base, uint16_t attrib)
{
	*s = (struct vmcb_segment){ .selector = sel, .attrib = attrib, .limit = 0xffff, .base = base };
}

/* The guest state of an AP right after INIT and the SIPI with vector:
 * CS = vector << 8 (base vector << 12), IP 0, every other segment 0 with
 * a 64 KiB limit, CR0 with CD, NW and ET (60000010h), EDX the processor's
 * signature, everything else 0; EFER.SVME, which VMRUN requires (15.5.1),
 * is skiff's and the guest's CPUID says it has no SVM. */
static void reset_state(struct svm_vcpu *v, uint8_t vector)
{
	struct vmcb_save *s = &v->vmcb->save;

	memset(s, 0, sizeof(*s));
	segment(&s->cs, (uint16_t)(vector << 8), (uint64_t)vector << 12, ATTR_CODE16);
	segment(&s->ds, 0, 0, ATTR_DATA16);
	s->es = s->ss = s->fs = s->gs = s->ds;
	segment(&s->tr, 0, 0, ATTR_TSS_BUSY);
	segment(&s->ldtr, 0, 0, ATTR_LDT);
	segment(&s->gdtr, 0, 0, 0);
	segment(&s->idtr, 0, 0, 0);
	s->cr0 = CR0_CD | CR0_NW | CR0_ET;
	s->efer = EFER_SVME;
	s->dr6 = DR6_INIT;
	s->dr7 = DR7_INIT;
	s->rflags = RFLAGS_FIXED;
	s->g_pat = PAT_POWER_ON;
	memset(&v->vcpu.regs, 0, sizeof(v->vcpu.regs));
	v->vcpu.regs.gpr[GUEST_REG_RDX] = cpuid(1, 0).eax;
	v->debugctl = 0;
}

/* What INIT clears besides the registers: any event on its way in, the
 * interrupt shadow, the NMI skiff held for the guest and its masking, an
 * exception streak; and it flushes the TLBs (SDM Vol. 3A 10.1.1), so
 * none of the old guest's translations survives. */
static void reset_events(struct svm_vcpu *v)
{
	struct vmcb_control *k = &v->vmcb->control;

	k->eventinj = 0;
	k->interrupt_shadow = 0;
	k->intercept_misc1 = SVM_MISC1_AFTER_EXIT(k->intercept_misc1) & ~SVM_INTERCEPT_IRET;
	k->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;
	v->nmi_masked = false;
	v->hlt_again = false;		/* the HLT it ran again is gone */
	v->vcpu.nmi_pending = false;
	v->vcpu.streak.count = 0;
}

void svm_ap_init(struct svm_vcpu *v)
{
	reset_events(v);
	v->wait_sipi = true;
	vm_vcpu_parked(&v->vcpu);
}

/*
 * Until the guest's SIPI: nothing runs, no event is taken (an NMI that
 * comes meanwhile is dropped as a CPU waiting for a SIPI drops it), and a
 * stop of the guest halts the CPU.  A decision on the guest's fate passes
 * it by: a restart leaves an AP waiting for its SIPI, where it is.  No
 * SIPI is taken while a decision is made, and one taken as a decision
 * came and went was the old guest's (vm_fate_release() drops the rest):
 * the vCPU waits on.
 */
void svm_ap_wait_sipi(struct svm_vcpu *v)
{
	struct vm *vm = v->vcpu.vm;
	uint8_t vector;

	for (;;) {
		unsigned fate = __atomic_load_n(&vm->fate, __ATOMIC_SEQ_CST);

		if (__atomic_load_n(&vm->stopped, __ATOMIC_SEQ_CST))
			halt_forever();
		if ((fate & 1) || !vm_take_sipi(&v->vcpu, &vector)) {
			svm_watchdog_look(v, rdtsc());	/* it waits: it can watch */
			pause();
			continue;
		}
		vm_vcpu_started(&v->vcpu);	/* held instead while the guest's end is decided */
		if (__atomic_load_n(&vm->fate, __ATOMIC_SEQ_CST) == fate)
			break;
		vm_vcpu_parked(&v->vcpu);
	}
	vm_take_held_nmi(&v->vcpu);
	v->wait_sipi = false;
	reset_state(v, vector);
	reset_events(v);
}

/*
 * An AP's first instructions run below 1 MiB, which skiff never counts as
 * guest RAM (mm/layout.c leaves it to the firmware and the guest's boot
 * path), yet the NPT maps it, skiff's pages aside: the real-mode code
 * after the SIPI, and the page tables of the guest's trampoline (Linux's
 * are there) that its first 64-bit instructions are fetched through.  To
 * decode an intercepted instruction there, guest RAM is read as the guest
 * sees it: with the conventional memory below 640 KiB, where skiff keeps
 * nothing (checked), and read only.
 */
#define CONVENTIONAL_END	0xa0000ull
#define LOW_VIEW_RANGES		16	/* guest RAM in more pieces is not looked at */

size_t svm_fetch_with_low_memory(const struct guest_mem *m, const struct guest_paging *p,
				 uint64_t linear, uint8_t *buf, size_t n)
{
	struct phys_range r[LOW_VIEW_RANGES];
	struct guest_mem low = *m;

	if (m->count >= LOW_VIEW_RANGES || (m->count && m->ranges[0].base < CONVENTIONAL_END))
		return 0;
	for (uint64_t pa = 0; pa < CONVENTIONAL_END; pa += PAGE_SIZE)
		if (mm_layout_owner(mm_layout(), pa) != MM_OWNER_NONE)
			return 0;
	r[0] = (struct phys_range){ 0, CONVENTIONAL_END };
	memcpy(&r[1], m->ranges, m->count * sizeof(r[0]));
	low.ranges = r;
	low.count = m->count + 1;
	return guest_fetch(&low, p, linear, buf, n);
}

bool svm_finish_ipi(struct svm_vcpu *v, enum vm_ipi_action act)
{
	if (act == VM_IPI_INIT_BSP)
		svm_guest_crash(v, "INIT signal",
				"the guest sent INIT to its bootstrap processor (a CPU reset)");
	if (act != VM_IPI_INIT_SELF)
		return true;
	svm_ap_init(v);
	return false;
}
