#!/usr/bin/env bash
# make grade N: builds this tree, boots it in Bochs and scores lab N's
# checks (tests/labs/labN.checks) from the serial transcript.
#
# Usage: tools/labs/grade.sh [N ...]   (no N: every lab, 1 to 8)
# Labs whose checks read the same boot case share one boot.  With
# TRANSCRIPTS=DIR the transcripts are DIR/CASE/serial.txt (make boot's
# build/boot) and nothing is built or booted.  Transcripts of the grader's
# own boots stay in build/labs/grade/CASE/.
# Exit status: 0 when every lab graded has full marks.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
labs=("$@")
[[ ${#labs[@]} -gt 0 ]] || labs=(1 2 3 4 5 6 7 8)
for n in "${labs[@]}"; do
	[[ -f $root/tests/labs/lab$n.checks ]] || { echo "grade: no lab $n (the labs are 1 to 8)" >&2; exit 2; }
done

boot_of() { (BOOT=""; source "$root/tests/labs/lab$1.checks"; echo "$BOOT"); }

if [[ -z ${TRANSCRIPTS:-} ]]; then
	mkdir -p "$BUILD"
	echo "grade: building skiff and its guests"
	if ! make -C "$root" --no-print-directory -j"${JOBS:-2}" kernel guests >"$BUILD/grade-build.log" 2>&1; then
		grep -E 'error|Error' "$BUILD/grade-build.log" | head -n 20 | sed 's/^/  | /'
		echo "grade: the build failed (all of it: $BUILD/grade-build.log); every lab scores 0"
		exit 1
	fi
	dir=$BUILD/labs/grade
	cases=$(for n in "${labs[@]}"; do boot_of "$n"; done | sort -u)
	for c in $cases; do
		echo "grade: booting skiff in Bochs (boot case $c)"
		"$root/tools/labs/boot.sh" "$root" "$c" "$dir/$c" ||
			echo "grade: the boot did not end by itself (timed out); scoring what it printed"
	done
else
	dir=$TRANSCRIPTS
fi

full=0 sum=0 max=0
for n in "${labs[@]}"; do
	echo
	out=$("$root/tools/labs/score.sh" "$root/tests/labs/lab$n.checks" "$dir/$(boot_of "$n")/serial.txt") && full=$((full + 1))
	echo "$out"
	score=$(sed -n "s|^lab $n: score \([0-9]*\)/\([0-9]*\)$|\1 \2|p" <<<"$out")
	sum=$((sum + ${score% *})) max=$((max + ${score#* }))
done
echo
echo "grade: ${#labs[@]} lab(s), $full with full marks, $sum of $max points"
[[ $full -eq ${#labs[@]} ]]
