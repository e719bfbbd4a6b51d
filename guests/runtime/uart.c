#include "uart.h"
#include "x86.h"

#define UART_CLOCK_DIVISOR	1	/* 1.8432 MHz / 16 / 1 = 115200 baud */
#define UART_SPINS		100000	/* a byte at 115200 baud takes ~87 us */

void uart_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, UART_LCR_DLAB);
	outb(COM1 + UART_DLL, UART_CLOCK_DIVISOR);
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(COM1 + UART_MCR, UART_MCR_NORMAL);
}

/* The waits are bounded so that a machine without COM1 (reads 0xff or 0)
 * still runs its guest, just without serial output. */
static void wait_lsr(uint8_t bits)
{
	for (int i = 0; i < UART_SPINS; i++)
		if ((inb(COM1 + UART_LSR) & bits) == bits)
			return;
}

void uart_putc(char c)
{
	wait_lsr(UART_LSR_THRE);
	outb(COM1 + UART_THR, (uint8_t)c);
}

void uart_flush(void)
{
	wait_lsr(UART_LSR_TEMT);
}
