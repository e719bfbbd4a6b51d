test_mtrr_SRCS := kernel/mm/mtrr.c
