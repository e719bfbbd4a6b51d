/* See perm_maps.h. */
#include "lib/string.h"
#include "svm/perm_maps.h"
#include "vm/msr.h"
#include "x86.h"

/*
 * APM 15.11, "MSR Permissions Map": three 2 KiB vectors, each covering
 * 8192 MSRs with two bits apiece, the read intercept in the even bit and
 * the write intercept in the odd one; the fourth 2 KiB are reserved.
 */
#define MSRPM_VECTOR_BYTES	0x800u
#define MSRPM_VECTOR_MSRS	0x2000u
static const uint32_t msrpm_vector_base[] = { 0x00000000u, 0xc0000000u, 0xc0010000u };
#define MSRPM_VECTORS		(sizeof(msrpm_vector_base) / sizeof(msrpm_vector_base[0]))

static void bit_set(uint8_t *map, uint32_t bit)
{
	map[bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void bit_clear(uint8_t *map, uint32_t bit)
{
	map[bit / 8] &= (uint8_t)~(1u << (bit % 8));
}

static bool bit_test(const uint8_t *map, uint32_t bit)
{
	return (map[bit / 8] >> (bit % 8)) & 1;
}

void svm_iopm_init(uint8_t *iopm)
{
	memset(iopm, 0, SVM_IOPM_SIZE);
	/* An access of up to 4 bytes at 0xfffd-0xffff reads bits 0x10000-
	 * 0x10002 (15.10.1); set, so that it reaches skiff, never a port it
	 * keeps by wrapping. */
	for (uint32_t bit = SVM_IOPM_PORTS; bit < SVM_IOPM_PORTS + 3; bit++)
		bit_set(iopm, bit);
}

void svm_iopm_intercept(uint8_t *iopm, const struct vm_port_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (uint32_t port = r[i].first; port < (uint32_t)r[i].first + r[i].count &&
						 port < SVM_IOPM_PORTS; port++)
			bit_set(iopm, port);
}

bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, unsigned size)
{
	for (uint32_t bit = port; bit < (uint32_t)port + size; bit++)
		if (bit_test(iopm, bit))
			return true;
	return false;
}

/* The bit of msr's read intercept, or -1 when msr lies outside the map. */
static int64_t msrpm_read_bit(uint32_t msr)
{
	for (size_t v = 0; v < MSRPM_VECTORS; v++)
		if (msr - msrpm_vector_base[v] < MSRPM_VECTOR_MSRS)
			return (int64_t)(v * MSRPM_VECTOR_BYTES * 8 + 2 * (msr - msrpm_vector_base[v]));
	return -1;
}

/* The allow-list's VM_MSR_PASS, less what SVM does not switch for skiff
 * (perm_maps.h); VM_MSR_PAT never passes: the exit handler keeps the
 * guest's PAT in the VMCB's G_PAT. */
static bool passes(enum vm_msr_rule rule, uint32_t msr, bool write, const struct svm_msrpm_opts *o)
{
	if (msr == MSR_IA32_EFER && !write)
		return false;
	if (msr == MSR_IA32_DEBUGCTL && !o->lbr_virt)
		return false;
	return rule == VM_MSR_PASS && msr != MSR_IA32_PAT;
}

void svm_msrpm_build(uint8_t *msrpm, const struct svm_msrpm_opts *o)
{
	memset(msrpm, 0xff, SVM_MSRPM_SIZE);
	for (size_t i = 0; i < vm_msr_range_count; i++) {
		const struct vm_msr_range *r = &vm_msr_ranges[i];

		for (uint32_t msr = r->first; msr <= r->last; msr++) {
			int64_t bit = msrpm_read_bit(msr);

			if (bit < 0)
				continue;	/* always intercepted: the rule applies on exit */
			if (passes(r->read, msr, false, o))
				bit_clear(msrpm, (uint32_t)bit);
			if (passes(r->write, msr, true, o))
				bit_clear(msrpm, (uint32_t)bit + 1);
		}
	}
}

bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write)
{
	int64_t bit = msrpm_read_bit(msr);

	return bit < 0 || bit_test(msrpm, (uint32_t)bit + write);
}
