test_mtrr_view_SRCS := kernel/vm/mtrr_view.c kernel/mm/mtrr.c
