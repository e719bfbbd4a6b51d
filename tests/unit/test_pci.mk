test_pci_SRCS := kernel/drivers/pci.c kernel/lib/printf.c kernel/lib/string.c
