/*
 * The vendor-neutral guest model (docs/architecture.md "The way data
 * flows"): the guest's memory, its devices and hypercalls, its boot, its
 * vCPUs, and what happens when it finishes or misbehaves.  The rules
 * themselves are pure functions beside this file (cpuid.h, cr_rules.h,
 * msr.h, verdict.h, policy.h).  The VT-x code (kernel/vmx) decodes each
 * exit and calls these with plain values; nothing here knows a VMCS.
 */
#ifndef SKIFF_VM_VM_H
#define SKIFF_VM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"
#include "config.h"
#include "lib/spinlock.h"
#include "mm/layout.h"
#include "mm/mtrr.h"
#include "vm/gconsole.h"
#include "vm/guest_mem.h"
#include "vm/guest_modules.h"
#include "vm/hypercall.h"
#include "vm/pci_filter.h"
#include "vm/platform.h"
#include "vm/policy.h"
#include "vm/ports.h"
#include "vm/vcpu.h"
#include "x86.h"

struct ept;

/* Where and how the guest starts: EAX the magic of its Multiboot protocol
 * (0x36d76289 for Multiboot2, 0x2badb002 for Multiboot 1), EBX the address
 * of its boot information. */
struct vm_entry {
	uint64_t rip;
	uint32_t eax, ebx, esi;
	/* The GDT the guest starts with and its selectors (0: the Multiboot
	 * state, selectors 0x08 and 0x10 and no GDT of the guest's); the
	 * Linux boot protocol asks for 0x10 and 0x18 in a real GDT. */
	uint32_t gdt_base;
	uint16_t gdt_limit, code_sel, data_sel;
};

enum vm_incident_kind {
	VM_INCIDENT_CRASH,	/* triple fault, unhandled exit, EPT violation, ... */
	VM_INCIDENT_HANG,	/* the guest stopped making progress */
};

struct vm_incident {
	const char *what;	/* "triple fault" */
	uint64_t rip;		/* guest RIP when it happened */
	enum vm_incident_kind kind;
	bool no_rip;		/* caused by a device the guest drives, not a vCPU */
};

/* Where the guest's pristine image lies (skiff keeps it: a module in
 * skiff's memory, or the built-in one in skiff's read-only data), and its
 * own modules, the GRUB modules after it (skiff keeps those too). */
struct vm_source {
	const void *image;
	size_t size;
	const char *cmdline;
	const char *name;
	struct guest_module modules[GUEST_MODULES_MAX];
	size_t module_count;
};

/*
 * The guest's PCI configuration mechanism #1 (vm/pci_config.c): the
 * filter's view of the machine, and CONFIG_ADDRESS as the guest last
 * wrote it.  The hardware has one CONFIG_ADDRESS per host bridge, shared
 * by every CPU, so the guest has one latch, not one per vCPU: a guest
 * that lets two CPUs interleave their address and data accesses gets
 * what it would get on the hardware, and one that locks (as operating
 * systems do) gets its own accesses.  skiff writes the latch to the
 * hardware before each CONFIG_DATA access, under vm->lock, since its
 * own reads for the filter move the hardware's.
 */
#define VM_PCI_KEPT_MAX	(MM_OWNED_MAX + 8)

struct vm_pci {
	struct pci_inventory inv;
	struct phys_range kept[VM_PCI_KEPT_MAX];	/* skiff's memory, the IOMMU's registers */
	struct vm_port_range ports[VM_PORT_RANGES + VM_PLATFORM_RANGES_MAX];
	struct pci_filter_config filter;
	uint32_t address;
};

struct vm {
	struct guest_mem mem;
	struct gconsole console;
	struct vm_ports ports;
	struct vm_platform platform;	/* reset and sleep ports, skiff's */
	struct vm_pci pci;		/* the PCI configuration filter */
	struct vm_hc_ctx hc;
	const struct vm_arch *arch;	/* the backend: VT-x or AMD-V */
	struct vm_entry entry;
	struct vm_source source;
	struct vm_policy policy;
	/* The guest-physical map (the EPT), which the guest's MTRRs type. */
	struct ept *ept;
	struct mtrr_regs mtrrs;		/* the guest's view (vm/mtrr_view.h) */
	struct mtrr_regs mtrrs_at_boot;	/* the view a restart starts from */
	struct mtrr_regs cpu_mtrrs;	/* the CPU's at boot, skiff's */
	const char *guest_name;
	unsigned incidents;	/* sequence number of the last incident */
	unsigned refusals;	/* vm_refused() calls since boot */
	unsigned restarts;	/* restarts so far */
	size_t pool_free_at_start;	/* for the restart check */

	/* The guest's CPUs: vcpus[0] is the bootstrap processor's. */
	struct vcpu *vcpus[CONFIG_MAX_CPUS];
	unsigned vcpu_count;
	/* The guest's devices, console and hypercall state are shared by
	 * its vCPUs: one exit at a time touches them. */
	struct spinlock lock;
	/* The guest's fate (vm/fate.c): even while it runs, odd while one
	 * vCPU has stopped the others and decides. */
	unsigned fate;
	struct vcpu *leader;	/* the deciding vCPU while fate is odd */
	bool stopped;		/* the decision was to stop: held vCPUs halt */
	bool stray;		/* a vCPU did not leave the guest: no restart */
};

/* Loads the guest again from its pristine image (a restart). */
int vm_reload(struct vm *vm);

/* The guest's RAM from the layout; devices in their reset state; ept is
 * its guest-physical map, which the guest's MTRR view types. */
void vm_init(struct vm *vm, const struct mm_layout *layout, struct ept *ept);

/* Loads the guest (a GRUB module marked "guest", else the built-in one),
 * builds its Multiboot2 information, fills vm->entry.  Negative error,
 * reported, when the guest cannot be started. */
int vm_load(struct vm *vm, const struct boot_info *bi);

/* Takes the PCI inventory (skiff still owns the machine) and sets up the
 * filter of the guest's configuration writes: skiff's memory from layout,
 * the ports skiff intercepts (vm->platform must be set), the FADT's reset
 * register if it is in configuration space.  Prints the inventory line. */
void vm_pci_init(struct vm *vm, const struct mm_layout *layout, const struct pci_reset_reg *reset);

/* Just before the first VM entry: the baselines the integrity and
 * restart checks compare against. */
void vm_start(struct vm *vm);

/* The one way into the guest, for its first start and for every restart:
 * the backend's fresh state for vm->entry, then VM entry.  Does not
 * return: from then on skiff runs only in exit handlers. */
__attribute__((noreturn)) void vm_run(struct vcpu *v);

/* ---- called from exit handlers ---- */

/* The guest's partial output line goes out before skiff prints. */
void vm_console_flush(struct vm *vm);

/* A VMCALL: the result for RAX.  Does not return when the guest finishes. */
int64_t vm_handle_hypercall(struct vcpu *v, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			    bool guest_64bit);

/* The calls of vm_handle_hypercall() that need no call out of line and
 * never end the guest (vm_hypercall_fast() in vm/hypercall.h, which says
 * which): true with the result for RAX in *ret, in either mode; false,
 * having changed nothing, for the others. */
static inline bool vm_handle_hypercall_fast(struct vm *vm, uint64_t nr, uint64_t a0, uint64_t a1,
					    int64_t *ret)
{
	return vm_hypercall_fast(&vm->hc, nr, a0, a1, ret);
}

/* IN or OUT to a port skiff keeps: *value in, or out for IN.  Does not
 * return when the guest finishes itself through a finish port. */
void vm_handle_port_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value);

/* Whether an access of size bytes at port is the PCI filter's: a dword
 * at CONFIG_ADDRESS, or any byte of CONFIG_DATA (0xcfc-0xcff). */
bool vm_pci_covers(uint16_t port, unsigned size);

/* Such an access (vm/pci_config.c); does not return when it reboots. */
void vm_pci_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value);

/* An access to the hardware, as the guest made it. */
void vm_port_pass(uint16_t port, unsigned size, bool in, uint32_t *value);

/* The guest asked to finish: its status and the exit counts, then the
 * policy for a guest's finish. */
__attribute__((noreturn)) void vm_guest_finished(struct vcpu *v, int status);

/* The guest reset the machine (what: how): the on_reboot policy. */
__attribute__((noreturn)) void vm_guest_rebooted(struct vcpu *v, const char *what);

/* The guest crashed or hung (already reported with its state): recorded,
 * then the policy. */
__attribute__((noreturn)) void vm_incident(struct vcpu *v, const struct vm_incident *inc);

/* VM entry itself failed: skiff's fault, not the guest's (already
 * reported).  Stops with STOP_STATUS_PANIC. */
__attribute__((noreturn)) void vm_entry_failed(struct vcpu *v, uint64_t rip);

/* The guest tried something skiff refuses without ending the run (the
 * guest gets the fault the hardware would give): one line naming it, for
 * the first VM_REFUSALS_SHOWN of a run; the rest are counted. */
#define VM_REFUSALS_SHOWN	16
void vm_refused(struct vcpu *v, const char *what, uint64_t value, const char *why);

/* vm_refused() for a WRMSR of msr, named "WRMSR 0x..." (IA32_APIC_BASE by
 * name); the backend then gives the guest its #GP. */
void vm_refused_wrmsr(struct vcpu *v, uint32_t msr, uint64_t value, const char *why);

/* RDMSR and WRMSR of the guest's MTRRs (vm/mtrr_view.h): a read is 0 or -1
 * (#GP); a write returns what vm_mtrr_write() does, and a write that changes
 * the memory types has retyped guest memory in the EPT when it returns
 * (the caller flushes its own CPU's cached translations). */
int vm_guest_mtrr_read(struct vcpu *v, uint32_t msr, uint64_t *value);

/* A DMA the IOMMU blocked (iommu.h): the guest's crash, reported with
 * what (the device, the address, the access), then its policy.  Does not
 * return. */
__attribute__((noreturn)) void vm_dma_blocked(struct vcpu *v, const char *what);

/* Looks for a DMA the IOMMU blocked since the last look and makes it the
 * guest's incident (vm_dma_blocked()).  For the exit paths, behind their
 * cheap check of iommu_watching: every guest exits often enough (the
 * watchdog's timer at the latest). */
void vm_check_dma(struct vcpu *v);

/* A guest store of size bytes of value at gpa, which the EPT trapped:
 * -ENOENT when gpa is in no page skiff keeps (vm/platform.h); else 0,
 * the store done for the guest, refused, or ending the guest (a reboot or
 * power-off: then it does not return). */
int vm_mmio_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value);

/*
 * The store the guest's instruction at linear (read through paging p, in
 * code size mode; rax and rsp the guest's, which a backend may keep
 * outside v->regs) makes to gpa, a page of registers
 * skiff keeps: 0 with *insn decoded and *value what it stores; -1 when it
 * is an instruction skiff does not emulate, with detail saying which (its
 * bytes), for the guest's crash report.  The same on either backend.
 */
struct guest_paging;
struct mmio_insn;
enum mmio_mode;
int vm_mmio_decode_store(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			 enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			 struct mmio_insn *insn,
			 uint64_t *value, char *detail, size_t size);
/* The same for a page whose loads skiff answers too: a load is decoded
 * (insn->write false, *value untouched) as well as a store. */
int vm_mmio_decode_access(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			  enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			  struct mmio_insn *insn, uint64_t *value, char *detail, size_t size);

/* What the guest touched that its EPT or NPT does not map, for its crash
 * report: "<access> of guest-physical <gpa>, which belongs to skiff:
 * <owner>" (or is not RAM skiff maps for the guest, or is guest RAM). */
void vm_describe_unmapped(char *buf, size_t size, const char *access, uint64_t gpa);

/* A store to gpa, a page of registers skiff keeps, made by the CPU
 * delivering an event (the guest's stack or IDT there), not by an
 * instruction skiff could decode: for the guest's crash report. */
void vm_describe_delivery_store(char *buf, size_t size, uint64_t gpa);

/* A store of size bytes (1, 2, 4, 8) of value to the hardware at pa, as
 * the guest made it. */
void vm_mmio_store(uint64_t pa, unsigned size, uint64_t value);

/* A guest store into an ECAM window (trap t; e has the function and
 * register), under vm->lock: judged by the PCI filter as a CONFIG_DATA
 * write would be, and done when it passes (vm/pci_config.c). */
struct pci_filter_result vm_pci_ecam_write(struct vm *vm, const struct vm_mmio_trap *t,
					   const struct vm_platform_event *e, uint64_t gpa,
					   unsigned size, uint64_t value);
int vm_guest_mtrr_write(struct vcpu *v, uint32_t msr, uint64_t value);

/* ---- one guest, one fate (vm/fate.c) ---- */

/*
 * The vCPU that found the guest's end (it finished, crashed or hung) or
 * a failed VM entry calls this before it reports anything.  It returns
 * when v decides for the whole guest: every other vCPU has left the guest
 * (held in skiff, or waiting for a SIPI, running nothing).  When another
 * vCPU decides already, v is held with the others: it does not return.
 * A second call by the deciding vCPU returns at once.
 */
void vm_fate_claim(struct vcpu *v);

/* v waits, out of the guest, for the decision: a restart (v starts again
 * through vm_run) or a stop (v halts).  Does not return. */
__attribute__((noreturn)) void vm_fate_hold(struct vcpu *v);

/* For the exit path, before every VM entry: held while another vCPU
 * decides.  One load while the guest runs. */
static inline void vm_fate_check(struct vcpu *v)
{
	if (__atomic_load_n(&v->vm->fate, __ATOMIC_SEQ_CST) & 1)
		vm_fate_hold(v);
}

/* The decision was a restart (the guest's memory is reloaded): the held
 * vCPUs start again. */
void vm_fate_release(struct vm *vm);

/* The decision was to stop: the held vCPUs halt. */
void vm_fate_stop(struct vm *vm);

/* Brings w out of the guest: an NMI to its CPU (NMI exiting), counted
 * in w->skiff_nmis so that w does not pass it on to the guest.  False
 * when the guest has disabled or moved its local APIC. */
bool vm_kick(struct vcpu *w);

/* An NMI v saw (as an exit, or held in root mode): true when it was one
 * of skiff's kicks, which the guest must not see. */
bool vm_take_kick(struct vcpu *v);

/* An NMI that reached v's CPU while skiff ran there (v->nmi_held, idt.c;
 * on AMD-V every NMI of the guest's too, once its exit sets GIF): one of
 * skiff's kicks is counted, the guest's own becomes v's pending NMI. */
void vm_take_held_nmi(struct vcpu *v);

/* The vendor-neutral part of a new vCPU: who it is, where it runs, its
 * backend's exit counts (count of them), and how it starts: the BSP's
 * running, an AP's waiting for the guest's SIPI. */
void vm_vcpu_init(struct vcpu *v, struct vm *vm, unsigned index, uint32_t apic_id,
		  const struct hc_exit_stat *exit_stats, size_t count);

/* What the guest's write of its x2APIC ICR (vm/ipi.h) asks of v's backend. */
enum vm_ipi_action {
	VM_IPI_PASS,		/* write the real ICR with it */
	VM_IPI_DONE,		/* skiff delivered it (an INIT to other APs, or
				 * with sipi_by_skiff a SIPI) */
	VM_IPI_INIT_SELF,	/* v, an AP, sent INIT to itself: reset it */
	VM_IPI_INIT_BSP,	/* INIT reaches the bootstrap processor: an incident */
};
enum vm_ipi_action vm_guest_icr_write(struct vcpu *v, uint64_t icr);

/* A guest store of size bytes of value at gpa in its xAPIC page, which
 * the EPT trapped (VM_MMIO_XAPIC, vm/ipi.h): done for it on the real
 * local APIC, but an INIT that vm_guest_icr_write() delivers itself.  The
 * action left to v's backend: VM_IPI_DONE, VM_IPI_INIT_SELF or
 * VM_IPI_INIT_BSP. */
enum vm_ipi_action vm_xapic_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value);

/* For the exit path: an INIT another vCPU sent v (true: reset v, an AP,
 * to wait-for-SIPI). */
static inline bool vm_init_taken(struct vcpu *v)
{
	return __atomic_load_n(&v->init_pending, __ATOMIC_RELAXED) &&
	       __atomic_exchange_n(&v->init_pending, false, __ATOMIC_SEQ_CST);
}

/* With vm->arch->sipi_by_skiff: the vector of a SIPI the guest sent v
 * while v waited for one, taken (true), or false. */
bool vm_take_sipi(struct vcpu *v, uint8_t *vector);

/* An AP's vCPU leaves wait-for-SIPI (the backend's SIPI exit): running
 * from now on, unless the guest's fate is being decided (then held). */
void vm_vcpu_started(struct vcpu *v);

/* An AP's vCPU goes back to wait-for-SIPI (an INIT, as on hardware). */
void vm_vcpu_parked(struct vcpu *v);

/* After the backend's exit table (print_exit_stats): with more than one
 * vCPU each one's share of the exits, and skiff's own NMIs each took. */
void vm_print_vcpu_shares(const struct vm *vm);

/* ---- provided by the backend (kernel/vmx, kernel/svm) ---- */

/* The backend that runs the guest's vCPUs (main.c sets vm->arch before
 * the first vm_run(): vmx_arch or svm_arch). */
struct vm_arch {
	/* A fresh state for v->vm->entry and VM entry.  Does not return. */
	void (*start)(struct vcpu *v) __attribute__((noreturn));
	/* The VM-exit counts of every vCPU of vm, by reason, with a total. */
	void (*print_exit_stats)(const struct vm *vm);
	/* The hardware has no wait-for-SIPI state for guests (AMD-V): an AP's
	 * vCPU waits in skiff, and skiff delivers the guest's start-up IPIs to
	 * it (vm_guest_icr_write(), vm_take_sipi()); none reaches the CPU. */
	bool sipi_by_skiff;
};

#endif
