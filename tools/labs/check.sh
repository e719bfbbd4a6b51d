#!/usr/bin/env bash
# make labs-check (part of make test): proves that the labs' graders can
# fail and can pass.  For every lab:
#   - the real tree scores full marks (graded from make boot's transcripts
#     of the same boot cases when they are newer than the image: no boot of
#     its own);
#   - the student tree of `make lab N` scores less, and its transcript
#     holds the stub's "lab N: ... is not written yet" line;
#   - each typical wrong answer, tests/labs/wrong/labN-*.patch applied to
#     the real code, scores less, and the grader's output shows the line
#     its "# expect:" header names (skiff's explanation of the mistake).
# Student trees are copies under build/labs/check/ with the real build's
# objects, so each compiles only what its stubs or patch changed.
# Prints one line per proof and ends with "labs: N passed, N failed".
# LABS="4 5" limits it to those labs.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
out=$BUILD/labs/check
JOBS=${JOBS:-2}
LABS=${LABS:-1 2 3 4 5 6 7 8}
rm -rf "$out"
mkdir -p "$out"

# ---- the real tree ----
real() {
	local transcripts=$BUILD/boot fresh=1 c
	for c in bochs-banner bochs-entry-check; do
		[[ $transcripts/$c/serial.txt -nt $BUILD/skiff.elf ]] || fresh=0
	done
	if [[ $fresh == 1 ]]; then
		TRANSCRIPTS=$transcripts "$root/tools/labs/grade.sh" >"$out/real.log" 2>&1 || true
	else
		"$root/tools/labs/grade.sh" >"$out/real.log" 2>&1 || true
	fi
	local n line
	for n in $LABS; do
		line=$(grep "^lab $n: score " "$out/real.log" || true)
		if [[ $line == "lab $n: score 100/100" ]]; then
			echo "PASS labs: real tree, lab $n: ${line#*score }"
		else
			echo "FAIL labs: real tree, lab $n: ${line:-not graded} (see $out/real.log)"
		fi
	done
}

# job KIND ARG: KIND stub (ARG the lab) or wrong (ARG a patch file).
job() {
	local kind=$1 arg=$2 n name dir expect checks score log
	if [[ $kind == stub ]]; then
		n=$arg name=stub$n
	else
		name=$(basename "$arg" .patch)
		n=${name#lab}; n=${n%%-*}
	fi
	dir=$out/$name log=$out/$name.log checks=$root/tests/labs/lab$n.checks
	{
		if [[ $kind == stub ]]; then
			SEED_BUILD=1 LAB_GIT=0 "$root/tools/labs/mklab.sh" "$n" "$dir"
			expect="^  \| lab $n: .* is not written yet: "
		else
			SEED_BUILD=1 LAB_GIT=0 "$root/tools/labs/mklab.sh" 0 "$dir" "$arg"
			expect=$(sed -n 's/^# expect: //p' "$arg" | head -n1)
		fi
	} >"$log" 2>&1 || { echo "FAIL labs: $name: no tree (see $log)"; return; }
	# The tree's own build folder, not this one's: BUILD and make's own
	# variables stay behind.
	if ! env -u BUILD -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$dir" --no-print-directory kernel guests >>"$log" 2>&1; then
		echo "FAIL labs: $name: the tree does not build (see $log)"
		return
	fi
	local case_name
	case_name=$(BOOT=""; source "$checks"; echo "$BOOT")
	LAB_TIMEOUT=${LAB_TIMEOUT:-30} "$root/tools/labs/boot.sh" "$dir" "$case_name" "$dir/boot" >>"$log" 2>&1 || true
	"$root/tools/labs/score.sh" "$checks" "$dir/boot/serial.txt" >"$out/$name.grade" 2>&1 || true
	score=$(sed -n "s|^lab $n: score ||p" "$out/$name.grade")
	if [[ -z $score || $score == 100/100 ]]; then
		echo "FAIL labs: $name: lab $n's grader gives ${score:-nothing} (see $out/$name.grade)"
	elif [[ -z $expect ]]; then
		echo "FAIL labs: $name: the patch has no '# expect:' line"
	elif ! grep -q -E -- "$expect" "$out/$name.grade"; then
		echo "FAIL labs: $name: $score, but the grader's output lacks /$expect/ (see $out/$name.grade)"
	else
		echo "PASS labs: $name: $score, $(grep -m1 -o -E -- "$expect.*" "$out/$name.grade" | sed "s/^[ |]*//" | cut -c1-70)"
	fi
}

export -f job
export root BUILD out LABS
real >"$out/real.result"
{
	for n in $LABS; do
		echo "stub $n"
		for p in "$root"/tests/labs/wrong/lab$n-*.patch; do echo "wrong $p"; done
	done
} | xargs -P "$JOBS" -L 1 bash -c 'job "$1" "$2" >"$out/$(basename "$2" .patch | sed "s/^\([0-9]\)$/stub\1/").result"' _ || true

passed=0 failed=0
for f in "$out"/real.result "$out"/stub*.result "$out"/lab*.result; do
	[[ -f $f ]] || continue
	cat "$f"
	passed=$((passed + $(grep -c '^PASS' "$f" || true)))
	failed=$((failed + $(grep -c '^FAIL' "$f" || true)))
done
echo "labs: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
