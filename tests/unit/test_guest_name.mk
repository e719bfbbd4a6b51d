test_guest_name_SRCS := kernel/vm/guest_name.c kernel/lib/printf.c
