# The teaching labs (docs/labs/README.md), included by GNUmakefile:
#   make lab N     a student tree for lab N in $(BUILD)/labs/labN (or DIR=)
#   make grade N   build, boot in Bochs, score lab N (no N: every lab)
#   make debug     Bochs's debugger on skiff, its symbols loaded
#   make labs-check  the graders' own test (run by make test)
# "make lab 5": the second word is the lab's number, not a target.
ifneq ($(filter lab grade,$(firstword $(MAKECMDGOALS))),)
LAB_ARGS := $(wordlist 2,$(words $(MAKECMDGOALS)),$(MAKECMDGOALS))
ifneq ($(LAB_ARGS),)
$(eval $(LAB_ARGS):;@:)
endif
endif
N ?= $(LAB_ARGS)

.PHONY: lab grade debug labs-check
lab:
	@[ -n "$(N)" ] || { echo "make lab N: which lab (1 to 8)?"; exit 2; }
	@tools/labs/mklab.sh $(N) $(or $(DIR),$(BUILD)/labs/lab$(N))

grade: deps-boot
	@BUILD=$(BUILD) tools/labs/grade.sh $(N)

debug: deps-boot kernel guests
	@BUILD=$(BUILD) tools/labs/debug.sh

labs-check: deps-boot kernel guests
	@BUILD=$(BUILD) tools/labs/check.sh
