/*
 * The AP start-up (smp.h), run once by the BSP from kmain() before the
 * guest exists.  For each AP in turn: its stacks and TSS
 * (cpu_ap_prepare()), its root page (VT-x: VMXON region; AMD-V: host
 * save area), then INIT, 10 ms, SIPI, 200 us, SIPI (SDM Vol. 3A 9.4.4.1),
 * and up to AP_CHECKIN_MS for it to say the backend holds it.  One AP at a time, so the per-AP block (ap_boot) and the
 * page pool are never shared.  The trampoline page is executable only
 * during the start-up and is cleared afterwards.
 */
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
#include "drivers/lapic.h"
#include "drivers/madt.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "smp.h"
#include "x86.h"

#define INIT_DELAY_MS	10	/* SDM 9.4.4.1: INIT, then wait 10 ms */
#define SIPI_DELAY_US	200	/* between the two start-up IPIs */
#define AP_CHECKIN_MS	100	/* an AP not held by then is lost */

enum ap_state { AP_OFF, AP_PARKED, AP_FAILED };

extern const char smp_trampoline[], smp_trampoline_end[];
extern const char smp_trampoline_pm[], smp_trampoline_lm[];

static struct smp_ap_boot ap_boot;
static const struct smp_root *ap_root;
static uint64_t ap_root_page[CONFIG_MAX_CPUS];
static int ap_state[CONFIG_MAX_CPUS];

/* The CPUs skiff holds: the BSP first, then every AP that came up. */
static struct smp_cpu held[CONFIG_MAX_CPUS];
static size_t held_count;

/* What each held AP is told to do next (smp_ap_run, smp_ap_park). */
enum ap_job_kind { AP_JOB_WAIT, AP_JOB_RUN, AP_JOB_PARK };
static struct {
	void (*fn)(void *arg);
	void *arg;
	int kind;		/* enum ap_job_kind, atomic */
} ap_job[CONFIG_MAX_CPUS];

/*
 * The AP's first C code, on its own stack, called by the trampoline.  In
 * VMX root with IF = 0 INIT is blocked and start-up IPIs are ignored; with
 * SVM's GIF clear INIT and NMI are held pending (APM Vol. 2 15.17).  An
 * NMI or #MC that is taken runs on its IST stack and returns.  It waits there for its
 * job: a vCPU to run (which never returns), or to park for good.
 */
static __attribute__((noreturn)) void ap_entry(uint64_t index)
{
	int rc;

	cpu_ap_load((unsigned)index);
	rc = ap_root->enter(ap_root_page[index]);
	__atomic_store_n(&ap_state[index], rc == 0 ? AP_PARKED : AP_FAILED, __ATOMIC_RELEASE);
	while (rc == 0 && __atomic_load_n(&ap_job[index].kind, __ATOMIC_ACQUIRE) == AP_JOB_WAIT)
		pause();
	if (rc == 0 && ap_job[index].kind == AP_JOB_RUN)
		ap_job[index].fn(ap_job[index].arg);
	for (;;) {
		cli();
		hlt();
	}
}

size_t smp_cpus(const struct smp_cpu **cpus)
{
	*cpus = held;
	return held_count;
}

void smp_ap_run(unsigned index, void (*fn)(void *arg), void *arg)
{
	ap_job[index].fn = fn;
	ap_job[index].arg = arg;
	__atomic_store_n(&ap_job[index].kind, AP_JOB_RUN, __ATOMIC_RELEASE);
}

void smp_ap_park(unsigned index)
{
	__atomic_store_n(&ap_job[index].kind, AP_JOB_PARK, __ATOMIC_RELEASE);
}

/* Copies the trampoline to page and makes the page executable for the
 * start-up, read-only meanwhile (W^X). */
static int trampoline_install(uint64_t page)
{
	struct smp_cpu_regs regs = {
		.cr0 = read_cr0(), .cr3 = read_cr3(), .cr4 = read_cr4(),
		.efer = rdmsr(MSR_IA32_EFER),
	};
	size_t size = (size_t)(smp_trampoline_end - smp_trampoline);
	int rc;

	memcpy((void *)page, smp_trampoline, size);
	rc = smp_tramp_params_fill((struct smp_tramp_params *)(page + TRAMP_PARAMS), page, &regs,
				   (uint32_t)(smp_trampoline_pm - smp_trampoline),
				   (uint32_t)(smp_trampoline_lm - smp_trampoline),
				   (uint64_t)&ap_boot);
	if (rc < 0) {
		kprintf("skiff: cpus: skiff's page tables (CR3 0x%lx) are above 4 GiB, out of the "
			"AP start-up code's reach\n", regs.cr3);
		return rc;
	}
	return mm_set_page_rights(page, PT_RX);
}

static void trampoline_remove(uint64_t page)
{
	if (mm_set_page_rights(page, PT_RW) == 0)
		memset((void *)page, 0, 4096);
}

static bool ap_checked_in(unsigned index)
{
	uint64_t end = rdtsc() + tsc_ticks_for_ms(AP_CHECKIN_MS);

	while (rdtsc() < end) {
		if (__atomic_load_n(&ap_state[index], __ATOMIC_ACQUIRE) != AP_OFF)
			break;
		pause();
	}
	return __atomic_load_n(&ap_state[index], __ATOMIC_ACQUIRE) == AP_PARKED;
}

/* One AP: its state, then INIT-SIPI-SIPI (SDM Vol. 3A 9.4.4.1). */
static int start_ap(unsigned index, uint32_t apic_id, uint64_t page, uint64_t *stack_top)
{
	uint64_t stack;

	if (cpu_ap_prepare(index, &stack) < 0)
		return -ENOMEM;
	*stack_top = stack;
	ap_root_page[index] = mm_alloc_page();
	if (!ap_root_page[index])
		return -ENOMEM;
	ap_boot = (struct smp_ap_boot){ .stack = stack, .entry = (uint64_t)ap_entry, .index = index };
	__atomic_store_n(&ap_state[index], AP_OFF, __ATOMIC_SEQ_CST);

	if (!lapic_send_ipi(apic_id, lapic_icr_init()))
		return -EIO;
	tsc_delay_ms(INIT_DELAY_MS);
	for (int i = 0; i < 2; i++) {
		if (!lapic_send_ipi(apic_id, lapic_icr_startup((uint8_t)(page >> 12))))
			return -EIO;
		tsc_delay_us(SIPI_DELAY_US);
	}
	return ap_checked_in(index) ? 0 : -ETIMEDOUT;
}

/* What skiff keeps: the trampoline must not overwrite any of it (the
 * layout moves modules high, but keeps one above 4 GiB where it lies). */
static size_t kept_ranges(struct phys_range *out, size_t max)
{
	const struct mm_layout *l = mm_layout();
	size_t n = 0;

	for (size_t i = 0; i < l->skiff_count && n < max; i++)
		out[n++] = l->skiff[i].range;
	return n;
}

/*
 * A CPU that does not come up is reported by APIC ID.  skiff stops then
 * (a CPU it does not hold is one the guest could start), unless the
 * command line's cpus=N asks for no more CPUs than did come up; and a CPU
 * the MADT lists as only online-capable (not present now) is reported
 * but never a reason to stop.
 */
int smp_start_aps(const struct boot_info *bi, const struct smp_root *root, unsigned wanted)
{
	const struct madt_info *m = madt_cpus();
	struct phys_range avoid[MM_OWNED_MAX];
	uint32_t ids[CONFIG_MAX_CPUS];
	char line[128];
	unsigned index = 1, lost_enabled = 0;
	uint32_t bsp_id;
	uint64_t page;

	lapic_init();
	bsp_id = lapic_id();	/* alone too: the guest's INIT to it is an incident */
	held[0] = (struct smp_cpu){ .index = 0, .apic_id = bsp_id, .stack_top = 0 };
	held_count = 1;
	if (m->cpu_count <= 1)
		return 0;
	if (!madt_has_cpu(m, bsp_id)) {
		/* Firmware that forgets the CPU it booted on is not to be
		 * trusted with the others (and every MADT CPU would be an AP,
		 * one more than the per-CPU arrays hold). */
		kprintf("skiff: cpus: the MADT does not list the CPU skiff runs on (APIC ID %u); "
			"stopping\n", bsp_id);
		return -EINVAL;
	}
	page = smp_pick_trampoline_page(bi->mmap, bi->mmap_count, avoid,
					kept_ranges(avoid, MM_OWNED_MAX));
	if (!page) {
		kprintf("skiff: cpus: no free page of usable RAM below 640 KiB for the AP "
			"start-up code; stopping\n");
		return -ENOMEM;
	}
	if (trampoline_install(page) < 0)
		return -ERANGE;
	console_flush();	/* should an AP reset the machine, the log is out */
	ap_root = root;
	for (uint32_t i = 0; i < m->cpu_count && index < CONFIG_MAX_CPUS; i++) {
		uint32_t id = m->cpus[i].apic_id;
		bool enabled = m->cpus[i].flags & MADT_CPU_ENABLED;
		uint64_t stack = 0;
		int rc;

		if (id == bsp_id)
			continue;
		rc = start_ap(index, id, page, &stack);
		if (rc == 0) {
			held[held_count++] = (struct smp_cpu){ .index = index, .apic_id = id,
							       .stack_top = stack };
		} else {
			kprintf("skiff: cpus: the CPU with APIC ID %u did not come up%s%s\n", id,
				rc == -ENOMEM ? " (no pool pages for its stacks)" : "",
				enabled ? "" : " (online-capable only: not present now)");
			lost_enabled += enabled;
		}
		index++;	/* a lost AP's slot is never reused: it may yet run */
	}
	trampoline_remove(page);
	if (lost_enabled && (wanted == 0 || held_count < wanted)) {
		kprintf("skiff: cpus: %u CPU(s) listed as enabled are not under skiff; stopping "
			"(cpus=N on the command line runs with fewer)\n", lost_enabled);
		return -EIO;
	}
	if (lost_enabled)
		kprintf("skiff: cpus: WARNING: %u CPU(s) not under skiff: should they come up "
			"later, nothing keeps the guest from starting them\n", lost_enabled);
	for (size_t k = 1; k < held_count; k++)
		ids[k - 1] = held[k].apic_id;
	smp_format_parked(line, sizeof(line), root->held, ids, held_count - 1);
	kprintf("skiff: cpus: %s, start-up code at 0x%lx\n", line, page);
	return 0;
}
