/* ahci_test=1; see ahci_test.h. */
#include "ahci_test.h"

#include <stdint.h>

#include "cmdline.h"
#include "drivers/ahci.h"
#include "drivers/ahci_cmd.h"
#include "drivers/pci.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"

#define MARKER_MAX	32	/* bytes of the sector shown */
#define POISON		0xa5	/* the buffer before the read: no DMA, no marker */

/* The sector's first bytes, up to a NUL, as printable text ('.' for
 * anything else), so that a buffer the DMA never reached shows as such. */
static void marker_text(const uint8_t *sector, char out[MARKER_MAX + 1])
{
	size_t i;

	for (i = 0; i < MARKER_MAX && sector[i]; i++)
		out[i] = sector[i] >= 0x20 && sector[i] < 0x7f ? (char)sector[i] : '.';
	out[i] = '\0';
}

void ahci_test_run(const char *cmdline)
{
	static struct pci_inventory inv;	/* the vm's own scan comes later */
	struct ahci_dev d;
	uint64_t scratch, buf;
	char text[MARKER_MAX + 1];

	if (!cmdline_has_value(cmdline, "ahci_test", "1"))
		return;
	scratch = mm_alloc_page();
	buf = mm_alloc_page();
	if (!scratch || !buf)
		return;		/* mm has said so */
	pci_inventory_scan(&inv);
	if (ahci_init(&inv, scratch, AHCI_SCRATCH_PAGES_MIN, &d) < 0) {
		kprintf("skiff: ahci: test not run\n");
		return;
	}
	memset((void *)(uintptr_t)buf, POISON, ATA_SECTOR_SIZE);
	if (ahci_read_sector(&d, 0, buf) == 0) {
		marker_text((const uint8_t *)(uintptr_t)buf, text);
		kprintf("skiff: ahci: sector 0 read: \"%s\"\n", text);
	} else {
		kprintf("skiff: ahci: sector 0 not read\n");
	}
	ahci_stop(&d);
}
