test_mcfg_SRCS := kernel/drivers/mcfg.c kernel/lib/printf.c kernel/lib/string.c
