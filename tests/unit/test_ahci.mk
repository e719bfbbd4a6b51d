test_ahci_SRCS := kernel/drivers/ahci_cmd.c
