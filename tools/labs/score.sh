#!/usr/bin/env bash
# Scores one serial transcript against one lab's checks.
#
# Usage: tools/labs/score.sh CHECKS TRANSCRIPT
# CHECKS is tests/labs/labN.checks: LAB, TITLE, BOOT (the boot case whose
# transcript it reads) and CHECKS, an array of "POINTS|WHAT|REGEX" (an
# extended regex matched against whole lines), in the order skiff prints
# them: each check is looked for after the line the previous one matched.
# Prints one line per check, the total, and for a failed check the
# expected line and what came instead; when any check failed, what skiff
# said about it (a stub's "lab N: ... is not written yet", an exception,
# a failed VM entry and the entry checker's lines, a guest crash) or, if it
# said nothing of the kind, how the transcript ends.
# Exit status: 0 for full marks, 1 otherwise, 2 for a bad CHECKS file.
set -euo pipefail

checks_file=${1:?usage: score.sh CHECKS TRANSCRIPT}
transcript=${2:?usage: score.sh CHECKS TRANSCRIPT}
LAB="" TITLE="" BOOT="" CHECKS=()
# shellcheck disable=SC1090
source "$checks_file"
[[ -n $LAB && ${#CHECKS[@]} -gt 0 ]] || { echo "score.sh: $checks_file sets no LAB or CHECKS" >&2; exit 2; }
[[ -f $transcript ]] || { echo "score.sh: no transcript $transcript" >&2; exit 2; }
mapfile -t lines <"$transcript"

# The line a failed check would have been: the first one after `from`
# that starts as the expected one does (the longest literal start of the
# regex, then shorter ones cut at spaces, down to a word such as "hello:"
# but never just "skiff:").
instead_of() {
	local re=$1 from=$2 lit cut i meta='[][(){}.*+?|\$^]'
	lit=${re#^}
	lit=${lit%%$meta*}
	while [[ ${#lit} -ge 5 && $lit != "skiff:" && $lit != "skiff: " ]]; do
		for ((i = from; i < ${#lines[@]}; i++)); do
			if [[ ${lines[i]} == "$lit"* ]]; then
				echo "${lines[i]}"
				return
			fi
		done
		cut=${lit% *}
		[[ $cut == "$lit" ]] && cut=${lit:0:${#lit}-1}
		lit=$cut
	done
	if [[ ${#lines[@]} -eq 0 ]]; then
		echo "(nothing: the transcript is empty)"
	elif ((from >= ${#lines[@]})); then
		echo "(nothing: the transcript ends before it)"
	else
		echo "(no line like it: the transcript ends at line ${#lines[@]}: ${lines[-1]})"
	fi
}

total=0 got=0 failed=0 pos=0
echo "lab $LAB ($TITLE), from the transcript of boot case $BOOT:"
for check in "${CHECKS[@]}"; do
	IFS='|' read -r points what re <<<"$check"
	total=$((total + points))
	found=-1
	for ((i = pos; i < ${#lines[@]}; i++)); do
		if [[ ${lines[i]} =~ $re ]]; then
			found=$i
			break
		fi
	done
	if ((found >= 0)); then
		got=$((got + points))
		pos=$((found + 1))
		printf '  %3s/%-3s  %s\n' "$points" "$points" "$what"
	else
		failed=$((failed + 1))
		printf '  %3s/%-3s  %s: FAILED\n' 0 "$points" "$what"
		printf '           expected: /%s/\n' "$re"
		printf '           instead:  %s\n' "$(instead_of "$re" "$pos")"
	fi
done
echo "lab $LAB: score $got/$total"
if ((failed > 0)); then
	trouble='^lab [0-9]+: |PANIC|exception|failed|^skiff: entry check: [0-9]+ violation|'
	trouble+='^skiff: guest crash|^skiff: incident|^skiff: refused|halted|could not be entered|refuses'
	first=-1
	for ((i = 0; i < ${#lines[@]}; i++)); do
		if [[ ${lines[i]} =~ $trouble ]]; then
			first=$i
			break
		fi
	done
	if ((first >= 0)); then
		echo "what skiff said (transcript line $((first + 1)) on):"
		printf '  | %s\n' "${lines[@]:first:30}"
		((${#lines[@]} - first > 30)) && echo "  | ... ($transcript has the rest)"
	else
		echo "skiff reported no fault; its transcript ends:"
		n=${#lines[@]}
		((n > 6)) && printf '  | %s\n' "${lines[@]:n-6}" || printf '  | %s\n' "${lines[@]}"
	fi
fi
[[ $got -eq $total ]]
