test_bootinfo_SRCS := kernel/bootinfo.c
