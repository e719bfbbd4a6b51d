/*
 * Intel VT-d DMA remapping units (Intel Virtualization Technology for
 * Directed I/O, Architecture Specification 3.x): their registers (chapter
 * 11), the legacy root and context entries (9.1, 9.3), register-based
 * invalidation (6.5.1) and fault recording (7.1).  skiff uses the legacy
 * translation mode only: one domain, the guest's, whose second-level
 * tables (mm/iommu_pt.h) map the guest's memory and nothing of skiff's.
 *
 * The decoders and encoders are pure, for the host tests; the register
 * accesses are the kernel's.
 */
#ifndef SKIFF_DRIVERS_VTD_H
#define SKIFF_DRIVERS_VTD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- registers, 11.4 ---- */
#define VTD_VER		0x000
#define VTD_CAP		0x008
#define VTD_ECAP	0x010
#define VTD_GCMD	0x018
#define VTD_GSTS	0x01c
#define VTD_RTADDR	0x020
#define VTD_CCMD	0x028
#define VTD_FSTS	0x034
#define VTD_FECTL	0x038
#define VTD_PMEN	0x064

/* GCMD/GSTS bits (11.4.4, 11.4.5). */
#define VTD_GCMD_TE	(1u << 31)	/* translation enable */
#define VTD_GCMD_SRTP	(1u << 30)	/* set root table pointer (one-shot) */
#define VTD_GCMD_SFL	(1u << 29)	/* one-shot */
#define VTD_GCMD_WBF	(1u << 27)	/* write buffer flush (one-shot) */
#define VTD_GCMD_QIE	(1u << 26)
#define VTD_GCMD_IRE	(1u << 25)
#define VTD_GCMD_SIRTP	(1u << 24)	/* one-shot */
/* GSTS bits that say what is on (the rest report one-shot commands):
 * what a GCMD write must repeat to keep (11.4.4). */
#define VTD_GSTS_PERSISTENT	0x96ffffffu

#define VTD_CCMD_ICC		(1ull << 63)
#define VTD_CCMD_GLOBAL		(1ull << 61)	/* CIRG 01 */
#define VTD_IOTLB_IVT		(1ull << 63)
#define VTD_IOTLB_GLOBAL	(1ull << 60)	/* IIRG 01 */
#define VTD_IOTLB_DR		(1ull << 49)
#define VTD_IOTLB_DW		(1ull << 48)

#define VTD_FSTS_PFO		(1u << 0)	/* fault overflow */
#define VTD_FSTS_PPF		(1u << 1)	/* primary pending fault */
#define VTD_FSTS_FRI(f)		(((f) >> 8) & 0xff)
#define VTD_PMEN_EPM		(1u << 31)
#define VTD_PMEN_PRS		(1u << 0)

/* The context entry's address width (9.3): 1 = 39-bit, 3 levels; 2 =
 * 48-bit, 4 levels; and the domain skiff gives the guest (DID 0 is
 * reserved when CAP.CM is set, 11.4.2). */
#define VTD_AW_39		1
#define VTD_AW_48		2
#define VTD_GUEST_DID		1
#define VTD_SAGAW_3LEVEL	(1u << 1)	/* CAP.SAGAW: 39-bit, 3 levels */
#define VTD_SAGAW_4LEVEL	(1u << 2)	/* 48-bit, 4 levels */

struct vtd_caps {
	uint32_t ver;
	unsigned sagaw;		/* bit 1: 3-level, bit 2: 4-level, bit 3: 5-level */
	unsigned mgaw;		/* maximum guest address width, bits */
	unsigned nd;		/* domains: 2^(4 + 2 * nd) */
	unsigned fro;		/* fault recording registers: byte offset */
	unsigned nfr;		/* and how many */
	unsigned iro;		/* IOTLB registers: byte offset */
	bool rwbf, cm, plmr, phmr, lp_2m, lp_1g;
	bool coherent, qi, ir;
};

struct vtd_caps vtd_caps_decode(uint32_t ver, uint64_t cap, uint64_t ecap);

/* Bytes of register space the unit uses: up to the end of its fault
 * recording and IOTLB registers, in whole pages, at least one. */
size_t vtd_register_bytes(const struct vtd_caps *c);

/* Why a unit cannot be used as skiff uses it, or NULL: registers that read
 * back nonsense (all ones, all zeros, a major version not 1, offsets
 * beyond 64 KiB), no 3- or 4-level walk, an address width below the
 * guest's memory (limit). */
const char *vtd_caps_unusable(const struct vtd_caps *c, uint64_t limit);

/* The walk skiff uses for limit bytes of guest-physical memory: 3 levels
 * when the unit can and limit fits in 39 bits, else 4; 0 when neither. */
unsigned vtd_levels(const struct vtd_caps *c, uint64_t limit);

/* Root entry (9.1): the context table for one bus. */
void vtd_root_entry(uint64_t out[2], uint64_t context_table);

/* Context entry (9.3): untranslated requests translated through the
 * second-level tables at slpt (TT 00), levels 3 or 4, domain did. */
void vtd_context_entry(uint64_t out[2], uint64_t slpt, unsigned levels, uint16_t did);

/* One fault record (11.4.14). */
struct vtd_fault {
	bool valid;		/* F */
	bool read;		/* T: 1 a read request, 0 a write */
	uint8_t reason;		/* FR, appendix A */
	uint16_t sid;		/* requester: bus 15:8, device 7:3, function 2:0 */
	uint64_t addr;		/* FI: the page of the faulting request */
};

struct vtd_fault vtd_fault_decode(uint64_t lo, uint64_t hi);

/* The fault reason in words (appendix A), e.g. "the second-level entry
 * for the address is not present". */
const char *vtd_fault_reason(uint8_t reason);

#ifndef SKIFF_HOST_TEST
struct vtd_unit {
	uint64_t base;
	struct vtd_caps caps;
	unsigned levels;
	bool on;
};

/* Reads the unit's capabilities: 0, or -ENODEV with the reason printed
 * (vtd_caps_unusable()). */
int vtd_probe(struct vtd_unit *u, uint64_t base, uint64_t limit);

/* Points the unit at root_table, drops every cached context entry and
 * translation, and turns translation on; protected-memory regions the
 * firmware left on are turned off (translation covers them now).  0, or
 * -ETIMEDOUT with what the unit did not do printed. */
int vtd_enable(struct vtd_unit *u, uint64_t root_table);

/* Global context-cache and IOTLB invalidation, after the tables changed. */
int vtd_invalidate(struct vtd_unit *u);

/* The unit's recorded faults, each cleared once read so that the next is
 * recorded (7.1.3): up to max into out; the count.  An overflow (faults
 * lost while the records were full) is cleared and counted in *lost. */
size_t vtd_take_faults(struct vtd_unit *u, struct vtd_fault *out, size_t max, unsigned *lost);
#endif

#endif
