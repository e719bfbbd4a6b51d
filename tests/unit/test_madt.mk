test_madt_SRCS := kernel/drivers/madt.c kernel/lib/printf.c kernel/drivers/sdt.c
