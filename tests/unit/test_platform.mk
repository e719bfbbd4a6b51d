test_platform_SRCS := kernel/vm/platform.c kernel/lib/printf.c kernel/lib/string.c
