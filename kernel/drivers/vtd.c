/* See vtd.h. */
#include "drivers/vtd.h"

#include "lib/errno.h"
#include "lib/printf.h"

#ifndef SKIFF_HOST_TEST
#include "x86.h"
#endif

#define PAGE_BYTES		4096u
#define REG_SPACE_MAX		0x10000u	/* 11.4: offsets fit 64 KiB */
#define FAULT_RECORD_BYTES	16
#define IOTLB_REG_BYTES		16		/* IVA, then IOTLB */
#define LIMIT_39		(1ull << 39)

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1ull << (hi - lo + 1)) - 1);
}

/* 11.4.2 (CAP) and 11.4.3 (ECAP). */
struct vtd_caps vtd_caps_decode(uint32_t ver, uint64_t cap, uint64_t ecap)
{
	return (struct vtd_caps){
		.ver = ver,
		.nd = (unsigned)bits(cap, 2, 0),
		.rwbf = bits(cap, 4, 4), .plmr = bits(cap, 5, 5), .phmr = bits(cap, 6, 6),
		.cm = bits(cap, 7, 7),
		.sagaw = (unsigned)bits(cap, 12, 8),
		.mgaw = (unsigned)bits(cap, 21, 16) + 1,
		.fro = (unsigned)bits(cap, 33, 24) * 16,
		.lp_2m = bits(cap, 34, 34), .lp_1g = bits(cap, 35, 35),
		.nfr = (unsigned)bits(cap, 47, 40) + 1,
		.coherent = bits(ecap, 0, 0), .qi = bits(ecap, 1, 1), .ir = bits(ecap, 3, 3),
		.iro = (unsigned)bits(ecap, 17, 8) * 16,
	};
}

size_t vtd_register_bytes(const struct vtd_caps *c)
{
	size_t end = PAGE_BYTES;
	size_t faults = (size_t)c->fro + (size_t)c->nfr * FAULT_RECORD_BYTES;
	size_t iotlb = (size_t)c->iro + IOTLB_REG_BYTES;

	if (faults > end)
		end = faults;
	if (iotlb > end)
		end = iotlb;
	return (end + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
}

const char *vtd_caps_unusable(const struct vtd_caps *c, uint64_t limit)
{
	if (c->ver == 0 || c->ver == 0xffffffffu || (c->ver >> 4 & 0xf) == 0)
		return "its version register reads back nonsense";
	if (c->fro + c->nfr * FAULT_RECORD_BYTES > REG_SPACE_MAX ||
	    c->iro + IOTLB_REG_BYTES > REG_SPACE_MAX || c->fro == 0 || c->iro == 0)
		return "its capability registers place its fault or IOTLB registers where no "
		       "unit has them";
	if (!(c->sagaw & (VTD_SAGAW_3LEVEL | VTD_SAGAW_4LEVEL)))
		return "it walks neither 3- nor 4-level tables (CAP.SAGAW)";
	if (vtd_levels(c, limit) == 0)
		return "its address width is below the guest's memory (CAP.MGAW, SAGAW)";
	return NULL;
}

unsigned vtd_levels(const struct vtd_caps *c, uint64_t limit)
{
	uint64_t reach = c->mgaw >= 64 ? ~0ull : 1ull << c->mgaw;

	if (limit > reach)
		return 0;
	if ((c->sagaw & VTD_SAGAW_3LEVEL) && limit <= LIMIT_39)
		return 3;
	if (c->sagaw & VTD_SAGAW_4LEVEL)
		return 4;
	return 0;
}

void vtd_root_entry(uint64_t out[2], uint64_t context_table)
{
	out[0] = (context_table & ~0xfffull) | 1;	/* CTP, P */
	out[1] = 0;
}

void vtd_context_entry(uint64_t out[2], uint64_t slpt, unsigned levels, uint16_t did)
{
	out[0] = (slpt & ~0xfffull) | 1;		/* SLPTPTR, TT 00, FPD 0, P */
	out[1] = (levels == 3 ? VTD_AW_39 : VTD_AW_48) | (uint64_t)did << 8;
}

struct vtd_fault vtd_fault_decode(uint64_t lo, uint64_t hi)
{
	return (struct vtd_fault){
		.valid = bits(hi, 63, 63), .read = bits(hi, 62, 62),
		.reason = (uint8_t)bits(hi, 39, 32), .sid = (uint16_t)bits(hi, 15, 0),
		.addr = lo & ~0xfffull,
	};
}

const char *vtd_fault_reason(uint8_t reason)
{
	static const char *const reasons[] = {
		[0x1] = "the root entry for its bus is not present",
		[0x2] = "its context entry is not present",
		[0x3] = "its context entry is malformed",
		[0x4] = "the address is beyond the domain's address width",
		[0x5] = "the page is not mapped for writing",
		[0x6] = "the page is not mapped for reading",
		[0x7] = "a second-level table could not be read",
		[0x8] = "the root table could not be read",
		[0x9] = "its context entry could not be read",
		[0xa] = "its root entry has reserved bits set",
		[0xb] = "its context entry has reserved bits set",
		[0xc] = "a second-level entry has reserved bits set",
		[0xd] = "the request type is blocked",
	};

	if (reason < sizeof(reasons) / sizeof(reasons[0]) && reasons[reason])
		return reasons[reason];
	return "a fault reason skiff does not name";
}

#ifndef SKIFF_HOST_TEST

#define WAIT_LOOPS		10000000u

static uint32_t rd32(const struct vtd_unit *u, unsigned off)
{
	return *(volatile uint32_t *)(uintptr_t)(u->base + off);
}

static uint64_t rd64(const struct vtd_unit *u, unsigned off)
{
	return rd32(u, off) | (uint64_t)rd32(u, off + 4) << 32;
}

static void wr32(const struct vtd_unit *u, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(u->base + off) = v;
}

/* 64-bit registers written low dword first: the high one holds the
 * command bits (ICC, IVT) that start the operation (11.4.6, 11.4.8.1). */
static void wr64(const struct vtd_unit *u, unsigned off, uint64_t v)
{
	wr32(u, off, (uint32_t)v);
	wr32(u, off + 4, (uint32_t)(v >> 32));
}

int vtd_probe(struct vtd_unit *u, uint64_t base, uint64_t limit)
{
	const char *why;

	u->base = base;
	u->caps = vtd_caps_decode(rd32(u, VTD_VER), rd64(u, VTD_CAP), rd64(u, VTD_ECAP));
	u->on = false;
	why = vtd_caps_unusable(&u->caps, limit);
	if (why) {
		kprintf("skiff: iommu: the unit at 0x%lx cannot be used: %s (VER 0x%x, CAP 0x%lx, "
			"ECAP 0x%lx)\n", base, why, u->caps.ver, rd64(u, VTD_CAP), rd64(u, VTD_ECAP));
		return -ENODEV;
	}
	u->levels = vtd_levels(&u->caps, limit);
	return 0;
}

/* Waits until (GSTS & mask) == want. */
static int wait_status(const struct vtd_unit *u, uint32_t mask, uint32_t want, const char *what)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++) {
		if ((rd32(u, VTD_GSTS) & mask) == want)
			return 0;
		pause();
	}
	kprintf("skiff: iommu: the unit at 0x%lx did not %s (GSTS 0x%x)\n", u->base, what,
		rd32(u, VTD_GSTS));
	return -ETIMEDOUT;
}

/* One GCMD command: the bits that are on, kept, and cmd. */
static int command(const struct vtd_unit *u, uint32_t cmd, uint32_t status, bool on,
		   const char *what)
{
	uint32_t keep = rd32(u, VTD_GSTS) & VTD_GSTS_PERSISTENT;

	wr32(u, VTD_GCMD, on ? keep | cmd : keep & ~cmd);
	return wait_status(u, status, on ? status : 0, what);
}

static int wait_clear64(const struct vtd_unit *u, unsigned off, uint64_t bit, const char *what)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++) {
		if (!(rd64(u, off) & bit))
			return 0;
		pause();
	}
	kprintf("skiff: iommu: the unit at 0x%lx did not finish %s\n", u->base, what);
	return -ETIMEDOUT;
}

int vtd_invalidate(struct vtd_unit *u)
{
	int rc = 0;

	if (u->caps.rwbf)
		rc = command(u, VTD_GCMD_WBF, VTD_GCMD_WBF, false, "flush its write buffer");
	if (rc == 0) {
		wr64(u, VTD_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
		rc = wait_clear64(u, VTD_CCMD, VTD_CCMD_ICC, "a context-cache invalidation");
	}
	if (rc == 0) {
		wr64(u, u->caps.iro + 8, VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR |
			 VTD_IOTLB_DW);
		rc = wait_clear64(u, u->caps.iro + 8, VTD_IOTLB_IVT, "an IOTLB invalidation");
	}
	return rc;
}

int vtd_enable(struct vtd_unit *u, uint64_t root_table)
{
	uint32_t gsts = rd32(u, VTD_GSTS);
	int rc;

	if (gsts & (VTD_GCMD_QIE | VTD_GCMD_IRE)) {
		kprintf("skiff: iommu: the unit at 0x%lx has queued invalidation or interrupt "
			"remapping on (GSTS 0x%x), which skiff does not drive\n", u->base, gsts);
		return -ENOTSUP;
	}
	if (!u->caps.coherent)
		wbinvd();	/* the unit does not snoop its table walks (ECAP.C) */
	wr64(u, VTD_RTADDR, root_table);	/* TTM 00: legacy mode */
	rc = command(u, VTD_GCMD_SRTP, VTD_GCMD_SRTP, true, "take the root table pointer");
	if (rc == 0)
		rc = vtd_invalidate(u);
	if (rc == 0 && !(gsts & VTD_GCMD_TE))
		rc = command(u, VTD_GCMD_TE, VTD_GCMD_TE, true, "turn translation on");
	/* Protected-memory regions (11.4.13) block DMA to ranges the
	 * firmware chose; the tables say what is reachable now. */
	if (rc == 0 && (u->caps.plmr || u->caps.phmr) && (rd32(u, VTD_PMEN) & VTD_PMEN_EPM)) {
		wr32(u, VTD_PMEN, 0);
		for (unsigned i = 0; i < WAIT_LOOPS && (rd32(u, VTD_PMEN) & VTD_PMEN_PRS); i++)
			pause();
	}
	u->on = rc == 0;
	return rc;
}

size_t vtd_take_faults(struct vtd_unit *u, struct vtd_fault *out, size_t max, unsigned *lost)
{
	uint32_t fsts = rd32(u, VTD_FSTS);
	size_t n = 0;

	if (fsts & VTD_FSTS_PFO) {
		(*lost)++;
		wr32(u, VTD_FSTS, VTD_FSTS_PFO);
	}
	if (!(fsts & VTD_FSTS_PPF))
		return 0;
	for (unsigned k = 0, i = VTD_FSTS_FRI(fsts); k < u->caps.nfr; k++, i = (i + 1) % u->caps.nfr) {
		unsigned off = u->caps.fro + i * FAULT_RECORD_BYTES;
		struct vtd_fault f = vtd_fault_decode(rd64(u, off), rd64(u, off + 8));

		if (!f.valid)
			continue;
		if (n < max)
			out[n++] = f;
		wr32(u, off + 12, 1u << 31);	/* F is write-1-to-clear */
	}
	return n;
}

#endif
