test_acpi_SRCS := kernel/drivers/acpi.c
