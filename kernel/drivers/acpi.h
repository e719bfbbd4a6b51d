/*
 * ACPI table discovery and soft power-off (S5), from the ACPI 6.4
 * specification.  skiff has no AML interpreter: it finds the FADT and reads
 * the \_S5_ package out of the DSDT (or an SSDT) byte stream, which is all
 * that entering S5 through the PM1 control registers needs.
 *
 * Everything the firmware hands over is untrusted: every length and
 * checksum is checked, and each problem is reported with kprintf().
 */
#ifndef SKIFF_DRIVERS_ACPI_H
#define SKIFF_DRIVERS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Table layouts, ACPI 6.4 chapter 5 ---- */

#define ACPI_RSDP_SIGNATURE	"RSD PTR "	/* 8 bytes, no NUL */
#define ACPI_RSDP_V1_SIZE	20	/* ACPI 1.0 part, covered by checksum */
#define ACPI_RSDP_V2_SIZE	36	/* whole structure, revision >= 2 */
#define ACPI_OEM_ID_SIZE	6

/* Root System Description Pointer, ACPI 6.4 5.2.5.3 (table "RSDP Structure"). */
struct __attribute__((packed)) acpi_rsdp {
	char signature[8];
	uint8_t checksum;		/* first 20 bytes sum to zero */
	char oem_id[ACPI_OEM_ID_SIZE];
	uint8_t revision;		/* 0 for ACPI 1.0, 2 for ACPI 2.0 and later */
	uint32_t rsdt_address;
	/* Revision >= 2 only: */
	uint32_t length;		/* of the whole RSDP */
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* all `length` bytes sum to zero */
	uint8_t reserved[3];
};

/* System Description Table header, ACPI 6.4 5.2.6. */
struct __attribute__((packed)) acpi_sdt_header {
	char signature[4];
	uint32_t length;		/* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* all `length` bytes sum to zero */
	char oem_id[ACPI_OEM_ID_SIZE];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
};

/* Generic Address Structure, ACPI 6.4 5.2.3.2. */
struct __attribute__((packed)) acpi_gas {
	uint8_t address_space_id;	/* ACPI_GAS_SYSTEM_* */
	uint8_t register_bit_width;
	uint8_t register_bit_offset;
	uint8_t access_size;
	uint64_t address;
};

/* Address space IDs, ACPI 6.4 5.2.3.2 (table "Generic Address Structure"). */
#define ACPI_GAS_SYSTEM_MEMORY	0
#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_PCI_CONFIG	2	/* bus 0: device, function, offset */

/*
 * Fixed ACPI Description Table, ACPI 6.4 5.2.9 (table "FADT Format"), up to
 * the fields skiff uses.  Older firmware ships shorter FADTs (ACPI 1.0 ends
 * after FLAGS, at 116 bytes); fields beyond the table's length are absent.
 */
struct __attribute__((packed)) acpi_fadt {
	struct acpi_sdt_header header;		/* signature "FACP" */
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;			/* I/O port; 0: no legacy mode */
	uint8_t acpi_enable;			/* value to write to smi_cmd */
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;			/* I/O port */
	uint32_t pm1b_cnt_blk;			/* I/O port; 0: not supported */
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;			/* bytes decoded; >= 2 */
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;				/* ACPI_FADT_* */
	/* ACPI 2.0 and later: */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t fadt_minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;			/* preferred over dsdt when nonzero */
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;		/* preferred over pm1a_cnt_blk */
	struct acpi_gas x_pm1b_cnt_blk;
};

/* Length of an ACPI 1.0 FADT: everything up to and including FLAGS. */
#define ACPI_FADT_V1_LENGTH	116

/* FADT FLAGS bits, ACPI 6.4 5.2.9 (table "Fixed ACPI Description Table
 * Fixed Feature Flags"). */
#define ACPI_FADT_HW_REDUCED_ACPI	(1u << 20)
#define ACPI_FADT_RESET_REG_SUP		(1u << 10)

_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_SIZE, "RSDP is 36 bytes");
_Static_assert(offsetof(struct acpi_rsdp, length) == ACPI_RSDP_V1_SIZE, "RSDP v1 is 20 bytes");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header is 36 bytes");
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 40, "FADT DSDT offset");
_Static_assert(offsetof(struct acpi_fadt, smi_cmd) == 48, "FADT SMI_CMD offset");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, pm1_cnt_len) == 89, "FADT PM1_CNT_LEN offset");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT FLAGS offset");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == ACPI_FADT_V1_LENGTH, "FADT 1.0 length");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT offset");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK offset");
_Static_assert(offsetof(struct acpi_fadt, x_pm1b_cnt_blk) == 184, "FADT X_PM1b_CNT_BLK offset");

/* ---- Hooks: the kernel's versions are in acpi.c; host tests supply their own ---- */

/*
 * Makes len bytes of physical memory at phys readable and returns where;
 * NULL when they cannot be (the kernel's version: phys 0, a range that
 * wraps, or one beyond the 4 GiB the boot code identity-maps).  The result
 * stays valid for as long as skiff runs.
 */
const void *acpi_map(uint64_t phys, uint64_t len);

/* Reads or writes a 1- or 2-byte hardware register in an ACPI address
 * space (ACPI_GAS_SYSTEM_IO: port; ACPI_GAS_SYSTEM_MEMORY: MMIO). */
uint16_t acpi_reg_read(uint8_t space, uint64_t addr, unsigned int bytes);
void acpi_reg_write(uint8_t space, uint64_t addr, unsigned int bytes, uint16_t value);

/* ---- Interface ---- */

/*
 * Finds and checks the ACPI tables.  rsdp_copy/rsdp_revision are the boot
 * information's copy (struct boot_info rsdp, rsdp_revision: 1 for a 20-byte
 * ACPI 1.0 copy, 2 for 36 bytes, 0 for none, in which case the BIOS areas
 * are scanned).  Returns 0 when the RSDP, root table and FADT are valid,
 * even if no \_S5_ was found (then acpi_power_off() is unavailable); a
 * negative error code, with the reason printed, otherwise.
 */
int acpi_init(const uint8_t *rsdp_copy, uint8_t rsdp_revision);

/*
 * The first table listed in the RSDT/XSDT with signature sig (4 bytes),
 * for a parser of its own (madt.c).  On 0, *table is mapped over
 * *avail bytes: the length its header gives, or the header alone when that
 * length is shorter; the checksum and the table's own layout are left to
 * the caller.  -ENODEV: no valid root table (acpi_init() found none);
 * -ENOENT: not listed; -EFAULT, -EINVAL: listed but not mappable, or
 * longer than any real table (printed).
 */
int acpi_table(const char *sig, const void **table, size_t *avail);

/* The RSDP's OEM ID (6 characters), or "" when there is no valid RSDP. */
const char *acpi_oem_id(void);

/*
 * True when the ACPI tables come from QEMU or Bochs (OEM ID "BOCHS "), so
 * their debug-exit ports (0xf4, 0x8900) exist; never true on real hardware
 * as far as skiff can tell, where writing those ports would be unsafe.
 */
bool acpi_is_emulator(void);

/*
 * The I/O ports through which software resets or powers off the machine
 * per the FADT (ACPI 6.4 4.8.3.2 PM1 control, 4.8.3.6 reset register):
 * each 0 when absent or not in system I/O space (then skiff cannot
 * intercept it, and says so at boot).  A RESET_REG in PCI configuration
 * space (address space 2) is given apart: ACPI 6.4 5.2.3.2 confines it to
 * bus 0 and encodes the device in bits 47:32 of the address, the function
 * in bits 31:16 and the register offset in bits 15:0.
 */
struct acpi_power_ports {
	uint16_t pm1a_cnt, pm1b_cnt;	/* 16-bit registers */
	uint16_t reset;			/* RESET_REG, 8 bits wide */
	uint8_t reset_value;		/* for either kind of RESET_REG */
	bool reset_pci;			/* RESET_REG is in PCI configuration space: */
	uint8_t reset_pci_dev, reset_pci_fn, reset_pci_offset;
	/* The same registers in system memory (0: not there), which skiff
	 * keeps by trapping the guest's stores (vm/platform.h). */
	uint64_t pm1a_cnt_mem, pm1b_cnt_mem, reset_mem;
};
void acpi_power_ports(struct acpi_power_ports *p);

/* The \_S5_ sleep type values for PM1a/PM1b; false when none was found. */
bool acpi_s5_sleep_types(uint8_t *slp_typ_a, uint8_t *slp_typ_b);

/*
 * Enters S5 (soft off) through the PM1 control registers.  Returns only if
 * that is impossible (-ENODEV no ACPI, -ENOENT no \_S5_, -ENOTSUP registers
 * skiff cannot drive) or did not work (-EIO).  No _PTS is run: skiff has no
 * AML interpreter.
 */
int acpi_power_off(void);

#endif
