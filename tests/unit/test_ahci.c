/* The AHCI structures in memory (drivers/ahci_cmd.h): each field at the
 * byte and bit Serial ATA AHCI 1.3.1 and SATA 3.x put it. */
#include "support.h"

#include <string.h>

#include "drivers/ahci_cmd.h"

/* The FIS as the HBA reads it: bytes, not fields. */
static void fis_bytes(uint64_t lba, uint16_t count, uint8_t out[20])
{
	struct sata_fis_h2d fis = ahci_fis_read_dma_ext(lba, count);

	memcpy(out, &fis, sizeof(fis));
}

static void test_read_dma_ext_fis(void **state)
{
	uint8_t b[20];
	const uint8_t want[20] = {
		0x27, 0x80, 0x25, 0x00,		/* type, C, command, features 7:0 */
		0x66, 0x55, 0x44, 0x40,		/* LBA 7:0, 15:8, 23:16, device (LBA) */
		0x33, 0x22, 0x11, 0x00,		/* LBA 31:24, 39:32, 47:40, features 15:8 */
		0x01, 0x00, 0x00, 0x00,		/* count 7:0, 15:8, ICC, control */
		0x00, 0x00, 0x00, 0x00,
	};

	(void)state;
	fis_bytes(0x112233445566ull, 1, b);
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(SATA_FIS_H2D_DWORDS, 5);
}

/* Bits of the LBA beyond 48 are not the FIS's; the count's high byte is. */
static void test_fis_count_and_lba_bounds(void **state)
{
	uint8_t b[20];

	(void)state;
	fis_bytes(0xff00000000000000ull | 7, 0x1234, b);
	assert_int_equal(b[4], 7);
	assert_int_equal(b[10], 0);
	assert_int_equal(b[12], 0x34);
	assert_int_equal(b[13], 0x12);
}

static void test_command_header(void **state)
{
	struct ahci_cmd_header h = ahci_cmd_header(5, false, 1, 0x12345680ull);
	uint32_t dw[8];

	(void)state;
	memcpy(dw, &h, sizeof(h));
	assert_int_equal(dw[0], 0x00010005u);	/* PRDTL 1, CFL 5, W 0 */
	assert_int_equal(dw[1], 0);		/* PRDBC */
	assert_int_equal(dw[2], 0x12345680u);
	assert_int_equal(dw[3], 0);
	for (int i = 4; i < 8; i++)
		assert_int_equal(dw[i], 0);
}

static void test_command_header_write_and_high_table(void **state)
{
	struct ahci_cmd_header h = ahci_cmd_header(5, true, 3, 0x100000000ull + 0x1000 + 0x7f);

	(void)state;
	assert_int_equal(h.dw0, (3u << 16) | AHCI_CMDH_WRITE | 5);
	assert_int_equal(h.ctba, 0x1000u);	/* bits 6:0 reserved */
	assert_int_equal(h.ctbau, 1);
}

static void test_prd(void **state)
{
	struct ahci_prd p = ahci_prd(0x1fff000ull, 512, false);
	uint32_t dw[4];

	(void)state;
	memcpy(dw, &p, sizeof(p));
	assert_int_equal(dw[0], 0x1fff000u);
	assert_int_equal(dw[1], 0);
	assert_int_equal(dw[2], 0);
	assert_int_equal(dw[3], 511);		/* DBC = bytes - 1, I = 0 */
}

static void test_prd_high_buffer_and_irq(void **state)
{
	struct ahci_prd p = ahci_prd(0x234567800ull, AHCI_PRD_BYTES_MAX, true);

	(void)state;
	assert_int_equal(p.dba, 0x34567800u);
	assert_int_equal(p.dbau, 2);
	assert_int_equal(p.dw3, AHCI_PRD_IRQ | 0x3fffff);
}

static void test_command_table_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct ahci_cmd_table, cfis), 0x00);
	assert_int_equal(offsetof(struct ahci_cmd_table, acmd), 0x40);
	assert_int_equal(offsetof(struct ahci_cmd_table, prdt), 0x80);
	assert_int_equal(sizeof(struct ahci_cmd_table), 0x90);
	assert_int_equal(AHCI_CMD_LIST_SIZE, 1024);
}

static void test_dma_reachable(void **state)
{
	(void)state;
	assert_true(ahci_dma_reachable(0x1000, 4096, false));
	assert_true(ahci_dma_reachable(0xfffff000ull, 4096, false));	/* ends at 4 GiB */
	assert_false(ahci_dma_reachable(0xfffff000ull, 4097, false));
	assert_false(ahci_dma_reachable(0x100000000ull, 512, false));
	assert_true(ahci_dma_reachable(0x100000000ull, 512, true));
	assert_false(ahci_dma_reachable(0, 512, true));
	assert_false(ahci_dma_reachable(0x1000, 0, true));
	assert_false(ahci_dma_reachable(UINT64_MAX - 10, 512, true));	/* wraps */
}

static void test_read_range(void **state)
{
	(void)state;
	assert_true(ahci_read_range_ok(0, 1));
	assert_true(ahci_read_range_ok(ATA_LBA48_MAX, 1));
	assert_false(ahci_read_range_ok(ATA_LBA48_MAX, 2));
	assert_false(ahci_read_range_ok(ATA_LBA48_MAX + 1, 1));
	assert_false(ahci_read_range_ok(0, 0));
	assert_true(ahci_read_range_ok(0, 0xffff));
	assert_false(ahci_read_range_ok(0, 0x10000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_dma_ext_fis),
		cmocka_unit_test(test_fis_count_and_lba_bounds),
		cmocka_unit_test(test_command_header),
		cmocka_unit_test(test_command_header_write_and_high_table),
		cmocka_unit_test(test_prd),
		cmocka_unit_test(test_prd_high_buffer_and_irq),
		cmocka_unit_test(test_command_table_layout),
		cmocka_unit_test(test_dma_reachable),
		cmocka_unit_test(test_read_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
