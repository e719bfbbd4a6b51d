#include "support.h"

#include <string.h>

#include "vm/uart_model.h"

static struct gconsole gc;
static struct uart_model u;

static int setup(void **state)
{
	(void)state;
	lines_reset();
	gconsole_init(&gc, lines_capture);
	uart_model_init(&u, &gc);
	return 0;
}

static uint8_t rd(unsigned reg)
{
	return uart_model_read(&u, reg);
}

static void wr(unsigned reg, uint8_t value)
{
	uart_model_write(&u, reg, value);
}

static void test_starting_state_is_as_a_boot_loader_leaves_it(void **state)
{
	(void)state;
	assert_int_equal(rd(UART_REG_LCR), 0x03);
	assert_int_equal(rd(UART_REG_MCR), 0x0b);
	assert_int_equal(rd(UART_REG_IER), 0x00);
	assert_int_equal(rd(UART_REG_IIR), 0xc1);
	assert_int_equal(rd(UART_REG_LSR), 0x60);
	assert_int_equal(rd(UART_REG_MSR), 0xb0);
	assert_int_equal(rd(UART_REG_SCR), 0x00);
	wr(UART_REG_LCR, 0x83);
	assert_int_equal(rd(UART_REG_DLL), 0x01);
	assert_int_equal(rd(UART_REG_DLM), 0x00);
}

/* While skiff's own line is still sending, TEMT says so; THRE does not
 * change: the model takes bytes at once. */
static bool busy;

static bool line_busy(void)
{
	return busy;
}

static void test_temt_follows_the_line(void **state)
{
	(void)state;
	busy = true;
	u.line_busy = line_busy;
	assert_int_equal(rd(UART_REG_LSR), UART_LSR_THRE);
	wr(UART_REG_THR, 'x');
	assert_int_equal(rd(UART_REG_LSR), UART_LSR_THRE);
	busy = false;
	assert_int_equal(rd(UART_REG_LSR), UART_LSR_THRE | UART_LSR_TEMT);
}

static void test_thr_goes_to_guest_console(void **state)
{
	(void)state;
	for (const char *s = "hi\r\n"; *s; s++) {
		assert_true(rd(UART_REG_LSR) & UART_LSR_THRE);
		wr(UART_REG_THR, (uint8_t)*s);
	}
	assert_string_equal(lines_out, "hi\n");
	assert_int_equal(rd(UART_REG_LSR), 0x60);	/* nothing received */
}

/* skiff's own uart_present(), step by step (kernel/drivers/uart.c). */
static bool skiff_uart_present(void)
{
	wr(UART_REG_SCR, 0x5a);
	if (rd(UART_REG_SCR) != 0x5a)
		return false;
	wr(UART_REG_MCR, 0x10);			/* MCR_LOOPBACK */
	wr(UART_REG_THR, 0xae);
	for (int spin = 0; spin < 1000; spin++)
		if (rd(UART_REG_LSR) & 1)
			break;
	return rd(UART_REG_RBR) == 0xae;
}

/* The register sequence of skiff's uart_init(COM1_BASE): the probe must
 * find the model, and its loopback byte must not reach the console. */
static void test_skiff_driver_probe_finds_the_model(void **state)
{
	(void)state;
	wr(UART_REG_IER, 0);
	wr(UART_REG_LCR, 0x80);			/* LCR_DLAB */
	wr(UART_REG_DLL, 1);
	wr(UART_REG_DLM, 0);
	wr(UART_REG_LCR, 0x03);			/* LCR_8N1 */
	wr(UART_REG_FCR, 0x07);			/* FCR_ENABLE_CLEAR */
	assert_true(skiff_uart_present());
	wr(UART_REG_MCR, 0x0b);			/* MCR_DTR_RTS_OUT2 */
	assert_int_equal(lines_out_len, 0);
	/* uart_console_write(): "\n" goes out as "\r\n" */
	for (const char *s = "up\r\n"; *s; s++) {
		assert_true(rd(UART_REG_LSR) & 0x20);
		wr(UART_REG_THR, (uint8_t)*s);
	}
	assert_string_equal(lines_out, "up\n");
}

static void test_scratch_register_keeps_its_value(void **state)
{
	(void)state;
	wr(UART_REG_SCR, 0x5a);
	assert_int_equal(rd(UART_REG_SCR), 0x5a);
	wr(UART_REG_SCR, 0xa5);
	assert_int_equal(rd(UART_REG_SCR), 0xa5);
	assert_int_equal(rd(UART_REG_SCR + 8), 0xa5);	/* offset modulo 8 */
}

static void test_dlab_selects_the_divisor_latch(void **state)
{
	(void)state;
	wr(UART_REG_IER, 0x05);
	wr(UART_REG_LCR, 0x80 | 0x03);
	wr(UART_REG_DLL, 0x0c);
	wr(UART_REG_DLM, 0x34);
	assert_int_equal(lines_out_len, 0);			/* not a THR write */
	assert_int_equal(rd(UART_REG_DLL), 0x0c);
	assert_int_equal(rd(UART_REG_DLM), 0x34);
	wr(UART_REG_LCR, 0x03);
	assert_int_equal(rd(UART_REG_IER), 0x05);	/* not a DLM write */
	assert_int_equal(rd(UART_REG_RBR), 0x00);
	wr(UART_REG_THR, 'k');
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "k\n");
	wr(UART_REG_LCR, 0x83);
	assert_int_equal(rd(UART_REG_DLL), 0x0c);	/* THR wrote no latch */
}

static void test_ier_keeps_low_four_bits(void **state)
{
	(void)state;
	wr(UART_REG_IER, 0xff);
	assert_int_equal(rd(UART_REG_IER), 0x0f);
	wr(UART_REG_IER, 0x00);
	assert_int_equal(rd(UART_REG_IER), 0x00);
}

/* No interrupt is ever pending; bits 7:6 tell whether FIFOs are on (how
 * Linux tells a 16550A: FCR = 1, then IIR >> 6 == 3). */
static void test_iir_reports_no_interrupt(void **state)
{
	(void)state;
	wr(UART_REG_IER, 0x0f);
	wr(UART_REG_FCR, 0x00);
	assert_int_equal(rd(UART_REG_IIR), 0x01);
	wr(UART_REG_FCR, 0x01);
	assert_int_equal(rd(UART_REG_IIR) >> 6, 3);
	assert_int_equal(rd(UART_REG_IIR), 0xc1);
	assert_int_equal(rd(UART_REG_LCR), 0x03);	/* FCR is not LCR */
}

static void test_loopback_mirrors_modem_control(void **state)
{
	static const struct { uint8_t mcr, msr; } wiring[] = {
		{ 0x10, 0x00 },
		{ 0x11, 0x20 },		/* DTR -> DSR */
		{ 0x12, 0x10 },		/* RTS -> CTS */
		{ 0x14, 0x40 },		/* OUT1 -> RI */
		{ 0x18, 0x80 },		/* OUT2 -> DCD */
		{ 0x1a, 0x90 },		/* Linux's check: OUT2|RTS -> DCD|CTS */
		{ 0x1f, 0xf0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(wiring) / sizeof(wiring[0]); i++) {
		wr(UART_REG_MCR, wiring[i].mcr);
		assert_int_equal(rd(UART_REG_MSR) & 0xf0, wiring[i].msr);
	}
}

static void test_loopback_sets_and_clears_delta_bits(void **state)
{
	(void)state;
	assert_int_equal(rd(UART_REG_MSR), 0xb0);
	wr(UART_REG_MCR, 0x10);		/* CTS, DSR, DCD all drop */
	assert_int_equal(rd(UART_REG_MSR), 0x0b);
	assert_int_equal(rd(UART_REG_MSR), 0x00);	/* read clears */
	wr(UART_REG_MCR, 0x14);		/* RI rises: no TERI */
	assert_int_equal(rd(UART_REG_MSR), 0x40);
	wr(UART_REG_MCR, 0x10);		/* RI falls: TERI */
	assert_int_equal(rd(UART_REG_MSR), 0x04);
	wr(UART_REG_MCR, 0x0b);		/* lines_out of loopback: ready again */
	assert_int_equal(rd(UART_REG_MSR), 0xbb);
	assert_int_equal(rd(UART_REG_MSR), 0xb0);
}

static void test_loopback_receives_instead_of_sending(void **state)
{
	(void)state;
	wr(UART_REG_MCR, 0x10);
	wr(UART_REG_THR, 'x');
	assert_int_equal(lines_out_len, 0);
	assert_int_equal(rd(UART_REG_LSR), 0x61);
	assert_int_equal(rd(UART_REG_RBR), 'x');
	assert_int_equal(rd(UART_REG_LSR), 0x60);
	assert_int_equal(rd(UART_REG_RBR), 0x00);	/* empty reads 0 */
	wr(UART_REG_MCR, 0x0b);
	wr(UART_REG_THR, 'y');
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "y\n");
}

static void test_fifo_holds_sixteen_then_overruns(void **state)
{
	(void)state;
	wr(UART_REG_MCR, 0x10);
	for (int i = 0; i < 17; i++)
		wr(UART_REG_THR, (uint8_t)(0x40 + i));
	assert_int_equal(rd(UART_REG_LSR), 0x63);	/* DR|OE|THRE|TEMT */
	assert_int_equal(rd(UART_REG_LSR), 0x61);	/* OE cleared by reading */
	for (int i = 0; i < 16; i++)
		assert_int_equal(rd(UART_REG_RBR), 0x40 + i);
	assert_int_equal(rd(UART_REG_LSR), 0x60);
}

static void test_without_fifo_new_byte_overwrites(void **state)
{
	(void)state;
	wr(UART_REG_FCR, 0x00);
	wr(UART_REG_MCR, 0x10);
	wr(UART_REG_THR, 'a');
	assert_int_equal(rd(UART_REG_LSR), 0x61);
	wr(UART_REG_THR, 'b');
	assert_int_equal(rd(UART_REG_LSR), 0x63);
	assert_int_equal(rd(UART_REG_RBR), 'b');
	assert_int_equal(rd(UART_REG_LSR), 0x60);
}

/* FCR bit 1 clears the receiver only with bit 0 set; turning FIFOs on or
 * off clears it too. */
static void test_fcr_clears_the_receiver(void **state)
{
	(void)state;
	wr(UART_REG_MCR, 0x10);
	wr(UART_REG_THR, '1');
	wr(UART_REG_THR, '2');
	wr(UART_REG_FCR, 0x03);
	assert_int_equal(rd(UART_REG_LSR), 0x60);
	wr(UART_REG_THR, '3');
	wr(UART_REG_FCR, 0x00);				/* FIFOs off */
	assert_int_equal(rd(UART_REG_LSR), 0x60);
	wr(UART_REG_THR, '4');
	wr(UART_REG_FCR, 0x02);				/* bit 0 clear: ignored */
	assert_int_equal(rd(UART_REG_RBR), '4');
}

static void test_read_only_and_reserved_bits(void **state)
{
	(void)state;
	wr(UART_REG_LSR, 0x00);
	wr(UART_REG_MSR, 0x00);
	assert_int_equal(rd(UART_REG_LSR), 0x60);
	assert_int_equal(rd(UART_REG_MSR), 0xb0);
	wr(UART_REG_MCR, 0xeb);				/* bits 7:5 do not exist */
	assert_int_equal(rd(UART_REG_MCR), 0x0b);
	wr(UART_REG_LCR, 0x5b);				/* all eight bits kept */
	assert_int_equal(rd(UART_REG_LCR), 0x5b);
	wr(UART_REG_THR, 'q');				/* word length changes nothing */
	gconsole_flush(&gc);
	assert_string_equal(lines_out, "q\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_starting_state_is_as_a_boot_loader_leaves_it, setup),
		cmocka_unit_test_setup(test_thr_goes_to_guest_console, setup),
		cmocka_unit_test_setup(test_skiff_driver_probe_finds_the_model, setup),
		cmocka_unit_test_setup(test_scratch_register_keeps_its_value, setup),
		cmocka_unit_test_setup(test_dlab_selects_the_divisor_latch, setup),
		cmocka_unit_test_setup(test_ier_keeps_low_four_bits, setup),
		cmocka_unit_test_setup(test_iir_reports_no_interrupt, setup),
		cmocka_unit_test_setup(test_loopback_mirrors_modem_control, setup),
		cmocka_unit_test_setup(test_loopback_sets_and_clears_delta_bits, setup),
		cmocka_unit_test_setup(test_loopback_receives_instead_of_sending, setup),
		cmocka_unit_test_setup(test_fifo_holds_sixteen_then_overruns, setup),
		cmocka_unit_test_setup(test_without_fifo_new_byte_overwrites, setup),
		cmocka_unit_test_setup(test_fcr_clears_the_receiver, setup),
		cmocka_unit_test_setup(test_read_only_and_reserved_bits, setup),
		cmocka_unit_test_setup(test_temt_follows_the_line, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
