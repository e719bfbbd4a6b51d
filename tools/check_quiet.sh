#!/usr/bin/env bash
# make check-quiet: a clean build prints one short line per step (issue 11,
# point 6).  Builds skiff, the guests, the image, the unit test binaries and
# the fuzz harnesses from nothing into a scratch BUILD and ISO_DIR, and
# fails when the build fails or its standard output (make's echo of each
# step, and what the commands themselves print) has a line longer than
# LIMIT (default 100) characters: a command echoed in full.  Compiler
# diagnostics go to standard error: they are not counted (a warning's line
# may be long), but the check shows how many there were.  Then rebuilds one
# target with V=1 and fails unless that prints the full command.
# Environment: JOBS (make -j, default 2), LIMIT (100).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
limit=${LIMIT:-100}
tmp=$(mktemp -d /tmp/skiff-quiet.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mk=(make --no-print-directory BUILD="$tmp/build" ISO_DIR="$tmp/iso")

"${mk[@]}" -j"${JOBS:-2}" V=0 all unit-build fuzz-build >"$tmp/quiet.log" 2>"$tmp/stderr.log"
rc=$?
lines=$(wc -l <"$tmp/quiet.log")
long=$(awk -v n="$limit" 'length > n' "$tmp/quiet.log")
if [[ $rc -ne 0 ]]; then
	echo "check-quiet: FAIL: the clean build failed (make exit status $rc):"
	tail -n 20 "$tmp/stderr.log" | sed 's/^/    | /'
	exit 1
fi
warnings=$(grep -c ': warning: ' "$tmp/stderr.log")
if [[ $warnings -gt 0 ]]; then
	echo "check-quiet: note: the compilers gave $warnings warning(s), not counted here:"
	grep ': warning: ' "$tmp/stderr.log" | head -n 5 | cut -c1-160 | sed 's/^/    | /'
fi
if [[ -n $long ]]; then
	echo "check-quiet: FAIL: the clean build printed $(wc -l <<<"$long") line(s) over $limit characters:"
	head -n 5 <<<"$long" | cut -c1-160 | sed 's/^/    | /'
	exit 1
fi

# V=1 still shows the command: rebuild one small host tool.
"${mk[@]}" -B V=1 "$tmp/build/guests/mb2check" >"$tmp/verbose.log" 2>&1
if ! grep -q -- "-o $tmp/build/guests/mb2check " "$tmp/verbose.log"; then
	echo "check-quiet: FAIL: make V=1 did not print the full command:"
	sed 's/^/    | /' "$tmp/verbose.log" | head -n 5
	exit 1
fi
echo "check-quiet: PASS: a clean build printed $lines lines, none over $limit characters; V=1 prints commands"
