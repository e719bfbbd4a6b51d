/*
 * skiff's init order, from GRUB's hand-off to the end of the run.  Read top
 * to bottom, this is the table of contents of the hypervisor.
 */
#include <stdint.h>

#include "boot/link.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "cpu.h"
#include "debug.h"
#include "drivers/acpi.h"
#include "drivers/console.h"
#include "drivers/fbcon.h"
#include "drivers/lapic.h"
#include "drivers/dmar.h"
#include "drivers/madt.h"
#include "drivers/mcfg.h"
#include "drivers/tsc.h"
#include "drivers/uart.h"
#include "drivers/vgacon.h"
#include "integrity.h"
#include "iommu.h"
#include "iommu_test.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "power.h"
#include "smp.h"
#include "version.h"
#include "vm/msr.h"
#include "vm/vm.h"
#include "svm/probe.h"
#include "svm/own_timer.h"
#include "svm/svm.h"
#include "svm/watchdog.h"
#include "vmx/probe.h"
#include "vmx/vmx.h"

#define VGA_TEXT_ADDR	0xb8000
#define VGA_TEXT_COLS	80
#define VGA_TEXT_ROWS	25
/* The boot page tables map the first 4 GiB; the boot information lies there. */
#define BOOT_MAPPED_LIMIT	(4ull << 30)

void kmain(uint32_t magic, uint64_t mbi_addr);

static struct boot_info boot_info;
static struct vmx_features vmx_features;
static struct svm_caps svm_caps;
static bool use_svm;		/* no VT-x; AMD-V with all skiff needs */
static struct npt guest_npt;
static struct ept guest_ept;
static bool com1_guest;		/* com1=guest (give_com1()) */
static struct vm guest;

/* A screen for machines without a serial port: the framebuffer GRUB set
 * up (UEFI), else VGA text (BIOS).  The boot page tables map only the
 * first 4 GiB, so a framebuffer beyond that is left alone until skiff's own
 * page tables exist. */
static void screen_init(const struct boot_info *bi)
{
	const struct framebuffer_info *fb = &bi->fb;
	uint64_t end = fb->addr + (uint64_t)fb->pitch * fb->height;

	if (fb->kind != FB_NONE && (end > BOOT_MAPPED_LIMIT || end < fb->addr))
		return;
	if (fb->kind == FB_RGB)
		fbcon_init(fb);
	else if (fb->kind == FB_EGA_TEXT)
		vgacon_init(fb->addr, fb->width, fb->height);
	else if (!bi->efi_system_table)
		vgacon_init(VGA_TEXT_ADDR, VGA_TEXT_COLS, VGA_TEXT_ROWS);
}

static void print_screen(const struct framebuffer_info *fb)
{
	if (fb->kind == FB_NONE)
		kprintf("skiff: screen: none handed over by the loader\n");
	else
		kprintf("skiff: screen: %s %ux%u, %u bpp, pitch %u, at 0x%lx\n",
			fb->kind == FB_RGB ? "RGB framebuffer" : "EGA text",
			fb->width, fb->height, fb->bpp, fb->pitch, fb->addr);
}

static void apply_cmdline(const struct boot_info *bi)
{
	if (cmdline_has_value(bi->cmdline, "stop", "halt"))
		power_set_mode(STOP_HALT);
	else if (cmdline_has_value(bi->cmdline, "stop", "poweroff"))
		power_set_mode(STOP_POWER_OFF);
}

/* com1=guest: the guest drives COM1 itself (its own driver, with its own
 * interrupts), and skiff's console moves to COM2, which the guest then
 * finds absent (vm/ports.h); a machine without COM2 keeps skiff's lines on
 * the screen only.  True when COM1 is the guest's. */
static bool give_com1(const struct boot_info *bi)
{
	if (!cmdline_has_value(bi->cmdline, "com1", "guest"))
		return false;
	kprintf("skiff: console: COM1 is the guest's (com1=guest); skiff's lines go on on COM2\n");
	if (!uart_move(COM2_BASE))
		kprintf("skiff: console: no UART answers at COM2: skiff's lines go to the screen "
			"only\n");
	else
		kprintf("skiff: console: on COM2 from here; COM1 is the guest's\n");
	return true;
}

/* Faults on request come last, once skiff's own page tables (with their
 * stack guard pages) are in place. */
static void debug_requests(const struct boot_info *bi)
{
	char val[16];

	if (cmdline_get(bi->cmdline, "fault", val, sizeof(val)))
		debug_fault(val);
}

/* What no guest may change: skiff's code and read-only data, the guest's
 * pristine image (for restarts), the memory layout, and the page tables
 * that keep the guest out of skiff: skiff's own, the guest's EPT, and the
 * IOMMU's. */
/* ept (VT-x) or npt (AMD-V): the guest's second-level tables; the other NULL. */
static void watch_integrity(const struct vm *vm, const struct ept *ept, const struct npt *npt)
{
	extern const char __image_start[], __rodata_end[];

	integrity_watch("skiff's code and read-only data", __image_start,
			(size_t)(__rodata_end - __image_start));
	integrity_watch("the guest's pristine image", vm->source.image, vm->source.size);
	for (size_t i = 0; i < vm->source.module_count; i++)
		integrity_watch("a pristine copy of a guest module", vm->source.modules[i].data,
				vm->source.modules[i].size);
	integrity_watch("the memory layout", mm_layout(), sizeof(struct mm_layout));
	integrity_watch_paging("skiff's page tables", mm_host_paging());
	if (ept)
		integrity_watch_ept("the guest's EPT", ept);
	if (npt)
		integrity_watch_npt("the guest's nested page tables", npt);
	iommu_watch_integrity();
}

/* Requests for the guest's first start: entry_check=first,
 * fault=guest-state. */
static void vcpu_debug_requests(const struct boot_info *bi, struct vcpu *v)
{
	v->check_entry_first = cmdline_has_value(bi->cmdline, "entry_check", "first");
	v->break_guest_state = cmdline_has_value(bi->cmdline, "fault", "guest-state");
}

/* The machine's reset and sleep ports, which skiff keeps (vm/platform.h);
 * a RESET_REG in PCI configuration space goes to the PCI filter (reset). */
/* A register in memory (base 0: none) that skiff keeps. */
static void add_mmio(struct vm_platform *p, struct vm_mmio_trap t)
{
	if (t.base && !vm_platform_add_mmio(p, &t)) {
		kprintf("skiff: cannot keep %s at 0x%lx from the guest (no room); stopping\n",
			t.name, t.base);
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
}

static void guard_platform(struct vm_platform *p, struct pci_reset_reg *reset)
{
	struct acpi_power_ports a;
	char pm[64] = "", rr[48] = "";

	acpi_power_ports(&a);
	*p = (struct vm_platform){ .pm1a_cnt = a.pm1a_cnt, .pm1b_cnt = a.pm1b_cnt,
				   .reset = a.reset, .reset_value = a.reset_value };
	*reset = (struct pci_reset_reg){ .present = a.reset_pci, .dev = a.reset_pci_dev,
					 .fn = a.reset_pci_fn, .offset = a.reset_pci_offset,
					 .value = a.reset_value };
	if (a.pm1a_cnt)
		fmt_snprintf(pm, sizeof(pm), ", ACPI sleep (PM1a_CNT 0x%x%s)", a.pm1a_cnt,
			     a.pm1b_cnt ? ", PM1b_CNT" : "");
	if (a.reset)
		fmt_snprintf(rr, sizeof(rr), ", RESET_REG (0x%x)", a.reset);
	else if (a.reset_pci)
		fmt_snprintf(rr, sizeof(rr), ", RESET_REG (PCI 00:%02x.%x offset 0x%02x)",
			     a.reset_pci_dev, a.reset_pci_fn, a.reset_pci_offset);
	kprintf("skiff: platform: resets through 0x64, 0x60 after 0xd1, 0x92, 0xcf9%s%s are skiff's%s\n", rr, pm,
		a.pm1a_cnt || a.pm1a_cnt_mem ? "" : "; no ACPI sleep registers to guard");
	/* The same registers in memory: their stores trapped (protect_mmio()). */
	add_mmio(p, (struct vm_mmio_trap){ .kind = VM_MMIO_PM1_CNT, .base = a.pm1a_cnt_mem,
					   .size = 2, .name = "PM1a_CNT" });
	add_mmio(p, (struct vm_mmio_trap){ .kind = VM_MMIO_PM1_CNT, .base = a.pm1b_cnt_mem,
					   .size = 2, .name = "PM1b_CNT" });
	add_mmio(p, (struct vm_mmio_trap){ .kind = VM_MMIO_RESET_REG, .base = a.reset_mem,
					   .size = 1, .value = a.reset_value,
					   .name = "ACPI RESET_REG" });
}

/* trap_page=K: the guest page at K KiB is write-protected and every store
 * to it emulated (vm/platform.h VM_MMIO_EMULATE), so that the path a
 * store to a register skiff keeps takes can be tried on any machine. */
static void trap_test_page(const struct boot_info *bi, struct vm *vm)
{
	char val[16];
	unsigned kib;
	struct vm_mmio_trap t = { .kind = VM_MMIO_EMULATE, .size = PAGE_SIZE, .name = "trap_page" };

	if (!cmdline_get(bi->cmdline, "trap_page", val, sizeof(val)) ||
	    !cmdline_parse_number(val, strlen(val), &kib))
		return;
	t.base = (uint64_t)kib << 10;
	if (kib % 4 || !guest_mem_contains(&vm->mem, t.base, PAGE_SIZE)) {
		kprintf("skiff: trap_page=%u: 0x%lx is not a page of guest RAM; nothing trapped\n",
			kib, t.base);
		return;
	}
	vm_platform_add_mmio(&vm->platform, &t);
}

/*
 * The guest's local APIC page, when the guest gets more than one CPU, and
 * always on AMD-V: its stores are done for it, so that an INIT (and on
 * AMD-V a SIPI) it sends through its xAPIC ICR is skiff's to deliver to
 * its vCPUs, as through its x2APIC ICR (vm/ipi.h).  On VT-x a physical
 * INIT would do on hardware, where the INIT exit consumes it, but Bochs
 * 2.7 never does: the AP could not run (docs/emulators.md).  On AMD-V a
 * physical INIT is never safe: it would reset a CPU that runs skiff the
 * moment GIF is set, the guest's own included (the INIT intercept holds
 * it only while the guest runs).  The cost is an exit per store (EOI,
 * timer, IPIs); on VT-x a guest with one CPU has no AP to start and keeps
 * its APIC page to itself.
 */
static unsigned cpus_wanted(const char *cmdline);

static unsigned guest_cpus(const struct boot_info *bi)
{
	const struct smp_cpu *cpus;
	size_t n = smp_cpus(&cpus);
	unsigned wanted = cpus_wanted(bi->cmdline);

	return wanted && wanted < n ? wanted : (unsigned)n;
}

static void trap_xapic(const struct boot_info *bi, struct vm *vm)
{
	if (!use_svm && guest_cpus(bi) < 2)
		return;
	add_mmio(&vm->platform, (struct vm_mmio_trap){ .kind = VM_MMIO_XAPIC,
						       .base = VM_APIC_BASE_ARCH,
						       .size = XAPIC_REGS_SIZE,
						       .name = "the local APIC (xAPIC)" });
}

/* The ECAM windows of the MCFG (drivers/mcfg.h): the guest's stores there
 * are configuration writes, judged by the PCI filter like the port ones. */
#define ECAM_WINDOWS_MAX	4

static void trap_ecam(struct vm *vm)
{
	struct mcfg_window w[ECAM_WINDOWS_MAX];
	int n = mcfg_windows(w, ECAM_WINDOWS_MAX);

	if (n < 0) {
		kprintf("skiff: platform: the MCFG table is malformed: if the machine has ECAM "
			"windows, skiff cannot guard them\n");
		return;
	}
	for (int i = 0; i < n; i++) {
		struct vm_mmio_trap t = {
			.kind = VM_MMIO_ECAM, .base = w[i].base, .size = w[i].size,
			.start_bus = w[i].start_bus, .segment = w[i].segment,
			.name = "PCI ECAM window",
		};

		if (i >= ECAM_WINDOWS_MAX || !vm_platform_add_mmio(&vm->platform, &t)) {
			kprintf("skiff: platform: ECAM windows from %d on are not guarded: %d in the "
				"MCFG, room for fewer\n", i, n);
			return;
		}
	}
}

/* Every register in memory skiff keeps becomes read-only in the EPT; on
 * AMD-V, whose NPT is built after, recorded for mm_build_npt(). */
static void protect_mmio(struct vm *vm)
{
	for (size_t i = 0; i < vm->platform.mmio_count; i++) {
		const struct vm_mmio_trap *t = &vm->platform.mmio[i];

		if (mm_ept_write_protect(vm->ept, t->base, t->size) < 0) {
			kprintf("skiff: cannot keep %s at 0x%lx from the guest; stopping\n", t->name,
				t->base);
			system_stop(STOP_STATUS_BOOT_ERROR);
		}
		kprintf("skiff: platform: %s at 0x%lx-0x%lx: the guest's stores are skiff's to judge\n",
			t->name, t->base, t->base + t->size - 1);
	}
}

/* The IOMMU (iommu.h), before the VT-x check: the units' registers are
 * kept from the guest's EPT; iommu=required stops a machine on which the
 * guest's devices could write skiff's memory. */
static void guard_dma(const struct boot_info *bi)
{
	struct phys_range regs[IOMMU_UNITS_MAX];
	enum iommu_state st = iommu_init(mm_layout());
	size_t n = iommu_register_ranges(regs, IOMMU_UNITS_MAX);

	for (size_t i = 0; i < n; i++)
		if (mm_ept_hide(regs[i].base, regs[i].end - regs[i].base) < 0)
			system_stop(STOP_STATUS_BOOT_ERROR);
	if (st != IOMMU_ON && cmdline_has_value(bi->cmdline, "iommu", "required")) {
		kprintf("skiff: iommu=required, and DMA isolation is not on: stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
}

/* Run on each AP: VMX root with the BSP's probed features. */
static int ap_enter_vmx_root(uint64_t vmxon_page)
{
	return vmx_ap_enter_root(&vmx_features, vmxon_page);
}

/* Run on each AP on AMD-V: SVM on, its host save area, GIF clear. */
static int ap_enter_svm(uint64_t hsave_page)
{
	return svm_ap_enter_root(&svm_caps, hsave_page);
}

static const struct smp_root vmx_root = { .enter = ap_enter_vmx_root, .held = SMP_HELD_VMX };
static const struct smp_root svm_root = { .enter = ap_enter_svm, .held = SMP_HELD_SVM };

/* cpus=N: the guest's CPU count; 0 (or no word) gives it every CPU. */
static unsigned cpus_wanted(const char *cmdline)
{
	char val[16];
	unsigned n;

	if (!cmdline_get(cmdline, "cpus", val, sizeof(val)) ||
	    !cmdline_parse_number(val, strlen(val), &n))
		return 0;	/* cmdline_check() has said so */
	return n;
}

static uint32_t bsp_apic_id(void)
{
	const struct smp_cpu *cpus;

	smp_cpus(&cpus);
	return cpus[0].apic_id;
}

/* Run on each AP given to the guest: its vCPU, in wait-for-SIPI. */
static void ap_run_vcpu(void *vcpu)
{
	vm_run(vcpu);
}

#define AP_ENTRY_WAIT_MS	100	/* for an AP to reach its first VM entry */

/*
 * The guest's CPUs: the BSP's vCPU, and one for each AP skiff holds, up
 * to cpus=N; the rest stay parked (VMX root, or GIF clear).  Each AP
 * enters its vCPU (wait-for-SIPI; on AMD-V waiting in skiff) before the
 * guest's first instruction, so that the guest's first INIT-SIPI-SIPI
 * finds it there.
 */
static struct vcpu *vcpu_create_ap(struct vm *vm, struct vcpu *bsp, const struct smp_cpu *c)
{
	if (use_svm)
		return svm_vcpu_create_ap(vm, c->index, c->apic_id, c->stack_top);
	return vmx_vcpu_create_ap(bsp, c->index, c->apic_id, c->stack_top);
}

static void give_cpus(struct vm *vm, struct vcpu *bsp, unsigned wanted)
{
	const struct smp_cpu *cpus;
	size_t n = smp_cpus(&cpus);
	size_t give = wanted && wanted < n ? wanted : n;
	char ids[80];
	size_t len = 0;

	if (wanted > n)
		kprintf("skiff: cpus: cpus=%u asks for more CPUs than skiff holds; the guest gets %lu\n",
			wanted, n);
	if (give > 1 && !use_svm && !vmx_ap_vcpus_supported(bsp)) {
		kprintf("skiff: cpus: this CPU has no wait-for-SIPI activity state for VMX guests "
			"(IA32_VMX_MISC bit 8): the guest gets the bootstrap processor only\n");
		give = 1;
	}
	vm->vcpus[0] = bsp;
	vm->vcpu_count = 1;
	for (size_t k = 1; k < n; k++) {
		struct vcpu *v;

		if (k >= give) {
			smp_ap_park(cpus[k].index);
			continue;
		}
		v = vcpu_create_ap(vm, bsp, &cpus[k]);
		if (!v) {
			kprintf("skiff: cpus: no pool pages for the vCPU of APIC ID %u; stopping\n",
				cpus[k].apic_id);
			system_stop(STOP_STATUS_BOOT_ERROR);
		}
		vm->vcpus[vm->vcpu_count++] = v;
	}
	if (n == 1)
		return;
	for (size_t k = 0; k < give && len < sizeof(ids); k++)
		len += (size_t)fmt_snprintf(ids + len, sizeof(ids) - len, "%s%u", k ? ", " : "",
					    cpus[k].apic_id);
	kprintf("skiff: cpus: the guest gets %lu vCPU(s) (APIC IDs %s)%s%s%s\n", give, ids,
		give < n ? "; the others stay " : "", give < n ? (use_svm ? SMP_HELD_SVM : SMP_HELD_VMX) : "",
		give < n ? " (cpus=N)" : "");
}

/* The APs' vCPUs into wait-for-SIPI (on AMD-V: to their wait in skiff);
 * skiff stops if one does not get there. */
static void enter_ap_vcpus(struct vm *vm)
{
	for (unsigned k = 1; k < vm->vcpu_count; k++)
		smp_ap_run(vm->vcpus[k]->index, ap_run_vcpu, vm->vcpus[k]);
	for (unsigned k = 1; k < vm->vcpu_count; k++) {
		uint64_t end = rdtsc() + tsc_ticks_for_ms(AP_ENTRY_WAIT_MS);

		while (!__atomic_load_n(&vm->vcpus[k]->entered, __ATOMIC_ACQUIRE) && rdtsc() < end)
			pause();
		if (!__atomic_load_n(&vm->vcpus[k]->entered, __ATOMIC_ACQUIRE)) {
			kprintf("skiff: cpus: the vCPU of APIC ID %u did not reach VM entry in %u ms; "
				"stopping\n", vm->vcpus[k]->apic_id, AP_ENTRY_WAIT_MS);
			system_stop(STOP_STATUS_BOOT_ERROR);
		}
	}
}

/* Where GRUB put skiff (entry.S): build/skiff.elf's symbols plus the
 * offset are the running image's addresses (make debug, addr2line). */
static void print_image(void)
{
	extern const char __image_start[], __image_end[];
	uint64_t start = (uint64_t)__image_start;
	bool up = start >= SKIFF_LINK_BASE;

	kprintf("skiff: image at 0x%lx-0x%lx, linked at 0x%x: symbols %c 0x%lx\n", start,
		(uint64_t)__image_end - 1, SKIFF_LINK_BASE, up ? '+' : '-',
		up ? start - SKIFF_LINK_BASE : SKIFF_LINK_BASE - start);
}

static void print_banner(const struct boot_info *bi)
{
	char names[64];

	console_describe(names, sizeof(names));
	kprintf("skiff %s: a unikernel-style type-1 hypervisor for x86-64\n", SKIFF_VERSION);
	kprintf("skiff: booted by %s (%s), command line \"%s\"\n",
		bi->loader_name[0] ? bi->loader_name : "an unnamed loader",
		bi->efi_system_table ? "UEFI" : "BIOS", bi->cmdline);
	kprintf("skiff: consoles: %s\n", names);
	print_screen(&bi->fb);
	print_image();
}

static void print_memory_summary(const struct boot_info *bi)
{
	uint64_t usable = bootinfo_mem_total(bi, MEM_USABLE);
	uint64_t total = usable + bootinfo_mem_total(bi, MEM_ACPI_RECLAIMABLE) +
			 bootinfo_mem_total(bi, MEM_ACPI_NVS);

	kprintf("skiff: memory: %lu MiB total RAM, %lu MiB usable, in %u map entries\n",
		total >> 20, usable >> 20, bi->mmap_count);
}

/*
 * VT-x, or where the CPU has none, AMD-V (kernel/svm/; use_svm).  0 when
 * skiff can go on; each failure is already explained on the console.
 */
static int probe_virtualization(void)
{
	int r = vmx_probe(&vmx_features);

	if (r != -ENXIO)
		return r;
	r = svm_probe(&svm_caps);
	use_svm = r == 0;
	return r;
}

/* The guest, the same on either backend: its rules, its policy, its
 * image loaded, the platform's reset and power paths and the PCI
 * inventory (taken while the machine is still skiff's).  A guest that
 * cannot be loaded is the boot-error stop. */
static void set_up_guest(const struct vm_arch *arch, struct ept *ept,
			 struct pci_reset_reg *pci_reset)
{
	vm_init(&guest, mm_layout(), ept);
	guest.arch = arch;
	guest.ports.com1_guest = com1_guest;
	vm_policy_init(&guest.policy, boot_info.cmdline);
	if (vm_load(&guest, &boot_info) < 0) {
		kprintf("skiff: cannot load the guest; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	guard_platform(&guest.platform, pci_reset);
	vm_pci_init(&guest, mm_layout(), pci_reset);
}

/*
 * An SVM machine: every AP held as on VT-x (SVM on, GIF clear), the guest
 * loaded as on VT-x with its ports and PCI filter, the registers in memory
 * skiff keeps (its local APIC page, ECAM, trap_page=, MMIO reset
 * registers) write-protected in the NPT as in the EPT, so the NPT is built
 * once they are known; a vCPU for the BSP and for each AP the guest gets
 * (kernel/svm/), its watchdog described (kernel/svm/watchdog.c: the
 * vCPUs watch each other, there being no preemption timer), and the guest
 * started.
 */
static __attribute__((noreturn)) void run_on_svm(void)
{
	struct pci_reset_reg pci_reset;
	struct vcpu *bsp;
	const char *own_timer_off = NULL;

	tsc_calibrate();
	if (smp_start_aps(&boot_info, &svm_root, cpus_wanted(boot_info.cmdline)) < 0)
		system_stop(STOP_STATUS_BOOT_ERROR);
	set_up_guest(&svm_arch, NULL, &pci_reset);
	trap_xapic(&boot_info, &guest);
	trap_ecam(&guest);
	trap_test_page(&boot_info, &guest);
	protect_mmio(&guest);	/* recorded: mm_build_npt() applies them */
	/* One vCPU: skiff's own timer for the watchdog (svm/own_timer.h),
	 * and the guest's APIC page not mapped at all. */
	if (svm_own_timer_choose(guest.policy.watchdog_ms, guest_cpus(&boot_info), &own_timer_off) &&
	    mm_ept_hide(VM_APIC_BASE_ARCH, XAPIC_REGS_SIZE) < 0)
		system_stop(STOP_STATUS_BOOT_ERROR);
	if (mm_build_npt(&guest_npt) < 0) {
		kprintf("skiff: cannot build the guest's nested page tables; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	bsp = svm_cpu_init(&svm_caps, &guest, &guest_npt, bsp_apic_id());
	if (!bsp) {
		kprintf("skiff: cannot set up AMD-V for the guest; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	give_cpus(&guest, bsp, cpus_wanted(boot_info.cmdline));
	svm_watchdog_describe(&guest, own_timer_off);
	watch_integrity(&guest, NULL, &guest_npt);
	vm_start(&guest);
	enter_ap_vcpus(&guest);
	kprintf("skiff: starting the guest at 0x%lx\n", guest.entry.rip);
	vm_run(bsp);
}

void kmain(uint32_t magic, uint64_t mbi_addr)
{
	bool serial = uart_init(COM1_BASE);
	struct vcpu *bsp;
	struct pci_reset_reg pci_reset;

	gdt_init();
	idt_init();
	if (bootinfo_parse(magic, (const void *)mbi_addr,
			   mbi_addr < BOOT_MAPPED_LIMIT ? BOOT_MAPPED_LIMIT - mbi_addr : 0,
			   &boot_info) < 0) {
		if (!serial)
			vgacon_init(VGA_TEXT_ADDR, VGA_TEXT_COLS, VGA_TEXT_ROWS);
		kprintf("skiff: cannot continue without valid boot information\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	screen_init(&boot_info);
	print_banner(&boot_info);
	cmdline_check(boot_info.cmdline);
	if (acpi_init(boot_info.rsdp, boot_info.rsdp_revision) == 0)
		power_allow_emulator_exit(acpi_is_emulator());
	apply_cmdline(&boot_info);
	com1_guest = give_com1(&boot_info);
	if (madt_init() < 0)	/* every CPU skiff must hold, or stop (after stop=) */
		system_stop(STOP_STATUS_BOOT_ERROR);
	print_memory_summary(&boot_info);
	tsc_calibrate_start();	/* measures while skiff boots; read below */
	if (mm_init(&boot_info, madt_cpus()->cpu_count, iommu_pool_pages()) < 0) {
		kprintf("skiff: cannot continue without memory for skiff and its guest\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	debug_requests(&boot_info);
	guard_dma(&boot_info);
	iommu_test_run(boot_info.cmdline, mm_layout());	/* iommu_test=1: a device's DMA, blocked or not */
	if (probe_virtualization() < 0) {
		kprintf("skiff: cannot run a guest on this machine; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	if (use_svm)
		run_on_svm();
	if (mm_build_ept(&vmx_features.ept, &guest_ept) < 0) {
		kprintf("skiff: cannot build the guest's EPT; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	tsc_calibrate();	/* the AP start-up waits, and the watchdog counts, in TSC ticks */
	if (smp_start_aps(&boot_info, &vmx_root, cpus_wanted(boot_info.cmdline)) < 0)
		system_stop(STOP_STATUS_BOOT_ERROR);

	set_up_guest(&vmx_arch, &guest_ept, &pci_reset);
	trap_xapic(&boot_info, &guest);
	trap_ecam(&guest);
	trap_test_page(&boot_info, &guest);
	protect_mmio(&guest);
	watch_integrity(&guest, &guest_ept, NULL);
	bsp = vmx_cpu_init(&vmx_features, &guest, &guest_ept, bsp_apic_id());
	if (!bsp) {
		kprintf("skiff: cannot set up VT-x for the guest; stopping\n");
		system_stop(STOP_STATUS_BOOT_ERROR);
	}
	vcpu_debug_requests(&boot_info, bsp);
	give_cpus(&guest, bsp, cpus_wanted(boot_info.cmdline));
	vm_start(&guest);
	enter_ap_vcpus(&guest);
	kprintf("skiff: starting the guest at 0x%lx\n", guest.entry.rip);
	vm_run(bsp);
}
