#!/usr/bin/env bash
# Each tests/unit/compile_fail/X.c states a rule the compiler must enforce:
# it compiles with -D<RIGHT> (so a failure is not a broken include) and must
# NOT compile without it, with the diagnostic its "expect:" line names.
# Prints "compile-fail: N passed, N failed".
set -uo pipefail
cc=${HOSTCC:-gcc}
flags=(-std=gnu11 -Wall -Wextra -Werror -Ikernel -Itests/unit -DSKIFF_HOST_TEST -fsyntax-only)
passed=0 failed=0
for f in tests/unit/compile_fail/*.c; do
	right=$(sed -n 's/.*right-define: *\([A-Z_]*\).*/\1/p' "$f" | head -n1)
	expect=$(sed -n 's/.*expect: *\(.*\)$/\1/p' "$f" | head -n1)
	name=$(basename "$f" .c)
	if ! "$cc" "${flags[@]}" -D"$right" "$f" 2>/dev/null; then
		echo "FAIL $name: does not compile even with -D$right"; failed=$((failed + 1)); continue
	fi
	if out=$(LC_ALL=C "$cc" "${flags[@]}" "$f" 2>&1); then
		echo "FAIL $name: compiled, but the rule says it must not"; failed=$((failed + 1)); continue
	fi
	if ! grep -qF -- "$expect" <<<"$out"; then
		echo "FAIL $name: failed for another reason than \"$expect\""; failed=$((failed + 1)); continue
	fi
	echo "PASS $name (refused: $expect)"; passed=$((passed + 1))
done
echo "compile-fail: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
