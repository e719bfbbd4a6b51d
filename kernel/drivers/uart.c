/*
 * A polled 16550 UART driver (register map from the National Semiconductor
 * PC16550D data sheet).  Transmit only: skiff writes its log, and the guest
 * owns input.
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
#define UART_FCR	2	/* FIFO control (write) */
#define UART_LCR	3	/* line control */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define UART_SCR	7	/* scratch */

#define LCR_8N1		0x03
#define LCR_DLAB	0x80
#define FCR_ENABLE_CLEAR 0x07	/* enable FIFOs, clear both */
#define MCR_DTR_RTS_OUT2 0x0b
#define MCR_LOOPBACK	0x10
#define LSR_THRE	0x20	/* transmit holding register empty */

#define UART_CLOCK_DIVISOR_115200 1	/* 1.8432 MHz / (16 * 115200) */
#define TX_SPIN_LIMIT	100000	/* a wedged UART must not hang skiff */

static uint16_t uart_base;

static void uart_putc(char c)
{
	for (int spin = 0; spin < TX_SPIN_LIMIT; spin++)
		if (inb(uart_base + UART_LSR) & LSR_THRE)
			break;
	outb(uart_base + UART_THR, (uint8_t)c);
}

static void uart_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

static struct console uart_console = { .name = "serial", .write = uart_console_write };

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

bool uart_init(uint16_t base)
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
	uart_base = base;
	console_register(&uart_console);
	return true;
}
