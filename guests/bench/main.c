/*
 * bench: the exit-cost benchmark guest (bench.h says how it measures).
 * Run by tools/bench.sh (make bench) as skiff's GRUB module
 *	module2 /boot/guests/bench.elf guest bench bochs
 * where "bochs" says the TSC counts instructions, and "trace=<op>" would
 * also run one round of <op> between two Bochs magic breakpoints.  It
 * prints, one per line:
 *	bench: unit instructions|cycles
 *	bench: <op> min <ticks> mean <ticks.t>		(the guest's round trip)
 *	bench: <op> skiff exits <n> mean <ticks.t>	(skiff's handler only)
 *	bench: <op> skipped: <why>
 *	bench: cpuid-ap min <ticks> mean <ticks.t>	(CPUID on the second CPU, ap.c)
 *	bench: boot <ticks>	(skiff's first instruction to the guest's)
 *	bench: done
 * and exits with 0; with 1 when skiff's interface did not answer as it
 * must (then the last line is "bench: failed").  Budgets are not its
 * business: tools/bench.sh judges the figures.
 */
#include <stddef.h>

#include "bench.h"
#include "entry.h"
#include "hypercall.h"
#include "mb2.h"
#include "printf.h"
#include "runtime.h"
#include "string.h"
#include "uart.h"

#define BOCHS_WORD	"bochs"
#define TRACE_KEY	"trace="
#define NAME_MAX	32
#define NUM_BUF		24

const char guest_name[] = "bench";
bool bench_in_bochs;

/* The first space-separated word of cmdline that is word (whole) or
 * begins with it (!whole), or NULL. */
static const char *find_word(const char *cmdline, const char *word, bool whole)
{
	size_t n = strlen(word);

	for (const char *p = cmdline; p && *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, word, n) == 0 && (!whole || p[n] == ' ' || p[n] == '\0'))
			return p;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

void print_round_trip(const char *name, const struct sample *timed, const struct sample *base,
		      uint32_t iterations)
{
	char mean[NUM_BUF];

	printf("bench: %s min %d mean %s\n", name, (int32_t)(timed->min - base->min),
	       mean_str(mean, (int64_t)(timed->sum - base->sum), iterations));
}

static void print_figures(const struct bench_op *op, const struct sample *timed,
			  const struct sample *base, const struct hc_exit_stat *skiff)
{
	char mean[NUM_BUF], count[NUM_BUF];

	print_round_trip(op->name, timed, base, op->iterations);
	printf("bench: %s skiff exits %s mean %s\n", op->name, u64_str(count, skiff->count),
	       mean_str(mean, (int64_t)skiff->cycles, (uint32_t)skiff->count));
}

/* Warm-up, the timed rounds between two snapshots of skiff's statistics,
 * then the baseline rounds; false when a snapshot failed. */
static bool run_op(const struct bench_op *op)
{
	static struct exit_snapshot before, after;
	struct sample timed = { .min = UINT32_MAX }, base = { .min = UINT32_MAX };
	struct hc_exit_stat skiff;
	const char *why = op->setup ? op->setup() : NULL;
	bool ok;

	if (why) {
		printf("bench: %s skipped: %s\n", op->name, why);
		return true;
	}
	uart_flush();	/* the last figures' line must be out first (guest_main) */
	for (uint32_t i = 0; i < op->warmup; i++) {
		op->timed();
		op->baseline();
	}
	ok = exit_stats_take(&before);
	for (uint32_t i = 0; ok && i < op->iterations; i++)
		sample_add(&timed, op->timed());
	ok = ok && exit_stats_take(&after);
	for (uint32_t i = 0; ok && i < op->iterations; i++)
		sample_add(&base, op->baseline());
	if (op->teardown)
		op->teardown();
	if (!ok)
		return false;
	skiff = exit_stats_between(&before, &after,
				   bench_under_svm() ? op->svm_exit_code : op->exit_reason);
	print_figures(op, &timed, &base, &skiff);
	return true;
}

/* From skiff's first instruction (HC_BOOT_TSC) to this guest's. */
static bool print_boot_cost(void)
{
	static uint64_t skiff_tsc;
	char ticks[NUM_BUF];
	int32_t ret = hc_call(HC_BOOT_TSC, (uint32_t)&skiff_tsc, 0, 0);

	if (ret != 0) {
		printf("bench: HC_BOOT_TSC returned %d\n", ret);
		return false;
	}
	if (guest_entry_tsc < skiff_tsc) {
		printf("bench: the guest's first TSC is below skiff's: no boot cost\n");
		return false;
	}
	printf("bench: boot %s\n", u64_str(ticks, guest_entry_tsc - skiff_tsc));
	return true;
}

/* trace=<op>: one round of op between two Bochs magic breakpoints (XCHG
 * BX, BX with magic_break enabled), for an instruction trace of skiff's
 * path; tools/bench.sh TRACE=<op> sets the debugger up around them. */
static void trace_one(const char *cmdline)
{
	const char *p = find_word(cmdline, TRACE_KEY, false);
	char name[NAME_MAX];
	size_t n = 0;

	if (!p)
		return;
	p += sizeof(TRACE_KEY) - 1;
	while (p[n] && p[n] != ' ' && n + 1 < sizeof(name)) {
		name[n] = p[n];
		n++;
	}
	name[n] = '\0';
	for (const struct bench_op *op = bench_ops; op->name; op++) {
		if (strcmp(op->name, name) != 0)
			continue;
		if (op->setup && op->setup())
			break;
		printf("bench: tracing one round of %s\n", op->name);
		asm volatile("xchg %%bx, %%bx" ::: "memory");
		op->timed();
		asm volatile("xchg %%bx, %%bx" ::: "memory");
		if (op->teardown)
			op->teardown();
		return;
	}
	printf("bench: cannot trace \"%s\"\n", name);
}

/* HC_EXIT_STATS and HC_BOOT_TSC came with ABI 1.1. */
static bool skiff_usable(void)
{
	const struct hv_info *hv = hv_boot_info();

	if (!hv->skiff) {
		printf("bench: not under skiff: nothing to measure\n");
		return false;
	}
	printf("bench: under skiff %u.%u, ABI %u.%u\n", hv->version >> 16, hv->version & 0xffff,
	       hv->abi >> 16, hv->abi & 0xffff);
	if (hv->abi >> 16 != HC_ABI_MAJOR || (hv->abi & 0xffff) < HC_ABI_MINOR ||
	    hc_version() != (int32_t)hv->abi) {
		printf("bench: needs ABI %u.%u or a later 1.x, with HC_VERSION agreeing\n",
		       HC_ABI_MAJOR, HC_ABI_MINOR);
		return false;
	}
	return exit_stats_calibrate();
}

int guest_main(const struct mb2_info *mbi)
{
	bool ok = true;
	const char *cmdline = mb2_cmdline(mbi);

	bench_in_bochs = find_word(cmdline, BOCHS_WORD, true) != NULL;
	if (!skiff_usable()) {
		/* cpuid-ap needs nothing of skiff's: on bare metal it still
		 * shows the AP start-up working, and what the CPU's own CPUID
		 * costs there. */
		bench_cpuid_ap(mbi);
		return 1;
	}
	/* skiff's serial console queues its output and feeds the line on VM
	 * exits and on timer ticks (the boot log goes out while the guest
	 * already runs).  Before anything is timed, wait until the line is
	 * idle (COM1's LSR.TEMT), so that none of that lands in the figures. */
	uart_flush();
	trace_one(cmdline);
	printf("bench: unit %s\n", bench_in_bochs ? "instructions" : "cycles");
	printf("bench: iterations %u after %u of warm-up, minus the same with a NOP\n",
	       BENCH_ITERATIONS, BENCH_WARMUP);
	for (const struct bench_op *op = bench_ops; op->name && ok; op++)
		ok = run_op(op);
	ok = ok && bench_cpuid_ap(mbi);
	ok = ok && print_boot_cost();
	printf("bench: %s\n", ok ? "done" : "failed");
	return ok ? 0 : 1;
}
