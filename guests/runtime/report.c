#include <stdarg.h>
#include <stdbool.h>

#include "printf.h"
#include "report.h"

static unsigned total, failures;

static void vreport(int cond, bool quiet, const char *name, const char *fmt, va_list ap)
{
	char why[160];

	total++;
	if (cond) {
		if (!quiet)
			printf("PASS %s\n", name);
		return;
	}
	failures++;
	if (fmt) {
		vsnprintf(why, sizeof(why), fmt, ap);
		printf("FAIL %s: %s\n", name, why);
	} else {
		printf("FAIL %s\n", name);
	}
}

void report_detail(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, false, name, fmt, ap);
	va_end(ap);
}

void report_quiet(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(cond, true, name, fmt, ap);
	va_end(ap);
}

void report_add(unsigned checks, unsigned failed)
{
	total += checks;
	failures += failed;
}

void report(int cond, const char *name)
{
	report_detail(cond, name, NULL);
}

void report_skip(const char *name, const char *why)
{
	total++;
	printf("PASS %s (%s)\n", name, why);
}

unsigned report_total(void)
{
	return total;
}

unsigned report_failures(void)
{
	return failures;
}
