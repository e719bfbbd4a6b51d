/* The MCFG parser (drivers/mcfg.h): windows from well-formed tables, and a
 * clear refusal of every malformed one. */
#include "support.h"

#include <string.h>

#include "drivers/mcfg.h"
#include "lib/errno.h"

static uint8_t table[MCFG_HEADER_SIZE + 4 * MCFG_ENTRY_SIZE];

static void put(unsigned i, uint64_t base, uint16_t segment, uint8_t start, uint8_t end)
{
	uint8_t *e = table + MCFG_HEADER_SIZE + i * MCFG_ENTRY_SIZE;

	memcpy(e, &base, 8);
	memcpy(e + 8, &segment, 2);
	e[10] = start;
	e[11] = end;
}

static void test_one_window(void **state)
{
	struct mcfg_window w[2];

	(void)state;
	memset(table, 0, sizeof(table));
	put(0, 0xb0000000u, 0, 0, 255);		/* QEMU q35's */
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + MCFG_ENTRY_SIZE, w, 2), 1);
	assert_int_equal(w[0].base, 0xb0000000u);
	assert_int_equal(w[0].size, 256u << 20);
	assert_int_equal(w[0].start_bus, 0);
	assert_int_equal(w[0].end_bus, 255);
}

/* The base is bus 0's: a window starting at bus 0x80 begins 128 MiB on. */
static void test_start_bus_offsets_the_window(void **state)
{
	struct mcfg_window w[1];

	(void)state;
	memset(table, 0, sizeof(table));
	put(0, 0xe0000000u, 1, 0x80, 0x8f);
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + MCFG_ENTRY_SIZE, w, 1), 1);
	assert_int_equal(w[0].base, 0xe0000000u + (0x80u << 20));
	assert_int_equal(w[0].size, 16u << 20);
	assert_int_equal(w[0].segment, 1);
}

/* More windows than the caller keeps: the count says so. */
static void test_count_beyond_max(void **state)
{
	struct mcfg_window w[1];

	(void)state;
	memset(table, 0, sizeof(table));
	put(0, 0xe0000000u, 0, 0, 0);
	put(1, 0xf0000000u, 1, 0, 0);
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + 2 * MCFG_ENTRY_SIZE, w, 1), 2);
	assert_int_equal(w[0].base, 0xe0000000u);
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE, w, 1), 0);	/* no entries */
}

static void test_malformed(void **state)
{
	struct mcfg_window w[4];

	(void)state;
	memset(table, 0, sizeof(table));
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE - 1, w, 4), -EINVAL);
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + 8, w, 4), -EINVAL);	/* half an entry */
	put(0, 0xe0000000u, 0, 9, 8);					/* end before start */
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + MCFG_ENTRY_SIZE, w, 4), -EINVAL);
	put(0, 0xe0001000u, 0, 0, 8);					/* not 1 MiB-aligned */
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + MCFG_ENTRY_SIZE, w, 4), -EINVAL);
	put(0, 0xfffffffffff00000ull, 0, 0, 1);				/* wraps */
	assert_int_equal(mcfg_parse(table, MCFG_HEADER_SIZE + MCFG_ENTRY_SIZE, w, 4), -EINVAL);
	assert_int_equal(mcfg_parse(table, (size_t)1 << 31, w, 4), -EINVAL);	/* absurd */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_window),
		cmocka_unit_test(test_start_bus_offsets_the_window),
		cmocka_unit_test(test_count_beyond_max),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
