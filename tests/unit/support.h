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
/* Asserts, with the whole log shown on failure. */
#define assert_log_contains(text) \
	do { if (!log_contains(text)) fail_msg("log lacks \"%s\"; log was:\n%s", (text), unit_log); } while (0)

#endif
