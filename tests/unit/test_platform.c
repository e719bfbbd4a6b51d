#include "support.h"

#include "vm/platform.h"

/*
 * The reset and sleep ports skiff keeps (vm/platform.h): which writes
 * reset or power off the machine, and that every other access is the
 * hardware's.  The FADT here: PM1a_CNT at 0xb004, PM1b_CNT at 0xb104,
 * RESET_REG 0xcf9 with the value 6 (as many chipsets have).
 */
static struct vm_platform fadt = {
	.pm1a_cnt = 0xb004, .pm1b_cnt = 0xb104, .reset = 0xcf9, .reset_value = 6,
};
static struct vm_platform bare = { 0 };

static enum vm_platform_verdict w(struct vm_platform *p, uint16_t port, unsigned size,
				  uint32_t value)
{
	return vm_platform_write(p, port, size, value).verdict;
}

static void test_keyboard_controller(void **state)
{
	(void)state;
	assert_int_equal(w(&bare, 0x64, 1, 0xfe), VM_PLATFORM_REBOOT);
	assert_int_equal(w(&bare, 0x64, 1, 0xf0), VM_PLATFORM_REBOOT);	/* pulses all four */
	assert_int_equal(w(&bare, 0x64, 1, 0xff), VM_PLATFORM_PASS);	/* pulses none */
	assert_int_equal(w(&bare, 0x64, 1, 0xfd), VM_PLATFORM_PASS);	/* line 1: A20 */
	assert_int_equal(w(&bare, 0x64, 1, 0xd1), VM_PLATFORM_PASS);	/* write output port */
	assert_int_equal(w(&bare, 0x64, 1, 0xae), VM_PLATFORM_PASS);
	assert_string_equal(vm_platform_write(&bare, 0x64, 1, 0xfe).what,
			    "keyboard controller reset (0xfe to port 0x64)");
}

static void test_port_92_and_cf9(void **state)
{
	(void)state;
	assert_int_equal(w(&bare, 0x92, 1, 0x01), VM_PLATFORM_REBOOT);
	assert_int_equal(w(&bare, 0x92, 1, 0x03), VM_PLATFORM_REBOOT);
	assert_int_equal(w(&bare, 0x92, 1, 0x02), VM_PLATFORM_PASS);	/* A20 alone */
	assert_int_equal(w(&bare, 0xcf9, 1, 0x06), VM_PLATFORM_REBOOT);
	assert_int_equal(w(&bare, 0xcf9, 1, 0x04), VM_PLATFORM_REBOOT);
	assert_int_equal(w(&bare, 0xcf9, 1, 0x02), VM_PLATFORM_PASS);	/* SYS_RST alone */
	/* CONFIG_ADDRESS: a dword at 0xcf8 whose byte 1 has bit 2 is no reset. */
	assert_int_equal(w(&bare, 0xcf8, 4, 0x80000400), VM_PLATFORM_PASS);
	assert_true(vm_platform_covers(&bare, 0xcf8, 4));
	assert_true(vm_platform_covers(&bare, 0xcfb, 1));
	assert_false(vm_platform_covers(&bare, 0xcfc, 4));	/* CONFIG_DATA: not kept */
	assert_false(vm_platform_covers(&bare, 0x61, 1));
}

/* 0xd1 "write output port", then the output port byte to 0x60: bit 0
 * clear resets the CPU.  Skiff writes the byte with bit 0 set instead, so
 * that the 8042 finishes its command. */
static void test_keyboard_controller_output_port(void **state)
{
	struct vm_platform p = { 0 };
	struct vm_platform_event e;

	(void)state;
	assert_true(vm_platform_covers(&p, 0x60, 1));
	assert_int_equal(w(&p, 0x60, 1, 0x00), VM_PLATFORM_PASS);	/* no command: data */
	assert_int_equal(w(&p, 0x64, 1, 0xd1), VM_PLATFORM_PASS);
	assert_int_equal(w(&p, 0x60, 1, 0xdf), VM_PLATFORM_PASS);	/* bit 0 set: A20 on */
	assert_int_equal(w(&p, 0x60, 1, 0xde), VM_PLATFORM_PASS);	/* the command is over */
	assert_int_equal(w(&p, 0x64, 1, 0xd1), VM_PLATFORM_PASS);
	e = vm_platform_write(&p, 0x60, 1, 0xde);
	assert_int_equal(e.verdict, VM_PLATFORM_REBOOT);
	assert_true(e.substitute);
	assert_int_equal(e.substitute_value, 0xdf);
	assert_string_equal(e.what, "keyboard controller output port reset (0xde to port 0x60 after 0xd1)");
	assert_false(p.kbc_output_next);
	/* Another command in between ends the first. */
	assert_int_equal(w(&p, 0x64, 1, 0xd1), VM_PLATFORM_PASS);
	assert_int_equal(w(&p, 0x64, 1, 0xae), VM_PLATFORM_PASS);
	assert_int_equal(w(&p, 0x60, 1, 0x00), VM_PLATFORM_PASS);
	/* A word write to 0x60 is no output-port byte; it ends the command. */
	assert_int_equal(w(&p, 0x64, 1, 0xd1), VM_PLATFORM_PASS);
	assert_int_equal(w(&p, 0x60, 2, 0x0000), VM_PLATFORM_PASS);
	assert_false(p.kbc_output_next);
}

static void test_acpi(void **state)
{
	struct vm_platform_event e;

	(void)state;
	/* RESET_REG: its value, a byte, at its port. */
	assert_int_equal(w(&fadt, 0xcf9, 1, 6), VM_PLATFORM_REBOOT);
	assert_string_equal(vm_platform_write(&fadt, 0xcf9, 1, 6).what,
			    "ACPI reset register (0x06 to port 0xcf9)");
	/* SLP_EN (bit 13) in either PM1 control register, any width. */
	e = vm_platform_write(&fadt, 0xb004, 2, 0x3c00 | 0x2000);	/* SLP_TYP 7 */
	assert_int_equal(e.verdict, VM_PLATFORM_POWER_OFF);
	assert_string_equal(e.what, "ACPI sleep through PM1a_CNT (SLP_TYP 7, port 0xb004)");
	assert_int_equal(w(&fadt, 0xb005, 1, 0x20), VM_PLATFORM_POWER_OFF);
	assert_int_equal(w(&fadt, 0xb004, 4, 0x2000), VM_PLATFORM_POWER_OFF);
	assert_int_equal(w(&fadt, 0xb104, 2, 0x2000), VM_PLATFORM_POWER_OFF);
	/* Without SLP_EN: SCI_EN and the like are the guest's. */
	assert_int_equal(w(&fadt, 0xb004, 2, 0x1c01), VM_PLATFORM_PASS);
	assert_int_equal(w(&fadt, 0xb004, 1, 0xff), VM_PLATFORM_PASS);	/* low byte only */
	assert_int_equal(w(&bare, 0xb004, 2, 0x2000), VM_PLATFORM_PASS);	/* no FADT */
}

static void test_ranges(void **state)
{
	struct vm_port_range r[VM_PLATFORM_RANGES_MAX];

	(void)state;
	assert_int_equal(vm_platform_ranges(&bare, r, VM_PLATFORM_RANGES_MAX), 5);
	assert_int_equal(vm_platform_ranges(&fadt, r, VM_PLATFORM_RANGES_MAX), 8);
	assert_int_equal(r[0].first, 0x60);
	assert_int_equal(r[4].first, 0xcfc);	/* CONFIG_DATA, for the PCI filter */
	assert_int_equal(r[4].count, 4);
	assert_int_equal(r[5].first, 0xb004);
	assert_int_equal(r[5].count, 2);
	assert_int_equal(r[7].first, 0xcf9);
	assert_int_equal(vm_platform_ranges(&fadt, r, 2), 2);	/* bounded */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyboard_controller),
		cmocka_unit_test(test_keyboard_controller_output_port),
		cmocka_unit_test(test_port_92_and_cf9),
		cmocka_unit_test(test_acpi),
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
