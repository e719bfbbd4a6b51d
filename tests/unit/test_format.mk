test_format_SRCS := kernel/lib/printf.c
