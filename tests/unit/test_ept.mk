test_ept_SRCS := kernel/mm/ept.c kernel/mm/pt.c kernel/mm/mtrr.c kernel/mm/table_tree.c
