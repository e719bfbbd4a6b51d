/*
 * skiff's AHCI encoders (kernel/drivers/ahci_cmd.c: pure, values in,
 * structures out), built into the attack guest with the guest's flags so
 * that iommu-dma drives the disk with the same command FIS, header and
 * PRD that skiff's own DMA test uses.
 */
#include "drivers/ahci_cmd.c"
