test_ivrs_SRCS := kernel/drivers/ivrs.c kernel/lib/printf.c kernel/drivers/sdt.c
