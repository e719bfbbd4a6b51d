/*
 * The hypercalls skiff offers its guest; the ABI is vm/hypercall_abi.h,
 * the calling convention for the exit handler is in hypercall.h.
 */
#include "lib/string.h"
#include "vm/hypercall.h"

#define HC_FINISH_STATUS_MAX	255

_Static_assert(HC_CALLS == HC_BOOT_TSC + 1, "a new call needs its case below");

/* (gpa, len) -> len.  Checks run cheapest first, and the buffer is read
 * only once guest_mem_ptr() has vouched for all of it; a length of 0 does
 * not skip the pointer check (the ABI: anything outside guest RAM is
 * -HC_EFAULT).  gpa 0 is not special: it is RAM exactly when guest_mem
 * says so.  The bytes join the guest's line buffer, shared with its UART,
 * so whole lines come out whichever way the guest wrote them. */
static int64_t hc_console_write(struct vm_hc_ctx *ctx, uint64_t gpa,
				uint64_t len)
{
	const char *buf;

	if (len > HC_CONSOLE_MAX)
		return -HC_EINVAL;
	buf = guest_mem_ptr(ctx->mem, gpa, len);
	if (!buf)
		return -HC_EFAULT;
	gconsole_write(ctx->console, buf, len);
	return (int64_t)len;
}

static int64_t hc_finish(struct vm_hc_ctx *ctx, uint64_t status)
{
	if (status > HC_FINISH_STATUS_MAX)
		return -HC_EINVAL;
	ctx->finish_status = (uint8_t)status;
	ctx->finished = true;
	return 0;
}

/* (gpa, len) -> entries: the exit counts and cycles, as many as fit.  The
 * whole buffer the guest names must be guest RAM, even the part no entry
 * fills and even when none does (len 0, or no statistics yet). */
static int64_t hc_exit_stats(struct vm_hc_ctx *ctx, uint64_t gpa, uint64_t len)
{
	size_t n = len / sizeof(struct hc_exit_stat);
	struct hc_exit_stat *out;

	if (len > HC_EXIT_STATS_MAX * sizeof(struct hc_exit_stat))
		return -HC_EINVAL;
	out = guest_mem_ptr(ctx->mem, gpa, len);
	if (!out)
		return -HC_EFAULT;
	if (n > ctx->stats_count)
		n = ctx->stats_count;
	if (n)
		memcpy(out, ctx->stats, n * sizeof(*out));	/* stats may be NULL when 0 */
	return (int64_t)n;
}

/* (gpa) -> 0: the TSC at skiff's first instruction, 8 bytes at gpa. */
static int64_t hc_boot_tsc(struct vm_hc_ctx *ctx, uint64_t gpa)
{
	uint8_t *out = guest_mem_ptr(ctx->mem, gpa, sizeof(ctx->boot_tsc));

	if (!out)
		return -HC_EFAULT;
	memcpy(out, &ctx->boot_tsc, sizeof(ctx->boot_tsc));
	return 0;
}

/* A switch rather than a table of handlers: with HC_CALLS (five) calls it
 * reads as well, and it lets the compiler inline them into the VMCALL
 * path, which is counted in instructions.  A call number with no case is
 * -HC_ENOSYS. */
static int64_t hc_dispatch(struct vm_hc_ctx *ctx, uint64_t nr, uint64_t a0,
			   uint64_t a1)
{
	switch (nr) {
	case HC_VERSION:
		return HC_ABI_VERSION;
	case HC_CONSOLE_WRITE:
		return hc_console_write(ctx, a0, a1);
	case HC_FINISH:
		return hc_finish(ctx, a0);
	case HC_EXIT_STATS:
		return hc_exit_stats(ctx, a0, a1);
	case HC_BOOT_TSC:
		return hc_boot_tsc(ctx, a0);
	default:
		return -HC_ENOSYS;
	}
}

int64_t vm_hypercall(struct vm_hc_ctx *ctx, uint64_t nr, uint64_t a0,
		     uint64_t a1, uint64_t a2, bool guest_64bit)
{
	(void)a2;	/* no call of ABI 1.1 (HC_ABI_VERSION) takes a third argument */
	if (guest_64bit)
		return hc_dispatch(ctx, nr, a0, a1);
	/* Every result fits in 32 bits (HC_ABI_VERSION, at most
	 * HC_CONSOLE_MAX bytes or HC_EXIT_STATS_MAX entries, -HC_E*), so the
	 * sign extension changes no value: it states what a 32-bit guest
	 * gets. */
	return (int32_t)hc_dispatch(ctx, (uint32_t)nr, (uint32_t)a0,
				    (uint32_t)a1);
}
