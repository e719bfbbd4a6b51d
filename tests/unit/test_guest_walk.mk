test_guest_walk_SRCS := kernel/vm/guest_walk.c kernel/lib/string.c
