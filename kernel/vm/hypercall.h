/*
 * skiff's side of the hypercall ABI (vm/hypercall_abi.h): the VMCALL exit
 * handler reads the call number and arguments from the guest's registers
 * and hands them here as plain values.
 *
 * Every guest pointer is checked with guest_mem_ptr() before it is read;
 * a failed check changes nothing and returns -HC_EFAULT.
 */
#ifndef SKIFF_VM_HYPERCALL_H
#define SKIFF_VM_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/spinlock.h"
#include "vm/gconsole.h"
#include "vm/guest_mem.h"
#include "vm/hypercall_abi.h"

struct vm_hc_ctx {
	const struct guest_mem *mem;	/* the guest's RAM, for pointer checks */
	struct gconsole *console;	/* where HC_CONSOLE_WRITE goes */
	/* The guest's device lock (struct vm), which vm_hypercall_fast()
	 * takes around the console; vm_hypercall()'s caller holds it. */
	struct spinlock *lock;
	const struct hc_exit_stat *stats;	/* for HC_EXIT_STATS */
	size_t stats_count;
	uint64_t boot_tsc;		/* for HC_BOOT_TSC */
	bool finished;			/* set by a successful HC_FINISH */
	uint8_t finish_status;		/* its status, valid once finished */
};

/*
 * Performs call nr with arguments a0..a2 (RDI, RSI, RDX) and returns the
 * value for the guest's RAX.
 *
 * guest_64bit: the guest executed VMCALL in 64-bit mode (IA32_EFER.LMA and
 * CS.L both set).  Otherwise (protected, compatibility or real mode) the
 * call number and the arguments are truncated to their low 32 bits, and
 * the result is returned already sign-extended from 32 bits.  The caller
 * stores the result, cast to uint64_t, in the guest's RAX.  Outside 64-bit
 * mode only EAX is the guest's to see (the upper halves of registers are
 * undefined there), so storing all 64 bits or just the low 32,
 * zero-extended, gives it the same EAX: 0xfffffff2 for -HC_EFAULT, where
 * a 64-bit guest reads 0xfffffffffffffff2.
 *
 * After HC_FINISH has succeeded, ctx->finished is true: the guest has ended
 * with ctx->finish_status and must not be resumed, and the result is 0
 * (meaningless to the guest, which does not return from HC_FINISH).
 * Failures are negative HC_E* values and leave the guest running.
 */
int64_t vm_hypercall(struct vm_hc_ctx *ctx, uint64_t nr, uint64_t a0,
		     uint64_t a1, uint64_t a2, bool guest_64bit);

_Static_assert(GCONSOLE_LINE_MAX <= HC_CONSOLE_MAX, "a write that fits a line is not too long");

/*
 * The calls vm_hypercall() can make without calling out: HC_VERSION, and
 * an HC_CONSOLE_WRITE whose bytes all join the guest's current line
 * (gconsole_append()), when the registers the call reads all fit in 32
 * bits.  Such a call means the same in either mode, and so does its
 * result, which is below 2^31: so the mode is not asked.  The checks and
 * the result are vm_hypercall()'s; true with the result in *ret, or
 * false, having changed nothing, for any other call, which vm_hypercall()
 * then makes.  Inline for the VMCALL fast path (vmx/exit_fast.c).
 */
static inline bool vm_hypercall_fast(struct vm_hc_ctx *ctx, uint64_t nr, uint64_t a0,
				     uint64_t a1, int64_t *ret)
{
	const char *buf;
	bool appended;

	if ((nr | a0 | a1) >> 32)
		return false;
	if (nr == HC_VERSION) {
		*ret = HC_ABI_VERSION;
		return true;
	}
	/* What gconsole_append() takes fits a line: within HC_CONSOLE_MAX.
	 * Another vCPU in the guest's devices: the slow way, not a wait. */
	if (nr != HC_CONSOLE_WRITE)
		return false;
	buf = guest_mem_ptr(ctx->mem, a0, a1);
	if (!buf || !spin_trylock(ctx->lock))
		return false;
	appended = gconsole_append(ctx->console, buf, a1);
	spin_unlock(ctx->lock);
	if (!appended)
		return false;
	*ret = (int64_t)a1;
	return true;
}

#endif
