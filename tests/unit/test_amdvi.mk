test_amdvi_SRCS := kernel/drivers/amdvi.c kernel/lib/printf.c kernel/lib/string.c
