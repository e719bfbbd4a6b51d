/*
 * I/O to the ports skiff keeps (vm/ports.h): COM1, which it emulates, and
 * the emulator exit ports, of which only a whole "Shutdown" or a write to
 * 0xf4 may end the run.  Odd register values, every register read, partial
 * shutdown strings and word and dword accesses must all leave skiff
 * running and the guest's console whole.  Two lines written by word and
 * dword OUTs to COM1 are for the boot test to find intact.
 */
#include "attack.h"
#include "printf.h"
#include "report.h"
#include "uart.h"
#include "x86.h"

#define UART_REGS		8
#define UART_IIR		2	/* read: interrupt identification */
#define UART_LCR_8N1_DLAB	(UART_LCR_8N1 | UART_LCR_DLAB)
#define UART_FCR_OFF		0x00
#define UART_FCR_TRIGGER_14	0xc0	/* receive trigger level 14 */
#define UART_IIR_NO_INT		0x01
#define UART_IIR_FIFOS		0xc0	/* both set while the FIFOs are on */
#define RUNTIME_DIVISOR		1	/* uart_init()'s: 115200 baud */
#define SCRATCH_PATTERN		0x3c
#define OPEN_BUS		0xff	/* what a port without a device reads */
#define COM1_PAST_END		(COM1 + UART_REGS)	/* not COM1's: 0x400 */

static const char word_line[] = "attack: this line came through 16-bit OUTs to COM1\r\n";
static const char dword_line[] = "attack: this line came through 32-bit OUTs to COM1\r\n";

static void outs_bytes(uint16_t port, const char *s)
{
	for (; *s; s++)
		outb(port, (uint8_t)*s);
}

/* Every register read once with DLAB clear: LSR must show THRE, IIR no
 * pending interrupt, and none of it may disturb the line in progress. */
static void com1_read_all(void)
{
	uint8_t v[UART_REGS];

	uart_flush();
	for (unsigned r = 0; r < UART_REGS; r++)
		v[r] = inb(COM1 + r);
	report_detail((v[UART_LSR] & UART_LSR_THRE) && (v[UART_IIR] & UART_IIR_NO_INT),
		      "com1-read-all", "LSR 0x%02x, IIR 0x%02x", v[UART_LSR], v[UART_IIR]);
}

/* LCR with DLAB set turns registers 0 and 1 into the divisor latch; no
 * output may happen until LCR is restored, or the bytes would set the
 * divisor instead.  Reads of all eight registers with DLAB set, the
 * divisor written back as it was, then LCR restored. */
static void com1_dlab(void)
{
	uint8_t dll, dlm, lcr;

	uart_flush();
	outb(COM1 + UART_LCR, UART_LCR_8N1_DLAB);
	for (unsigned r = 0; r < UART_REGS; r++)
		inb(COM1 + r);
	dll = inb(COM1 + UART_DLL);
	dlm = inb(COM1 + UART_DLM);
	outb(COM1 + UART_DLL, RUNTIME_DIVISOR & 0xff);
	outb(COM1 + UART_DLM, RUNTIME_DIVISOR >> 8);
	outb(COM1 + UART_LCR, UART_LCR_8N1);
	lcr = inb(COM1 + UART_LCR);
	report_detail(dll == (RUNTIME_DIVISOR & 0xff) && dlm == (RUNTIME_DIVISOR >> 8) &&
		      lcr == UART_LCR_8N1, "com1-dlab",
		      "divisor 0x%02x%02x (want 0x%04x), LCR 0x%02x after restoring 0x%02x", dlm,
		      dll, RUNTIME_DIVISOR, lcr, UART_LCR_8N1);
}

/* FCR (the write side of IIR's port): FIFOs off, then on with a trigger
 * level, then as uart_init() left them; IIR bits 7:6 follow. */
static void com1_fcr_iir(void)
{
	uint8_t off, on;

	uart_flush();
	outb(COM1 + UART_FCR, UART_FCR_OFF);
	off = inb(COM1 + UART_IIR);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR | UART_FCR_TRIGGER_14);
	on = inb(COM1 + UART_IIR);
	outb(COM1 + UART_FCR, UART_FCR_ENABLE_CLEAR);
	report_detail(!(off & UART_IIR_FIFOS) && (on & UART_IIR_FIFOS) == UART_IIR_FIFOS,
		      "com1-fcr-iir", "IIR 0x%02x with FIFOs off, 0x%02x with them on", off, on);
}

/* A word OUT to THR writes the character to THR and 0 to IER (port + 1):
 * one character per OUT, interrupts kept off. */
static void com1_word_line(void)
{
	uart_flush();
	for (const char *c = word_line; *c; c++)
		outw(COM1 + UART_THR, (uint8_t)*c);
	report(1, "com1-out16-line");
}

/* A dword OUT to THR: the character, IER 0, FCR as uart_init() set it,
 * LCR 8N1; again one character per OUT. */
static void com1_dword_line(void)
{
	uart_flush();
	for (const char *c = dword_line; *c; c++)
		outl(COM1 + UART_THR, (uint8_t)*c | (uint32_t)UART_FCR_ENABLE_CLEAR << 16 |
				      (uint32_t)UART_LCR_8N1 << 24);
	report(1, "com1-out32-line");
}

/* Word and dword INs: byte k comes from port + k. */
static void com1_wide_reads(void)
{
	uint16_t w = inw(COM1 + UART_LSR);		/* LSR, MSR */
	uint32_t d = inl(COM1 + UART_MCR);		/* MCR, LSR, MSR, SCR */

	report_detail((w & UART_LSR_THRE) && ((d >> 8) & UART_LSR_THRE) &&
		      (d & 0xff) == UART_MCR_NORMAL, "com1-in16-in32",
		      "IN word at LSR 0x%04x, IN dword at MCR 0x%08x", w, d);
}

/* Accesses that straddle COM1's ends: a word at SCR also reaches port
 * 0x400, a word at 0x3f7 reaches RBR, a dword at 0x3fe reaches 0x400 and
 * 0x401.  Only the scratch register is checked; the other ports are not
 * COM1's (skiff drops the write to 0x400, reads them as all ones). */
static void com1_straddle(void)
{
	uint8_t scr;

	outw(COM1 + UART_SCR, SCRATCH_PATTERN);
	scr = (uint8_t)inw(COM1 + UART_SCR);
	inw(COM1 - 1);
	inl(COM1_PAST_END - 2);
	report_detail(scr == SCRATCH_PATTERN, "com1-straddle",
		      "word OUT of 0x%02x to SCR read back 0x%02x", SCRATCH_PATTERN, scr);
}

/* Bochs's shutdown port ends the run after the whole word "Shutdown";
 * anything less must be forgotten.  After each string the guest is still
 * here to say PASS. */
static void shutdown_partial(void)
{
	outs_bytes(HV_PORT_BOCHS_SHUTDOWN, "ShutX");
	report(1, "shutdown-partial-shut");
	outs_bytes(HV_PORT_BOCHS_SHUTDOWN, "Shutdowx!");
	report(1, "shutdown-partial-shutdow");
	/* A fresh 'S' in the middle restarts the match; still one short. */
	outs_bytes(HV_PORT_BOCHS_SHUTDOWN, "ShutdowShutdoX");
	report(1, "shutdown-partial-restart");
	/* Word and dword writes: only their first byte reaches 0x8900. */
	outw(HV_PORT_BOCHS_SHUTDOWN, 'S' | 'h' << 8);
	outl(HV_PORT_BOCHS_SHUTDOWN, 'S' | 'h' << 8 | 'u' << 16 | 't' << 24);
	outb(HV_PORT_BOCHS_SHUTDOWN, 'X');
	report(1, "shutdown-wide-writes");
}

/* The exit port ends the run only when written: reads see no device. */
static void exit_port_reads(void)
{
	uint8_t b = inb(HV_PORT_FINISH);
	uint32_t d = inl(HV_PORT_FINISH);

	report_detail(b == OPEN_BUS && d == 0xffffffffu, "exit-port-reads",
		      "IN byte 0x%02x, IN dword 0x%08x; want all ones", b, d);
}

void nonfatal_port_checks(void)
{
	com1_read_all();
	com1_dlab();
	com1_fcr_iir();
	com1_word_line();
	com1_dword_line();
	com1_wide_reads();
	com1_straddle();
	shutdown_partial();
	exit_port_reads();
}
