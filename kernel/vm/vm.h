/*
 * The vendor-neutral guest model (ARCHITECTURE.md "The way data flows"):
 * the guest's memory, its devices and hypercalls, its boot, and what
 * happens when it ends or misbehaves.  The VT-x code (kernel/vmx) decodes
 * each exit and calls these with plain values; nothing here knows a VMCS.
 */
#ifndef SKIFF_VM_VM_H
#define SKIFF_VM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"
#include "mm/layout.h"
#include "vm/gconsole.h"
#include "vm/guest_mem.h"
#include "vm/hypercall.h"
#include "vm/ports.h"
#include "x86.h"

/* Where and how the guest starts (Multiboot2: EAX magic, EBX info). */
struct vm_entry {
	uint64_t rip;
	uint32_t eax, ebx;
};

enum vm_incident_kind {
	VM_INCIDENT_CRASH,	/* triple fault, unhandled exit, EPT violation, ... */
	VM_INCIDENT_HANG,	/* the guest stopped making progress */
};

struct vm_incident {
	const char *what;	/* "triple fault" */
	uint64_t rip;		/* guest RIP when it happened */
	enum vm_incident_kind kind;
};

/* The policy in force: config.h's, or the command line's for this run. */
struct vm_policy {
	int on_exit, on_crash, on_hang;		/* POLICY_* */
	unsigned restarts;			/* at most this many restarts */
	unsigned backoff_ms, backoff_max_ms;
	unsigned watchdog_ms;			/* 0: no watchdog */
};

/* Where the guest's pristine image lies (skiff keeps it: a module in
 * skiff's memory, or the built-in one in skiff's read-only data). */
struct vm_source {
	const void *image;
	size_t size;
	const char *cmdline;
	const char *name;
};

struct vm {
	struct guest_mem mem;
	struct gconsole console;
	struct vm_ports ports;
	struct vm_hc_ctx hc;
	struct vm_entry entry;
	struct vm_source source;
	struct vm_policy policy;
	const char *guest_name;
	unsigned incidents;	/* sequence number of the last incident */
	unsigned restarts;	/* restarts so far */
	size_t pool_free_at_start;	/* for the restart check */
};

/* config.h's policy, overridden by the command line's words. */
void vm_policy_init(struct vm_policy *p, const char *cmdline);

/* Loads the guest again from its pristine image (a restart). */
int vm_reload(struct vm *vm);

/* The guest's RAM from the layout; devices in their reset state. */
void vm_init(struct vm *vm, const struct mm_layout *layout);

/* Loads the guest (a GRUB module marked "guest", else the built-in one),
 * builds its Multiboot2 information, fills vm->entry.  Negative error,
 * reported, when the guest cannot be started. */
int vm_load(struct vm *vm, const struct boot_info *bi);

/* Just before the first VM entry: the baselines the integrity and
 * restart checks compare against. */
void vm_start(struct vm *vm);

/* ---- called from exit handlers ---- */

/* The guest's partial output line goes out before skiff prints. */
void vm_console_flush(struct vm *vm);

/* skiff's CPUID leaves (0x40000000 and up): true with *r filled, false
 * for a leaf that is the CPU's. */
bool vm_cpuid(struct vm *vm, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

/* A VMCALL: the result for RAX.  Does not return when the guest exits. */
int64_t vm_hypercall_exit(struct vm *vm, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  bool guest_64bit);

/* The calls of vm_hypercall_exit() that need no call out of line and
 * never end the guest (vm_hypercall_fast() in vm/hypercall.h, which says
 * which): true with the result for RAX in *ret, in either mode; false,
 * having changed nothing, for the others. */
static inline bool vm_hypercall_exit_fast(struct vm *vm, uint64_t nr, uint64_t a0, uint64_t a1,
					  int64_t *ret)
{
	return vm_hypercall_fast(&vm->hc, nr, a0, a1, ret);
}

/* IN or OUT to a port skiff keeps: *value in, or out for IN.  Does not
 * return when the guest ends itself through an exit port. */
void vm_port_io_exit(struct vm *vm, uint16_t port, unsigned size, bool in, uint32_t *value);

/* The guest asked to end: its status and the exit counts, then the
 * compiled-in policy for a guest exit. */
__attribute__((noreturn)) void vm_guest_exited(struct vm *vm, int status);

/* The guest crashed or hung (already reported with its state): recorded,
 * then the compiled-in policy. */
__attribute__((noreturn)) void vm_incident(struct vm *vm, const struct vm_incident *inc);

/* VM entry itself failed: skiff's fault, not the guest's (already
 * reported).  Stops with STOP_STATUS_PANIC. */
__attribute__((noreturn)) void vm_entry_failed(struct vm *vm, uint64_t rip);

/* Provided by the backend (kernel/vmx): a fresh VMCS state for vm->entry
 * and VM entry.  Does not return. */
__attribute__((noreturn)) void vm_arch_restart(struct vm *vm);

/* Provided by the backend (kernel/vmx/exit.c): the exit-count table, and
 * the statistics themselves (count entries, indexed by exit reason). */
void vm_arch_print_exit_stats(void);
const struct hc_exit_stat *vm_arch_exit_stats(size_t *count);

#endif
