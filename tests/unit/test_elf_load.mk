test_elf_load_SRCS := kernel/vm/elf_load.c kernel/vm/guest_mem.c
