test_mb2_guest_SRCS := kernel/vm/mb2_guest.c kernel/vm/guest_mem.c kernel/vm/guest_modules.c kernel/bootinfo.c \
                      kernel/mm/layout.c kernel/mm/range.c
