/*
 * bench: what one VM exit costs, measured from inside the guest the way
 * kvm-unit-tests' vmexit test does: read the TSC around each operation,
 * many times after a warm-up, and subtract the same loop with the exiting
 * instruction replaced by a NOP.  What is left is skiff's round trip:
 * exit, handler, VMRESUME.
 *
 * In Bochs, RDTSC counts executed instructions, so every figure is an
 * exact, repeatable count of the instructions on skiff's path; on real
 * hardware the figures are TSC cycles.  Time spent halted is not counted
 * that way in Bochs (the TSC jumps by virtual time), so the HLT wake-up
 * is only measured off Bochs.  The guest is told that it runs in Bochs by
 * the word "bochs" on its command line (tools/bench.sh passes it): CPUID
 * shows skiff, not the machine, and the ACPI OEM ID "BOCHS " is what
 * QEMU's firmware reports too, also under KVM, where the TSC counts real
 * cycles.
 *
 * One line per figure, for tools/bench.sh to parse (see main.c).
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/multiboot2.h"
#include "vm/hypercall_abi.h"

/* Basic exit reasons (SDM Vol. 3D appendix C): HC_EXIT_STATS's indices
 * for the exits the operations cause. */
#define EXIT_REASON_CPUID		10
#define EXIT_REASON_HLT			12
#define EXIT_REASON_VMCALL		18
#define EXIT_REASON_CR_ACCESS		28
#define EXIT_REASON_IO_INSTRUCTION	30
#define EXIT_REASON_RDMSR		31
/* HC_EXIT_STATS fills entries from reason 0 up: enough for those above. */
#define BENCH_STAT_ENTRIES		(EXIT_REASON_RDMSR + 1)
/* The same under AMD-V, by #VMEXIT code up to VMMCALL (81h, ops.c). */
#define BENCH_SVM_STAT_ENTRIES		(0x81 + 1)

#define BENCH_ITERATIONS	1000
#define BENCH_WARMUP		100

/*
 * One operation to time.  timed() performs it once and returns the TSC
 * ticks from just before to just after it; baseline() is the very same
 * code with the operation replaced by a NOP (or, for HLT, by a spin on the
 * same interrupt), so baseline's ticks are the measuring's own cost.
 * Anything either does outside the two TSC reads is not counted.
 */
struct bench_op {
	const char *name;		/* one word: tools/bench.sh parses it */
	uint16_t exit_reason;		/* the exit it should cause (stats) */
	uint16_t svm_exit_code;		/* the same under AMD-V: its #VMEXIT code
					 * (APM Vol. 2 appendix C), which below
					 * 400h is also skiff's slot for it */
	const char *(*setup)(void);	/* NULL, or returns why it cannot run */
	uint32_t (*timed)(void);
	uint32_t (*baseline)(void);
	void (*teardown)(void);		/* NULL, or undoes setup */
	uint32_t iterations;
	uint32_t warmup;
};

/* In the order they run; the last entry has a NULL name. */
extern const struct bench_op bench_ops[];

/* The fewest ticks and their sum over an operation's rounds. */
struct sample {
	uint32_t min;
	uint64_t sum;
};

static inline void sample_add(struct sample *s, uint32_t ticks)
{
	if (ticks < s->min)
		s->min = ticks;
	s->sum += ticks;
}

/* Prints "bench: <name> min <ticks> mean <ticks.t>": timed less base,
 * the mean over iterations rounds. */
void print_round_trip(const char *name, const struct sample *timed, const struct sample *base,
		      uint32_t iterations);

/* ap.c: the "cpuid" operation timed on the second CPU (cpuid-ap), or
 * "bench: cpuid-ap skipped: <why>".  False when the AP started but gave
 * no figures. */
bool bench_cpuid_ap(const struct mb2_info *mbi);

/* True when the command line says the machine is Bochs. */
extern bool bench_in_bochs;

/* hlt.c: the HLT wake-up, on a one-shot local APIC timer. */
const char *hlt_setup(void);
uint32_t hlt_timed(void);
uint32_t hlt_baseline(void);
void hlt_teardown(void);

/* stats.c: skiff's own count of exits and cycles, by exit reason. */
struct exit_snapshot {
	struct hc_exit_stat stat[BENCH_SVM_STAT_ENTRIES];
};

/* Fills *s through HC_EXIT_STATS; false (reported) if the call failed. */
bool exit_stats_take(struct exit_snapshot *s);

/* Measures what one exit_stats_take() adds to its own reason (VMCALL), so
 * exit_stats_between() can leave it out; false if a call failed. */
bool exit_stats_calibrate(void);

/* skiff runs this guest with AMD-V: the CPU is AMD's (CPUID vendor), and
 * HC_EXIT_STATS then counts by #VMEXIT code, not by VT-x exit reason. */
bool bench_under_svm(void);

/* The exits of reason between two snapshots, less the second snapshot's
 * own VMCALL (it is counted, and the first one's cycles are). */
struct hc_exit_stat exit_stats_between(const struct exit_snapshot *before,
				       const struct exit_snapshot *after, uint16_t reason);

/* num.c: 64-bit figures without libgcc (no 64-bit division on i386). */
uint64_t u64_divmod(uint64_t n, uint32_t d, uint32_t *rem);

/* Writes n in decimal into buf (at least 21 bytes); returns buf. */
char *u64_str(char *buf, uint64_t n);

/* sum / count in decimal with one decimal place, rounded, into buf (at
 * least 24 bytes); "-" when count is 0.  sum may be negative. */
char *mean_str(char *buf, int64_t sum, uint32_t count);

#endif
