test_guest_mem_SRCS := kernel/vm/guest_mem.c
