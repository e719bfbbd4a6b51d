/*
 * Host-side stand-ins for what the kernel provides: kprintf() writes into a
 * capture buffer that tests inspect; panic() fails the running test.
 */
#ifndef SKIFF_TESTS_SUPPORT_H
#define SKIFF_TESTS_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Everything kprintf() printed since the last log_reset(). */
extern char unit_log[65536];
void log_reset(void);
/* True when the captured log contains the text. */
int log_contains(const char *text);
/* How many times it does. */
unsigned log_count(const char *text);
/* Asserts, with the whole log shown on failure. */
#define assert_log_contains(text) \
	do { if (!log_contains(text)) fail_msg("log lacks \"%s\"; log was:\n%s", (text), unit_log); } while (0)
/* A parser's call refused: it returns err, and what it printed since the
 * log was reset here names why. */
#define assert_refused_by(call, err, message) \
	do { log_reset(); assert_int_equal((call), (err)); assert_log_contains(message); } while (0)


/*
 * A guest console's output, for tests of gconsole and of what feeds it:
 * lines_capture() is the gconsole_out_fn; it fails the test unless it is
 * handed exactly one whole line (no longer than gconsole breaks lines),
 * and appends it to lines_out.
 */
extern char lines_out[8192];
extern size_t lines_out_len;
extern unsigned lines_out_count;
void lines_reset(void);
void lines_capture(const char *s, size_t n);

/*
 * A page arena standing in for physical memory in page-table tests:
 * pages are handed out from base upward, zeroed, and only handed-out pages
 * translate back (a stray table address shows up as NULL).
 */
struct arena {
	uint8_t *mem;
	uint64_t base;		/* "physical" address of mem[0] */
	size_t used, cap;	/* pages */
};
void arena_init(struct arena *a, uint64_t base, size_t pages);
void arena_release(struct arena *a);
uint64_t arena_alloc(void *ctx);
void *arena_to_virt(void *ctx, uint64_t pa);

/*
 * Checks a walk over a tree of tables held in an arena (ept_walk_tables(),
 * paging_walk_tables()): walk_check_start() snapshots the arena's pages as
 * skiff wrote them; then the test may set the CPU's flags in them; each
 * visit must show one snapshot page not shown before, the root first at
 * level 4; walk_check_end() asserts every page was shown.
 */
struct walk_check {
	uint8_t *snapshot;
	size_t pages;
	uint64_t root_index;	/* the root's page in the arena */
	unsigned char *seen;
	size_t visits;
};
void walk_check_start(struct walk_check *w, const struct arena *a, uint64_t root_pa);
void walk_check_visit(void *arg, const uint64_t *entries, int level);
void walk_check_end(struct walk_check *w);

#endif
