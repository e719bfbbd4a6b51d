/* Shared by the fuzz harnesses; see fuzz_support.h. */
#include "fuzz_support.h"

#include <sanitizer/asan_interface.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/printf.h"
#include "panic.h"

/* ---- the log ---- */

#define LOG_RING	8192

static char log_ring[LOG_RING];
static size_t log_head;		/* next byte to write; wraps */
static bool log_wrapped;
static unsigned long log_count;
static int log_verbose = -1;	/* -1: FUZZ_VERBOSE not looked at yet */

void fuzz_log_reset(void)
{
	log_head = 0;
	log_wrapped = false;
	log_count = 0;
}

unsigned long fuzz_log_lines(void)
{
	return log_count;
}

static void log_append(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		log_ring[log_head++] = s[i];
		if (log_head == LOG_RING) {
			log_head = 0;
			log_wrapped = true;
		}
	}
}

static void log_dump(void)
{
	fputs("---- last of skiff's log ----\n", stderr);
	if (log_wrapped)
		fwrite(log_ring + log_head, 1, LOG_RING - log_head, stderr);
	fwrite(log_ring, 1, log_head, stderr);
	fputs("---- end of log ----\n", stderr);
}

/* Host builds of kernel code print through the C library's formatter, as
 * the unit tests do; what matters here is that every argument is read. */
int kvprintf(const char *fmt, va_list ap)
{
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n < 0)
		return n;
	log_count++;
	log_append(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	if (log_verbose < 0)
		log_verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (log_verbose)
		fputs(line, stderr);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* A kernel panic in code under test is a finding: the guest or the
 * firmware reached a state skiff treats as its own broken invariant. */
void panic(const char *fmt, ...)
{
	va_list ap;

	fputs("skiff panic: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	log_dump();
	abort();
}

void fuzz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: check failed: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	log_dump();
	abort();
}

bool fuzz_skip_known(const char *id)
{
	const char *list = getenv("FUZZ_SKIP_KNOWN");
	size_t n = strlen(id);

	while (list && *list) {
		size_t len = strcspn(list, ",");

		if (len == n && strncmp(list, id, n) == 0)
			return true;
		list += len + (list[len] == ',');
	}
	return false;
}

/* ---- the input ---- */

size_t fuzz_bytes(struct fuzz_in *in, void *dst, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	if (k)
		memcpy(dst, in->p, k);
	in->p += k;
	in->n -= k;
	return k;
}

/* Little-endian, as the structures being fuzzed are. */
static uint64_t take(struct fuzz_in *in, size_t bytes)
{
	uint8_t b[8] = { 0 };
	uint64_t v = 0;

	fuzz_bytes(in, b, bytes);
	for (size_t i = bytes; i-- > 0;)
		v = v << 8 | b[i];
	return v;
}

uint8_t fuzz_u8(struct fuzz_in *in) { return (uint8_t)take(in, 1); }
uint16_t fuzz_u16(struct fuzz_in *in) { return (uint16_t)take(in, 2); }
uint32_t fuzz_u32(struct fuzz_in *in) { return (uint32_t)take(in, 4); }
uint64_t fuzz_u64(struct fuzz_in *in) { return take(in, 8); }
bool fuzz_bool(struct fuzz_in *in) { return take(in, 1) & 1; }

/* ---- memory ---- */

size_t fuzz_first_not(const uint8_t *p, size_t n, uint8_t c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return i;
	return n;
}

/* memcmp of the buffer against itself shifted by one: the C library's
 * vectorised compare instead of a byte loop, for the megabyte-sized
 * canary checks every input makes. */
bool fuzz_all_bytes(const uint8_t *p, size_t n, uint8_t c)
{
	if (n == 0)
		return true;
	return p[0] == c && memcmp(p, p + 1, n - 1) == 0;
}

void fuzz_poison(const void *p, size_t n)
{
	ASAN_POISON_MEMORY_REGION(p, n);
}

void fuzz_unpoison(const void *p, size_t n)
{
	ASAN_UNPOISON_MEMORY_REGION(p, n);
}

void fuzz_sdt_checksum(uint8_t *t, size_t len)
{
	uint8_t sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}
