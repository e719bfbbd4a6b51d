test_mb1_guest_SRCS := kernel/vm/mb1_load.c kernel/vm/mb1_guest.c kernel/vm/mb2_guest.c \
                       kernel/vm/elf_load.c kernel/vm/guest_mem.c kernel/vm/guest_modules.c
