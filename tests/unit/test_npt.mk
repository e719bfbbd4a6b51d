# Nested page tables: the long-mode format with U set everywhere, the identity map without skiff.
test_npt_SRCS := kernel/mm/npt.c kernel/mm/pt.c kernel/mm/table_tree.c
