# The vendor-neutral rules of kernel/vm: the CPUID view, the control-
# register/EFER/XCR0 rules, the MSR policy, the verdicts, the policy.
test_vm_rules_SRCS := kernel/vm/cpuid.c kernel/vm/cr_rules.c kernel/vm/msr.c \
                      kernel/vm/verdict.c kernel/vm/policy.c kernel/cmdline.c
