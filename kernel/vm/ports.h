/*
 * The I/O ports skiff keeps from the guest (docs/architecture.md
 * "The guest contract"): COM1, which is emulated, and the emulator exit
 * ports, which end the run.  Every other port is the guest's and never
 * exits.
 *
 * vm_port_ranges[] is the one list of what skiff intercepts: the VT-x (or
 * a later AMD-V) backend builds its I/O bitmap from it, and vm_port_io()
 * handles exactly those ports.
 *
 * An access wider than a byte is handled as the ISA bus hands it to 8-bit
 * devices: byte k of the value at port + k (wrapping at 0xffff), low byte
 * first.  A byte that falls on a port outside the list is dropped on a
 * write and reads 0xff (nothing answers), as it would if it reached a
 * port with no device.
 *
 *   COM1 0x3f8..0x3ff  the 16550 model (uart_model.h)
 *   0xf4..0xf7         as QEMU's isa-debug-exit with iosize=4: a byte V
 *                      written to any of them ends the guest with status
 *                      V; so OUT of a word or dword at 0xf4 ends it with
 *                      the value's low byte, V & 0xff (hypercall_abi.h).
 *                      (QEMU itself exits with (V << 1) | 1.)
 *   0x8900             as Bochs's shutdown port: the bytes "Shutdown",
 *                      written one by one, end the guest with status 0;
 *                      a byte that breaks the sequence starts it over.
 * The finish ports read all-ones.
 */
#ifndef SKIFF_VM_PORTS_H
#define SKIFF_VM_PORTS_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/gconsole.h"
#include "vm/uart_model.h"

struct vm_port_range {
	uint16_t first;
	uint16_t count;		/* ports first .. first + count - 1 */
	const char *name;	/* for the boot log and error messages */
};

enum {
	VM_PORT_RANGE_FINISH,
	VM_PORT_RANGE_COM1,
	VM_PORT_RANGE_BOCHS_SHUTDOWN,
	VM_PORT_RANGES
};

#define VM_PORT_FINISH_PORTS	4	/* 0xf4..0xf7 */

/* Sorted by first port, disjoint; none wraps past 0xffff. */
extern const struct vm_port_range vm_port_ranges[VM_PORT_RANGES];

/* Where skiff's console moves with com1=guest. */
#define VM_PORT_COM2		0x2f8
#define VM_PORT_COM2_PORTS	8

/* What vm_port_io() returns when it did its work (negative: an error). */
#define VM_PORT_DONE	0	/* resume the guest; an IN's data is in *value */
#define VM_PORT_FINISH	1	/* the guest ended itself: see finish_status */

struct vm_ports {
	struct uart_model com1;
	/* com1=guest: the guest owns COM1 (not intercepted), and skiff's
	 * console is on COM2, which the guest finds absent. */
	bool com1_guest;
	uint8_t shutdown_matched;	/* bytes of "Shutdown" seen in a row */
	uint8_t finish_status;		/* valid after VM_PORT_FINISH */
};

/* The ranges p keeps, sorted, into out: vm_port_ranges, but with
 * com1_guest COM2 (skiff's console) in COM1's place. */
void vm_ports_kept(const struct vm_ports *p, struct vm_port_range out[VM_PORT_RANGES]);

/* The guest's port devices in their starting state; COM1 writes to console. */
void vm_ports_init(struct vm_ports *p, struct gconsole *console);

/*
 * One IN or OUT of size bytes (1, 2 or 4) at port.  For OUT, *value holds
 * the data (bits above size * 8 ignored); for IN, *value receives it,
 * zero-extended.  String and REP forms are the caller's to split into
 * single accesses.
 *
 * Returns VM_PORT_DONE, or VM_PORT_FINISH when the write ended the guest
 * (bytes after the one that did are not handled), or:
 *   -EINVAL  size is not 1, 2 or 4;
 *   -ENODEV  no byte of the access touches an intercepted port, and it
 *            does not wrap past 0xffff (a wrapping access always exits
 *            and is handled, byte by byte, like any other).
 * Both are a caller's mistake (a bad decode, an I/O bitmap that disagrees
 * with vm_port_ranges[]), never the guest's doing.
 */
int vm_port_io(struct vm_ports *p, uint16_t port, unsigned size, bool in,
	       uint32_t *value);

#endif
