/*
 * selftest: checks, from inside a guest, that skiff virtualizes what it
 * must.  It prints
 *	selftest: N checks
 *	PASS <name> | FAIL <name>: <why>	(one line per check)
 *	selftest: F of N checks failed
 * and exits with status F.  On bare metal the checks of skiff's own
 * interface (CPUID leaf, hypercalls, boot information) fail; the rest
 * describe what the hardware does, which is what skiff must imitate.
 *
 * With crash=<mode> on its command line it misbehaves on purpose instead
 * (crash.c), for the boot tests of skiff's fatal paths.
 */
#include <stdarg.h>
#include <stddef.h>

#include "hypercall.h"
#include "mb2.h"
#include "printf.h"
#include "report.h"
#include "runtime.h"
#include "selftest.h"
#include "string.h"
#include "x86.h"

#define CRASH_KEY	"crash="

const char guest_name[] = "selftest";
const struct mb2_info *selftest_mbi;

/* In the order they run. */
static const struct check *const check_tables[] = {
	cpuid_checks,
	vmcall_checks,
	com1_checks,
	msr_checks,
	cr_checks,
	insn_checks,
	vmx_checks,
	exception_checks,
	memory_checks,
};

static char why[160];		/* set by fail() and skip() */

enum result fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return FAIL;
}

enum result skip(const char *reason)
{
	snprintf(why, sizeof(why), "%s", reason);
	return SKIP;
}

/* QEMU's CPU models carry the brand "QEMU Virtual CPU" (CPUID 80000002h-
 * 80000004h), which skiff passes through; real CPUs and Bochs's models
 * carry their vendor's. */
#define QEMU_BRAND	"QEMU Virtual CPU"

bool on_qemu_cpu_model(void)
{
	char brand[17];
	struct cpuid_regs r;

	if (cpuid(0x80000000, 0).eax < 0x80000002)
		return false;
	r = cpuid(0x80000002, 0);
	memcpy(brand, &r.eax, 4);
	memcpy(brand + 4, &r.ebx, 4);
	memcpy(brand + 8, &r.ecx, 4);
	memcpy(brand + 12, &r.edx, 4);
	brand[16] = 0;
	return strcmp(brand, QEMU_BRAND) == 0;
}

void check_run(const struct check *c, const char *name, bool quiet)
{
	enum result r;

	if (c->needs_skiff && !under_skiff()) {
		(quiet ? report_quiet : report_detail)(0, name, "not under skiff");
		return;
	}
	why[0] = '\0';
	r = c->run();
	if (quiet && why[0])
		report_quiet(r != FAIL, name, "%s", why);
	else if (quiet)
		report_quiet(r != FAIL, name, NULL);
	else if (r == SKIP)
		report_skip(name, why);
	else if (why[0])
		report_detail(r == PASS, name, "%s", why);
	else
		report(r == PASS, name);
}

static unsigned count_checks(void)
{
	unsigned n = 0;

	for (size_t t = 0; t < sizeof(check_tables) / sizeof(check_tables[0]); t++)
		for (const struct check *c = check_tables[t]; c->name; c++)
			n++;
	return n;
}

/* Copies the value of the first "crash=" word of cmdline into buf;
 * false when there is none. */
static bool crash_mode(const char *cmdline, char *buf, size_t size)
{
	const size_t key_len = sizeof(CRASH_KEY) - 1;
	const char *p = cmdline;
	size_t n = 0;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, CRASH_KEY, key_len) == 0) {
			p += key_len;
			while (p[n] && p[n] != ' ' && n + 1 < size) {
				buf[n] = p[n];
				n++;
			}
			buf[n] = '\0';
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static void print_environment(void)
{
	const struct hv_info *hv = hv_boot_info();

	if (hv->skiff)
		printf("selftest: under skiff %u.%u, ABI %u.%u\n", hv->version >> 16,
		       hv->version & 0xffff, hv->abi >> 16, hv->abi & 0xffff);
	else if (hv->present)
		printf("selftest: under another hypervisor (\"%s\"): skiff's checks will fail\n",
		       hv->signature);
	else
		printf("selftest: no hypervisor (bare metal): skiff's checks will fail\n");
}

int guest_main(const struct mb2_info *mbi)
{
	char mode[32];
	unsigned total = count_checks();

	selftest_mbi = mbi;
	if (crash_mode(mb2_cmdline(mbi), mode, sizeof(mode))) {
		crash_run(mode);
		return GUEST_EXIT_FATAL;
	}
	print_environment();
	printf("selftest: %u checks\n", total);
	for (size_t t = 0; t < sizeof(check_tables) / sizeof(check_tables[0]); t++)
		for (const struct check *c = check_tables[t]; c->name; c++)
			check_run(c, c->name, false);
	cpus_check_all();
	printf("selftest: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}
