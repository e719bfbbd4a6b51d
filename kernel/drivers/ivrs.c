/*
 * The IVRS (AMD IOMMU specification 48882, 5.2): IOMMUs from the IVHD
 * blocks, unity and exclusion ranges from the IVMD blocks; see ivrs.h for
 * the contract.
 *
 * The table is walked once, block by block, each one's Length checked
 * against what is left of the table before its fields are read, and each
 * IVHD device entry's size against what is left of its block.  The device
 * entries are checked (sizes, range pairs) but not kept.  Blocks that
 * describe one IOMMU again are merged into the unit already kept; what
 * skiff keeps goes into fixed arrays, and a table with more is refused
 * rather than half-kept.
 */
#include "drivers/ivrs.h"

#include "drivers/sdt.h"
#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#ifndef SKIFF_HOST_TEST
#include "drivers/acpi.h"
#endif

/* The SDT header's Revision byte (ACPI 6.4 5.2.6). */
#define IVRS_REVISION_OFFSET	8

/* The block being read, for messages: "IVHD type 0x10 at offset 0x30". */
struct ivrs_where {
	const char *what;
	uint8_t type;
	uint32_t off;
};

/* What the walk remembers beyond *out: where each unit's block is. */
struct ivrs_walk {
	uint32_t unit_off[IVRS_UNITS_MAX];
};

/* ---- The header ---- */

/* The SDT header's checks (drivers/sdt.h); ivrs_parse() documents -EINVAL
 * for a bad checksum too. */
static int ivrs_check_table(const uint8_t *t, size_t avail, uint32_t *len)
{
	int err = sdt_check(t, avail, IVRS_SIGNATURE, IVRS_HEADER_SIZE, "ivrs", len);

	return err == -EBADMSG ? -EINVAL : err;
}

/* ---- IVHD device entries (5.2.2.2) ---- */

/*
 * The size of the device entry at t[off], off < end, inside its block:
 * types 00h-7Fh by bits 7:6 of the type, F0h by its UID length.  Other
 * types from 80h are variable-length and reserved: there is no telling
 * where they end, so the block (and the table) cannot be read past them.
 */
static int ivrs_entry_size(const uint8_t *t, uint32_t off, uint32_t end,
			   const struct ivrs_where *w, uint32_t *size)
{
	uint8_t type = t[off];
	uint32_t need;

	if (type < IVRS_DEV_VARIABLE) {
		need = 4u << (type >> 6);
	} else if (type == IVRS_DEV_ACPI_HID) {
		need = IVRS_DEV_HID_SIZE;
	} else {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: device entry at offset 0x%x "
			"has type 0x%x, reserved and of variable length, so its end is unknown\n",
			w->what, w->type, w->off, off, type);
		return -EINVAL;
	}
	if (need > end - off) {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: device entry of type 0x%x at "
			"offset 0x%x needs %u bytes and runs past the block's end at 0x%x\n",
			w->what, w->type, w->off, type, off, need, end);
		return -EINVAL;
	}
	if (type == IVRS_DEV_ACPI_HID) {
		need += t[off + IVRS_DEV_HID_UID_LEN];
		if (need > end - off) {
			kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: ACPI HID device "
				"entry at offset 0x%x has a UID of %u bytes, which runs past the "
				"block's end at 0x%x\n", w->what, w->type, w->off, off,
				t[off + IVRS_DEV_HID_UID_LEN], end);
			return -EINVAL;
		}
	}
	*size = need;
	return 0;
}

static bool ivrs_entry_starts_range(uint8_t type)
{
	return type == IVRS_DEV_START || type == IVRS_DEV_ALIAS_START ||
	       type == IVRS_DEV_EXT_START;
}

static bool ivrs_entry_known(uint8_t type)
{
	switch (type) {
	case IVRS_DEV_PAD4: case IVRS_DEV_ALL: case IVRS_DEV_SELECT: case IVRS_DEV_START:
	case IVRS_DEV_END: case IVRS_DEV_PAD8: case IVRS_DEV_ALIAS_SELECT:
	case IVRS_DEV_ALIAS_START: case IVRS_DEV_EXT_SELECT: case IVRS_DEV_EXT_START:
	case IVRS_DEV_SPECIAL: case IVRS_DEV_ACPI_HID:
		return true;
	default:
		return false;
	}
}

/*
 * The entry at t[off] against the range open before it (*open, from
 * *first): a start of range (03h, 43h, 47h) is followed at once by the
 * end of range (04h) that closes it, at the same or a later DeviceID, and
 * an end of range closes one (5.2.2.2).  A range left open, or an end
 * with nothing to close, would leave which functions the IOMMU has
 * unknown.
 */
static int ivrs_entry_pair(const uint8_t *t, uint32_t off, bool *open, uint32_t *start,
			   const struct ivrs_where *w)
{
	uint8_t type = t[off];
	uint16_t devid = (uint16_t)le_load(t + off + 1, 2);
	uint16_t first = *open ? (uint16_t)le_load(t + *start + 1, 2) : 0;

	if (*open && type != IVRS_DEV_END) {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: the start of range at offset "
			"0x%x is followed by a device entry of type 0x%x, not its end of range\n",
			w->what, w->type, w->off, *start, type);
		return -EINVAL;
	}
	if (type == IVRS_DEV_END && !*open) {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: end of range at offset 0x%x "
			"with no start of range before it\n", w->what, w->type, w->off, off);
		return -EINVAL;
	}
	if (type == IVRS_DEV_END && devid < first) {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: the range of DeviceIDs "
			"0x%04x..0x%04x at offset 0x%x ends before it starts\n", w->what, w->type,
			w->off, first, devid, *start);
		return -EINVAL;
	}
	*open = ivrs_entry_starts_range(type);
	*start = off;
	return 0;
}

/* The device entries of a block, t[off..end): checked and counted. */
static int ivrs_entries(const uint8_t *t, uint32_t off, uint32_t end, struct ivrs_info *out,
			unsigned *count, const struct ivrs_where *w)
{
	bool open = false;
	uint32_t size, start = 0;
	int err;

	*count = 0;
	for (; off < end; off += size) {
		err = ivrs_entry_size(t, off, end, w, &size);
		if (!err)
			err = ivrs_entry_pair(t, off, &open, &start, w);
		if (err)
			return err;
		if (!ivrs_entry_known(t[off]) && out->unknown_entries++ == 0)
			kprintf("skiff: ivrs: skipping a device entry of reserved type 0x%x at "
				"offset 0x%x (and any more such)\n", t[off], off);
		(*count)++;
	}
	if (open) {
		kprintf("skiff: ivrs: %s type 0x%x at offset 0x%x: the start of range at offset "
			"0x%x has no end of range before the block's end at 0x%x\n", w->what,
			w->type, w->off, start, end);
		return -EINVAL;
	}
	return 0;
}

/* ---- IVHD blocks (5.2.2.1) ---- */

static uint8_t ivrs_seen_bit(uint8_t type)
{
	return type == IVRS_TYPE_IVHD_10 ? IVRS_SEEN_10 :
	       type == IVRS_TYPE_IVHD_11 ? IVRS_SEEN_11 : IVRS_SEEN_40;
}

/*
 * Unit u, described again by the block at w: a block of a type not yet
 * seen for it, naming the same PCI function.  The newest type's fields
 * are kept; 11h and 40h carry what 10h does and the EFR image besides.
 */
static int ivrs_merge_unit(struct ivrs_unit *o, uint32_t *o_off, const struct ivrs_unit *u,
			   const struct ivrs_where *w)
{
	uint8_t seen = o->types_seen | u->types_seen;

	if (o->types_seen & u->types_seen) {
		kprintf("skiff: ivrs: IVHD type 0x%x at offset 0x%x describes the IOMMU at 0x%llx "
			"of segment %u a second time in a block of that type\n", w->type, w->off,
			(unsigned long long)u->base, u->segment);
		return -EINVAL;
	}
	if (o->devid != u->devid || o->cap_offset != u->cap_offset) {
		kprintf("skiff: ivrs: IVHD blocks at offsets 0x%x and 0x%x describe the IOMMU at "
			"0x%llx of segment %u as different PCI functions (DeviceID 0x%04x, "
			"capability at 0x%x; DeviceID 0x%04x, capability at 0x%x)\n", *o_off,
			w->off, (unsigned long long)u->base, u->segment, o->devid, o->cap_offset,
			u->devid, u->cap_offset);
		return -EINVAL;
	}
	if (u->type > o->type) {
		*o = *u;
		*o_off = w->off;
	}
	o->types_seen = seen;
	return 0;
}

/* Unit u, checked: merged into the unit with its segment and base, or
 * else new, its registers overlapping no other unit's (in any segment:
 * physical addresses are one space). */
static int ivrs_keep_unit(struct ivrs_info *out, struct ivrs_walk *walk,
			  const struct ivrs_unit *u, const struct ivrs_where *w)
{
	for (size_t i = 0; i < out->unit_count; i++) {
		struct ivrs_unit *o = &out->units[i];

		if (o->segment == u->segment && o->base == u->base)
			return ivrs_merge_unit(o, &walk->unit_off[i], u, w);
		if (u->base < o->base + IVRS_IOMMU_REG_SIZE &&
		    o->base < u->base + IVRS_IOMMU_REG_SIZE) {
			kprintf("skiff: ivrs: overlapping IOMMUs: the IVHD at offset 0x%x has "
				"registers at 0x%llx (segment %u), the IVHD at offset 0x%x at "
				"0x%llx (segment %u)\n", walk->unit_off[i],
				(unsigned long long)o->base, o->segment, w->off,
				(unsigned long long)u->base, u->segment);
			return -EINVAL;
		}
	}
	if (out->unit_count == IVRS_UNITS_MAX) {
		kprintf("skiff: ivrs: more than %u IOMMUs (IVRS_UNITS_MAX): the IVHD at offset "
			"0x%x is one too many\n", IVRS_UNITS_MAX, w->off);
		return -E2BIG;
	}
	walk->unit_off[out->unit_count] = w->off;
	out->units[out->unit_count++] = *u;
	return 0;
}

/* An IVHD block of blen bytes at t[off], its header inside it: its IOMMU's
 * registers a nonzero 16 KiB-aligned range inside the physical address
 * space, then its device entries. */
static int ivrs_ivhd(const uint8_t *t, uint32_t off, uint32_t blen, uint32_t hsize,
		     struct ivrs_info *out, struct ivrs_walk *walk, const struct ivrs_where *w)
{
	const uint8_t *b = t + off;
	struct ivrs_unit u = {
		.base = le_load(b + 8, 8), .features = (uint32_t)le_load(b + 20, 4),
		.segment = (uint16_t)le_load(b + 16, 2), .devid = (uint16_t)le_load(b + 4, 2),
		.cap_offset = (uint16_t)le_load(b + 6, 2), .info = (uint16_t)le_load(b + 18, 2),
		.flags = b[1], .type = b[0], .types_seen = ivrs_seen_bit(b[0]),
	};
	int err;

	out->ivhd_count++;
	if (hsize == IVRS_IVHD_11_SIZE) {
		u.efr = le_load(b + 24, 8);
		u.efr2 = le_load(b + 32, 8);
	}
	if (u.base == 0 || u.base % IVRS_IOMMU_REG_ALIGN ||
	    u.base > IVRS_PHYS_LIMIT - IVRS_IOMMU_REG_SIZE) {
		kprintf("skiff: ivrs: IVHD type 0x%x at offset 0x%x: IOMMU base address 0x%llx is "
			"not a nonzero 16 KiB-aligned address with its 16 KiB of registers below "
			"2^52\n", w->type, w->off, (unsigned long long)u.base);
		return -EINVAL;
	}
	err = ivrs_entries(t, off + hsize, off + blen, out, &u.entries, w);
	if (err)
		return err;
	return ivrs_keep_unit(out, walk, &u, w);
}

/* ---- IVMD blocks (5.2.3) ---- */

/* Which peripherals the IVMD at b is for: 22h's range runs from DeviceID
 * to Auxiliary Data, and does not end before it starts. */
static int ivrs_ivmd_devices(const uint8_t *b, struct ivrs_range *r, const struct ivrs_where *w)
{
	uint16_t devid = (uint16_t)le_load(b + 4, 2), aux = (uint16_t)le_load(b + 6, 2);

	switch (b[0]) {
	case IVRS_TYPE_IVMD_ALL:
		r->devices = IVRS_DEVICES_ALL;
		r->first = 0;
		r->last = 0xffff;
		return 0;
	case IVRS_TYPE_IVMD_SELECT:
		r->devices = IVRS_DEVICES_ONE;
		r->first = r->last = devid;
		return 0;
	default:
		if (aux < devid) {
			kprintf("skiff: ivrs: IVMD type 0x%x at offset 0x%x: the peripherals "
				"0x%04x..0x%04x end before they start\n", w->type, w->off, devid,
				aux);
			return -EINVAL;
		}
		r->devices = IVRS_DEVICES_RANGE;
		r->first = devid;
		r->last = aux;
		return 0;
	}
}

/* An IVMD block at t[off]: a memory block that is not empty and lies in
 * the physical address space, widened to whole pages (ivrs.h). */
static int ivrs_ivmd(const uint8_t *t, uint32_t off, struct ivrs_info *out,
		     const struct ivrs_where *w)
{
	const uint8_t *b = t + off;
	uint64_t start = le_load(b + 16, 8), len = le_load(b + 24, 8);
	bool exclusion = b[1] & IVRS_IVMD_EXCLUSION;
	struct ivrs_range r = {
		.type = b[0], .flags = b[1], .unity = b[1] & IVRS_IVMD_UNITY,
		.exclusion = exclusion, .read = exclusion || (b[1] & IVRS_IVMD_IR),
		.write = exclusion || (b[1] & IVRS_IVMD_IW),
	};
	int err;

	if (len == 0 || start > IVRS_PHYS_LIMIT || len > IVRS_PHYS_LIMIT - start) {
		kprintf("skiff: ivrs: IVMD type 0x%x at offset 0x%x: the memory block of 0x%llx "
			"bytes at 0x%llx is empty or runs past the 52-bit physical address space\n",
			w->type, w->off, (unsigned long long)len, (unsigned long long)start);
		return -EINVAL;
	}
	/* start + len <= 2^52, a page boundary: rounding up stays there. */
	r.base = start & ~(IVRS_PAGE_SIZE - 1);
	r.end = (start + len + IVRS_PAGE_SIZE - 1) & ~(IVRS_PAGE_SIZE - 1);
	err = ivrs_ivmd_devices(b, &r, w);
	if (err)
		return err;
	if (out->range_count == IVRS_RANGES_MAX) {
		kprintf("skiff: ivrs: more than %u IVMD blocks (IVRS_RANGES_MAX): the one at "
			"offset 0x%x is one too many\n", IVRS_RANGES_MAX, w->off);
		return -E2BIG;
	}
	out->ranges[out->range_count++] = r;
	return 0;
}

/* ---- The walk ---- */

/* The length a block of this type needs: its fixed fields. */
static uint32_t ivrs_block_need(uint8_t type)
{
	switch (type) {
	case IVRS_TYPE_IVHD_10:
		return IVRS_IVHD_10_SIZE;
	case IVRS_TYPE_IVHD_11:
	case IVRS_TYPE_IVHD_40:
		return IVRS_IVHD_11_SIZE;
	case IVRS_TYPE_IVMD_ALL:
	case IVRS_TYPE_IVMD_SELECT:
	case IVRS_TYPE_IVMD_RANGE:
		return IVRS_IVMD_SIZE;
	default:
		return IVRS_BLOCK_HEADER_SIZE;
	}
}

/* The block at off: its Type and Length are inside the table, and its
 * Length covers what its type needs without running past the table's
 * end (a Length of 0 would never move the walk on); returns the length,
 * or a negative error. */
static int ivrs_check_block(const uint8_t *t, uint32_t len, uint32_t off)
{
	uint8_t type;
	uint16_t blen;
	uint32_t need;

	if (len - off < IVRS_BLOCK_HEADER_SIZE) {
		kprintf("skiff: ivrs: block at offset 0x%x runs past the table's end at 0x%x\n",
			off, len);
		return -EINVAL;
	}
	type = t[off];
	blen = (uint16_t)le_load(t + off + 2, 2);
	need = ivrs_block_need(type);
	if (blen < need) {
		kprintf("skiff: ivrs: block of type 0x%x at offset 0x%x has length %u, shorter "
			"than the %u its type needs\n", type, off, blen, need);
		return -EINVAL;
	}
	if (blen > len - off) {
		kprintf("skiff: ivrs: block of type 0x%x at offset 0x%x has length %u and runs "
			"past the table's end at 0x%x\n", type, off, blen, len);
		return -EINVAL;
	}
	return blen;
}

/* One block, its length checked. */
static int ivrs_block(const uint8_t *t, uint32_t off, uint32_t blen, struct ivrs_info *out,
		      struct ivrs_walk *walk)
{
	uint8_t type = t[off];
	struct ivrs_where w = { "", type, off };

	switch (type) {
	case IVRS_TYPE_IVHD_10:
	case IVRS_TYPE_IVHD_11:
	case IVRS_TYPE_IVHD_40:
		w.what = "IVHD";
		return ivrs_ivhd(t, off, blen, ivrs_block_need(type), out, walk, &w);
	case IVRS_TYPE_IVMD_ALL:
	case IVRS_TYPE_IVMD_SELECT:
	case IVRS_TYPE_IVMD_RANGE:
		w.what = "IVMD";
		return ivrs_ivmd(t, off, out, &w);
	default:
		/* 5.2: other types are reserved; skipped by their length. */
		if (out->unknown_count++ == 0)
			kprintf("skiff: ivrs: skipping a block of type 0x%x at offset 0x%x, newer "
				"than skiff knows (and any more such)\n", type, off);
		return 0;
	}
}

int ivrs_parse(const void *table, size_t avail, struct ivrs_info *out)
{
	const uint8_t *t = table;
	struct ivrs_walk walk;
	uint32_t len, off;
	int err, blen;

	memset(out, 0, sizeof(*out));
	err = ivrs_check_table(t, avail, &len);
	if (err)
		return err;
	out->revision = t[IVRS_REVISION_OFFSET];
	out->ivinfo = (uint32_t)le_load(t + IVRS_IVINFO_OFFSET, 4);
	for (off = IVRS_HEADER_SIZE; off < len; off += (uint32_t)blen) {
		blen = ivrs_check_block(t, len, off);
		if (blen < 0)
			return blen;
		err = ivrs_block(t, off, (uint32_t)blen, out, &walk);
		if (err)
			return err;
	}
	if (out->unit_count == 0) {
		kprintf("skiff: ivrs: the table describes no IOMMU (no IVHD block of type 0x10, "
			"0x11 or 0x40)\n");
		return -ENODEV;
	}
	return 0;
}

/* ---- At boot ---- */

#ifndef SKIFF_HOST_TEST
int ivrs_find(struct ivrs_info *out)
{
	const void *table;
	size_t avail;
	int err = acpi_table(IVRS_SIGNATURE, &table, &avail);

	memset(out, 0, sizeof(*out));
	if (err == -ENODEV)
		return -ENOENT;
	if (err)
		return err;
	return ivrs_parse(table, avail, out);
}
#endif
