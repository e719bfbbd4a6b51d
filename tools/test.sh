#!/usr/bin/env bash
# make test: the unit tests, a short seeded fuzzing pass (with the boot
# tests' Linux building beside them), the boot tests,
# the labs' graders' own test (tools/labs/check.sh), then one closing
# count.  Each fuzz harness counts as one test.
set -uo pipefail
make_q() { make --no-print-directory "$@"; }

# Room first: a full disk otherwise shows as a wall of compiler and tar
# errors, every stage failing for the same reason.  The most make test
# holds at once is the Linux build (source and objects, removed when the
# kernel is cached) beside the unit and fuzz builds; NEED_MB is that peak
# as measured (docs/hacking.md) with room to spare.  The compiler's
# temporary files go to TMPDIR, which may be another file system.
NEED_MB=${NEED_MB:-3000}
build_dir=${BUILD:-build}
mkdir -p "$build_dir"
for d in "$build_dir" "${TMPDIR:-/tmp}"; do
	free_mb=$(df -Pm "$d" | awk 'NR == 2 { print $4 }')
	if [[ -n $free_mb && $free_mb -lt $NEED_MB ]]; then
		echo "test: only $free_mb MB free on $(df -P "$d" | awk 'NR == 2 { print $6 }') (for $d);" \
			"make test needs $NEED_MB MB. Nothing was run."
		echo "total: 0 passed, 1 failed"
		exit 1
	fi
done

# The Linux the boot tests run takes minutes to build the first time
# (tools/linux.sh; cached after): it builds beside the unit tests and the
# fuzzing pass, which run one program at a time, and the boot tests wait
# for it.
linux_log=$(mktemp)
make_q linux >"$linux_log" 2>&1 &
linux_pid=$!

unit_out=$(make_q unit 2>&1 | tee -a /dev/stderr); unit_rc=${PIPESTATUS[0]}
fuzz_out=$(make_q fuzz-smoke 2>&1 | tee -a /dev/stderr); fuzz_rc=${PIPESTATUS[0]}
wait "$linux_pid"
cat "$linux_log" >&2
rm -f "$linux_log"
boot_out=$(make_q boot 2>&1 | tee -a /dev/stderr); boot_rc=${PIPESTATUS[0]}
# The labs' graders (docs/labs/), after the boot tests: they grade the real
# tree from two of the boot tests' transcripts.
labs_out=$(make_q labs-check 2>&1 | tee -a /dev/stderr); labs_rc=${PIPESTATUS[0]}

count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed$/\\$2/p" <<<"$3" | tail -n1; }
up=$(count unit 1 "$unit_out") uf=$(count unit 2 "$unit_out")
fp=$(count fuzz 1 "$fuzz_out") ff=$(count fuzz 2 "$fuzz_out")
bp=$(count boot 1 "$boot_out") bf=$(count boot 2 "$boot_out")
lp=$(count labs 1 "$labs_out") lf=$(count labs 2 "$labs_out")
# A stage that broke before counting counts as one failure.
[[ -z $uf ]] && up=0 uf=1
[[ -z $ff ]] && fp=0 ff=1
[[ -z $bf ]] && bp=0 bf=1
[[ -z $lf ]] && lp=0 lf=1
[[ $unit_rc -ne 0 && $uf -eq 0 ]] && uf=1
[[ $fuzz_rc -ne 0 && $ff -eq 0 ]] && ff=1
[[ $boot_rc -ne 0 && $bf -eq 0 ]] && bf=1
[[ $labs_rc -ne 0 && $lf -eq 0 ]] && lf=1
echo
echo "unit: $up passed, $uf failed"
echo "fuzz: $fp passed, $ff failed"
echo "boot: $bp passed, $bf failed"
echo "labs: $lp passed, $lf failed"
echo "total: $((up + fp + bp + lp)) passed, $((uf + ff + bf + lf)) failed"
[[ $((uf + ff + bf + lf)) -eq 0 ]]
