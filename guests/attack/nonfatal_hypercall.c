/*
 * Hypercalls with bad arguments: every guest pointer must lie wholly in
 * guest RAM and every length within the call's limit, or the call fails
 * with -HC_EFAULT / -HC_EINVAL and changes nothing; an unknown call number
 * is -HC_ENOSYS (vm/hypercall_abi.h).  None of it may end the run.
 */
#include "attack.h"
#include "fault.h"
#include "printf.h"
#include "report.h"
#include "string.h"
#include "vm/hypercall_abi.h"

#define WRAPPING_GPA		0xfffffff0u	/* + WRAPPING_LEN passes 4 GiB */
#define WRAPPING_LEN		0x20
#define SKIFF_PROBE_LEN		16
#define ALL_ONES		0xffffffffu
#define STATS_ENTRIES		4
#define NAME_MAX		32

/* The first number past the last call, one far past, and the last. */
static const uint32_t unknown_calls[] = { HC_CALLS, 0x100, ALL_ONES };

/* The first byte is there only to make the line start at an odd address. */
static const char unaligned_line[] __attribute__((aligned(4))) =
	"-attack: this line came through HC_CONSOLE_WRITE from an odd address\n";
static char console_max_plus_1[HC_CONSOLE_MAX + 1];

/* Makes hypercall nr and reports whether it returned want.  VMCALL is in
 * FAULT_TRY: should it raise an exception, the check fails, not the run. */
static void expect(const char *name, int32_t want, uint32_t nr, uint32_t a0, uint32_t a1)
{
	int32_t ret;

	asm volatile(FAULT_TRY("vmcall")
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(0)
		     : "memory");
	if (fault_vector != FAULT_NONE) {
		report_detail(0, name, "VMCALL raised %s", fault_name(fault_vector));
		return;
	}
	report_detail(ret == want, name, "returned %d (0x%08x), expected %d", ret, ret, want);
}

void nonfatal_hypercall_checks(void)
{
	const char *line = unaligned_line + 1;
	uint32_t skiff;

	expect("hc-console-null", -HC_EFAULT, HC_CONSOLE_WRITE, 0, 8);
	expect("hc-console-unaligned", (int32_t)strlen(line), HC_CONSOLE_WRITE, (uint32_t)line,
	       strlen(line));
	expect("hc-console-wrap", -HC_EFAULT, HC_CONSOLE_WRITE, WRAPPING_GPA, WRAPPING_LEN);
	expect("hc-console-max-plus-1", -HC_EINVAL, HC_CONSOLE_WRITE,
	       (uint32_t)console_max_plus_1, sizeof(console_max_plus_1));
	expect("hc-console-len-all-ones", -HC_EINVAL, HC_CONSOLE_WRITE,
	       (uint32_t)console_max_plus_1, ALL_ONES);
	for (unsigned i = 0; i < sizeof(unknown_calls) / sizeof(unknown_calls[0]); i++) {
		char name[NAME_MAX];

		snprintf(name, sizeof(name), "hc-unknown-0x%x", unknown_calls[i]);
		expect(name, -HC_ENOSYS, unknown_calls[i], 0, 0);
	}
	if (!skiff_memory("nonfatal", &skiff)) {
		report_detail(0, "hc-skiff-memory", "no reserved memory-map entry inside RAM");
		return;
	}
	expect("hc-console-skiff-memory", -HC_EFAULT, HC_CONSOLE_WRITE, skiff, SKIFF_PROBE_LEN);
	expect("hc-exit-stats-skiff-memory", -HC_EFAULT, HC_EXIT_STATS, skiff,
	       STATS_ENTRIES * sizeof(struct hc_exit_stat));
	expect("hc-boot-tsc-skiff-memory", -HC_EFAULT, HC_BOOT_TSC, skiff, 0);
	/* A zero length does not excuse the pointer. */
	expect("hc-console-skiff-memory-len-0", -HC_EFAULT, HC_CONSOLE_WRITE, skiff, 0);
	expect("hc-exit-stats-skiff-memory-len-0", -HC_EFAULT, HC_EXIT_STATS, skiff, 0);
}
