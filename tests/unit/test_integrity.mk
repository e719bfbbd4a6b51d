test_integrity_SRCS := kernel/integrity.c kernel/mm/npt.c kernel/mm/ept.c kernel/mm/pt.c kernel/mm/mtrr.c kernel/mm/paging.c kernel/mm/table_tree.c
