/*
 * MSRs and CR4 that would hand VT-x to the guest, or that guard reserved
 * state: each must raise #GP, as on a CPU whose VMX is locked off (SDM
 * Vol. 4, IA32_FEATURE_CONTROL; Vol. 3D appendix A, the capability MSRs
 * exist only where CPUID shows VMX) and as the CPU does for reserved bits
 * (Vol. 3A 2.2.1, IA32_EFER; 2.5, CR4.VMXE without VMX).
 */
#include "attack.h"
#include "fault.h"
#include "hypercall.h"
#include "printf.h"
#include "report.h"
#include "x86.h"

#define FEATURE_CONTROL_LOCK		(1u << 0)
#define FEATURE_CONTROL_VMXON_IN_SMX	(1u << 1)
#define FEATURE_CONTROL_VMXON		(1u << 2)
#define MSR_IA32_VMX_LAST		0x493	/* IA32_VMX_EXIT_CTLS2 */
#define EFER_SCE_BIT			0
#define EFER_LME_BIT			8
#define EFER_LMA_BIT			10	/* the CPU's; not a reserved bit */
#define EFER_NXE_BIT			11
#define EFER_BITS			64
#define NAME_MAX			32
#define MSR_IA32_GS_BASE		0xc0000101
#define MSR_IA32_KERNEL_GS_BASE		0xc0000102
#define COM1_SCRATCH			0x3ff
#define FORGED_WORDS			64

static void feature_control_locked(void)
{
	uint64_t v = 0;
	int vec = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);

	if (vec != FAULT_NONE) {
		report_detail(0, "feature-control-locked", "RDMSR raised %s", fault_name(vec));
		return;
	}
	report_detail((v & FEATURE_CONTROL_LOCK) &&
		      !(v & (FEATURE_CONTROL_VMXON_IN_SMX | FEATURE_CONTROL_VMXON)),
		      "feature-control-locked",
		      "value 0x%08x: want lock (bit 0) set, VMXON bits 1 and 2 clear", (uint32_t)v);
}

static void feature_control_write(void)
{
	uint64_t v = 0;
	int vec;

	/* What it reads (locked) is harmless to write back, should the
	 * write go through. */
	rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);
	vec = wrmsr_safe(MSR_IA32_FEATURE_CONTROL, v | FEATURE_CONTROL_VMXON);
	report_detail(vec == VEC_GP, "feature-control-write-gp", "WRMSR raised %s, not #GP",
		      fault_name(vec));
}

/* One line per capability MSR: RDMSR and WRMSR must both #GP. */
static void vmx_capability_msrs(void)
{
	for (uint32_t msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_LAST; msr++) {
		char name[NAME_MAX];
		uint64_t v = 0;
		int rd = rdmsr_safe(msr, &v);
		int wr = wrmsr_safe(msr, 0);

		snprintf(name, sizeof(name), "vmx-msr-0x%x-gp", msr);
		report_detail(rd == VEC_GP && wr == VEC_GP, name,
			      "RDMSR raised %s, WRMSR raised %s; want #GP for both",
			      fault_name(rd), fault_name(wr));
	}
}

static bool efer_bit_reserved(unsigned bit)
{
	return bit != EFER_SCE_BIT && bit != EFER_LME_BIT && bit != EFER_LMA_BIT &&
	       bit != EFER_NXE_BIT;
}

/* One line per reserved EFER bit, set alone on top of the current value. */
static void efer_reserved_bits(void)
{
	uint64_t efer = 0;
	int vec = rdmsr_safe(MSR_IA32_EFER, &efer);

	if (vec != FAULT_NONE) {
		report_detail(0, "efer-read", "RDMSR EFER raised %s", fault_name(vec));
		return;
	}
	for (unsigned bit = 0; bit < EFER_BITS; bit++) {
		char name[NAME_MAX];
		uint64_t value = efer | 1ull << bit;

		if (!efer_bit_reserved(bit))
			continue;
		snprintf(name, sizeof(name), "efer-bit-%u-gp", bit);
		vec = wrmsr_safe(MSR_IA32_EFER, value);
		if (vec == FAULT_NONE)
			wrmsr_safe(MSR_IA32_EFER, efer);	/* undo it */
		report_detail(vec == VEC_GP, name, "WRMSR of 0x%08x%08x raised %s, not #GP",
			      (uint32_t)(value >> 32), (uint32_t)value, fault_name(vec));
	}
}

static void cr4_vmxe(void)
{
	uint32_t saved = read_cr4();
	int vec = write_cr4_safe(saved | CR4_VMXE);

	if (vec == FAULT_NONE)
		write_cr4(saved);
	report_detail(vec == VEC_GP, "cr4-vmxe-gp", "MOV to CR4 of 0x%08x raised %s, not #GP",
		      saved | CR4_VMXE, fault_name(vec));
}

/*
 * skiff finds the vCPU that exited through the GS base the VM exit loads
 * from the VMCS (kernel/vmx/vcpu.h).  The guest's own GS base and
 * KERNEL_GS_BASE are the guest's to set (neither MSR is intercepted): point
 * both at a forged "vCPU" in guest RAM, make exits on the fast paths
 * (CPUID, VMCALL) and the generic one (an OUT to COM1's scratch register),
 * and check that each still works, that skiff wrote nothing into the
 * forgery, and that the guest's GS base is still its own.
 */
static uint32_t forged_vcpu[FORGED_WORDS];

static bool forged_vcpu_untouched(void)
{
	for (unsigned i = 0; i < FORGED_WORDS; i++)
		if (forged_vcpu[i] != 0x5a5a0000u + i)
			return false;
	return true;
}

static void gs_base_is_the_guests(void)
{
	uint64_t forged = (uint32_t)(uintptr_t)forged_vcpu, gs = 0, kgs = 0, saved = 0;
	int32_t version;
	bool cpuid_ok, scratch_ok;

	for (unsigned i = 0; i < FORGED_WORDS; i++)
		forged_vcpu[i] = 0x5a5a0000u + i;
	rdmsr_safe(MSR_IA32_GS_BASE, &saved);
	if (wrmsr_safe(MSR_IA32_GS_BASE, forged) != FAULT_NONE ||
	    wrmsr_safe(MSR_IA32_KERNEL_GS_BASE, forged) != FAULT_NONE) {
		report_detail(0, "gs-base-is-the-guests", "WRMSR of the GS bases faulted");
		return;
	}
	cpuid_ok = cpuid(0, 0).eax != 0;
	version = hc_call(HC_VERSION, 0, 0, 0);
	outb(COM1_SCRATCH, 0xa5);
	scratch_ok = inb(COM1_SCRATCH) == 0xa5;
	rdmsr_safe(MSR_IA32_GS_BASE, &gs);
	rdmsr_safe(MSR_IA32_KERNEL_GS_BASE, &kgs);
	wrmsr_safe(MSR_IA32_GS_BASE, saved);
	wrmsr_safe(MSR_IA32_KERNEL_GS_BASE, 0);
	report_detail(cpuid_ok && version == HC_ABI_VERSION && scratch_ok &&
		      forged_vcpu_untouched() && gs == forged && kgs == forged,
		      "gs-base-is-the-guests",
		      "CPUID %s, HC_VERSION 0x%x, scratch %s, forgery %s, GS base 0x%x, "
		      "KERNEL_GS_BASE 0x%x (want 0x%x)", cpuid_ok ? "ok" : "zero",
		      (uint32_t)version, scratch_ok ? "ok" : "lost",
		      forged_vcpu_untouched() ? "untouched" : "WRITTEN", (uint32_t)gs,
		      (uint32_t)kgs, (uint32_t)forged);
}

/*
 * IA32_APIC_BASE (SDM Vol. 3A 11.4.4): the local APIC's page takes
 * precedence over memory for its CPU, so moved onto skiff's image it would
 * catch skiff's own stores.  skiff refuses every base but the
 * architectural one with #GP (onto its memory, onto the guest's own RAM
 * alike); rewriting the register as it is still works.
 */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ADDR_MASK	0xfffff000u
#define APIC_GUEST_PAGE		0x00200000u	/* guest RAM */

static void apic_base_moves(void)
{
	const uint32_t targets[] = { skiff_address() & APIC_BASE_ADDR_MASK, APIC_GUEST_PAGE };
	uint64_t base = 0, after = 0;
	int vec = rdmsr_safe(MSR_APIC_BASE, &base);

	if (vec != FAULT_NONE) {
		report_detail(0, "apic-base-read", "RDMSR raised %s", fault_name(vec));
		return;
	}
	for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		char name[NAME_MAX];
		uint64_t moved = (base & ~(uint64_t)APIC_BASE_ADDR_MASK) | targets[i];

		snprintf(name, sizeof(name), "apic-base-to-0x%08x-gp", targets[i]);
		vec = wrmsr_safe(MSR_APIC_BASE, moved);
		rdmsr_safe(MSR_APIC_BASE, &after);
		report_detail(vec == VEC_GP && after == base, name,
			      "WRMSR raised %s; the base reads 0x%08x", fault_name(vec), (uint32_t)after);
	}
	vec = wrmsr_safe(MSR_APIC_BASE, base);
	report_detail(vec == FAULT_NONE, "apic-base-rewrite", "WRMSR of its own value raised %s",
		      fault_name(vec));
}

/*
 * The guest's clock is its own (SDM Vol. 3B 18.17): IA32_TSC written to a
 * small value makes RDTSC count from there, and TSC_ADJUST follows; skiff
 * keeps its own TSC, so its watchdog sees no hang.  Then TSC_ADJUST
 * written moves the TSC by as much.  The old value is put back.
 */
#define MSR_TSC			0x10
#define MSR_TSC_ADJUST		0x3b
#define TSC_SMALL		0x1000ull
#define TSC_ADJUST_STEP		1000000000ull

static void tsc_is_the_guests(void)
{
	uint64_t before = rdtsc(), now, adj0 = 0, adj1 = 0;
	int vec = wrmsr_safe(MSR_TSC, TSC_SMALL);

	now = rdtsc();
	report_detail(vec == FAULT_NONE && now >= TSC_SMALL && now < before, "tsc-write-is-the-guests",
		      "WRMSR IA32_TSC raised %s; RDTSC before 0x%x%08x, after 0x%x%08x",
		      fault_name(vec), (uint32_t)(before >> 32), (uint32_t)before,
		      (uint32_t)(now >> 32), (uint32_t)now);
	if (rdmsr_safe(MSR_TSC_ADJUST, &adj0) != FAULT_NONE) {
		report_skip("tsc-adjust-moves-the-tsc", "no IA32_TSC_ADJUST");
	} else {
		now = rdtsc();
		vec = wrmsr_safe(MSR_TSC_ADJUST, adj0 + TSC_ADJUST_STEP);
		rdmsr_safe(MSR_TSC_ADJUST, &adj1);
		report_detail(vec == FAULT_NONE && adj1 == adj0 + TSC_ADJUST_STEP &&
			      rdtsc() - now >= TSC_ADJUST_STEP, "tsc-adjust-moves-the-tsc",
			      "WRMSR raised %s; TSC_ADJUST 0x%x -> 0x%x", fault_name(vec),
			      (uint32_t)adj0, (uint32_t)adj1);
	}
	wrmsr_safe(MSR_TSC, before + (rdtsc() - now));
}

/*
 * MSRs with machine-wide effect, or that make the CPU write memory from
 * VMX root, are not the guest's (skiff's vm/msr.h): each write raises #GP
 * and skiff reports it as refused.  Values aim at skiff's memory (the
 * page skiff_address() finds, plus value) where an address is asked for.
 */
static const struct {
	uint32_t msr;
	const char *name;
	uint64_t value;
	bool aim;		/* value is added to skiff's address */
} refused_msrs[] = {
	{ 0x79, "BIOS_UPDT_TRIG", 0, true },		/* load microcode from there */
	{ 0x1f2, "SMRR_PHYSBASE", 6, true },
	{ 0x1f3, "SMRR_PHYSMASK", 0xfff800800ull, false },
	{ 0x600, "DS_AREA", 0, true },			/* debug store in skiff's memory */
	{ 0x3f1, "PEBS_ENABLE", 1, false },
	{ 0x17b, "MCG_CTL", 0, false },
	{ 0x400, "MC0_CTL", 0, false },
	{ 0x1b0, "ENERGY_PERF_BIAS", 15, false },
	{ 0x38f, "PERF_GLOBAL_CTRL", 1, false },
};

static void refused_msr_writes(void)
{
	uint32_t skiff = skiff_address() & ~0xfffu;

	for (unsigned i = 0; i < sizeof(refused_msrs) / sizeof(refused_msrs[0]); i++) {
		char name[NAME_MAX];
		uint64_t value = refused_msrs[i].value + (refused_msrs[i].aim ? skiff : 0);
		int vec = wrmsr_safe(refused_msrs[i].msr, value);

		snprintf(name, sizeof(name), "msr-%s-gp", refused_msrs[i].name);
		report_detail(vec == VEC_GP, name, "WRMSR 0x%x raised %s, not #GP",
			      refused_msrs[i].msr, fault_name(vec));
	}
}

/*
 * The MTRRs are the guest's own view (skiff's vm/mtrr_view.h): a variable
 * range that makes skiff's image write-combining, then the MTRRs turned
 * off altogether, change only what the guest sees of them.  skiff's own
 * memory keeps its type (the final integrity check and skiff's "mtrr:"
 * line at the guest's end say so), and the guest reads back its writes.
 */
#define MSR_MTRRCAP		0xfe
#define MSR_MTRR_PHYSBASE0	0x200
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MTRR_VALID		(1u << 11)
#define MTRR_TYPE_WC		1
#define MTRR_MASK_16M		0xfff000000ull	/* bits 35:24, 16 MiB ranges */

static void mtrr_over_skiff(void)
{
	uint64_t cap = 0, def = 0, base = 0, mask = 0, got = 0;
	unsigned n, vcnt;

	if (rdmsr_safe(MSR_MTRRCAP, &cap) != FAULT_NONE) {
		report_detail(0, "mtrr-over-skiff", "RDMSR IA32_MTRRCAP faulted");
		return;
	}
	vcnt = cap & 0xff;
	for (n = 0; n < vcnt; n++) {
		rdmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n + 1, &mask);
		if (!(mask & MTRR_VALID))
			break;
	}
	if (n == vcnt) {
		report_detail(0, "mtrr-over-skiff", "no free variable range among %u", vcnt);
		return;
	}
	base = (skiff_address() & (uint32_t)MTRR_MASK_16M) | MTRR_TYPE_WC;
	mask = MTRR_MASK_16M | MTRR_VALID;
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, base);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n + 1, mask);
	rdmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, &got);
	rdmsr_safe(MSR_MTRR_DEF_TYPE, &def);
	wrmsr_safe(MSR_MTRR_DEF_TYPE, 0);	/* MTRRs off: all UC, for the guest */
	/* skiff works on: exits on its fast and generic paths. */
	(void)cpuid(0, 0);
	(void)hc_call(HC_VERSION, 0, 0, 0);
	outb(COM1_SCRATCH, 0x5a);
	wrmsr_safe(MSR_MTRR_DEF_TYPE, def);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n + 1, 0);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * n, 0);
	report_detail(got == base && inb(COM1_SCRATCH) == 0x5a, "mtrr-over-skiff",
		      "range %u over skiff's image read back 0x%x (want 0x%x)", n, (uint32_t)got,
		      (uint32_t)base);
}

/*
 * For the restart policy: a 4 KiB variable range of write-combining guest
 * RAM (skiff splits its EPT down to 4 KiB pages there, taking table pages
 * from its pool), then a triple fault.  The restart must start with the
 * firmware's MTRRs again and an EPT of as many pages as the first start's.
 */
#define MTRR_MASK_4K		0xffffff000ull
#define MTRR_GUEST_PAGE		0x00601000u	/* guest RAM, inside a 2 MiB page */

void attack_mtrr_crash(void)
{
	uint64_t before = 0;

	rdmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * 7, &before);
	printf("attack: mtrr-crash: PHYSBASE7 reads 0x%x; making 0x%x write-combining\n",
	       (uint32_t)before, MTRR_GUEST_PAGE);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * 7, MTRR_GUEST_PAGE | MTRR_TYPE_WC);
	wrmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * 7 + 1, MTRR_MASK_4K | MTRR_VALID);
	rdmsr_safe(MSR_MTRR_PHYSBASE0 + 2 * 7, &before);
	printf("attack: mtrr-crash: PHYSBASE7 reads back 0x%x\n", (uint32_t)before);
	attack_triple();
}

void nonfatal_msr_checks(void)
{
	feature_control_locked();
	feature_control_write();
	vmx_capability_msrs();
	efer_reserved_bits();
	cr4_vmxe();
	gs_base_is_the_guests();
	apic_base_moves();
	tsc_is_the_guests();
	refused_msr_writes();
	mtrr_over_skiff();
}
