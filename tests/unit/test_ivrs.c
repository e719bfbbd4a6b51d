/*
 * The IVRS parser (drivers/ivrs.h): tables built byte by byte from AMD's
 * IOMMU specification (48882 5.2), QEMU's amd-iommu as it writes them,
 * one IOMMU described by several IVHD types merged, and every malformed
 * form refused with its reason printed.
 */
#include "support.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "drivers/ivrs.h"
#include "lib/errno.h"

static uint8_t tbl[8192];
static size_t tlen;
static struct ivrs_info v;

static void put_le(size_t at, uint64_t val, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		tbl[at + i] = (uint8_t)(val >> (8 * i));
}

static void append_le(uint64_t val, unsigned bytes)
{
	put_le(tlen, val, bytes);
	tlen += bytes;
}

/* QEMU's IVinfo: EFRSup, a 40-bit physical address size. */
#define QEMU_IVINFO	(IVRS_IVINFO_EFRSUP | 40u << 8)
#define QEMU_BASE	0xfed80000ull
#define QEMU_DEVID	0x0018		/* 00:03.0 */
#define QEMU_CAP	0x40
#define QEMU_EFR	0x29d3ull	/* any value: it is carried, not read */

/* The IVRS header (5.2.1) as QEMU writes it; blocks follow. */
static void begin(uint32_t ivinfo)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, "IVRS", 4);
	tbl[8] = 1;				/* revision */
	memcpy(tbl + 10, "BOCHS ", 6);
	memcpy(tbl + 16, "BXPC    ", 8);
	put_le(IVRS_IVINFO_OFFSET, ivinfo, 4);
	tlen = IVRS_HEADER_SIZE;
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

/* A block's header (type, flags, length set by end()); returns where. */
static size_t open_block(uint8_t type, uint8_t flags)
{
	size_t at = tlen;

	append_le(type, 1);
	append_le(flags, 1);
	append_le(0, 2);
	return at;
}

static void end(size_t at)
{
	put_le(at + 2, tlen - at, 2);
}

/* An IVHD header (5.2.2.1) of any type; device entries follow. */
static size_t ivhd(uint8_t type, uint8_t flags, uint16_t devid, uint16_t cap, uint64_t base,
		   uint16_t segment, uint64_t efr)
{
	size_t at = open_block(type, flags);

	append_le(devid, 2);
	append_le(cap, 2);
	append_le(base, 8);
	append_le(segment, 2);
	append_le(0x0200 | 5, 2);		/* IOMMU Info: UnitID 2, MSI 5 */
	append_le(type == IVRS_TYPE_IVHD_10 ? 0x44 : 0, 4);
	if (type != IVRS_TYPE_IVHD_10) {
		append_le(efr, 8);
		append_le(efr >> 4, 8);		/* EFR 2: anything */
	}
	return at;
}

/* 4-byte device entries: Type, DeviceID, DTE setting. */
static void dev4(uint8_t type, uint16_t devid)
{
	append_le(type, 1);
	append_le(devid, 2);
	append_le(0, 1);
}

/* 8-byte device entries: the 4 bytes, then 4 of their own. */
static void dev8(uint8_t type, uint16_t devid, uint32_t more)
{
	dev4(type, devid);
	append_le(more, 4);
}

/* QEMU's special entry for its I/O APIC: handle 0, at 00:14.0. */
static void special_ioapic(void)
{
	dev8(IVRS_DEV_SPECIAL, 0, 0x00u | 0x00a0u << 8 | 1u << 24);
}

/* An ACPI HID device entry (F0h) with a UID of uid_len bytes. */
static void acpi_hid(uint16_t devid, uint8_t uid_len)
{
	dev4(IVRS_DEV_ACPI_HID, devid);
	append_le(0x3130304e4d444141ull, 8);	/* "AAMDN001"-ish: bytes, not read */
	append_le(0, 8);
	append_le(2, 1);			/* UID format: a string */
	append_le(uid_len, 1);
	for (uint8_t i = 0; i < uid_len; i++)
		append_le('0' + i % 10, 1);
}

/* A whole unit: its block with a range over bus 0. */
static void unit(uint8_t type, uint16_t devid, uint64_t base, uint16_t segment)
{
	size_t at = ivhd(type, 0, devid, QEMU_CAP, base, segment, QEMU_EFR);

	dev4(IVRS_DEV_START, 0x0000);
	dev4(IVRS_DEV_END, 0x00ff);
	end(at);
}

/* An IVMD block (5.2.3). */
static void ivmd(uint8_t type, uint8_t flags, uint16_t devid, uint16_t aux, uint64_t start,
		 uint64_t len)
{
	size_t at = open_block(type, flags);

	append_le(devid, 2);
	append_le(aux, 2);
	append_le(0, 8);
	append_le(start, 8);
	append_le(len, 8);
	end(at);
}

static int parse(void)
{
	return ivrs_parse(tbl, tlen, &v);
}

/* The table as built, refused with err and a line that says why. */
#define assert_refused(err, message)	assert_refused_by(parse(), err, message)

static int setup(void **state)
{
	(void)state;
	memset(&v, 0xa5, sizeof(v));	/* parse must fill it all */
	begin(QEMU_IVINFO);
	log_reset();
	return 0;
}

/* ---- well-formed tables ---- */

/* QEMU's -device amd-iommu on q35, as older versions write it: one IVHD
 * of type 10h for the IOMMU at 00:03.0, bus 0 as one range, and the
 * special entry that says where the I/O APIC's interrupts come from. */
static void build_qemu(void)
{
	size_t at = ivhd(IVRS_TYPE_IVHD_10, IVRS_IVHD_HT_TUN_EN | IVRS_IVHD_IOTLB_SUP |
			 IVRS_IVHD_10_PREF_SUP | IVRS_IVHD_10_PPR_SUP, QEMU_DEVID, QEMU_CAP,
			 QEMU_BASE, 0, 0);

	dev4(IVRS_DEV_START, 0x0000);
	dev4(IVRS_DEV_END, 0x00ff);
	special_ioapic();
	end(at);
}

static void test_qemu_amd_iommu(void **state)
{
	const struct ivrs_unit *u = &v.units[0];

	(void)state;
	build_qemu();
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_log[0], '\0');		/* nothing to say */
	assert_int_equal(v.revision, 1);
	assert_int_equal(v.ivinfo, QEMU_IVINFO);
	assert_int_equal(IVRS_IVINFO_PA_SIZE(v.ivinfo), 40);
	assert_int_equal(v.unit_count, 1);
	assert_int_equal(v.ivhd_count, 1);
	assert_int_equal(u->base, QEMU_BASE);
	assert_int_equal(u->segment, 0);
	assert_int_equal(u->devid, QEMU_DEVID);
	assert_int_equal(u->cap_offset, QEMU_CAP);
	assert_int_equal(u->flags, 0xd1);
	assert_int_equal(u->features, 0x44);
	assert_int_equal(IVRS_IOMMU_INFO_MSI_NUM(u->info), 5);
	assert_int_equal(IVRS_IOMMU_INFO_UNIT_ID(u->info), 2);
	assert_int_equal(u->efr, 0);			/* a 10h block has none */
	assert_int_equal(u->efr2, 0);
	assert_int_equal(u->type, IVRS_TYPE_IVHD_10);
	assert_int_equal(u->types_seen, IVRS_SEEN_10);
	assert_int_equal(u->entries, 3);
	assert_int_equal(v.range_count, 0);
	assert_int_equal(v.unknown_count, 0);
	assert_int_equal(v.unknown_entries, 0);
}

/* QEMU 8.1 and later: the same IOMMU again in an 11h block, with the EFR
 * image, for OSes that read it; one unit, the 11h block's fields. */
static void test_one_iommu_in_10h_and_11h_is_one_unit(void **state)
{
	size_t at;

	(void)state;
	build_qemu();
	at = ivhd(IVRS_TYPE_IVHD_11, IVRS_IVHD_HT_TUN_EN | IVRS_IVHD_IOTLB_SUP, QEMU_DEVID,
		  QEMU_CAP, QEMU_BASE, 0, QEMU_EFR);
	dev4(IVRS_DEV_START, 0x0000);
	dev4(IVRS_DEV_END, 0x00ff);
	end(at);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_log[0], '\0');
	assert_int_equal(v.unit_count, 1);
	assert_int_equal(v.ivhd_count, 2);
	assert_int_equal(v.units[0].type, IVRS_TYPE_IVHD_11);
	assert_int_equal(v.units[0].types_seen, IVRS_SEEN_10 | IVRS_SEEN_11);
	assert_int_equal(v.units[0].efr, QEMU_EFR);
	assert_int_equal(v.units[0].efr2, QEMU_EFR >> 4);
	assert_int_equal(v.units[0].flags, 0x11);
	assert_int_equal(v.units[0].features, 0);
	assert_int_equal(v.units[0].entries, 2);	/* the 11h block's */
	assert_int_equal(v.units[0].devid, QEMU_DEVID);

	/* The newest wins whatever the order: 40h, 10h, 11h. */
	begin(QEMU_IVINFO);
	unit(IVRS_TYPE_IVHD_40, QEMU_DEVID, QEMU_BASE, 0);
	build_qemu();
	unit(IVRS_TYPE_IVHD_11, QEMU_DEVID, QEMU_BASE, 0);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.unit_count, 1);
	assert_int_equal(v.ivhd_count, 3);
	assert_int_equal(v.units[0].type, IVRS_TYPE_IVHD_40);
	assert_int_equal(v.units[0].types_seen, IVRS_SEEN_10 | IVRS_SEEN_11 | IVRS_SEEN_40);
	assert_int_equal(v.units[0].entries, 2);
	assert_int_equal(v.units[0].flags, 0);
	assert_int_equal(v.units[0].efr, QEMU_EFR);
}

/* Two IOMMUs, each described in 10h and 11h blocks, interleaved as a
 * firmware that writes all its 10h blocks first does. */
static void test_two_iommus(void **state)
{
	(void)state;
	unit(IVRS_TYPE_IVHD_10, 0x0002, 0xfd200000, 0);
	unit(IVRS_TYPE_IVHD_10, 0x4002, 0xfd300000, 0);
	unit(IVRS_TYPE_IVHD_11, 0x0002, 0xfd200000, 0);
	unit(IVRS_TYPE_IVHD_11, 0x4002, 0xfd300000, 0);
	unit(IVRS_TYPE_IVHD_11, 0x0002, 0xfd400000, 1);	/* another segment */
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.unit_count, 3);
	assert_int_equal(v.ivhd_count, 5);
	assert_int_equal(v.units[0].base, 0xfd200000);
	assert_int_equal(v.units[0].devid, 0x0002);
	assert_int_equal(v.units[0].type, IVRS_TYPE_IVHD_11);
	assert_int_equal(v.units[0].types_seen, IVRS_SEEN_10 | IVRS_SEEN_11);
	assert_int_equal(v.units[1].base, 0xfd300000);
	assert_int_equal(v.units[1].devid, 0x4002);
	assert_int_equal(v.units[1].types_seen, IVRS_SEEN_10 | IVRS_SEEN_11);
	assert_int_equal(v.units[2].base, 0xfd400000);
	assert_int_equal(v.units[2].segment, 1);
	assert_int_equal(v.units[2].types_seen, IVRS_SEEN_11);
}

static void test_ivmd_ranges(void **state)
{
	const struct ivrs_range *r = v.ranges;

	(void)state;
	build_qemu();
	/* Unity, read and write, for every peripheral. */
	ivmd(IVRS_TYPE_IVMD_ALL, IVRS_IVMD_UNITY | IVRS_IVMD_IR | IVRS_IVMD_IW, 0, 0,
	     0x9d000000, 0x100000);
	/* Exclusion for one: reached untranslated, so read and write. */
	ivmd(IVRS_TYPE_IVMD_SELECT, IVRS_IVMD_EXCLUSION, 0x00a0, 0, 0xa0000000, 0x2000);
	/* Unity, read only, for 01:00.0..01:1f.7, not page-aligned. */
	ivmd(IVRS_TYPE_IVMD_RANGE, IVRS_IVMD_UNITY | IVRS_IVMD_IR, 0x0100, 0x01ff,
	     0x7a000800, 0x1000);
	/* The last page below 2^52 is in the physical address space. */
	ivmd(IVRS_TYPE_IVMD_SELECT, IVRS_IVMD_UNITY | IVRS_IVMD_IW, 0x0200, 0,
	     IVRS_PHYS_LIMIT - 0x1000, 0x1000);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(unit_log[0], '\0');
	assert_int_equal(v.range_count, 4);

	assert_int_equal(r[0].type, IVRS_TYPE_IVMD_ALL);
	assert_int_equal(r[0].base, 0x9d000000);
	assert_int_equal(r[0].end, 0x9d100000);
	assert_true(r[0].unity && r[0].read && r[0].write);
	assert_false(r[0].exclusion);
	assert_int_equal(r[0].devices, IVRS_DEVICES_ALL);
	assert_int_equal(r[0].first, 0);
	assert_int_equal(r[0].last, 0xffff);

	assert_int_equal(r[1].base, 0xa0000000);
	assert_int_equal(r[1].end, 0xa0002000);
	assert_true(r[1].exclusion && r[1].read && r[1].write);
	assert_false(r[1].unity);
	assert_int_equal(r[1].flags, IVRS_IVMD_EXCLUSION);
	assert_int_equal(r[1].devices, IVRS_DEVICES_ONE);
	assert_int_equal(r[1].first, 0x00a0);
	assert_int_equal(r[1].last, 0x00a0);

	/* Widened to the pages it touches: 0x7a000800 + 0x1000 ends in the
	 * second. */
	assert_int_equal(r[2].base, 0x7a000000);
	assert_int_equal(r[2].end, 0x7a002000);
	assert_true(r[2].unity && r[2].read);
	assert_false(r[2].write || r[2].exclusion);
	assert_int_equal(r[2].devices, IVRS_DEVICES_RANGE);
	assert_int_equal(r[2].first, 0x0100);
	assert_int_equal(r[2].last, 0x01ff);

	assert_int_equal(r[3].end, IVRS_PHYS_LIMIT);
	assert_true(r[3].write);
	assert_false(r[3].read);
}

/* A 40h block with ACPI HID devices, pads and every entry type the
 * specification defines; reserved fixed-size types are skipped, said
 * once. */
static void test_every_device_entry_and_reserved_ones(void **state)
{
	size_t at;

	(void)state;
	at = ivhd(IVRS_TYPE_IVHD_40, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, QEMU_EFR);
	dev4(IVRS_DEV_PAD4, 0);
	dev4(IVRS_DEV_ALL, 0);
	dev4(IVRS_DEV_SELECT, 0x0010);
	dev4(IVRS_DEV_START, 0x0100);
	dev4(IVRS_DEV_END, 0x01ff);
	dev8(IVRS_DEV_PAD8, 0, 0);
	dev8(IVRS_DEV_ALIAS_SELECT, 0x0200, 0x0300u << 8);
	dev8(IVRS_DEV_ALIAS_START, 0x0300, 0x0300u << 8);
	dev4(IVRS_DEV_END, 0x03ff);
	dev8(IVRS_DEV_EXT_SELECT, 0x0400, 1u << 31);
	dev8(IVRS_DEV_EXT_START, 0x0500, 0);
	dev4(IVRS_DEV_END, 0x0500);		/* a range of one */
	special_ioapic();
	acpi_hid(0x00a5, 9);
	acpi_hid(0x00a6, 0);
	dev4(0x05, 0x0600);			/* reserved, 4 bytes */
	dev8(0x41, 0x0700, 0xffffffff);		/* reserved, 8 bytes */
	dev4(0x3f, 0x0800);
	dev8(0x7f, 0x0900, 0);
	dev4(IVRS_DEV_SELECT, 0x0a00);		/* read past them */
	end(at);
	finish();
	log_reset();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.units[0].entries, 20);
	assert_int_equal(v.unknown_entries, 4);
	assert_int_equal(log_count("skiff: ivrs: skipping a device entry of reserved type"), 1);
	assert_log_contains("skiff: ivrs: skipping a device entry of reserved type 0x5 at offset "
			    "0xd9 (and any more such)");
}

static void test_unknown_blocks_are_skipped(void **state)
{
	size_t at;

	(void)state;
	at = open_block(0x50, 0);
	append_le(0x1122334455667788ull, 8);
	end(at);
	build_qemu();
	at = open_block(0x12, 0);		/* a newer IVHD type skiff does not know */
	end(at);
	finish();
	log_reset();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.unit_count, 1);
	assert_int_equal(v.unknown_count, 2);
	assert_int_equal(log_count("skiff: ivrs: skipping a block"), 1);
	assert_log_contains("skiff: ivrs: skipping a block of type 0x50 at offset 0x30, newer than "
			    "skiff knows (and any more such)");
}

/* ---- malformed tables ---- */

static void test_bad_header_is_refused(void **state)
{
	(void)state;
	build_qemu();
	finish();
	tlen = 20;
	assert_refused(-EINVAL, "skiff: ivrs: 20 bytes, shorter than its 48-byte header");

	begin(QEMU_IVINFO);
	build_qemu();
	finish();
	memcpy(tbl, "DMAR", 4);
	assert_refused(-EINVAL, "skiff: ivrs: the table's signature is not \"IVRS\"");

	begin(QEMU_IVINFO);
	finish_len(40);
	assert_refused(-EINVAL, "skiff: ivrs: length 40 is shorter than its 48-byte header");

	begin(QEMU_IVINFO);
	build_qemu();
	finish_len((uint32_t)tlen + 4);
	assert_refused(-EINVAL, "skiff: ivrs: length 92 runs past the 88 bytes mapped");

	begin(QEMU_IVINFO);
	build_qemu();
	finish();
	tbl[IVRS_IVINFO_OFFSET] ^= 1;
	assert_refused(-EINVAL, "skiff: ivrs: checksum bad");
}

static void test_no_iommu_is_refused(void **state)
{
	(void)state;
	finish();
	assert_refused(-ENODEV, "skiff: ivrs: the table describes no IOMMU");

	begin(QEMU_IVINFO);
	ivmd(IVRS_TYPE_IVMD_ALL, IVRS_IVMD_UNITY, 0, 0, 0x9d000000, 0x1000);
	open_block(0x50, 0);
	tbl[tlen - 2] = 4;
	finish();
	assert_refused(-ENODEV, "skiff: ivrs: the table describes no IOMMU (no IVHD block of type "
		       "0x10, 0x11 or 0x40)");
}

static void test_bad_block_lengths_are_refused(void **state)
{
	static const struct { uint8_t type; uint16_t len; const char *msg; } bad[] = {
		{ 0x10, 0, "block of type 0x10 at offset 0x58 has length 0, shorter than the 24" },
		{ 0x50, 0, "block of type 0x50 at offset 0x58 has length 0, shorter than the 4 " },
		{ 0x50, 3, "block of type 0x50 at offset 0x58 has length 3, shorter than the 4 " },
		{ 0x10, 23, "block of type 0x10 at offset 0x58 has length 23, shorter than the 24 "
			    "its type needs" },
		{ 0x11, 24, "type 0x11 at offset 0x58 has length 24, shorter than the 40 " },
		{ 0x40, 39, "type 0x40 at offset 0x58 has length 39, shorter than the 40 " },
		{ 0x20, 24, "type 0x20 at offset 0x58 has length 24, shorter than the 32 " },
		{ 0x22, 31, "type 0x22 at offset 0x58 has length 31, shorter than the 32 " },
		{ 0x21, 41, "block of type 0x21 at offset 0x58 has length 41 and runs past the "
			    "table's end at 0x80" },
		{ 0x10, 0xffff, "type 0x10 at offset 0x58 has length 65535 and runs past" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(QEMU_IVINFO);
		build_qemu();
		open_block(bad[i].type, 0);
		put_le(tlen - 2, bad[i].len, 2);
		tlen += 36;			/* room, so only the length is wrong */
		finish();
		assert_refused(-EINVAL, bad[i].msg);
	}
	/* Bytes after the last block too few for a block's header. */
	begin(QEMU_IVINFO);
	build_qemu();
	append_le(0x10, 1);
	append_le(0, 2);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: block at offset 0x58 runs past the table's end at "
		       "0x5b");
}

static void test_bad_iommu_base_is_refused(void **state)
{
	static const uint64_t bad[] = { 0, 0xfed81000, 0xfed80010, IVRS_PHYS_LIMIT,
					IVRS_PHYS_LIMIT - 0x2000, 0xffffffffffffc000ull };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char msg[160];

		begin(QEMU_IVINFO);
		unit(IVRS_TYPE_IVHD_11, QEMU_DEVID, bad[i], 0);
		finish();
		snprintf(msg, sizeof(msg), "skiff: ivrs: IVHD type 0x11 at offset 0x30: IOMMU base "
			 "address 0x%llx is not a nonzero 16 KiB-aligned address with its 16 KiB "
			 "of registers below 2^52", (unsigned long long)bad[i]);
		assert_refused(-EINVAL, msg);
	}
	/* The last 16 KiB below 2^52 is fine. */
	begin(QEMU_IVINFO);
	unit(IVRS_TYPE_IVHD_10, QEMU_DEVID, IVRS_PHYS_LIMIT - 0x4000, 0);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.units[0].base, IVRS_PHYS_LIMIT - 0x4000);
}

static void test_overlapping_iommus_are_refused(void **state)
{
	(void)state;
	unit(IVRS_TYPE_IVHD_10, 0x0002, 0xfd200000, 0);
	unit(IVRS_TYPE_IVHD_10, 0x4002, 0xfd204000, 0);	/* just past: fine */
	unit(IVRS_TYPE_IVHD_10, 0x8002, 0xfd1fc000, 0);	/* just before: fine */
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.unit_count, 3);

	/* Bases apart, registers not: not possible at 16 KiB alignment, so
	 * the overlap is the same base in two segments. */
	begin(QEMU_IVINFO);
	unit(IVRS_TYPE_IVHD_10, 0x0002, 0xfd200000, 0);
	unit(IVRS_TYPE_IVHD_11, 0x0002, 0xfd200000, 1);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: overlapping IOMMUs: the IVHD at offset 0x30 has "
		       "registers at 0xfd200000 (segment 0), the IVHD at offset 0x50 at "
		       "0xfd200000 (segment 1)");
}

static void test_blocks_of_one_iommu_that_disagree_are_refused(void **state)
{
	size_t at;

	(void)state;
	unit(IVRS_TYPE_IVHD_10, QEMU_DEVID, QEMU_BASE, 0);
	unit(IVRS_TYPE_IVHD_11, QEMU_DEVID, QEMU_BASE, 0);
	unit(IVRS_TYPE_IVHD_10, QEMU_DEVID, QEMU_BASE, 0);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVHD type 0x10 at offset 0x80 describes the IOMMU "
		       "at 0xfed80000 of segment 0 a second time in a block of that type");

	begin(QEMU_IVINFO);
	unit(IVRS_TYPE_IVHD_10, QEMU_DEVID, QEMU_BASE, 0);
	unit(IVRS_TYPE_IVHD_11, 0x0010, QEMU_BASE, 0);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVHD blocks at offsets 0x30 and 0x50 describe the "
		       "IOMMU at 0xfed80000 of segment 0 as different PCI functions (DeviceID "
		       "0x0018, capability at 0x40; DeviceID 0x0010, capability at 0x40)");

	begin(QEMU_IVINFO);
	unit(IVRS_TYPE_IVHD_40, QEMU_DEVID, QEMU_BASE, 0);
	at = ivhd(IVRS_TYPE_IVHD_10, 0, QEMU_DEVID, 0x64, QEMU_BASE, 0, 0);
	end(at);
	finish();
	assert_refused(-EINVAL, "(DeviceID 0x0018, capability at 0x40; DeviceID 0x0018, "
		       "capability at 0x64)");
}

static void test_bad_device_entries_are_refused(void **state)
{
	size_t at;

	(void)state;
	/* An 8-byte entry with 4 bytes of the block left. */
	at = ivhd(IVRS_TYPE_IVHD_10, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	dev4(IVRS_DEV_SELECT, 0x0010);
	dev4(IVRS_DEV_SPECIAL, 0x0000);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVHD type 0x10 at offset 0x30: device entry of type "
		       "0x48 at offset 0x4c needs 8 bytes and runs past the block's end at 0x50");

	/* A 4-byte entry cut short by the block's length. */
	begin(QEMU_IVINFO);
	at = ivhd(IVRS_TYPE_IVHD_10, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	dev4(IVRS_DEV_ALL, 0);
	end(at);
	put_le(at + 2, tlen - at - 2, 2);
	append_le(0x50, 1);			/* the rest: a block of its own */
	append_le(0, 1);
	append_le(0, 2);
	finish();
	assert_refused(-EINVAL, "device entry of type 0x1 at offset 0x48 needs 4 bytes and runs "
		       "past the block's end at 0x4a");

	/* An ACPI HID entry whose fixed part or UID runs past the block. */
	begin(QEMU_IVINFO);
	at = ivhd(IVRS_TYPE_IVHD_40, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	acpi_hid(0x00a5, 4);
	end(at);
	put_le(at + 2, tlen - at - 1, 2);
	append_le(0, 3);			/* the rest of the table: no block */
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVHD type 0x40 at offset 0x30: ACPI HID device entry "
		       "at offset 0x58 has a UID of 4 bytes, which runs past the block's end at "
		       "0x71");

	begin(QEMU_IVINFO);
	at = ivhd(IVRS_TYPE_IVHD_40, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	dev8(IVRS_DEV_ACPI_HID, 0x00a5, 0);
	dev8(0, 0, 0);
	end(at);
	finish();
	assert_refused(-EINVAL, "device entry of type 0xf0 at offset 0x58 needs 22 bytes and runs "
		       "past the block's end at 0x68");

	/* Reserved variable-length types: where they end is unknown. */
	for (unsigned type = 0x80; type <= 0xff; type += 0x3f) {
		char msg[160];

		begin(QEMU_IVINFO);
		at = ivhd(IVRS_TYPE_IVHD_40, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
		dev8((uint8_t)type, 0x0010, 0);
		dev8((uint8_t)type, 0x0010, 0);
		end(at);
		finish();
		snprintf(msg, sizeof(msg), "skiff: ivrs: IVHD type 0x40 at offset 0x30: device "
			 "entry at offset 0x58 has type 0x%x, reserved and of variable length, so "
			 "its end is unknown", type);
		assert_refused(-EINVAL, msg);
	}
}

static void test_unpaired_ranges_are_refused(void **state)
{
	static const struct { uint8_t a, b; uint16_t first, last; const char *msg; } bad[] = {
		{ IVRS_DEV_START, IVRS_DEV_SELECT, 0, 0xff,
		  "IVHD type 0x10 at offset 0x30: the start of range at offset 0x48 is followed by "
		  "a device entry of type 0x2, not its end of range" },
		{ IVRS_DEV_ALIAS_START, IVRS_DEV_START, 0, 0xff,
		  "the start of range at offset 0x48 is followed by a device entry of type 0x3" },
		{ IVRS_DEV_SELECT, IVRS_DEV_END, 0, 0xff,
		  "IVHD type 0x10 at offset 0x30: end of range at offset 0x4c with no start of "
		  "range before it" },
		{ IVRS_DEV_EXT_START, IVRS_DEV_END, 0x0100, 0x00ff,
		  "IVHD type 0x10 at offset 0x30: the range of DeviceIDs 0x0100..0x00ff at offset "
		  "0x48 ends before it starts" },
	};
	size_t at;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(QEMU_IVINFO);
		at = ivhd(IVRS_TYPE_IVHD_10, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
		if (bad[i].a >= IVRS_DEV_PAD8)
			dev8(bad[i].a, bad[i].first, 0);
		else
			dev4(bad[i].a, bad[i].first);
		dev4(bad[i].b, bad[i].last);
		end(at);
		finish();
		assert_refused(-EINVAL, bad[i].msg);
	}
	/* A range still open at the block's end, even if the next block
	 * starts with an end of range. */
	begin(QEMU_IVINFO);
	at = ivhd(IVRS_TYPE_IVHD_10, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	dev4(IVRS_DEV_START, 0);
	end(at);
	at = ivhd(IVRS_TYPE_IVHD_11, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, 0);
	dev4(IVRS_DEV_END, 0xff);
	end(at);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVHD type 0x10 at offset 0x30: the start of range at "
		       "offset 0x48 has no end of range before the block's end at 0x4c");
}

static void test_bad_ivmds_are_refused(void **state)
{
	static const struct { uint64_t start, len; const char *msg; } bad[] = {
		{ 0x9d000000, 0, "skiff: ivrs: IVMD type 0x21 at offset 0x58: the memory block "
				 "of 0x0 bytes at 0x9d000000 is empty or runs past the 52-bit "
				 "physical address space" },
		{ 0xfffffffffffff000ull, 0x2000, "the memory block of 0x2000 bytes at "
						 "0xfffffffffffff000 is empty or runs past" },
		{ IVRS_PHYS_LIMIT - 0x1000, 0x1001, "the memory block of 0x1001 bytes at "
						     "0xffffffffff000 is empty" },
		{ IVRS_PHYS_LIMIT, 0x1000, "of 0x1000 bytes at 0x10000000000000 is empty" },
		{ 0x1000, 0xffffffffffffffffull, "of 0xffffffffffffffff bytes at 0x1000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin(QEMU_IVINFO);
		build_qemu();
		ivmd(IVRS_TYPE_IVMD_SELECT, IVRS_IVMD_UNITY, 0x10, 0, bad[i].start, bad[i].len);
		finish();
		assert_refused(-EINVAL, bad[i].msg);
	}
	begin(QEMU_IVINFO);
	build_qemu();
	ivmd(IVRS_TYPE_IVMD_RANGE, IVRS_IVMD_UNITY, 0x0200, 0x01ff, 0x9d000000, 0x1000);
	finish();
	assert_refused(-EINVAL, "skiff: ivrs: IVMD type 0x22 at offset 0x58: the peripherals "
		       "0x0200..0x01ff end before they start");
	/* 21h has no range: its Auxiliary Data is not read as one. */
	begin(QEMU_IVINFO);
	build_qemu();
	ivmd(IVRS_TYPE_IVMD_SELECT, IVRS_IVMD_UNITY, 0x0200, 0x01ff, 0x9d000000, 0x1000);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.ranges[0].last, 0x0200);
}

static void test_more_than_skiff_keeps_is_refused(void **state)
{
	(void)state;
	/* As many IOMMUs as kept, each in two blocks, and as many IVMDs. */
	for (unsigned i = 0; i < IVRS_UNITS_MAX; i++) {
		unit(IVRS_TYPE_IVHD_10, (uint16_t)(i << 12), 0xfd000000 + i * 0x100000u, 0);
		unit(IVRS_TYPE_IVHD_11, (uint16_t)(i << 12), 0xfd000000 + i * 0x100000u, 0);
	}
	for (unsigned i = 0; i < IVRS_RANGES_MAX; i++)
		ivmd(IVRS_TYPE_IVMD_ALL, IVRS_IVMD_UNITY, 0, 0, 0x9d000000 + i * 0x1000u, 0x1000);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.unit_count, IVRS_UNITS_MAX);
	assert_int_equal(v.ivhd_count, 2 * IVRS_UNITS_MAX);
	assert_int_equal(v.range_count, IVRS_RANGES_MAX);

	/* One more of either. */
	unit(IVRS_TYPE_IVHD_40, 0xf000, 0xfe000000, 0);
	finish();
	assert_refused(-E2BIG, "skiff: ivrs: more than 8 IOMMUs (IVRS_UNITS_MAX): the IVHD at "
		       "offset 0x4b0 is one too many");

	begin(QEMU_IVINFO);
	build_qemu();
	for (unsigned i = 0; i <= IVRS_RANGES_MAX; i++)
		ivmd(IVRS_TYPE_IVMD_ALL, IVRS_IVMD_UNITY, 0, 0, 0x9d000000 + i * 0x1000u, 0x1000);
	finish();
	assert_refused(-E2BIG, "skiff: ivrs: more than 16 IVMD blocks (IVRS_RANGES_MAX): the one "
		       "at offset 0x258 is one too many");
}

/* A good table cut short anywhere, its length and checksum fixed to the
 * cut: refused with a word, or (cut between blocks) parsed. */
static void build_full(void)
{
	size_t at;

	begin(QEMU_IVINFO);
	build_qemu();
	at = ivhd(IVRS_TYPE_IVHD_40, 0, QEMU_DEVID, QEMU_CAP, QEMU_BASE, 0, QEMU_EFR);
	dev4(IVRS_DEV_START, 0);
	dev4(IVRS_DEV_END, 0xff);
	acpi_hid(0x00a5, 9);
	special_ioapic();
	end(at);
	ivmd(IVRS_TYPE_IVMD_RANGE, IVRS_IVMD_UNITY | IVRS_IVMD_IR, 0x10, 0x20, 0x9d000000, 0x1000);
}

static void test_every_truncation_is_refused_or_parsed(void **state)
{
	(void)state;
	build_full();
	size_t full = tlen;

	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(v.units[0].entries, 4);
	for (size_t n = IVRS_HEADER_SIZE; n < full; n++) {
		int rc;

		build_full();
		tlen = n;
		finish();
		log_reset();
		rc = parse();
		if (rc != 0)
			assert_true(unit_log[0] != '\0');
		else
			assert_true(v.unit_count == 1 && v.range_count == 0);
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_qemu_amd_iommu),
		T(test_one_iommu_in_10h_and_11h_is_one_unit),
		T(test_two_iommus),
		T(test_ivmd_ranges),
		T(test_every_device_entry_and_reserved_ones),
		T(test_unknown_blocks_are_skipped),
		T(test_bad_header_is_refused),
		T(test_no_iommu_is_refused),
		T(test_bad_block_lengths_are_refused),
		T(test_bad_iommu_base_is_refused),
		T(test_overlapping_iommus_are_refused),
		T(test_blocks_of_one_iommu_that_disagree_are_refused),
		T(test_bad_device_entries_are_refused),
		T(test_unpaired_ranges_are_refused),
		T(test_bad_ivmds_are_refused),
		T(test_more_than_skiff_keeps_is_refused),
		T(test_every_truncation_is_refused_or_parsed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
