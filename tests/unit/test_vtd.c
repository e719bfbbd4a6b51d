/* VT-d register decoding and table entries (drivers/vtd.h), against the
 * values QEMU 7.2's intel-iommu reports (../shared/notes/emulators.md). */
#include "support.h"

#include "drivers/vtd.h"

#define QEMU_VER	0x10
#define QEMU_CAP	0x00d2008c22260206ull
#define QEMU_ECAP	0xf00f4aull

static void test_qemu_caps(void **state)
{
	struct vtd_caps c = vtd_caps_decode(QEMU_VER, QEMU_CAP, QEMU_ECAP);

	(void)state;
	assert_int_equal(c.nd, 6);
	assert_int_equal(c.sagaw, 0x2);		/* 3 levels only */
	assert_int_equal(c.mgaw, 39);
	assert_int_equal(c.fro, 0x220);
	assert_int_equal(c.nfr, 1);
	assert_true(c.lp_2m);
	assert_true(c.lp_1g);
	assert_false(c.cm);
	assert_false(c.rwbf);
	assert_true(c.qi);
	assert_true(c.ir);
	assert_int_equal(c.iro, 0xf0);
	assert_int_equal(vtd_register_bytes(&c), 0x1000);
	assert_null(vtd_caps_unusable(&c, 4ull << 30));
	assert_int_equal(vtd_levels(&c, 4ull << 30), 3);
	assert_int_equal(vtd_levels(&c, 1ull << 40), 0);	/* beyond MGAW 39 */
	assert_non_null(vtd_caps_unusable(&c, 1ull << 40));
}

static void test_nonsense_registers(void **state)
{
	struct vtd_caps ones = vtd_caps_decode(0xffffffffu, ~0ull, ~0ull);
	struct vtd_caps zeros = vtd_caps_decode(0, 0, 0);
	struct vtd_caps no_walk = vtd_caps_decode(QEMU_VER, QEMU_CAP & ~(0x1full << 8), QEMU_ECAP);
	struct vtd_caps far = vtd_caps_decode(QEMU_VER, QEMU_CAP | (0x3ffull << 24), QEMU_ECAP);
	struct vtd_caps four = vtd_caps_decode(QEMU_VER, (QEMU_CAP & ~(0x1full << 8)) | (0x4ull << 8) |
					       (46ull << 16), QEMU_ECAP);

	(void)state;
	assert_string_equal(vtd_caps_unusable(&ones, 1ull << 32),
			    "its version register reads back nonsense");
	assert_string_equal(vtd_caps_unusable(&zeros, 1ull << 32),
			    "its version register reads back nonsense");
	assert_string_equal(vtd_caps_unusable(&no_walk, 1ull << 32),
			    "it walks neither 3- nor 4-level tables (CAP.SAGAW)");
	assert_int_equal(vtd_levels(&four, 1ull << 32), 4);	/* aw-bits=48: 4 levels */
	assert_int_equal(vtd_register_bytes(&far), 0x4000);	/* FRO 0x3ff0, 1 record */
	assert_null(vtd_caps_unusable(&far, 1ull << 32));
}

static void test_entries(void **state)
{
	uint64_t e[2];

	(void)state;
	vtd_root_entry(e, 0x12345000);
	assert_int_equal(e[0], 0x12345001);
	assert_int_equal(e[1], 0);
	vtd_context_entry(e, 0x6789a000, 3, VTD_GUEST_DID);
	assert_int_equal(e[0], 0x6789a001);
	assert_int_equal(e[1], 0x101);		/* DID 1, AW 1 (39-bit) */
	vtd_context_entry(e, 0x6789a000, 4, 7);
	assert_int_equal(e[1], 0x702);
}

/* The record QEMU wrote for an AHCI write to a non-present page. */
static void test_fault_record(void **state)
{
	struct vtd_fault f = vtd_fault_decode(0x1e0ff000ull | 0x123, 0x80ffff05000000faull);

	(void)state;
	assert_true(f.valid);
	assert_false(f.read);
	assert_int_equal(f.reason, 5);
	assert_int_equal(f.sid, 0xfa);		/* 00:1f.2 */
	assert_int_equal(f.addr, 0x1e0ff000ull);
	assert_string_equal(vtd_fault_reason(5), "the page is not mapped for writing");
	assert_string_equal(vtd_fault_reason(0x40), "a fault reason skiff does not name");
	f = vtd_fault_decode(0, 0x4000000600000008ull);
	assert_false(f.valid);
	assert_true(f.read);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_caps),
		cmocka_unit_test(test_nonsense_registers),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_fault_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
