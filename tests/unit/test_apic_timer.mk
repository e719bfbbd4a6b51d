# The guest's local APIC timer in software (kernel/vm/apic_timer.c).
test_apic_timer_SRCS := kernel/vm/apic_timer.c
