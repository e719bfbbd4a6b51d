/*
 * pci.c's configuration-space hooks for the pci_filter harness, which
 * links pci.c for pci_inventory_find() and pci_function_bar(): the filter
 * must never touch configuration space, so each hook is a finding.
 */
#include "fuzz_support.h"

#include "drivers/pci.h"

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	fuzz_fail(__FILE__, __LINE__, "configuration read of %02x:%02x.%x 0x%x", bus, dev, fn, reg);
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t value)
{
	fuzz_fail(__FILE__, __LINE__, "configuration write of 0x%x to %02x:%02x.%x 0x%x", value, bus,
		  dev, fn, reg);
}
