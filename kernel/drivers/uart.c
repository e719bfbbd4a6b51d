/*
 * A polled 16550 UART driver (register map from the National Semiconductor
 * PC16550D data sheet).  Transmit only: skiff writes its log, and the guest
 * owns input.
 *
 * At 115200 baud a byte takes 87 us on the wire, so waiting for each one
 * would make skiff's boot log (some 2 KiB) cost 180 ms before the guest
 * could start.  Output goes into a queue instead, and the transmitter is
 * fed whenever skiff passes by: after each write, on VM exits and on the
 * watchdog's short ticks while output is queued (kernel/vmx), in delays,
 * and all of it, waiting, before skiff stops (console_flush).  Only a full
 * queue makes a writer wait: nothing is ever dropped.
 */
#include <stdbool.h>
#include <stdint.h>

#include "drivers/console.h"
#include "drivers/uart.h"
#include "x86.h"

/* Register offsets from the base port */
#define UART_THR	0	/* transmit holding (write, DLAB=0) */
#define UART_RBR	0	/* receive buffer (read, DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_IIR	2	/* interrupt identification (read) */
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07	/* enable FIFOs, clear both */
#define IIR_FIFOS_ON	0xc0	/* bits 7:6 read 11 when the FIFOs work (16550A) */
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK	0x10
#define LSR_THRE	0x20	/* transmit holding register (or FIFO) empty */
#define LSR_TEMT	0x40	/* ... and the shift register too: all sent */

#define UART_CLOCK_DIVISOR_115200 1	/* 1.8432 MHz / (16 * 115200) */
#define UART_TX_FIFO	16	/* bytes a 16550A takes once THRE is set */
#define TX_SPIN_LIMIT	100000	/* a wedged UART must not hang skiff */
#define TX_QUEUE_SIZE	16384	/* a power of two */

static uint16_t uart_base;
static unsigned tx_burst = 1;	/* bytes to write when THRE is set */
static char tx_queue[TX_QUEUE_SIZE];
static size_t tx_head, tx_tail;	/* free-running: queued bytes are [tail, head) */

static bool tx_queued(void)
{
	return tx_head != tx_tail;
}

/* Gives the transmitter what it takes while THRE is set: a FIFO's worth. */
static void tx_feed(void)
{
	for (unsigned i = 0; i < tx_burst && tx_queued(); i++)
		outb(uart_base + UART_THR, (uint8_t)tx_queue[tx_tail++ % TX_QUEUE_SIZE]);
}

/* Waits (bounded) until the line status has all of bits. */
static void tx_wait(uint8_t bits)
{
	for (int spin = 0; spin < TX_SPIN_LIMIT; spin++)
		if ((inb(uart_base + UART_LSR) & bits) == bits)
			return;
}

static void tx_put(char c)
{
	if (tx_head - tx_tail == TX_QUEUE_SIZE) {
		/* Full: wait for the wire rather than drop the oldest. A wedged
		 * UART times out in tx_wait, and its bytes go into the void. */
		tx_wait(LSR_THRE);
		tx_feed();
	}
	tx_queue[tx_head++ % TX_QUEUE_SIZE] = c;
}

static bool uart_console_poll(struct console *con)
{
	(void)con;
	if (!uart_base)
		return false;
	if (tx_queued() && (inb(uart_base + UART_LSR) & LSR_THRE))
		tx_feed();
	return tx_queued();
}

static void uart_console_write(struct console *con, const char *s, size_t n)
{
	if (!uart_base)
		return;		/* moved to a port with no UART: silent */
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			tx_put('\r');
		tx_put(s[i]);
	}
	if (uart_console_poll(con))
		console_output_queued = true;
}

static void uart_console_flush(struct console *con)
{
	(void)con;
	if (!uart_base)
		return;
	while (tx_queued()) {
		tx_wait(LSR_THRE);
		tx_feed();
	}
	tx_wait(LSR_THRE | LSR_TEMT);
}

static struct console uart_console = {
	.name = "serial",
	.write = uart_console_write,
	.poll = uart_console_poll,
	.flush = uart_console_flush,
};

/* A port with nothing behind it reads back 0xff; a 16550 keeps what is
 * written to its scratch register and echoes bytes in loopback mode. */
static bool uart_present(uint16_t base)
{
	outb(base + UART_SCR, 0x5a);
	if (inb(base + UART_SCR) != 0x5a)
		return false;
	outb(base + UART_MCR, MCR_LOOPBACK);
	outb(base + UART_THR, 0xae);
	for (int spin = 0; spin < 1000; spin++)
		if (inb(base + UART_LSR) & 1)
			break;
	return inb(base + UART_RBR) == 0xae;
}

bool uart_line_busy(void)
{
	if (!uart_base)
		return false;
	return tx_queued() || !(inb(uart_base + UART_LSR) & LSR_TEMT);
}

/* Programs the UART at base for 115200 8N1 with FIFOs; false when none
 * answers there. */
static bool uart_setup(uint16_t base)
{
	outb(base + UART_IER, 0);
	outb(base + UART_LCR, LCR_DLAB);
	outb(base + UART_DLL, UART_CLOCK_DIVISOR_115200 & 0xff);
	outb(base + UART_DLM, UART_CLOCK_DIVISOR_115200 >> 8);
	outb(base + UART_LCR, LCR_8N1);
	outb(base + UART_FCR, FCR_ENABLE_CLEAR);
	if (!uart_present(base))
		return false;
	outb(base + UART_MCR, MCR_DTR_RTS_OUT2);
	tx_burst = (inb(base + UART_IIR) & IIR_FIFOS_ON) == IIR_FIFOS_ON ? UART_TX_FIFO : 1;
	return true;
}

bool uart_init(uint16_t base)
{
	if (!uart_setup(base))
		return false;
	uart_base = base;
	console_register(&uart_console);
	return true;
}

bool uart_move(uint16_t base)
{
	bool registered = uart_base != 0;

	uart_console_flush(&uart_console);	/* what was written goes out where it was */
	uart_base = 0;
	if (!uart_setup(base))
		return false;
	uart_base = base;
	if (!registered)
		console_register(&uart_console);
	return true;
}
