test_layout_SRCS := kernel/mm/range.c kernel/mm/layout.c kernel/mm/pmm.c
