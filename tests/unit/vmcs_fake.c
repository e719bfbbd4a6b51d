/* The host tests' VMCS: an array indexed by the encoding's width, type and
 * index (SDM Vol. 3C 25.11.2), 64 bits per field. */
#include "vmcs_fake.h"

#include <string.h>

#include "panic.h"
#include "vmx/vmcs.h"

/* width (2 bits) : type (2 bits) : index (9 bits) */
#define SLOTS		(1u << 13)

static uint64_t image[SLOTS];
unsigned vmcs_fake_reads, vmcs_fake_writes;

void vmcs_fake_reset(void)
{
	memset(image, 0, sizeof(image));
	vmcs_fake_reads = vmcs_fake_writes = 0;
}

static uint64_t *slot(uint32_t enc)
{
	if (!vmcs_encoding_valid(enc))
		panic("vmcs_fake: malformed VMCS encoding 0x%x", enc);
	return &image[VMCS_ENC_WIDTH(enc) << 11 | VMCS_ENC_KIND(enc) << 9 | VMCS_ENC_INDEX(enc)];
}

/* The bits a full-access VMWRITE keeps, by width. */
static uint64_t width_mask(uint32_t enc)
{
	switch (VMCS_ENC_WIDTH(enc)) {
	case VMCS_WIDTH_16:
		return 0xffffull;
	case VMCS_WIDTH_32:
		return 0xffffffffull;
	default:
		return ~0ull;
	}
}

uint64_t vmcs_raw_read(uint32_t enc)
{
	uint64_t v = *slot(enc);

	vmcs_fake_reads++;
	return VMCS_ENC_IS_HIGH(enc) ? v >> 32 : v;
}

void vmcs_raw_write(uint32_t enc, uint64_t value)
{
	uint64_t *s = slot(enc);

	vmcs_fake_writes++;
	if (VMCS_ENC_IS_HIGH(enc))
		*s = (*s & 0xffffffffull) | (value << 32);
	else
		*s = value & width_mask(enc);
}
