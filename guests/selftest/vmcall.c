/*
 * VMCALL: skiff's hypercalls and, above all, how it refuses bad ones.
 * Every guest pointer must lie wholly in guest RAM and every length
 * within the call's limit (vm/hypercall_abi.h).
 */
#include "fault.h"
#include "selftest.h"
#include "vm/hypercall_abi.h"

#define BAD_CALL_NUMBER		0x7777
#define BAD_EXIT_STATUS		300		/* HC_FINISH takes 0..255 */
#define WRAPPING_GPA		0xfffffff0u	/* + 0x20 wraps past 4 GiB */
#define WRAPPING_LEN		0x20

static const char console_line[] = "selftest: this line came through HC_CONSOLE_WRITE\n";

/* One byte more than a console write may take, in guest RAM for sure,
 * so that the length is the only thing wrong with it. */
static char too_long[HC_CONSOLE_MAX + 1];

/* Makes hypercall nr and wants the result want.  VMCALL is in FAULT_TRY:
 * should skiff let it raise an exception, the check fails instead of the
 * whole selftest. */
static enum result expect(int32_t want, uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
	int32_t ret;

	asm volatile(FAULT_TRY("vmcall")
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
		     : "memory");
	if (fault_vector != FAULT_NONE)
		return fail("VMCALL raised %s", fault_name(fault_vector));
	if (ret != want)
		return fail("returned %d (0x%08x), expected %d", ret, ret, want);
	return PASS;
}

static enum result hc_version(void)
{
	return expect(HC_ABI_VERSION, HC_VERSION, 0, 0, 0);
}

static enum result hc_console_write(void)
{
	return expect(sizeof(console_line) - 1, HC_CONSOLE_WRITE, (uint32_t)console_line,
		      sizeof(console_line) - 1, 0);
}

/* Below 1 MiB is not guest RAM for skiff, so 0 is outside. */
static enum result hc_console_null(void)
{
	return expect(-HC_EFAULT, HC_CONSOLE_WRITE, 0, 8, 0);
}

static enum result hc_console_skiff_memory(void)
{
	const struct mb2_mmap_entry *e = mmap_skiff_memory();

	if (!e)
		return fail("no reserved memory-map entry inside RAM");
	return expect(-HC_EFAULT, HC_CONSOLE_WRITE, (uint32_t)e->base_addr, 16, 0);
}

static enum result hc_console_wrap(void)
{
	return expect(-HC_EFAULT, HC_CONSOLE_WRITE, WRAPPING_GPA, WRAPPING_LEN, 0);
}

static enum result hc_console_too_long(void)
{
	return expect(-HC_EINVAL, HC_CONSOLE_WRITE, (uint32_t)too_long, sizeof(too_long), 0);
}

static enum result hc_unknown_call(void)
{
	return expect(-HC_ENOSYS, BAD_CALL_NUMBER, 0, 0, 0);
}

static enum result hc_exit_bad_status(void)
{
	return expect(-HC_EINVAL, HC_FINISH, BAD_EXIT_STATUS, 0, 0);
}

const struct check vmcall_checks[] = {
	{ .name = "hc-version", .run = hc_version, .needs_skiff = true },
	{ .name = "hc-console-write", .run = hc_console_write, .needs_skiff = true },
	{ .name = "hc-console-null", .run = hc_console_null, .needs_skiff = true },
	{ .name = "hc-console-skiff-memory", .run = hc_console_skiff_memory, .needs_skiff = true },
	{ .name = "hc-console-wrap", .run = hc_console_wrap, .needs_skiff = true },
	{ .name = "hc-console-too-long", .run = hc_console_too_long, .needs_skiff = true },
	{ .name = "hc-unknown-call", .run = hc_unknown_call, .needs_skiff = true },
	{ .name = "hc-exit-bad-status", .run = hc_exit_bad_status, .needs_skiff = true },
	{ .name = NULL },
};
