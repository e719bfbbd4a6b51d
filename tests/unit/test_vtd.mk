test_vtd_SRCS := kernel/drivers/vtd.c kernel/lib/printf.c kernel/lib/string.c
