/*
 * One line per check, for the boot tests to match:
 *	PASS <name>
 *	FAIL <name>: <why>	(the ": <why>" only when a reason is given)
 * Names are short and stable (cpuid-hides-vmx): the boot tests match them.
 */
#ifndef GUEST_REPORT_H
#define GUEST_REPORT_H

void report(int cond, const char *name);

/* report() that explains a failure: fmt is printed after the name on a
 * FAIL line only (NULL: nothing). */
void report_detail(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A check that cannot apply here passes with the reason: PASS name (why). */
void report_skip(const char *name, const char *why);

/* report_detail() that prints only a failure: a pass is counted, not
 * printed (the selftest's checks on an AP, which end in one line per CPU). */
void report_quiet(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Counts checks whose outcome the caller prints in its own words. */
void report_add(unsigned checks, unsigned failed);

/* Checks reported so far, and how many of them failed. */
unsigned report_total(void);
unsigned report_failures(void);

#endif
