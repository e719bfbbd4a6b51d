/*
 * The AHCI driver for one DMA job; see ahci.h.  Register names and the
 * order of each procedure are those of Serial ATA AHCI 1.3.1 (section
 * numbers below).  The HBA's registers are MMIO in skiff's identity map:
 * its page tables give them PAT WB, which the firmware's MTRRs make UC
 * (mm/paging.h), and every access is a volatile 32-bit one (3.0: the
 * registers are dwords).
 */
#include "drivers/ahci.h"

#include "drivers/ahci_cmd.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "x86.h"

/* ---- generic host control (3.1) ---- */
#define HBA_CAP			0x00
#define CAP_S64A		(1u << 31)	/* 64-bit addressing */
#define CAP_SSS			(1u << 27)	/* staggered spin-up */
#define HBA_GHC			0x04
#define GHC_AE			(1u << 31)	/* AHCI enable */
#define GHC_HR			(1u << 0)	/* HBA reset: never written 1 here */
#define HBA_PI			0x0c		/* ports implemented */
#define HBA_VS			0x10
#define VS_1_2			0x00010200u	/* CAP2 and BOHC exist from 1.2 on */
#define HBA_CAP2		0x24
#define CAP2_BOH		(1u << 0)	/* BIOS/OS handoff */
#define HBA_BOHC		0x28
#define BOHC_BOS		(1u << 0)	/* BIOS owned semaphore */
#define BOHC_OOS		(1u << 1)	/* OS owned semaphore */
#define BOHC_BB			(1u << 4)	/* BIOS busy */

/* ---- port registers (3.3), at 0x100 + port * 0x80 ---- */
#define HBA_PORTS		0x100
#define HBA_PORT_SIZE		0x80
#define AHCI_PORTS_MAX		32
#define PX_CLB			0x00
#define PX_CLBU			0x04
#define PX_FB			0x08
#define PX_FBU			0x0c
#define PX_IS			0x10
#define PX_IE			0x14
#define PX_CMD			0x18
#define PX_TFD			0x20
#define PX_SIG			0x24
#define PX_SSTS			0x28
#define PX_SERR			0x30
#define PX_SACT			0x34
#define PX_CI			0x38

#define PXCMD_ST		(1u << 0)	/* start: process the command list */
#define PXCMD_SUD		(1u << 1)	/* spin-up device */
#define PXCMD_FRE		(1u << 4)	/* FIS receive enable */
#define PXCMD_FR		(1u << 14)	/* FIS receive running */
#define PXCMD_CR		(1u << 15)	/* command list running */
/* PxIS: the errors that end a command (3.3.5; 6.1.1). */
#define PXIS_ERRORS		((1u << 30) | (1u << 29) | (1u << 28) | (1u << 27) | \
				 (1u << 26) | (1u << 24))	/* TFES HBFS HBDS IFS INFS OFS */
#define TFD_STS_ERR		(1u << 0)
#define TFD_STS_DRQ		(1u << 3)
#define TFD_STS_BSY		(1u << 7)
#define SSTS_DET_MASK		0xfu
#define SSTS_DET_PRESENT	3	/* device present, phy communication established */
#define SIG_ATA_DISK		0x00000101u	/* 3.3.9; Serial ATA 3.x 11.3: LBA 0, count 1 */
#define SIG_ATAPI		0xeb140101u
#define ALL_ONES		0xffffffffu

#define SLOT			0	/* the one command slot skiff uses */

/* Time limits: 10.1.2 lets an HBA take 500 ms to stop CR and FR; 10.6.3
 * gives the BIOS 25 ms to answer the handoff, and 2 s more when busy. */
#define STOP_MS			500
#define READY_MS		1000	/* a device's BSY and DRQ to clear before ST */
#define HANDOFF_MS		25
#define HANDOFF_BUSY_MS		2000

static volatile uint32_t *reg(uint64_t abar, uint32_t off)
{
	return (volatile uint32_t *)(uintptr_t)(abar + off);
}

static uint32_t hba_read(const struct ahci_dev *d, uint32_t off)
{
	return *reg(d->abar, off);
}

static void hba_write(const struct ahci_dev *d, uint32_t off, uint32_t v)
{
	*reg(d->abar, off) = v;
}

static uint32_t port_off(unsigned port, uint32_t r)
{
	return HBA_PORTS + port * HBA_PORT_SIZE + r;
}

static uint32_t port_read(const struct ahci_dev *d, uint32_t r)
{
	return hba_read(d, port_off(d->port, r));
}

static void port_write(const struct ahci_dev *d, uint32_t r, uint32_t v)
{
	hba_write(d, port_off(d->port, r), v);
}

/* Polls register off until (value & mask) == want, for up to ms
 * milliseconds of the TSC (before tsc_calibrate(), of its 1 GHz guess). */
static bool wait_reg(const struct ahci_dev *d, uint32_t off, uint32_t mask, uint32_t want,
		     uint64_t ms)
{
	uint64_t end = rdtsc() + tsc_ticks_for_ms(ms);

	for (;;) {
		if ((hba_read(d, off) & mask) == want)
			return true;
		if (rdtsc() > end)
			return false;
		pause();
	}
}

/* ---- finding the controller and its registers ---- */

static const struct pci_function *find_controller(const struct pci_inventory *inv)
{
	for (size_t i = 0; i < inv->count; i++)
		if (inv->fn[i].class_rev >> 8 == PCI_CLASS_AHCI)
			return &inv->fn[i];
	kprintf("skiff: ahci: no AHCI controller (PCI class 01/06/01) among the %zu PCI functions\n",
		inv->count);
	return NULL;
}

/* BAR5 (ABAR, 2.1.11): a 32-bit memory BAR the firmware placed, so below
 * 4 GiB where skiff's identity map reaches it. */
static int locate_abar(const struct pci_function *f, struct ahci_dev *d)
{
	const struct pci_bar *bar = pci_function_bar(f, AHCI_ABAR);
	uint32_t value = pci_cfg_read32(f->bus, f->dev, f->fn, AHCI_ABAR);

	if (!bar || bar->kind != PCI_BAR_MEM32) {
		kprintf("skiff: ahci: %02x:%02x.%x: BAR5 (ABAR) is not a 32-bit memory BAR "
			"(0x%08x)\n", f->bus, f->dev, f->fn, value);
		return -ENODEV;
	}
	d->abar = value & PCI_BAR_MEM_ADDR_MASK;
	d->abar_size = pci_bar_size(bar);
	if (!d->abar || d->abar + d->abar_size > (1ull << 32) || d->abar_size < HBA_PORTS) {
		kprintf("skiff: ahci: %02x:%02x.%x: BAR5 (ABAR) is unset or unusable "
			"(0x%08x, %lu bytes)\n", f->bus, f->dev, f->fn, value, d->abar_size);
		return -ENODEV;
	}
	return 0;
}

/* Memory space and bus master on (PCI Local Bus 3.0, 6.2.2); the status
 * word above is write-1-to-clear, so it is written as 0. */
static void enable_pci(const struct ahci_dev *d)
{
	uint32_t command = pci_cfg_read32(d->bus, d->dev, d->fn, PCI_COMMAND) & 0xffffu;

	pci_cfg_write32(d->bus, d->dev, d->fn, PCI_COMMAND,
			command | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* 10.6.3: take the HBA from the BIOS when it offers the handoff.  A BIOS
 * that does not let go is reported; skiff goes on regardless. */
static void bios_handoff(const struct ahci_dev *d)
{
	if (hba_read(d, HBA_VS) < VS_1_2 || !(hba_read(d, HBA_CAP2) & CAP2_BOH))
		return;
	hba_write(d, HBA_BOHC, hba_read(d, HBA_BOHC) | BOHC_OOS);
	if (wait_reg(d, HBA_BOHC, BOHC_BOS, 0, HANDOFF_MS))
		return;
	if ((hba_read(d, HBA_BOHC) & BOHC_BB) &&
	    wait_reg(d, HBA_BOHC, BOHC_BOS, 0, HANDOFF_BUSY_MS))
		return;
	kprintf("skiff: ahci: the BIOS still owns the HBA (BOHC 0x%x); going on\n",
		hba_read(d, HBA_BOHC));
}

/* 10.1.2 step 1: AHCI mode.  HR is written 0: skiff does not reset the
 * HBA, whose ports the firmware has brought up. */
static int enable_ahci(struct ahci_dev *d)
{
	hba_write(d, HBA_GHC, (hba_read(d, HBA_GHC) & ~GHC_HR) | GHC_AE);
	if (!(hba_read(d, HBA_GHC) & GHC_AE)) {
		kprintf("skiff: ahci: GHC.AE does not stay set (GHC 0x%x)\n", hba_read(d, HBA_GHC));
		return -ENODEV;
	}
	d->cap = hba_read(d, HBA_CAP);
	d->s64a = d->cap & CAP_S64A;
	return 0;
}

/* ---- the port ---- */

static const char *sig_name(uint32_t sig)
{
	return sig == SIG_ATA_DISK ? "ATA disk" : sig == SIG_ATAPI ? "ATAPI" : "not a disk";
}

/* The first implemented port, within the ABAR, with an ATA disk.  When
 * there is none, the report names the ports with no device (a mask) and
 * what the others hold. */
static int find_port(struct ahci_dev *d)
{
	uint32_t pi = hba_read(d, HBA_PI), empty = 0;
	char held[120] = "";
	size_t len = 0;

	for (unsigned p = 0; p < AHCI_PORTS_MAX; p++) {
		uint32_t det, sig;

		if (!(pi & (1u << p)) || port_off(p, HBA_PORT_SIZE) > d->abar_size)
			continue;
		det = hba_read(d, port_off(p, PX_SSTS)) & SSTS_DET_MASK;
		sig = hba_read(d, port_off(p, PX_SIG));
		if (det == SSTS_DET_PRESENT && sig == SIG_ATA_DISK) {
			d->port = p;
			return 0;
		}
		if (det != SSTS_DET_PRESENT)
			empty |= 1u << p;
		else if (len < sizeof(held))
			len += (size_t)fmt_snprintf(held + len, sizeof(held) - len,
						    "; port %u: %s (signature 0x%08x)", p,
						    sig_name(sig), sig);
	}
	kprintf("skiff: ahci: no ATA disk on the implemented ports (PI 0x%x): none present "
		"(PxSSTS.DET != 3) on 0x%x%s%s\n", pi, empty, held,
		d->cap & CAP_SSS ? "; staggered spin-up: skiff spins up no device" : "");
	return -ENODEV;
}

/* 10.1.2 step 3: ST off, wait for CR; FRE off, wait for FR. */
static int port_stop(const struct ahci_dev *d)
{
	uint32_t off = port_off(d->port, PX_CMD);

	port_write(d, PX_CMD, port_read(d, PX_CMD) & ~PXCMD_ST);
	if (!wait_reg(d, off, PXCMD_CR, 0, STOP_MS)) {
		kprintf("skiff: ahci: port %u: PxCMD.CR still set %u ms after ST was cleared\n",
			d->port, STOP_MS);
		return -EBUSY;
	}
	port_write(d, PX_CMD, port_read(d, PX_CMD) & ~PXCMD_FRE);
	if (!wait_reg(d, off, PXCMD_FR, 0, STOP_MS)) {
		kprintf("skiff: ahci: port %u: PxCMD.FR still set %u ms after FRE was cleared\n",
			d->port, STOP_MS);
		return -EBUSY;
	}
	return 0;
}

/* 10.3.1: ST may be set once FRE is, and the device is not busy. */
static int port_start(const struct ahci_dev *d)
{
	port_write(d, PX_SERR, ALL_ONES);	/* write-1-to-clear */
	port_write(d, PX_IS, ALL_ONES);
	port_write(d, PX_IE, 0);		/* skiff polls */
	port_write(d, PX_CMD, port_read(d, PX_CMD) | PXCMD_FRE);
	if (!wait_reg(d, port_off(d->port, PX_TFD), TFD_STS_BSY | TFD_STS_DRQ, 0, READY_MS)) {
		kprintf("skiff: ahci: port %u: the device stays busy (PxTFD 0x%x); skiff does "
			"not reset devices\n", d->port, port_read(d, PX_TFD));
		return -EBUSY;
	}
	port_write(d, PX_CMD, port_read(d, PX_CMD) | PXCMD_ST);
	return 0;
}

/* The command list, received FIS area and command table in the first
 * scratch page (ahci_cmd.h), which must be reachable by the HBA. */
static int place_scratch(struct ahci_dev *d, uint64_t scratch_pa, size_t scratch_pages)
{
	if (scratch_pages < AHCI_SCRATCH_PAGES_MIN || scratch_pa % AHCI_SCRATCH_PAGE ||
	    !ahci_dma_reachable(scratch_pa, AHCI_SCRATCH_PAGE, d->s64a)) {
		kprintf("skiff: ahci: scratch pages at 0x%lx (%zu) unusable: not page-aligned, "
			"none, or above 4 GiB without 64-bit addressing (CAP.S64A %u)\n",
			scratch_pa, scratch_pages, d->s64a);
		return -EINVAL;
	}
	memset((void *)(uintptr_t)scratch_pa, 0, AHCI_SCRATCH_PAGE);
	d->cmd_list = scratch_pa + AHCI_SCRATCH_CMD_LIST;
	d->rfis = scratch_pa + AHCI_SCRATCH_RFIS;
	d->cmd_table = scratch_pa + AHCI_SCRATCH_CMD_TABLE;
	return 0;
}

/* 10.1.2 step 5: the port's bases, written while it is stopped. */
static void port_set_bases(const struct ahci_dev *d)
{
	port_write(d, PX_CLB, (uint32_t)d->cmd_list);
	port_write(d, PX_FB, (uint32_t)d->rfis);
	if (d->s64a) {	/* otherwise CLBU and FBU are read-only */
		port_write(d, PX_CLBU, (uint32_t)(d->cmd_list >> 32));
		port_write(d, PX_FBU, (uint32_t)(d->rfis >> 32));
	}
}

int ahci_init(const struct pci_inventory *inv, uint64_t scratch_pa, size_t scratch_pages,
	      struct ahci_dev *out)
{
	const struct pci_function *f = find_controller(inv);
	struct ahci_dev d;
	int rc;

	if (!f)
		return -ENODEV;
	d = (struct ahci_dev){ .bus = f->bus, .dev = f->dev, .fn = f->fn,
			       .vendor = f->vendor, .device = f->device };
	rc = locate_abar(f, &d);
	if (rc < 0)
		return rc;
	enable_pci(&d);
	bios_handoff(&d);
	if ((rc = enable_ahci(&d)) < 0 || (rc = find_port(&d)) < 0 ||
	    (rc = place_scratch(&d, scratch_pa, scratch_pages)) < 0 || (rc = port_stop(&d)) < 0)
		return rc;
	port_set_bases(&d);
	rc = port_start(&d);
	if (rc < 0)
		return rc;
	kprintf("skiff: ahci: %04x:%04x at %02x:%02x.%x, ABAR 0x%lx, version 0x%x, "
		"%s addressing: ATA disk on port %u\n", d.vendor, d.device, d.bus, d.dev, d.fn,
		d.abar, hba_read(&d, HBA_VS), d.s64a ? "64-bit" : "32-bit", d.port);
	*out = d;
	return 0;
}

/* ---- one command ---- */

/* 5.5.1: the command header in slot 0, its table with the FIS and one
 * PRD, all written before PxCI is. */
static void build_read(const struct ahci_dev *d, uint64_t lba, uint64_t buf_pa)
{
	struct ahci_cmd_header *list = (struct ahci_cmd_header *)(uintptr_t)d->cmd_list;
	struct ahci_cmd_table *t = (struct ahci_cmd_table *)(uintptr_t)d->cmd_table;
	struct sata_fis_h2d fis = ahci_fis_read_dma_ext(lba, 1);

	memset(t, 0, sizeof(*t));
	memcpy(t->cfis, &fis, sizeof(fis));
	t->prdt[0] = ahci_prd(buf_pa, ATA_SECTOR_SIZE, false);
	list[SLOT] = ahci_cmd_header(SATA_FIS_H2D_DWORDS, false, 1, d->cmd_table);
}

/* The port is running and slot 0 free: nothing of the firmware's or of
 * an earlier failed command is in flight. */
static int check_ready(const struct ahci_dev *d)
{
	uint32_t cmd = port_read(d, PX_CMD), tfd = port_read(d, PX_TFD);
	uint32_t busy = port_read(d, PX_CI) | port_read(d, PX_SACT);

	if ((cmd & (PXCMD_ST | PXCMD_FRE)) == (PXCMD_ST | PXCMD_FRE) && !(busy & (1u << SLOT)) &&
	    !(tfd & (TFD_STS_BSY | TFD_STS_DRQ)))
		return 0;
	kprintf("skiff: ahci: port %u is not ready for a command (PxCMD 0x%x, PxCI 0x%x, "
		"PxTFD 0x%x)\n", d->port, cmd, busy, tfd);
	return -EBUSY;
}

/* 6.2.2.1: after an error the HBA stops processing the list; ST off and
 * on again (with PxSERR and PxIS cleared) lets the next command run. */
static void port_recover(const struct ahci_dev *d)
{
	port_write(d, PX_CMD, port_read(d, PX_CMD) & ~PXCMD_ST);
	if (!wait_reg(d, port_off(d->port, PX_CMD), PXCMD_CR, 0, STOP_MS) ||
	    port_start(d) < 0)
		kprintf("skiff: ahci: port %u could not be restarted after the error\n", d->port);
}

/* Issues slot 0 and polls PxCI and PxIS: 0 when the slot completes,
 * -EIO on an error in PxIS, -ETIMEDOUT. */
static int issue_and_wait(const struct ahci_dev *d, uint32_t *is)
{
	uint64_t end;

	port_write(d, PX_IS, ALL_ONES);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the list and table before PxCI */
	port_write(d, PX_CI, 1u << SLOT);
	end = rdtsc() + tsc_ticks_for_ms(AHCI_COMMAND_MS);
	for (;;) {
		*is = port_read(d, PX_IS);
		if (*is & PXIS_ERRORS)
			return -EIO;
		if (!(port_read(d, PX_CI) & (1u << SLOT)))
			return 0;
		if (rdtsc() > end)
			return -ETIMEDOUT;
		pause();
	}
}

int ahci_read_sector(struct ahci_dev *d, uint64_t lba, uint64_t buf_pa)
{
	const struct ahci_cmd_header *h = (const struct ahci_cmd_header *)(uintptr_t)d->cmd_list;
	uint32_t is, tfd;
	int rc;

	if (!ahci_read_range_ok(lba, 1) || buf_pa % 2 ||
	    !ahci_dma_reachable(buf_pa, ATA_SECTOR_SIZE, d->s64a)) {
		kprintf("skiff: ahci: cannot read LBA %lu into 0x%lx: not a 48-bit LBA, not word "
			"aligned, or above 4 GiB without 64-bit addressing (CAP.S64A %u)\n", lba,
			buf_pa, d->s64a);
		return -EINVAL;
	}
	if ((rc = check_ready(d)) < 0)
		return rc;
	build_read(d, lba, buf_pa);
	rc = issue_and_wait(d, &is);
	tfd = port_read(d, PX_TFD);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* the data after the completion */
	if (rc == -ETIMEDOUT)
		kprintf("skiff: ahci: READ DMA EXT of LBA %lu on port %u: no completion in %u ms "
			"(PxCI 0x%x, PxIS 0x%x, PxTFD 0x%x)\n", lba, d->port, AHCI_COMMAND_MS,
			port_read(d, PX_CI), is, tfd);
	else if (rc < 0 || tfd & (TFD_STS_ERR | TFD_STS_BSY | TFD_STS_DRQ))
		kprintf("skiff: ahci: READ DMA EXT of LBA %lu on port %u failed: PxIS 0x%x, "
			"status 0x%02x, error 0x%02x\n", lba, d->port, is, tfd & 0xff,
			(tfd >> 8) & 0xff);
	else if (h[SLOT].prdbc != ATA_SECTOR_SIZE)
		kprintf("skiff: ahci: READ DMA EXT of LBA %lu on port %u moved %u bytes, not %u\n",
			lba, d->port, h[SLOT].prdbc, ATA_SECTOR_SIZE);
	else
		return 0;
	port_recover(d);
	return rc == -ETIMEDOUT ? rc : -EIO;
}

int ahci_stop(struct ahci_dev *d)
{
	return port_stop(d);
}
