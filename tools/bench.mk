# make bench: the exit-cost benchmark.  tools/bench.sh boots skiff in Bochs
# with guests/bench as its guest and prints each operation's cost against
# the budgets of issue 6; it fails when one is not met (all are met at
# the time of writing: run it after touching the exit or boot path).  Not
# part of `make test`: its figures are a measurement, not a test of
# behaviour.
# `make bench TRACE=<operation>` also traces one round of it (bench.sh).
# A second boot with two CPUs gives the one row that needs an AP.
# tools/bench_linux.sh then boots the test Linux (make linux) on bare Bochs
# and under skiff: the instructions to its init marker both ways (about a
# minute of Bochs).  Last, the SVM table: the same operations with skiff on
# AMD-V in Bochs ryzen, against the same budgets (issue 17), and its AP row
# from a second two-CPU boot; they run after the others so that a budget
# they miss fails make bench without hiding the VT-x and Linux figures.
bench: deps-boot $(BUILD)/skiff.elf $(BUILD)/skiff-boot.elf $(BUILD)/guests/bench.elf linux
	@BUILD=$(BUILD) TRACE=$(TRACE) tools/bench.sh
	@BUILD=$(BUILD) CPUS=2 ROWS=cpuid-ap tools/bench.sh
	@BUILD=$(BUILD) tools/bench_linux.sh
	@BUILD=$(BUILD) BOCHS_CPU=ryzen tools/bench.sh
	@BUILD=$(BUILD) BOCHS_CPU=ryzen CPUS=2 ROWS=cpuid-ap tools/bench.sh
