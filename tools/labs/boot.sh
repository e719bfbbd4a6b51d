#!/usr/bin/env bash
# Boots a tree's skiff in Bochs the way boot case CASE does, for a grader.
#
# Usage: tools/labs/boot.sh TREE CASE OUT
# TREE is a skiff tree that has been built (TREE/build/skiff.elf and the
# guests); CASE a Bochs case of TREE/tests/boot/cases/ (its CPU, CMDLINE,
# MODULE, MEGS and TIMEOUT are used; its EXPECT is the boot tests', not
# the grader's). The transcript goes to OUT/serial.txt.
#
# A run ends when Bochs does (skiff's stop ends it), or when skiff says it
# halted (a stop before skiff knew it runs in an emulator, as when lab 1's
# printf is missing), or after the case's TIMEOUT capped at LAB_TIMEOUT
# seconds (default 60).  Exit status: 0 if the run ended by itself, 1 on
# a timeout, 2 if it could not start.
set -euo pipefail

tree=$(cd "${1:?usage: boot.sh TREE CASE OUT}" && pwd)
case_name=${2:?usage: boot.sh TREE CASE OUT}
out=${3:?usage: boot.sh TREE CASE OUT}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$tree/build
case_file=$tree/tests/boot/cases/$case_name.case
[[ -f $case_file ]] || { echo "boot.sh: no boot case $case_file" >&2; exit 2; }

EMULATOR=bochs CPU=corei7_skylake_x CMDLINE="" MODULE="" MEGS=512 CPUS=1 TIMEOUT=60
# shellcheck disable=SC1090
source "$case_file"
[[ $EMULATOR == bochs ]] || { echo "boot.sh: $case_name is not a Bochs case" >&2; exit 2; }
limit=${LAB_TIMEOUT:-60}
((TIMEOUT < limit)) && limit=$TIMEOUT

rm -rf "$out"
mkdir -p "$out/iso/boot/grub" "$out/iso/boot/guests"
out=$(cd "$out" && pwd)
cp "$build/skiff-boot.elf" "$out/iso/boot/skiff.elf"
cp "$build"/guests/*.elf "$out/iso/boot/guests/"
add=""
[[ -n $MODULE ]] && add="\n\tmodule2 $MODULE"
sed "s|^\(\s*multiboot2 /boot/skiff.elf\).*|\1 $CMDLINE$add|" "$tree/grub.cfg" >"$out/iso/boot/grub/grub.cfg"
if ! grub-mkrescue -o "$out/skiff.iso" "$out/iso" >"$out/grub-mkrescue.log" 2>&1; then
	echo "boot.sh: grub-mkrescue failed (see $out/grub-mkrescue.log)" >&2
	exit 2
fi
"$root/tools/bochsrc.sh" "$out/skiff.iso" "$CPU" "$MEGS" "$out/serial.log" "$out/emulator.log" \
	"$CPUS" >"$out/bochsrc"
# LAB_ISO_ONLY=1: the image and bochsrc only, for make debug.
[[ ${LAB_ISO_ONLY:-0} == 1 ]] && exit 0
echo c >"$out/dbg.rc"
touch "$out/serial.log"
"$root/tools/bochs.sh" -q -f "$out/bochsrc" -rc "$out/dbg.rc" </dev/null >"$out/stdout.log" 2>&1 &
pid=$!
status=1
for ((i = 0; i < limit * 4; i++)); do
	if ! kill -0 "$pid" 2>/dev/null; then
		status=0
		break
	fi
	if grep -q 'halted' "$out/serial.log"; then
		sleep 0.5	# the rest of the line
		status=0
		break
	fi
	sleep 0.25
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
tr -d '\r' <"$out/serial.log" >"$out/serial.txt"
rm -rf "$out/iso" "$out/skiff.iso"
exit $status
