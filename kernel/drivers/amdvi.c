/* See amdvi.h. */
#include "drivers/amdvi.h"

#include "lib/errno.h"
#include "lib/printf.h"

#ifndef SKIFF_HOST_TEST
#include "lib/string.h"
#include "mm/mm.h"
#include "x86.h"
#endif

#define OPCODE_SHIFT		60
#define ADDR_51_12		0x000ffffffffff000ull
#define CW_STORE		(1ull << 0)	/* COMPLETION_WAIT: S, store the data */
#define CW_ADDR_51_3		0x000ffffffffffff8ull
#define INV_PAGES_S		(1ull << 0)	/* the address stands for a range */
#define INV_PAGES_PDE		(1ull << 1)	/* cached table entries too */
#define INV_PAGES_ALL_ADDR	0x7ffffffffffff000ull	/* with S: every page */
#define EVENT_FLAGS_SHIFT	48
#define EVENT_PR		(1u << 4)
#define EVENT_RW		(1u << 5)

void amdvi_dte(uint64_t out[4], uint64_t root, unsigned levels, uint16_t did)
{
	out[0] = AMDVI_DTE_V | AMDVI_DTE_TV | (uint64_t)(levels & 7) << AMDVI_DTE_MODE_SHIFT |
		 (root & ADDR_51_12) | AMDVI_DTE_IR | AMDVI_DTE_IW;
	out[1] = did;
	out[2] = 0;
	out[3] = 0;
}

void amdvi_cmd_completion_wait(uint64_t out[2], uint64_t store, uint64_t data)
{
	out[0] = (store & CW_ADDR_51_3) | CW_STORE |
		 (uint64_t)AMDVI_CMD_COMPLETION_WAIT << OPCODE_SHIFT;
	out[1] = data;
}

void amdvi_cmd_invalidate_devtab(uint64_t out[2], uint16_t devid)
{
	out[0] = devid | (uint64_t)AMDVI_CMD_INVALIDATE_DEVTAB << OPCODE_SHIFT;
	out[1] = 0;
}

/* Domain in bits 47:32 of the first quadword; S and PDE and the address
 * in the second. */
void amdvi_cmd_invalidate_domain(uint64_t out[2], uint16_t did)
{
	out[0] = (uint64_t)did << 32 | (uint64_t)AMDVI_CMD_INVALIDATE_PAGES << OPCODE_SHIFT;
	out[1] = INV_PAGES_ALL_ADDR | INV_PAGES_PDE | INV_PAGES_S;
}

void amdvi_cmd_invalidate_all(uint64_t out[2])
{
	out[0] = (uint64_t)AMDVI_CMD_INVALIDATE_ALL << OPCODE_SHIFT;
	out[1] = 0;
}

struct amdvi_event amdvi_event_decode(const uint64_t raw[2])
{
	uint16_t flags = (uint16_t)((raw[0] >> EVENT_FLAGS_SHIFT) & 0xfff);

	return (struct amdvi_event){
		.code = (uint8_t)(raw[0] >> OPCODE_SHIFT),
		.devid = (uint16_t)raw[0],
		.flags = flags,
		.write = (flags & EVENT_RW) != 0,
		.present = (flags & EVENT_PR) != 0,
		.addr = raw[1],
	};
}

const char *amdvi_event_text(const struct amdvi_event *e)
{
	static const char *const codes[] = {
		[0x1] = "its device table entry is malformed",
		[0x3] = "the device table could not be read",
		[0x4] = "an I/O page table could not be read",
		[0x5] = "a command skiff gave is malformed",
		[0x6] = "the command buffer could not be read",
		[0x7] = "a device did not finish an IOTLB invalidation",
		[0x8] = "the request type is blocked",
	};

	if (e->code == AMDVI_EVENT_IO_PAGE_FAULT) {
		if (!e->present)
			return "the page is not mapped";
		return e->write ? "the page is not mapped for writing" :
				  "the page is not mapped for reading";
	}
	if (e->code < sizeof(codes) / sizeof(codes[0]) && codes[e->code])
		return codes[e->code];
	return "an event skiff does not name";
}

size_t amdvi_events_take(const volatile uint64_t *log, uint32_t *head, uint32_t tail,
			 struct amdvi_event *out, size_t max)
{
	size_t n = 0;

	tail %= AMDVI_EVENT_LOG_BYTES;
	while (*head != tail && n < max) {
		uint64_t raw[2] = { log[*head / 8], log[*head / 8 + 1] };

		out[n++] = amdvi_event_decode(raw);
		*head = (*head + AMDVI_EVENT_BYTES) % AMDVI_EVENT_LOG_BYTES;
	}
	return n;
}

const char *amdvi_efr_unusable(uint64_t efr)
{
	if (efr == ~0ull)
		return "its registers read back all ones";
	return NULL;
}

#ifndef SKIFF_HOST_TEST

#define WAIT_LOOPS		10000000u
#define RING_LEN_256		8ull		/* ComLen, EventLen: 2^8 entries, one page */
#define RING_LEN_SHIFT		56
#define RING_BYTES		4096u

_Static_assert(AMDVI_EVENT_LOG_BYTES == RING_BYTES, "the event log is one ring page");
/* What skiff turns off before it programs a unit the firmware (or an
 * earlier boot) left running, and never turns on. */
#define CTRL_OFF		(AMDVI_CTRL_IOMMU_EN | AMDVI_CTRL_EVENT_LOG_EN | \
				 AMDVI_CTRL_EVENT_INT_EN | AMDVI_CTRL_COM_WAIT_INT_EN | \
				 AMDVI_CTRL_CMD_BUF_EN | AMDVI_CTRL_PPR_LOG_EN | AMDVI_CTRL_PPR_EN | \
				 AMDVI_CTRL_GT_EN | AMDVI_CTRL_GA_EN)

static uint64_t rd64(const struct amdvi_unit *u, unsigned off)
{
	return *(volatile uint64_t *)(uintptr_t)(u->base + off);
}

static void wr64(const struct amdvi_unit *u, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(u->base + off) = v;
}

size_t amdvi_register_bytes(uint64_t efr)
{
	return (efr & AMDVI_EFR_PC_SUP) ? AMDVI_REG_BYTES_PC : AMDVI_REG_BYTES;
}

int amdvi_probe(struct amdvi_unit *u, uint64_t base)
{
	const char *why;
	uint64_t ctrl;

	memset(u, 0, sizeof(*u));
	u->base = base;
	u->efr = rd64(u, AMDVI_EXT_FEATURE);
	why = amdvi_efr_unusable(u->efr);
	if (why) {
		kprintf("skiff: iommu: the AMD-Vi unit at 0x%lx cannot be used: %s\n", base, why);
		return -ENODEV;
	}
	ctrl = rd64(u, AMDVI_CONTROL);
	if (ctrl & CTRL_OFF) {
		kprintf("skiff: iommu: the AMD-Vi unit at 0x%lx was left on (control 0x%lx): "
			"turned off to be set up again\n", base, ctrl);
		wr64(u, AMDVI_CONTROL, ctrl & ~CTRL_OFF);
	}
	return 0;
}

/* Queues one command and tells the unit. */
static void queue(struct amdvi_unit *u, const uint64_t cmd[2])
{
	volatile uint64_t *slot = (volatile uint64_t *)(uintptr_t)(u->cmd_buf + u->cmd_tail);

	slot[0] = cmd[0];
	slot[1] = cmd[1];
	u->cmd_tail = (u->cmd_tail + AMDVI_CMD_BYTES) % RING_BYTES;
	wr64(u, AMDVI_CMD_TAIL, u->cmd_tail);
}

/* A COMPLETION_WAIT after what was queued, and the wait for its store. */
static int finish(struct amdvi_unit *u, const char *what)
{
	uint64_t cmd[2];

	amdvi_cmd_completion_wait(cmd, (uint64_t)(uintptr_t)u->done, ++u->done_seq);
	queue(u, cmd);
	for (unsigned i = 0; i < WAIT_LOOPS; i++) {
		if (*u->done == u->done_seq)
			return 0;
		pause();
	}
	kprintf("skiff: iommu: the AMD-Vi unit at 0x%lx did not finish %s (status 0x%lx, "
		"command head 0x%lx, tail 0x%x)\n", u->base, what, rd64(u, AMDVI_STATUS),
		rd64(u, AMDVI_CMD_HEAD), u->cmd_tail);
	return -ETIMEDOUT;
}

int amdvi_invalidate(struct amdvi_unit *u)
{
	uint64_t cmd[2];

	if (u->efr & AMDVI_EFR_IA_SUP)
		amdvi_cmd_invalidate_all(cmd);
	else
		amdvi_cmd_invalidate_domain(cmd, AMDVI_GUEST_DOMAIN);
	queue(u, cmd);
	return finish(u, "an invalidation");
}

/* Every cached device table entry, once, when the unit takes the table:
 * one command does it where the unit has INVALIDATE_IOMMU_ALL; else one
 * per device ID, a completion wait after each half ring. */
static int invalidate_dev_table(struct amdvi_unit *u)
{
	uint64_t cmd[2];

	for (uint32_t id = 0; !(u->efr & AMDVI_EFR_IA_SUP) && id < AMDVI_DEVICE_IDS; id++) {
		amdvi_cmd_invalidate_devtab(cmd, (uint16_t)id);
		queue(u, cmd);
		if (id % 128 == 127 && finish(u, "a device table invalidation") < 0)
			return -ETIMEDOUT;
	}
	return amdvi_invalidate(u);
}

int amdvi_enable(struct amdvi_unit *u, uint64_t dev_table)
{
	uint64_t ctrl;

	u->cmd_buf = mm_alloc_page();
	u->event_log = mm_alloc_page();
	u->done = (volatile uint64_t *)(uintptr_t)mm_alloc_page();
	if (!u->cmd_buf || !u->event_log || !u->done)
		return -ENOMEM;
	wr64(u, AMDVI_DEV_TABLE_BASE, (dev_table & ADDR_51_12) | (AMDVI_DEV_TABLE_PAGES - 1));
	wr64(u, AMDVI_CMD_BUF_BASE, u->cmd_buf | RING_LEN_256 << RING_LEN_SHIFT);
	wr64(u, AMDVI_EVENT_LOG_BASE, u->event_log | RING_LEN_256 << RING_LEN_SHIFT);
	wr64(u, AMDVI_CMD_HEAD, 0);
	wr64(u, AMDVI_CMD_TAIL, 0);
	wr64(u, AMDVI_EVENT_HEAD, 0);
	wr64(u, AMDVI_EVENT_TAIL, 0);
	wr64(u, AMDVI_EXCLUSION_BASE, 0);	/* no range exempt from translation */
	wr64(u, AMDVI_STATUS, AMDVI_STATUS_EVENT_OVERFLOW);
	ctrl = rd64(u, AMDVI_CONTROL) & ~CTRL_OFF;
	wr64(u, AMDVI_CONTROL, ctrl | AMDVI_CTRL_CMD_BUF_EN | AMDVI_CTRL_EVENT_LOG_EN);
	/* The unit reads the device table from now on: it is complete. */
	wr64(u, AMDVI_CONTROL, ctrl | AMDVI_CTRL_CMD_BUF_EN | AMDVI_CTRL_EVENT_LOG_EN |
				       AMDVI_CTRL_IOMMU_EN);
	u->on = invalidate_dev_table(u) == 0;
	return u->on ? 0 : -ETIMEDOUT;
}

size_t amdvi_take_events(struct amdvi_unit *u, struct amdvi_event *out, size_t max,
			 unsigned *lost)
{
	uint32_t tail = (uint32_t)rd64(u, AMDVI_EVENT_TAIL) % AMDVI_EVENT_LOG_BYTES;
	size_t n;

	/* Every exit asks (vm_check_dma()): one register read when the log
	 * is empty, as it nearly always is.  A log that overflowed is full. */
	if (tail == u->event_head)
		return 0;
	if (rd64(u, AMDVI_STATUS) & AMDVI_STATUS_EVENT_OVERFLOW) {
		(*lost)++;
		wr64(u, AMDVI_STATUS, AMDVI_STATUS_EVENT_OVERFLOW);
	}
	n = amdvi_events_take((const volatile uint64_t *)(uintptr_t)u->event_log, &u->event_head,
			      tail, out, max);
	wr64(u, AMDVI_EVENT_HEAD, u->event_head);
	return n;
}

#endif
