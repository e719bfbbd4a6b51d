/*
 * A 16550 UART as the guest sees its COM1, after the National Semiconductor
 * PC16550D data sheet ("Register Description", table II).  skiff keeps the
 * real COM1 for its own log, so the guest gets this model and its output
 * joins skiff's as whole lines through gconsole.
 *
 * What the model does:
 *   - THR (DLAB=0) hands the byte to gconsole at once: LSR always reports
 *     THRE|TEMT, so a guest polling before each byte never waits.
 *   - Loopback (MCR bit 4) works as on the chip: THR bytes go to the
 *     receiver (RBR, LSR.DR), not to the console, and MSR bits 7:4 follow
 *     MCR (OUT2->DCD, OUT1->RI, DTR->DSR, RTS->CTS) with their delta bits,
 *     so a driver that probes its UART with loopback finds one.
 *   - The receiver holds 16 bytes with FIFOs on (FCR bit 0), one without;
 *     one more sets LSR.OE (cleared when LSR is read).  Only loopback fills
 *     it: the guest has no input line.  RBR reads 0 when empty.
 *   - Outside loopback the modem inputs are those of a terminal that is
 *     always there and ready: DCD, DSR and CTS set, RI clear.
 *   - Baud rate, word length, parity and stop bits are kept and read back
 *     but change nothing: bytes go to a console, not onto a wire.
 *   - It raises no interrupts.  IER keeps its four bits and reads them
 *     back, IIR always says "none pending" (0x01, with bits 7:6 set while
 *     FIFOs are on), and nothing is injected into the guest: a guest driver
 *     must poll, as a boot-time console driver does.
 *
 * It starts as a boot loader leaves COM1 (skiff's drivers/uart.c does the
 * same): 115200 baud 8N1 (DLL 1, LCR 0x03), FIFOs on, DTR|RTS|OUT2, no
 * interrupts enabled, scratch 0.
 *
 * Accesses are one byte wide at a register offset 0..7; the port layer
 * (ports.c) splits wider guest accesses into bytes.
 */
#ifndef SKIFF_VM_UART_MODEL_H
#define SKIFF_VM_UART_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/gconsole.h"

#define UART_MODEL_PORTS	8	/* base .. base+7 */
#define UART_MODEL_FIFO		16	/* receive FIFO depth of a 16550 */

/* Register offsets from the base port (DLAB = LCR bit 7). */
#define UART_REG_RBR		0	/* read, DLAB=0: receive buffer */
#define UART_REG_THR		0	/* write, DLAB=0: transmit holding */
#define UART_REG_DLL		0	/* DLAB=1: divisor latch, low byte */
#define UART_REG_IER		1	/* DLAB=0: interrupt enable */
#define UART_REG_DLM		1	/* DLAB=1: divisor latch, high byte */
#define UART_REG_IIR		2	/* read: interrupt identification */
#define UART_REG_FCR		2	/* write: FIFO control */
#define UART_REG_LCR		3	/* line control */
#define UART_REG_MCR		4	/* modem control */
#define UART_REG_LSR		5	/* line status */
#define UART_REG_MSR		6	/* modem status */
#define UART_REG_SCR		7	/* scratch */

#define UART_IER_MASK		0x0f	/* bits 7:4 are always 0 */
#define UART_IIR_NO_INT		0x01	/* bit 0 set: no interrupt pending */
#define UART_IIR_FIFO		0xc0	/* both set while FIFOs are enabled */
#define UART_FCR_ENABLE		0x01
#define UART_FCR_CLEAR_RX	0x02	/* self-clearing */
#define UART_FCR_CLEAR_TX	0x04	/* self-clearing */
#define UART_LCR_8N1		0x03
#define UART_LCR_DLAB		0x80
#define UART_MCR_DTR		0x01
#define UART_MCR_RTS		0x02
#define UART_MCR_OUT1		0x04
#define UART_MCR_OUT2		0x08
#define UART_MCR_LOOP		0x10
#define UART_MCR_MASK		0x1f	/* bits 7:5 are always 0 */
#define UART_LSR_DR		0x01	/* data ready */
#define UART_LSR_OE		0x02	/* overrun error */
#define UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_LSR_TEMT		0x40	/* transmitter empty */
#define UART_MSR_DCTS		0x01	/* deltas: set on a change, cleared by */
#define UART_MSR_DDSR		0x02	/* reading MSR */
#define UART_MSR_TERI		0x04	/* RI went from on to off */
#define UART_MSR_DDCD		0x08
#define UART_MSR_CTS		0x10
#define UART_MSR_DSR		0x20
#define UART_MSR_RI		0x40
#define UART_MSR_DCD		0x80

struct uart_model {
	struct gconsole *console;	/* where transmitted bytes go */
	/* Where they go next may be slower than the guest (skiff's serial
	 * console queues, drivers/uart.c): while line_busy() says so, LSR.TEMT
	 * reads 0, so a guest that waits for its output to be sent really
	 * waits.  NULL: the line is never busy. */
	bool (*line_busy)(void);
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_on;			/* FCR bit 0 */
	uint8_t lsr_errors;		/* OE until LSR is read */
	uint8_t msr_deltas;		/* MSR bits 3:0 until MSR is read */
	uint8_t rx[UART_MODEL_FIFO];	/* receive FIFO (loopback only) */
	uint8_t rx_head, rx_count;
};

/* Puts the model in its starting state (above); console must not be NULL. */
void uart_model_init(struct uart_model *u, struct gconsole *console);

/* A byte read or write of register offset reg (taken modulo 8).  Reads
 * have side effects as on the chip: RBR pops a byte, LSR clears OE, MSR
 * clears the deltas.  Writes to LSR and MSR are ignored. */
uint8_t uart_model_read(struct uart_model *u, unsigned reg);
void uart_model_write(struct uart_model *u, unsigned reg, uint8_t value);

#endif
