#include "support.h"

#include "vm/ipi.h"

/*
 * The x2APIC ICR as skiff reads the guest's writes (vm/ipi.h): which
 * IPIs are INITs, and which CPUs an IPI reaches (SDM Vol. 3A 11.6.1,
 * 11.12.9, 11.12.10.2).
 */

static uint64_t icr(uint32_t dest, uint32_t low)
{
	return (uint64_t)dest << 32 | low;
}

#define INIT_ASSERT	(ICR_MODE_INIT << ICR_MODE_SHIFT | ICR_ASSERT)
#define STARTUP(v)	(ICR_MODE_STARTUP << ICR_MODE_SHIFT | ICR_ASSERT | (v))

static void test_decode(void **state)
{
	struct vm_icr d;

	(void)state;
	d = vm_icr_decode(icr(5, INIT_ASSERT));
	assert_int_equal(d.mode, ICR_MODE_INIT);
	assert_int_equal(d.dest, 5);
	assert_int_equal(d.shorthand, ICR_TO_DEST);
	assert_false(d.logical);
	assert_false(d.init_deassert);
	d = vm_icr_decode(icr(0, STARTUP(8)));
	assert_int_equal(d.mode, ICR_MODE_STARTUP);
	/* INIT level de-assert: level 0, trigger level (11.6.1). */
	d = vm_icr_decode(icr(0, ICR_MODE_INIT << ICR_MODE_SHIFT | ICR_LEVEL | 3u << ICR_SHORTHAND_SHIFT));
	assert_true(d.init_deassert);
	assert_int_equal(d.shorthand, ICR_TO_OTHERS);
	/* An INIT with level assert and trigger level is no de-assert. */
	d = vm_icr_decode(icr(0, INIT_ASSERT | ICR_LEVEL));
	assert_false(d.init_deassert);
}

static void test_physical_and_shorthands(void **state)
{
	struct vm_icr d;

	(void)state;
	d = vm_icr_decode(icr(2, INIT_ASSERT));
	assert_true(vm_icr_reaches(&d, 0, 2));
	assert_false(vm_icr_reaches(&d, 0, 1));
	assert_false(vm_icr_reaches(&d, 0, 0));
	d = vm_icr_decode(icr(X2APIC_BROADCAST, INIT_ASSERT));
	assert_true(vm_icr_reaches(&d, 0, 0));
	assert_true(vm_icr_reaches(&d, 0, 77));
	d = vm_icr_decode(icr(9, INIT_ASSERT | ICR_TO_SELF << ICR_SHORTHAND_SHIFT));
	assert_true(vm_icr_reaches(&d, 3, 3));
	assert_false(vm_icr_reaches(&d, 3, 9));	/* the shorthand wins over dest */
	d = vm_icr_decode(icr(0, INIT_ASSERT | ICR_TO_ALL << ICR_SHORTHAND_SHIFT));
	assert_true(vm_icr_reaches(&d, 3, 3));
	assert_true(vm_icr_reaches(&d, 3, 0));
	d = vm_icr_decode(icr(0, INIT_ASSERT | ICR_TO_OTHERS << ICR_SHORTHAND_SHIFT));
	assert_false(vm_icr_reaches(&d, 3, 3));
	assert_true(vm_icr_reaches(&d, 3, 0));
}

/* x2APIC logical: cluster in 31:16, a bit per member in 15:0; member n
 * of cluster c is x2APIC ID 16c + n. */
static void test_logical_clusters(void **state)
{
	struct vm_icr d;

	(void)state;
	d = vm_icr_decode(icr(0x00000006, INIT_ASSERT | ICR_LOGICAL));	/* cluster 0: 1, 2 */
	assert_false(vm_icr_reaches(&d, 0, 0));
	assert_true(vm_icr_reaches(&d, 0, 1));
	assert_true(vm_icr_reaches(&d, 0, 2));
	assert_false(vm_icr_reaches(&d, 0, 3));
	assert_false(vm_icr_reaches(&d, 0, 17));	/* cluster 1, member 1 */
	d = vm_icr_decode(icr(0x00010002, INIT_ASSERT | ICR_LOGICAL));	/* cluster 1: 1 */
	assert_true(vm_icr_reaches(&d, 0, 17));
	assert_false(vm_icr_reaches(&d, 0, 1));
}

/* The xAPIC ICR's two words (SDM 11.6.1): the destination is ICR_HIGH's
 * top byte, and its 0xff is the physical broadcast. */
static void test_xapic_words(void **state)
{
	struct vm_icr d;

	(void)state;
	d = vm_icr_decode(vm_icr_from_xapic(INIT_ASSERT, 1u << 24));
	assert_int_equal(d.mode, ICR_MODE_INIT);
	assert_int_equal(d.dest, 1);
	assert_true(vm_icr_reaches(&d, 0, 1));
	assert_false(vm_icr_reaches(&d, 0, 0));
	/* Bits 23:0 of ICR_HIGH are reserved: not part of the destination. */
	d = vm_icr_decode(vm_icr_from_xapic(STARTUP(8), 2u << 24 | 0xabcdef));
	assert_int_equal(d.dest, 2);
	assert_int_equal(d.mode, ICR_MODE_STARTUP);
	d = vm_icr_decode(vm_icr_from_xapic(INIT_ASSERT, 0xffu << 24));
	assert_int_equal(d.dest, X2APIC_BROADCAST);
	assert_true(vm_icr_reaches(&d, 0, 0));
	assert_true(vm_icr_reaches(&d, 0, 3));
	d = vm_icr_decode(vm_icr_from_xapic(INIT_ASSERT | 3u << ICR_SHORTHAND_SHIFT, 0));
	assert_false(vm_icr_reaches(&d, 1, 1));
	assert_true(vm_icr_reaches(&d, 1, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_physical_and_shorthands),
		cmocka_unit_test(test_logical_clusters),
		cmocka_unit_test(test_xapic_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
