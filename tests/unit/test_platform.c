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

/* Registers in memory: a trap covers the pages its register touches;
 * RESET_REG's value is a reboot, SLP_EN in a PM1 control register a
 * power-off, a store into an ECAM window names its function. */
static void test_registers_in_memory(void **state)
{
	struct vm_platform p = { 0 };
	struct vm_platform_event e;
	struct vm_mmio_trap t;

	(void)state;
	t = (struct vm_mmio_trap){ .kind = VM_MMIO_RESET_REG, .base = 0xfed00f00, .size = 1,
				   .value = 6, .name = "ACPI RESET_REG" };
	assert_true(vm_platform_add_mmio(&p, &t));
	t = (struct vm_mmio_trap){ .kind = VM_MMIO_PM1_CNT, .base = 0xfed01ffe, .size = 2,
				   .name = "PM1a_CNT" };
	assert_true(vm_platform_add_mmio(&p, &t));
	t = (struct vm_mmio_trap){ .kind = VM_MMIO_ECAM, .base = 0xb0000000, .size = 256u << 20,
				   .name = "PCI ECAM window" };
	assert_true(vm_platform_add_mmio(&p, &t));

	assert_non_null(vm_platform_mmio_trap(&p, 0xfed00000));	/* the page of RESET_REG */
	assert_non_null(vm_platform_mmio_trap(&p, 0xfed00fff));
	assert_null(vm_platform_mmio_trap(&p, 0xfed02000));
	assert_null(vm_platform_mmio_trap(&p, 0xaffff000));

	e = vm_platform_mmio_write(&p, 0xfed00f00, 1, 6);
	assert_int_equal(e.verdict, VM_PLATFORM_REBOOT);
	assert_string_equal(e.what, "ACPI reset register (0x06 to 0xfed00f00)");
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed00f00, 4, 0x0706).verdict,
			 VM_PLATFORM_REBOOT);		/* a wider store: its byte 0 counts */
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed00f00, 4, 0x0607).verdict,
			 VM_PLATFORM_PASS);
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed00efc, 4, 0x06000000).verdict,
			 VM_PLATFORM_PASS);		/* its neighbour, not it */
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed00f00, 1, 5).verdict, VM_PLATFORM_PASS);

	e = vm_platform_mmio_write(&p, 0xfed01ffe, 2, 0x3c00 | 0x2000);
	assert_int_equal(e.verdict, VM_PLATFORM_POWER_OFF);
	assert_string_equal(e.what, "ACPI sleep through PM1a_CNT (SLP_TYP 7, 0xfed01ffe)");
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed01fff, 1, 0x20).verdict,
			 VM_PLATFORM_POWER_OFF);
	assert_int_equal(vm_platform_mmio_write(&p, 0xfed01ffe, 2, 0x0001).verdict,
			 VM_PLATFORM_PASS);		/* SCI_EN alone */

	e = vm_platform_mmio_write(&p, 0xb0000000 + (3u << 20) + (0x1f << 15) + (2 << 12) + 0x10c,
				   4, 0);
	assert_int_equal(e.verdict, VM_PLATFORM_PASS);
	assert_true(e.pci);
	assert_int_equal(e.bus, 3);
	assert_int_equal(e.dev, 0x1f);
	assert_int_equal(e.fn, 2);
	assert_int_equal(e.reg, 0x10c);
	assert_false(vm_platform_mmio_write(&p, 0xfed00e00, 4, 0).pci);
}

/* No more traps than there is room for. */
static void test_mmio_traps_are_bounded(void **state)
{
	struct vm_platform p = { 0 };
	struct vm_mmio_trap t = { .kind = VM_MMIO_EMULATE, .size = 4096, .name = "t" };

	(void)state;
	for (unsigned i = 0; i < VM_MMIO_TRAPS_MAX; i++) {
		t.base = 0x100000 + i * 0x1000;
		assert_true(vm_platform_add_mmio(&p, &t));
	}
	assert_false(vm_platform_add_mmio(&p, &t));
	t.size = 0;
	p.mmio_count = 0;
	assert_false(vm_platform_add_mmio(&p, &t));	/* an empty register */
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
		cmocka_unit_test(test_registers_in_memory),
		cmocka_unit_test(test_mmio_traps_are_bounded),
		cmocka_unit_test(test_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
