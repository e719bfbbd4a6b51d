/*
 * The SVM run path as far as it goes (svm.h): AMD64 APM Vol. 2 15.4
 * (enabling SVM), 15.5 (VMRUN, the host save area), 15.9-15.11 (the
 * intercepts and permission maps), 15.16 (ASIDs and TLB control), 15.25
 * (nested paging), appendix B (the VMCB).
 */
#include "cpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "svm/exit.h"
#include "vm/exit_stats.h"
#include "vm/platform.h"
#include "svm/diag/vmrun_check.h"
#include "svm/exit_code.h"
#include "svm/perm_maps.h"
#include "svm/run_offsets.h"
#include "svm/svm.h"
#include "svm/own_timer.h"
#include "svm/watchdog.h"
#include "svm/vmcb.h"
#include "x86.h"

#define CR0_PE		(1ull << 0)
#define CR0_ET		(1ull << 4)
#define RFLAGS_FIXED	(1ull << 1)
#define DR6_INIT	0xffff0ff0ull
#define DR7_INIT	0x400ull
/* The PAT at reset (APM Vol. 2 7.8.2): WB, WT, UC-, UC, twice. */
#define PAT_POWER_ON	0x0007040600070406ull
/* Segment attributes in the VMCB's compressed form (vmcb.h): a flat
 * 32-bit code segment (type 0xb, accessed execute/read), data (0x3), and
 * a busy 32-bit TSS (0xb, system). */
#define ATTR_CODE32	(VMCB_ATTR_G | VMCB_ATTR_DB | VMCB_ATTR_P | VMCB_ATTR_S | 0xb)
#define ATTR_DATA32	(VMCB_ATTR_G | VMCB_ATTR_DB | VMCB_ATTR_P | VMCB_ATTR_S | 0x3)
#define ATTR_TSS_BUSY	(VMCB_ATTR_P | 0xb)
#define ATTR_LDT	(VMCB_ATTR_P | 0x2)
#define SEL_CODE	0x08	/* the Multiboot state's selectors (vm.h, struct vm_entry) */
#define SEL_DATA	0x10

#define RUN_CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #field " is where run.S looks (run_offsets.h)")
RUN_CHECK(struct vmcb, control.intercept_misc1, VMCB_INTERCEPT_MISC1);
RUN_CHECK(struct vmcb, control.tlb_control, VMCB_TLB_CONTROL);
RUN_CHECK(struct vmcb, control.interrupt_shadow, VMCB_INTERRUPT_SHADOW);
RUN_CHECK(struct vmcb, control.exitcode, VMCB_EXITCODE);
RUN_CHECK(struct vmcb, control.eventinj, VMCB_EVENTINJ);
RUN_CHECK(struct vmcb, control.next_rip, VMCB_NEXT_RIP);
RUN_CHECK(struct vmcb, save.rflags, VMCB_RFLAGS);
RUN_CHECK(struct vmcb, save.rip, VMCB_RIP);
RUN_CHECK(struct vmcb, save.rax, VMCB_RAX);
_Static_assert(offsetof(struct svm_vcpu, exit_stats[SVM_EXITCODE_CPUID].count) -
	       offsetof(struct svm_vcpu, vcpu.regs) == REGS_TO_CPUID_COUNT, "run_offsets.h");
_Static_assert(offsetof(struct svm_vcpu, exit_stats[SVM_EXITCODE_CPUID].cycles) -
	       offsetof(struct svm_vcpu, vcpu.regs) == REGS_TO_CPUID_CYCLES, "run_offsets.h");
_Static_assert(offsetof(struct svm_vcpu, vcpu.streak.count) -
	       offsetof(struct svm_vcpu, vcpu.regs) == REGS_TO_STREAK_COUNT, "run_offsets.h");
_Static_assert(SVM_EXIT_INDEX(SVM_EXIT_CPUID) == SVM_EXITCODE_CPUID &&
	       SVM_EXIT_CPUID == SVM_EXITCODE_CPUID,
	       "run.S counts CPUID in exit_stats[SVM_EXITCODE_CPUID]");
_Static_assert(SVM_INTERCEPT_INTR == 1u << SVM_INTERCEPT_INTR_BIT &&
	       SVM_INTERCEPT_HLT == 1u << SVM_INTERCEPT_HLT_BIT, "run_offsets.h");
_Static_assert(SVM_EXIT_VMMCALL == SVM_EXITCODE_VMMCALL, "run_offsets.h");
_Static_assert(sizeof(((struct vm_streak *)0)->count) == 4, "run.S clears 32 bits");
#undef RUN_CHECK

/* What every vCPU shares: the permission maps (no one writes them after
 * set-up, and VMCBs may share them, APM 15.10 and 15.11), the nested page
 * tables, and the CPU's features the BSP probed. */
static struct {
	uint64_t iopm, msrpm;
	const struct npt *npt;
	const struct svm_caps *caps;
	uint64_t cr4_supported;
} shared;

/* 15.4: EFER.SVME on, then the host save area VMRUN writes to (15.30.4). */
static int svm_enable(uint64_t hsave)
{
	uint64_t efer = rdmsr(MSR_IA32_EFER);

	if (wrmsr_safe(MSR_IA32_EFER, efer | EFER_SVME) < 0) {
		kprintf("skiff: svm: setting EFER.SVME raised #GP: SVM is disabled (VM_CR.SVMDIS)\n");
		return -ENODEV;
	}
	wrmsr(MSR_VM_HSAVE_PA, hsave);
	return 0;
}

static int alloc_maps(void)
{
	shared.iopm = pmm_alloc_pages(pmm_global(), SVM_IOPM_SIZE / PAGE_SIZE, PAGE_SIZE);
	shared.msrpm = pmm_alloc_pages(pmm_global(), SVM_MSRPM_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (shared.iopm && shared.msrpm)
		return 0;
	kprintf("skiff: svm: the page pool has no room for the permission maps\n");
	return -ENOMEM;
}

#define VCPU_PAGES	((sizeof(struct svm_vcpu) + PAGE_SIZE - 1) / PAGE_SIZE)

/* A vCPU with its VMCB and VMSAVE area, from the pool: the exit counts
 * make it larger than a page.  NULL when the pool has no room. */
static struct svm_vcpu *vcpu_make(struct vm *vm, unsigned index, uint32_t apic_id,
				  uint64_t exit_stack_top)
{
	uint64_t pa = pmm_alloc_pages(pmm_global(), VCPU_PAGES, PAGE_SIZE);
	uint64_t vmcb = mm_alloc_page(), host_save = mm_alloc_page();
	struct svm_vcpu *v = (struct svm_vcpu *)pa;

	if (!pa || !vmcb || !host_save)
		return NULL;	/* the pool is empty: skiff stops, nothing to give back */
	memset(v, 0, sizeof(*v));
	v->vmcb = (struct vmcb *)vmcb;
	v->vmcb_pa = vmcb;
	v->host_save_pa = host_save;
	v->nrips = shared.caps->nrips;
	v->decode_assists = shared.caps->decode_assists;
	v->cr4_supported = shared.cr4_supported;
	/* ASIDs tag a CPU's own TLB entries (15.16): one per vCPU where the
	 * CPU has enough, else the one every vCPU shares with the same
	 * nested page tables, each on its own CPU. */
	v->asid = index + 1 < shared.caps->asids ? index + 1 : SVM_GUEST_ASID;
	vm_vcpu_init(&v->vcpu, vm, index, apic_id, v->exit_stats, SVM_EXIT_INDEX_COUNT + 1);
	v->vcpu.exit_stack_top = exit_stack_top;
	v->wait_sipi = index != 0;
	return v;
}

static void segment(struct vmcb_segment *s, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	*s = (struct vmcb_segment){ .selector = sel, .attrib = attrib, .limit = limit };
}

/* The Multiboot2 entry state (Multiboot2 3.3): 32-bit protected mode with
 * paging off, flat CS and data segments, EAX the magic; EBX is in regs. */
static void guest_state(struct vmcb_save *s, const struct vm_entry *e)
{
	segment(&s->cs, SEL_CODE, ATTR_CODE32, 0xffffffffu);
	segment(&s->ds, SEL_DATA, ATTR_DATA32, 0xffffffffu);
	s->es = s->ss = s->fs = s->gs = s->ds;
	segment(&s->tr, 0, ATTR_TSS_BUSY, 0xffff);
	segment(&s->ldtr, 0, ATTR_LDT, 0xffff);
	segment(&s->gdtr, 0, 0, 0xffff);
	segment(&s->idtr, 0, 0, 0xffff);
	s->cr0 = CR0_PE | CR0_ET;
	s->efer = EFER_SVME;		/* VMRUN requires it (15.5.1) */
	s->dr6 = DR6_INIT;
	s->dr7 = DR7_INIT;
	s->rflags = RFLAGS_FIXED;
	s->rip = e->rip;
	s->rax = e->eax;
	s->g_pat = PAT_POWER_ON;
}

/* The intercepts of the exit table's handled and #UD entries (15.9-15.14). */
static void controls(struct vmcb_control *k, const struct svm_vcpu *v)
{
	k->intercept_cr = SVM_INTERCEPT_CR_WRITE(0) | SVM_INTERCEPT_CR_WRITE(4);	/* cr.c */
	k->intercept_misc1 = SVM_MISC1_INTERCEPTS;
	k->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL | SVM_INTERCEPT_VMLOAD |
			     SVM_INTERCEPT_VMSAVE | SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_WBINVD;
	/* #UD: VMCALL; #DB and #AC: the exception flood (handlers.c) */
	k->intercept_exceptions = (1u << 1) | (1u << 6) | (1u << 17);
	/* NMIs: with more than one vCPU skiff sends its own to bring a vCPU
	 * out of the guest (vm/fate.c); each is an exit, and the guest's own
	 * are injected for it (exit.c).  With one they are the guest's. */
	if (v->vcpu.vm->vcpu_count > 1)
		k->intercept_misc1 |= SVM_INTERCEPT_NMI;
	k->iopm_base_pa = shared.iopm;
	k->msrpm_base_pa = shared.msrpm;
	k->guest_asid = v->asid;
	k->tlb_control = SVM_TLB_CONTROL_FLUSH_ALL;	/* nothing of an old guest survives */
	k->np_control = SVM_NP_ENABLE;
	k->n_cr3 = shared.npt->pt.root;
}

void svm_vmrun_limits_read(struct svm_vmrun_limits *l)
{
	*l = (struct svm_vmrun_limits){
		.phys_addr_width = cpuid(0x80000008, 0).eax & 0xff,
		.long_mode = cpuid(0x80000001, 0).edx & (1u << 29),
		/* SCE, LME, LMA, NXE, SVME, LMSLE, FFXSR, TCE (APM Vol. 2 3.1.7) */
		.efer_defined = 0xfd01ull,
		/* CR4 bits 0-12, 16-18, 20-23 (APM Vol. 2 3.1.3) */
		.cr4_defined = 0x1fffull | (7ull << 16) | (0xfull << 20),
	};
}

/*
 * The CR4 bits this CPU has (APM Vol. 2 3.1.3, each with the CPUID bit
 * that reports it): the rest are reserved, #GP on the bare CPU, and a
 * VMCB that holds one fails VMRUN.  VME through OSXMMEXCPT are in every
 * processor with long mode.
 */
static uint64_t svm_cr4_supported(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid(0, 0).eax >= 7 ? cpuid(7, 0) :
						 (struct cpuid_regs){ 0 };
	uint64_t cr4 = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE |
		       CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT;

	if (l7.ecx & (1u << 2))
		cr4 |= CR4_UMIP;
	if (l7.ecx & (1u << 16))
		cr4 |= CR4_LA57;
	if (l7.ebx & (1u << 0))
		cr4 |= CR4_FSGSBASE;
	if (l1.ecx & (1u << 17))
		cr4 |= CR4_PCIDE;
	if (l1.ecx & (1u << 26))
		cr4 |= CR4_OSXSAVE;
	if (l7.ebx & (1u << 7))
		cr4 |= CR4_SMEP;
	if (l7.ebx & (1u << 20))
		cr4 |= CR4_SMAP;
	if (l7.ecx & (1u << 3))
		cr4 |= CR4_PKE;
	if (l7.ecx & (1u << 7))
		cr4 |= CR4_CET;
	return cr4;
}

static void print_failed_check(void *arg, const char *rule)
{
	(void)arg;
	kprintf("skiff: svm: VMRUN check failed: %s\n", rule);
}

static void count_only(void *arg, const char *rule)
{
	(void)arg;
	(void)rule;
}

bool svm_vmcb_fails_on_guest_cr3(const struct vmcb *vmcb)
{
	struct svm_vmrun_limits lim;

	svm_vmrun_limits_read(&lim);
	return svm_vmrun_cr3_mbz(&vmcb->save, &lim) &&
	       svm_vmrun_check(vmcb, &lim, count_only, NULL) == 1;
}

unsigned svm_explain_vmcb(const struct vmcb *vmcb)
{
	struct svm_vmrun_limits lim;

	svm_vmrun_limits_read(&lim);
	return svm_vmrun_check(vmcb, &lim, print_failed_check, NULL);
}

struct vcpu *svm_cpu_init(const struct svm_caps *caps, struct vm *vm, const struct npt *npt,
			  uint32_t apic_id)
{
	struct vm_port_range kept[VM_PORT_RANGES], platform[VM_PLATFORM_RANGES_MAX];
	uint64_t hsave = mm_alloc_page();
	struct svm_vcpu *v;

	shared.caps = caps;
	shared.npt = npt;
	shared.cr4_supported = svm_cr4_supported();
	if (!hsave || alloc_maps() < 0 || svm_enable(hsave) < 0)
		return NULL;
	svm_iopm_init((uint8_t *)shared.iopm);
	vm_ports_kept(&vm->ports, kept);
	svm_iopm_intercept((uint8_t *)shared.iopm, kept, VM_PORT_RANGES);
	svm_iopm_intercept((uint8_t *)shared.iopm, platform,
			   vm_platform_ranges(&vm->platform, platform, VM_PLATFORM_RANGES_MAX));
	svm_msrpm_build((uint8_t *)shared.msrpm, &(struct svm_msrpm_opts){ .lbr_virt = false });
	v = vcpu_make(vm, 0, apic_id, cpu_exit_stack_top());
	if (!v) {
		kprintf("skiff: svm: the page pool has no room for the VMCB\n");
		return NULL;
	}
	kprintf("skiff: svm: EFER.SVME set; host save area at 0x%lx; VMCB at 0x%lx, ASID %u, "
		"nCR3 0x%lx\n", hsave, v->vmcb_pa, v->asid, npt->pt.root);
	return &v->vcpu;
}

/* An AP's vCPU, made by the BSP after svm_cpu_init(): its own VMCB, VMSAVE
 * area and ASID; the maps and nested page tables are shared.  The AP
 * enters it itself (vm_run), with SVM on and its host save area set since
 * skiff started it (svm_ap_enter_root()). */
struct vcpu *svm_vcpu_create_ap(struct vm *vm, unsigned index, uint32_t apic_id,
				uint64_t exit_stack_top)
{
	struct svm_vcpu *v = vcpu_make(vm, index, apic_id, exit_stack_top);

	return v ? &v->vcpu : NULL;
}

/*
 * vm->arch->start: the VMCB afresh (the first start and every restart):
 * the BSP's for the guest's entry state, checked in software; an AP's
 * waiting for the guest's SIPI (svm/ap.c).  Then VMRUN and the exit
 * table, for good.  skiff's GS base is the vCPU (vm/vcpu.h); VMSAVE and
 * VMLOAD in run.S keep it across the guest's.  The global interrupt flag
 * is set: an AP comes here with it clear (svm_ap_enter_root()), and
 * skiff's own NMIs must reach every vCPU's CPU while skiff runs there.
 */
static __attribute__((noreturn)) void svm_arch_start(struct vcpu *vcpu)
{
	struct svm_vcpu *v = to_svm_vcpu(vcpu);

	memset(v->vmcb, 0, sizeof(*v->vmcb));
	controls(&v->vmcb->control, v);
	svm_watchdog_start(v);
	svm_own_timer_start(v);
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)vcpu);
	if (!v->started)
		cpu_nmi_attach(vcpu->index, &vcpu->nmi_held);
	stgi();
	/* A restart is a new guest: the old one's NMI is not its.  An NMI
	 * that came while skiff booted goes to the first start. */
	if (v->started)
		vcpu->nmi_pending = false;
	v->nmi_masked = false;
	vm_take_held_nmi(&v->vcpu);
	v->started = true;
	if (vcpu->index == 0) {
		guest_state(&v->vmcb->save, &vcpu->vm->entry);
		memset(&vcpu->regs, 0, sizeof(vcpu->regs));
		vcpu->regs.gpr[GUEST_REG_RBX] = vcpu->vm->entry.ebx;
		vcpu->regs.gpr[GUEST_REG_RSI] = vcpu->vm->entry.esi;
		__atomic_store_n(&vcpu->run_state, VCPU_RUNNING, __ATOMIC_SEQ_CST);
		if (svm_explain_vmcb(v->vmcb))
			kprintf("skiff: svm: the VMCB breaks VMRUN's checks; VMRUN will refuse it\n");
	} else {
		svm_ap_init(v);
	}
	__atomic_store_n(&vcpu->entered, true, __ATOMIC_RELEASE);
	svm_loop_from(vcpu->exit_stack_top, v);
}

void svm_vcpu_loop(struct svm_vcpu *v)
{
	for (;;) {
		if (v->wait_sipi)
			svm_ap_wait_sipi(v);
		svm_vmrun(v->vmcb_pa, v->host_save_pa, &v->vcpu.regs);
		svm_exit_dispatch(v);
	}
}

static const char *slot_name(uint32_t i)
{
	return i < SVM_EXIT_INDEX_COUNT ? svm_exit_code_name(svm_exit_code_at(i)) : "unknown";
}

static void svm_print_exit_stats(const struct vm *vm)
{
	struct hc_exit_stat sum[SVM_EXIT_INDEX_COUNT + 1];

	vm_sum_exit_stats(vm, sum, SVM_EXIT_INDEX_COUNT + 1);
	vm_print_exit_stats(sum, SVM_EXIT_INDEX_COUNT + 1, slot_name, vm->restarts + 1);
	vm_print_vcpu_shares(vm);
}

const struct vm_arch svm_arch = {
	.start = svm_arch_start,
	.print_exit_stats = svm_print_exit_stats,
	.sipi_by_skiff = true,
};
