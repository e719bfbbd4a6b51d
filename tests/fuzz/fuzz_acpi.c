/*
 * acpi_init() and acpi_power_off(), against firmware tables from the
 * input:
 *
 *   byte 0      flags: bits 1:0 the RSDP revision the boot information
 *               gives (0: none, so the BIOS areas are scanned; 3: a NULL
 *               copy), bit 2 fix up checksums (below), bit 3 SCI_EN
 *               already set
 *   bytes 1-2   the EBDA segment in the BIOS data area (0x40e)
 *   bytes 3-38  the RSDP copy the boot information would hold
 *   the rest    physical memory from 0xe0000 (the BIOS area the RSDP scan
 *               reads) up to 0x120000; what the input does not fill is 0
 *
 * With bit 2 set, every table found with a known signature and a length
 * that fits, and every RSDP, gets its checksum fixed before the run, so
 * the fuzzer can reach past the checksums into the tables and the AML.
 *
 * All of fake physical memory starts poisoned, and acpi_map() unpoisons
 * exactly what it hands out: a read of memory acpi.c did not map first is
 * an AddressSanitizer report.  The chipset model records the register
 * accesses: only I/O or memory space, 1 or 2 bytes, I/O ports within
 * 16 bits; ACPI_ENABLE written to SMI_CMD sets SCI_EN; the machine
 * "powers off" (the run ends there) when the register that got SLP_EN is
 * read again, and what was written must be the \_S5_ sleep type found.
 */
#include "fuzz_support.h"

#include <setjmp.h>
#include <string.h>

#include "drivers/acpi.h"
#include "lib/errno.h"

#define MEM_BASE	0xe0000ull
#define MEM_SIZE	0x40000ull
#define BDA_EBDA	0x40e
#define HEAD_SIZE	(1 + 2 + ACPI_RSDP_V2_SIZE)

#define PM1_SCI_EN	(1u << 0)
#define PM1_SLP_EN	(1u << 13)
#define PM1_SLP_TYP(v)	(((v) >> 10) & 7u)

/* Fake physical memory: poisoned unless acpi_map() handed it out. */
static uint8_t mem[MEM_SIZE] __attribute__((aligned(4096)));
static size_t mem_dirty;
static uint16_t bda_ebda;

const void *acpi_map(uint64_t phys, uint64_t len)
{
	if (phys == BDA_EBDA && len <= sizeof(bda_ebda))
		return &bda_ebda;
	if (phys < MEM_BASE || phys - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (phys - MEM_BASE))
		return NULL;
	fuzz_unpoison(mem + (phys - MEM_BASE), len);
	return mem + (phys - MEM_BASE);
}

/* ---- the chipset ---- */

static struct {
	uint16_t pm1;		/* what a PM1 control register reads as */
	bool slept;		/* SLP_EN written */
	uint8_t sleep_space;
	uint64_t sleep_addr;
	uint16_t sleep_value;
	jmp_buf off;		/* the power is gone */
} hw;

static void check_reg(uint8_t space, uint64_t addr, unsigned int bytes)
{
	fuzz_check(space == ACPI_GAS_SYSTEM_IO || space == ACPI_GAS_SYSTEM_MEMORY,
		   "register access in address space %u", space);
	fuzz_check(bytes == 1 || bytes == 2, "register access of %u bytes", bytes);
	fuzz_check(space != ACPI_GAS_SYSTEM_IO || addr <= 0xffff, "I/O port 0x%llx",
		   (unsigned long long)addr);
}

uint16_t acpi_reg_read(uint8_t space, uint64_t addr, unsigned int bytes)
{
	check_reg(space, addr, bytes);
	if (hw.slept && space == hw.sleep_space && addr == hw.sleep_addr)
		longjmp(hw.off, 1);
	return hw.pm1;
}

void acpi_reg_write(uint8_t space, uint64_t addr, unsigned int bytes, uint16_t value)
{
	check_reg(space, addr, bytes);
	if (bytes == 1 && space == ACPI_GAS_SYSTEM_IO)
		hw.pm1 |= PM1_SCI_EN;	/* ACPI_ENABLE to SMI_CMD, taken as done */
	if (bytes == 2 && (value & PM1_SLP_EN) && !hw.slept) {
		hw.slept = true;
		hw.sleep_space = space;
		hw.sleep_addr = addr;
		hw.sleep_value = value;
	}
}

/* ---- checksums ---- */

static void fix_sum(uint8_t *p, size_t len, size_t at)
{
	uint8_t sum = 0;

	p[at] = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	p[at] = (uint8_t)-sum;
}

/* An RSDP of avail bytes at p: the 1.0 checksum, and the 2.0 one. */
static void fix_rsdp(uint8_t *p, size_t avail)
{
	fix_sum(p, ACPI_RSDP_V1_SIZE, offsetof(struct acpi_rsdp, checksum));
	if (avail >= ACPI_RSDP_V2_SIZE)
		fix_sum(p, ACPI_RSDP_V2_SIZE, offsetof(struct acpi_rsdp, extended_checksum));
}

static void fix_tables(size_t n)
{
	static const char *const sigs[] = { "RSDT", "XSDT", "FACP", "DSDT", "SSDT" };

	for (size_t off = 0; off + ACPI_RSDP_V1_SIZE <= n; off += 16)
		if (memcmp(mem + off, ACPI_RSDP_SIGNATURE, 8) == 0)
			fix_rsdp(mem + off, n - off);
	for (size_t off = 0; off + sizeof(struct acpi_sdt_header) <= n; off++) {
		uint32_t len;

		for (size_t s = 0; s < ARRAY_SIZE(sigs); s++) {
			if (memcmp(mem + off, sigs[s], 4) != 0)
				continue;
			memcpy(&len, mem + off + 4, sizeof(len));
			if (len >= sizeof(struct acpi_sdt_header) && len <= n - off)
				fix_sum(mem + off, len, offsetof(struct acpi_sdt_header, checksum));
		}
	}
}

/* ---- one input ---- */

static void check_power_off(void)
{
	uint8_t a, b;
	bool s5 = acpi_s5_sleep_types(&a, &b);
	volatile int rc = 0;

	if (setjmp(hw.off) == 0) {
		rc = acpi_power_off();
		fuzz_check(rc == -ENODEV || rc == -ENOENT || rc == -ENOTSUP,
			   "acpi_power_off(): %d", rc);
		fuzz_check(!hw.slept, "SLP_EN written, yet acpi_power_off() returned %d", rc);
		return;
	}
	fuzz_check(s5, "powered off without an \\_S5_");
	fuzz_check(PM1_SLP_TYP(hw.sleep_value) == a, "SLP_TYP %u written, \\_S5_ says %u",
		   PM1_SLP_TYP(hw.sleep_value), a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t head[HEAD_SIZE] = { 0 };
	size_t n = size > HEAD_SIZE ? size - HEAD_SIZE : 0;
	uint8_t revision, a, b;
	const char *oem;
	int rc;

	memcpy(head, data, size < HEAD_SIZE ? size : HEAD_SIZE);
	n = n < MEM_SIZE ? n : MEM_SIZE;
	fuzz_unpoison(mem, MEM_SIZE);
	memset(mem, 0, mem_dirty);
	memcpy(mem, data + HEAD_SIZE, n);
	mem_dirty = n;
	memcpy(&bda_ebda, head + 1, sizeof(bda_ebda));
	revision = head[0] & 3;
	if (head[0] & 4) {
		fix_rsdp(head + 3, revision >= 2 ? ACPI_RSDP_V2_SIZE : ACPI_RSDP_V1_SIZE);
		fix_tables(n);
	}
	fuzz_poison(mem, MEM_SIZE);
	memset(&hw, 0, sizeof(hw));
	hw.pm1 = head[0] & 8 ? PM1_SCI_EN : 0;
	fuzz_log_reset();

	rc = acpi_init(revision == 3 ? NULL : head + 3, revision == 3 ? 2 : revision);
	fuzz_check(rc == 0 || rc == -ENODEV || rc == -EBADMSG || rc == -EINVAL ||
		   rc == -EFAULT || rc == -ENOENT, "acpi_init(): undocumented result %d", rc);
	oem = acpi_oem_id();
	fuzz_check(strnlen(oem, ACPI_OEM_ID_SIZE + 1) <= ACPI_OEM_ID_SIZE, "OEM ID unterminated");
	fuzz_check(!acpi_is_emulator() || memcmp(oem, "BOCHS ", 6) == 0, "emulator without BOCHS");
	if (acpi_s5_sleep_types(&a, &b))
		fuzz_check(rc == 0 && a <= 7 && b <= 7, "S5 types %u/%u (init %d)", a, b, rc);
	check_power_off();
	return 0;
}
