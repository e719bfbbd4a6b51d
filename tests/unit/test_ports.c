#include "support.h"

#include <string.h>

#include "lib/errno.h"
#include "vm/hypercall_abi.h"
#include "vm/ports.h"

static struct gconsole gc;
static struct vm_ports p;

static int setup(void **state)
{
	(void)state;
	lines_reset();
	gconsole_init(&gc, lines_capture);
	vm_ports_init(&p, &gc);
	return 0;
}

static int io_out(uint16_t port, unsigned size, uint32_t value)
{
	return vm_port_io(&p, port, size, false, &value);
}

/* The value an IN finds; fails the test unless the access succeeds. */
static uint32_t io_in(uint16_t port, unsigned size)
{
	uint32_t value = 0xdeadbeef;

	assert_int_equal(vm_port_io(&p, port, size, true, &value), VM_PORT_DONE);
	return value;
}

static int out_bytes(uint16_t port, const char *s)
{
	int rc = VM_PORT_DONE;

	for (; *s && rc == VM_PORT_DONE; s++)
		rc = io_out(port, 1, (uint8_t)*s);
	return rc;
}

static void test_intercepted_ranges_are_exactly_these(void **state)
{
	(void)state;
	assert_int_equal(VM_PORT_RANGES, 3);
	assert_int_equal(vm_port_ranges[0].first, 0xf4);
	assert_int_equal(vm_port_ranges[0].count, 4);
	assert_int_equal(vm_port_ranges[1].first, 0x3f8);
	assert_int_equal(vm_port_ranges[1].count, 8);
	assert_int_equal(vm_port_ranges[2].first, 0x8900);
	assert_int_equal(vm_port_ranges[2].count, 1);
	for (int i = 0; i < VM_PORT_RANGES; i++) {
		const struct vm_port_range *r = &vm_port_ranges[i];

		assert_non_null(r->name);
		assert_true(strlen(r->name) > 0);
		assert_true(r->first + r->count <= 0x10000);
		if (i > 0)	/* sorted and disjoint */
			assert_true(vm_port_ranges[i - 1].first +
				    vm_port_ranges[i - 1].count <= r->first);
	}
}

static void test_com1_reaches_the_guest_console(void **state)
{
	(void)state;
	assert_int_equal(out_bytes(HV_PORT_COM1, "ok\r\n"), VM_PORT_DONE);
	assert_string_equal(lines_out, "ok\n");
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_LSR, 1), 0x60);
}

static void test_exit_port_ends_guest_with_the_byte(void **state)
{
	for (uint16_t port = 0xf4; port <= 0xf7; port++) {
		setup(state);
		uint8_t status = (uint8_t)(0xc0 + port - HV_PORT_FINISH);

		assert_int_equal(io_out(port, 1, status), VM_PORT_FINISH);
		assert_int_equal(p.finish_status, status);
	}
}

/* QEMU's isa-debug-exit takes the whole value; skiff's status is its low
 * byte, which is the byte that lands on the exit port first. */
static void test_wide_exit_write_uses_the_low_byte(void **state)
{
	(void)state;
	assert_int_equal(io_out(HV_PORT_FINISH, 4, 0x12345603), VM_PORT_FINISH);
	assert_int_equal(p.finish_status, 3);
	assert_int_equal(io_out(HV_PORT_FINISH + 2, 2, 0xff07), VM_PORT_FINISH);
	assert_int_equal(p.finish_status, 7);
	assert_int_equal(io_out(HV_PORT_FINISH, 4, 0x100), VM_PORT_FINISH);
	assert_int_equal(p.finish_status, 0);
	/* From 0xf3: byte 0 reaches no device, byte 1 is the status. */
	assert_int_equal(io_out(HV_PORT_FINISH - 1, 4, 0x00002a11), VM_PORT_FINISH);
	assert_int_equal(p.finish_status, 0x2a);
}

static void test_exit_ports_read_all_ones(void **state)
{
	(void)state;
	assert_int_equal(io_in(HV_PORT_FINISH, 1), 0xff);
	assert_int_equal(io_in(HV_PORT_FINISH + 2, 2), 0xffff);
	assert_int_equal(io_in(HV_PORT_FINISH, 4), 0xffffffff);
	assert_int_equal(io_in(HV_PORT_BOCHS_SHUTDOWN, 1), 0xff);
}

static void test_bochs_shutdown_ends_guest_with_zero(void **state)
{
	(void)state;
	p.finish_status = 0x55;
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "Shutdow"), VM_PORT_DONE);
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 1, 'n'), VM_PORT_FINISH);
	assert_int_equal(p.finish_status, 0);
	/* The matcher starts over after a shutdown. */
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "down"), VM_PORT_DONE);
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 1, 'n'), VM_PORT_DONE);
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 1, 0), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "Shutdown"), VM_PORT_FINISH);
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 1, 0), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "Shutdown"), VM_PORT_FINISH);
}

static void test_bochs_shutdown_broken_sequence_starts_over(void **state)
{
	(void)state;
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "ShutXdown"), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "shutdown"), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "SShutdown"), VM_PORT_FINISH);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "ShutShutdown"), VM_PORT_FINISH);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "Shutdown!"), VM_PORT_FINISH);
}

/* Only 0x8900 is Bochs's: the high byte of a word lands on 0x8901. */
static void test_bochs_wide_write_feeds_its_low_byte(void **state)
{
	(void)state;
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 2, 'S' | 'h' << 8), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "utdown"), VM_PORT_DONE);
	assert_int_equal(io_out(HV_PORT_BOCHS_SHUTDOWN, 2, 'S' | 'h' << 8), VM_PORT_DONE);
	assert_int_equal(out_bytes(HV_PORT_BOCHS_SHUTDOWN, "hutdown"), VM_PORT_FINISH);
}

/* A wide access to COM1 is one byte per register, low byte first; a byte
 * past the UART reaches nothing (dropped, reads 0xff). */
static void test_com1_wide_access_is_split_into_bytes(void **state)
{
	(void)state;
	assert_int_equal(io_out(HV_PORT_COM1 + UART_REG_MSR, 2, 0x5a00), VM_PORT_DONE);
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_SCR, 1), 0x5a);
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_MSR, 2), 0x5ab0);
	assert_int_equal(io_out(HV_PORT_COM1 + UART_REG_SCR, 2, 0xaa77), VM_PORT_DONE);
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_SCR, 2), 0xff77);
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_MCR, 4), 0x77b0600b);
	assert_int_equal(io_out(HV_PORT_COM1, 2, 'A' | 0x00 << 8), VM_PORT_DONE);
	assert_int_equal(io_in(HV_PORT_COM1 + UART_REG_IER, 1), 0x00);
	assert_int_equal(io_in(HV_PORT_COM1 - 1, 2), 0x00ff);	/* 0x3f7, RBR */
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "A\n");
}

static void test_caller_mistakes_are_errors(void **state)
{
	uint32_t value = 0x1234;

	(void)state;
	assert_int_equal(io_out(0x80, 1, 0), -ENODEV);
	assert_int_equal(io_out(HV_PORT_COM1 - 4, 4, 0), -ENODEV);
	assert_int_equal(io_out(HV_PORT_COM1 + 8, 1, 'x'), -ENODEV);
	assert_int_equal(vm_port_io(&p, 0x80, 1, true, &value), -ENODEV);
	assert_int_equal(value, 0x1234);
	assert_int_equal(io_out(HV_PORT_FINISH, 3, 0), -EINVAL);
	assert_int_equal(io_out(HV_PORT_FINISH, 0, 0), -EINVAL);
	assert_int_equal(io_out(HV_PORT_FINISH, 8, 0), -EINVAL);
	assert_int_equal(lines_out_len, 0);
}

/* A guest's IN/OUT that wraps past 0xffff exits whatever the I/O bitmap
 * says; it is the guest's doing, so it is handled, never an error (found
 * by tests/fuzz/fuzz_ports.c: skiff used to panic on "in ax, 0xffff"). */
static void test_wrapping_access_is_handled(void **state)
{
	uint32_t value = 0x1234;

	(void)state;
	assert_int_equal(io_out(0xffff, 2, 0xabcd), VM_PORT_DONE);
	assert_int_equal(io_out(0xfffd, 4, 0), VM_PORT_DONE);
	assert_int_equal(vm_port_io(&p, 0xffff, 2, true, &value), VM_PORT_DONE);
	assert_int_equal(value, 0xffff);
	assert_int_equal(vm_port_io(&p, 0xfffe, 4, true, &value), VM_PORT_DONE);
	assert_int_equal(value, 0xffffffff);
	assert_false(p.finish_status);
	assert_int_equal(lines_out_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_intercepted_ranges_are_exactly_these, setup),
		cmocka_unit_test_setup(test_com1_reaches_the_guest_console, setup),
		cmocka_unit_test_setup(test_exit_port_ends_guest_with_the_byte, setup),
		cmocka_unit_test_setup(test_wide_exit_write_uses_the_low_byte, setup),
		cmocka_unit_test_setup(test_exit_ports_read_all_ones, setup),
		cmocka_unit_test_setup(test_bochs_shutdown_ends_guest_with_zero, setup),
		cmocka_unit_test_setup(test_bochs_shutdown_broken_sequence_starts_over, setup),
		cmocka_unit_test_setup(test_bochs_wide_write_feeds_its_low_byte, setup),
		cmocka_unit_test_setup(test_com1_wide_access_is_split_into_bytes, setup),
		cmocka_unit_test_setup(test_caller_mistakes_are_errors, setup),
		cmocka_unit_test_setup(test_wrapping_access_is_handled, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
