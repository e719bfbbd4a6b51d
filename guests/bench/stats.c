/*
 * skiff's own figures for the same exits (HC_EXIT_STATS): per basic exit
 * reason, the number of exits and the TSC cycles from the exit handler's
 * start to its return.  They leave out the exit stub, the VMRESUME and the
 * CPU's own exit and entry, so they read lower than the guest's round
 * trip; the difference is that fixed part of the path.
 *
 * Taking a snapshot is itself a VMCALL exit.  skiff counts an exit when
 * its handler starts and adds its cycles when it ends, so the second of
 * two snapshots counts itself but not its cycles, while the cycles of the
 * first land between them.  exit_stats_calibrate() measures that one call
 * (two snapshots in a row), and exit_stats_between() takes it out.
 */
#include "bench.h"
#include "hypercall.h"
#include "printf.h"
#include "x86.h"

static struct hc_exit_stat snapshot_cost;	/* reason VMCALL only */

bool exit_stats_take(struct exit_snapshot *s)
{
	uint32_t want = bench_under_svm() ? BENCH_SVM_STAT_ENTRIES : BENCH_STAT_ENTRIES;
	int32_t ret = hc_call(HC_EXIT_STATS, (uint32_t)s->stat, want * sizeof(s->stat[0]), 0);

	if (ret != (int32_t)want) {
		printf("bench: HC_EXIT_STATS returned %d, expected %u entries\n", ret, want);
		return false;
	}
	return true;
}

static struct hc_exit_stat stat_diff(const struct hc_exit_stat *a, const struct hc_exit_stat *b)
{
	return (struct hc_exit_stat){
		.count = b->count - a->count,
		.cycles = b->cycles - a->cycles,
	};
}

/* Under AMD-V the hypercall is VMCALL's #UD (APM Vol. 2 appendix C:
 * exception vector 6, code 46h). */
#define SVM_EXIT_UD	0x46

/* Asked once: each CPUID is an exit, which would land in the counts. */
bool bench_under_svm(void)
{
	static int amd = -1;

	if (amd < 0) {
		struct cpuid_regs r = cpuid(0, 0);

		amd = r.ebx == 0x68747541 && r.edx == 0x69746e65 && r.ecx == 0x444d4163;
	}
	return amd;	/* "AuthenticAMD" */
}

static uint16_t hypercall_slot(void)
{
	return bench_under_svm() ? SVM_EXIT_UD : EXIT_REASON_VMCALL;
}

bool exit_stats_calibrate(void)
{
	static struct exit_snapshot a, b;

	if (!exit_stats_take(&a) || !exit_stats_take(&b))
		return false;
	snapshot_cost = stat_diff(&a.stat[hypercall_slot()], &b.stat[hypercall_slot()]);
	return true;
}

struct hc_exit_stat exit_stats_between(const struct exit_snapshot *before,
				       const struct exit_snapshot *after, uint16_t reason)
{
	struct hc_exit_stat d = stat_diff(&before->stat[reason], &after->stat[reason]);

	if (reason == hypercall_slot() && d.count >= snapshot_cost.count &&
	    d.cycles >= snapshot_cost.cycles) {
		d.count -= snapshot_cost.count;
		d.cycles -= snapshot_cost.cycles;
	}
	return d;
}
