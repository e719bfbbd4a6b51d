/*
 * The guest's other CPUs.  Under skiff each one is a vCPU that waits for
 * SIPI, and the guest starts it with INIT-SIPI-SIPI as on bare metal
 * (runtime/smp.h).  After the BSP's checks the selftest starts every AP
 * the MADT lists, one at a time, runs a table of per-CPU checks on it
 * (what skiff must virtualize on every vCPU, not only the first), and
 * prints one line per CPU:
 *	selftest: cpu N (APIC ID M): C checks, F failed
 *	selftest: cpu N (APIC ID M): did not start
 *	selftest: cpu N (APIC ID M): not started (cpus=K)
 * each failing check's FAIL line (named cpuN-<check>) coming before it.
 * "cpus=K" on the command line says the guest was given K CPUs: the APs
 * from cpu K on must then not start (skiff holds them back), and one that
 * does is a failure; without it every AP must start.  With one CPU in
 * the MADT nothing is printed.
 */
#include "fault.h"
#include "mb2.h"
#include "printf.h"
#include "report.h"
#include "selftest.h"
#include "smp.h"
#include "string.h"
#include "x86.h"

#define CPUS_KEY	"cpus="
#define NAME_MAX	48

/* A check of the BSP's tables that each AP runs too (name NULL: all of
 * the table's checks). */
struct ap_row {
	const struct check *table;
	const char *name;
};

/* What the AP runs and hands back; written by one CPU at a time. */
struct ap_run {
	uint32_t apic_id;	/* the ID it was started as */
	unsigned checks, failed;
};

static uint32_t expected_apic_id;	/* for ap_apic_id(), on the AP */
static int bsp_feature_control_vector;	/* RDMSR IA32_FEATURE_CONTROL on the BSP */
static uint64_t bsp_feature_control;

static enum result ap_apic_id(void)
{
	uint32_t id;

	if (!smp_self_apic_id(&id))
		return fail("the xAPIC cannot be used");
	if (id != expected_apic_id)
		return fail("xAPIC ID register says %u, started as %u", id, expected_apic_id);
	return PASS;
}

/* The same answer as on the BSP: the same vector, or the same value
 * (IA32_FEATURE_CONTROL is per core, but firmware and skiff set every
 * core's alike; SDM Vol. 3C 24.7). */
static enum result ap_feature_control(void)
{
	uint64_t v = 0;
	int vec = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v);

	if (vec != bsp_feature_control_vector)
		return fail("RDMSR raised %s, on the BSP %s", fault_name(vec),
			    fault_name(bsp_feature_control_vector));
	if (vec == FAULT_NONE && v != bsp_feature_control)
		return fail("value 0x%08x, on the BSP 0x%08x", (uint32_t)v,
			    (uint32_t)bsp_feature_control);
	return PASS;
}

/* In x2APIC mode (which the runtime starts APs in where the CPU has it)
 * the local APIC is reached through MSRs skiff passes (vm/msr.h): the
 * x2APIC ID register (0x802) says the ID the AP was started as. */
#define APIC_BASE_EXTD		(1u << 10)
#define MSR_X2APIC_ID		0x802

static enum result ap_x2apic_id(void)
{
	uint64_t base = 0, id = 0;
	int vec;

	if (rdmsr_safe(MSR_IA32_APIC_BASE, &base) != FAULT_NONE || !(base & APIC_BASE_EXTD))
		return skip("the local APIC is not in x2APIC mode");
	vec = rdmsr_safe(MSR_X2APIC_ID, &id);
	if (vec != FAULT_NONE)
		return fail("RDMSR of the x2APIC ID raised %s", fault_name(vec));
	if (id != expected_apic_id)
		return fail("x2APIC ID register says %u, started as %u", (uint32_t)id,
			    expected_apic_id);
	return PASS;
}

static const struct check ap_own_checks[] = {
	{ .name = "apic-id", .run = ap_apic_id },
	{ .name = "x2apic-id", .run = ap_x2apic_id },
	{ .name = "msr-feature-control-as-bsp", .run = ap_feature_control },
	{ .name = NULL },
};

static const struct ap_row ap_rows[] = {
	{ cpuid_checks, "cpuid-signature" },
	{ cpuid_checks, "cpuid-hides-vmx" },
	{ cr_checks, "cr4-hides-vmxe" },
	{ vmx_checks, NULL },
	{ vmcall_checks, "hc-version" },
	{ msr_checks, "msr-feature-control-locked" },
	{ ap_own_checks, NULL },
};

static void ap_run_check(unsigned cpu, const struct check *c)
{
	char name[NAME_MAX];

	snprintf(name, sizeof(name), "cpu%u-%s", cpu, c->name);
	check_run(c, name, true);
}

/* The AP's work (smp_start_ap()'s fn): every check of ap_rows. */
static void ap_checks(unsigned cpu, void *arg)
{
	struct ap_run *run = arg;
	unsigned total = report_total(), failed = report_failures();

	expected_apic_id = run->apic_id;
	for (size_t i = 0; i < sizeof(ap_rows) / sizeof(ap_rows[0]); i++)
		for (const struct check *c = ap_rows[i].table; c->name; c++)
			if (!ap_rows[i].name || strcmp(ap_rows[i].name, c->name) == 0)
				ap_run_check(cpu, c);
	run->checks = report_total() - total;
	run->failed = report_failures() - failed;
}

/* K of the first "cpus=K" word of the command line; 0 without one. */
static unsigned cpus_given(const char *cmdline)
{
	const size_t key_len = sizeof(CPUS_KEY) - 1;
	unsigned k = 0;

	for (const char *p = cmdline; p && *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, CPUS_KEY, key_len) == 0) {
			for (p += key_len; *p >= '0' && *p <= '9' && k < SMP_MAX_CPUS * 1000; p++)
				k = k * 10 + (unsigned)(*p - '0');
			return k;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

/* Starts cpu as apic_id and prints its line; held: cpus=K holds it back. */
static void check_one_ap(unsigned cpu, uint32_t apic_id, unsigned given)
{
	struct ap_run run = { .apic_id = apic_id };
	bool held = given && cpu >= given;

	if (!smp_start_ap(apic_id, ap_checks, cpu, &run)) {
		if (held) {
			printf("selftest: cpu %u (APIC ID %u): not started (cpus=%u)\n", cpu,
			       apic_id, given);
			report_add(1, 0);
		} else {
			printf("selftest: cpu %u (APIC ID %u): did not start\n", cpu, apic_id);
			report_add(1, 1);
		}
		return;
	}
	/* The AP prints its FAIL lines itself: the BSP only waits. */
	if (!smp_wait_ap(cpu, SMP_DONE_SPINS)) {
		printf("selftest: cpu %u (APIC ID %u): started, but did not finish its checks\n",
		       cpu, apic_id);
		report_add(1, 1);
		return;
	}
	if (held) {
		char name[NAME_MAX];

		snprintf(name, sizeof(name), "cpu%u-held-back", cpu);
		report_detail(0, name, "started, but cpus=%u gives the guest %u CPUs", given, given);
		run.checks++;
		run.failed++;
	}
	printf("selftest: cpu %u (APIC ID %u): %u checks, %u failed\n", cpu, apic_id, run.checks,
	       run.failed);
}

/* The restarted AP's work: it says which slot it ran as. */
static void ap_again(unsigned cpu, void *arg)
{
	*(volatile unsigned *)arg = cpu;
}

/*
 * An AP that has done its work halts with interrupts off.  INIT-SIPI-SIPI
 * starts it afresh, as on hardware: under skiff the INIT reaches a vCPU
 * that runs (halted), which goes back to wait-for-SIPI, and the SIPI
 * starts it at the trampoline again.  It runs as a new slot (its own
 * stack and state in runtime/smp.c).
 */
static void check_restart(unsigned first_cpu, uint32_t apic_id, unsigned slot)
{
	char name[NAME_MAX];
	volatile unsigned ran = 0;
	bool ok = smp_start_ap(apic_id, ap_again, slot, (void *)&ran) &&
		  smp_wait_ap(slot, SMP_DONE_SPINS) && ran == slot;

	snprintf(name, sizeof(name), "cpu%u-init-sipi-again", first_cpu);
	if (ok)
		report(1, name);
	else
		report_detail(0, name, "INIT-SIPI-SIPI to APIC ID %u after its checks: %s", apic_id,
			      ran ? "ran as the wrong slot" : "it did not run again");
}

void cpus_check_all(void)
{
	uint32_t ids[SMP_MAX_CPUS], self;
	unsigned n = smp_cpus(selftest_mbi, ids, SMP_MAX_CPUS);
	unsigned given = cpus_given(mb2_cmdline(selftest_mbi)), cpu = 1;

	if (n <= 1)
		return;
	if (!smp_self_apic_id(&self)) {
		printf("selftest: the MADT lists %u CPUs, but the BSP's xAPIC cannot be used\n", n);
		report_add(1, 1);
		return;
	}
	if (n > SMP_MAX_CPUS)
		printf("selftest: the MADT lists %u CPUs; the first %u are checked\n", n,
		       SMP_MAX_CPUS);
	bsp_feature_control_vector = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &bsp_feature_control);
	printf("selftest: cpu 0 (APIC ID %u): the BSP, checked above\n", self);
	for (unsigned i = 0; i < n && i < SMP_MAX_CPUS && cpu < SMP_MAX_CPUS; i++)
		if (ids[i] != self)
			check_one_ap(cpu++, ids[i], given);
	if (cpu >= 2 && cpu < SMP_MAX_CPUS && (!given || given >= 2))
		check_restart(1, ids[ids[0] == self ? 1 : 0], cpu);
}
