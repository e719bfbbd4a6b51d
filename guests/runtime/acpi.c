/* Finding an ACPI table through the loader's copy of the RSDP; see acpi.h. */
#include <stdbool.h>
#include <stddef.h>

#include "acpi.h"
#include "mb2.h"
#include "string.h"

/* ACPI 6.4 5.2.5.3, table 5.3: the RSDP. */
struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	uint8_t checksum;		/* of the first 20 bytes (ACPI 1.0) */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0, 2: 2.0 and later */
	uint32_t rsdt_address;
	/* revision 2 and later */
	uint32_t length;		/* of the whole RSDP */
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* of all length bytes */
	uint8_t reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 6.4 5.2.5.3: 36 bytes");

#define RSDP_V1_LENGTH		20	/* what the ACPI 1.0 checksum covers */
#define RSDP_REVISION_XSDT	2
#define FOUR_GIB		0x100000000ull

static bool sum_is_zero(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

/* The loader's copy of the RSDP, checked; the new tag first.  *len: the
 * bytes of it that are real (20 or 36). */
static const struct acpi_rsdp *rsdp_from_loader(const struct mb2_info *mbi, uint32_t *len)
{
	static const uint32_t tags[] = { MB2_TAG_ACPI_NEW, MB2_TAG_ACPI_OLD };

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		const struct mb2_tag_acpi *t = (const void *)mb2_find_tag(mbi, tags[i]);
		const struct acpi_rsdp *r;
		uint32_t avail;

		if (!t || t->size < sizeof(*t) + RSDP_V1_LENGTH)
			continue;
		r = (const struct acpi_rsdp *)t->rsdp;
		avail = t->size - sizeof(*t);
		if (memcmp(r->signature, "RSD PTR ", 8) != 0 || !sum_is_zero(r, RSDP_V1_LENGTH))
			continue;
		*len = RSDP_V1_LENGTH;
		if (r->revision >= RSDP_REVISION_XSDT && avail >= sizeof(*r) &&
		    r->length >= sizeof(*r) && r->length <= avail && sum_is_zero(r, r->length))
			*len = sizeof(*r);
		return r;
	}
	return NULL;
}

/* The table at phys if its header and checksum hold (5.2.6), else NULL. */
static const struct acpi_header *table_at(uint64_t phys)
{
	const struct acpi_header *h;

	if (phys == 0 || phys + sizeof(*h) > FOUR_GIB)
		return NULL;
	h = (const struct acpi_header *)(uint32_t)phys;
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX ||
	    phys + h->length > FOUR_GIB || !sum_is_zero(h, h->length))
		return NULL;
	return h;
}

const struct acpi_header *acpi_find_table(const struct mb2_info *mbi, const char sig[4])
{
	const struct acpi_header *root, *t;
	const struct acpi_rsdp *rsdp;
	uint32_t rsdp_len, entry_size, n;
	bool xsdt;

	rsdp = rsdp_from_loader(mbi, &rsdp_len);
	if (!rsdp)
		return NULL;
	/* 5.2.5.3: an RSDP of revision 2+ names the XSDT, which supersedes
	 * the RSDT; 5.2.7/5.2.8: 32-bit entries in the RSDT, 64-bit in the
	 * XSDT, right after the header and not necessarily aligned. */
	xsdt = rsdp_len == sizeof(*rsdp) && rsdp->xsdt_address != 0;
	root = table_at(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
	if (!root || memcmp(root->signature, xsdt ? "XSDT" : "RSDT", 4) != 0)
		return NULL;
	entry_size = xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
	n = (root->length - sizeof(*root)) / entry_size;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t phys = 0;

		memcpy(&phys, e, entry_size);	/* little-endian: the low half first */
		t = table_at(phys);
		if (t && memcmp(t->signature, sig, 4) == 0)
			return t;
	}
	return NULL;
}
