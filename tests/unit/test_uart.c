/*
 * skiff's serial console (kernel/drivers/uart.c) against a model of a
 * 16550's transmitter: writing never waits for the wire, polling feeds
 * the FIFO no faster than it drains, a full queue makes the writer wait
 * rather than drop, a flush leaves everything sent, and a wedged or absent
 * UART never hangs skiff.
 *
 * The test compiles uart.c itself, with its own inb()/outb() in place of
 * x86.h's instructions, so the driver's port I/O lands in the model.
 */
#include "support.h"

#include <stdbool.h>
#include <string.h>

#define SKIFF_X86_H	/* the port I/O below stands in for x86.h's */
static uint8_t inb(uint16_t port);
static void outb(uint16_t port, uint8_t v);
#include "../../kernel/drivers/uart.c"

/* ---- the model: a 16550 whose wire moves one byte per byte_time LSR reads ---- */

#define WIRE_MAX	(3 * TX_QUEUE_SIZE + 4096)

static struct {
	bool absent, fifo, wedged;
	bool dr;			/* a loopback byte waits in RBR */
	uint8_t lcr, mcr, scr, rbr;
	uint8_t thr[16];		/* holding register or FIFO */
	unsigned thr_count;
	unsigned shift_left;		/* LSR reads until the shifting byte is out */
	unsigned byte_time;
	char wire[WIRE_MAX];
	size_t wire_len;
	unsigned lost;			/* bytes written while THR/FIFO was full */
	unsigned lsr_reads;
} dev;

static unsigned depth(void)
{
	return dev.fifo ? 16 : 1;
}

/* Time passes when the driver reads LSR: the shift register finishes a
 * byte and takes the next one from THR/FIFO. */
static void tick(void)
{
	if (dev.shift_left && --dev.shift_left)
		return;
	if (dev.thr_count) {
		assert_true(dev.wire_len < WIRE_MAX);
		dev.wire[dev.wire_len++] = (char)dev.thr[0];
		memmove(dev.thr, dev.thr + 1, --dev.thr_count);
		dev.shift_left = dev.byte_time;
	}
}

static uint8_t inb(uint16_t port)
{
	unsigned reg = port - COM1_BASE;

	if (dev.absent)
		return 0xff;
	switch (reg) {
	case UART_RBR:
		dev.dr = false;
		return dev.rbr;
	case UART_IIR:
		return dev.fifo ? 0xc1 : 0x01;
	case UART_LSR:
		dev.lsr_reads++;
		if (dev.wedged)
			return 0;
		tick();
		return (uint8_t)((dev.dr ? 1 : 0) |
				 (dev.thr_count ? 0 : LSR_THRE) |
				 (dev.thr_count || dev.shift_left ? 0 : LSR_TEMT));
	case UART_SCR:
		return dev.scr;
	default:
		return 0;
	}
}

static void outb(uint16_t port, uint8_t v)
{
	unsigned reg = port - COM1_BASE;

	if (dev.absent)
		return;
	switch (reg) {
	case UART_THR:
		if (dev.lcr & LCR_DLAB)
			break;			/* the divisor latch, not a byte */
		if (dev.mcr & MCR_LOOPBACK) {
			dev.rbr = v;
			dev.dr = true;
		}
		else if (dev.wedged || dev.thr_count == depth())
			dev.lost++;
		else
			dev.thr[dev.thr_count++] = v;
		break;
	case UART_LCR:
		dev.lcr = v;
		break;
	case UART_MCR:
		dev.mcr = v;
		break;
	case UART_SCR:
		dev.scr = v;
		break;
	default:
		break;
	}
}

/* ---- stand-ins for console.c ---- */

bool console_output_queued;
static struct console *registered;

void console_register(struct console *con)
{
	registered = con;
}

static int setup(void **state)
{
	(void)state;
	memset(&dev, 0, sizeof(dev));
	dev.fifo = true;
	dev.byte_time = 50;
	registered = NULL;
	console_output_queued = false;
	uart_base = 0;
	tx_burst = 1;
	tx_head = tx_tail = 0;
	return 0;
}

static void init_ok(void)
{
	assert_true(uart_init(COM1_BASE));
	assert_ptr_equal(registered, &uart_console);
	dev.lsr_reads = 0;
}

static void write_str(const char *s)
{
	registered->write(registered, s, strlen(s));
}

/* Polls until the console says nothing is queued; returns the polls. */
static unsigned drain_by_polling(void)
{
	unsigned polls = 0;

	while (registered->poll(registered)) {
		assert_true(++polls < 10000000);
		assert_int_equal(dev.lost, 0);
	}
	return polls;
}

static void assert_wire(const char *expect)
{
	assert_int_equal(dev.wire_len + dev.thr_count, strlen(expect));
	assert_memory_equal(dev.wire, expect, dev.wire_len);
	assert_memory_equal(dev.thr, expect + dev.wire_len, dev.thr_count);
}

static void test_init_finds_the_fifo(void **state)
{
	(void)state;
	init_ok();
	assert_int_equal(tx_burst, UART_TX_FIFO);
	assert_int_equal(dev.lcr, LCR_8N1);
	assert_int_equal(dev.mcr, MCR_DTR_RTS_OUT2);
}

static void test_init_without_fifo_sends_one_byte_at_a_time(void **state)
{
	(void)state;
	dev.fifo = false;
	init_ok();
	assert_int_equal(tx_burst, 1);
	write_str("one byte at a time\n");
	drain_by_polling();
	assert_wire("one byte at a time\r\n");
}

static void test_absent_uart_registers_nothing(void **state)
{
	(void)state;
	dev.absent = true;
	assert_false(uart_init(COM1_BASE));
	assert_null(registered);
}

static void test_write_does_not_wait_for_the_wire(void **state)
{
	char line[1001];

	(void)state;
	init_ok();
	memset(line, 'x', 1000);
	line[1000] = '\0';
	write_str(line);
	/* One look at LSR, one FIFO's worth handed over, the rest queued. */
	assert_int_equal(dev.lsr_reads, 1);
	assert_int_equal(dev.wire_len + dev.thr_count, UART_TX_FIFO);
	assert_true(console_output_queued);
	assert_int_equal(dev.lost, 0);
}

static void test_polling_sends_everything_in_order(void **state)
{
	(void)state;
	init_ok();
	write_str("skiff: first line\n");
	write_str("skiff: second line, a little longer than the FIFO\n");
	drain_by_polling();
	assert_wire("skiff: first line\r\nskiff: second line, a little longer than the FIFO\r\n");
	assert_int_equal(dev.lost, 0);
}

static void test_full_queue_waits_and_loses_nothing(void **state)
{
	static char big[2 * TX_QUEUE_SIZE + 1];

	(void)state;
	init_ok();
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	write_str(big);
	assert_int_equal(dev.lost, 0);
	/* The queue holds TX_QUEUE_SIZE: the writer waited until the device
	 * had taken the rest. */
	assert_true(dev.wire_len + dev.thr_count >= sizeof(big) - 1 - TX_QUEUE_SIZE);
	drain_by_polling();
	assert_wire(big);
}

static void test_flush_leaves_the_transmitter_empty(void **state)
{
	(void)state;
	init_ok();
	write_str("skiff: stopping with status 0: powering off\n");
	registered->flush(registered);
	assert_int_equal(dev.thr_count, 0);
	assert_int_equal(dev.shift_left, 0);
	assert_wire("skiff: stopping with status 0: powering off\r\n");
	assert_false(registered->poll(registered));
}

static void test_wedged_uart_does_not_hang_skiff(void **state)
{
	(void)state;
	init_ok();
	dev.wedged = true;
	write_str("nobody is listening\n");
	registered->flush(registered);
	assert_false(registered->poll(registered));
	assert_int_equal(dev.wire_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_init_finds_the_fifo, setup),
		cmocka_unit_test_setup(test_init_without_fifo_sends_one_byte_at_a_time, setup),
		cmocka_unit_test_setup(test_absent_uart_registers_nothing, setup),
		cmocka_unit_test_setup(test_write_does_not_wait_for_the_wire, setup),
		cmocka_unit_test_setup(test_polling_sends_everything_in_order, setup),
		cmocka_unit_test_setup(test_full_queue_waits_and_loses_nothing, setup),
		cmocka_unit_test_setup(test_flush_leaves_the_transmitter_empty, setup),
		cmocka_unit_test_setup(test_wedged_uart_does_not_hang_skiff, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
