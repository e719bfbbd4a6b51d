#include "support.h"

#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>

#include "vm/hypercall.h"

/*
 * Guest RAM: [0, 0x1000) and [0x2000, 0x4000) of a host buffer of exactly
 * 0x4000 bytes (guest_mem.bias = its address).  [0x1000, 0x2000) stands
 * for pages skiff keeps: it is poisoned, so AddressSanitizer fails a test
 * if a hypercall reads there, as it does for a read past the buffer's end.
 */
#define RAM_SIZE	0x4000
#define HOLE		0x1000
#define HOLE_END	0x2000

static const struct phys_range ram_ranges[] = {
	{ 0, HOLE }, { HOLE_END, RAM_SIZE },
};
static const struct phys_range high_ranges[] = {	/* no page 0 */
	{ HOLE_END, RAM_SIZE },
};

static char *ram;
static struct guest_mem mem;
static struct gconsole gc;
static struct vm_hc_ctx ctx;
static struct spinlock lock;	/* the guest's device lock, free */
static int setup(void **state)
{
	(void)state;
	ram = malloc(RAM_SIZE);
	assert_non_null(ram);
	memset(ram, 'R', RAM_SIZE);
	ASAN_POISON_MEMORY_REGION(ram + HOLE, HOLE_END - HOLE);
	mem = (struct guest_mem){ ram_ranges, 2, (uintptr_t)ram };
	lines_reset();
	gconsole_init(&gc, lines_capture);
	ctx = (struct vm_hc_ctx){ .mem = &mem, .console = &gc, .lock = &lock };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ASAN_UNPOISON_MEMORY_REGION(ram + HOLE, HOLE_END - HOLE);
	free(ram);
	return 0;
}

static int64_t hc64(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return vm_hypercall(&ctx, nr, a0, a1, 0, true);
}

static int64_t hc32(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return vm_hypercall(&ctx, nr, a0, a1, 0, false);
}

/* Puts text into guest RAM at gpa (never into the hole). */
static void poke(uint64_t gpa, const char *text)
{
	memcpy(ram + gpa, text, strlen(text));
}

static const struct hc_exit_stat stats[3] = {
	{ .count = 5, .cycles = 500 }, { .count = 0, .cycles = 0 }, { .count = 7, .cycles = 70 },
};

static void test_exit_stats_copies_what_fits(void **state)
{
	struct hc_exit_stat got[3];

	(void)state;
	ctx.stats = stats;
	ctx.stats_count = 3;
	/* room for two entries and a half: two are written */
	assert_int_equal(hc64(HC_EXIT_STATS, 0x2000, 2 * sizeof(got[0]) + 8), 2);
	memcpy(got, ram + 0x2000, sizeof(got));
	assert_int_equal(got[0].count, 5);
	assert_int_equal(got[0].cycles, 500);
	assert_int_equal(got[1].count, 0);
	/* more room than entries: all three */
	assert_int_equal(hc32(HC_EXIT_STATS, 0x2000, 10 * sizeof(got[0])), 3);
	memcpy(got, ram + 0x2000, sizeof(got));
	assert_int_equal(got[2].count, 7);
	assert_int_equal(hc64(HC_EXIT_STATS, 0x2000, 0), 0);
}

static void test_exit_stats_checks_its_buffer(void **state)
{
	(void)state;
	ctx.stats = stats;
	ctx.stats_count = 3;
	assert_int_equal(hc64(HC_EXIT_STATS, HOLE, 3 * sizeof(stats[0])), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, ~0ull - 8, 3 * sizeof(stats[0])), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, 0x2000, (HC_EXIT_STATS_MAX + 1) * sizeof(stats[0])),
			 -HC_EINVAL);
	/* The whole buffer named, not only the entries written: room for
	 * ten entries running into skiff's pages is refused, though three
	 * entries would fit before them. */
	assert_int_equal(hc64(HC_EXIT_STATS, HOLE - 3 * sizeof(stats[0]), 10 * sizeof(stats[0])),
			 -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, RAM_SIZE - 3 * sizeof(stats[0]),
			      3 * sizeof(stats[0]) + 1), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, RAM_SIZE - 3 * sizeof(stats[0]), 3 * sizeof(stats[0])),
			 3);
}

static void test_boot_tsc(void **state)
{
	uint64_t got = 0;

	(void)state;
	ctx.boot_tsc = 0x123456789abcull;
	assert_int_equal(hc32(HC_BOOT_TSC, 0x3000, 0), 0);
	memcpy(&got, ram + 0x3000, sizeof(got));
	assert_int_equal(got, 0x123456789abcull);
	assert_int_equal(hc64(HC_BOOT_TSC, HOLE, 0), -HC_EFAULT);
	assert_int_equal(hc64(HC_BOOT_TSC, RAM_SIZE - 4, 0), -HC_EFAULT);
}

static void test_version_in_both_modes(void **state)
{
	(void)state;
	/* ABI 1.1: 1.0 plus HC_EXIT_STATS and HC_BOOT_TSC */
	assert_int_equal(hc64(HC_VERSION, 0, 0), 0x00010001);
	assert_int_equal(hc32(HC_VERSION, 0, 0), 0x00010001);
	assert_false(ctx.finished);
}

static void test_console_write_prints_whole_lines(void **state)
{
	(void)state;
	poke(0x2000, "hello\nabc");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, 9), 9);
	assert_string_equal(lines_out, "hello\n");
	poke(0x3000, "def\n");
	assert_int_equal(hc32(HC_CONSOLE_WRITE, 0x3000, 4), 4);
	assert_string_equal(lines_out, "hello\nabcdef\n");
	assert_false(ctx.finished);
}

static void test_console_write_defuses_control_bytes(void **state)
{
	(void)state;
	poke(0x2000, "\x1b[31mred\x1b[0m\r\n");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, 14), 14);
	assert_string_equal(lines_out, "?[31mred?[0m\n");
}

static void test_zero_length_writes_nothing(void **state)
{
	(void)state;
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, 0), 0);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0, 0), 0);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, RAM_SIZE - 1, 0), 0);
	assert_int_equal(hc32(HC_CONSOLE_WRITE, HOLE - 1, 0), 0);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, 0);
}

/* The ABI: anything outside guest RAM is -HC_EFAULT, whatever the length.
 * A zero length once returned 0 for a pointer into skiff's pages, telling
 * a probing guest nothing was wrong there. */
static void test_zero_length_still_checks_the_pointer(void **state)
{
	int64_t r;

	(void)state;
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE, 0), -HC_EFAULT);	/* skiff's pages */
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE + 0x800, 0), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, RAM_SIZE, 0), -HC_EFAULT);	/* just past RAM */
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0xdead00000000ull, 0), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, ~0ull, 0), -HC_EFAULT);
	assert_int_equal(hc32(HC_CONSOLE_WRITE, HOLE, 0), -HC_EFAULT);
	/* The fast path declines them all (the slow one says -HC_EFAULT)
	 * and takes a zero length where it is RAM, with the same answer. */
	assert_false(vm_hypercall_fast(&ctx, HC_CONSOLE_WRITE, HOLE, 0, &r));
	assert_false(vm_hypercall_fast(&ctx, HC_CONSOLE_WRITE, RAM_SIZE, 0, &r));
	assert_true(vm_hypercall_fast(&ctx, HC_CONSOLE_WRITE, HOLE_END, 0, &r));
	assert_int_equal(r, 0);
	/* The other calls that take a pointer check it the same way. */
	ctx.stats = stats;
	ctx.stats_count = 3;
	assert_int_equal(hc64(HC_EXIT_STATS, HOLE, 0), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, RAM_SIZE, 0), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, HOLE, sizeof(stats[0]) - 1), -HC_EFAULT);
	ctx.stats_count = 0;	/* nothing to write is no excuse either */
	assert_int_equal(hc64(HC_EXIT_STATS, HOLE, sizeof(stats[0])), -HC_EFAULT);
	assert_int_equal(hc64(HC_EXIT_STATS, 0x2000, sizeof(stats[0])), 0);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, 0);
}

static void test_unaligned_buffers(void **state)
{
	(void)state;
	poke(0x2003, "odd\n");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2003, 4), 4);
	poke(RAM_SIZE - 3, "end");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, RAM_SIZE - 3, 3), 3);
	poke(HOLE - 1, "!");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE - 1, 1), 1);
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "odd\nend!\n");
}

static void test_length_limits(void **state)
{
	(void)state;
	memset(ram + 0x2000, 'a', HC_CONSOLE_MAX);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, HC_CONSOLE_MAX), HC_CONSOLE_MAX);
	gconsole_flush(&gc);
	/* 4096 bytes in lines of 256, each with its '\n' */
	assert_int_equal(lines_out_len, HC_CONSOLE_MAX + HC_CONSOLE_MAX / GCONSOLE_LINE_MAX);
	lines_reset();
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, HC_CONSOLE_MAX + 1), -HC_EINVAL);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, ~0ull), -HC_EINVAL);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, 1ull << 32), -HC_EINVAL);
	/* The length is refused before the pointer is looked at. */
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE, 0x100000), -HC_EINVAL);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, 0);
}

static void test_wrapping_buffer_faults(void **state)
{
	(void)state;
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0xfffffffffffffff0ull, 0x20), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, ~0ull, 1), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, ~0ull - 0xfff, 0x1000), -HC_EFAULT);
	/* 32-bit: 0xfffffff0 + 0x20 does not wrap 64-bit, but is not RAM. */
	assert_int_equal(hc32(HC_CONSOLE_WRITE, 0xfffffff0u, 0x20), -HC_EFAULT);
	assert_int_equal(lines_out_len, 0);
}

/* The hole is poisoned: any read there would fail the test. */
static void test_skiff_pages_fault(void **state)
{
	(void)state;
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE, 1), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE + 0x800, 16), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE - 0x10, 0x20), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, HOLE_END - 0x10, 0x20), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x800, 0x1000), -HC_EFAULT);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, 0);
}

/* One byte past RAM is past the host buffer: AddressSanitizer watches. */
static void test_end_of_ram_faults(void **state)
{
	(void)state;
	assert_int_equal(hc64(HC_CONSOLE_WRITE, RAM_SIZE - 0x10, 0x11), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, RAM_SIZE, 1), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x100000, 1), -HC_EFAULT);
	gconsole_flush(&gc);
	assert_int_equal(lines_out_len, 0);
}

static void test_gpa_zero_is_ram_only_if_guest_mem_says_so(void **state)
{
	(void)state;
	poke(0, "zero\n");
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0, 5), 5);
	assert_int_equal(hc32(HC_CONSOLE_WRITE, 0, 5), 5);
	assert_string_equal(lines_out, "zero\nzero\n");
	mem = (struct guest_mem){ high_ranges, 1, (uintptr_t)ram };
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0, 5), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0, 1), -HC_EFAULT);
	assert_int_equal(lines_out_len, 10);
}

static void test_unknown_call_numbers(void **state)
{
	static const uint64_t unknown[] = {
		HC_CALLS, 0x100, 0xffff, 0xffffffffull, 1ull << 32, ~0ull,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(hc64(unknown[i], 0, 0), -HC_ENOSYS);
	assert_int_equal(hc32(HC_CALLS, 0, 0), -HC_ENOSYS);
	assert_int_equal(hc32(0xffffffffull, 0, 0), -HC_ENOSYS);
	/* Every number below HC_CALLS is a call (HC_FINISH with a bad status
	 * so the guest stays). */
	for (uint64_t nr = 0; nr < HC_CALLS; nr++)
		assert_int_not_equal(hc64(nr, 0x100, 0), -HC_ENOSYS);
	assert_false(ctx.finished);
}

/* A 32-bit guest's registers are read as EAX, EDI, ESI: the upper halves
 * are whatever they were and must not count. */
static void test_32bit_mode_truncates_arguments(void **state)
{
	(void)state;
	poke(0x2000, "low\n");
	assert_int_equal(hc32(0xabcd000000000000ull | HC_CONSOLE_WRITE,
			      0xffffffff00002000ull, 0x100000004ull), 4);
	assert_string_equal(lines_out, "low\n");
	assert_int_equal(hc32(0x100000000ull | HC_VERSION, 0, 0), HC_ABI_VERSION);
	/* The same registers in 64-bit mode mean something else. */
	assert_int_equal(hc64(0xabcd000000000000ull | HC_CONSOLE_WRITE, 0x2000, 4), -HC_ENOSYS);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0xffffffff00002000ull, 4), -HC_EFAULT);
	assert_int_equal(hc64(HC_CONSOLE_WRITE, 0x2000, 0x100000004ull), -HC_EINVAL);
	assert_string_equal(lines_out, "low\n");
}

/* What the caller stores in RAX: -14 either way, 0xfffffff2 in EAX. */
static void test_32bit_errors_sign_extend(void **state)
{
	int64_t r;

	(void)state;
	r = hc32(HC_CONSOLE_WRITE, HOLE, 1);
	assert_int_equal(r, -HC_EFAULT);
	assert_int_equal((uint64_t)r, 0xfffffffffffffff2ull);
	assert_int_equal((uint32_t)r, 0xfffffff2u);
	assert_int_equal((uint64_t)hc32(7, 0, 0), 0xffffffffffffffdaull);
	assert_int_equal((uint64_t)hc32(HC_FINISH, 256, 0), 0xffffffffffffffeaull);
}

static void test_exit_with_each_edge_status(void **state)
{
	static const uint64_t statuses[] = { 0, 1, 42, 255 };

	(void)state;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		ctx.finished = false;
		ctx.finish_status = 0x77;
		assert_int_equal(hc64(HC_FINISH, statuses[i], 0), 0);
		assert_true(ctx.finished);
		assert_int_equal(ctx.finish_status, statuses[i]);
	}
}

static void test_exit_with_bad_status_keeps_guest_running(void **state)
{
	(void)state;
	assert_int_equal(hc64(HC_FINISH, 256, 0), -HC_EINVAL);
	assert_int_equal(hc64(HC_FINISH, ~0ull, 0), -HC_EINVAL);
	assert_int_equal(hc64(HC_FINISH, 0x100000007ull, 0), -HC_EINVAL);
	assert_int_equal(hc32(HC_FINISH, 0x80000000u, 0), -HC_EINVAL);
	assert_false(ctx.finished);
	/* 32-bit: the upper half of RDI is not the guest's. */
	assert_int_equal(hc32(HC_FINISH, 0xffffffff00000007ull, 0), 0);
	assert_true(ctx.finished);
	assert_int_equal(ctx.finish_status, 7);
}

/*
 * vm_hypercall_fast() either declines, leaving the console as it was, or
 * does just what vm_hypercall() does with the same registers in either
 * mode: the same result, the same line.
 */
static void assert_fast_path(bool taken, uint64_t nr, uint64_t a0, uint64_t a1)
{
	for (int wide = 0; wide <= 1; wide++) {
		struct gconsole before = gc, after_fast;
		size_t out_before = lines_out_len;
		int64_t fast = 0, slow;
		bool handled = vm_hypercall_fast(&ctx, nr, a0, a1, &fast);

		after_fast = gc;
		assert_int_equal(handled, taken);
		assert_int_equal(lines_out_len, out_before);
		gc = before;
		slow = vm_hypercall(&ctx, nr, a0, a1, 0, wide);
		if (!handled) {
			assert_int_equal(after_fast.len, before.len);
			assert_memory_equal(gconsole_line(&after_fast), gconsole_line(&before), before.len);
		} else {
			assert_int_equal(fast, slow);
			assert_int_equal(after_fast.len, gc.len);
			assert_memory_equal(gconsole_line(&after_fast), gconsole_line(&gc), gc.len);
		}
		gc = before;
		lines_out_len = out_before;
	}
}

static void test_fast_path_agrees_or_declines(void **state)
{
	(void)state;
	poke(0x2000, "abc\ndef");
	assert_fast_path(true, HC_VERSION, 0, 0);
	assert_fast_path(true, HC_CONSOLE_WRITE, 0x2000, 3);
	assert_fast_path(true, HC_CONSOLE_WRITE, 0, 1);
	assert_fast_path(true, HC_CONSOLE_WRITE, 0x2000, 0);
	assert_fast_path(false, HC_CONSOLE_WRITE, 0x2000, 4);		/* a line end */
	assert_fast_path(false, HC_CONSOLE_WRITE, HOLE - 1, 2);		/* into skiff's pages */
	assert_fast_path(false, HC_CONSOLE_WRITE, RAM_SIZE - 1, 2);
	assert_fast_path(false, HC_CONSOLE_WRITE, 0x2000, GCONSOLE_LINE_MAX + 1);
	assert_fast_path(false, HC_CONSOLE_WRITE, 0x2000, HC_CONSOLE_MAX + 1);
	assert_fast_path(false, HC_CONSOLE_WRITE, 0x2000 | 1ull << 32, 3);
	assert_fast_path(false, HC_VERSION | 1ull << 32, 0, 0);
	assert_fast_path(false, HC_FINISH, 0, 0);
	assert_fast_path(false, HC_BOOT_TSC, 0x3000, 0);
	assert_fast_path(false, HC_CALLS, 0, 0);
}

int main(void)
{
#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_version_in_both_modes),
		T(test_exit_stats_copies_what_fits),
		T(test_exit_stats_checks_its_buffer),
		T(test_boot_tsc),
		T(test_console_write_prints_whole_lines),
		T(test_console_write_defuses_control_bytes),
		T(test_zero_length_writes_nothing),
		T(test_zero_length_still_checks_the_pointer),
		T(test_unaligned_buffers),
		T(test_length_limits),
		T(test_wrapping_buffer_faults),
		T(test_skiff_pages_fault),
		T(test_end_of_ram_faults),
		T(test_gpa_zero_is_ram_only_if_guest_mem_says_so),
		T(test_unknown_call_numbers),
		T(test_32bit_mode_truncates_arguments),
		T(test_32bit_errors_sign_extend),
		T(test_exit_with_each_edge_status),
		T(test_exit_with_bad_status_keeps_guest_running),
		T(test_fast_path_agrees_or_declines),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
