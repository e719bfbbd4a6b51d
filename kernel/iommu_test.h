/* iommu_test=1: a device's DMA into skiff's memory and the guest's, with
 * the IOMMU on (iommu_test.c says how). */
#ifndef SKIFF_IOMMU_TEST_H
#define SKIFF_IOMMU_TEST_H

#include "mm/layout.h"

/* Runs the test when the command line has iommu_test=1; prints its lines. */
void iommu_test_run(const char *cmdline, const struct mm_layout *l);

#endif
