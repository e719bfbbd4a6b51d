#include "support.h"

#include <stdbool.h>
#include <string.h>

#include "drivers/acpi.h"
#include "lib/errno.h"

/*
 * Synthetic firmware: fake physical memory holding hand-built ACPI tables,
 * and a simulated chipset that records every register write acpi.c makes.
 */

#define FAKE_MEM_SIZE	0x200000
static uint8_t fake_mem[FAKE_MEM_SIZE];

/* Where the tests put things in fake physical memory. */
#define RSDT_AT		0x100000
#define XSDT_AT		0x101000
#define FADT_AT		0x102000
#define DSDT_AT		0x103000
#define SSDT_AT		0x104000
#define APIC_AT		0x105000
#define DSDT2_AT	0x106000
#define EMPTY_AT	0x1ff000	/* zeros: no table */

/* The simulated chipset (like QEMU's PIIX4 PM). */
#define SMI_CMD_PORT	0xb2
#define ACPI_ENABLE_CMD	0xf1
#define PM1A_CNT_PORT	0x604
#define PM1B_CNT_PORT	0x608
#define SLP_EN		0x2000
#define SCI_EN		0x0001

/* The unchecked \_S5_ byte patterns below, spelled out. */
#define NAME_S5		0x08, '_', 'S', '5', '_'
#define NAME_ROOT_S5	0x08, '\\', '_', 'S', '5', '_'
#define NAME_PARENT_S5	0x08, '^', '_', 'S', '5', '_'
#define PACKAGE		0x12

const void *acpi_map(uint64_t phys, uint64_t len)
{
	if (phys == 0 || phys >= FAKE_MEM_SIZE || len > FAKE_MEM_SIZE - phys)
		return NULL;
	return fake_mem + phys;
}

struct reg_write {
	uint8_t space;
	uint64_t addr;
	unsigned int bytes;
	uint16_t value;
};

static struct reg_write writes[16];
static unsigned int nwrites;
static uint8_t pm1a_space;
static uint64_t pm1a_addr;
static uint16_t pm1a_value;	/* what PM1a_CNT reads as */
static bool smi_sets_sci;	/* ACPI_ENABLE to SMI_CMD sets SCI_EN */

uint16_t acpi_reg_read(uint8_t space, uint64_t addr, unsigned int bytes)
{
	if (space == pm1a_space && addr == pm1a_addr && bytes == 2)
		return pm1a_value;
	return 0;
}

void acpi_reg_write(uint8_t space, uint64_t addr, unsigned int bytes, uint16_t value)
{
	if (nwrites < sizeof(writes) / sizeof(writes[0]))
		writes[nwrites] = (struct reg_write){ space, addr, bytes, value };
	nwrites++;
	if (space == ACPI_GAS_SYSTEM_IO && addr == SMI_CMD_PORT && bytes == 1 &&
	    value == ACPI_ENABLE_CMD && smi_sets_sci)
		pm1a_value |= SCI_EN;
}

static void assert_write(unsigned int i, uint8_t space, uint64_t addr,
			 unsigned int bytes, uint16_t value)
{
	assert_true(i < nwrites);
	assert_int_equal(writes[i].space, space);
	assert_int_equal(writes[i].addr, addr);
	assert_int_equal(writes[i].bytes, bytes);
	assert_int_equal(writes[i].value, value);
}

/* ---- table builders ---- */

static uint8_t rsdp_copy[ACPI_RSDP_V2_SIZE];

static void *at(uint64_t phys)
{
	return fake_mem + phys;
}

static uint8_t sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static void fix_checksum(uint64_t phys)
{
	struct acpi_sdt_header *h = at(phys);

	h->checksum = 0;
	h->checksum = (uint8_t)(0 - sum(h, h->length));
}

/* Fills in the header of the table whose body is already at phys. */
static void finish_sdt(uint64_t phys, const char *sig, uint32_t len)
{
	struct acpi_sdt_header *h = at(phys);

	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = 2;
	memcpy(h->oem_id, "SKIFFT", 6);
	memcpy(h->oem_table_id, "UNITTEST", 8);
	fix_checksum(phys);
}

static void make_rsdp(uint8_t *out, uint8_t revision, const char *oem,
		      uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, oem, 6);
	r.revision = revision;
	r.rsdt_address = rsdt;
	r.checksum = (uint8_t)(0 - sum(&r, ACPI_RSDP_V1_SIZE));
	if (revision >= 2) {
		r.length = ACPI_RSDP_V2_SIZE;
		r.xsdt_address = xsdt;
		r.extended_checksum = (uint8_t)(0 - sum(&r, ACPI_RSDP_V2_SIZE));
	}
	memcpy(out, &r, sizeof(r));
}

static void make_rsdt(const uint32_t *entries, uint32_t n)
{
	memcpy((uint8_t *)at(RSDT_AT) + 36, entries, n * 4);
	finish_sdt(RSDT_AT, "RSDT", 36 + n * 4);
}

static void make_xsdt(const uint64_t *entries, uint32_t n)
{
	memcpy((uint8_t *)at(XSDT_AT) + 36, entries, n * 8);
	finish_sdt(XSDT_AT, "XSDT", 36 + n * 8);
}

static void make_aml_table(uint64_t phys, const char *sig, const uint8_t *aml, size_t n)
{
	memcpy((uint8_t *)at(phys) + 36, aml, n);
	finish_sdt(phys, sig, 36 + (uint32_t)n);
}

/* A complete ACPI 2.0+ FADT whose PM1a_CNT is I/O port 0x604. */
static struct acpi_fadt *make_fadt(uint32_t dsdt, uint64_t x_dsdt)
{
	struct acpi_fadt *f = at(FADT_AT);

	memset(f, 0, sizeof(*f));
	f->dsdt = dsdt;
	f->x_dsdt = x_dsdt;
	f->smi_cmd = SMI_CMD_PORT;
	f->acpi_enable = ACPI_ENABLE_CMD;
	f->pm1a_cnt_blk = PM1A_CNT_PORT;
	f->pm1_cnt_len = 2;
	finish_sdt(FADT_AT, "FACP", sizeof(*f));
	return f;
}

/* RSDP 2 -> XSDT -> (an APIC table, FADT) -> DSDT holding aml. */
static struct acpi_fadt *make_world_v2(const char *oem, const uint8_t *aml, size_t n)
{
	const uint64_t xsdt[] = { APIC_AT, FADT_AT };
	const uint32_t rsdt[] = { FADT_AT };
	struct acpi_fadt *f;

	finish_sdt(APIC_AT, "APIC", 44);
	make_aml_table(DSDT_AT, "DSDT", aml, n);
	f = make_fadt(DSDT_AT, DSDT_AT);
	make_xsdt(xsdt, 2);
	make_rsdt(rsdt, 1);
	make_rsdp(rsdp_copy, 2, oem, RSDT_AT, XSDT_AT);
	return f;
}

/* RSDP 0 (ACPI 1.0) -> RSDT -> FADT -> DSDT holding aml. */
static void make_world_v1(const uint8_t *aml, size_t n)
{
	const uint32_t rsdt[] = { APIC_AT, FADT_AT };

	finish_sdt(APIC_AT, "APIC", 44);
	make_aml_table(DSDT_AT, "DSDT", aml, n);
	make_fadt(DSDT_AT, 0);
	make_rsdt(rsdt, 2);
	make_rsdp(rsdp_copy, 0, "BOCHS ", RSDT_AT, 0);
}

/* Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }), as QEMU writes it. */
static const uint8_t qemu_s5[] = { NAME_S5, PACKAGE, 0x06, 0x04, 0, 0, 0, 0 };

static int setup(void **state)
{
	(void)state;
	memset(fake_mem, 0, sizeof(fake_mem));
	memset(rsdp_copy, 0, sizeof(rsdp_copy));
	memset(writes, 0, sizeof(writes));
	nwrites = 0;
	pm1a_space = ACPI_GAS_SYSTEM_IO;
	pm1a_addr = PM1A_CNT_PORT;
	pm1a_value = 0;
	smi_sets_sci = true;
	log_reset();
	return 0;
}

static void assert_s5(uint8_t want_a, uint8_t want_b)
{
	uint8_t a = 0xee, b = 0xee;

	assert_true(acpi_s5_sleep_types(&a, &b));
	assert_int_equal(a, want_a);
	assert_int_equal(b, want_b);
}

/* ---- discovery ---- */

static void test_v1_rsdp_uses_rsdt(void **state)
{
	(void)state;
	make_world_v1(qemu_s5, sizeof(qemu_s5));
	assert_int_equal(acpi_init(rsdp_copy, 1), 0);
	assert_log_contains("skiff: acpi: RSDP rev 0 (OEM BOCHS ), RSDT 0x100000, "
			    "FADT ok, S5 sleep type 0/0\n");
	assert_s5(0, 0);
}

static void test_v2_rsdp_prefers_xsdt(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	/* An RSDT that is not there: only the XSDT may be read. */
	make_rsdp(rsdp_copy, 2, "BOCHS ", EMPTY_AT, XSDT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_log_contains("skiff: acpi: RSDP rev 2 (OEM BOCHS ), XSDT 0x101000, "
			    "FADT ok, S5 sleep type 0/0\n");
}

static void test_v2_rsdp_without_xsdt_uses_rsdt(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	make_rsdp(rsdp_copy, 2, "BOCHS ", RSDT_AT, 0);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_log_contains("RSDT 0x100000, FADT ok");
}

static void test_20_byte_copy_of_v2_rsdp_uses_rsdt(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	/* The loader copied only the ACPI 1.0 part: the XSDT is unknown. */
	assert_int_equal(acpi_init(rsdp_copy, 1), 0);
	assert_log_contains("RSDP rev 2 (OEM BOCHS ), RSDT 0x100000, FADT ok");
}

static void test_x_dsdt_preferred_over_dsdt(void **state)
{
	static const uint8_t s5_1_1[] = { NAME_S5, PACKAGE, 0x06, 0x04, 1, 1, 0, 0 };
	static const uint8_t s5_5_7[] = { NAME_S5, PACKAGE, 0x08, 0x04,
					  0x0a, 5, 0x0a, 7, 0, 0 };
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	make_aml_table(DSDT2_AT, "DSDT", s5_1_1, sizeof(s5_1_1));
	f->dsdt = DSDT2_AT;
	f->x_dsdt = DSDT_AT;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_s5(5, 7);

	/* Zero X_DSDT: the 32-bit field counts. */
	f->x_dsdt = 0;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_s5(1, 1);
}

static void test_acpi_1_fadt_has_no_x_fields(void **state)
{
	static const uint8_t s5_1_1[] = { NAME_S5, PACKAGE, 0x06, 0x04, 1, 1, 0, 0 };
	static const uint8_t s5_5_7[] = { NAME_S5, PACKAGE, 0x08, 0x04,
					  0x0a, 5, 0x0a, 7, 0, 0 };
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_1_1, sizeof(s5_1_1));
	make_aml_table(DSDT2_AT, "DSDT", s5_5_7, sizeof(s5_5_7));
	/* X_DSDT bytes lie beyond the 116-byte table: they must be ignored. */
	f->x_dsdt = DSDT2_AT;
	f->header.length = ACPI_FADT_V1_LENGTH;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_s5(1, 1);
}

static void test_s5_found_in_ssdt(void **state)
{
	static const uint8_t no_s5[] = { 0x10, 0x05, '_', 'S', 'B', '_' };
	static const uint8_t s5_in_ssdt[] = { NAME_ROOT_S5, PACKAGE, 0x06, 0x02,
					      0x0a, 0x06, 0x0a, 0x04 };
	const uint64_t xsdt[] = { FADT_AT, SSDT_AT };

	(void)state;
	make_world_v2("BOCHS ", no_s5, sizeof(no_s5));
	make_aml_table(SSDT_AT, "SSDT", s5_in_ssdt, sizeof(s5_in_ssdt));
	make_xsdt(xsdt, 2);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_s5(6, 4);
	assert_log_contains("S5 sleep type 6/4\n");
}

/* ---- \_S5_ encodings ---- */

static void check_s5(const uint8_t *aml, size_t n, uint8_t a, uint8_t b)
{
	setup(NULL);
	make_world_v2("BOCHS ", aml, n);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_s5(a, b);
}

static void test_s5_integer_encodings(void **state)
{
	static const uint8_t bytes_root[] = { NAME_ROOT_S5, PACKAGE, 0x08, 0x04,
					      0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };
	static const uint8_t word_dword_parent[] = { NAME_PARENT_S5, PACKAGE, 0x0a, 0x02,
						     0x0b, 0x03, 0x00,
						     0x0c, 0x06, 0x00, 0x00, 0x00 };
	static const uint8_t one_ones[] = { NAME_S5, PACKAGE, 0x05, 0x03, 0x01, 0xff, 0x00 };
	static const uint8_t qword[] = { NAME_S5, PACKAGE, 0x0c, 0x02,
					 0x0e, 2, 0, 0, 0, 0, 0, 0, 0, 0x00 };

	(void)state;
	check_s5(bytes_root, sizeof(bytes_root), 5, 7);
	check_s5(word_dword_parent, sizeof(word_dword_parent), 3, 6);
	check_s5(one_ones, sizeof(one_ones), 1, 7);	/* Ones: all SLP_TYP bits */
	check_s5(qword, sizeof(qword), 2, 0);
}

static void test_s5_after_lookalikes(void **state)
{
	static const uint8_t aml[] = {
		0x70, '_', 'S', '5', '_', 0x60,			/* Store (_S5_, Local0) */
		NAME_S5, 0x0a, 0x03,				/* Name (_S5_, 3): no package */
		0x08, '_', 'S', '4', '_', PACKAGE, 0x06, 0x04, 2, 2, 0, 0,
		NAME_S5, PACKAGE, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x06, 0, 0,
	};

	(void)state;
	check_s5(aml, sizeof(aml), 5, 6);
}

/* A package of 2 + pad ZeroOps whose PkgLength takes `follow` extra bytes. */
static size_t make_long_s5(uint8_t *aml, unsigned int follow, unsigned int pad)
{
	uint32_t length = 1 + follow + 1 + 4 + pad, i;
	size_t n = 0;

	memcpy(aml, (const uint8_t[]){ NAME_S5, PACKAGE }, 6);
	n = 6;
	aml[n++] = (uint8_t)((follow << 6) | (length & 0x0f));
	for (i = 0; i < follow; i++)
		aml[n++] = (uint8_t)(length >> (4 + 8 * i));
	aml[n++] = (uint8_t)(2 + pad);
	memcpy(aml + n, (const uint8_t[]){ 0x0a, 0x05, 0x0a, 0x03 }, 4);
	n += 4;
	memset(aml + n, 0, pad);
	return n + pad;
}

static void test_s5_multibyte_pkg_length(void **state)
{
	uint8_t aml[512];

	(void)state;
	check_s5(aml, make_long_s5(aml, 1, 100), 5, 3);	/* 2-byte PkgLength */
	check_s5(aml, make_long_s5(aml, 2, 200), 5, 3);	/* 3-byte */
	check_s5(aml, make_long_s5(aml, 3, 10), 5, 3);	/* 4-byte, small value */
}

/* ---- \_S5_ failures ---- */

static void check_s5_fails(const uint8_t *aml, size_t n, const char *message)
{
	setup(NULL);
	make_world_v2("BOCHS ", aml, n);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);	/* tables fine, no S5 */
	assert_log_contains(message);
	assert_log_contains("no S5: power-off unavailable\n");
	assert_false(acpi_s5_sleep_types(&(uint8_t){ 0 }, &(uint8_t){ 0 }));
	assert_int_equal(acpi_power_off(), -ENOENT);
	assert_int_equal(nwrites, 0);
}

static void test_dsdt_without_s5(void **state)
{
	static const uint8_t aml[] = { 0x10, 0x05, '_', 'S', 'B', '_', NAME_S5 };

	(void)state;
	check_s5_fails(aml, sizeof(aml), "skiff: acpi: no \\_S5_ in the DSDT or any SSDT\n");
}

static void test_s5_truncated(void **state)
{
	static const uint8_t short_pkg[] = { NAME_S5, PACKAGE, 0x06, 0x04, 0x00, 0x00 };
	static const uint8_t ends_at_op[] = { NAME_S5, PACKAGE };
	static const uint8_t ends_in_len[] = { NAME_S5, PACKAGE, 0xc0, 0x01 };
	static const uint8_t int_past_pkg[] = { NAME_S5, PACKAGE, 0x04, 0x02,
						0x0a, 0x05, 0x0c, 0x01, 0, 0, 0 };
	static const uint8_t dword_past_pkg[] = { NAME_S5, PACKAGE, 0x07, 0x02,
						  0x0a, 0x05, 0x0c, 0x01, 0, 0, 0 };

	(void)state;
	check_s5_fails(short_pkg, sizeof(short_pkg),
		       "\\_S5_ package in DSDT at offset 0x2a is truncated (table is 46 bytes)");
	check_s5_fails(ends_at_op, sizeof(ends_at_op), "is truncated");
	check_s5_fails(ends_in_len, sizeof(ends_in_len), "is truncated");
	check_s5_fails(int_past_pkg, sizeof(int_past_pkg), "is truncated");
	check_s5_fails(dword_past_pkg, sizeof(dword_past_pkg), "is truncated");
}

static void test_s5_malformed_package(void **state)
{
	static const uint8_t one_element[] = { NAME_S5, PACKAGE, 0x03, 0x01, 0x05 };
	static const uint8_t string_element[] = { NAME_S5, PACKAGE, 0x06, 0x02,
						  0x0d, 'a', 0x00, 0x00 };
	static const uint8_t reserved_len_bits[] = { NAME_S5, PACKAGE, 0x70, 0x00,
						     0x02, 0x00, 0x00 };

	(void)state;
	check_s5_fails(one_element, sizeof(one_element),
		       "\\_S5_ package in DSDT has 1 elements, needs 2");
	check_s5_fails(string_element, sizeof(string_element),
		       "\\_S5_ element in DSDT at offset 0x2c is opcode 0x0d, not an integer");
	check_s5_fails(reserved_len_bits, sizeof(reserved_len_bits),
		       "\\_S5_ package in DSDT at offset 0x2a has a malformed PkgLength");
}

/* ---- table failures ---- */

static void test_bad_rsdp_checksum(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	rsdp_copy[9] ^= 0x20;		/* an OEM ID byte */
	assert_int_equal(acpi_init(rsdp_copy, 2), -EBADMSG);
	assert_log_contains("skiff: acpi: RSDP checksum bad");
	assert_string_equal(acpi_oem_id(), "");
	assert_false(acpi_is_emulator());
	assert_int_equal(acpi_power_off(), -ENODEV);
	assert_int_equal(nwrites, 0);
}

static void test_bad_rsdp_extended_checksum(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	rsdp_copy[offsetof(struct acpi_rsdp, xsdt_address) + 7] = 0x80;
	assert_int_equal(acpi_init(rsdp_copy, 2), -EBADMSG);
	assert_log_contains("skiff: acpi: RSDP extended checksum bad");
}

static void test_rsdp_bad_signature_and_length(void **state)
{
	struct acpi_rsdp *r = (struct acpi_rsdp *)rsdp_copy;

	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	r->length = 20;
	r->extended_checksum = 0;
	r->extended_checksum = (uint8_t)(0 - sum(r, 36));
	assert_int_equal(acpi_init(rsdp_copy, 2), -EINVAL);
	assert_log_contains("RSDP length 20 too small");

	log_reset();
	memcpy(rsdp_copy, "RSD PTX ", 8);
	assert_int_equal(acpi_init(rsdp_copy, 2), -ENODEV);
	assert_log_contains("RSDP lacks the \"RSD PTR \" signature");
}

static void test_bad_fadt_checksum(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	f->pm1a_cnt_blk = 0x404;	/* changed after the checksum was made */
	assert_int_equal(acpi_init(rsdp_copy, 2), -EBADMSG);
	assert_log_contains("skiff: acpi: FADT checksum bad at 0x102000 (196 bytes)");
	/* The RSDP itself was good. */
	assert_string_equal(acpi_oem_id(), "BOCHS ");
	assert_int_equal(acpi_power_off(), -ENODEV);
}

static void test_no_fadt(void **state)
{
	const uint64_t xsdt[] = { APIC_AT, 0, EMPTY_AT };

	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	make_xsdt(xsdt, 3);
	assert_int_equal(acpi_init(rsdp_copy, 2), -ENOENT);
	assert_log_contains("skiff: acpi: no FADT (\"FACP\") listed in the XSDT");
}

static void test_sdt_length_too_small(void **state)
{
	(void)state;
	make_world_v1(qemu_s5, sizeof(qemu_s5));
	finish_sdt(RSDT_AT, "RSDT", 10);
	assert_int_equal(acpi_init(rsdp_copy, 1), -EINVAL);
	assert_log_contains("skiff: acpi: RSDT at 0x100000 has length 10, outside 36..16777216");
}

static void test_sdt_length_too_big(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	f->header.length = 32u << 20;
	assert_int_equal(acpi_init(rsdp_copy, 2), -EINVAL);
	assert_log_contains("skiff: acpi: FADT at 0x102000 has length 33554432, outside 36..16777216");
}

static void test_fadt_too_short_and_wrong_signature(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	f->header.length = 100;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), -EINVAL);
	assert_log_contains("FADT at 0x102000 is 100 bytes, shorter than ACPI 1.0's 116");

	/* The RSDP names a table that is not an XSDT. */
	log_reset();
	make_rsdp(rsdp_copy, 2, "BOCHS ", RSDT_AT, APIC_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), -ENOENT);
	assert_log_contains("XSDT at 0x105000 has signature \"APIC\", not \"XSDT\"");
}

static void test_table_outside_memory(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	make_rsdp(rsdp_copy, 2, "BOCHS ", RSDT_AT, 0xfffffffffffff000ull);
	assert_int_equal(acpi_init(rsdp_copy, 2), -EFAULT);
	assert_log_contains("XSDT at 0xfffffffffffff000 is not mappable");
}

static void test_dsdt_checksum_bad(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	((uint8_t *)at(DSDT_AT))[40] ^= 1;
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_log_contains("DSDT checksum bad at 0x103000");
	assert_log_contains("no \\_S5_ in the DSDT or any SSDT");
	assert_int_equal(acpi_power_off(), -ENOENT);
}

/* ---- RSDP scan of the BIOS areas ---- */

static void test_scan_finds_rsdp_in_bios_area(void **state)
{
	(void)state;
	make_world_v1(qemu_s5, sizeof(qemu_s5));
	/* Unaligned "RSD PTR " with a valid checksum must not count. */
	make_rsdp(at(0xe0008), 0, "WRONG!", RSDT_AT, 0);
	make_rsdp(at(0xe1230), 0, "BOCHS ", RSDT_AT, 0);
	assert_int_equal(acpi_init(NULL, 0), 0);
	assert_log_contains("skiff: acpi: RSDP found at 0xe1230\n");
	assert_string_equal(acpi_oem_id(), "BOCHS ");
	assert_s5(0, 0);
}

static void test_scan_prefers_ebda_and_skips_bad_candidates(void **state)
{
	const uint16_t ebda_segment = 0x9fc0;

	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	memcpy(at(0x40e), &ebda_segment, 2);
	make_rsdp(at(0x9fc00), 2, "BROKEN", RSDT_AT, XSDT_AT);
	((uint8_t *)at(0x9fc00))[offsetof(struct acpi_rsdp, extended_checksum)] ^= 1;
	make_rsdp(at(0x9fc40), 2, "EBDA  ", RSDT_AT, XSDT_AT);
	make_rsdp(at(0xe0000), 2, "BIOS  ", RSDT_AT, XSDT_AT);
	assert_int_equal(acpi_init(NULL, 0), 0);
	assert_log_contains("RSDP extended checksum bad");
	assert_log_contains("skipped RSDP candidate at 0x9fc00");
	assert_log_contains("RSDP found at 0x9fc40");
	assert_string_equal(acpi_oem_id(), "EBDA  ");
	assert_log_contains("XSDT 0x101000");
}

static void test_scan_finds_nothing(void **state)
{
	(void)state;
	make_world_v1(qemu_s5, sizeof(qemu_s5));
	make_rsdp(at(0xffff8), 0, "BOCHS ", RSDT_AT, 0);	/* unaligned */
	assert_int_equal(acpi_init(rsdp_copy, 0), -ENODEV);
	assert_log_contains("skiff: acpi: no RSDP");
	assert_string_equal(acpi_oem_id(), "");
	assert_false(acpi_is_emulator());
}

/* ---- OEM ID ---- */

static void test_emulator_detection(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_string_equal(acpi_oem_id(), "BOCHS ");
	assert_true(acpi_is_emulator());

	make_world_v2("ALASKA", qemu_s5, sizeof(qemu_s5));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_string_equal(acpi_oem_id(), "ALASKA");
	assert_false(acpi_is_emulator());

	make_world_v2("BOCHSX", qemu_s5, sizeof(qemu_s5));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_false(acpi_is_emulator());
}

/* ---- power-off ---- */

static const uint8_t s5_5_7[] = { NAME_S5, PACKAGE, 0x08, 0x04,
				  0x0a, 5, 0x0a, 7, 0, 0 };

static void test_power_off_enables_acpi_then_sleeps(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_int_equal(nwrites, 2);
	assert_write(0, ACPI_GAS_SYSTEM_IO, SMI_CMD_PORT, 1, ACPI_ENABLE_CMD);
	assert_write(1, ACPI_GAS_SYSTEM_IO, PM1A_CNT_PORT, 2,
		     (5 << 10) | SLP_EN | SCI_EN);
	assert_log_contains("skiff: acpi: S5 requested (SLP_TYP 5/7) but the machine "
			    "did not power off");
}

static void test_power_off_writes_pm1b(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->pm1b_cnt_blk = PM1B_CNT_PORT;
	fix_checksum(FADT_AT);
	pm1a_value = SCI_EN | 0x1c00 | 0x0200;	/* stale SLP_TYP, bit 9 kept */
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_int_equal(nwrites, 2);		/* SCI_EN set: no SMI */
	assert_write(0, ACPI_GAS_SYSTEM_IO, PM1A_CNT_PORT, 2,
		     SCI_EN | 0x0200 | (5 << 10) | SLP_EN);
	assert_write(1, ACPI_GAS_SYSTEM_IO, PM1B_CNT_PORT, 2, (7 << 10) | SLP_EN);
}

static void test_power_off_without_smi_cmd(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->smi_cmd = 0;			/* ACPI-only hardware */
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_int_equal(nwrites, 1);
	assert_write(0, ACPI_GAS_SYSTEM_IO, PM1A_CNT_PORT, 2, (5 << 10) | SLP_EN);
}

static void test_power_off_when_sci_never_comes(void **state)
{
	(void)state;
	make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	smi_sets_sci = false;
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_log_contains("SCI_EN still clear after ACPI_ENABLE (0xf1 to port 0xb2); "
			    "trying S5 anyway");
	assert_int_equal(nwrites, 2);
	assert_write(1, ACPI_GAS_SYSTEM_IO, PM1A_CNT_PORT, 2, (5 << 10) | SLP_EN);
}

static void test_power_off_x_pm1a_in_memory(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->x_pm1a_cnt_blk.address_space_id = ACPI_GAS_SYSTEM_MEMORY;
	f->x_pm1a_cnt_blk.register_bit_width = 16;
	f->x_pm1a_cnt_blk.address = 0xfed01004;
	fix_checksum(FADT_AT);
	pm1a_space = ACPI_GAS_SYSTEM_MEMORY;
	pm1a_addr = 0xfed01004;
	pm1a_value = SCI_EN;
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_int_equal(nwrites, 1);		/* not the legacy port */
	assert_write(0, ACPI_GAS_SYSTEM_MEMORY, 0xfed01004, 2,
		     SCI_EN | (5 << 10) | SLP_EN);
}

static void test_power_off_x_pm1b_io_overrides_port(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->pm1b_cnt_blk = 0x1234;
	f->x_pm1b_cnt_blk.address_space_id = ACPI_GAS_SYSTEM_IO;
	f->x_pm1b_cnt_blk.address = PM1B_CNT_PORT;
	fix_checksum(FADT_AT);
	pm1a_value = SCI_EN;
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -EIO);
	assert_int_equal(nwrites, 2);
	assert_write(1, ACPI_GAS_SYSTEM_IO, PM1B_CNT_PORT, 2, (7 << 10) | SLP_EN);
}

static void test_power_off_refuses_unusable_registers(void **state)
{
	struct acpi_fadt *f;

	(void)state;
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->x_pm1a_cnt_blk.address_space_id = 2;		/* PCI configuration */
	f->x_pm1a_cnt_blk.address = 0x10;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -ENOTSUP);
	assert_log_contains("PM1 control register in address space 2 at 0x10: not supported");
	assert_int_equal(nwrites, 0);

	/* No PM1a at all, as on hardware-reduced ACPI. */
	setup(NULL);
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->pm1a_cnt_blk = 0;
	f->flags = ACPI_FADT_HW_REDUCED_ACPI;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -ENODEV);
	assert_log_contains("no usable PM1a_CNT (hardware-reduced ACPI is not supported)");
	assert_int_equal(nwrites, 0);

	/* A legacy port whose PM1_CNT_LEN is too small to hold the register. */
	setup(NULL);
	f = make_world_v2("BOCHS ", s5_5_7, sizeof(s5_5_7));
	f->pm1_cnt_len = 1;
	fix_checksum(FADT_AT);
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_power_off(), -ENODEV);
	assert_int_equal(nwrites, 0);
}

static void test_power_off_without_acpi(void **state)
{
	(void)state;
	assert_int_equal(acpi_init(NULL, 0), -ENODEV);
	assert_int_equal(acpi_power_off(), -ENODEV);
	assert_log_contains("power-off: no usable ACPI tables");
	assert_int_equal(nwrites, 0);
}

/* acpi_table(): what madt.c is fed.  The table's own checks are the
 * caller's; a length shorter than the header still maps the header. */
static void test_table_lookup_hands_over_listed_tables(void **state)
{
	const void *t = NULL;
	size_t avail = 0;

	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	assert_int_equal(acpi_table("APIC", &t, &avail), 0);
	assert_ptr_equal(t, at(APIC_AT));
	assert_int_equal(avail, 44);
	assert_int_equal(acpi_table("HPET", &t, &avail), -ENOENT);

	((struct acpi_sdt_header *)at(APIC_AT))->length = 20;
	assert_int_equal(acpi_table("APIC", &t, &avail), 0);
	assert_int_equal(avail, 36);

	((struct acpi_sdt_header *)at(APIC_AT))->length = 32u << 20;
	assert_int_equal(acpi_table("APIC", &t, &avail), -EINVAL);
	assert_log_contains("skiff: acpi: APIC at 0x105000 has length 33554432, over 16777216");

	((struct acpi_sdt_header *)at(APIC_AT))->length = FAKE_MEM_SIZE;
	assert_int_equal(acpi_table("APIC", &t, &avail), -EFAULT);
	assert_log_contains("skiff: acpi: APIC at 0x105000 (2097152 bytes) is not mappable");
}

static void test_table_lookup_without_acpi(void **state)
{
	const void *t;
	size_t avail;

	(void)state;
	make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	rsdp_copy[8] ^= 1;	/* checksum */
	assert_int_equal(acpi_init(rsdp_copy, 2), -EBADMSG);
	assert_int_equal(acpi_table("APIC", &t, &avail), -ENODEV);
}

/* The reset register of the FADT (ACPI 6.4 5.2.9, 4.8.3.6): an I/O port,
 * or a byte in PCI configuration space on bus 0 (5.2.3.2: device in bits
 * 47:32 of the address, function in 31:16, offset in 15:0). */
static struct acpi_power_ports power_ports_with_reset(uint8_t space, uint64_t addr, bool sup)
{
	struct acpi_fadt *f = make_world_v2("BOCHS ", qemu_s5, sizeof(qemu_s5));
	struct acpi_power_ports p;

	f->flags = sup ? ACPI_FADT_RESET_REG_SUP : 0;
	f->reset_reg = (struct acpi_gas){ .address_space_id = space, .register_bit_width = 8,
					  .address = addr };
	f->reset_value = 6;
	finish_sdt(FADT_AT, "FACP", sizeof(*f));
	assert_int_equal(acpi_init(rsdp_copy, 2), 0);
	acpi_power_ports(&p);
	return p;
}

static void test_power_ports_reset_reg(void **state)
{
	struct acpi_power_ports p;

	(void)state;
	p = power_ports_with_reset(ACPI_GAS_SYSTEM_IO, 0xcf9, true);
	assert_int_equal(p.pm1a_cnt, PM1A_CNT_PORT);
	assert_int_equal(p.reset, 0xcf9);
	assert_int_equal(p.reset_value, 6);
	assert_false(p.reset_pci);
	p = power_ports_with_reset(ACPI_GAS_PCI_CONFIG, 0x0000001f000000a9ull, true);
	assert_int_equal(p.reset, 0);
	assert_true(p.reset_pci);
	assert_int_equal(p.reset_pci_dev, 0x1f);
	assert_int_equal(p.reset_pci_fn, 0);
	assert_int_equal(p.reset_pci_offset, 0xa9);
	assert_int_equal(p.reset_value, 6);
	p = power_ports_with_reset(ACPI_GAS_PCI_CONFIG, 0x0000000300020044ull, true);
	assert_true(p.reset_pci);
	assert_int_equal(p.reset_pci_dev, 3);
	assert_int_equal(p.reset_pci_fn, 2);
	assert_int_equal(p.reset_pci_offset, 0x44);
	/* Without RESET_REG_SUP in FLAGS there is none. */
	p = power_ports_with_reset(ACPI_GAS_PCI_CONFIG, 0x0000001f000000a9ull, false);
	assert_false(p.reset_pci);
	assert_int_equal(p.reset, 0);
}

/* Addresses mechanism #1 cannot reach: reported, not guarded. */
static void test_power_ports_reset_reg_pci_out_of_reach(void **state)
{
	static const uint64_t bad[] = {
		0x0000002000000000ull,	/* device 32 */
		0x0000000000080000ull,	/* function 8 */
		0x0000000000000100ull,	/* offset 0x100: extended space */
		0x0001000000000000ull,	/* reserved bits 63:48 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_reset();
		assert_false(power_ports_with_reset(ACPI_GAS_PCI_CONFIG, bad[i], true).reset_pci);
		assert_log_contains("RESET_REG in PCI configuration space at");
	}
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_v1_rsdp_uses_rsdt),
		T(test_power_ports_reset_reg),
		T(test_power_ports_reset_reg_pci_out_of_reach),
		T(test_v2_rsdp_prefers_xsdt),
		T(test_v2_rsdp_without_xsdt_uses_rsdt),
		T(test_20_byte_copy_of_v2_rsdp_uses_rsdt),
		T(test_x_dsdt_preferred_over_dsdt),
		T(test_acpi_1_fadt_has_no_x_fields),
		T(test_s5_found_in_ssdt),
		T(test_s5_integer_encodings),
		T(test_s5_after_lookalikes),
		T(test_s5_multibyte_pkg_length),
		T(test_dsdt_without_s5),
		T(test_s5_truncated),
		T(test_s5_malformed_package),
		T(test_bad_rsdp_checksum),
		T(test_bad_rsdp_extended_checksum),
		T(test_rsdp_bad_signature_and_length),
		T(test_bad_fadt_checksum),
		T(test_no_fadt),
		T(test_sdt_length_too_small),
		T(test_sdt_length_too_big),
		T(test_fadt_too_short_and_wrong_signature),
		T(test_table_outside_memory),
		T(test_dsdt_checksum_bad),
		T(test_scan_finds_rsdp_in_bios_area),
		T(test_scan_prefers_ebda_and_skips_bad_candidates),
		T(test_scan_finds_nothing),
		T(test_emulator_detection),
		T(test_power_off_enables_acpi_then_sleeps),
		T(test_power_off_writes_pm1b),
		T(test_power_off_without_smi_cmd),
		T(test_power_off_when_sci_never_comes),
		T(test_power_off_x_pm1a_in_memory),
		T(test_power_off_x_pm1b_io_overrides_port),
		T(test_power_off_refuses_unusable_registers),
		T(test_power_off_without_acpi),
		T(test_table_lookup_hands_over_listed_tables),
		T(test_table_lookup_without_acpi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
