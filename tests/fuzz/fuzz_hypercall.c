/*
 * vm_hypercall(), driven as a guest would: the input is a sequence of
 * VMCALLs, each a mode (32- or 64-bit), a call number and three argument
 * registers, until the guest finishes or the input ends (the first byte says
 * how many exit statistics skiff holds for HC_EXIT_STATS).  Each call goes
 * the way skiff's VMCALL exit sends it: vm_hypercall_fast() first, and
 * vm_hypercall() when that declines, so a fast path that did part of a
 * call before declining shows up as bytes counted twice.  Arguments are
 * decoded to land near the edges of guest RAM more often than chance
 * would, and with junk in the upper halves that a 32-bit guest's
 * registers may hold.
 *
 * Guest RAM is a host buffer with a hole, the hole and the margin after
 * the last range poisoned: a read or write of them by skiff is an
 * AddressSanitizer report.
 *
 *   0x00000 .. 0x08000   RAM A (gpa 0 is RAM: it is not special)
 *   0x08000 .. 0x09000   hole
 *   0x09000 .. 0x10000   RAM B
 *   0x10000 .. 0x11000   margin
 *
 * Each result is checked against the ABI (vm/hypercall_abi.h) as a model
 * computes it, in both modes: the value, sign-extended from 32 bits for a
 * 32-bit guest, and what a successful call did: console bytes read only
 * from guest RAM and every one accounted for in the lines gconsole hands
 * out; HC_EXIT_STATS and HC_BOOT_TSC writing their data where the call
 * says, and guest RAM otherwise unchanged.
 */
#include "fuzz_gconsole.h"
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "vm/gconsole.h"
#include "vm/hypercall.h"

#define RAM_A_END	0x08000ull
#define RAM_B_BASE	0x09000ull
#define RAM_B_END	0x10000ull
#define WIN_SIZE	0x11000ull
#define MAX_CALLS	64

static const struct phys_range ram[] = { { 0, RAM_A_END }, { RAM_B_BASE, RAM_B_END } };
static uint8_t *win;		/* gpa 0 */
static uint8_t *want;		/* what guest RAM should hold */
static struct guest_mem mem;

/* ---- the console: every line checked, shown bytes counted ---- */

static uint64_t shown_out;	/* bytes handed out, not counting '\n' */

static void console_out(const char *s, size_t n)
{
	shown_out += fuzz_gconsole_line(s, n);
}

/* Bytes of a write that gconsole must pass on (as themselves or as '?'). */
static uint64_t shown_in(const uint8_t *p, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] != '\n' && p[i] != '\r';
	return k;
}

/* ---- guest RAM ---- */

static uint8_t pattern(uint64_t gpa)
{
	return (uint8_t)((gpa * 0x9e3779b1u) >> 13);
}

static void fill_ram(uint64_t base, uint64_t end)
{
	for (uint64_t a = base; a < end; a++)
		win[a] = pattern(a);
}

static void setup_once(void)
{
	if (win)
		return;
	win = malloc(WIN_SIZE);
	want = malloc(WIN_SIZE);
	fuzz_check(win && want, "out of memory");
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++)
		fill_ram(ram[i].base, ram[i].end);
	memcpy(want, win, WIN_SIZE);
	fuzz_poison(win + RAM_A_END, RAM_B_BASE - RAM_A_END);
	fuzz_poison(win + RAM_B_END, WIN_SIZE - RAM_B_END);
	mem = (struct guest_mem){ ram, ARRAY_SIZE(ram), (uintptr_t)win };
}

/* The model's own answer to "is gpa a byte of guest RAM, and [gpa, gpa +
 * len) all in its range" (the ABI: a zero length does not excuse the
 * pointer). */
static bool model_in_ram(uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++)
		if (gpa >= ram[i].base && gpa < ram[i].end && gpa + len <= ram[i].end)
			return true;
	return false;
}

static uint64_t clamp(uint64_t x, uint64_t lo, uint64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * Guest RAM within [from, to) holds the pattern except [skip, skip + n),
 * which is then put back.  Compared against a copy.  After each call that
 * writes, the bytes around what it may write are looked at; all of guest
 * RAM once the input's calls are done.
 */
static void check_ram_except(uint64_t from, uint64_t to, uint64_t skip, uint64_t n,
			     const char *call)
{
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
		/* [skip, skip + n) is guest RAM when n > 0: it cannot wrap. */
		uint64_t b = clamp(from, ram[i].base, ram[i].end), e = clamp(to, b, ram[i].end);
		uint64_t cut_b = clamp(skip, b, e), cut_e = clamp(skip + n, cut_b, e);

		fuzz_check(memcmp(win + b, want + b, cut_b - b) == 0 &&
			   memcmp(win + cut_e, want + cut_e, e - cut_e) == 0,
			   "%s changed guest RAM in 0x%llx..0x%llx outside 0x%llx + %llu", call,
			   (unsigned long long)b, (unsigned long long)e,
			   (unsigned long long)skip, (unsigned long long)n);
	}
	if (n)
		memcpy(win + skip, want + skip, n);
}

/* ---- decoding the input ---- */

/* Where the edges are; a pointer lands near one of them when it is not raw. */
static const uint64_t edges[] = {
	0, RAM_A_END, RAM_B_BASE, RAM_B_END, WIN_SIZE, 1ull << 32, 0,
};

static uint64_t take_pointer(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	uint64_t v;

	if (how < 0x40)
		return fuzz_u64(in);
	v = edges[how % ARRAY_SIZE(edges)] + (uint64_t)(int64_t)(int16_t)fuzz_u16(in);
	if (how & 0x80)
		v |= (uint64_t)fuzz_u32(in) << 32;	/* junk for 32-bit mode */
	return v;
}

static uint64_t take_length(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);

	if (how < 0x20)
		return fuzz_u64(in);
	if (how < 0x40)
		return 4096 + (uint64_t)(int64_t)(int8_t)fuzz_u8(in);
	return fuzz_u16(in) % 0x2000;
}

/* ---- the model ---- */

struct call {
	bool is64;
	uint64_t nr, a0, a1, a2;	/* the registers */
	uint64_t call, arg0, arg1;	/* what skiff must read of them */
};

struct effect {
	int64_t result;
	uint64_t write_gpa, write_len;	/* what the call may write */
	bool exits;
	uint8_t status;
};

static struct hc_exit_stat stats[HC_EXIT_STATS_MAX];

static struct effect model(const struct call *c, size_t stats_count)
{
	uint64_t a0 = c->arg0, a1 = c->arg1;
	struct effect e = { 0 };

	switch (c->call) {
	case HC_VERSION:
		e.result = HC_ABI_VERSION;
		break;
	case HC_CONSOLE_WRITE:
		if (a1 > HC_CONSOLE_MAX)
			e.result = -HC_EINVAL;
		else
			e.result = model_in_ram(a0, a1) ? (int64_t)a1 : -HC_EFAULT;
		break;
	case HC_FINISH:
		e.result = a0 > 255 ? -HC_EINVAL : 0;
		e.exits = a0 <= 255;
		e.status = (uint8_t)a0;
		break;
	case HC_EXIT_STATS: {
		uint64_t n = a1 / sizeof(struct hc_exit_stat);

		if (a1 > HC_EXIT_STATS_MAX * sizeof(struct hc_exit_stat)) {
			e.result = -HC_EINVAL;
			break;
		}
		/* The whole buffer named, even what no entry fills. */
		if (!model_in_ram(a0, a1)) {
			e.result = -HC_EFAULT;
			break;
		}
		n = n < stats_count ? n : stats_count;
		e.result = (int64_t)n;
		e.write_gpa = a0;
		e.write_len = n * sizeof(struct hc_exit_stat);
		break;
	}
	case HC_BOOT_TSC:
		e.result = model_in_ram(a0, sizeof(uint64_t)) ? 0 : -HC_EFAULT;
		e.write_gpa = a0;
		e.write_len = e.result == 0 ? sizeof(uint64_t) : 0;
		break;
	default:
		e.result = -HC_ENOSYS;
		break;
	}
	if (!c->is64)
		e.result = (int32_t)e.result;
	return e;
}

/* ---- one input ---- */

/* What a call that may write guest RAM wrote there, and nothing else. */
static void check_writes(const struct call *c, const struct effect *e,
			 const struct vm_hc_ctx *ctx)
{
	const void *src = NULL;

	if (c->call == HC_EXIT_STATS)
		src = ctx->stats;
	if (c->call == HC_BOOT_TSC)
		src = &ctx->boot_tsc;
	if (!src)
		return;
	fuzz_check(e->write_len == 0 || memcmp(win + e->write_gpa, src, e->write_len) == 0,
		   "call %llu wrote other bytes than its result", (unsigned long long)c->call);
	check_ram_except(e->write_gpa > 64 ? e->write_gpa - 64 : 0, e->write_gpa + e->write_len + 64,
			 e->write_gpa, e->write_len, "a hypercall that writes");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct gconsole console;
	struct spinlock lock = { false };
	struct vm_hc_ctx ctx = { .mem = &mem, .console = &console, .lock = &lock };
	uint64_t shown_expected = 0;
	/* How many exit statistics skiff has to give, first. */
	size_t stats_count = fuzz_u8(&in) % (HC_EXIT_STATS_MAX + 1);

	setup_once();
	fuzz_log_reset();
	gconsole_init(&console, console_out);
	shown_out = 0;
	for (size_t i = 0; i < ARRAY_SIZE(stats); i++)
		stats[i] = (struct hc_exit_stat){ i * 3 + 1, i * 0x1000003 + 7 };
	ctx.stats = stats;
	ctx.stats_count = stats_count;
	ctx.boot_tsc = 0x0123456789abcdefull;
	for (int i = 0; i < MAX_CALLS && in.n > 0 && !ctx.finished; i++) {
		uint8_t how = fuzz_u8(&in);
		struct call c = { .is64 = how & 1 };
		struct effect e;
		int64_t r;

		/* how: bit 0 64-bit mode; bit 7 any call number at all, else
		 * bits 5:1 pick a defined one (or the first undefined), with
		 * junk in its upper half when bit 6 is set. */
		c.nr = how & 0x80 ? fuzz_u64(&in) : (uint64_t)(((how >> 1) & 0x1f) % (HC_CALLS + 1)) |
			(how & 0x40 ? (uint64_t)fuzz_u32(&in) << 32 : 0);
		c.a0 = take_pointer(&in);
		c.a1 = take_length(&in);
		c.a2 = fuzz_u64(&in);
		c.call = c.is64 ? c.nr : (uint32_t)c.nr;
		c.arg0 = c.is64 ? c.a0 : (uint32_t)c.a0;
		c.arg1 = c.is64 ? c.a1 : (uint32_t)c.a1;
		e = model(&c, stats_count);
		if (!vm_hypercall_fast(&ctx, c.nr, c.a0, c.a1, &r))
			r = vm_hypercall(&ctx, c.nr, c.a0, c.a1, c.a2, c.is64);
		fuzz_check(r == e.result, "call 0x%llx (%s mode, 0x%llx, 0x%llx) returned %lld, "
			   "the ABI says %lld", (unsigned long long)c.nr, c.is64 ? "64-bit" : "32-bit",
			   (unsigned long long)c.a0, (unsigned long long)c.a1, (long long)r,
			   (long long)e.result);
		fuzz_check(ctx.finished == e.exits, "finished is %d after a call that %s", ctx.finished,
			   e.exits ? "exits" : "does not exit");
		if (e.exits)
			fuzz_check(ctx.finish_status == e.status, "exit status %u, not %u",
				   ctx.finish_status, e.status);
		if (e.result > 0 && c.call == HC_CONSOLE_WRITE)
			shown_expected += shown_in(win + c.arg0, (size_t)e.result);
		check_writes(&c, &e, &ctx);
	}
	check_ram_except(0, WIN_SIZE, 0, 0, "the calls");
	gconsole_flush(&console);
	fuzz_check(console.len == 0, "a flushed console still holds %zu bytes", console.len);
	fuzz_check(shown_out == shown_expected, "the console showed %llu bytes of %llu written",
		   (unsigned long long)shown_out, (unsigned long long)shown_expected);
	return 0;
}
