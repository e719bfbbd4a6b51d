/*
 * The DMAR (VT-d chapter 8): remapping hardware units, their device
 * scopes, reserved memory regions; see dmar.h for the contract.
 *
 * The table is walked once, structure by structure, each one's Length
 * checked against what is left of the table before its fields are read,
 * and each device scope's against what is left of its structure.  What
 * skiff keeps (units, RMRRs and their scopes) goes into fixed arrays; a
 * table with more is refused rather than half-kept.
 */
#include "drivers/dmar.h"

#include "drivers/sdt.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#ifndef SKIFF_HOST_TEST
#include "drivers/acpi.h"
#endif

/* Offsets inside the SDT header, ACPI 6.4 5.2.6. */

/* A HAW of 64 bits or more would make 1 << haw, the first address past
 * the DMA-able range, undefined; no x86 platform has more than 52. */
#define DMAR_HAW_MAX_BITS	63

#define PCI_DEVS		32
#define PCI_FNS			8


/* The structure being read, for messages: "DRHD 1 at offset 0x70". */
struct dmar_where {
	const char *what;
	unsigned index;
	uint32_t off;
};

/* ---- The header ---- */

/* The SDT header's checks (drivers/sdt.h); dmar_parse() documents -EINVAL
 * for a bad checksum too. */
static int dmar_check_table(const uint8_t *t, size_t avail, uint32_t *len)
{
	int err = sdt_check(t, avail, DMAR_SIGNATURE, DMAR_HEADER_SIZE, "dmar", len);

	return err == -EBADMSG ? -EINVAL : err;
}

/* 8.1: the field is N for a width of N+1 bits. */
static int dmar_check_haw(uint8_t field, struct dmar_info *out)
{
	if (field == 0 || field + 1u > DMAR_HAW_MAX_BITS) {
		kprintf("skiff: dmar: host address width field %u (%u bits) is implausible\n",
			field, field + 1u);
		return -EINVAL;
	}
	out->haw = (uint8_t)(field + 1);
	return 0;
}

/* ---- Device scopes (8.3.1) ---- */

/* The entry at t[off], off < end: its Length covers its header and a
 * path of whole (Device, Function) hops, and stays inside its structure. */
static int dmar_check_scope(const uint8_t *t, uint32_t off, uint32_t end,
			    const struct dmar_where *w)
{
	uint8_t slen;

	if (end - off < DMAR_SCOPE_HEADER_SIZE) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: device scope at offset 0x%x runs "
			"past its structure's end at 0x%x\n", w->what, w->index, w->off, off, end);
		return -EINVAL;
	}
	slen = t[off + 1];
	if (slen < DMAR_SCOPE_HEADER_SIZE) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: device scope at offset 0x%x has "
			"length %u, shorter than its %u-byte header\n", w->what, w->index, w->off,
			off, slen, DMAR_SCOPE_HEADER_SIZE);
		return -EINVAL;
	}
	if (slen > end - off) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: device scope at offset 0x%x has "
			"length %u and runs past its structure's end at 0x%x\n", w->what, w->index,
			w->off, off, slen, end);
		return -EINVAL;
	}
	if ((slen - DMAR_SCOPE_HEADER_SIZE) % 2 != 0 || slen == DMAR_SCOPE_HEADER_SIZE) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: device scope at offset 0x%x has a "
			"path of %u bytes, not whole (device, function) pairs naming a device\n",
			w->what, w->index, w->off, off, slen - DMAR_SCOPE_HEADER_SIZE);
		return -EINVAL;
	}
	for (uint32_t p = off + DMAR_SCOPE_HEADER_SIZE; p < off + slen; p += 2) {
		if (t[p] >= PCI_DEVS || t[p + 1] >= PCI_FNS) {
			kprintf("skiff: dmar: %s %u at offset 0x%x: device scope at offset 0x%x "
				"names device %u function %u, which PCI does not have\n",
				w->what, w->index, w->off, off, t[p], t[p + 1]);
			return -EINVAL;
		}
	}
	return 0;
}

static int dmar_keep_scope(const uint8_t *s, struct dmar_info *out, const struct dmar_where *w)
{
	unsigned hops = (s[1] - DMAR_SCOPE_HEADER_SIZE) / 2u;
	struct dmar_scope *k;

	if (out->scope_count == DMAR_SCOPES_MAX) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: more than %u device scopes in all "
			"(DMAR_SCOPES_MAX)\n", w->what, w->index, w->off, DMAR_SCOPES_MAX);
		return -E2BIG;
	}
	if (hops > DMAR_PATH_MAX) {
		kprintf("skiff: dmar: %s %u at offset 0x%x: a device scope path of %u hops, "
			"more than the %u skiff keeps\n", w->what, w->index, w->off, hops,
			DMAR_PATH_MAX);
		return -E2BIG;
	}
	k = &out->scopes[out->scope_count++];
	memset(k, 0, sizeof(*k));
	k->type = s[0];
	k->flags = s[2];
	k->enumeration_id = s[4];
	k->start_bus = s[5];
	k->path_len = (uint8_t)hops;
	for (unsigned i = 0; i < hops; i++)
		k->path[i] = (struct dmar_path_hop){ s[6 + 2 * i], s[7 + 2 * i] };
	return 0;
}

/* The device scopes of a structure, t[off..end); kept into out (and
 * *first, *count set) when keep, else only checked. */
static int dmar_scopes(const uint8_t *t, uint32_t off, uint32_t end, bool keep,
		       struct dmar_info *out, unsigned *first, unsigned *count,
		       const struct dmar_where *w)
{
	int err;

	if (keep) {
		*first = (unsigned)out->scope_count;
		*count = 0;
	}
	for (; off < end; off += t[off + 1]) {
		err = dmar_check_scope(t, off, end, w);
		if (!err && keep)
			err = dmar_keep_scope(t + off, out, w);
		if (err)
			return err;
		if (keep)
			(*count)++;
	}
	return 0;
}

/* ---- Remapping structures ---- */

/*
 * Unit u against those before it: its registers overlap none of theirs,
 * and no INCLUDE_PCI_ALL unit of its segment came before it (8.3: that
 * unit "must be enumerated by BIOS after all other DRHD structures for the
 * same Segment"; it takes what they leave, so there is one at most).
 */
static int dmar_check_unit_place(const struct dmar_info *out, const struct dmar_unit *u,
				 const struct dmar_where *w)
{
	for (size_t i = 0; i < out->unit_count; i++) {
		const struct dmar_unit *o = &out->units[i];

		if (u->base < o->base + o->size && o->base < u->base + u->size) {
			kprintf("skiff: dmar: overlapping units: DRHD %zu has registers "
				"0x%llx-0x%llx, DRHD %u 0x%llx-0x%llx\n", i,
				(unsigned long long)o->base,
				(unsigned long long)(o->base + o->size - 1), w->index,
				(unsigned long long)u->base,
				(unsigned long long)(u->base + u->size - 1));
			return -EINVAL;
		}
		if (o->segment != u->segment || !o->include_pci_all)
			continue;
		if (u->include_pci_all)
			kprintf("skiff: dmar: more than one INCLUDE_PCI_ALL unit for segment %u "
				"(DRHDs %zu and %u)\n", u->segment, i, w->index);
		else
			kprintf("skiff: dmar: DRHD %u comes after DRHD %zu, the INCLUDE_PCI_ALL "
				"unit of segment %u, which must be the segment's last\n",
				w->index, i, u->segment);
		return -EINVAL;
	}
	return 0;
}

/* A DRHD (8.3): its registers a nonzero 4 KiB-aligned range that does not
 * wrap, placed as dmar_check_unit_place() requires; then its scopes. */
static int dmar_drhd(const uint8_t *t, uint32_t off, uint32_t slen, struct dmar_info *out,
		     const struct dmar_where *w)
{
	const uint8_t *s = t + off;
	struct dmar_unit u = {
		.base = le_load(s + 8, 8), .size = DMAR_PAGE_SIZE << (s[5] & DMAR_DRHD_SIZE_MASK),
		.segment = (uint16_t)le_load(s + 6, 2), .flags = s[4],
		.include_pci_all = s[4] & DMAR_DRHD_INCLUDE_PCI_ALL,
	};
	int err;

	if (u.base == 0 || u.base % DMAR_PAGE_SIZE || u.base + u.size < u.base) {
		kprintf("skiff: dmar: DRHD %u at offset 0x%x: register base 0x%llx is not a "
			"nonzero 4 KiB-aligned address with room for 0x%llx bytes\n", w->index,
			w->off, (unsigned long long)u.base, (unsigned long long)u.size);
		return -EINVAL;
	}
	err = dmar_check_unit_place(out, &u, w);
	if (err)
		return err;
	if (out->unit_count == DMAR_UNITS_MAX) {
		kprintf("skiff: dmar: more than %u DRHDs (DMAR_UNITS_MAX): DRHD %u at offset "
			"0x%x is one too many\n", DMAR_UNITS_MAX, w->index, w->off);
		return -E2BIG;
	}
	err = dmar_scopes(t, off + DMAR_DRHD_SIZE, off + slen, true, out,
			  &u.first_scope, &u.scope_count, w);
	if (err)
		return err;
	out->units[out->unit_count++] = u;
	return 0;
}

/* An RMRR (8.4): the base 4 KiB-aligned, the limit its region's last
 * byte, so that (limit - base + 1) is whole 4 KiB pages. */
static int dmar_rmrr(const uint8_t *t, uint32_t off, uint32_t slen, struct dmar_info *out,
		     const struct dmar_where *w)
{
	const uint8_t *s = t + off;
	struct dmar_rmrr r = {
		.segment = (uint16_t)le_load(s + 6, 2), .base = le_load(s + 8, 8), .limit = le_load(s + 16, 8),
	};
	int err;

	if (r.base % DMAR_PAGE_SIZE || r.limit % DMAR_PAGE_SIZE != DMAR_PAGE_SIZE - 1 ||
	    r.limit < r.base) {
		kprintf("skiff: dmar: RMRR %u at offset 0x%x: region 0x%llx-0x%llx is not whole "
			"4 KiB pages from base to limit\n", w->index, w->off,
			(unsigned long long)r.base, (unsigned long long)r.limit);
		return -EINVAL;
	}
	if (out->rmrr_count == DMAR_RMRRS_MAX) {
		kprintf("skiff: dmar: more than %u RMRRs (DMAR_RMRRS_MAX): RMRR %u at offset "
			"0x%x is one too many\n", DMAR_RMRRS_MAX, w->index, w->off);
		return -E2BIG;
	}
	err = dmar_scopes(t, off + DMAR_RMRR_SIZE, off + slen, true, out,
			      &r.first_scope, &r.scope_count, w);
	if (err)
		return err;
	out->rmrrs[out->rmrr_count++] = r;
	return 0;
}

/* The length each type needs (8.3 - 8.8), and its name in messages. */
static const struct dmar_type {
	uint8_t size;
	const char *name;
} dmar_types[] = {
	[DMAR_TYPE_DRHD] = { DMAR_DRHD_SIZE, "DRHD" },
	[DMAR_TYPE_RMRR] = { DMAR_RMRR_SIZE, "RMRR" },
	[DMAR_TYPE_ATSR] = { DMAR_ATSR_SIZE, "ATSR" },
	[DMAR_TYPE_RHSA] = { DMAR_RHSA_SIZE, "RHSA" },
	[DMAR_TYPE_ANDD] = { DMAR_ANDD_SIZE, "ANDD" },
	[DMAR_TYPE_SATC] = { DMAR_SATC_SIZE, "SATC" },
};

#define DMAR_TYPES	(sizeof(dmar_types) / sizeof(dmar_types[0]))

/* One structure, its length checked; index counts those of its type. */
static int dmar_struct(const uint8_t *t, uint32_t off, uint16_t type, uint16_t slen,
		       struct dmar_info *out, unsigned index)
{
	struct dmar_where w = { type < DMAR_TYPES ? dmar_types[type].name : "", index, off };

	switch (type) {
	case DMAR_TYPE_DRHD:
		return dmar_drhd(t, off, slen, out, &w);
	case DMAR_TYPE_RMRR:
		return dmar_rmrr(t, off, slen, out, &w);
	case DMAR_TYPE_ATSR:
		out->atsr_count++;
		return dmar_scopes(t, off + DMAR_ATSR_SIZE, off + slen, false, out, NULL, NULL, &w);
	case DMAR_TYPE_SATC:
		out->satc_count++;
		return dmar_scopes(t, off + DMAR_SATC_SIZE, off + slen, false, out, NULL, NULL, &w);
	case DMAR_TYPE_RHSA:
		out->rhsa_count++;
		return 0;
	case DMAR_TYPE_ANDD:
		out->andd_count++;
		return 0;
	default:
		/* 8.2: reserved for future use; skipped by its length. */
		if (out->unknown_count++ == 0)
			kprintf("skiff: dmar: skipping a structure of type %u at offset 0x%x, "
				"newer than skiff knows (and any more such)\n", type, off);
		return 0;
	}
}

/* The structure at off: its Type and Length are inside the table, and its
 * Length covers its header and what its type needs without running past
 * the table's end; returns the length, or a negative error. */
static int dmar_check_struct(const uint8_t *t, uint32_t len, uint32_t off)
{
	uint16_t type, slen;
	uint8_t need = DMAR_STRUCT_HEADER_SIZE;

	if (len - off < DMAR_STRUCT_HEADER_SIZE) {
		kprintf("skiff: dmar: structure at offset 0x%x runs past the table's end at "
			"0x%x\n", off, len);
		return -EINVAL;
	}
	type = (uint16_t)le_load(t + off, 2);
	slen = (uint16_t)le_load(t + off + 2, 2);
	if (type < DMAR_TYPES)
		need = dmar_types[type].size;
	if (slen < need) {
		kprintf("skiff: dmar: structure of type %u at offset 0x%x has length %u, "
			"shorter than the %u its type needs\n", type, off, slen, need);
		return -EINVAL;
	}
	if (slen > len - off) {
		kprintf("skiff: dmar: structure of type %u at offset 0x%x has length %u and "
			"runs past the table's end at 0x%x\n", type, off, slen, len);
		return -EINVAL;
	}
	return slen;
}

int dmar_parse(const void *table, size_t avail, struct dmar_info *out)
{
	const uint8_t *t = table;
	unsigned seen[DMAR_TYPES] = { 0 };
	uint32_t len, off;
	int err, slen;

	memset(out, 0, sizeof(*out));
	err = dmar_check_table(t, avail, &len);
	if (!err)
		err = dmar_check_haw(t[DMAR_HAW_OFFSET], out);
	if (err)
		return err;
	out->flags = t[DMAR_FLAGS_OFFSET];
	for (off = DMAR_HEADER_SIZE; off < len; off += (uint32_t)slen) {
		uint16_t type;

		slen = dmar_check_struct(t, len, off);
		if (slen < 0)
			return slen;
		type = (uint16_t)le_load(t + off, 2);
		err = dmar_struct(t, off, type, (uint16_t)slen, out,
				  type < DMAR_TYPES ? seen[type]++ : 0);
		if (err)
			return err;
	}
	return 0;
}

/* ---- Which unit a function is under ---- */

/* Where s's path ends: each hop but the last is a bridge, whose secondary
 * bus is the next hop's.  False when one is not a bridge. */
static bool dmar_scope_resolve(const struct dmar_scope *s, dmar_bridge_buses_fn bridge_buses,
			       void *ctx, uint8_t *bus)
{
	uint8_t b = s->start_bus, sub;

	for (unsigned i = 0; i + 1 < s->path_len; i++)
		if (!bridge_buses || !bridge_buses(ctx, b, s->path[i].dev, s->path[i].fn, &b, &sub))
			return false;
	*bus = b;
	return true;
}

static bool dmar_scope_covers(const struct dmar_scope *s, uint8_t bus, uint8_t dev, uint8_t fn,
			      dmar_bridge_buses_fn bridge_buses, void *ctx)
{
	const struct dmar_path_hop *last;
	uint8_t b, secondary, subordinate;

	if (s->type != DMAR_SCOPE_PCI_ENDPOINT && s->type != DMAR_SCOPE_PCI_BRIDGE)
		return false;
	if (s->path_len == 0 || !dmar_scope_resolve(s, bridge_buses, ctx, &b))
		return false;
	last = &s->path[s->path_len - 1];
	if (b == bus && last->dev == dev && last->fn == fn)
		return true;
	/* 8.3.1: a PCI Sub-hierarchy is the bridge "and all its downstream
	 * devices": the buses it forwards to. */
	return s->type == DMAR_SCOPE_PCI_BRIDGE && bridge_buses &&
	       bridge_buses(ctx, b, last->dev, last->fn, &secondary, &subordinate) &&
	       secondary <= bus && bus <= subordinate;
}

/* Whether one of u's own scopes covers the function. */
static bool dmar_unit_lists(const struct dmar_info *d, const struct dmar_unit *u, uint8_t bus,
			    uint8_t dev, uint8_t fn, dmar_bridge_buses_fn bridge_buses, void *ctx)
{
	for (unsigned i = 0; i < u->scope_count; i++) {
		unsigned k = u->first_scope + i;

		if (k < d->scope_count &&
		    dmar_scope_covers(&d->scopes[k], bus, dev, fn, bridge_buses, ctx))
			return true;
	}
	return false;
}

bool dmar_unit_covers(const struct dmar_info *d, const struct dmar_unit *u, uint8_t bus,
		      uint8_t dev, uint8_t fn, dmar_bridge_buses_fn bridge_buses, void *ctx)
{
	if (u->segment != 0)
		return false;
	if (!u->include_pci_all)
		return dmar_unit_lists(d, u, bus, dev, fn, bridge_buses, ctx);
	for (size_t i = 0; i < d->unit_count; i++) {
		const struct dmar_unit *o = &d->units[i];

		if (o != u && o->segment == 0 && !o->include_pci_all &&
		    dmar_unit_lists(d, o, bus, dev, fn, bridge_buses, ctx))
			return false;
	}
	return true;
}

const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint8_t bus, uint8_t dev,
				      uint8_t fn, dmar_bridge_buses_fn bridge_buses, void *ctx)
{
	for (size_t i = 0; i < d->unit_count; i++)
		if (dmar_unit_covers(d, &d->units[i], bus, dev, fn, bridge_buses, ctx))
			return &d->units[i];
	return NULL;
}

/* ---- At boot ---- */

#ifndef SKIFF_HOST_TEST
int dmar_find(struct dmar_info *out)
{
	const void *table;
	size_t avail;
	int err = acpi_table(DMAR_SIGNATURE, &table, &avail);

	memset(out, 0, sizeof(*out));
	if (err == -ENODEV)
		return -ENOENT;
	if (err)
		return err;
	return dmar_parse(table, avail, out);
}
#endif
