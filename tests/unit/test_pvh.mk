test_pvh_SRCS := kernel/vm/pvh.c
