# INIT and SIPI delivered by skiff to the guest's vCPUs (vm/fate.c, vm/ipi.c).
test_sipi_SRCS := kernel/vm/fate.c kernel/vm/ipi.c kernel/lib/printf.c
