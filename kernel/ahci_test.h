/*
 * ahci_test=1: a temporary boot-time check of drivers/ahci.h, until the
 * IOMMU self-test takes its place: reads sector 0 of the first AHCI disk
 * by DMA into a page of skiff's and prints what it begins with.
 */
#ifndef SKIFF_AHCI_TEST_H
#define SKIFF_AHCI_TEST_H

/* Does nothing unless cmdline has ahci_test=1.  Needs mm_init() done
 * (pool pages, the identity map of MMIO); leaves the port stopped. */
void ahci_test_run(const char *cmdline);

#endif
