#!/usr/bin/env bash
# Runs each cmocka test binary given and sums what cmocka reports.
# Ends with "unit: N passed, N failed"; exits non-zero if any failed.
set -uo pipefail

passed=0 failed=0 broken=0
for bin in "$@"; do
	out=$("$bin" 2>&1); rc=$?
	name=$(basename "$bin")
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -n1)
	p=${p:-0} f=${f:-0}
	if [[ $rc -ne 0 && $f -eq 0 ]]; then
		# Crashed or a sanitizer stopped it: count it as one failure.
		f=1 broken=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
	if [[ $f -eq 0 ]]; then
		echo "PASS $name ($p tests)"
	else
		echo "FAIL $name ($p passed, $f failed)"
		grep -E '^\[  (FAILED|ERROR)|FAILED|ERROR|error|runtime error|Sanitizer' <<<"$out" | head -n 40 | sed 's/^/    | /'
	fi
done
# Rules the compiler enforces (typed VMCS accessors) count as tests too.
cf=$(tools/compile_fail.sh); cf_rc=$?
echo "$cf" | grep -v '^compile-fail:'
passed=$((passed + $(sed -n 's/^compile-fail: \([0-9]*\) passed.*/\1/p' <<<"$cf")))
failed=$((failed + $(sed -n 's/^compile-fail: [0-9]* passed, \([0-9]*\) failed/\1/p' <<<"$cf")))
[[ $cf_rc -ne 0 ]] && broken=1
echo "unit: $passed passed, $failed failed"
[[ $failed -eq 0 && $broken -eq 0 ]]
