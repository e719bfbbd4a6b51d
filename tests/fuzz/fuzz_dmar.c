/*
 * dmar_parse(), dmar_unit_covers() and dmar_unit_for() against DMARs from
 * the input.  Byte 0 chooses how the rest is read:
 *
 *   bit 0 clear: the rest is the table itself, copied into a buffer of
 *               exactly its size (a read past it is an AddressSanitizer
 *               report).  Bit 1 sets the table's Length to the input's
 *               size, bit 2 fixes its checksum, so the fuzzer gets past
 *               both to the remapping structures.
 *   bit 0 set:  the rest describes structures, and the harness builds a
 *               valid DMAR from them (VT-d chapter 8): a HAW byte and a
 *               flags byte, then per structure a kind byte (DRHD, RMRR,
 *               ATSR, RHSA, ANDD, SATC, a reserved type) and its fields;
 *               device scopes as a count byte, then per scope type, ID,
 *               start bus, hop count and (device, function) bytes.  The
 *               harness keeps the rules: distinct units, INCLUDE_PCI_ALL
 *               last and alone in its segment, whole-page RMRRs, no more
 *               than skiff keeps.
 *
 * In both, a few bytes at the end of the input are a PCI hierarchy for
 * path resolution: bridges and their bus ranges.
 *
 * Checked beyond "no crash": a table that parses has a HAW of 2..63 bits;
 * units with nonzero 4 KiB-aligned bases, registers that neither wrap nor
 * overlap, and at most one INCLUDE_PCI_ALL unit per segment, the last of
 * it; every scope index within scope_count and every kept scope a PCI path
 * of 1..DMAR_PATH_MAX hops; RMRRs of whole pages; a table that fails says
 * why in the log and returns -EINVAL or -E2BIG; dmar_unit_for() agrees
 * with dmar_unit_covers(), and an INCLUDE_PCI_ALL unit covers exactly what
 * no other unit of segment 0 does; and a table the harness built parses,
 * always, to exactly the units, RMRRs and scopes it put in.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/dmar.h"
#include "lib/errno.h"

#define MAX_TABLE	16384

/* ---- a PCI hierarchy from the input, for dmar_unit_covers() ---- */

#define BRIDGES_MAX	8

struct bridge {
	uint8_t bus, dev, fn, secondary, subordinate;
};

static struct bridge bridges[BRIDGES_MAX];
static unsigned bridge_count;

static bool bridge_buses(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			 uint8_t *secondary, uint8_t *subordinate)
{
	fuzz_check(ctx == bridges, "bridge_buses(): the caller's context lost");
	for (unsigned i = 0; i < bridge_count; i++) {
		if (bridges[i].bus == bus && bridges[i].dev == dev && bridges[i].fn == fn) {
			*secondary = bridges[i].secondary;
			*subordinate = bridges[i].subordinate;
			return true;
		}
	}
	return false;
}

/* The last 1 + 5 * n bytes of the input, n = its last byte % 8 (so most
 * inputs have a short hierarchy and give up few of their bytes to it). */
static size_t take_bridges(const uint8_t *data, size_t size)
{
	unsigned n;

	bridge_count = 0;
	if (size == 0)
		return 0;
	n = data[size - 1] % BRIDGES_MAX;
	if (size < 1 + 5 * (size_t)n)
		return size;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *b = data + size - 1 - 5 * (i + 1);

		bridges[bridge_count++] = (struct bridge){ b[0], b[1] % 32, b[2] % 8, b[3], b[4] };
	}
	return size - 1 - 5 * n;
}

/* ---- the properties of any parse ---- */

static void check_scope_range(const struct dmar_info *d, unsigned first, unsigned count,
			      const char *what, size_t i)
{
	fuzz_check(first <= d->scope_count && count <= d->scope_count - first,
		   "%s %zu: scopes %u+%u of %zu", what, i, first, count, d->scope_count);
}

static void check_units(const struct dmar_info *d)
{
	fuzz_check(d->unit_count <= DMAR_UNITS_MAX, "%zu units", d->unit_count);
	for (size_t i = 0; i < d->unit_count; i++) {
		const struct dmar_unit *u = &d->units[i];

		fuzz_check(u->base != 0 && u->base % 4096 == 0, "unit %zu base 0x%llx", i,
			   (unsigned long long)u->base);
		fuzz_check(u->size >= 4096 && u->size <= (4096ull << 15) &&
			   (u->size & (u->size - 1)) == 0 && u->base + u->size > u->base,
			   "unit %zu size 0x%llx", i, (unsigned long long)u->size);
		fuzz_check(u->include_pci_all == !!(u->flags & DMAR_DRHD_INCLUDE_PCI_ALL),
			   "unit %zu flags 0x%x", i, u->flags);
		check_scope_range(d, u->first_scope, u->scope_count, "unit", i);
		for (size_t j = 0; j < i; j++) {
			const struct dmar_unit *o = &d->units[j];

			fuzz_check(u->base >= o->base + o->size || o->base >= u->base + u->size,
				   "units %zu and %zu overlap", j, i);
			fuzz_check(o->segment != u->segment || !o->include_pci_all,
				   "unit %zu follows segment %u's INCLUDE_PCI_ALL unit %zu", i,
				   u->segment, j);
		}
	}
}

static void check_result(const struct dmar_info *d, int rc)
{
	size_t scopes = 0;

	if (rc != 0) {
		fuzz_check(rc == -EINVAL || rc == -E2BIG, "dmar_parse(): undocumented result %d",
			   rc);
		fuzz_check(fuzz_log_lines() > 0, "dmar_parse() failed (%d) without a word", rc);
		return;
	}
	fuzz_check(d->haw >= 2 && d->haw <= 63, "HAW of %u bits", d->haw);
	check_units(d);
	fuzz_check(d->rmrr_count <= DMAR_RMRRS_MAX && d->scope_count <= DMAR_SCOPES_MAX,
		   "%zu RMRRs, %zu scopes", d->rmrr_count, d->scope_count);
	for (size_t i = 0; i < d->rmrr_count; i++) {
		const struct dmar_rmrr *r = &d->rmrrs[i];

		fuzz_check(r->base % 4096 == 0 && r->limit % 4096 == 4095 && r->limit > r->base,
			   "RMRR %zu: 0x%llx-0x%llx", i, (unsigned long long)r->base,
			   (unsigned long long)r->limit);
		check_scope_range(d, r->first_scope, r->scope_count, "RMRR", i);
		scopes += r->scope_count;
	}
	for (size_t i = 0; i < d->unit_count; i++)
		scopes += d->units[i].scope_count;
	fuzz_check(scopes == d->scope_count, "%zu scopes owned, %zu kept", scopes, d->scope_count);
	for (size_t i = 0; i < d->scope_count; i++) {
		const struct dmar_scope *s = &d->scopes[i];

		fuzz_check(s->path_len >= 1 && s->path_len <= DMAR_PATH_MAX, "scope %zu: %u hops",
			   i, s->path_len);
		for (unsigned h = 0; h < s->path_len; h++)
			fuzz_check(s->path[h].dev < 32 && s->path[h].fn < 8,
				   "scope %zu hop %u: %u.%u", i, h, s->path[h].dev, s->path[h].fn);
	}
}

/* For a few functions: dmar_unit_for() is a unit that covers it, or none
 * does; an INCLUDE_PCI_ALL unit of segment 0 covers what no other does. */
static void check_coverage(const struct dmar_info *d, struct fuzz_in *in)
{
	for (unsigned k = 0; k < 4; k++) {
		uint8_t bus = fuzz_u8(in), dev = fuzz_u8(in) % 32, fn = fuzz_u8(in) % 8;
		const struct dmar_unit *u = dmar_unit_for(d, bus, dev, fn, bridge_buses, bridges);
		bool any_listed = false;
		const struct dmar_unit *all = NULL;

		for (size_t i = 0; i < d->unit_count; i++) {
			const struct dmar_unit *v = &d->units[i];
			bool c = dmar_unit_covers(d, v, bus, dev, fn, bridge_buses, bridges);

			if (v->segment != 0) {
				fuzz_check(!c, "unit %zu of segment %u covers a segment 0 function",
					   i, v->segment);
				continue;
			}
			if (v->include_pci_all)
				all = v;
			else
				any_listed |= c;
			fuzz_check(!c || u, "unit %zu covers %02x:%02x.%u, unit_for says none",
				   i, bus, dev, fn);
		}
		if (u)
			fuzz_check(dmar_unit_covers(d, u, bus, dev, fn, bridge_buses, bridges),
				   "unit_for gave a unit that does not cover %02x:%02x.%u",
				   bus, dev, fn);
		if (all)
			fuzz_check(dmar_unit_covers(d, all, bus, dev, fn, bridge_buses, bridges) ==
				   !any_listed, "INCLUDE_PCI_ALL unit and the others disagree on "
				   "%02x:%02x.%u", bus, dev, fn);
	}
}

static void run_raw(const uint8_t *data, size_t size, uint8_t how)
{
	static struct dmar_info d;
	uint8_t *t = malloc(size ? size : 1);
	struct fuzz_in in = { data, size };
	int rc;

	memcpy(t, data, size);
	if ((how & 2) && size >= 8) {
		uint32_t len = (uint32_t)size;

		memcpy(t + 4, &len, 4);
	}
	if ((how & 4) && size >= 10)
		fuzz_sdt_checksum(t, size);
	rc = dmar_parse(t, size, &d);
	check_result(&d, rc);
	if (rc == 0)
		check_coverage(&d, &in);
	free(t);
}

/* ---- valid tables, built from the input ---- */

enum kind { K_DRHD, K_RMRR, K_ATSR, K_RHSA, K_ANDD, K_SATC, K_OTHER, K_KINDS };

struct builder {
	uint8_t t[MAX_TABLE];
	size_t len;
	struct dmar_info x;		/* what the table must parse to */
	bool all[3];			/* segments 0-2 with an INCLUDE_PCI_ALL unit */
};

static void put(struct builder *b, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		b->t[b->len++] = (uint8_t)(v >> (8 * i));
}

/* Device scopes from the input; kept into b->x when keep (as many as fit). */
static unsigned add_scopes(struct builder *b, struct fuzz_in *in, bool keep)
{
	unsigned n = fuzz_u8(in) % 5, added = 0;

	for (unsigned i = 0; i < n; i++) {
		struct dmar_scope s = { .type = (uint8_t)(1 + fuzz_u8(in) % 6),
					.enumeration_id = fuzz_u8(in), .start_bus = fuzz_u8(in) };

		s.path_len = (uint8_t)(1 + fuzz_u8(in) % DMAR_PATH_MAX);
		for (unsigned h = 0; h < s.path_len; h++)
			s.path[h] = (struct dmar_path_hop){ fuzz_u8(in) % 32, fuzz_u8(in) % 8 };
		if (keep && b->x.scope_count == DMAR_SCOPES_MAX)
			break;
		put(b, s.type, 1);
		put(b, 6 + 2u * s.path_len, 1);
		put(b, 0, 2);
		put(b, s.enumeration_id, 1);
		put(b, s.start_bus, 1);
		for (unsigned h = 0; h < s.path_len; h++) {
			put(b, s.path[h].dev, 1);
			put(b, s.path[h].fn, 1);
		}
		if (keep)
			b->x.scopes[b->x.scope_count++] = s;
		added++;
	}
	return added;
}

static void end_struct(struct builder *b, size_t at)
{
	b->t[at + 2] = (uint8_t)(b->len - at);
	b->t[at + 3] = (uint8_t)((b->len - at) >> 8);
}

static void add_drhd(struct builder *b, struct fuzz_in *in)
{
	uint8_t flags = fuzz_u8(in), size = fuzz_u8(in);
	uint16_t segment = fuzz_u8(in) % 3;
	struct dmar_unit *u = &b->x.units[b->x.unit_count];
	size_t at = b->len;

	if (b->all[segment])		/* INCLUDE_PCI_ALL was its last */
		segment = (uint16_t)(3 + b->x.unit_count);
	*u = (struct dmar_unit){
		/* 128 MiB apart: no unit's registers (at most 2^15 pages) reach the next. */
		.base = 0xe0000000ull + ((uint64_t)b->x.unit_count << 27),
		.size = 4096ull << (size & 0xf), .segment = segment, .flags = flags,
		.include_pci_all = flags & DMAR_DRHD_INCLUDE_PCI_ALL,
	};
	if (u->include_pci_all && segment < 3)
		b->all[segment] = true;
	put(b, DMAR_TYPE_DRHD, 2);
	put(b, 0, 2);
	put(b, flags, 1);
	put(b, size, 1);
	put(b, segment, 2);
	put(b, u->base, 8);
	u->first_scope = (unsigned)b->x.scope_count;
	u->scope_count = add_scopes(b, in, true);
	end_struct(b, at);
	b->x.unit_count++;
}

static void add_rmrr(struct builder *b, struct fuzz_in *in)
{
	struct dmar_rmrr *r = &b->x.rmrrs[b->x.rmrr_count];
	uint64_t base = (uint64_t)fuzz_u32(in) << 12, pages = 1 + fuzz_u8(in);
	size_t at = b->len;

	*r = (struct dmar_rmrr){ .base = base, .limit = base + pages * 4096 - 1,
				 .segment = fuzz_u8(in) };
	put(b, DMAR_TYPE_RMRR, 2);
	put(b, 0, 4);
	put(b, r->segment, 2);
	put(b, r->base, 8);
	put(b, r->limit, 8);
	r->first_scope = (unsigned)b->x.scope_count;
	r->scope_count = add_scopes(b, in, true);
	end_struct(b, at);
	b->x.rmrr_count++;
}

static void add_struct(struct builder *b, struct fuzz_in *in)
{
	enum kind k = fuzz_u8(in) % K_KINDS;
	size_t at = b->len;

	if ((k == K_DRHD && b->x.unit_count == DMAR_UNITS_MAX) ||
	    (k == K_RMRR && b->x.rmrr_count == DMAR_RMRRS_MAX))
		k = K_OTHER;
	switch (k) {
	case K_DRHD:
		add_drhd(b, in);
		return;
	case K_RMRR:
		add_rmrr(b, in);
		return;
	case K_ATSR:
	case K_SATC:
		put(b, k == K_ATSR ? DMAR_TYPE_ATSR : DMAR_TYPE_SATC, 2);
		put(b, 0, 2);
		put(b, fuzz_u8(in), 1);
		put(b, 0, 1);
		put(b, fuzz_u16(in), 2);
		add_scopes(b, in, false);
		b->x.atsr_count += k == K_ATSR;
		b->x.satc_count += k == K_SATC;
		break;
	case K_RHSA:
		put(b, DMAR_TYPE_RHSA, 2);
		put(b, DMAR_RHSA_SIZE, 2);
		put(b, 0, 4);
		put(b, fuzz_u64(in), 8);
		put(b, fuzz_u32(in), 4);
		b->x.rhsa_count++;
		break;
	case K_ANDD:
		put(b, DMAR_TYPE_ANDD, 2);
		put(b, 0, 5);
		put(b, fuzz_u8(in), 1);
		put(b, fuzz_u32(in), 4);	/* the name: anything */
		put(b, 0, 1);
		b->x.andd_count++;
		break;
	default:
		put(b, DMAR_TYPE_SATC + 1 + fuzz_u16(in) % (0x10000 - DMAR_TYPE_SATC - 1), 2);
		put(b, 0, 2);
		put(b, fuzz_u64(in), fuzz_u8(in) % 9);
		b->x.unknown_count++;
		break;
	}
	end_struct(b, at);
}

static bool same_units(const struct dmar_info *a, const struct dmar_info *b)
{
	for (size_t i = 0; i < a->unit_count; i++) {
		const struct dmar_unit *u = &a->units[i], *v = &b->units[i];

		if (u->base != v->base || u->size != v->size || u->segment != v->segment ||
		    u->flags != v->flags || u->include_pci_all != v->include_pci_all ||
		    u->first_scope != v->first_scope || u->scope_count != v->scope_count)
			return false;
	}
	return true;
}

static bool same_info(const struct dmar_info *a, const struct dmar_info *b)
{
	if (a->haw != b->haw || a->flags != b->flags || a->unit_count != b->unit_count ||
	    a->rmrr_count != b->rmrr_count || a->scope_count != b->scope_count ||
	    a->atsr_count != b->atsr_count || a->rhsa_count != b->rhsa_count ||
	    a->andd_count != b->andd_count || a->satc_count != b->satc_count ||
	    a->unknown_count != b->unknown_count || !same_units(a, b))
		return false;
	for (size_t i = 0; i < a->rmrr_count; i++)
		if (a->rmrrs[i].base != b->rmrrs[i].base ||
		    a->rmrrs[i].limit != b->rmrrs[i].limit ||
		    a->rmrrs[i].segment != b->rmrrs[i].segment ||
		    a->rmrrs[i].first_scope != b->rmrrs[i].first_scope ||
		    a->rmrrs[i].scope_count != b->rmrrs[i].scope_count)
			return false;
	for (size_t i = 0; i < a->scope_count; i++) {
		const struct dmar_scope *s = &a->scopes[i], *t = &b->scopes[i];

		if (s->type != t->type || s->flags != t->flags ||
		    s->enumeration_id != t->enumeration_id || s->start_bus != t->start_bus ||
		    s->path_len != t->path_len ||
		    memcmp(s->path, t->path, s->path_len * sizeof(s->path[0])) != 0)
			return false;
	}
	return true;
}

static void run_built(struct fuzz_in *in)
{
	static struct builder b;
	static struct dmar_info d;
	uint8_t haw = fuzz_u8(in), flags = fuzz_u8(in);
	unsigned n;
	int rc;

	memset(&b, 0, sizeof(b));
	memcpy(b.t, DMAR_SIGNATURE, 4);
	b.t[8] = 1;
	b.t[DMAR_HAW_OFFSET] = (uint8_t)(1 + haw % 62);
	b.t[DMAR_FLAGS_OFFSET] = flags;
	b.x.haw = (uint8_t)(2 + haw % 62);
	b.x.flags = flags;
	b.len = DMAR_HEADER_SIZE;
	/* Each structure is at most 24 + 4 scopes of 22 bytes. */
	for (n = 0; in->n > 0 && b.len + 128 <= sizeof(b.t); n++)
		add_struct(&b, in);
	memcpy(b.t + 4, &(uint32_t){ (uint32_t)b.len }, 4);
	fuzz_sdt_checksum(b.t, b.len);

	rc = dmar_parse(b.t, b.len, &d);
	fuzz_check(rc == 0, "a valid table of %u structures refused (%d)", n, rc);
	check_result(&d, rc);
	fuzz_check(same_info(&d, &b.x), "the parse differs from what was put in (units %zu/%zu, "
		   "RMRRs %zu/%zu, scopes %zu/%zu)", d.unit_count, b.x.unit_count, d.rmrr_count,
		   b.x.rmrr_count, d.scope_count, b.x.scope_count);
	check_coverage(&d, in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in;
	uint8_t how;

	fuzz_log_reset();
	size = take_bridges(data, size);
	in = (struct fuzz_in){ data, size };
	how = fuzz_u8(&in);
	if (how & 1)
		run_built(&in);
	else
		run_raw(in.p, in.n, how);
	return 0;
}
