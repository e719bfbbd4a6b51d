/*
 * What every fuzz harness shares: the kernel's kprintf() and panic() for a
 * host build, a reader that turns the fuzzer's bytes into typed values, and
 * checks that stop the run with a message.
 *
 * kprintf() formats into a ring buffer (so a %s that runs off its string is
 * still caught by AddressSanitizer) and prints nothing unless FUZZ_VERBOSE
 * is set; a failed check prints the last lines skiff logged.  panic() and
 * a failed check both abort(): to libFuzzer, each is a crash, i.e. a
 * finding.
 */
#ifndef SKIFF_TESTS_FUZZ_SUPPORT_H
#define SKIFF_TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point, which each harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- the kernel's log, captured ---- */

/* Forgets what kprintf() printed so far (call at the start of each input). */
void fuzz_log_reset(void);
/* How many kprintf() calls since the last reset. */
unsigned long fuzz_log_lines(void);

/* ---- checks ---- */

__attribute__((noreturn, format(printf, 3, 4)))
void fuzz_fail(const char *file, int line, const char *fmt, ...);

/* A property the harness asserts of the code under test. */
#define fuzz_check(cond, ...) \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, __VA_ARGS__); } while (0)

/*
 * Known bugs, reported and not yet fixed, can hide everything behind them
 * from the fuzzer.  FUZZ_SKIP_KNOWN (comma-separated ids) lets a harness
 * step over inputs that only show such a bug again; each harness names
 * its ids at the check.  Never set for make test or make fuzz: a known
 * bug fails them until it is fixed.
 */
bool fuzz_skip_known(const char *id);

/* ---- reading the input ---- */

/*
 * Takes typed values off the front of the input.  Past its end every value
 * reads as 0, so a harness needs no length checks of its own and a short
 * input is simply a run with zeros.
 */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
bool fuzz_bool(struct fuzz_in *in);
/* Up to n bytes (fewer at the end of the input); returns how many. */
size_t fuzz_bytes(struct fuzz_in *in, void *dst, size_t n);

/* Makes the len bytes of the ACPI table at t sum to 0 (its checksum,
 * byte 9 of the header), so that the parser under test reads on. */
void fuzz_sdt_checksum(uint8_t *t, size_t len);

/* ---- memory ---- */

/* True when all n bytes at p equal c (true for n == 0). */
bool fuzz_all_bytes(const uint8_t *p, size_t n, uint8_t c);
/* The offset of the first of n bytes at p that is not c, or n. */
size_t fuzz_first_not(const uint8_t *p, size_t n, uint8_t c);

/*
 * AddressSanitizer's manual poisoning: a read or write of poisoned memory
 * is reported as a use-after-poison, with a stack trace.  Harnesses poison
 * what the code under test must not touch (holes between guest RAM
 * ranges, memory outside what a table mapping handed out).
 */
void fuzz_poison(const void *p, size_t n);
void fuzz_unpoison(const void *p, size_t n);

#endif
