# skiff's own timer for one vCPU on AMD-V (kernel/svm/own_timer.c), against an APIC in memory.
test_svm_own_timer_SRCS := kernel/svm/own_timer.c kernel/vm/apic_timer.c kernel/vm/verdict.c \
                           kernel/vm/mmio_insn.c kernel/lib/printf.c
