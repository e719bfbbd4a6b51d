/*
 * Every AP under skiff before the guest runs (issue 12): skiff starts each
 * CPU the MADT lists with INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4.1) through a
 * real-mode trampoline in one low page, brings it to long mode on skiff's
 * own page tables, and parks it in VMX root operation with interrupts off.
 * There INIT is blocked and start-up IPIs are ignored (SDM Vol. 3C 24.8
 * "Restrictions on VMX Operation"), so the guest, which owns the local
 * APIC, can never start it.  On AMD-V the AP parks with SVM on and the
 * global interrupt flag clear, which holds INIT pending (APM Vol. 2
 * 15.17); and there the guest's INIT and SIPI never reach the hardware at
 * all (vm/ipi.h).  The APs print nothing; the BSP reports.
 *
 * smp_plan.c holds the pure parts (the page choice, the parameter block,
 * the report line) for the host tests; smp.c the start-up itself.
 */
#ifndef SKIFF_SMP_H
#define SKIFF_SMP_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "mm/range.h"
#include "smp_trampoline.h"

/* Where the trampoline may go: a start-up IPI's vector is the page number
 * (SDM 9.4.4.1), so below 1 MiB; conventional memory ends at 640 KiB, and
 * page 0 holds the real-mode IVT and the BIOS data area. */
#define SMP_TRAMP_LOWEST	0x1000ull
#define SMP_TRAMP_LIMIT		0xa0000ull

/* The parameter block at TRAMP_PARAMS in the trampoline's page. */
struct __attribute__((packed)) smp_far_ptr {
	uint32_t offset;
	uint16_t selector;
	uint16_t pad;
};

struct __attribute__((packed)) smp_tramp_params {
	uint64_t cr3, cr4, cr0, efer;
	uint64_t boot;			/* struct smp_ap_boot */
	struct smp_far_ptr pm_jump, lm_jump;
	uint16_t gdt_limit;
	uint32_t gdt_base;
	uint16_t pad;
};

/* What one AP's start needs beyond the page: in skiff's data. */
struct smp_ap_boot {
	uint64_t stack;		/* top of its C stack */
	uint64_t entry;		/* void entry(uint64_t index) */
	uint64_t index;		/* its CPU index (1..), TSS selector from it */
};

/* The BSP's paging and mode, for the APs to copy. */
struct smp_cpu_regs {
	uint64_t cr0, cr3, cr4, efer;
};

/*
 * The lowest page in [SMP_TRAMP_LOWEST, SMP_TRAMP_LIMIT) that lies wholly
 * in usable RAM of the memory map, overlaps no entry of another type, and
 * overlaps none of avoid[] (what skiff keeps: boot information, modules).
 * 0 when there is none.
 */
uint64_t smp_pick_trampoline_page(const struct mem_range *mmap, uint32_t count,
				  const struct phys_range *avoid, size_t navoid);

/*
 * Fills the parameter block for the trampoline copied to page: the BSP's
 * registers (CR4 without PCIDE, which needs IA-32e mode, and without
 * VMXE; EFER with LME and NXE only), the far jumps to the code at pm_off
 * and lm_off in the page, the GDT in the page, and where the per-AP block
 * is.  -ERANGE when CR3 or the page is not below 4 GiB.
 */
int smp_tramp_params_fill(struct smp_tramp_params *p, uint64_t page, const struct smp_cpu_regs *r,
			  uint32_t pm_off, uint32_t lm_off, uint64_t boot);

/* Where an AP waits under skiff, for the report line: VT-x's VMX root
 * (INIT blocked, SIPIs ignored), AMD-V's global interrupt flag clear
 * (INIT, NMI and SMI held pending, APM Vol. 2 15.17). */
#define SMP_HELD_VMX	"parked in VMX root"
#define SMP_HELD_SVM	"parked with SVM on and GIF clear"

/* "N AP(s) started and <held> (APIC IDs a, b, ...)" with as many IDs as
 * fit in size. */
void smp_format_parked(char *buf, size_t size, const char *held, const uint32_t *ids, size_t n);

/* Run on each AP after its GDT, TR and IDT are loaded: the backend's hold
 * on the CPU, with root_page, a zeroed page of its own (VT-x: the VMXON
 * region; AMD-V: the host save area).  0, or negative; prints nothing. */
typedef int (*smp_root_fn)(uint64_t root_page);

/* How the backend holds its APs: the callback and the words for it. */
struct smp_root {
	smp_root_fn enter;
	const char *held;		/* SMP_HELD_VMX or SMP_HELD_SVM */
};

/*
 * Starts every AP the MADT lists and holds it through root->enter,
 * where it waits for its job (smp_ap_run, smp_ap_park).  Prints one line.
 * 0 when every AP checked in (or there is none); a negative error,
 * reported ("the CPU with APIC ID N did not come up"), when one listed as
 * enabled did not, and skiff must stop: a CPU skiff does not hold is a
 * CPU the guest can take.  Unless wanted (cpus=N; 0: every CPU) CPUs,
 * the BSP included, did come up: then a warning, and 0.
 */
int smp_start_aps(const struct boot_info *bi, const struct smp_root *root, unsigned wanted);

/* A CPU skiff holds: its index (0 for the BSP; an AP's TSS is
 * cpu_tss_selector(index)), APIC ID, and for an AP the top of its stack. */
struct smp_cpu {
	unsigned index;
	uint32_t apic_id;
	uint64_t stack_top;
};

/* The CPUs skiff holds after smp_start_aps(), the BSP first: the count. */
size_t smp_cpus(const struct smp_cpu **cpus);

/* The AP with CPU index index runs fn(arg) on its own stack (which fn
 * may take over: nothing of the AP's is above it).  fn should not
 * return; if it does, the AP parks. */
void smp_ap_run(unsigned index, void (*fn)(void *arg), void *arg);

/* The AP stays held for good (VMX root, or GIF clear), interrupts off,
 * halted. */
void smp_ap_park(unsigned index);

#endif
