# VMCS encodings and accessors (against tests/unit/vmcs_fake.c), exit
# reasons, VM-instruction errors, capability MSR decoding.
test_vmx_defs_SRCS := kernel/vmx/exit_reason.c kernel/vmx/vm_error.c kernel/vmx/caps.c \
                      kernel/vmx/vmcs.c tests/unit/vmcs_fake.c
