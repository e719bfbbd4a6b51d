/*
 * ivrs_parse() against IVRS tables from the input.  Byte 0 chooses how the
 * rest is read:
 *
 *   bit 0 clear: the rest is the table itself, copied into a buffer of
 *               exactly its size (a read past it is an AddressSanitizer
 *               report).  Bit 1 sets the table's Length to the input's
 *               size, bit 2 fixes its checksum, so the fuzzer gets past
 *               both to the IVHD and IVMD blocks.
 *   bit 0 set:  the rest describes blocks, and the harness builds a valid
 *               IVRS from them (48882 5.2): the IVinfo (4 bytes), then per
 *               block a kind byte (IVHD, IVMD, a reserved type) and its
 *               fields.  An IVHD names one of IVRS_UNITS_MAX IOMMUs and a
 *               type; an IOMMU may be described in blocks of several types,
 *               each type once.  Device entries are a count byte, then per
 *               entry a kind byte and its fields.  The harness keeps the
 *               rules: ranges closed, IVMD blocks inside the physical
 *               address space, no more than skiff keeps.
 *
 * Checked beyond "no crash": a table that parses has 1..IVRS_UNITS_MAX
 * units with nonzero 16 KiB-aligned bases whose registers lie below 2^52
 * and overlap no other unit's, each unit the newest type among the blocks
 * seen for it (and an EFR image only from 11h or 40h), one IVHD block per
 * type seen; ranges of whole pages below 2^52, read and write when an
 * exclusion range, devices as their type says; a table that fails says why
 * in the log and returns -EINVAL, -E2BIG or -ENODEV; and a table the
 * harness built parses, always, to exactly the units and ranges it put in.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/ivrs.h"
#include "lib/errno.h"

#define MAX_TABLE	16384

/* ---- the properties of any parse ---- */

static unsigned popcount8(uint8_t v)
{
	unsigned n = 0;

	for (; v; v &= (uint8_t)(v - 1))
		n++;
	return n;
}

static uint8_t seen_bit(uint8_t type)
{
	return type == IVRS_TYPE_IVHD_10 ? IVRS_SEEN_10 :
	       type == IVRS_TYPE_IVHD_11 ? IVRS_SEEN_11 :
	       type == IVRS_TYPE_IVHD_40 ? IVRS_SEEN_40 : 0;
}

static void check_unit(const struct ivrs_info *v, size_t i)
{
	const struct ivrs_unit *u = &v->units[i];
	uint8_t bit = seen_bit(u->type);

	fuzz_check(u->base != 0 && u->base % 0x4000 == 0 && u->base + 0x4000 <= 1ull << 52,
		   "unit %zu base 0x%llx", i, (unsigned long long)u->base);
	fuzz_check(bit != 0 && (u->types_seen & bit) && u->types_seen < 2 * bit,
		   "unit %zu kept type 0x%x of those seen, 0x%x", i, u->type, u->types_seen);
	fuzz_check(u->type != IVRS_TYPE_IVHD_10 || (u->efr == 0 && u->efr2 == 0),
		   "unit %zu: an EFR image from a 10h block", i);
	for (size_t j = 0; j < i; j++) {
		const struct ivrs_unit *o = &v->units[j];

		fuzz_check(u->base >= o->base + 0x4000 || o->base >= u->base + 0x4000,
			   "units %zu and %zu overlap", j, i);
	}
}

static void check_range(const struct ivrs_range *r, size_t i)
{
	fuzz_check(r->base % 4096 == 0 && r->end % 4096 == 0 && r->base < r->end &&
		   r->end <= 1ull << 52, "range %zu: 0x%llx-0x%llx", i,
		   (unsigned long long)r->base, (unsigned long long)r->end);
	fuzz_check(r->unity == !!(r->flags & IVRS_IVMD_UNITY) &&
		   r->exclusion == !!(r->flags & IVRS_IVMD_EXCLUSION) &&
		   r->read == (r->exclusion || (r->flags & IVRS_IVMD_IR)) &&
		   r->write == (r->exclusion || (r->flags & IVRS_IVMD_IW)),
		   "range %zu: flags 0x%x read as %d%d%d%d", i, r->flags, r->unity, r->read,
		   r->write, r->exclusion);
	switch (r->type) {
	case IVRS_TYPE_IVMD_ALL:
		fuzz_check(r->devices == IVRS_DEVICES_ALL && r->first == 0 && r->last == 0xffff,
			   "range %zu: 20h for devices %d %x-%x", i, r->devices, r->first, r->last);
		break;
	case IVRS_TYPE_IVMD_SELECT:
		fuzz_check(r->devices == IVRS_DEVICES_ONE && r->first == r->last,
			   "range %zu: 21h for devices %d %x-%x", i, r->devices, r->first, r->last);
		break;
	case IVRS_TYPE_IVMD_RANGE:
		fuzz_check(r->devices == IVRS_DEVICES_RANGE && r->first <= r->last,
			   "range %zu: 22h for devices %d %x-%x", i, r->devices, r->first, r->last);
		break;
	default:
		fuzz_check(0, "range %zu of type 0x%x", i, r->type);
	}
}

static void check_result(const struct ivrs_info *v, int rc)
{
	unsigned blocks = 0;

	if (rc != 0) {
		fuzz_check(rc == -EINVAL || rc == -E2BIG || rc == -ENODEV,
			   "ivrs_parse(): undocumented result %d", rc);
		fuzz_check(fuzz_log_lines() > 0, "ivrs_parse() failed (%d) without a word", rc);
		return;
	}
	fuzz_check(v->unit_count >= 1 && v->unit_count <= IVRS_UNITS_MAX, "%zu units",
		   v->unit_count);
	fuzz_check(v->range_count <= IVRS_RANGES_MAX, "%zu ranges", v->range_count);
	for (size_t i = 0; i < v->unit_count; i++) {
		check_unit(v, i);
		blocks += popcount8(v->units[i].types_seen);
	}
	fuzz_check(blocks == v->ivhd_count, "%u IVHD blocks seen by the units, %u counted",
		   blocks, v->ivhd_count);
	for (size_t i = 0; i < v->range_count; i++)
		check_range(&v->ranges[i], i);
}

static void run_raw(const uint8_t *data, size_t size, uint8_t how)
{
	static struct ivrs_info v;
	uint8_t *t = malloc(size ? size : 1);

	memcpy(t, data, size);
	if ((how & 2) && size >= 8) {
		uint32_t len = (uint32_t)size;

		memcpy(t + 4, &len, 4);
	}
	if ((how & 4) && size >= 10)
		fuzz_sdt_checksum(t, size);
	check_result(&v, ivrs_parse(t, size, &v));
	free(t);
}

/* ---- valid tables, built from the input ---- */

enum kind { K_IVHD, K_IVMD, K_OTHER, K_KINDS };

struct builder {
	uint8_t t[MAX_TABLE];
	size_t len;
	struct ivrs_info x;		/* what the table must parse to */
	int slot_unit[IVRS_UNITS_MAX];	/* each IOMMU's place in x.units, or -1 */
	uint8_t slot_seen[IVRS_UNITS_MAX];
};

static void put(struct builder *b, uint64_t val, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		b->t[b->len++] = (uint8_t)(val >> (8 * i));
}

static void end_block(struct builder *b, size_t at)
{
	b->t[at + 2] = (uint8_t)(b->len - at);
	b->t[at + 3] = (uint8_t)((b->len - at) >> 8);
}

/* A reserved fixed-size device entry type: 4 bytes, or 8 when wide. */
static uint8_t reserved_entry_type(uint8_t pick, bool wide)
{
	static const uint8_t four[] = { 0x05, 0x06, 0x10, 0x20, 0x3f };
	static const uint8_t eight[] = { 0x41, 0x44, 0x45, 0x49, 0x60, 0x7f };

	return wide ? eight[pick % ARRAY_SIZE(eight)] : four[pick % ARRAY_SIZE(four)];
}

/* One device entry (or a start and end of range) from the input;
 * returns how many entries it wrote. */
static unsigned add_entry(struct builder *b, struct fuzz_in *in)
{
	static const uint8_t starts[] = { IVRS_DEV_START, IVRS_DEV_ALIAS_START,
					  IVRS_DEV_EXT_START };
	static const uint8_t singles[] = { IVRS_DEV_PAD4, IVRS_DEV_ALL, IVRS_DEV_SELECT };
	static const uint8_t wides[] = { IVRS_DEV_PAD8, IVRS_DEV_ALIAS_SELECT,
					 IVRS_DEV_EXT_SELECT, IVRS_DEV_SPECIAL };
	uint8_t kind = fuzz_u8(in) % 7, data = fuzz_u8(in);
	uint16_t devid = fuzz_u16(in);

	switch (kind) {
	case 0:
		put(b, singles[data % ARRAY_SIZE(singles)], 1);
		put(b, devid, 2);
		put(b, data, 1);
		return 1;
	case 1:
		put(b, wides[data % ARRAY_SIZE(wides)], 1);
		put(b, devid, 2);
		put(b, data, 1);
		put(b, fuzz_u32(in), 4);
		return 1;
	case 2: {
		uint8_t type = starts[data % ARRAY_SIZE(starts)];
		uint16_t last = (uint16_t)(devid + fuzz_u8(in));

		if (last < devid)
			last = 0xffff;
		put(b, type, 1);
		put(b, devid, 2);
		put(b, data, 1);
		if (type != IVRS_DEV_START)
			put(b, fuzz_u32(in), 4);
		put(b, IVRS_DEV_END, 1);
		put(b, last, 2);
		put(b, 0, 1);
		return 2;
	}
	case 3: {
		uint8_t uid = fuzz_u8(in) % 16;

		put(b, IVRS_DEV_ACPI_HID, 1);
		put(b, devid, 2);
		put(b, data, 1);
		put(b, fuzz_u64(in), 8);
		put(b, fuzz_u64(in), 8);
		put(b, fuzz_u8(in) % 3, 1);
		put(b, uid, 1);
		for (uint8_t i = 0; i < uid; i++)
			put(b, fuzz_u8(in), 1);
		return 1;
	}
	default: {
		bool wide = kind == 5;

		put(b, reserved_entry_type(data, wide), 1);
		put(b, devid, 2);
		put(b, data, 1);
		if (wide)
			put(b, fuzz_u32(in), 4);
		b->x.unknown_entries++;
		return 1;
	}
	}
}

/* The IOMMU of slot s: where it is and which function it is. */
static uint64_t slot_base(unsigned s) { return 0xfd000000ull + ((uint64_t)s << 20); }
static uint16_t slot_segment(unsigned s) { return (uint16_t)(s % 3); }
static uint16_t slot_devid(unsigned s) { return (uint16_t)(0x0002 + (s << 12)); }

/* A type of IVHD not yet written for slot s, from the input's pick;
 * 0 when all three are. */
static uint8_t unseen_type(uint8_t seen, uint8_t pick)
{
	static const uint8_t types[] = { IVRS_TYPE_IVHD_10, IVRS_TYPE_IVHD_11, IVRS_TYPE_IVHD_40 };

	for (unsigned k = 0; k < 3; k++) {
		uint8_t type = types[(pick + k) % 3];

		if (!(seen & seen_bit(type)))
			return type;
	}
	return 0;
}

/* The unit slot s is kept as, appended when new; the block of this type
 * is its newest so far when newer than the one kept. */
static void expect_unit(struct builder *b, unsigned s, const struct ivrs_unit *u)
{
	struct ivrs_unit *k;

	if (b->slot_unit[s] < 0) {
		b->slot_unit[s] = (int)b->x.unit_count++;
		b->x.units[b->slot_unit[s]] = *u;
	}
	k = &b->x.units[b->slot_unit[s]];
	if (u->type >= k->type)
		*k = *u;
	b->slot_seen[s] |= seen_bit(u->type);
	k->types_seen = b->slot_seen[s];
	b->x.ivhd_count++;
}

static bool add_ivhd(struct builder *b, struct fuzz_in *in)
{
	unsigned s = fuzz_u8(in) % IVRS_UNITS_MAX, n = fuzz_u8(in) % 6;
	uint8_t type = unseen_type(b->slot_seen[s], fuzz_u8(in));
	struct ivrs_unit u = { .base = slot_base(s), .segment = slot_segment(s),
			       .devid = slot_devid(s), .cap_offset = 0x40 };
	size_t at = b->len;

	if (type == 0)
		return false;
	u.type = type;
	u.flags = fuzz_u8(in);
	u.info = fuzz_u16(in);
	u.features = fuzz_u32(in);
	put(b, type, 1);
	put(b, u.flags, 1);
	put(b, 0, 2);
	put(b, u.devid, 2);
	put(b, u.cap_offset, 2);
	put(b, u.base, 8);
	put(b, u.segment, 2);
	put(b, u.info, 2);
	put(b, u.features, 4);
	if (type != IVRS_TYPE_IVHD_10) {
		u.efr = fuzz_u64(in);
		u.efr2 = fuzz_u64(in);
		put(b, u.efr, 8);
		put(b, u.efr2, 8);
	}
	for (unsigned i = 0; i < n; i++)
		u.entries += add_entry(b, in);
	end_block(b, at);
	expect_unit(b, s, &u);
	return true;
}

static bool add_ivmd(struct builder *b, struct fuzz_in *in)
{
	static const uint8_t types[] = { IVRS_TYPE_IVMD_ALL, IVRS_TYPE_IVMD_SELECT,
					 IVRS_TYPE_IVMD_RANGE };
	uint8_t type = types[fuzz_u8(in) % 3], flags = fuzz_u8(in);
	uint16_t devid = fuzz_u16(in), aux = fuzz_u16(in);
	/* Anywhere below 2^44, any length up to 16 MiB: inside 2^52. */
	uint64_t start = fuzz_u64(in) & ((1ull << 44) - 1), len = 1 + (fuzz_u32(in) & 0xffffff);
	struct ivrs_range r = {
		.base = start & ~0xfffull, .end = (start + len + 0xfff) & ~0xfffull,
		.type = type, .flags = flags, .unity = flags & IVRS_IVMD_UNITY,
		.exclusion = flags & IVRS_IVMD_EXCLUSION,
	};

	if (b->x.range_count == IVRS_RANGES_MAX)
		return false;
	r.read = r.exclusion || (flags & IVRS_IVMD_IR);
	r.write = r.exclusion || (flags & IVRS_IVMD_IW);
	if (type == IVRS_TYPE_IVMD_RANGE && aux < devid)
		aux = devid;
	r.devices = type == IVRS_TYPE_IVMD_ALL ? IVRS_DEVICES_ALL :
		    type == IVRS_TYPE_IVMD_SELECT ? IVRS_DEVICES_ONE : IVRS_DEVICES_RANGE;
	r.first = type == IVRS_TYPE_IVMD_ALL ? 0 : devid;
	r.last = type == IVRS_TYPE_IVMD_ALL ? 0xffff : type == IVRS_TYPE_IVMD_SELECT ? devid : aux;
	put(b, type, 1);
	put(b, flags, 1);
	put(b, IVRS_IVMD_SIZE, 2);
	put(b, devid, 2);
	put(b, aux, 2);
	put(b, fuzz_u64(in), 8);
	put(b, start, 8);
	put(b, len, 8);
	b->x.ranges[b->x.range_count++] = r;
	return true;
}

/* A block of a type 48882 reserves, skipped by its length. */
static void add_other(struct builder *b, struct fuzz_in *in)
{
	uint8_t type = fuzz_u8(in), n = fuzz_u8(in) % 24;
	size_t at = b->len;

	if (seen_bit(type) || (type >= IVRS_TYPE_IVMD_ALL && type <= IVRS_TYPE_IVMD_RANGE))
		type = 0x50;
	put(b, type, 1);
	put(b, fuzz_u8(in), 1);
	put(b, 0, 2);
	for (uint8_t i = 0; i < n; i++)
		put(b, fuzz_u8(in), 1);
	end_block(b, at);
	b->x.unknown_count++;
}

static void add_block(struct builder *b, struct fuzz_in *in)
{
	enum kind k = fuzz_u8(in) % K_KINDS;

	if ((k == K_IVHD && add_ivhd(b, in)) || (k == K_IVMD && add_ivmd(b, in)))
		return;
	add_other(b, in);
}

static bool same_unit(const struct ivrs_unit *u, const struct ivrs_unit *w)
{
	return u->base == w->base && u->efr == w->efr && u->efr2 == w->efr2 &&
	       u->features == w->features && u->segment == w->segment && u->devid == w->devid &&
	       u->cap_offset == w->cap_offset && u->info == w->info && u->flags == w->flags &&
	       u->type == w->type && u->types_seen == w->types_seen && u->entries == w->entries;
}

static bool same_range(const struct ivrs_range *r, const struct ivrs_range *s)
{
	return r->base == s->base && r->end == s->end && r->type == s->type &&
	       r->flags == s->flags && r->unity == s->unity && r->read == s->read &&
	       r->write == s->write && r->exclusion == s->exclusion &&
	       r->devices == s->devices && r->first == s->first && r->last == s->last;
}

static bool same_info(const struct ivrs_info *a, const struct ivrs_info *b)
{
	if (a->ivinfo != b->ivinfo || a->revision != b->revision ||
	    a->unit_count != b->unit_count || a->range_count != b->range_count ||
	    a->ivhd_count != b->ivhd_count || a->unknown_count != b->unknown_count ||
	    a->unknown_entries != b->unknown_entries)
		return false;
	for (size_t i = 0; i < a->unit_count; i++)
		if (!same_unit(&a->units[i], &b->units[i]))
			return false;
	for (size_t i = 0; i < a->range_count; i++)
		if (!same_range(&a->ranges[i], &b->ranges[i]))
			return false;
	return true;
}

static void run_built(struct fuzz_in *in)
{
	static struct builder b;
	static struct ivrs_info v;
	unsigned n;
	int rc;

	memset(&b, 0, sizeof(b));
	for (unsigned s = 0; s < IVRS_UNITS_MAX; s++)
		b.slot_unit[s] = -1;
	memcpy(b.t, IVRS_SIGNATURE, 4);
	b.t[8] = 2;
	b.x.revision = 2;
	b.x.ivinfo = fuzz_u32(in);
	memcpy(b.t + IVRS_IVINFO_OFFSET, &b.x.ivinfo, 4);
	b.len = IVRS_HEADER_SIZE;
	/* An IVHD is at most 40 bytes and 5 entries of 37. */
	for (n = 0; in->n > 0 && b.len + 256 <= sizeof(b.t); n++)
		add_block(&b, in);
	memcpy(b.t + 4, &(uint32_t){ (uint32_t)b.len }, 4);
	fuzz_sdt_checksum(b.t, b.len);

	rc = ivrs_parse(b.t, b.len, &v);
	fuzz_check(rc == (b.x.unit_count ? 0 : -ENODEV),
		   "a valid table of %u blocks, %zu IOMMUs, gave %d", n, b.x.unit_count, rc);
	check_result(&v, rc);
	if (rc == 0)
		fuzz_check(same_info(&v, &b.x), "the parse differs from what was put in (units "
			   "%zu/%zu, ranges %zu/%zu, IVHDs %u/%u)", v.unit_count, b.x.unit_count,
			   v.range_count, b.x.range_count, v.ivhd_count, b.x.ivhd_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t how;

	fuzz_log_reset();
	how = fuzz_u8(&in);
	if (how & 1)
		run_built(&in);
	else
		run_raw(in.p, in.n, how);
	return 0;
}
