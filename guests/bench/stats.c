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

static struct hc_exit_stat snapshot_cost;	/* reason VMCALL only */

bool exit_stats_take(struct exit_snapshot *s)
{
	int32_t ret = hc_call(HC_EXIT_STATS, (uint32_t)s->stat, sizeof(s->stat), 0);

	if (ret != BENCH_STAT_ENTRIES) {
		printf("bench: HC_EXIT_STATS returned %d, expected %u entries\n", ret,
		       BENCH_STAT_ENTRIES);
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

bool exit_stats_calibrate(void)
{
	static struct exit_snapshot a, b;

	if (!exit_stats_take(&a) || !exit_stats_take(&b))
		return false;
	snapshot_cost = stat_diff(&a.stat[EXIT_REASON_VMCALL], &b.stat[EXIT_REASON_VMCALL]);
	return true;
}

struct hc_exit_stat exit_stats_between(const struct exit_snapshot *before,
				       const struct exit_snapshot *after, uint16_t reason)
{
	struct hc_exit_stat d = stat_diff(&before->stat[reason], &after->stat[reason]);

	if (reason == EXIT_REASON_VMCALL && d.count >= snapshot_cost.count &&
	    d.cycles >= snapshot_cost.cycles) {
		d.count -= snapshot_cost.count;
		d.cycles -= snapshot_cost.cycles;
	}
	return d;
}
