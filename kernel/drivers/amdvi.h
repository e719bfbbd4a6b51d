/*
 * AMD IOMMUs (AMD I/O Virtualization Technology (IOMMU) Specification,
 * publication 48882): their registers ("MMIO Registers"), the device
 * table entry ("Device Table Entry Format"), the commands skiff issues
 * ("Commands") and the event log ("Event Logging").  skiff uses host
 * translation only: one domain, the guest's, whose I/O page tables
 * (mm/iommu_pt.h, amdvi_pt_format) map the guest's memory and nothing of
 * skiff's.  Every device ID gets the same entry, so one device table
 * serves every unit.
 *
 * The encoders and decoders are pure, for the host tests; the register
 * accesses are the kernel's.
 */
#ifndef SKIFF_DRIVERS_AMDVI_H
#define SKIFF_DRIVERS_AMDVI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- registers ---- */
#define AMDVI_DEV_TABLE_BASE	0x0000	/* 51:12 base, 8:0 size in 4 KiB pages - 1 */
#define AMDVI_CMD_BUF_BASE	0x0008	/* 51:12 base, 59:56 ComLen: 2^n entries */
#define AMDVI_EVENT_LOG_BASE	0x0010	/* 51:12 base, 59:56 EventLen */
#define AMDVI_CONTROL		0x0018
#define AMDVI_EXCLUSION_BASE	0x0020
#define AMDVI_EXCLUSION_LIMIT	0x0028
#define AMDVI_EXT_FEATURE	0x0030	/* EFR */
#define AMDVI_CMD_HEAD		0x2000	/* 18:4: the entry the unit reads next */
#define AMDVI_CMD_TAIL		0x2008	/* 18:4: the entry software writes next */
#define AMDVI_EVENT_HEAD	0x2010
#define AMDVI_EVENT_TAIL	0x2018
#define AMDVI_STATUS		0x2020

/* The register space: 16 KiB, 512 KiB when the unit has performance
 * counters (EFR.PCSup), whose registers start at 0x40000. */
#define AMDVI_REG_BYTES		0x4000u
#define AMDVI_REG_BYTES_PC	0x80000u

/* Control (IommuEn and the rest skiff sets or must find off). */
#define AMDVI_CTRL_IOMMU_EN	(1ull << 0)
#define AMDVI_CTRL_EVENT_LOG_EN	(1ull << 2)
#define AMDVI_CTRL_EVENT_INT_EN	(1ull << 3)
#define AMDVI_CTRL_COM_WAIT_INT_EN (1ull << 4)
#define AMDVI_CTRL_CMD_BUF_EN	(1ull << 12)
#define AMDVI_CTRL_PPR_LOG_EN	(1ull << 13)
#define AMDVI_CTRL_PPR_EN	(1ull << 15)
#define AMDVI_CTRL_GT_EN	(1ull << 16)
#define AMDVI_CTRL_GA_EN	(1ull << 17)

/* Status. */
#define AMDVI_STATUS_EVENT_OVERFLOW	(1ull << 0)	/* write 1 to clear */
#define AMDVI_STATUS_EVENT_LOG_RUN	(1ull << 3)
#define AMDVI_STATUS_CMD_BUF_RUN	(1ull << 4)

/* EFR bits skiff reads. */
#define AMDVI_EFR_IA_SUP	(1ull << 6)	/* INVALIDATE_IOMMU_ALL */
#define AMDVI_EFR_PC_SUP	(1ull << 9)	/* performance counters */
#define AMDVI_EFR_HATS(e)	(((e) >> 10) & 3)	/* host table levels: 4 + HATS */

/* ---- the device table: 2^16 entries of 32 bytes, every device ID ---- */
#define AMDVI_DEVICE_IDS	0x10000u
#define AMDVI_DTE_BYTES		32u
#define AMDVI_DEV_TABLE_PAGES	(AMDVI_DEVICE_IDS * AMDVI_DTE_BYTES / 4096u)	/* 512 */
#define AMDVI_GUEST_DOMAIN	1

/* Device table entry, first quadword: V, TV, Mode (the levels the walk
 * starts with), the page table root, IR and IW (which every level's
 * rights are ANDed with).  Second: the domain ID (15:0).  The third and
 * fourth stay 0: IV clear, so interrupts pass untranslated (skiff does
 * not remap interrupts; iommu.h says what that leaves). */
#define AMDVI_DTE_V		(1ull << 0)
#define AMDVI_DTE_TV		(1ull << 1)
#define AMDVI_DTE_MODE_SHIFT	9
#define AMDVI_DTE_IR		(1ull << 61)
#define AMDVI_DTE_IW		(1ull << 62)

/* The entry skiff gives every device: translated through the tables at
 * root, levels deep (3 or 4), in domain did. */
void amdvi_dte(uint64_t out[4], uint64_t root, unsigned levels, uint16_t did);

/* ---- commands: 16 bytes, the opcode in bits 63:60 of the first quadword ---- */
#define AMDVI_CMD_BYTES		16u
#define AMDVI_CMD_COMPLETION_WAIT	0x1
#define AMDVI_CMD_INVALIDATE_DEVTAB	0x2
#define AMDVI_CMD_INVALIDATE_PAGES	0x3
#define AMDVI_CMD_INVALIDATE_ALL	0x8

/* COMPLETION_WAIT with S: when every earlier command is done, the unit
 * stores data at the 8-byte-aligned address store. */
void amdvi_cmd_completion_wait(uint64_t out[2], uint64_t store, uint64_t data);
/* INVALIDATE_DEVTAB_ENTRY for one device ID. */
void amdvi_cmd_invalidate_devtab(uint64_t out[2], uint16_t devid);
/* INVALIDATE_IOMMU_PAGES for every page of domain did (S and PDE set, the
 * address all ones). */
void amdvi_cmd_invalidate_domain(uint64_t out[2], uint16_t did);
/* INVALIDATE_IOMMU_ALL (EFR.IASup). */
void amdvi_cmd_invalidate_all(uint64_t out[2]);

/* ---- the event log: 16-byte entries, the code in bits 63:60 of the first ---- */
#define AMDVI_EVENT_BYTES	16u
#define AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY	0x1
#define AMDVI_EVENT_IO_PAGE_FAULT		0x2
#define AMDVI_EVENT_INVALID_DEVICE_REQUEST	0x8	/* a request type the entry forbids */

struct amdvi_event {
	uint8_t code;
	uint16_t devid;		/* bus 15:8, device 7:3, function 2:0 */
	uint16_t flags;		/* the event's flag bits, 27:16 of the second dword */
	bool write;		/* IO_PAGE_FAULT: RW */
	bool present;		/* IO_PAGE_FAULT: PR, the page was present (a rights fault) */
	uint64_t addr;
};

struct amdvi_event amdvi_event_decode(const uint64_t raw[2]);

/* The event log skiff gives a unit: one page, 256 entries. */
#define AMDVI_EVENT_LOG_BYTES	4096u

/* Takes the entries of the ring log from *head up to tail (byte offsets,
 * the unit's tail register), oldest first, at most max into out; *head
 * moves past each, wrapping at the end.  The count. */
size_t amdvi_events_take(const volatile uint64_t *log, uint32_t *head, uint32_t tail,
			 struct amdvi_event *out, size_t max);

/* The event in words, e.g. "the page is not mapped for writing". */
const char *amdvi_event_text(const struct amdvi_event *e);

/* Why a unit's extended features rule it out, or NULL: all ones (no unit
 * answers there). */
const char *amdvi_efr_unusable(uint64_t efr);

#ifndef SKIFF_HOST_TEST
struct amdvi_unit {
	uint64_t base;
	uint64_t efr;
	uint64_t cmd_buf, event_log;	/* one page each: 256 entries */
	uint32_t cmd_tail, event_head;
	volatile uint64_t *done;	/* COMPLETION_WAIT's store */
	uint64_t done_seq;
	bool on;
};

/* Register space the unit at base uses, for the EPT and the PCI filter. */
size_t amdvi_register_bytes(uint64_t efr);

/* Reads the unit's features and turns off what the firmware left on; 0 or
 * -ENODEV with the reason printed. */
int amdvi_probe(struct amdvi_unit *u, uint64_t base);

/* Gives the unit its command buffer, event log and the device table at
 * dev_table, turns translation on, and drops every cached entry.  0, or
 * -ENOMEM / -ETIMEDOUT with what went wrong printed. */
int amdvi_enable(struct amdvi_unit *u, uint64_t dev_table);

/* Drops every cached device table entry and translation, after the
 * tables changed, and waits until the unit says it has. */
int amdvi_invalidate(struct amdvi_unit *u);

/* The unit's logged events, oldest first, each consumed as read: up to
 * max into out (the rest wait for the next call); the count.  An overflow
 * is cleared and counted in *lost. */
size_t amdvi_take_events(struct amdvi_unit *u, struct amdvi_event *out, size_t max,
			 unsigned *lost);
#endif

#endif
