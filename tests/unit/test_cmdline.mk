test_cmdline_SRCS := kernel/cmdline.c kernel/cmdline_words.c kernel/lib/printf.c
