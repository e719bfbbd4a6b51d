/*
 * VMX operation and the VMCS (SDM Vol. 3C chapters 24 "Introduction to
 * VMX", 25 "Virtual Machine Control Structures" and 27 "VM Entries"):
 *
 *   vmx_cpu_init()   for the CPU it runs on: CR0/CR4 forced to what
 *                    IA32_VMX_CR{0,4}_FIXED{0,1} say, the VMXON region,
 *                    VMXON; then its vCPU: every control derived from the
 *                    (TRUE) capability MSRs, the VMCS, the I/O and MSR
 *                    bitmaps.
 *   vmx_arch.start() (through vm_run(), for the first start and every
 *                    restart) the VMCS from its launch state: controls,
 *                    host state taken from the running kernel, guest state
 *                    as Multiboot2 prescribes for the guest's first
 *                    instruction; VMLAUNCH.  From then on skiff runs only
 *                    in exit handlers.
 *
 * Nothing here is tuned to one CPU model: a control skiff needs and the
 * CPU lacks is reported by name and skiff stops; a control it merely
 * likes is used where allowed.
 */
#include "cpu.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "panic.h"
#include "vm/cpuid.h"
#include "vm/msr.h"
#include "vm/ports.h"
#include "vmx/caps.h"
#include "vmx/exit.h"
#include "vmx/exit_info.h"
#include "vmx/guest_entry.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

_Static_assert(sizeof(struct vmx_vcpu) <= 4096, "a vCPU fits in one page of the pool");
_Static_assert(VM_MSR_VMX_FIRST == MSR_IA32_VMX_BASIC && VM_MSR_VMX_LAST == VMX_MSR_LAST,
	       "vm/msr.h names the VMX capability MSRs caps.h lists");

/* IA32_VMX_MISC bits, SDM Vol. 3D A.6 */
#define VMX_MISC_ACTIVITY_HLT		(1ull << 6)
#define VMX_MISC_ACTIVITY_WAIT_SIPI	(1ull << 8)

static uint64_t alloc_page(void)
{
	return mm_alloc_page();	/* zeroed; 0 when the pool is empty (reported) */
}

/* ---- VMX operation ---- */

/* SDM Vol. 3C 24.8: in VMX operation CR0 and CR4 must keep the bits the
 * FIXED MSRs force.  BIOS and GRUB may leave CD/NW set; the FIXED0 MSR
 * does not require them clear, so they stay as they are.  CR4.OSXSAVE is
 * set where the CPU has XSAVE: XSETBV, which skiff executes for the guest,
 * is #UD without it. */

static int fix_control_registers(struct vmx_vcpu *v)
{
	/* LAB 4 BEGIN: fix_control_registers(): CR0, CR4 with the VMX fixed bits and VMXE */
	uint64_t cr0 = read_cr0(), cr4 = read_cr4() | CR4_VMXE;

	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;

	v->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	v->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	v->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	v->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

	if (vmx_cr_violations(vmx_cr_adjust(cr0, v->cr0_fixed0, v->cr0_fixed1),
			      v->cr0_fixed0, v->cr0_fixed1) ||
	    vmx_cr_violations(vmx_cr_adjust(cr4, v->cr4_fixed0, v->cr4_fixed1),
			      v->cr4_fixed0, v->cr4_fixed1)) {
		kprintf("skiff: vmx: the CR0/CR4 fixed-bit MSRs contradict each other "
			"(CR0 0x%lx/0x%lx, CR4 0x%lx/0x%lx)\n",
			v->cr0_fixed0, v->cr0_fixed1, v->cr4_fixed0, v->cr4_fixed1);
		return -ENODEV;
	}
	write_cr0(vmx_cr_adjust(cr0, v->cr0_fixed0, v->cr0_fixed1));
	write_cr4(vmx_cr_adjust(cr4, v->cr4_fixed0, v->cr4_fixed1));
	return 0;
	/* LAB 4 END */
}

static int vmx_enable(struct vmx_vcpu *v, const struct vmx_features *f)
{
	/* LAB 4 BEGIN: vmx_enable(): the fixed bits, a VMXON region, VMXON */
	enum vmx_status st;

	v->features = f;
	if (fix_control_registers(v) < 0)
		return -ENODEV;
	v->vmxon_region = alloc_page();
	if (!v->vmxon_region)
		return -ENOMEM;
	/* SDM Vol. 3C 25.11.5: the region starts with the revision identifier. */
	*(uint32_t *)v->vmxon_region = f->basic.revision;
	st = vmx_vmxon(v->vmxon_region);
	if (st != VMX_SUCCEED) {
		kprintf("skiff: vmx: VMXON failed (%s) with the region at 0x%lx, CR0 0x%lx, CR4 0x%lx\n",
			st == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid",
			v->vmxon_region, read_cr0(), read_cr4());
		return -EIO;
	}
	kprintf("skiff: vmx: in VMX root operation (CR0 0x%lx, CR4 0x%lx)\n", read_cr0(), read_cr4());
	return 0;
	/* LAB 4 END */
}

/* ---- controls ---- */

/* IA32_VMX_MISC[4:0]: the preemption timer counts down once every
 * 2^rate TSC ticks (SDM Vol. 3C 26.5.1). */
#define VMX_MISC_PREEMPTION_RATE(misc)	((unsigned)((misc) & 0x1f))

/*
 * The watchdog is the VMX preemption timer without "save preemption timer
 * value": every VM entry reloads the full period, so it fires only when
 * the guest runs a whole period without one exit (vmx_exit_preemption_timer
 * then decides whether that is a hang).  While skiff's console has output
 * queued, the same timer ticks every DRAIN_TICK_MS instead: 1 ms is 11
 * bytes at 115200 baud, so the UART's 16-byte FIFO never runs dry.
 */
#define DRAIN_TICK_MS	1
static void choose_watchdog(struct vmx_vcpu *v)
{
	unsigned ms = v->vcpu.vm->policy.watchdog_ms;
	uint64_t units;

	v->preemption_timer = 0;
	if (!ms)
		return;
	if (!(v->pin & PIN_BASED_VMX_PREEMPTION_TIMER)) {
		kprintf("skiff: watchdog: this CPU has no VMX preemption timer: a guest that loops "
			"with interrupts off will not be caught\n");
		return;
	}
	units = tsc_ticks_for_ms(ms) >> VMX_MISC_PREEMPTION_RATE(v->misc);
	v->preemption_timer = units > 0xffffffffull ? 0xffffffffu : units ? (uint32_t)units : 1;
	units = tsc_ticks_for_ms(DRAIN_TICK_MS) >> VMX_MISC_PREEMPTION_RATE(v->misc);
	v->drain_tick = units < v->preemption_timer ? (units ? (uint32_t)units : 1) : v->preemption_timer;
	kprintf("skiff: watchdog: %u ms without a VM exit and with interrupts off is a hang "
		"(VMX preemption timer, %u units)\n", ms, v->preemption_timer);
}

/* The control choice itself is vmx_choose_controls() (vmcs_setup.c);
 * here the CPU's capability MSRs are read for it. */
static int choose_controls(struct vmx_vcpu *v)
{
	const struct vmx_features *f = v->features;
	const struct vmx_ctl_msrs m = {
		.pinbased = rdmsr(vmx_ctls_msr(f->basic_msr, VMX_CTLS_PINBASED)),
		.procbased = f->procbased_ctls,
		.procbased2 = f->procbased_ctls2,
		.exit = rdmsr(vmx_ctls_msr(f->basic_msr, VMX_CTLS_EXIT)),
		.entry = rdmsr(vmx_ctls_msr(f->basic_msr, VMX_CTLS_ENTRY)),
	};

	if (vmx_choose_controls(v, &m, f->vpid, v->vcpu.vm->policy.watchdog_ms != 0) < 0)
		return -ENODEV;
	v->misc = rdmsr(MSR_IA32_VMX_MISC);
	choose_watchdog(v);
	return 0;
}

/* ---- bitmaps (SDM Vol. 3C 25.6.4 and 25.6.9) ---- */

static void bitmap_set(uint8_t *map, uint32_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void bitmap_clear(uint8_t *map, uint32_t bit)
{
	map[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

/* I/O bitmap A covers ports 0-0x7fff, B 0x8000-0xffff; a set bit exits. */
static void intercept_ports(struct vmx_vcpu *v, const struct vm_port_range *r, size_t n)
{
	uint8_t *a = (uint8_t *)v->io_bitmap_a, *b = (uint8_t *)v->io_bitmap_b;

	for (size_t i = 0; i < n; i++)
		for (uint32_t port = r[i].first; port < (uint32_t)r[i].first + r[i].count; port++)
			bitmap_set(port < 0x8000 ? a : b, port & 0x7fff);
}

/* The ports skiff emulates (vm/ports.h) and the machine's reset and
 * sleep ports (vm/platform.h). */
static void build_io_bitmaps(struct vmx_vcpu *v)
{
	struct vm_port_range platform[VM_PLATFORM_RANGES_MAX], kept[VM_PORT_RANGES];

	vm_ports_kept(&v->vcpu.vm->ports, kept);
	intercept_ports(v, kept, VM_PORT_RANGES);
	intercept_ports(v, platform, vm_platform_ranges(&v->vcpu.vm->platform, platform,
							VM_PLATFORM_RANGES_MAX));
}

/*
 * MSR bitmap: four 1 KiB quarters, read-low (MSRs 0-0x1fff), read-high
 * (0xc0000000-0xc0001fff), write-low, write-high.  MSRs outside both
 * ranges always exit.  The MSR policy (vm/msr.h) is an allow-list: every
 * access exits but those it passes through, and PAT writes only while the
 * VMCS switches PAT (VM_MSR_PAT).
 */
#define MSR_BITMAP_READ_LOW	0
#define MSR_BITMAP_READ_HIGH	1024
#define MSR_BITMAP_WRITE_LOW	2048
#define MSR_BITMAP_WRITE_HIGH	3072
#define MSR_HIGH_BASE		0xc0000000u

static void msr_pass(uint8_t *map, uint32_t msr, bool reads, bool writes)
{
	bool high = msr >= MSR_HIGH_BASE;
	uint32_t index = msr & 0x1fff;

	if (reads)
		bitmap_clear(map + (high ? MSR_BITMAP_READ_HIGH : MSR_BITMAP_READ_LOW), index);
	if (writes)
		bitmap_clear(map + (high ? MSR_BITMAP_WRITE_HIGH : MSR_BITMAP_WRITE_LOW), index);
}

static bool msr_rule_passes(const struct vmx_vcpu *v, enum vm_msr_rule rule)
{
	if (rule == VM_MSR_PAT)
		return (v->entry & VM_ENTRY_LOAD_IA32_PAT) && (v->exit & VM_EXIT_SAVE_IA32_PAT);
	return rule == VM_MSR_PASS;
}

static void build_msr_bitmap(struct vmx_vcpu *v)
{
	uint8_t *map = (uint8_t *)v->msr_bitmap;

	memset(map, 0xff, PAGE_SIZE);
	for (size_t i = 0; i < vm_msr_range_count; i++) {
		const struct vm_msr_range *r = &vm_msr_ranges[i];

		for (uint32_t msr = r->first; msr <= r->last; msr++)
			msr_pass(map, msr, msr_rule_passes(v, r->read), msr_rule_passes(v, r->write));
	}
}

/* ---- the VMCS ---- */

static void write_controls(struct vmx_vcpu *v)
{
	vmx_write_controls(v, ept_pointer(v->ept));
	v->timer_loaded = v->preemption_timer;	/* vmx_timer_arm may change it */
}

/* SDM Vol. 3C 25.5 and 28.5: the state the CPU loads on every VM exit is
 * skiff's as it runs now, except RSP and RIP, which start the exit path,
 * and the GS base, which is the vCPU (vcpu.h says why). */
static void write_host_state(const struct vmx_vcpu *v)
{
	/* LAB 5 BEGIN: write_host_state(): the state a VM exit loads: skiff as it runs now */
	struct desc_ptr gdtr, idtr;
	struct vmx_host_state h;

	sgdt(&gdtr);
	sidt(&idtr);
	h = (struct vmx_host_state){
		.cr0 = read_cr0(), .cr3 = read_cr3(), .cr4 = read_cr4(),
		.tr_base = cpu_tss_base(v->vcpu.index), .gdtr_base = gdtr.base, .idtr_base = idtr.base,
		.efer = rdmsr(MSR_IA32_EFER),
		.pat = (v->exit & VM_EXIT_LOAD_IA32_PAT) ? rdmsr(MSR_IA32_PAT) : 0,
		.gs_base = (uint64_t)v,
		.rsp = v->vcpu.exit_stack_top,
		.rip = (uint64_t)(v->smi_quirk ? vmx_exit_stub_smi_quirk : vmx_exit_stub),
	};
	vmx_write_host_state(v, &h);
	/* LAB 5 END */
}

/*
 * The guest's first instruction, as the Multiboot2 specification (3.3
 * "I386 machine state") and Multiboot 0.6.96 (3.2 "Machine state")
 * prescribe alike: 32-bit protected mode, paging off, flat 4 GiB code and
 * data segments, interrupts off, EAX = the protocol's magic (vm_load.c
 * chose it), EBX = the information's address.  A20 is on: EPT translates
 * every guest-physical address as it is.  Everything else at its reset value
 * (SDM Vol. 3A 10.1.1 table "IA-32 and Intel 64 Processor States Following
 * Power-up, Reset, or INIT").  With unrestricted guest, PE and PG are the
 * guest's own choice; the other fixed CR0/CR4 bits (NE, VMXE) are forced
 * in the real registers and hidden behind the read shadows.
 */
static void set_guest_entry(struct vmx_vcpu *v, const struct vm_entry *entry)
{
	if (entry->code_sel)
		vmx_write_guest_entry_state_gdt(v, entry->rip, entry->gdt_base, entry->gdt_limit,
						entry->code_sel, entry->data_sel);
	else
		vmx_write_guest_entry_state(v, entry->rip);
	memset(&v->vcpu.regs, 0, sizeof(v->vcpu.regs));
	v->vcpu.regs.gpr[GUEST_REG_RAX] = entry->eax;
	v->vcpu.regs.gpr[GUEST_REG_RBX] = entry->ebx;
	v->vcpu.regs.gpr[GUEST_REG_RSI] = entry->esi;
}

void vmx_ap_init(struct vmx_vcpu *v)
{
	vmx_ap_reset(v, 0, true);
	vm_vcpu_parked(&v->vcpu);
}

/* An AP's vCPU after INIT (SDM Vol. 3A 10.1.1): real mode, waiting for a
 * SIPI (wait_sipi) or started at vector by one; EDX holds the processor's
 * signature (CPUID.1:EAX), every other register 0. */
void vmx_ap_reset(struct vmx_vcpu *v, uint8_t vector, bool wait_sipi)
{
	vmx_write_guest_ap_state(v, vector, wait_sipi);
	memset(&v->vcpu.regs, 0, sizeof(v->vcpu.regs));
	v->vcpu.regs.gpr[GUEST_REG_RDX] = cpuid(1, 0).eax;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, v->proc);	/* no NMI window */
	v->vcpu.nmi_pending = false;
	v->injected = false;
	v->vcpu.streak.count = 0;
	v->vcpu.watchdog.quiet_exits = UINT64_MAX;
	/* INIT flushes the TLBs (SDM Vol. 3A 10.1.1): none of the guest's
	 * translations outlives it. */
	if (v->vpid)
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
}

static int vmx_setup(struct vmx_vcpu *v, struct vm *vm, const struct ept *ept)
{
	v->vcpu.vm = vm;
	v->ept = ept;
	if (choose_controls(v) < 0)
		return -ENODEV;
	vmx_choose_cr_masks(v);
	v->vmcs = alloc_page();
	v->msr_bitmap = alloc_page();
	v->io_bitmap_a = alloc_page();
	v->io_bitmap_b = alloc_page();
	if (!v->vmcs || !v->msr_bitmap || !v->io_bitmap_a || !v->io_bitmap_b)
		return -ENOMEM;
	build_io_bitmaps(v);
	build_msr_bitmap(v);
	/* LAB 5 BEGIN: vmx_setup(): the VMCS region's first word */
	*(uint32_t *)v->vmcs = v->features->basic.revision;
	/* LAB 5 END */
	if (!(v->misc & VMX_MISC_ACTIVITY_HLT))
		kprintf("skiff: vmx: no HLT activity state: a halted guest is resumed at once\n");
	kprintf("skiff: vmx: VMCS at 0x%lx: pin 0x%x, cpu 0x%x, secondary 0x%x, exit 0x%x, entry 0x%x, VPID %s\n",
		v->vmcs, v->pin, v->proc, v->proc2, v->exit, v->entry, v->vpid ? "1" : "off");
	return 0;
}

static void vcpu_init_common(struct vmx_vcpu *v, struct vm *vm, unsigned index, uint32_t apic_id)
{
	vm_vcpu_init(&v->vcpu, vm, index, apic_id, v->exit_stats, EXIT_REASON_COUNT + 1);
}

struct vcpu *vmx_cpu_init(const struct vmx_features *f, struct vm *vm, const struct ept *ept,
			  uint32_t apic_id)
{
	struct vmx_vcpu *v = (struct vmx_vcpu *)alloc_page();

	if (!v)
		return NULL;
	vcpu_init_common(v, vm, 0, apic_id);
	v->vcpu.exit_stack_top = cpu_exit_stack_top();
	if (vmx_enable(v, f) < 0 || vmx_setup(v, vm, ept) < 0)
		return NULL;
	return &v->vcpu;
}

/*
 * An AP's vCPU, made by the BSP: the controls, fixed bits, masks and the
 * watchdog period are the BSP vCPU's (every CPU of a machine reports the
 * same capability MSRs; the AP's own CR0/CR4 were checked against its
 * FIXED MSRs when it entered VMX root), and so are the I/O and MSR
 * bitmaps, which no one writes after set-up (SDM Vol. 3C 25.6.4 and
 * 25.6.9 let VMCSs share them).  Its own: the VMCS, the VPID (index + 1),
 * the exit counts.  The AP itself enters it (vm_run).
 */
struct vcpu *vmx_vcpu_create_ap(const struct vcpu *bsp_vcpu, unsigned index, uint32_t apic_id,
				uint64_t exit_stack_top)
{
	const struct vmx_vcpu *bsp = (const struct vmx_vcpu *)bsp_vcpu;
	struct vmx_vcpu *v = (struct vmx_vcpu *)alloc_page();

	if (!v)
		return NULL;
	v->vmcs = alloc_page();
	if (!v->vmcs)
		return NULL;	/* the pool is empty: skiff stops, nothing to give back */
	vcpu_init_common(v, bsp->vcpu.vm, index, apic_id);
	v->vcpu.exit_stack_top = exit_stack_top;
	v->features = bsp->features;
	v->msr_bitmap = bsp->msr_bitmap;
	v->io_bitmap_a = bsp->io_bitmap_a;
	v->io_bitmap_b = bsp->io_bitmap_b;
	v->pin = bsp->pin;
	v->proc = bsp->proc;
	v->proc2 = bsp->proc2;
	v->exit = bsp->exit;
	v->entry = bsp->entry;
	v->exception_bitmap = bsp->exception_bitmap;
	v->misc = bsp->misc;
	v->cr0_fixed0 = bsp->cr0_fixed0;
	v->cr0_fixed1 = bsp->cr0_fixed1;
	v->cr4_fixed0 = bsp->cr4_fixed0;
	v->cr4_fixed1 = bsp->cr4_fixed1;
	v->cr0_mask = bsp->cr0_mask;
	v->cr4_mask = bsp->cr4_mask;
	v->vpid = bsp->vpid ? (uint16_t)(index + 1) : 0;
	v->ept = bsp->ept;
	v->preemption_timer = bsp->preemption_timer;
	v->drain_tick = bsp->drain_tick;
	v->nmi_window = bsp->nmi_window;
	*(uint32_t *)v->vmcs = v->features->basic.revision;
	return &v->vcpu;
}

/* fault=guest-state: a TR that is an available TSS, not a busy one (SDM
 * Vol. 3C 27.3.1.2), so that VM entry fails and the checker explains it. */
static void break_guest_state(void)
{
	kprintf("skiff: debug: breaking the guest state on purpose: TR type 9 (available TSS)\n");
	vmcs_write32(GUEST_TR_ACCESS_RIGHTS, VMX_AR_TSS32_BUSY & ~0x2u);
}

/* A VMPTRLD that fails on a region skiff wrote: the likeliest cause is
 * the first word, which must be the revision identifier IA32_VMX_BASIC
 * reports (SDM Vol. 3C 25.2; VMPTRLD error 11, a VMfailInvalid while no
 * VMCS is current, 31.3 VMPTRLD). */
static void explain_vmcs_load(const struct vmx_vcpu *v)
{
	uint32_t found = *(const uint32_t *)v->vmcs & VMX_BASIC_REVISION_MASK;

	if (found != v->features->basic.revision)
		kprintf("skiff: vmx: the VMCS region at 0x%lx starts with revision 0x%x, but "
			"IA32_VMX_BASIC[30:0] is 0x%x: VMPTRLD refuses it (SDM Vol. 3C 25.2)\n",
			v->vmcs, found, v->features->basic.revision);
}

/*
 * The one way into the guest (vm_run): the VMCS from its launch state
 * (VMCLEAR, SDM Vol. 3C 25.11.3) with every field written afresh, the
 * CPU's GS base pointed at the vCPU (the stub's registers are there),
 * and VMLAUNCH at the guest's entry point.  On a restart the guest's
 * memory was reloaded (vm_reload) and its cached translations are
 * dropped.  A VMCLEAR or VMPTRLD that fails here is skiff's own bug: the
 * VMCS is skiff's page, checked when it was set up.
 */
static __attribute__((noreturn)) void vmx_arch_start(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = to_vmx_vcpu(vcpu);
	enum vmx_status st;

	st = vmx_vmclear(v->vmcs);
	/* A restart starts from a fresh VMCS, as the first start did: once
	 * VMCLEAR has made it inactive its region is memory again (SDM Vol.
	 * 3C 25.11.1), so nothing the old guest left in it survives. */
	if (st == VMX_SUCCEED && v->started) {
		memset((void *)v->vmcs, 0, PAGE_SIZE);
		*(uint32_t *)v->vmcs = v->features->basic.revision;
		st = vmx_vmclear(v->vmcs);
	}
	if (st == VMX_SUCCEED)
		st = vmx_vmptrld(v->vmcs);
	if (st != VMX_SUCCEED)
		explain_vmcs_load(v);
	if (st != VMX_SUCCEED)
		panic("vmx: VMCLEAR/VMPTRLD of skiff's own VMCS at 0x%lx failed (%s)", v->vmcs,
		      st == VMX_FAIL_INVALID ? "VMfailInvalid" : "VMfailValid");
	write_controls(v);		/* the TSC offset 0 among them */
	v->tsc_adjust_delta = 0;
	v->misc_enable_exists = rdmsr_safe(VM_MSR_MISC_ENABLE, &v->misc_enable) == 0;
	write_host_state(v);
	if (vcpu->index == 0)
		set_guest_entry(v, &vcpu->vm->entry);
	else
		vmx_ap_reset(v, 0, true);
	wrmsr(MSR_IA32_GS_BASE, (uint64_t)v);
	if (!v->started)
		cpu_nmi_attach(vcpu->index, &vcpu->nmi_held);
	if (v->started) {
		vmx_invept(INVEPT_SINGLE_CONTEXT, ept_pointer(v->ept));
		if (v->vpid)
			vmx_invvpid(INVVPID_SINGLE_CONTEXT, v->vpid, 0);
	}
	/* A restart is a new guest: the old one's NMI is not its.  An NMI
	 * that came while skiff booted goes to the first start. */
	if (v->started)
		vcpu->nmi_pending = false;
	v->injected = false;
	__atomic_store_n(&vcpu->run_state, vcpu->index == 0 ? VCPU_RUNNING : VCPU_WAIT_SIPI,
			 __ATOMIC_SEQ_CST);
	vm_take_held_nmi(&v->vcpu);
	if (vcpu->nmi_pending && vcpu->index == 0)
		vmx_deliver_nmi(v, false);
	v->started = true;
	if (vcpu->break_guest_state)
		break_guest_state();
	if (vcpu->check_entry_first)
		vmx_explain_entry(v);
	vcpu->break_guest_state = vcpu->check_entry_first = false;
	vmx_timer_arm(v);	/* the boot log is likely still on its way out */
	__atomic_store_n(&vcpu->entered, true, __ATOMIC_RELEASE);
	st = (enum vmx_status)vmx_launch();
	/* Only a VMfail returns here; a guest-state error arrives as an exit. */
	vmx_entry_failed_report(v, "VMLAUNCH", st);
}

bool vmx_ap_vcpus_supported(const struct vcpu *bsp)
{
	return (((const struct vmx_vcpu *)bsp)->misc & VMX_MISC_ACTIVITY_WAIT_SIPI) != 0;
}

bool vmx_halt_state_supported(const struct vmx_vcpu *v)
{
	return (v->misc & VMX_MISC_ACTIVITY_HLT) != 0;
}

const struct vm_arch vmx_arch = {
	.start = vmx_arch_start,
	.print_exit_stats = vmx_print_exit_stats,
};
