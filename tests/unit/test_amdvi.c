/*
 * AMD-Vi's in-memory formats (drivers/amdvi.h), bit by bit where the AMD
 * IOMMU specification (48882) puts them: the device table entry skiff
 * gives every device, the four commands it issues, and the event log's
 * entries as the unit writes them.
 */
#include "support.h"

#include "drivers/amdvi.h"

#define ROOT	0x1fa40000ull

/* V, TV, Mode 4 at 11:9, the root at 51:12, IR 61, IW 62; domain 1 in the
 * second quadword; IV (bit 128) clear; nothing else set. */
static void test_dte(void **state)
{
	uint64_t d[4];

	(void)state;
	amdvi_dte(d, ROOT, 4, AMDVI_GUEST_DOMAIN);
	assert_int_equal(d[0], 0x1ull | 0x2ull | 4ull << 9 | ROOT | 1ull << 61 | 1ull << 62);
	assert_int_equal(d[1], 1);
	assert_int_equal(d[2], 0);
	assert_int_equal(d[3], 0);
	/* Bits of the root below 4 KiB or above 51 never leak into the entry. */
	amdvi_dte(d, 0xfff0000000000fffull, 3, 0xbeef);
	assert_int_equal(d[0] & 0x0ff0000000000ffcull, 3ull << 9);
	assert_int_equal(d[1], 0xbeef);
	assert_int_equal(AMDVI_DEV_TABLE_PAGES, 512);
}

static void test_commands(void **state)
{
	uint64_t c[2];

	(void)state;
	/* COMPLETION_WAIT: opcode 1 at 63:60, S (bit 0), the store address
	 * 51:3; the data in the second quadword. */
	amdvi_cmd_completion_wait(c, 0x1fa3d008ull, 0x1234);
	assert_int_equal(c[0], 1ull << 60 | 0x1fa3d008ull | 1);
	assert_int_equal(c[1], 0x1234);
	amdvi_cmd_completion_wait(c, 0x1fa3d00full, 7);	/* bits 2:0 are S, I, F */
	assert_int_equal(c[0] & 7, 1);
	/* INVALIDATE_DEVTAB_ENTRY: opcode 2, the device ID in 15:0. */
	amdvi_cmd_invalidate_devtab(c, 0x00fa);
	assert_int_equal(c[0], 2ull << 60 | 0xfa);
	assert_int_equal(c[1], 0);
	/* INVALIDATE_IOMMU_PAGES: opcode 3, the domain in 47:32; S, PDE and
	 * the all-pages address 0x7ffffffffffff000 in the second. */
	amdvi_cmd_invalidate_domain(c, 1);
	assert_int_equal(c[0], 3ull << 60 | 1ull << 32);
	assert_int_equal(c[1], 0x7ffffffffffff000ull | 2 | 1);
	/* INVALIDATE_IOMMU_ALL: opcode 8 and nothing else. */
	amdvi_cmd_invalidate_all(c);
	assert_int_equal(c[0], 8ull << 60);
	assert_int_equal(c[1], 0);
}

/* IO_PAGE_FAULT (code 2 at 63:60): the device ID in 15:0, PR at 52, RW at
 * 53, the address in the second quadword. */
static void test_events(void **state)
{
	const uint64_t write_absent[2] = { 2ull << 60 | 1ull << 53 | 0x00fa, 0x1fa3c000 };
	const uint64_t read_present[2] = { 2ull << 60 | 1ull << 52 | 0x0118, 0x7000 };
	const uint64_t illegal[2] = { 1ull << 60 | 0x0010, 0 };
	const uint64_t unknown[2] = { 0xfull << 60, 0 };
	struct amdvi_event e;

	(void)state;
	e = amdvi_event_decode(write_absent);
	assert_int_equal(e.code, AMDVI_EVENT_IO_PAGE_FAULT);
	assert_int_equal(e.devid, 0x00fa);
	assert_true(e.write);
	assert_false(e.present);
	assert_int_equal(e.addr, 0x1fa3c000);
	assert_string_equal(amdvi_event_text(&e), "the page is not mapped");
	e = amdvi_event_decode(read_present);
	assert_false(e.write);
	assert_true(e.present);
	assert_int_equal(e.devid, 0x0118);
	assert_string_equal(amdvi_event_text(&e), "the page is not mapped for reading");
	e = amdvi_event_decode(illegal);
	assert_int_equal(e.code, AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY);
	assert_string_equal(amdvi_event_text(&e), "its device table entry is malformed");
	e = amdvi_event_decode(unknown);
	assert_string_equal(amdvi_event_text(&e), "an event skiff does not name");
}

/* The ring: entries from head to tail, at most max a call, the rest left
 * for the next; the head wraps from the last entry to the first. */
static void test_event_ring(void **state)
{
	static uint64_t log[AMDVI_EVENT_LOG_BYTES / 8];
	struct amdvi_event e[4];
	uint32_t head = AMDVI_EVENT_LOG_BYTES - 2 * AMDVI_EVENT_BYTES;
	const uint32_t last = AMDVI_EVENT_LOG_BYTES / 8 - 2;

	(void)state;
	log[last - 2] = 2ull << 60 | 0x0a;	/* the next-to-last entry */
	log[last - 1] = 0x1000;
	log[last] = 2ull << 60 | 0x0b;		/* the last */
	log[last + 1] = 0x2000;
	log[0] = 1ull << 60 | 0x0c;		/* wrapped to the first */
	assert_int_equal(amdvi_events_take(log, &head, head, e, 4), 0);	/* empty */
	assert_int_equal(amdvi_events_take(log, &head, AMDVI_EVENT_BYTES, e, 2), 2);
	assert_int_equal(e[0].devid, 0x0a);
	assert_int_equal(e[0].addr, 0x1000);
	assert_int_equal(e[1].devid, 0x0b);
	assert_int_equal(head, 0);
	assert_int_equal(amdvi_events_take(log, &head, AMDVI_EVENT_BYTES, e, 4), 1);
	assert_int_equal(e[0].code, AMDVI_EVENT_ILLEGAL_DEV_TABLE_ENTRY);
	assert_int_equal(e[0].devid, 0x0c);
	assert_int_equal(head, AMDVI_EVENT_BYTES);
	assert_int_equal(amdvi_events_take(log, &head, AMDVI_EVENT_BYTES, e, 4), 0);
}

static void test_efr(void **state)
{
	(void)state;
	assert_null(amdvi_efr_unusable(0x29d3));	/* QEMU's */
	assert_null(amdvi_efr_unusable(0));
	assert_non_null(amdvi_efr_unusable(~0ull));
	assert_int_equal(AMDVI_EFR_HATS(0x29d3), 2);	/* up to 6 levels */
	assert_true(0x29d3 & AMDVI_EFR_IA_SUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dte),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_event_ring),
		cmocka_unit_test(test_efr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
