test_linux_boot_SRCS := kernel/vm/linux_boot.c kernel/vm/guest_mem.c
