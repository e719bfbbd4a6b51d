/* The guest's intercepted I/O ports; see ports.h. */
#include "lib/errno.h"
#include "vm/hypercall_abi.h"
#include "vm/ports.h"

#define NO_RANGE	(-1)
#define OPEN_BUS	0xff	/* what a read finds where no device answers */

static const char bochs_shutdown[] = "Shutdown";
#define BOCHS_SHUTDOWN_LEN	(sizeof(bochs_shutdown) - 1)

const struct vm_port_range vm_port_ranges[VM_PORT_RANGES] = {
	[VM_PORT_RANGE_FINISH]		= { HV_PORT_FINISH, VM_PORT_FINISH_PORTS,
					    "exit (isa-debug-exit)" },
	[VM_PORT_RANGE_COM1]		= { HV_PORT_COM1, UART_MODEL_PORTS,
					    "COM1 (16550 model)" },
	[VM_PORT_RANGE_BOCHS_SHUTDOWN]	= { HV_PORT_BOCHS_SHUTDOWN, 1,
					    "Bochs shutdown" },
};

_Static_assert(HV_PORT_FINISH + VM_PORT_FINISH_PORTS <= HV_PORT_COM1 &&
	       HV_PORT_COM1 + UART_MODEL_PORTS <= HV_PORT_BOCHS_SHUTDOWN,
	       "the intercepted ranges are disjoint");

_Static_assert(HV_PORT_FINISH + VM_PORT_FINISH_PORTS <= VM_PORT_COM2 &&
	       VM_PORT_COM2 + VM_PORT_COM2_PORTS <= HV_PORT_BOCHS_SHUTDOWN,
	       "COM2 in COM1's place keeps the ranges sorted and disjoint");

/* With com1=guest, in COM1's place. */
static const struct vm_port_range com2_range = {
	VM_PORT_COM2, VM_PORT_COM2_PORTS, "COM2 (skiff's console)",
};

/* Range i as p keeps it: COM2 in COM1's place when COM1 is the guest's. */
static const struct vm_port_range *kept_range(const struct vm_ports *p, int i)
{
	return i == VM_PORT_RANGE_COM1 && p->com1_guest ? &com2_range : &vm_port_ranges[i];
}

void vm_ports_kept(const struct vm_ports *p, struct vm_port_range out[VM_PORT_RANGES])
{
	for (int i = 0; i < VM_PORT_RANGES; i++)
		out[i] = *kept_range(p, i);
}

void vm_ports_init(struct vm_ports *p, struct gconsole *console)
{
	uart_model_init(&p->com1, console);
	p->shutdown_matched = 0;
	p->finish_status = 0;
}

static int range_of(const struct vm_ports *p, uint16_t port)
{
	for (int i = 0; i < VM_PORT_RANGES; i++) {
		const struct vm_port_range *r = kept_range(p, i);

		if (port >= r->first && port - r->first < r->count)
			return i;
	}
	return NO_RANGE;
}

/* Bochs compares byte by byte.  No proper prefix of "Shutdown" ends in
 * its first letter except "S" itself, so after a mismatch the only restart
 * to consider is a fresh 'S'. */
static bool shutdown_byte(struct vm_ports *p, uint8_t c)
{
	if (c == (uint8_t)bochs_shutdown[p->shutdown_matched])
		p->shutdown_matched++;
	else
		p->shutdown_matched = c == (uint8_t)bochs_shutdown[0];
	if (p->shutdown_matched < BOCHS_SHUTDOWN_LEN)
		return false;
	p->shutdown_matched = 0;
	return true;
}

/* Returns true when the byte ended the guest (status in p->finish_status). */
static bool out_byte(struct vm_ports *p, int range, uint16_t port, uint8_t c)
{
	switch (range) {
	case VM_PORT_RANGE_COM1:	/* with com1_guest: COM2, which is skiff's */
		if (!p->com1_guest)
			uart_model_write(&p->com1, port - HV_PORT_COM1, c);
		return false;
	case VM_PORT_RANGE_FINISH:
		p->finish_status = c;
		return true;
	case VM_PORT_RANGE_BOCHS_SHUTDOWN:
		if (!shutdown_byte(p, c))
			return false;
		p->finish_status = 0;
		return true;
	default:
		return false;
	}
}

static uint8_t in_byte(struct vm_ports *p, int range, uint16_t port)
{
	if (range == VM_PORT_RANGE_COM1 && !p->com1_guest)
		return uart_model_read(&p->com1, port - HV_PORT_COM1);
	return OPEN_BUS;
}

static bool touches_intercepted(const struct vm_ports *p, uint16_t port, unsigned size)
{
	for (unsigned k = 0; k < size; k++)
		if (range_of(p, (uint16_t)(port + k)) != NO_RANGE)
			return true;
	return false;
}

int vm_port_io(struct vm_ports *p, uint16_t port, unsigned size, bool in,
	       uint32_t *value)
{
	uint32_t data = in ? 0 : *value;

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	/* An access that wraps past 0xffff exits whatever the I/O bitmap
	 * says (SDM Vol. 3C 26.1.3, "use I/O bitmaps"): the guest can make
	 * one, so it is handled like any access that strays outside skiff's
	 * ports (writes dropped, reads all-ones), never refused. */
	if ((uint32_t)port + size <= 0x10000 && !touches_intercepted(p, port, size))
		return -ENODEV;
	for (unsigned k = 0; k < size; k++) {
		uint16_t at = (uint16_t)(port + k);
		int range = range_of(p, at);

		if (in) {
			data |= (uint32_t)in_byte(p, range, at) << (8 * k);
			continue;
		}
		if (out_byte(p, range, at, (uint8_t)(data >> (8 * k))))
			return VM_PORT_FINISH;
	}
	if (in)
		*value = data;
	return VM_PORT_DONE;
}
