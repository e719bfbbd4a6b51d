/*
 * A polling driver for the 16550 UART at COM1, after the National
 * Semiconductor PC16550D data sheet.  Under skiff this UART is emulated
 * (the guest's lines and skiff's own stay whole); on bare metal it is the
 * real one.  The register names are the data sheet's; the selftest uses
 * them to poke the UART directly.
 */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>

#include "vm/hypercall_abi.h"

#define COM1		HV_PORT_COM1

/* Register offsets from the base port; DLL/DLM while LCR.DLAB is set. */
#define UART_THR	0	/* write: transmit holding */
#define UART_RBR	0	/* read: receive buffer */
#define UART_DLL	0
#define UART_IER	1
#define UART_DLM	1
#define UART_FCR	2	/* write: FIFO control */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7	/* scratch: holds any byte, does nothing */

#define UART_LCR_8N1	0x03
#define UART_LCR_DLAB	0x80
#define UART_FCR_ENABLE_CLEAR 0x07	/* FIFOs on, both cleared */
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_MCR_NORMAL	(UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2)
#define UART_LSR_DR	0x01	/* a received byte is waiting */
#define UART_LSR_THRE	0x20	/* THR can take a byte */
#define UART_LSR_TEMT	0x40	/* THR and the shift register are empty */
#define UART_MSR_CTS	0x10	/* in loopback: RTS */
#define UART_MSR_DSR	0x20	/* in loopback: DTR */
#define UART_MSR_RI	0x40	/* in loopback: OUT1 */
#define UART_MSR_DCD	0x80	/* in loopback: OUT2 */

/* 115200 baud 8N1, FIFOs on, no interrupts. */
void uart_init(void);

/* Sends one byte, waiting (a bounded while) for room in THR. */
void uart_putc(char c);

/* Waits (a bounded while) until every byte sent has left the UART, so
 * that a change of mode (loopback) does not catch one in flight. */
void uart_flush(void);

#endif
