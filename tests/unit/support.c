#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "lib/printf.h"
#include "panic.h"
#include "vm/gconsole.h"

char unit_log[65536];
static size_t unit_log_len;

void log_reset(void)
{
	unit_log_len = 0;
	unit_log[0] = '\0';
}

char lines_out[8192];
size_t lines_out_len;
unsigned lines_out_count;

void lines_reset(void)
{
	lines_out_len = 0;
	lines_out[0] = '\0';
	lines_out_count = 0;
}

void lines_capture(const char *s, size_t n)
{
	assert_in_range(n, 1, GCONSOLE_LINE_MAX + 1);
	assert_int_equal(s[n - 1], '\n');
	assert_null(memchr(s, '\n', n - 1));
	assert_true(lines_out_len + n < sizeof(lines_out));
	memcpy(lines_out + lines_out_len, s, n);
	lines_out_len += n;
	lines_out[lines_out_len] = '\0';
	lines_out_count++;
}

int log_contains(const char *text)
{
	return strstr(unit_log, text) != NULL;
}

unsigned log_count(const char *text)
{
	unsigned n = 0;

	for (const char *p = unit_log; (p = strstr(p, text)) != NULL; p++)
		n++;
	return n;
}

/* Host builds of kernel code print through the C library's formatter, so a
 * test of kernel code never depends on skiff's own formatter being right. */
int kvprintf(const char *fmt, va_list ap)
{
	size_t start = unit_log_len;
	int n;

	n = vsnprintf(unit_log + unit_log_len, sizeof(unit_log) - unit_log_len, fmt, ap);
	if (n > 0) {
		unit_log_len += (size_t)n;
		if (unit_log_len >= sizeof(unit_log))
			unit_log_len = sizeof(unit_log) - 1;
	}
	if (getenv("UNIT_VERBOSE"))
		fputs(unit_log + start, stderr);
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

/* A kernel panic in host code under test fails that test with its message. */
void panic(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("panic: %s", msg);
	abort();
}

#define ARENA_PAGE 4096u

void arena_init(struct arena *a, uint64_t base, size_t pages)
{
	a->mem = aligned_alloc(ARENA_PAGE, pages * ARENA_PAGE);
	assert_non_null(a->mem);
	a->base = base;
	a->used = 0;
	a->cap = pages;
}

void arena_release(struct arena *a)
{
	free(a->mem);
	a->mem = NULL;
}

uint64_t arena_alloc(void *ctx)
{
	struct arena *a = ctx;

	if (a->used == a->cap)
		return 0;
	memset(a->mem + a->used * ARENA_PAGE, 0, ARENA_PAGE);
	return a->base + a->used++ * ARENA_PAGE;
}

void *arena_to_virt(void *ctx, uint64_t pa)
{
	struct arena *a = ctx;

	if (pa < a->base || pa >= a->base + a->used * ARENA_PAGE || pa % ARENA_PAGE)
		return NULL;
	return a->mem + (pa - a->base);
}

void walk_check_start(struct walk_check *w, const struct arena *a, uint64_t root_pa)
{
	w->pages = a->used;
	w->snapshot = malloc(a->used * ARENA_PAGE);
	w->seen = calloc(a->used, 1);
	assert_non_null(w->snapshot);
	assert_non_null(w->seen);
	memcpy(w->snapshot, a->mem, a->used * ARENA_PAGE);
	w->root_index = (root_pa - a->base) / ARENA_PAGE;
	w->visits = 0;
}

void walk_check_visit(void *arg, const uint64_t *entries, int level)
{
	struct walk_check *w = arg;
	size_t i;

	if (w->visits++ == 0) {
		assert_int_equal(level, 4);
		assert_memory_equal(entries, w->snapshot + w->root_index * ARENA_PAGE, ARENA_PAGE);
	}
	assert_true(level >= 1 && level <= 4);
	for (i = 0; i < w->pages; i++)
		if (!w->seen[i] && memcmp(entries, w->snapshot + i * ARENA_PAGE, ARENA_PAGE) == 0)
			break;
	if (i == w->pages)
		fail_msg("visit %zu (level %d) shows no table page as it was written, "
			 "or one shown before", w->visits, level);
	w->seen[i] = 1;
}

void walk_check_end(struct walk_check *w)
{
	assert_int_equal(w->visits, w->pages);
	free(w->snapshot);
	free(w->seen);
}
