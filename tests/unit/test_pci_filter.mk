test_pci_filter_SRCS := kernel/vm/pci_filter.c kernel/drivers/pci.c kernel/lib/printf.c kernel/lib/string.c
