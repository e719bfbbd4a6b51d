/* 16550-compatible UART, polled, transmit only, output queued (uart.c). */
#ifndef SKIFF_DRIVERS_UART_H
#define SKIFF_DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

#define COM1_BASE	0x3f8

/* Probes the UART at the given I/O base, programs 115200 8N1 and registers
 * it as the "serial" console.  Returns false when no UART answers there
 * (an appliance without a serial port): then nothing is registered. */
bool uart_init(uint16_t base);

/* Moves skiff's serial console to the UART at base (com1=guest: COM2),
 * after what is queued has gone out on the old one, which skiff then
 * never touches again; false, and the serial console silent, when no UART
 * answers at base. */
bool uart_move(uint16_t base);
#define COM2_BASE	0x2f8

/* Whether skiff's serial line still has bytes to send: queued in skiff, or
 * in the UART's FIFO and shift register (LSR.TEMT clear).  False without a
 * UART. */
bool uart_line_busy(void);

#endif
