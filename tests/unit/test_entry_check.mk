# The VM-entry checker (SDM Vol. 3C 27.2, 27.3.1) against tests/unit/vmcs_fake.c.
test_entry_check_SRCS := kernel/vmx/diag/entry_check.c kernel/vmx/diag/vmcs_names.c kernel/vmx/caps.c \
                         kernel/vmx/guest_entry.c kernel/vmx/vmcs_setup.c \
                         tests/unit/vmcs_fake.c
