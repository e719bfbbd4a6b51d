/*
 * The guest's COM1: a 16550 model after the PC16550D data sheet; see
 * uart_model.h for what it does and does not do.
 */
#include "vm/uart_model.h"

#define UART_DIVISOR_115200	1	/* 1.8432 MHz / (16 * 115200) */
#define MODEM_READY	(UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

void uart_model_init(struct uart_model *u, struct gconsole *console)
{
	*u = (struct uart_model){
		.console = console,
		.lcr = UART_LCR_8N1,
		.mcr = UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2,
		.dll = UART_DIVISOR_115200,
		.fifo_on = true,
	};
}

static bool dlab(const struct uart_model *u)
{
	return u->lcr & UART_LCR_DLAB;
}

/* ---- receiver: filled only by loopback ---- */

static void rx_clear(struct uart_model *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Data sheet, LSR bit 1: without FIFOs a new character overwrites the one
 * in RBR; with FIFOs full, the new character is lost.  Both set OE. */
static void rx_push(struct uart_model *u, uint8_t c)
{
	unsigned depth = u->fifo_on ? UART_MODEL_FIFO : 1;

	if (u->rx_count == depth) {
		u->lsr_errors |= UART_LSR_OE;
		if (!u->fifo_on)
			u->rx[u->rx_head] = c;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_MODEL_FIFO] = c;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart_model *u)
{
	uint8_t c;

	if (!u->rx_count)
		return 0;
	c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_MODEL_FIFO;
	u->rx_count--;
	return c;
}

/* ---- modem lines ---- */

/* MSR bits 7:4 as the guest sees them.  In loopback the data sheet wires
 * the outputs to the inputs: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t modem_inputs(const struct uart_model *u)
{
	uint8_t in = 0;

	if (!(u->mcr & UART_MCR_LOOP))
		return MODEM_READY;
	if (u->mcr & UART_MCR_DTR)
		in |= UART_MSR_DSR;
	if (u->mcr & UART_MCR_RTS)
		in |= UART_MSR_CTS;
	if (u->mcr & UART_MCR_OUT1)
		in |= UART_MSR_RI;
	if (u->mcr & UART_MCR_OUT2)
		in |= UART_MSR_DCD;
	return in;
}

/* Delta bits record a change since MSR was last read; RI's only its
 * trailing edge (on to off). */
static void modem_note_change(struct uart_model *u, uint8_t before)
{
	uint8_t now = modem_inputs(u);
	uint8_t changed = before ^ now;

	if (changed & UART_MSR_CTS)
		u->msr_deltas |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		u->msr_deltas |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		u->msr_deltas |= UART_MSR_DDCD;
	if ((before & UART_MSR_RI) && !(now & UART_MSR_RI))
		u->msr_deltas |= UART_MSR_TERI;
}

/* ---- registers ---- */

static void write_thr(struct uart_model *u, uint8_t value)
{
	if (u->mcr & UART_MCR_LOOP)
		rx_push(u, value);
	else
		gconsole_putc(u->console, (char)value);
}

/* Data sheet, FCR: bit 0 must be 1 for the other bits to be programmed,
 * and changing it clears both FIFOs.  The transmitter has nothing queued,
 * so only the receiver is cleared. */
static void write_fcr(struct uart_model *u, uint8_t value)
{
	bool on = value & UART_FCR_ENABLE;

	if (on != u->fifo_on || (on && (value & UART_FCR_CLEAR_RX)))
		rx_clear(u);
	u->fifo_on = on;
}

static void write_mcr(struct uart_model *u, uint8_t value)
{
	uint8_t before = modem_inputs(u);

	u->mcr = value & UART_MCR_MASK;
	modem_note_change(u, before);
}

void uart_model_write(struct uart_model *u, unsigned reg, uint8_t value)
{
	switch (reg % UART_MODEL_PORTS) {
	case UART_REG_THR:
		if (dlab(u))
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case UART_REG_IER:
		if (dlab(u))
			u->dlm = value;
		else
			u->ier = value & UART_IER_MASK;
		break;
	case UART_REG_FCR:
		write_fcr(u, value);
		break;
	case UART_REG_LCR:
		u->lcr = value;
		break;
	case UART_REG_MCR:
		write_mcr(u, value);
		break;
	case UART_REG_SCR:
		u->scr = value;
		break;
	default:
		break;	/* LSR and MSR: read-only (writes are factory test) */
	}
}

static uint8_t read_lsr(struct uart_model *u)
{
	uint8_t lsr = UART_LSR_THRE | UART_LSR_TEMT | u->lsr_errors;

	if (u->line_busy && u->line_busy())
		lsr &= (uint8_t)~UART_LSR_TEMT;
	if (u->rx_count)
		lsr |= UART_LSR_DR;
	u->lsr_errors = 0;
	return lsr;
}

static uint8_t read_msr(struct uart_model *u)
{
	uint8_t msr = modem_inputs(u) | u->msr_deltas;

	u->msr_deltas = 0;
	return msr;
}

uint8_t uart_model_read(struct uart_model *u, unsigned reg)
{
	switch (reg % UART_MODEL_PORTS) {
	case UART_REG_RBR:
		return dlab(u) ? u->dll : rx_pop(u);
	case UART_REG_IER:
		return dlab(u) ? u->dlm : u->ier;
	case UART_REG_IIR:
		return UART_IIR_NO_INT | (u->fifo_on ? UART_IIR_FIFO : 0);
	case UART_REG_LCR:
		return u->lcr;
	case UART_REG_MCR:
		return u->mcr;
	case UART_REG_LSR:
		return read_lsr(u);
	case UART_REG_MSR:
		return read_msr(u);
	default:
		return u->scr;
	}
}
