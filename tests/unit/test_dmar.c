/*
 * The DMAR parser (drivers/dmar.h): tables built byte by byte from VT-d
 * chapter 8, those of QEMU and of a typical laptop found as they are, and
 * every malformed form refused with its reason printed.
 */
#include "support.h"

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include "drivers/dmar.h"
#include "lib/errno.h"

static uint8_t tbl[8192];
static size_t tlen;
static struct dmar_info d;

static void put_le(size_t at, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		tbl[at + i] = (uint8_t)(v >> (8 * i));
}

static void append_le(uint64_t v, unsigned bytes)
{
	put_le(tlen, v, bytes);
	tlen += bytes;
}

/* The DMAR header (8.1) as QEMU writes it; structures follow. */
static void begin(uint8_t haw_field, uint8_t flags)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, "DMAR", 4);
	tbl[8] = 1;				/* revision */
	memcpy(tbl + 10, "BOCHS ", 6);
	memcpy(tbl + 16, "BXPC    ", 8);
	tbl[DMAR_HAW_OFFSET] = haw_field;
	tbl[DMAR_FLAGS_OFFSET] = flags;
	tlen = DMAR_HEADER_SIZE;
}

/* The length, then the checksum over it. */
static void finish_len(uint32_t len)
{
	uint8_t s = 0;

	put_le(4, len, 4);
	tbl[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		s += tbl[i];
	tbl[9] = (uint8_t)(0 - s);
}

static void finish(void)
{
	finish_len((uint32_t)tlen);
}

/* A structure's header (type, length to be set by end()); returns where. */
static size_t open_struct(uint16_t type)
{
	size_t at = tlen;

	append_le(type, 2);
	append_le(0, 2);
	return at;
}

static void end(size_t at)
{
	put_le(at + 2, tlen - at, 2);
}

static void zeros(size_t n)
{
	memset(tbl + tlen, 0, n);
	tlen += n;
}

static size_t drhd(uint8_t flags, uint8_t size, uint16_t segment, uint64_t base)
{
	size_t at = open_struct(DMAR_TYPE_DRHD);

	append_le(flags, 1);
	append_le(size, 1);
	append_le(segment, 2);
	append_le(base, 8);
	return at;
}

static size_t rmrr(uint16_t segment, uint64_t base, uint64_t limit)
{
	size_t at = open_struct(DMAR_TYPE_RMRR);

	append_le(0, 2);
	append_le(segment, 2);
	append_le(base, 8);
	append_le(limit, 8);
	return at;
}

/* A device scope (8.3.1) with hops (device, function) pairs. */
static void scope(uint8_t type, uint8_t id, uint8_t bus, unsigned hops, ...)
{
	va_list ap;

	append_le(type, 1);
	append_le(6 + 2 * hops, 1);
	append_le(0, 2);
	append_le(id, 1);
	append_le(bus, 1);
	va_start(ap, hops);
	for (unsigned i = 0; i < 2 * hops; i++)
		append_le((uint8_t)va_arg(ap, int), 1);
	va_end(ap);
}

static void endpoint(uint8_t bus, uint8_t dev, uint8_t fn)
{
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, bus, 1, dev, fn);
}

/* A whole unit with one endpoint. */
static void unit(uint8_t flags, uint16_t segment, uint64_t base, uint8_t dev)
{
	size_t at = drhd(flags, 0, segment, base);

	endpoint(0, dev, 0);
	end(at);
}

static int parse(void)
{
	return dmar_parse(tbl, tlen, &d);
}

/* The table as built, refused with err and a line that says why. */
#define assert_refused(err, message)	assert_refused_by(parse(), err, message)

static int setup(void **state)
{
	(void)state;
	memset(&d, 0xa5, sizeof(d));	/* parse must fill it all */
	begin(38, DMAR_FLAG_INTR_REMAP);
	log_reset();
	return 0;
}

/* ---- a fake PCI hierarchy for path resolution ---- */

/* Bridges: 00:1c.0 to buses 2-4, 02:00.0 (behind it) to bus 3-3,
 * 00:1d.0 to bus 5-5; everything else has a type 0 header. */
static const struct fake_bridge {
	uint8_t bus, dev, fn, secondary, subordinate;
} fake_bridges[] = {
	{ 0, 0x1c, 0, 2, 4 },
	{ 2, 0x00, 0, 3, 3 },
	{ 0, 0x1d, 0, 5, 5 },
};

static unsigned bridge_reads;

static bool fake_bridge_buses(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
			      uint8_t *secondary, uint8_t *subordinate)
{
	assert_ptr_equal(ctx, &bridge_reads);
	bridge_reads++;
	for (size_t i = 0; i < sizeof(fake_bridges) / sizeof(fake_bridges[0]); i++) {
		const struct fake_bridge *b = &fake_bridges[i];

		if (b->bus == bus && b->dev == dev && b->fn == fn) {
			*secondary = b->secondary;
			*subordinate = b->subordinate;
			return true;
		}
	}
	return false;
}

static bool covers(size_t u, uint8_t bus, uint8_t dev, uint8_t fn)
{
	return dmar_unit_covers(&d, &d.units[u], bus, dev, fn, fake_bridge_buses, &bridge_reads);
}

static const struct dmar_unit *unit_for(uint8_t bus, uint8_t dev, uint8_t fn)
{
	return dmar_unit_for(&d, bus, dev, fn, fake_bridge_buses, &bridge_reads);
}

/* ---- well-formed tables ---- */

/* QEMU 7.2 q35 with -device intel-iommu: one unit, no INCLUDE_PCI_ALL,
 * the I/O APIC on the pseudo bus 0xff and each function of bus 0 listed. */
static void build_qemu_q35(void)
{
	size_t at = drhd(0, 0, 0, 0xfed90000);

	scope(DMAR_SCOPE_IOAPIC, 0, 0xff, 1, 0, 0);
	endpoint(0, 0x00, 0);
	endpoint(0, 0x01, 0);
	endpoint(0, 0x02, 0);
	endpoint(0, 0x1f, 0);
	endpoint(0, 0x1f, 2);
	endpoint(0, 0x1f, 3);
	end(at);
	finish();
}

static void test_qemu_q35(void **state)
{
	static const uint8_t fns[][2] = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 0x1f, 0 }, { 0x1f, 2 },
					  { 0x1f, 3 } };

	(void)state;
	build_qemu_q35();
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_log[0], '\0');		/* nothing to say */
	assert_int_equal(d.haw, 39);			/* the field is 38: N+1 bits */
	assert_int_equal(d.flags, DMAR_FLAG_INTR_REMAP);
	assert_int_equal(d.unit_count, 1);
	assert_int_equal(d.units[0].base, 0xfed90000);
	assert_int_equal(d.units[0].size, 0x1000);
	assert_int_equal(d.units[0].segment, 0);
	assert_false(d.units[0].include_pci_all);
	assert_int_equal(d.units[0].first_scope, 0);
	assert_int_equal(d.units[0].scope_count, 7);
	assert_int_equal(d.scope_count, 7);
	assert_int_equal(d.rmrr_count, 0);
	assert_int_equal(d.scopes[0].type, DMAR_SCOPE_IOAPIC);
	assert_int_equal(d.scopes[0].enumeration_id, 0);
	assert_int_equal(d.scopes[0].start_bus, 0xff);
	assert_int_equal(d.scopes[0].path_len, 1);
	assert_int_equal(d.scopes[0].path[0].dev, 0);
	assert_int_equal(d.scopes[0].path[0].fn, 0);
	for (size_t i = 0; i < 6; i++) {
		const struct dmar_scope *s = &d.scopes[1 + i];

		assert_int_equal(s->type, DMAR_SCOPE_PCI_ENDPOINT);
		assert_int_equal(s->start_bus, 0);
		assert_int_equal(s->path_len, 1);
		assert_int_equal(s->path[0].dev, fns[i][0]);
		assert_int_equal(s->path[0].fn, fns[i][1]);
		assert_true(covers(0, 0, fns[i][0], fns[i][1]));
	}
	/* Only what is listed: a function QEMU did not list is no one's, and
	 * the I/O APIC's source ID is no PCI function. */
	assert_false(covers(0, 0, 0x1f, 1));
	assert_false(covers(0, 0, 0x03, 0));
	assert_false(covers(0, 1, 0x02, 0));
	assert_false(covers(0, 0xff, 0, 0));
	assert_null(unit_for(0, 3, 0));
	assert_ptr_equal(unit_for(0, 2, 0), &d.units[0]);
	assert_int_equal(bridge_reads, 0);		/* one-hop paths need none */
}

/* A laptop: a unit for the graphics, then the INCLUDE_PCI_ALL one with the
 * I/O APIC and the HPET; RMRRs for USB legacy emulation and graphics. */
static void build_laptop(void)
{
	size_t at = drhd(0, 0, 0, 0xfed90000);

	endpoint(0, 0x02, 0);
	end(at);
	at = drhd(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0, 0xfed91000);
	scope(DMAR_SCOPE_IOAPIC, 2, 0xf0, 1, 0x1f, 0);
	scope(DMAR_SCOPE_HPET, 0, 0x00, 1, 0x1f, 0);
	end(at);
	at = rmrr(0, 0x79f3c000, 0x79f5bfff);
	endpoint(0, 0x14, 0);
	end(at);
	at = rmrr(0, 0x7b800000, 0x7fffffff);
	endpoint(0, 0x02, 0);
	end(at);
	finish();
}

static void test_laptop(void **state)
{
	(void)state;
	build_laptop();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.haw, 39);
	assert_int_equal(d.unit_count, 2);
	assert_int_equal(d.units[0].base, 0xfed90000);
	assert_int_equal(d.units[0].scope_count, 1);
	assert_false(d.units[0].include_pci_all);
	assert_int_equal(d.units[1].base, 0xfed91000);
	assert_true(d.units[1].include_pci_all);
	assert_int_equal(d.units[1].flags, DMAR_DRHD_INCLUDE_PCI_ALL);
	assert_int_equal(d.units[1].first_scope, 1);
	assert_int_equal(d.units[1].scope_count, 2);
	assert_int_equal(d.scopes[1].type, DMAR_SCOPE_IOAPIC);
	assert_int_equal(d.scopes[1].enumeration_id, 2);
	assert_int_equal(d.scopes[1].start_bus, 0xf0);
	assert_int_equal(d.scopes[2].type, DMAR_SCOPE_HPET);

	assert_int_equal(d.rmrr_count, 2);
	assert_int_equal(d.rmrrs[0].base, 0x79f3c000);
	assert_int_equal(d.rmrrs[0].limit, 0x79f5bfff);
	assert_int_equal(d.rmrrs[0].first_scope, 3);
	assert_int_equal(d.rmrrs[0].scope_count, 1);
	assert_int_equal(d.scopes[3].path[0].dev, 0x14);
	assert_int_equal(d.rmrrs[1].base, 0x7b800000);
	assert_int_equal(d.rmrrs[1].limit, 0x7fffffff);
	assert_int_equal(d.scopes[4].path[0].dev, 0x02);
	assert_int_equal(d.scope_count, 5);

	/* The graphics is the first unit's alone; the rest is the second's. */
	assert_true(covers(0, 0, 2, 0));
	assert_false(covers(1, 0, 2, 0));
	assert_false(covers(0, 0, 0x14, 0));
	assert_true(covers(1, 0, 0x14, 0));
	assert_true(covers(1, 0, 0x1f, 3));
	assert_true(covers(1, 7, 0, 0));
	assert_ptr_equal(unit_for(0, 2, 0), &d.units[0]);
	assert_ptr_equal(unit_for(0, 0x14, 0), &d.units[1]);
	assert_ptr_equal(unit_for(3, 0, 0), &d.units[1]);
}

/* A sub-hierarchy covers the bridge and its buses; a path of two hops goes
 * through the first bridge's secondary bus; a path through a function that
 * is no bridge names nothing. */
static void test_bridges_and_paths_resolve_through_the_hierarchy(void **state)
{
	size_t at;

	(void)state;
	at = drhd(0, 0, 0, 0xfed90000);
	scope(DMAR_SCOPE_PCI_BRIDGE, 0, 0, 1, 0x1c, 0);	/* buses 2-4 */
	end(at);
	at = drhd(0, 0, 0, 0xfed91000);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 2, 0x1d, 0, 0, 1);	/* 05:00.1 */
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 2, 0x1e, 0, 0, 0);	/* 00:1e.0 no bridge */
	end(at);
	at = drhd(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0, 0xfed92000);
	end(at);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.scopes[1].path_len, 2);
	assert_int_equal(d.scopes[1].path[1].fn, 1);

	assert_true(covers(0, 0, 0x1c, 0));		/* the bridge itself */
	assert_true(covers(0, 2, 0, 0));
	assert_true(covers(0, 3, 0x1f, 7));
	assert_true(covers(0, 4, 5, 0));
	assert_false(covers(0, 5, 0, 0));
	assert_false(covers(0, 1, 0, 0));
	assert_false(covers(0, 0, 0x1c, 1));
	assert_true(covers(1, 5, 0, 1));
	assert_false(covers(1, 5, 0, 0));
	assert_false(covers(1, 0, 0, 0));		/* 1e.0's path leads nowhere */
	assert_ptr_equal(unit_for(3, 0, 0), &d.units[0]);
	assert_ptr_equal(unit_for(5, 0, 1), &d.units[1]);
	assert_ptr_equal(unit_for(5, 0, 0), &d.units[2]);
	assert_ptr_equal(unit_for(0, 0x1c, 0), &d.units[0]);
	assert_ptr_equal(unit_for(0, 0x1e, 0), &d.units[2]);
	assert_true(bridge_reads > 0);

	/* Without a bridge reader, only one-hop paths mean anything. */
	assert_true(dmar_unit_covers(&d, &d.units[0], 0, 0x1c, 0, NULL, NULL));
	assert_false(dmar_unit_covers(&d, &d.units[0], 3, 0, 0, NULL, NULL));
	assert_false(dmar_unit_covers(&d, &d.units[1], 5, 0, 1, NULL, NULL));
}

/* A unit of another segment covers no function skiff reaches (segment 0),
 * and an INCLUDE_PCI_ALL unit per segment is allowed. */
static void test_other_segments(void **state)
{
	(void)state;
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 1, 0xfed90000, 2);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000, 2);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.units[0].segment, 1);
	assert_false(covers(0, 0, 2, 0));
	assert_true(covers(1, 0, 2, 0));
	assert_ptr_equal(unit_for(0, 9, 0), &d.units[1]);
}

/* The DRHD's Size field (bits 3:0) is 2^N pages of registers. */
static void test_register_size(void **state)
{
	size_t at;

	(void)state;
	at = drhd(0, 0xf2, 0, 0xfed90000);	/* reserved bits 7:4 ignored */
	end(at);
	at = drhd(0, 0, 0, 0xfed94000);
	end(at);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.units[0].size, 0x4000);
	assert_int_equal(d.units[0].scope_count, 0);
	assert_int_equal(d.units[1].size, 0x1000);
}

/* ATSR, RHSA, ANDD and SATC are checked and counted; a type past them is
 * skipped by its length, said once, and what follows is still read. */
static void test_other_structures_and_unknown_types(void **state)
{
	size_t at;

	(void)state;
	unit(0, 0, 0xfed90000, 2);
	at = open_struct(DMAR_TYPE_ATSR);
	append_le(1, 1);			/* ALL_PORTS */
	append_le(0, 1);
	append_le(0, 2);
	scope(DMAR_SCOPE_PCI_BRIDGE, 0, 0, 1, 0x1c, 0);
	end(at);
	at = open_struct(DMAR_TYPE_RHSA);
	append_le(0, 4);
	append_le(0xfed90000, 8);
	append_le(1, 4);
	end(at);
	at = open_struct(DMAR_TYPE_ANDD);
	append_le(0, 3);
	append_le(1, 1);
	memcpy(tbl + tlen, "\\_SB.PCI0.UAR1", 15);
	tlen += 15;
	end(at);
	at = open_struct(DMAR_TYPE_SATC);
	append_le(1, 1);
	append_le(0, 1);
	append_le(0, 2);
	endpoint(0, 2, 0);
	end(at);
	at = open_struct(0x77);
	append_le(0xdeadbeef, 4);
	end(at);
	at = open_struct(6);
	end(at);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000, 3);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.atsr_count, 1);
	assert_int_equal(d.rhsa_count, 1);
	assert_int_equal(d.andd_count, 1);
	assert_int_equal(d.satc_count, 1);
	assert_int_equal(d.unknown_count, 2);
	assert_int_equal(d.unit_count, 2);
	assert_int_equal(d.scope_count, 2);		/* ATSR's and SATC's not kept */
	assert_int_equal(d.units[1].first_scope, 1);
	assert_log_contains("skiff: dmar: skipping a structure of type 119 at offset 0x93, "
			    "newer than skiff knows (and any more such)\n");
	assert_int_equal(log_count("skiff: dmar: skipping"), 1);
}

/* ---- malformed tables: named, and refused ---- */

static void test_bad_header_is_refused(void **state)
{
	(void)state;
	build_qemu_q35();
	log_reset();
	assert_int_equal(dmar_parse(tbl, 20, &d), -EINVAL);
	assert_log_contains("skiff: dmar: 20 bytes, shorter than its 48-byte header");

	begin(38, 1);
	finish_len(40);
	assert_refused(-EINVAL, "skiff: dmar: length 40 is shorter than its 48-byte header");

	begin(38, 1);
	unit(0, 0, 0xfed90000, 2);
	finish_len((uint32_t)tlen + 8);
	assert_refused(-EINVAL, "skiff: dmar: length 80 runs past the 72 bytes mapped");

	begin(38, 1);
	memcpy(tbl, "DMAX", 4);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: the table's signature is not \"DMAR\"");
}

static void test_bad_checksum_is_refused(void **state)
{
	(void)state;
	build_qemu_q35();
	tbl[10] ^= 0x01;		/* 'B' of the OEM ID: the sum is off by one */
	assert_refused(-EINVAL, "skiff: dmar: checksum bad (the 120 bytes sum to 0x01, not 0)");
}

static void test_implausible_host_address_width_is_refused(void **state)
{
	(void)state;
	begin(0, 1);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: host address width field 0 (1 bits) is implausible");
	begin(63, 1);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: host address width field 63 (64 bits) is "
		       "implausible");
	begin(255, 1);
	finish();
	assert_refused(-EINVAL, "host address width field 255 (256 bits) is implausible");
	begin(62, 1);				/* 63 bits: the most */
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.haw, 63);
}

static void test_bad_structure_lengths_are_refused(void **state)
{
	size_t at;

	(void)state;
	unit(0, 0, 0xfed90000, 2);
	append_le(0x7f, 2);
	append_le(3, 2);			/* shorter than its own header */
	finish();
	assert_refused(-EINVAL, "skiff: dmar: structure of type 127 at offset 0x48 has length 3, "
		       "shorter than the 4 its type needs");

	begin(38, 1);
	append_le(DMAR_TYPE_RMRR, 2);
	append_le(0, 2);			/* length 0: would never advance */
	finish();
	assert_refused(-EINVAL, "skiff: dmar: structure of type 1 at offset 0x30 has length 0, "
		       "shorter than the 24 its type needs");

	begin(38, 1);
	unit(0, 0, 0xfed90000, 2);
	finish_len((uint32_t)tlen - 2);
	tlen -= 2;
	assert_refused(-EINVAL, "skiff: dmar: structure of type 0 at offset 0x30 has length 24 and "
		       "runs past the table's end at 0x46");

	begin(38, 1);
	append_le(DMAR_TYPE_DRHD, 2);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: structure at offset 0x30 runs past the table's end "
		       "at 0x32");

	/* Each type's fixed part (8.3 - 8.8). */
	static const struct { uint16_t type; unsigned size; const char *msg; } shortest[] = {
		{ DMAR_TYPE_DRHD, 16, "structure of type 0 at offset 0x30 has length 12, "
				      "shorter than the 16 its type needs" },
		{ DMAR_TYPE_RMRR, 24, "type 1 at offset 0x30 has length 20, shorter than the 24" },
		{ DMAR_TYPE_ATSR, 8, "type 2 at offset 0x30 has length 4, shorter than the 8" },
		{ DMAR_TYPE_RHSA, 20, "type 3 at offset 0x30 has length 16, shorter than the 20" },
		{ DMAR_TYPE_ANDD, 8, "type 4 at offset 0x30 has length 4, shorter than the 8" },
		{ DMAR_TYPE_SATC, 8, "type 5 at offset 0x30 has length 4, shorter than the 8" },
	};
	for (size_t i = 0; i < sizeof(shortest) / sizeof(shortest[0]); i++) {
		begin(38, 1);
		at = open_struct(shortest[i].type);
		zeros(shortest[i].size - 8);
		end(at);
		zeros(4);			/* room, so only the length is wrong */
		finish();
		assert_refused(-EINVAL, shortest[i].msg);
	}
}

static void test_bad_register_base_is_refused(void **state)
{
	(void)state;
	unit(0, 0, 0, 2);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 0 at offset 0x30: register base 0x0 is not a "
		       "nonzero 4 KiB-aligned address with room for 0x1000 bytes");

	begin(38, 1);
	unit(0, 0, 0xfed90800, 2);
	finish();
	assert_refused(-EINVAL, "DRHD 0 at offset 0x30: register base 0xfed90800 is not a nonzero "
		       "4 KiB-aligned");

	/* Registers that would run past the end of the address space. */
	begin(38, 1);
	unit(0, 0, 0xfed90000, 2);
	end(drhd(0, 1, 0, 0xfffffffffffff000ull));
	finish();
	assert_refused(-EINVAL, "DRHD 1 at offset 0x48: register base 0xfffffffffffff000 is not a "
		       "nonzero 4 KiB-aligned address with room for 0x2000 bytes");
}

static void test_overlapping_units_are_refused(void **state)
{
	size_t at;

	(void)state;
	unit(0, 0, 0xfed90000, 2);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000, 3);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: overlapping units: DRHD 0 has registers "
		       "0xfed90000-0xfed90fff, DRHD 1 0xfed90000-0xfed90fff");

	/* Apart in their bases, but the first has 4 pages. */
	begin(38, 1);
	at = drhd(0, 2, 0, 0xfed90000);
	endpoint(0, 2, 0);
	end(at);
	unit(0, 0, 0xfed93000, 3);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: overlapping units: DRHD 0 has registers "
		       "0xfed90000-0xfed93fff, DRHD 1 0xfed93000-0xfed93fff");

	/* Units of different segments share no registers either. */
	begin(38, 1);
	unit(0, 0, 0xfed90000, 2);
	unit(0, 1, 0xfed90000, 2);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: overlapping units");
}

static void test_include_pci_all_rules(void **state)
{
	(void)state;
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000, 2);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000, 3);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: more than one INCLUDE_PCI_ALL unit for segment 0 "
		       "(DRHDs 0 and 1)");

	begin(38, 1);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000, 2);
	unit(0, 1, 0xfed91000, 3);		/* another segment: fine */
	unit(0, 0, 0xfed92000, 3);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 2 comes after DRHD 0, the INCLUDE_PCI_ALL unit "
		       "of segment 0, which must be the segment's last");
}

static void test_bad_device_scopes_are_refused(void **state)
{
	size_t at;

	(void)state;
	at = drhd(0, 0, 0, 0xfed90000);
	append_le(DMAR_SCOPE_PCI_ENDPOINT, 1);
	append_le(5, 1);			/* shorter than its header */
	zeros(6);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 0 at offset 0x30: device scope at offset 0x40 "
		       "has length 5, shorter than its 6-byte header");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 2, 0);
	tbl[tlen - 7] = 9;			/* odd: 3 bytes of path */
	append_le(0, 1);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 0 at offset 0x30: device scope at offset 0x40 "
		       "has a path of 3 bytes, not whole (device, function) pairs");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0);	/* no path: no device */
	end(at);
	finish();
	assert_refused(-EINVAL, "device scope at offset 0x40 has a path of 0 bytes");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	endpoint(0, 2, 0);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 3, 0);
	tbl[tlen - 7] = 10;			/* runs past the DRHD */
	end(at);
	unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed91000, 3);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 0 at offset 0x30: device scope at offset 0x48 "
		       "has length 10 and runs past its structure's end at 0x50");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	endpoint(0, 2, 0);
	append_le(DMAR_SCOPE_PCI_ENDPOINT, 1);	/* 3 bytes left: no room for a header */
	append_le(6, 1);
	append_le(0, 1);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: DRHD 0 at offset 0x30: device scope at offset 0x48 "
		       "runs past its structure's end at 0x4b");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	endpoint(0, 32, 0);
	end(at);
	finish();
	assert_refused(-EINVAL, "device scope at offset 0x40 names device 32 function 0, which "
		       "PCI does not have");

	/* RMRRs', ATSRs' and SATCs' scopes follow the same rules. */
	begin(38, 1);
	at = rmrr(0, 0x7a000000, 0x7a0fffff);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 0x14, 8);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: RMRR 0 at offset 0x30: device scope at offset 0x48 "
		       "names device 20 function 8");

	begin(38, 1);
	at = open_struct(DMAR_TYPE_ATSR);
	append_le(0, 4);
	append_le(DMAR_SCOPE_PCI_BRIDGE, 1);
	append_le(2, 1);
	append_le(0, 4);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: ATSR 0 at offset 0x30: device scope at offset 0x38 "
		       "has length 2, shorter than its 6-byte header");

	begin(38, 1);
	at = open_struct(DMAR_TYPE_SATC);
	append_le(0, 4);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 2, 0);
	tbl[tlen - 7] = 7;
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: dmar: SATC 0 at offset 0x30: device scope at offset 0x38 "
		       "has a path of 1 bytes");
}

static void test_bad_rmrrs_are_refused(void **state)
{
	static const struct { uint64_t base, limit; const char *msg; } bad[] = {
		{ 0x7a000800, 0x7a0fffff, "RMRR 0 at offset 0x48: region 0x7a000800-0x7a0fffff "
					  "is not whole 4 KiB pages from base to limit" },
		{ 0x7a000000, 0x7a0ffffe, "region 0x7a000000-0x7a0ffffe is not whole" },
		{ 0x7a000000, 0x7a000000, "region 0x7a000000-0x7a000000 is not whole" },
		{ 0x7a100000, 0x7a0fffff, "region 0x7a100000-0x7a0fffff is not whole" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t at;

		begin(38, 1);
		unit(DMAR_DRHD_INCLUDE_PCI_ALL, 0, 0xfed90000, 2);
		at = rmrr(0, bad[i].base, bad[i].limit);
		endpoint(0, 0x14, 0);
		end(at);
		finish();
		assert_refused(-EINVAL, bad[i].msg);
	}
	/* The last page of the address space is a well-formed region. */
	begin(38, 1);
	size_t at = rmrr(0, 0xfffffffffffff000ull, 0xffffffffffffffffull);
	endpoint(0, 0x14, 0);
	end(at);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.rmrrs[0].limit, 0xffffffffffffffffull);
}

static void test_more_than_skiff_keeps_is_refused(void **state)
{
	size_t at;

	(void)state;
	for (unsigned i = 0; i <= DMAR_UNITS_MAX; i++)
		unit(0, 0, 0xfed90000 + i * 0x1000u, (uint8_t)i);
	finish();
	assert_refused(-E2BIG, "skiff: dmar: more than 8 DRHDs (DMAR_UNITS_MAX): DRHD 8 at offset "
		       "0xf0 is one too many");

	begin(38, 1);
	for (unsigned i = 0; i <= DMAR_RMRRS_MAX; i++) {
		at = rmrr(0, 0x7a000000 + i * 0x1000u, 0x7a000fff + i * 0x1000u);
		end(at);
	}
	finish();
	assert_refused(-E2BIG, "skiff: dmar: more than 8 RMRRs (DMAR_RMRRS_MAX): RMRR 8 at offset "
		       "0xf0 is one too many");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	for (unsigned i = 0; i < DMAR_SCOPES_MAX; i++)
		endpoint(0, (uint8_t)i, 0);
	end(at);
	at = rmrr(0, 0x7a000000, 0x7a000fff);
	endpoint(0, 0x14, 0);
	end(at);
	finish();
	assert_refused(-E2BIG, "skiff: dmar: RMRR 0 at offset 0x140: more than 32 device scopes in "
		       "all (DMAR_SCOPES_MAX)");

	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 9, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0,
	      1, 0);
	end(at);
	finish();
	assert_refused(-E2BIG, "skiff: dmar: DRHD 0 at offset 0x30: a device scope path of 9 hops, "
		       "more than the 8 skiff keeps");

	/* Exactly as many as kept is fine. */
	begin(38, 1);
	at = drhd(0, 0, 0, 0xfed90000);
	scope(DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 8, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
	for (unsigned i = 1; i < DMAR_SCOPES_MAX; i++)
		endpoint(0, (uint8_t)i, 0);
	end(at);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(d.scope_count, DMAR_SCOPES_MAX);
	assert_int_equal(d.scopes[0].path_len, DMAR_PATH_MAX);
}

/* A good table cut short anywhere, its length and checksum fixed to the
 * cut: refused with a word, or (cut between structures) parsed. */
static void test_every_truncation_is_refused_or_parsed(void **state)
{
	(void)state;
	build_laptop();
	size_t full = tlen;

	for (size_t n = DMAR_HEADER_SIZE; n < full; n++) {
		int rc;

		build_laptop();
		tlen = n;
		finish();
		log_reset();
		rc = parse();
		if (rc != 0)
			assert_true(unit_log[0] != '\0');
		else
			assert_true(d.unit_count + d.rmrr_count <= 4);
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_q35),
		T(test_laptop),
		T(test_bridges_and_paths_resolve_through_the_hierarchy),
		T(test_other_segments),
		T(test_register_size),
		T(test_other_structures_and_unknown_types),
		T(test_bad_header_is_refused),
		T(test_bad_checksum_is_refused),
		T(test_implausible_host_address_width_is_refused),
		T(test_bad_structure_lengths_are_refused),
		T(test_bad_register_base_is_refused),
		T(test_overlapping_units_are_refused),
		T(test_include_pci_all_rules),
		T(test_bad_device_scopes_are_refused),
		T(test_bad_rmrrs_are_refused),
		T(test_more_than_skiff_keeps_is_refused),
		T(test_every_truncation_is_refused_or_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
