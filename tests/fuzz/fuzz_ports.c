/*
 * The guest's port I/O, from the exit qualification to the devices: the
 * input is a sequence of I/O-instruction exits, each an exit qualification
 * (raw, or built from a port near skiff's ports, a size and a direction)
 * and the data of an OUT.  Each qualification goes through the decoders of
 * vmx/exit_info.h as the exit handler uses them, then to vm_port_io() with
 * the devices' state kept from one access to the next, as in one guest.
 *
 * What is checked, against vm/ports.h and vm/uart_model.h read as a
 * specification and modelled here independently:
 *   - which accesses make VT-x exit at all: one touching a port of
 *     vm_port_ranges[] (the I/O bitmap), and one that wraps from 0xffff to
 *     0x0000, which exits whatever the bitmap says (SDM Vol. 3C 26.1.3,
 *     "Use I/O bitmaps").  vm_port_io() must handle every access that
 *     exits: vm_port_io_exit() panics on its -ENODEV;
 *   - an exit status only from a write reaching 0xf4..0xf7 (the byte
 *     written) or completing "Shutdown" at 0x8900 (status 0);
 *   - reads: all-ones from the finish ports, an IN's unused upper bytes 0,
 *     and COM1's registers within what the 16550 can show;
 *   - the transmitted bytes: every byte written to THR outside loopback
 *     reaches the console, in whole, clean lines;
 *   - the exit_info.h decoders against table 28-5 / 28-3 / 28-7 and the
 *     interruption-information format of 25.8.3 (decoded fields, and
 *     intr_info_make() their inverse).
 */
#include "fuzz_gconsole.h"
#include "fuzz_support.h"

#include <string.h>

#include "lib/errno.h"
#include "vm/hypercall_abi.h"
#include "vm/ports.h"
#include "vmx/exit_info.h"

#define MAX_ACCESSES	256
#define PORT_SPACE	0x10000u
#define COM1_PORTS	8
#define SHUTDOWN_TEXT	"Shutdown"

/* ---- the exit_info.h decoders ---- */

static void check_io_decode(uint64_t q, const struct io_access *io)
{
	fuzz_check(io->port == (uint16_t)(q >> 16) && io->size == (q & 7) + 1 &&
		   io->in == ((q >> 3) & 1) && io->string == ((q >> 4) & 1) &&
		   io->rep == ((q >> 5) & 1), "io_access_decode(0x%llx)", (unsigned long long)q);
}

static void check_other_decoders(uint64_t q)
{
	struct cr_access cr = cr_access_decode(q);
	uint32_t info = (uint32_t)q;
	enum intr_type type = intr_info_type(info);
	uint8_t vector = intr_info_vector(info);
	bool ec = info & INTR_INFO_ERROR_CODE;
	uint32_t made = intr_info_make(vector, type, ec);
	const char *access = ept_violation_access(q);

	fuzz_check(cr.cr == (q & 0xf) && cr.type == ((q >> 4) & 3) && cr.reg == ((q >> 8) & 0xf) &&
		   cr.lmsw_source == (uint16_t)(q >> 16), "cr_access_decode(0x%llx)",
		   (unsigned long long)q);
	fuzz_check(made == ((info & (INTR_INFO_VECTOR_MASK | INTR_INFO_TYPE_MASK |
				     INTR_INFO_ERROR_CODE)) | INTR_INFO_VALID),
		   "intr_info_make does not invert the decoders for 0x%x", info);
	fuzz_check(intr_type_has_length(type) == (type == 4 || type == 5 || type == 6),
		   "intr_type_has_length(%d)", type);
	/* Which of them skiff injects with one is its policy; that only
	 * exceptions that push an error code (SDM Vol. 3A 6.15) are among
	 * them is not. */
	fuzz_check(!exception_has_error_code(vector) || vector == 8 ||
		   (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
		   vector == 29 || vector == 30,
		   "exception_has_error_code(%u) for an exception without one", vector);
	fuzz_check(strcmp(access, q & EPT_VIOL_FETCH ? "instruction fetch" :
			  q & EPT_VIOL_WRITE ? "write" : "read") == 0,
		   "ept_violation_access(0x%llx) = %s", (unsigned long long)q, access);
}

/* ---- the model ---- */

enum dev { DEV_NONE, DEV_EXIT, DEV_COM1, DEV_SHUTDOWN };

/* The port list of ports.h, written out again. */
static enum dev dev_at(uint16_t port)
{
	if (port >= 0xf4 && port <= 0xf7)
		return DEV_EXIT;
	if (port >= 0x3f8 && port <= 0x3ff)
		return DEV_COM1;
	if (port == 0x8900)
		return DEV_SHUTDOWN;
	return DEV_NONE;
}

struct model {
	char shutdown[8];	/* last bytes written to 0x8900 since a shutdown */
	size_t shutdown_len;
	uint64_t shown_expected;	/* THR bytes the console must show */
};

/* Bochs: the bytes "Shutdown" in a row.  No proper prefix of it is also a
 * suffix, so "the stream ends in Shutdown" is the whole rule. */
static bool model_shutdown_byte(struct model *m, uint8_t c)
{
	if (m->shutdown_len == sizeof(m->shutdown)) {
		memmove(m->shutdown, m->shutdown + 1, sizeof(m->shutdown) - 1);
		m->shutdown_len--;
	}
	m->shutdown[m->shutdown_len++] = (char)c;
	if (m->shutdown_len < 8 || memcmp(m->shutdown, SHUTDOWN_TEXT, 8) != 0)
		return false;
	m->shutdown_len = 0;
	return true;
}

/* ---- the console ---- */

static uint64_t shown_out;

static void console_out(const char *s, size_t n)
{
	shown_out += fuzz_gconsole_line(s, n);
}

/* ---- one access ---- */

struct access {
	uint64_t qual;
	struct io_access io;
	uint32_t value;
};

/* An OUT as the model sees it: which byte ends the guest, with what. */
static int model_out(struct model *m, const struct vm_ports *p, const struct access *a,
		     uint8_t *status)
{
	bool thr_live = !(p->com1.lcr & UART_LCR_DLAB) && !(p->com1.mcr & UART_MCR_LOOP);

	for (unsigned k = 0; k < a->io.size; k++) {
		uint16_t at = (uint16_t)(a->io.port + k);
		uint8_t c = (uint8_t)(a->value >> (8 * k));

		switch (dev_at(at)) {
		case DEV_EXIT:
			*status = c;
			return VM_PORT_FINISH;
		case DEV_SHUTDOWN:
			if (model_shutdown_byte(m, c)) {
				*status = 0;
				return VM_PORT_FINISH;
			}
			break;
		case DEV_COM1:
			/* Only LCR and MCR change what THR does, and in one
			 * access of at most 4 bytes they never come before
			 * THR (offset 0): the state before the access holds. */
			if (at == HV_PORT_COM1 && thr_live && c != '\n' && c != '\r')
				m->shown_expected++;
			break;
		default:
			break;
		}
	}
	return VM_PORT_DONE;
}

/* A byte COM1 returned for a read of register reg (DLAB as it was). */
static void check_com1_byte(unsigned reg, uint8_t v, bool dlab)
{
	switch (reg) {
	case UART_REG_IER:
		fuzz_check(dlab || !(v & ~UART_IER_MASK), "IER reads 0x%02x", v);
		break;
	case UART_REG_IIR:
		fuzz_check(v == UART_IIR_NO_INT || v == (UART_IIR_NO_INT | UART_IIR_FIFO),
			   "IIR reads 0x%02x: an interrupt the model never raises", v);
		break;
	case UART_REG_MCR:
		fuzz_check(!(v & ~UART_MCR_MASK), "MCR reads 0x%02x", v);
		break;
	case UART_REG_LSR:
		fuzz_check((v & (UART_LSR_THRE | UART_LSR_TEMT)) == (UART_LSR_THRE | UART_LSR_TEMT) &&
			   !(v & ~(UART_LSR_THRE | UART_LSR_TEMT | UART_LSR_DR | UART_LSR_OE)),
			   "LSR reads 0x%02x", v);
		break;
	default:
		break;
	}
}

static void check_in(const struct vm_ports *before, const struct access *a, uint32_t v)
{
	bool dlab = before->com1.lcr & UART_LCR_DLAB;

	if (a->io.size < 4)
		fuzz_check(v >> (8 * a->io.size) == 0, "IN of %u bytes returned 0x%x",
			   a->io.size, v);
	for (unsigned k = 0; k < a->io.size; k++) {
		uint16_t at = (uint16_t)(a->io.port + k);
		uint8_t c = (uint8_t)(v >> (8 * k));

		if (dev_at(at) == DEV_COM1)
			check_com1_byte(at - HV_PORT_COM1, c, dlab);
		else
			fuzz_check(c == 0xff, "port 0x%x reads 0x%02x, not all-ones", at, c);
	}
}

static void check_state(const struct vm_ports *p)
{
	const struct uart_model *u = &p->com1;

	fuzz_check(u->rx_head < UART_MODEL_FIFO, "rx_head %u", u->rx_head);
	fuzz_check(u->rx_count <= (u->fifo_on ? UART_MODEL_FIFO : 1), "rx_count %u with FIFOs %s",
		   u->rx_count, u->fifo_on ? "on" : "off");
	fuzz_check(!(u->ier & ~UART_IER_MASK) && !(u->mcr & ~UART_MCR_MASK), "IER/MCR bits");
	fuzz_check(p->shutdown_matched < sizeof(SHUTDOWN_TEXT) - 1, "shutdown_matched %u",
		   p->shutdown_matched);
}

static void do_access(struct vm_ports *p, struct model *m, const struct access *a)
{
	struct vm_ports before = *p;
	uint32_t value = a->value;
	uint8_t status = 0;
	bool touches = false, wraps = a->io.port + a->io.size > PORT_SPACE;
	int rc, want;

	for (unsigned k = 0; k < a->io.size; k++)
		touches |= dev_at((uint16_t)(a->io.port + k)) != DEV_NONE;
	rc = vm_port_io(p, a->io.port, a->io.size, a->io.in, &value);
	if (a->io.size != 1 && a->io.size != 2 && a->io.size != 4) {
		/* Not a size VT-x reports (table 28-5): a decode error. */
		fuzz_check(rc == -EINVAL, "size %u: result %d, not -EINVAL", a->io.size, rc);
		return;
	}
	if (rc == -ENODEV && wraps && fuzz_skip_known("ports-wrap"))
		return;
	fuzz_check(rc != -ENODEV || !wraps,
		   "%s of %u bytes at port 0x%x wraps to port 0, so VT-x exits for it, but "
		   "vm_port_io() says -ENODEV, on which vm_port_io_exit() panics",
		   a->io.in ? "IN" : "OUT", a->io.size, a->io.port);
	if (!touches && !wraps) {
		/* No exit on hardware: ports.h calls this the caller's mistake. */
		fuzz_check(rc == -ENODEV, "port 0x%x size %u: none of skiff's, result %d",
			   a->io.port, a->io.size, rc);
		return;
	}
	if (a->io.in) {
		fuzz_check(rc == VM_PORT_DONE, "IN at 0x%x: result %d", a->io.port, rc);
		check_in(&before, a, value);
	} else {
		want = model_out(m, &before, a, &status);
		fuzz_check(rc == want, "OUT 0x%x of %u bytes at 0x%x: result %d, not %d",
			   a->value, a->io.size, a->io.port, rc, want);
		if (rc == VM_PORT_FINISH)
			fuzz_check(p->finish_status == status, "exit status %u, not %u",
				   p->finish_status, status);
	}
	check_state(p);
}

/* ---- decoding the input ---- */

/* Ports at and around skiff's, where the edge cases are. */
static const uint16_t near_ports[] = {
	0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0x3f5, 0x3f6, 0x3f7, 0x3f8, 0x3f9,
	0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x400, 0x88fd, 0x88fe, 0x88ff, 0x8900,
	0x8901, 0xfffd, 0xfffe, 0xffff, 0x0000,
};
/* Size-field encodings VT-x uses (table 28-5: 0, 1, 3). */
static const uint8_t size_codes[] = { 0, 1, 3 };

static struct access take_access(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);
	struct access a = { 0 };

	if (how & 0x80) {
		a.qual = fuzz_u64(in);
	} else {
		uint16_t port = near_ports[fuzz_u8(in) % ARRAY_SIZE(near_ports)];

		a.qual = (uint64_t)port << 16 | size_codes[how % 3] | (how & 0x08);
	}
	/* The data of an OUT: often one byte repeated, which is how a string
	 * of single-byte OUTs to one port reads in the input. */
	a.value = how & 0x40 ? fuzz_u32(in) : fuzz_u8(in);
	a.io = io_access_decode(a.qual);
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct gconsole console;
	static struct vm_ports ports;
	struct model m = { 0 };

	fuzz_log_reset();
	gconsole_init(&console, console_out);
	vm_ports_init(&ports, &console);
	shown_out = 0;
	for (int i = 0; i < MAX_ACCESSES && in.n > 0; i++) {
		struct access a = take_access(&in);

		check_io_decode(a.qual, &a.io);
		check_other_decoders(a.qual);
		/* INS/OUTS: the exit handler reports them, vm_port_io() never
		 * sees one (vmx_exit_io). */
		if (a.io.string)
			continue;
		do_access(&ports, &m, &a);
	}
	gconsole_flush(&console);
	fuzz_check(shown_out == m.shown_expected, "the console showed %llu of %llu bytes sent",
		   (unsigned long long)shown_out, (unsigned long long)m.shown_expected);
	return 0;
}
