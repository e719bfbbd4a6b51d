/*
 * COM1: skiff emulates the 16550 the guest writes to, and a driver that
 * probes its UART must find one that behaves like the chip (PC16550D data
 * sheet): THR ready, a scratch register that keeps a byte, and loopback,
 * where MSR's upper bits follow MCR and a transmitted byte is received.
 * That the guest's output lines arrive whole is for the boot test's
 * transcript to see.
 */
#include "selftest.h"
#include "uart.h"
#include "x86.h"

#define UART_SPINS	100000	/* polls before the UART counts as stuck */
#define RX_DRAIN_MAX	64	/* more than any 16550 FIFO holds */
#define LOOPBACK_BYTE	0xa7

/* In loopback, MSR bits 7:4 are wired to MCR bits 3:0 this way (data
 * sheet, MCR bit 4): OUT2 -> DCD, OUT1 -> RI, DTR -> DSR, RTS -> CTS. */
static const struct {
	uint8_t mcr;
	uint8_t msr;
} loopback_wiring[] = {
	{ UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_OUT1 | UART_MCR_RTS,
	  UART_MSR_DCD | UART_MSR_RI | UART_MSR_CTS },
	{ UART_MCR_LOOP | UART_MCR_OUT1 | UART_MCR_DTR,
	  UART_MSR_RI | UART_MSR_DSR },
};

/* Right after a byte is written THRE may be clear while the UART sends
 * it (skiff's model never clears it): the byte must leave, and soon. */
static enum result com1_thre(void)
{
	uint8_t lsr = 0;

	for (int i = 0; i < UART_SPINS && !(lsr & UART_LSR_THRE); i++)
		lsr = inb(COM1 + UART_LSR);
	if (!(lsr & UART_LSR_THRE))
		return fail("LSR = 0x%02x never showed THRE (bit 5)", lsr);
	return PASS;
}

static enum result com1_scratch(void)
{
	static const uint8_t patterns[] = { 0x5a, 0xa5 };

	for (unsigned i = 0; i < sizeof(patterns); i++) {
		uint8_t got;

		outb(COM1 + UART_SCR, patterns[i]);
		got = inb(COM1 + UART_SCR);
		if (got != patterns[i])
			return fail("wrote 0x%02x, read 0x%02x", patterns[i], got);
	}
	return PASS;
}

static enum result com1_loopback_msr(void)
{
	uart_flush();
	for (unsigned i = 0; i < sizeof(loopback_wiring) / sizeof(loopback_wiring[0]); i++) {
		uint8_t msr;

		outb(COM1 + UART_MCR, loopback_wiring[i].mcr);
		msr = inb(COM1 + UART_MSR) & 0xf0;
		outb(COM1 + UART_MCR, UART_MCR_NORMAL);
		if (msr != loopback_wiring[i].msr)
			return fail("MCR 0x%02x gave MSR[7:4] 0x%02x, expected 0x%02x",
				    loopback_wiring[i].mcr, msr, loopback_wiring[i].msr);
	}
	return PASS;
}

/* Polls LSR for a received byte; the byte, or -1 if none came. */
static int receive(uint8_t *lsr)
{
	for (int i = 0; i < UART_SPINS; i++) {
		*lsr = inb(COM1 + UART_LSR);
		if (*lsr & UART_LSR_DR)
			return inb(COM1 + UART_RBR);
	}
	return -1;
}

static enum result com1_loopback_data(void)
{
	uint8_t lsr;
	int got;

	/* A byte of our own output still in flight would loop back too,
	 * and anything already received would be read instead of ours. */
	uart_flush();
	for (int i = 0; i < RX_DRAIN_MAX && (inb(COM1 + UART_LSR) & UART_LSR_DR); i++)
		inb(COM1 + UART_RBR);

	outb(COM1 + UART_MCR, UART_MCR_LOOP | UART_MCR_NORMAL);
	outb(COM1 + UART_THR, LOOPBACK_BYTE);
	got = receive(&lsr);
	outb(COM1 + UART_MCR, UART_MCR_NORMAL);

	if (got < 0)
		return fail("LSR.DR never set (LSR = 0x%02x)", lsr);
	if (got != LOOPBACK_BYTE)
		return fail("sent 0x%02x, received 0x%02x", LOOPBACK_BYTE, got);
	return PASS;
}

const struct check com1_checks[] = {
	{ .name = "com1-thre", .run = com1_thre },
	{ .name = "com1-scratch", .run = com1_scratch },
	{ .name = "com1-loopback-msr", .run = com1_loopback_msr },
	{ .name = "com1-loopback-data", .run = com1_loopback_data },
	{ .name = NULL },
};
