/*
 * The selftest guest: one check per thing skiff does for (or to) its
 * guest.  Each file holds the checks of one skiff handler as a table of
 * struct check, ended by an entry with a NULL name; main.c runs the
 * tables in order and prints one PASS/FAIL line per entry.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot2.h"

enum result {
	FAIL,
	PASS,
	SKIP,		/* cannot apply on this machine: a PASS with a reason */
};

struct check {
	const char *name;	/* short and stable: the boot tests match it */
	enum result (*run)(void);
	bool needs_skiff;	/* hypercalls: VMCALL is #UD on bare metal, so
				   fail with "not under skiff" and do not run */
};

/* Records why the running check failed (printed after its name) and
 * returns FAIL, so a check can end with: return fail("got %x", v); */
enum result fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Records why the check does not apply and returns SKIP. */
enum result skip(const char *reason);

/* The CPU is one of QEMU's models (its brand string says so), whose
 * software CPU has quirks a few checks must allow for (docs/emulators.md). */
bool on_qemu_cpu_model(void);

/* Runs c and reports it as name: one PASS or FAIL line, or with quiet
 * only a FAIL line (the pass is counted).  Not SMP-safe: one CPU at a time
 * (runtime/smp.h). */
void check_run(const struct check *c, const char *name, bool quiet);

/* Starts each AP the MADT lists, one at a time, runs the per-CPU checks
 * on it and prints one line per CPU (cpus.c). */
void cpus_check_all(void);

/* The boot information, for the checks that read it. */
extern const struct mb2_info *selftest_mbi;

/* End of the highest usable (type 1) memory-map entry; 0 without a map. */
uint64_t mmap_ram_end(void);

/* The first reserved (type 2) map entry inside [1 MiB, mmap_ram_end()),
 * or NULL.  Under skiff this is skiff's own memory (one of its ranges:
 * image, pool, modules), which the guest's EPT leaves out. */
const struct mb2_mmap_entry *mmap_skiff_memory(void);

/* Does the misbehaviour named by crash=<mode> on the command line; the
 * run is expected to end there.  Returns only for an unknown mode or when
 * the misbehaviour did not end the run. */
void crash_run(const char *mode);

extern const struct check cpuid_checks[];
extern const struct check vmcall_checks[];
extern const struct check com1_checks[];
extern const struct check msr_checks[];
extern const struct check cr_checks[];
extern const struct check insn_checks[];
extern const struct check vmx_checks[];
extern const struct check exception_checks[];
extern const struct check memory_checks[];

#endif
