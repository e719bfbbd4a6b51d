/*
 * ACPI: RSDP, RSDT/XSDT, FADT and the \_S5_ object, then S5 power-off
 * (ACPI 6.4 chapters 5, 16 and 20).  Physical memory is read only through
 * acpi_map() and registers touched only through acpi_reg_read/write(), so
 * the host tests can run all of this against synthetic tables.
 */
#include "drivers/acpi.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#ifndef SKIFF_HOST_TEST
#include "x86.h"
#endif

/* Where the RSDP may lie on a BIOS machine, ACPI 6.4 5.2.5.1. */
#define BDA_EBDA_SEGMENT	0x40e	/* real-mode segment of the EBDA */
#define EBDA_SCAN_LEN		1024	/* its first KiB */
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000
#define RSDP_ALIGN		16

/* No real table comes near this; a larger length is corruption. */
#define ACPI_SDT_MAX_LENGTH	(16u << 20)

/* PM1 control register bits, ACPI 6.4 4.8 (table "PM1 Control Registers
 * Fixed Hardware Feature Control Bits"). */
#define PM1_CNT_SCI_EN		(1u << 0)
#define PM1_CNT_SLP_TYP_SHIFT	10
#define SLP_TYP_BITS		7u	/* the field is 3 bits wide */
#define PM1_CNT_SLP_TYP_MASK	(SLP_TYP_BITS << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN		(1u << 13)
#define PM1_CNT_WIDTH		2	/* bytes: the registers are 16 bits */

/*
 * Bounded waits, counted in register reads (an I/O read costs roughly a
 * microsecond on real chipsets, so each is about a second; more under
 * emulation).  The specification sets no limit for either.
 */
#define SCI_EN_POLLS		1000000
#define POWER_OFF_POLLS		1000000

#define IO_PORT_MAX		0xffff

/* AML encodings, ACPI 6.4 20.2 (AML Grammar Definition). */
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_QWORD_PREFIX	0x0e
#define AML_PACKAGE_OP		0x12
#define AML_ROOT_CHAR		'\\'
#define AML_PARENT_PREFIX_CHAR	'^'
#define AML_ONES_OP		0xff
#define AML_NAME_SEG_SIZE	4

/* A register as skiff drives it: address space and address. */
struct acpi_reg {
	uint8_t space;
	uint64_t addr;
};

static struct {
	bool have_rsdp;
	struct acpi_rsdp rsdp;			/* copy; zero beyond what exists */
	uint64_t rsdp_found_at;			/* 0 when the loader gave it */
	char oem_id[ACPI_OEM_ID_SIZE + 1];
	const struct acpi_sdt_header *root;	/* RSDT or XSDT, checked */
	bool root_is_xsdt;
	uint64_t root_phys;
	bool have_fadt;
	struct acpi_fadt fadt;			/* copy; absent fields read as 0 */
	bool have_s5;
	uint8_t slp_typ_a, slp_typ_b;
} acpi;

static uint8_t acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* ---- RSDP, ACPI 6.4 5.2.5 ---- */

/*
 * Checks acpi.rsdp, of which avail bytes are real (20 or 36): the ACPI 1.0
 * checksum always, the extended one when revision >= 2 (5.2.5.3).
 */
static int acpi_check_rsdp(size_t avail)
{
	const struct acpi_rsdp *r = &acpi.rsdp;

	if (memcmp(r->signature, ACPI_RSDP_SIGNATURE, sizeof(r->signature)) != 0) {
		kprintf("skiff: acpi: RSDP lacks the \"RSD PTR \" signature\n");
		return -ENODEV;
	}
	if (acpi_sum(r, ACPI_RSDP_V1_SIZE) != 0) {
		kprintf("skiff: acpi: RSDP checksum bad (first 20 bytes)\n");
		return -EBADMSG;
	}
	if (r->revision < 2 || avail < ACPI_RSDP_V2_SIZE)
		return 0;
	if (r->length < ACPI_RSDP_V2_SIZE) {
		kprintf("skiff: acpi: RSDP length %u too small (revision %u needs %u)\n",
			r->length, r->revision, ACPI_RSDP_V2_SIZE);
		return -EINVAL;
	}
	/* A longer RSDP than skiff knows: its extra bytes were not copied,
	 * so the extended checksum cannot be checked; the RSDT is used. */
	if (r->length > ACPI_RSDP_V2_SIZE) {
		kprintf("skiff: acpi: RSDP length %u: extended checksum not "
			"checkable, using the RSDT\n", r->length);
		return 0;
	}
	if (acpi_sum(r, ACPI_RSDP_V2_SIZE) != 0) {
		kprintf("skiff: acpi: RSDP extended checksum bad (36 bytes)\n");
		return -EBADMSG;
	}
	return 0;
}

/* Looks for a valid RSDP on 16-byte boundaries in [base, base+len). */
static int acpi_scan_range(uint64_t base, uint64_t len)
{
	const uint8_t *area = acpi_map(base, len);
	uint64_t off;

	if (!area)
		return -ENODEV;
	for (off = 0; off + ACPI_RSDP_V1_SIZE <= len; off += RSDP_ALIGN) {
		uint64_t avail = len - off;

		if (memcmp(area + off, ACPI_RSDP_SIGNATURE, 8) != 0)
			continue;
		if (avail > ACPI_RSDP_V2_SIZE)
			avail = ACPI_RSDP_V2_SIZE;
		memset(&acpi.rsdp, 0, sizeof(acpi.rsdp));
		memcpy(&acpi.rsdp, area + off, avail);
		if (acpi_check_rsdp(avail) == 0) {
			acpi.rsdp_found_at = base + off;
			return 0;
		}
		kprintf("skiff: acpi: skipped RSDP candidate at 0x%llx\n",
			(unsigned long long)(base + off));
	}
	return -ENODEV;
}

/* No RSDP from the loader: search where BIOSes put it, ACPI 6.4 5.2.5.1. */
static int acpi_scan_rsdp(void)
{
	const uint8_t *bda = acpi_map(BDA_EBDA_SEGMENT, sizeof(uint16_t));
	uint16_t segment;

	if (bda) {
		memcpy(&segment, bda, sizeof(segment));
		if (segment && acpi_scan_range((uint64_t)segment << 4, EBDA_SCAN_LEN) == 0)
			return 0;
	}
	if (acpi_scan_range(BIOS_AREA_START, BIOS_AREA_END - BIOS_AREA_START) == 0)
		return 0;
	kprintf("skiff: acpi: no RSDP (none from the loader, none in the EBDA "
		"or 0xe0000-0xfffff)\n");
	return -ENODEV;
}

static int acpi_load_rsdp(const uint8_t *copy, uint8_t revision)
{
	size_t avail = revision >= 2 ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE;
	size_t i;
	int err;

	if (revision == 0 || !copy)
		err = acpi_scan_rsdp();
	else {
		memcpy(&acpi.rsdp, copy, avail);
		err = acpi_check_rsdp(avail);
	}
	if (err)
		return err;
	acpi.have_rsdp = true;
	for (i = 0; i < ACPI_OEM_ID_SIZE; i++)
		acpi.oem_id[i] = acpi.rsdp.oem_id[i];
	acpi.oem_id[ACPI_OEM_ID_SIZE] = '\0';
	return 0;
}

/* ---- System description tables, ACPI 6.4 5.2.6 - 5.2.8 ---- */

/*
 * Maps the whole table at phys once its signature, length and checksum are
 * checked (5.2.6); name is how messages call it ("FADT" for "FACP").
 */
static int acpi_map_sdt(uint64_t phys, const char *sig, const char *name,
			const struct acpi_sdt_header **out)
{
	const struct acpi_sdt_header *h = acpi_map(phys, sizeof(*h));
	uint32_t len;

	if (!h) {
		kprintf("skiff: acpi: %s at 0x%llx is not mappable\n",
			name, (unsigned long long)phys);
		return -EFAULT;
	}
	if (memcmp(h->signature, sig, sizeof(h->signature)) != 0) {
		char found[sizeof(h->signature) + 1] = { 0 };

		memcpy(found, h->signature, sizeof(h->signature));
		kprintf("skiff: acpi: %s at 0x%llx has signature \"%s\", not \"%s\"\n",
			name, (unsigned long long)phys, found, sig);
		return -ENOENT;
	}
	len = h->length;
	if (len < sizeof(*h) || len > ACPI_SDT_MAX_LENGTH) {
		kprintf("skiff: acpi: %s at 0x%llx has length %u, outside %zu..%u\n",
			name, (unsigned long long)phys, len, sizeof(*h),
			ACPI_SDT_MAX_LENGTH);
		return -EINVAL;
	}
	h = acpi_map(phys, len);
	if (!h) {
		kprintf("skiff: acpi: %s at 0x%llx (%u bytes) is not mappable\n",
			name, (unsigned long long)phys, len);
		return -EFAULT;
	}
	if (acpi_sum(h, len) != 0) {
		kprintf("skiff: acpi: %s checksum bad at 0x%llx (%u bytes)\n",
			name, (unsigned long long)phys, len);
		return -EBADMSG;
	}
	*out = h;
	return 0;
}

/* The XSDT when the RSDP is revision 2+ and names one (5.2.5.3), else the
 * RSDT. */
static int acpi_load_root(void)
{
	const struct acpi_rsdp *r = &acpi.rsdp;

	acpi.root_is_xsdt = r->revision >= 2 && r->length == ACPI_RSDP_V2_SIZE &&
			    r->xsdt_address != 0;
	acpi.root_phys = acpi.root_is_xsdt ? r->xsdt_address : r->rsdt_address;
	if (acpi.root_is_xsdt)
		return acpi_map_sdt(acpi.root_phys, "XSDT", "XSDT", &acpi.root);
	return acpi_map_sdt(acpi.root_phys, "RSDT", "RSDT", &acpi.root);
}

static uint32_t acpi_root_entry_size(void)
{
	return acpi.root_is_xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
}

/* Entries are 32-bit addresses in the RSDT (5.2.7), 64-bit in the XSDT
 * (5.2.8), both right after the header and possibly unaligned. */
static uint64_t acpi_root_entry(uint32_t i)
{
	const uint8_t *entries = (const uint8_t *)acpi.root + sizeof(*acpi.root);
	uint32_t e32;
	uint64_t e64;

	if (acpi.root_is_xsdt) {
		memcpy(&e64, entries + (size_t)i * sizeof(e64), sizeof(e64));
		return e64;
	}
	memcpy(&e32, entries + (size_t)i * sizeof(e32), sizeof(e32));
	return e32;
}

/*
 * Physical address of the first table at or after entry *next whose
 * signature is sig, or 0; *next is left after it, to continue from.
 */
static uint64_t acpi_find_table(const char *sig, uint32_t *next)
{
	uint32_t count = (acpi.root->length - sizeof(*acpi.root)) /
			 acpi_root_entry_size();

	while (*next < count) {
		uint64_t phys = acpi_root_entry((*next)++);
		const struct acpi_sdt_header *h;

		h = phys ? acpi_map(phys, sizeof(*h)) : NULL;
		if (h && memcmp(h->signature, sig, sizeof(h->signature)) == 0)
			return phys;
	}
	return 0;
}

/* ---- FADT, ACPI 6.4 5.2.9 ---- */

static int acpi_load_fadt(void)
{
	const struct acpi_sdt_header *h;
	uint32_t next = 0;
	uint64_t phys = acpi_find_table("FACP", &next);
	uint32_t len;
	int err;

	if (!phys) {
		kprintf("skiff: acpi: no FADT (\"FACP\") listed in the %s\n",
			acpi.root_is_xsdt ? "XSDT" : "RSDT");
		return -ENOENT;
	}
	err = acpi_map_sdt(phys, "FACP", "FADT", &h);
	if (err)
		return err;
	len = h->length;
	if (len < ACPI_FADT_V1_LENGTH) {
		kprintf("skiff: acpi: FADT at 0x%llx is %u bytes, shorter than "
			"ACPI 1.0's %u\n", (unsigned long long)phys, len,
			ACPI_FADT_V1_LENGTH);
		return -EINVAL;
	}
	/* Fields past the table's own length stay zero: absent. */
	memcpy(&acpi.fadt, h, len < sizeof(acpi.fadt) ? len : sizeof(acpi.fadt));
	acpi.have_fadt = true;
	return 0;
}

/* ---- \_S5_ in AML, ACPI 6.4 7.4.2 and 20.2 ---- */

/* A bounded view of one table's AML while it is being read. */
struct aml_view {
	const uint8_t *aml;	/* the whole table */
	uint32_t len;		/* its length: no read at or beyond it */
	const char *name;	/* "DSDT" or "SSDT", for messages */
};

/*
 * PkgLength, ACPI 6.4 20.2.4: bits 7-6 of the lead byte count the bytes
 * that follow (0-3).  With none, bits 5-0 are the length; otherwise bits
 * 3-0 are its low nibble (bits 5-4 zero) and each following byte adds 8
 * more bits.  The length counts from the lead byte itself.  Returns
 * -EBADMSG when the table ends first, -EINVAL for a malformed lead byte.
 */
static int aml_pkg_length(const struct aml_view *v, uint32_t *pos, uint32_t *length)
{
	uint8_t lead;
	uint32_t follow, i;

	if (*pos >= v->len)
		return -EBADMSG;
	lead = v->aml[*pos];
	follow = lead >> 6;
	if (*pos + 1 + follow > v->len)
		return -EBADMSG;
	if (follow == 0) {
		*length = lead & 0x3f;
	} else {
		if (lead & 0x30)
			return -EINVAL;
		*length = lead & 0x0f;
		for (i = 0; i < follow; i++)
			*length |= (uint32_t)v->aml[*pos + 1 + i] << (4 + 8 * i);
	}
	*pos += 1 + follow;
	return 0;
}

/* An integer constant (ACPI 6.4 20.2.3 ComputationalData, ConstObj), read
 * before end. */
static int aml_integer(const struct aml_view *v, uint32_t end, uint32_t *pos,
		       uint64_t *value)
{
	uint8_t op = v->aml[(*pos)++];
	uint32_t size, i;

	switch (op) {
	case AML_ZERO_OP:	*value = 0; return 0;
	case AML_ONE_OP:	*value = 1; return 0;
	case AML_ONES_OP:	*value = ~(uint64_t)0; return 0;
	case AML_BYTE_PREFIX:	size = 1; break;
	case AML_WORD_PREFIX:	size = 2; break;
	case AML_DWORD_PREFIX:	size = 4; break;
	case AML_QWORD_PREFIX:	size = 8; break;
	default:
		kprintf("skiff: acpi: \\_S5_ element in %s at offset 0x%x is opcode "
			"0x%02x, not an integer\n", v->name, *pos - 1, op);
		return -EBADMSG;
	}
	if (*pos + size > end)
		return -EBADMSG;
	*value = 0;
	for (i = 0; i < size; i++)
		*value |= (uint64_t)v->aml[*pos + i] << (8 * i);
	*pos += size;
	return 0;
}

static int aml_s5_truncated(const struct aml_view *v, uint32_t at)
{
	kprintf("skiff: acpi: \\_S5_ package in %s at offset 0x%x is truncated "
		"(table is %u bytes)\n", v->name, at, v->len);
	return -EBADMSG;
}

/*
 * DefPackage := PackageOp PkgLength NumElements PackageElementList
 * (20.2.5.4), pos just after PackageOp.  \_S5_'s first two elements are
 * the SLP_TYPa and SLP_TYPb values (7.4.2); the field is 3 bits wide.
 */
static int aml_parse_s5_package(const struct aml_view *v, uint32_t pos)
{
	uint32_t start = pos, length, end, count;
	uint64_t a, b;
	int err = aml_pkg_length(v, &pos, &length);

	if (err == -EINVAL) {
		kprintf("skiff: acpi: \\_S5_ package in %s at offset 0x%x has a "
			"malformed PkgLength\n", v->name, start);
		return -EBADMSG;
	}
	if (err)
		return aml_s5_truncated(v, start);
	end = start + length;
	if (end > v->len || end <= pos)
		return aml_s5_truncated(v, start);
	count = v->aml[pos++];
	if (count < 2) {
		kprintf("skiff: acpi: \\_S5_ package in %s has %u elements, "
			"needs 2\n", v->name, count);
		return -EBADMSG;
	}
	if (pos >= end || aml_integer(v, end, &pos, &a) != 0 ||
	    pos >= end || aml_integer(v, end, &pos, &b) != 0)
		return aml_s5_truncated(v, start);
	acpi.slp_typ_a = a & SLP_TYP_BITS;
	acpi.slp_typ_b = b & SLP_TYP_BITS;
	acpi.have_s5 = true;
	return 0;
}

/*
 * Whether DefName := NameOp NameString ... starts at i with the name \_S5_
 * (20.2.5.1, 20.2.2: an optional RootChar or ParentPrefixChars, then the
 * NameSeg), and a PackageOp follows; *pos is then just after PackageOp.
 */
static bool aml_is_s5_name(const struct aml_view *v, uint32_t i, uint32_t *pos)
{
	uint32_t j = i + 1;

	if (v->aml[i] != AML_NAME_OP)
		return false;
	if (j < v->len && v->aml[j] == AML_ROOT_CHAR)
		j++;
	else
		while (j < v->len && v->aml[j] == AML_PARENT_PREFIX_CHAR)
			j++;
	if (j + AML_NAME_SEG_SIZE + 1 > v->len ||
	    memcmp(v->aml + j, "_S5_", AML_NAME_SEG_SIZE) != 0 ||
	    v->aml[j + AML_NAME_SEG_SIZE] != AML_PACKAGE_OP)
		return false;
	*pos = j + AML_NAME_SEG_SIZE + 1;
	return true;
}

/*
 * Scans a definition block's AML for Name(\_S5_, Package(){...}).  Without
 * an interpreter this is a byte search: the pattern is distinctive enough
 * that firmware tables do not contain it by accident.
 */
static int aml_find_s5(const struct acpi_sdt_header *table, const char *name)
{
	struct aml_view v = { (const uint8_t *)table, table->length, name };
	uint32_t i, pos;

	for (i = sizeof(*table); i < v.len; i++)
		if (aml_is_s5_name(&v, i, &pos))
			return aml_parse_s5_package(&v, pos);
	return -ENOENT;
}

/* \_S5_ may be defined in the DSDT (5.2.11.1) or any SSDT (5.2.11.2). */
static void acpi_load_s5(void)
{
	const struct acpi_sdt_header *t;
	uint64_t dsdt = acpi.fadt.x_dsdt ? acpi.fadt.x_dsdt : acpi.fadt.dsdt;
	uint32_t next = 0;
	uint64_t phys;
	int err = -ENOENT;

	if (!dsdt)
		kprintf("skiff: acpi: FADT names no DSDT\n");
	else if (acpi_map_sdt(dsdt, "DSDT", "DSDT", &t) == 0)
		err = aml_find_s5(t, "DSDT");
	while (err == -ENOENT && (phys = acpi_find_table("SSDT", &next)) != 0)
		if (acpi_map_sdt(phys, "SSDT", "SSDT", &t) == 0)
			err = aml_find_s5(t, "SSDT");
	if (err == -ENOENT)
		kprintf("skiff: acpi: no \\_S5_ in the DSDT or any SSDT\n");
}

/* ---- Interface ---- */

static void acpi_print_summary(void)
{
	char oem[ACPI_OEM_ID_SIZE + 1];
	size_t i;

	/* The OEM ID is firmware bytes: keep control characters off the console. */
	for (i = 0; i <= ACPI_OEM_ID_SIZE; i++)
		oem[i] = (acpi.oem_id[i] && (acpi.oem_id[i] < ' ' || acpi.oem_id[i] > '~')) ?
			 '?' : acpi.oem_id[i];
	kprintf("skiff: acpi: RSDP rev %u (OEM %s), %s 0x%llx, FADT ok, ",
		acpi.rsdp.revision, oem, acpi.root_is_xsdt ? "XSDT" : "RSDT",
		(unsigned long long)acpi.root_phys);
	if (acpi.have_s5)
		kprintf("S5 sleep type %u/%u\n", acpi.slp_typ_a, acpi.slp_typ_b);
	else
		kprintf("no S5: power-off unavailable\n");
}

int acpi_init(const uint8_t *rsdp_copy, uint8_t rsdp_revision)
{
	int err;

	memset(&acpi, 0, sizeof(acpi));
	err = acpi_load_rsdp(rsdp_copy, rsdp_revision);
	if (err)
		return err;
	if (acpi.rsdp_found_at)
		kprintf("skiff: acpi: RSDP found at 0x%llx\n",
			(unsigned long long)acpi.rsdp_found_at);
	err = acpi_load_root();
	if (err)
		return err;
	err = acpi_load_fadt();
	if (err)
		return err;
	acpi_load_s5();
	acpi_print_summary();
	return 0;
}

int acpi_table(const char *sig, const void **table, size_t *avail)
{
	const struct acpi_sdt_header *h;
	uint32_t next = 0;
	uint64_t phys;
	uint32_t len;

	if (!acpi.root)
		return -ENODEV;
	phys = acpi_find_table(sig, &next);
	if (!phys)
		return -ENOENT;
	h = acpi_map(phys, sizeof(*h));		/* acpi_find_table() mapped it */
	len = h->length < sizeof(*h) ? sizeof(*h) : h->length;
	if (len > ACPI_SDT_MAX_LENGTH) {
		kprintf("skiff: acpi: %.4s at 0x%llx has length %u, over %u\n",
			sig, (unsigned long long)phys, len, ACPI_SDT_MAX_LENGTH);
		return -EINVAL;
	}
	*table = acpi_map(phys, len);
	if (!*table) {
		kprintf("skiff: acpi: %.4s at 0x%llx (%u bytes) is not mappable\n",
			sig, (unsigned long long)phys, len);
		return -EFAULT;
	}
	*avail = len;
	return 0;
}

const char *acpi_oem_id(void)
{
	return acpi.oem_id;
}

bool acpi_is_emulator(void)
{
	return acpi.have_rsdp &&
	       memcmp(acpi.oem_id, "BOCHS ", ACPI_OEM_ID_SIZE) == 0;
}

bool acpi_s5_sleep_types(uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
	if (!acpi.have_s5)
		return false;
	*slp_typ_a = acpi.slp_typ_a;
	*slp_typ_b = acpi.slp_typ_b;
	return true;
}

/* ---- Power-off ---- */

static int acpi_pm1_cnt_reg(const struct acpi_gas *x, uint32_t port, struct acpi_reg *out);

static uint16_t io_port_or_0(int err, const struct acpi_reg *r)
{
	return !err && r->space == ACPI_GAS_SYSTEM_IO ? (uint16_t)r->addr : 0;
}

static uint64_t memory_or_0(int err, const struct acpi_reg *r)
{
	return !err && r->space == ACPI_GAS_SYSTEM_MEMORY ? r->addr : 0;
}

/* PCI configuration addresses, ACPI 6.4 5.2.3.2: bits 63:48 reserved
 * (0), device 47:32, function 31:16, offset 15:0; bus 0.  Conventional
 * configuration space only (offset below 0x100), as mechanism #1 reaches. */
#define GAS_PCI_DEV(a)		(((a) >> 32) & 0xffff)
#define GAS_PCI_FN(a)		(((a) >> 16) & 0xffff)
#define GAS_PCI_OFFSET(a)	((a) & 0xffff)
#define GAS_PCI_RESERVED(a)	((a) >> 48)
#define PCI_DEVS		32
#define PCI_FNS			8
#define PCI_CONFIG_BYTES	0x100

static void acpi_reset_pci(const struct acpi_gas *rr, uint8_t value, struct acpi_power_ports *p)
{
	uint64_t a = rr->address;

	if (GAS_PCI_RESERVED(a) || GAS_PCI_DEV(a) >= PCI_DEVS || GAS_PCI_FN(a) >= PCI_FNS ||
	    GAS_PCI_OFFSET(a) >= PCI_CONFIG_BYTES) {
		kprintf("skiff: acpi: RESET_REG in PCI configuration space at 0x%llx: not a "
			"device, function and offset skiff can reach\n", (unsigned long long)a);
		return;
	}
	p->reset_pci = true;
	p->reset_pci_dev = (uint8_t)GAS_PCI_DEV(a);
	p->reset_pci_fn = (uint8_t)GAS_PCI_FN(a);
	p->reset_pci_offset = (uint8_t)GAS_PCI_OFFSET(a);
	p->reset_value = value;
}

void acpi_power_ports(struct acpi_power_ports *p)
{
	struct acpi_reg a, b;
	const struct acpi_gas *rr = &acpi.fadt.reset_reg;

	*p = (struct acpi_power_ports){ 0 };
	if (!acpi.have_fadt)
		return;
	int err_a = acpi_pm1_cnt_reg(&acpi.fadt.x_pm1a_cnt_blk, acpi.fadt.pm1a_cnt_blk, &a);
	int err_b = acpi_pm1_cnt_reg(&acpi.fadt.x_pm1b_cnt_blk, acpi.fadt.pm1b_cnt_blk, &b);

	p->pm1a_cnt = io_port_or_0(err_a, &a);
	p->pm1b_cnt = io_port_or_0(err_b, &b);
	p->pm1a_cnt_mem = memory_or_0(err_a, &a);
	p->pm1b_cnt_mem = memory_or_0(err_b, &b);
	/* RESET_REG came with FADT revision 2 (a shorter table leaves it
	 * zero); the FLAGS bit RESET_REG_SUP says it is there (5.2.9). */
	if (!(acpi.fadt.flags & ACPI_FADT_RESET_REG_SUP))
		return;
	if (rr->address_space_id == ACPI_GAS_SYSTEM_IO && rr->address && rr->address <= IO_PORT_MAX) {
		p->reset = (uint16_t)rr->address;
		p->reset_value = acpi.fadt.reset_value;
	} else if (rr->address_space_id == ACPI_GAS_PCI_CONFIG) {
		acpi_reset_pci(rr, acpi.fadt.reset_value, p);
	} else if (rr->address_space_id == ACPI_GAS_SYSTEM_MEMORY && rr->address) {
		p->reset_mem = rr->address;
		p->reset_value = acpi.fadt.reset_value;
	}
}

/*
 * Where a PM1 control register block is: the X_ generic address when
 * nonzero, which then overrides the 32-bit I/O port field (5.2.9).
 * Returns 0, -ENOENT when the block is absent, -ENOTSUP when skiff cannot
 * reach it.
 */
static int acpi_pm1_cnt_reg(const struct acpi_gas *x, uint32_t port, struct acpi_reg *out)
{
	if (x->address) {
		out->space = x->address_space_id;
		out->addr = x->address;
	} else if (port && acpi.fadt.pm1_cnt_len >= PM1_CNT_WIDTH) {
		out->space = ACPI_GAS_SYSTEM_IO;
		out->addr = port;
	} else {
		return -ENOENT;
	}
	if ((out->space == ACPI_GAS_SYSTEM_IO && out->addr <= IO_PORT_MAX) ||
	    out->space == ACPI_GAS_SYSTEM_MEMORY)
		return 0;
	kprintf("skiff: acpi: PM1 control register in address space %u at "
		"0x%llx: not supported\n", out->space, (unsigned long long)out->addr);
	return -ENOTSUP;
}

static uint16_t acpi_pm1_read(const struct acpi_reg *r)
{
	return acpi_reg_read(r->space, r->addr, PM1_CNT_WIDTH);
}

/*
 * Takes the ACPI registers from SMM if the firmware still owns them
 * (SCI_EN clear): write ACPI_ENABLE to SMI_CMD and wait for SCI_EN
 * (ACPI 6.4 4.8, "Legacy/ACPI Select and the SCI Interrupt"; 5.2.9 SMI_CMD).
 * A timeout is reported; the sleep request is tried anyway.
 */
static void acpi_enable_sci(const struct acpi_reg *pm1a)
{
	uint32_t i;

	if (acpi_pm1_read(pm1a) & PM1_CNT_SCI_EN)
		return;
	if (!acpi.fadt.smi_cmd || !acpi.fadt.acpi_enable ||
	    acpi.fadt.smi_cmd > IO_PORT_MAX)
		return;		/* ACPI-only hardware: nothing to hand over */
	acpi_reg_write(ACPI_GAS_SYSTEM_IO, acpi.fadt.smi_cmd, 1, acpi.fadt.acpi_enable);
	for (i = 0; i < SCI_EN_POLLS; i++)
		if (acpi_pm1_read(pm1a) & PM1_CNT_SCI_EN)
			return;
	kprintf("skiff: acpi: SCI_EN still clear after ACPI_ENABLE (0x%02x to "
		"port 0x%x); trying S5 anyway\n", acpi.fadt.acpi_enable,
		acpi.fadt.smi_cmd);
}

/* SLP_TYPx and SLP_EN in one write; the register's other bits are kept. */
static void acpi_write_sleep(const struct acpi_reg *r, uint8_t slp_typ)
{
	uint16_t v = acpi_pm1_read(r);

	v &= (uint16_t)~(PM1_CNT_SLP_TYP_MASK | PM1_CNT_SLP_EN);
	v |= (uint16_t)((slp_typ << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN);
	acpi_reg_write(r->space, r->addr, PM1_CNT_WIDTH, v);
}

/*
 * ACPI 6.4 16.1 (Transitioning from the Working to the Sleeping State):
 * SLP_TYPa with SLP_EN to PM1a_CNT, then SLP_TYPb with SLP_EN to PM1b_CNT.
 */
int acpi_power_off(void)
{
	struct acpi_reg a, b;
	uint32_t i;
	int err;

	if (!acpi.have_fadt) {
		kprintf("skiff: acpi: power-off: no usable ACPI tables\n");
		return -ENODEV;
	}
	if (!acpi.have_s5) {
		kprintf("skiff: acpi: power-off: no \\_S5_ sleep type\n");
		return -ENOENT;
	}
	err = acpi_pm1_cnt_reg(&acpi.fadt.x_pm1a_cnt_blk, acpi.fadt.pm1a_cnt_blk, &a);
	if (err) {
		kprintf("skiff: acpi: power-off: no usable PM1a_CNT%s\n",
			(acpi.fadt.flags & ACPI_FADT_HW_REDUCED_ACPI) ?
			" (hardware-reduced ACPI is not supported)" : "");
		return err == -ENOENT ? -ENODEV : err;
	}
	err = acpi_pm1_cnt_reg(&acpi.fadt.x_pm1b_cnt_blk, acpi.fadt.pm1b_cnt_blk, &b);
	if (err && err != -ENOENT)
		return err;
	acpi_enable_sci(&a);
	acpi_write_sleep(&a, acpi.slp_typ_a);
	if (!err)
		acpi_write_sleep(&b, acpi.slp_typ_b);
	for (i = 0; i < POWER_OFF_POLLS; i++)
		(void)acpi_pm1_read(&a);	/* time for the power to drop */
	kprintf("skiff: acpi: S5 requested (SLP_TYP %u/%u) but the machine did "
		"not power off\n", acpi.slp_typ_a, acpi.slp_typ_b);
	return -EIO;
}

/* ---- The kernel's hooks: identity-mapped memory, port and MMIO access ---- */

#ifndef SKIFF_HOST_TEST
/* What kernel/boot/entry.S identity-maps; a table beyond it would fault. */
#define ACPI_IDENTITY_MAP_END	(4ull << 30)

const void *acpi_map(uint64_t phys, uint64_t len)
{
	if (phys == 0 || phys + len < phys || phys + len > ACPI_IDENTITY_MAP_END)
		return NULL;
	return (const void *)(uintptr_t)phys;
}

uint16_t acpi_reg_read(uint8_t space, uint64_t addr, unsigned int bytes)
{
	if (space == ACPI_GAS_SYSTEM_IO)
		return bytes == 1 ? inb((uint16_t)addr) : inw((uint16_t)addr);
	if (bytes == 1)
		return *(const volatile uint8_t *)(uintptr_t)addr;
	return *(const volatile uint16_t *)(uintptr_t)addr;
}

void acpi_reg_write(uint8_t space, uint64_t addr, unsigned int bytes, uint16_t value)
{
	if (space == ACPI_GAS_SYSTEM_IO) {
		if (bytes == 1)
			outb((uint16_t)addr, (uint8_t)value);
		else
			outw((uint16_t)addr, value);
	} else if (bytes == 1) {
		*(volatile uint8_t *)(uintptr_t)addr = (uint8_t)value;
	} else {
		*(volatile uint16_t *)(uintptr_t)addr = value;
	}
}
#endif
