test_dmar_SRCS := kernel/drivers/dmar.c kernel/lib/printf.c kernel/drivers/sdt.c
