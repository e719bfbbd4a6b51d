/*
 * The guest model's run-time half: the one way into the guest (vm_run),
 * what exit handlers hand over (a hypercall, a port access), and how a
 * guest's run ends (it finishes, crashes or hangs) under the policy.
 */
#include "cmdline.h"
#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
#include "drivers/uart.h"
#include "drivers/tsc.h"
#include "integrity.h"
#include "iommu.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "lib/printf.h"
#include "panic.h"
#include "power.h"
#include "vm/guest_regs.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/mtrr_view.h"
#include "vm/vm.h"
#include "x86.h"

static void console_out(const char *s, size_t n)
{
	console_write(s, n);
}

void vm_init(struct vm *vm, const struct mm_layout *layout, struct ept *ept)
{
	struct mtrr_regs cpu;

	vm->ept = ept;
	mtrr_regs_read(&cpu);
	vm->cpu_mtrrs = cpu;
	vm_mtrr_view_init(&vm->mtrrs_at_boot, &cpu);
	vm->mtrrs = vm->mtrrs_at_boot;
	vm->mem = (struct guest_mem){ .ranges = layout->guest, .count = layout->guest_count };
	gconsole_init(&vm->console, console_out);
	vm_ports_init(&vm->ports, &vm->console);
	vm->ports.com1.line_busy = uart_line_busy;
	vm->hc = (struct vm_hc_ctx){ .mem = &vm->mem, .console = &vm->console, .lock = &vm->lock,
				     .boot_tsc = boot_tsc };
	vm->incidents = 0;
}

void vm_console_flush(struct vm *vm)
{
	spin_lock(&vm->lock);
	gconsole_flush(&vm->console);
	spin_unlock(&vm->lock);
}

int64_t vm_handle_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			    bool guest_64bit)
{
	struct vm *vm = v->vm;
	bool finished;
	int64_t ret;

	spin_lock(&vm->lock);
	vm->hc.stats = v->exit_stats;	/* HC_EXIT_STATS: the caller's own */
	vm->hc.stats_count = v->exit_stats_count;
	ret = vm_hypercall(&vm->hc, nr, a0, a1, a2, guest_64bit);
	finished = vm->hc.finished;
	spin_unlock(&vm->lock);
	if (finished)
		vm_guest_finished(v, vm->hc.finish_status);
	return ret;
}

void vm_port_pass(uint16_t port, unsigned size, bool in, uint32_t *value)
{
	if (in)
		*value = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	else if (size == 1)
		outb(port, (uint8_t)*value);
	else if (size == 2)
		outw(port, (uint16_t)*value);
	else
		outl(port, *value);
}

/* A reset or power-off the guest made (vm/platform.h) ends it: neither
 * returns.  Anything else returns. */
static void platform_event(struct vcpu *v, const struct vm_platform_event *e)
{
	if (e->verdict == VM_PLATFORM_REBOOT)
		vm_guest_rebooted(v, e->what);
	if (e->verdict == VM_PLATFORM_POWER_OFF) {
		vm_fate_claim(v);
		vm_console_flush(v->vm);
		kprintf("skiff: the guest (%s) powered off: %s\n", v->vm->guest_name, e->what);
		vm_guest_finished(v, 0);
	}
}

/* The guest's access to a reset or sleep port: the hardware's unless it
 * would reset or power off the machine. */
static void platform_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	struct vm_platform_event e;

	if (in) {
		vm_port_pass(port, size, in, value);
		return;
	}
	spin_lock(&v->vm->lock);
	e = vm_platform_write(&v->vm->platform, port, size, *value);
	if (e.substitute)
		vm_port_pass(port, size, false, &e.substitute_value);
	spin_unlock(&v->vm->lock);
	platform_event(v, &e);
	vm_port_pass(port, size, in, value);
}

void vm_mmio_store(uint64_t pa, unsigned size, uint64_t value)
{
	volatile void *p = (volatile void *)(uintptr_t)pa;

	if (size == 1)
		*(volatile uint8_t *)p = (uint8_t)value;
	else if (size == 2)
		*(volatile uint16_t *)p = (uint16_t)value;
	else if (size == 4)
		*(volatile uint32_t *)p = (uint32_t)value;
	else
		*(volatile uint64_t *)p = value;
}

int vm_mmio_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	struct vm *vm = v->vm;
	const struct vm_mmio_trap *t = vm_platform_mmio_trap(&vm->platform, gpa);
	struct pci_filter_result r = { .verdict = PCI_FILTER_PASS };
	struct vm_platform_event e;
	char what[80];

	if (!t)
		return -ENOENT;
	spin_lock(&vm->lock);
	e = vm_platform_mmio_write(&vm->platform, gpa, size, value);
	if (e.pci)
		r = vm_pci_ecam_write(vm, t, &e, gpa, size, value);
	else if (e.verdict == VM_PLATFORM_PASS)
		vm_mmio_store(gpa, size, value);
	spin_unlock(&vm->lock);
	platform_event(v, &e);
	if (r.verdict == PCI_FILTER_REBOOT)
		vm_guest_rebooted(v, r.why);
	if (r.verdict == PCI_FILTER_REFUSE) {
		fmt_snprintf(what, sizeof(what), "PCI configuration write (%u byte%s, ECAM) to "
			     "%02x:%02x.%x offset 0x%x", size, size == 1 ? "" : "s", e.bus, e.dev, e.fn, e.reg);
		vm_refused(v, what, value, r.why);
	}
	return 0;
}

static int mmio_decode(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
		       enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
		       struct mmio_insn *insn, bool loads, uint64_t *value, char *detail,
		       size_t size)
{
	uint8_t bytes[MMIO_INSN_MAX_LEN];
	uint64_t regs[MMIO_INSN_REGS];
	size_t n = guest_fetch(&v->vm->mem, p, linear, bytes, sizeof(bytes));

	if (mmio_insn_decode(bytes, n, mode, insn) < 0 || (!insn->write && !loads)) {
		fmt_snprintf(detail, size, "a%s to 0x%lx, a page of registers skiff keeps, by "
			     "an instruction it does not emulate (%zu bytes at linear 0x%lx: %02x "
			     "%02x %02x %02x ...)", loads ? "n access" : " store", gpa, n, linear,
			     n > 0 ? bytes[0] : 0, n > 1 ? bytes[1] : 0, n > 2 ? bytes[2] : 0,
			     n > 3 ? bytes[3] : 0);
		return -1;
	}
	if (!insn->write)
		return 0;
	for (unsigned i = 0; i < MMIO_INSN_REGS; i++)
		regs[i] = v->regs.gpr[i];
	regs[GUEST_REG_RAX] = rax;
	regs[GUEST_REG_RSP] = rsp;
	*value = mmio_insn_store_value(insn, regs);
	return 0;
}

int vm_mmio_decode_store(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			 enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			 struct mmio_insn *insn,
			 uint64_t *value, char *detail, size_t size)
{
	return mmio_decode(v, p, linear, mode, rax, rsp, gpa, insn, false, value, detail, size);
}

int vm_mmio_decode_access(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			  enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			  struct mmio_insn *insn, uint64_t *value, char *detail, size_t size)
{
	return mmio_decode(v, p, linear, mode, rax, rsp, gpa, insn, true, value, detail, size);
}

void vm_describe_unmapped(char *buf, size_t size, const char *access, uint64_t gpa)
{
	enum mm_owner owner = mm_layout_owner(mm_layout(), gpa);

	if (owner == MM_OWNER_NONE)
		fmt_snprintf(buf, size, "%s of guest-physical 0x%lx, which is not RAM skiff maps "
			     "for the guest", access, gpa);
	else if (owner == MM_OWNER_GUEST)
		fmt_snprintf(buf, size, "%s of guest-physical 0x%lx, which is guest RAM (a bug in "
			     "skiff's EPT or NPT?)", access, gpa);
	else
		fmt_snprintf(buf, size, "%s of guest-physical 0x%lx, which belongs to skiff: %s",
			     access, gpa, mm_owner_name(owner));
}

void vm_describe_delivery_store(char *buf, size_t size, uint64_t gpa)
{
	fmt_snprintf(buf, size, "a store to 0x%lx, a page of registers skiff keeps, while the CPU "
		     "delivered an event (the guest's stack or IDT is there)", gpa);
}

void vm_handle_port_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	struct vm *vm = v->vm;
	int ret;

	if (vm_pci_covers(port, size)) {
		vm_pci_io(v, port, size, in, value);
		return;
	}
	if (vm_platform_covers(&vm->platform, port, size)) {
		platform_io(v, port, size, in, value);
		return;
	}
	spin_lock(&vm->lock);
	ret = vm_port_io(&vm->ports, port, size, in, value);
	spin_unlock(&vm->lock);
	if (ret == VM_PORT_FINISH)
		vm_guest_finished(v, vm->ports.finish_status);
	/* Only the I/O bitmap's ports exit, with sizes 1, 2 or 4. */
	if (ret < 0)
		panic("vm: port 0x%x, size %u exited but is not one of skiff's ports (error %d)",
		      port, size, ret);
}

/* Proof for the restart endurance test: restarting takes nothing from
 * skiff's pool (its only heap). */
static void restart_check(struct vm *vm)
{
	size_t free = pmm_free_count(pmm_global());
	size_t used = pmm_total_count(pmm_global()) - free;
	size_t used0 = pmm_total_count(pmm_global()) - vm->pool_free_at_start;

	kprintf("skiff: restart check: pool %lu pages free, heap %lu bytes in use: %s\n", free,
		(unsigned long)(used * PAGE_SIZE), free == vm->pool_free_at_start ? "same as before the first start" :
		"DIFFERENT from before the first start");
	if (free != vm->pool_free_at_start)
		kprintf("skiff: restart check: before the first start: %lu pages free, %lu bytes in use\n",
			vm->pool_free_at_start, (unsigned long)(used0 * PAGE_SIZE));
}

static void restart_mtrrs(struct vm *vm);

__attribute__((noreturn))
static void stop(struct vm *vm, int policy, int status)
{
	vm_fate_stop(vm);
	if (policy == POLICY_HALT)
		power_set_mode(STOP_HALT);
	system_stop(status);
}

/* The policy for what happened (vm_policy_decide): stop, or restart the
 * guest from its pristine image after the back-off. */
__attribute__((noreturn))
static void apply_policy(struct vcpu *v, int policy, const char *what, int status)
{
	struct vm *vm = v->vm;
	struct vm_decision d = vm_policy_decide(&vm->policy, policy, vm->restarts);

	if (d.action == VM_DECIDE_STOP && !d.limit_reached) {
		kprintf("skiff: policy: %s -> %s\n", what, vm_policy_name(policy));
		stop(vm, policy, status);
	}
	if (d.limit_reached) {
		kprintf("skiff: policy: %s -> restart, but the restart limit of %u reached; powering off\n",
			what, vm->policy.restarts);
		restart_mtrrs(vm);	/* the EPT as a restart would leave it */
		restart_check(vm);
		stop(vm, d.stop_policy, status);
	}
	if (vm->stray) {
		kprintf("skiff: policy: %s -> restart, but a vCPU is still in the old guest; "
			"powering off\n", what);
		stop(vm, POLICY_POWER_OFF, status);
	}
	vm->restarts = d.restart;
	kprintf("skiff: policy: %s -> restart %u of %u (back-off %u ms)\n", what, vm->restarts,
		vm->policy.restarts, d.backoff_ms);
	tsc_delay_ms(d.backoff_ms);
	restart_mtrrs(vm);
	if (vm_reload(vm) < 0) {
		kprintf("skiff: policy: the guest's image no longer loads; powering off\n");
		stop(vm, POLICY_POWER_OFF, STOP_STATUS_GUEST_CRASH);
	}
	vm_fate_release(vm);
	vm_run(v);
}

void vm_start(struct vm *vm)
{
	size_t total = pmm_total_count(pmm_global());

	vm->pool_free_at_start = pmm_free_count(pmm_global());
	kprintf("skiff: pool: %lu KiB of %lu KiB in use at the guest's start\n",
		(unsigned long)((total - vm->pool_free_at_start) * PAGE_SIZE) >> 10,
		(unsigned long)(total * PAGE_SIZE) >> 10);
	integrity_baseline();
}

void vm_run(struct vcpu *v)
{
	vm_console_flush(v->vm);
	v->vm->arch->start(v);
}

void vm_refused(struct vcpu *v, const char *what, uint64_t value, const char *why)
{
	unsigned n = __atomic_add_fetch(&v->vm->refusals, 1, __ATOMIC_RELAXED);

	if (n > VM_REFUSALS_SHOWN)
		return;
	vm_console_flush(v->vm);
	kprintf("skiff: refused: the guest's %s (0x%lx) on vCPU %u: %s%s\n", what, value, v->index,
		why, n == VM_REFUSALS_SHOWN ? "; further refusals are not shown" : "");
}

void vm_refused_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, const char *why)
{
	char what[32];

	if (msr == MSR_IA32_APIC_BASE)
		fmt_snprintf(what, sizeof(what), "WRMSR IA32_APIC_BASE");
	else
		fmt_snprintf(what, sizeof(what), "WRMSR 0x%x", msr);
	vm_refused(v, what, value, why);
}

int vm_guest_mtrr_read(struct vcpu *v, uint32_t msr, uint64_t *value)
{
	int rc;

	spin_lock(&v->vm->lock);
	rc = vm_mtrr_read(&v->vm->mtrrs, msr, value);
	spin_unlock(&v->vm->lock);
	return rc;
}

/* The EPT is checked against its baseline before skiff changes it, so
 * that a change skiff did not make is still found, and re-baselined after. */
int vm_guest_mtrr_write(struct vcpu *v, uint32_t msr, uint64_t value)
{
	struct vm *vm = v->vm;
	int rc;

	spin_lock(&vm->lock);
	rc = vm_mtrr_write(&vm->mtrrs, msr, value);
	/* Without an EPT (AMD-V: nested paging leaves memory types to the
	 * real MTRRs) the view changes and nothing is retyped. */
	if (rc == VM_MTRR_RETYPE && vm->ept && integrity_verify_tree(vm->ept) == 0) {
		if (mm_ept_retype(vm->ept, &vm->mtrrs, false) < 0)
			kprintf("skiff: mtrr: guest memory keeps some of its old memory types: "
				"no pool page for the tables the guest's new MTRRs need\n");
		integrity_rebaseline_tree(vm->ept);
	}
	spin_unlock(&vm->lock);
	return rc;
}

/* A restart starts with the MTRRs of the first start, and an EPT as many
 * pages as that start's: made again from nothing if the guest retyped it.
 * Without an EPT (AMD-V) only the view is put back. */
static void restart_mtrrs(struct vm *vm)
{
	if (vm_mtrr_view_equal(&vm->mtrrs, &vm->mtrrs_at_boot))
		return;
	vm->mtrrs = vm->mtrrs_at_boot;
	if (!vm->ept)
		return;		/* AMD-V: the guest's MTRRs are a view, never applied */
	if (integrity_verify_tree(vm->ept) < 0)
		return;		/* reported; the final check will say it again */
	if (mm_ept_retype(vm->ept, &vm->mtrrs, true) < 0)
		panic("mm: cannot make the guest's EPT again as at boot with the pages it had");
	integrity_rebaseline_tree(vm->ept);
}

/* What every end of the guest reports: skiff's memory and tables as they
 * were, and the CPU's MTRRs, which type skiff's memory, as skiff found
 * them (the guest's writes went to its own view). */
static void check_skiff(struct vm *vm)
{
	struct mtrr_regs cpu;
	bool changed;

	/* Not while another vCPU retypes the EPT for the guest's MTRRs
	 * (vm_guest_mtrr_write()): it may be in skiff, not yet stopped. */
	spin_lock(&vm->lock);
	changed = integrity_check() != 0;
	spin_unlock(&vm->lock);
	mtrr_regs_read(&cpu);
	if (vm_mtrr_view_equal(&cpu, &vm->cpu_mtrrs))
		kprintf("skiff: mtrr: the CPU's MTRRs are as skiff found them\n");
	else
		kprintf("skiff: mtrr: CHANGED: the CPU's MTRRs are not as skiff found them\n");
	/* Code or tables that are not what skiff checked at boot: no policy
	 * can be trusted to run on them, a restart least of all. */
	if (changed) {
		kprintf("skiff: integrity: skiff's own memory changed while the guest ran%s: "
			"skiff stops rather than run on as changed\n",
			iommu_state() == IOMMU_ON ? "" :
			" (with no IOMMU on, a device the guest drives can write it by DMA)");
		system_stop(STOP_STATUS_PANIC);
	}
}

void vm_print_vcpu_shares(const struct vm *vm)
{
	for (unsigned c = 0; c < vm->vcpu_count && vm->vcpu_count > 1; c++) {
		const struct vcpu *w = vm->vcpus[c];
		uint64_t total = 0;

		for (size_t i = 0; i < w->exit_stats_count; i++)
			total += w->exit_stats[i].count;
		kprintf("skiff: vCPU %u (APIC ID %u): %lu VM exits\n", c, w->apic_id, total);
	}
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		const struct vcpu *w = vm->vcpus[c];

		if (w->kicks_in_root + w->kicks_in_guest)
			kprintf("skiff: vCPU %u: %lu of skiff's own NMIs (to stop it, for an INIT, or "
				"from the watchdog) taken, none passed to the guest\n", w->index,
				w->kicks_in_root + w->kicks_in_guest);
	}
}

void vm_guest_finished(struct vcpu *v, int status)
{
	struct vm *vm = v->vm;

	vm_fate_claim(v);
	vm_console_flush(vm);
	kprintf("skiff: the guest (%s) exited with status %d\n", vm->guest_name, status);
	check_skiff(vm);
	if (vm->vcpu_count > 1)
		kprintf("skiff: vCPU %u (APIC ID %u) ended the guest; the other vCPUs were stopped\n",
			v->index, v->apic_id);
	vm->arch->print_exit_stats(vm);
	apply_policy(v, vm->policy.on_finish, "guest exit", status);
}

void vm_guest_rebooted(struct vcpu *v, const char *what)
{
	struct vm *vm = v->vm;

	vm_fate_claim(v);
	vm_console_flush(vm);
	kprintf("skiff: the guest (%s) rebooted: %s\n", vm->guest_name, what);
	check_skiff(vm);
	vm->arch->print_exit_stats(vm);
	apply_policy(v, vm->policy.on_reboot, "guest reboot", 0);
}

void vm_dma_blocked(struct vcpu *v, const char *what)
{
	struct vm_incident inc = { .kind = VM_INCIDENT_CRASH, .what = "DMA blocked", .rip = 0,
				   .no_rip = true };

	vm_fate_claim(v);
	vm_console_flush(v->vm);
	kprintf("skiff: guest crash: DMA blocked: %s\n", what);
	vm_incident(v, &inc);
}

void vm_check_dma(struct vcpu *v)
{
	char what[128];

	if (iommu_take_fault(what, sizeof(what)))
		vm_dma_blocked(v, what);
}

void vm_incident(struct vcpu *v, const struct vm_incident *inc)
{
	struct vm *vm = v->vm;
	const char *kind = inc->kind == VM_INCIDENT_HANG ? "guest hang" : "guest crash";

	vm_fate_claim(v);	/* the backend's report has claimed it already */
	vm->incidents++;
	if (inc->no_rip)	/* not something a vCPU did: a device, say */
		kprintf("skiff: incident %u: %s: %s, %lu ms after boot\n", vm->incidents, kind,
			inc->what, tsc_ms_since_boot());
	else
		kprintf("skiff: incident %u: %s: %s at RIP 0x%lx, %lu ms after boot\n",
			vm->incidents, kind, inc->what, inc->rip, tsc_ms_since_boot());
	if (vm->vcpu_count > 1)
		if (!inc->no_rip)
			kprintf("skiff: incident %u was vCPU %u's (APIC ID %u); the other vCPUs were stopped\n",
			vm->incidents, v->index, v->apic_id);
	check_skiff(vm);
	vm->arch->print_exit_stats(vm);
	apply_policy(v, inc->kind == VM_INCIDENT_HANG ? vm->policy.on_hang : vm->policy.on_crash,
		     kind, STOP_STATUS_GUEST_CRASH);
}

void vm_entry_failed(struct vcpu *v, uint64_t rip)
{
	vm_fate_claim(v);
	vm_fate_stop(v->vm);
	kprintf("skiff: the guest could not be entered (at RIP 0x%lx); this is skiff's fault, "
		"not the guest's\n", rip);
	system_stop(STOP_STATUS_PANIC);
}
