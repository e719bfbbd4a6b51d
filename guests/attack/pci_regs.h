/*
 * The PCI configuration registers the PCI attacks use (PCI Local Bus 3.0:
 * 3.2.2.3.2 for configuration mechanism #1, 6.1 and 6.2.5 for the header),
 * shared by pci.c (through 0xcf8/0xcfc) and ecam.c (through memory).
 */
#ifndef ATTACK_PCI_REGS_H
#define ATTACK_PCI_REGS_H

#define CONFIG_ADDRESS		0xcf8
#define CONFIG_DATA		0xcfc
#define CONFIG_ENABLE		0x80000000u
#define DEVS			32
#define REG_ID			0x00
#define REG_COMMAND		0x04
#define COMMAND_MEMORY		0x2u
#define REG_CLASS		0x08
#define REG_BAR0		0x10
#define BAR_MEM_FLAGS		0xfu
#define BAR_IO			0x1u
#define CLASS_DISPLAY		0x03
#define NO_DEVICE		0xffff
#define SIXTEEN_MIB		0x1000000u	/* the VGA BAR's alignment */

#ifndef __ASSEMBLY__
#include <stdint.h>

/* A dword of 00:dev.fn's configuration space through 0xcf8/0xcfc (pci.c). */
uint32_t cfg_read32(uint8_t dev, uint8_t fn, uint8_t reg);
void cfg_write32(uint8_t dev, uint8_t fn, uint8_t reg, uint32_t v);
#endif

#endif
