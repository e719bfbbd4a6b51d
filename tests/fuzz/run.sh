#!/usr/bin/env bash
# Runs the fuzz harnesses that tests/fuzz/fuzz.mk built in $BUILD/fuzz.
#
#   run.sh fuzz SECONDS NAME...  each harness for SECONDS, from its seeds,
#                                its regressions and what earlier runs kept
#                                in $BUILD/fuzz/corpus/NAME
#   run.sh smoke 0 NAME...       each over its seeds and regressions, then
#                                a short fixed-seed mutation run (make test)
#
# Every harness first replays tests/fuzz/regressions/NAME.  A crash, a
# sanitizer report, a failed check, a panic or a hang fails the harness;
# libFuzzer writes the input to $BUILD/fuzz/findings/NAME/.  The log of
# each run is $BUILD/fuzz/logs/NAME.log.  Prints one line per harness, then
# "fuzz: N passed, N failed", and exits non-zero if any failed.
set -uo pipefail

mode=$1 seconds=$2
shift 2
out=${BUILD:-build}/fuzz
passed=0 failed=0
# Mutations after the seeds in smoke mode: a few thousand is a second or
# less per harness.  The fixed seed makes runs alike, though not byte for
# byte: libFuzzer also learns from compared values, and some are addresses.
smoke_runs=${FUZZ_SMOKE_RUNS:-2000}

# The ELF seeds are real guest images: let inputs grow past them.
max_len() {
	case $1 in
	elf_load) echo 65536 ;;
	mb1_guest) echo 16384 ;;
	acpi) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

# The report of a failed run: what went wrong, where in skiff or in the
# harness, and where the input is; libFuzzer's and libc's frames left out.
show_failure() {
	grep -E 'check failed|skiff panic|ERROR: |runtime error|SUMMARY|^(READ|WRITE) of|Test unit written|^ +#[0-9]+ 0x[0-9a-f]+ in ' "$1" |
		grep -vE ' in (fuzzer::|__sanitizer|__asan|__ubsan|__interceptor|abort|raise|__pthread|__libc|_start|main)|/libc|compiler-rt' |
		head -n 20 | sed 's/ (BuildId: [0-9a-f]*)//; s/^/    | /'
}

# "N runs, cov C, ft F, corpus K" from a libFuzzer log.
stats() {
	local runs cov
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$1" | tail -n1)
	cov=$(grep -E '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse|DONE|RELOAD)' "$1" | tail -n1 |
		sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([0-9]*\).*/cov \1, ft \2, corpus \3/p')
	echo "${runs:-?} runs, ${cov:-no coverage line}"
}

for name in "$@"; do
	bin=$out/fuzz_$name
	seeds=tests/fuzz/corpus/$name
	regressions=tests/fuzz/regressions/$name
	findings=$out/findings/$name
	log=$out/logs/$name.log
	start=$SECONDS
	mkdir -p "$findings" "$out/logs"
	: >"$log"
	dirs=()
	for d in "$seeds" "$regressions"; do
		[[ -d $d ]] && dirs+=("$d")
	done
	common=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
		-max_len="$(max_len "$name")" -artifact_prefix="$findings/")

	if [[ ! -x $bin ]]; then
		echo "FAIL fuzz_$name: $bin was not built"
		failed=$((failed + 1))
		continue
	fi
	# Inputs that once crashed a harness must not crash it again.
	shopt -s nullglob
	regs=("$regressions"/*)
	shopt -u nullglob
	if [[ ${#regs[@]} -gt 0 ]] && ! "$bin" "${common[@]}" "${regs[@]}" >"$log" 2>&1; then
		echo "FAIL fuzz_$name: a regression input fails again"
		show_failure "$log"
		failed=$((failed + 1))
		continue
	fi

	if [[ $mode == fuzz ]]; then
		corpus=$out/corpus/$name
		mkdir -p "$corpus"
		"$bin" "${common[@]}" -max_total_time="$seconds" "$corpus" "${dirs[@]}" >>"$log" 2>&1
	else
		corpus=$out/smoke/$name
		rm -rf "$corpus" && mkdir -p "$corpus"
		"$bin" "${common[@]}" -runs="$smoke_runs" -seed=1 "$corpus" "${dirs[@]}" >>"$log" 2>&1
	fi
	rc=$?
	took=$((SECONDS - start))
	if [[ $rc -eq 0 ]]; then
		echo "PASS fuzz_$name: $(stats "$log") (${took}s)"
		passed=$((passed + 1))
	else
		finding=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n1)
		echo "FAIL fuzz_$name: $(stats "$log") (${took}s); finding: ${finding:-none written, see $log}"
		show_failure "$log"
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
