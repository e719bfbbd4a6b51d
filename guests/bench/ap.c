/*
 * cpuid-ap: the "cpuid" operation's rounds, timed on the second CPU.
 * Under skiff that CPU is a vCPU started by INIT-SIPI-SIPI (runtime/smp.c),
 * and its CPUID exit takes the AP's path through skiff, which may cost
 * more than the BSP's.  The
 * AP runs the same warm-up, timed and baseline rounds as run_op() (main.c)
 * and leaves its figures in memory; the BSP waits, then prints them in
 * the same format:
 *	bench: cpuid-ap min <ticks> mean <ticks.t>
 *	bench: cpuid-ap skipped: <why>
 * skiff's own exit statistics are not taken: they would be a VMCALL from
 * the AP, and which vCPU's exits they count is skiff's business.  The TSC
 * read is the AP's own; in Bochs each CPU's counts its instructions.
 */
#include "bench.h"
#include "printf.h"
#include "smp.h"
#include "string.h"

#define AP_OP		"cpuid"		/* the operation the AP repeats */
#define AP_NAME		"cpuid-ap"
#define AP_CPU		1

/* What the AP hands back; the BSP reads it once the AP is done. */
struct ap_figures {
	const struct bench_op *op;
	struct sample timed, base;
};

static struct ap_figures figures;

/* On the AP: run_op()'s rounds, without skiff's statistics. */
static void ap_measure(unsigned cpu, void *arg)
{
	struct ap_figures *f = arg;
	const struct bench_op *op = f->op;

	(void)cpu;
	for (uint32_t i = 0; i < op->warmup; i++) {
		op->timed();
		op->baseline();
	}
	for (uint32_t i = 0; i < op->iterations; i++)
		sample_add(&f->timed, op->timed());
	for (uint32_t i = 0; i < op->iterations; i++)
		sample_add(&f->base, op->baseline());
}

static const struct bench_op *find_op(const char *name)
{
	for (const struct bench_op *op = bench_ops; op->name; op++)
		if (strcmp(op->name, name) == 0)
			return op;
	return NULL;
}

/* The first APIC ID of the MADT that is not this CPU's; NULL, or why not. */
static const char *second_cpu(const struct mb2_info *mbi, uint32_t *apic_id)
{
	uint32_t ids[SMP_MAX_CPUS], self;
	unsigned n = smp_cpus(mbi, ids, SMP_MAX_CPUS);

	if (!smp_self_apic_id(&self))
		return "the BSP's xAPIC cannot be used";
	for (unsigned i = 0; i < n && i < SMP_MAX_CPUS; i++) {
		if (ids[i] != self) {
			*apic_id = ids[i];
			return NULL;
		}
	}
	return n ? "one CPU in the MADT" : "no MADT";
}

bool bench_cpuid_ap(const struct mb2_info *mbi)
{
	uint32_t id = 0;
	const char *why = second_cpu(mbi, &id);

	figures = (struct ap_figures){
		.op = find_op(AP_OP),
		.timed = { .min = UINT32_MAX },
		.base = { .min = UINT32_MAX },
	};
	if (!why && !figures.op)
		why = "no " AP_OP " operation to repeat";
	if (why) {
		printf("bench: " AP_NAME " skipped: %s\n", why);
		return true;
	}
	if (!smp_start_ap(id, ap_measure, AP_CPU, &figures)) {
		printf("bench: " AP_NAME " skipped: cpu %u (APIC ID %u) did not start\n", AP_CPU,
		       id);
		return true;
	}
	if (!smp_wait_ap(AP_CPU, SMP_DONE_SPINS)) {
		printf("bench: " AP_NAME ": cpu %u (APIC ID %u) did not finish\n", AP_CPU, id);
		return false;
	}
	print_round_trip(AP_NAME, &figures.timed, &figures.base, figures.op->iterations);
	return true;
}
