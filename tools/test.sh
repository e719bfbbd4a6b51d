#!/usr/bin/env bash
# make test: the unit tests, then the boot tests, then one closing count.
set -uo pipefail
make_q() { make --no-print-directory "$@"; }

unit_out=$(make_q unit 2>&1 | tee /dev/stderr); unit_rc=${PIPESTATUS[0]}
boot_out=$(make_q boot 2>&1 | tee /dev/stderr); boot_rc=${PIPESTATUS[0]}

count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed$/\\$2/p" <<<"$3" | tail -n1; }
up=$(count unit 1 "$unit_out") uf=$(count unit 2 "$unit_out")
bp=$(count boot 1 "$boot_out") bf=$(count boot 2 "$boot_out")
# A stage that broke before counting counts as one failure.
[[ -z $uf ]] && up=0 uf=1
[[ -z $bf ]] && bp=0 bf=1
[[ $unit_rc -ne 0 && $uf -eq 0 ]] && uf=1
[[ $boot_rc -ne 0 && $bf -eq 0 ]] && bf=1
echo
echo "total: $((up + bp)) passed, $((uf + bf)) failed"
[[ $((uf + bf)) -eq 0 ]]
