#!/usr/bin/env bash
# make bench's Linux row: what running Linux under skiff costs, in
# instructions, against the budget of issue 15 (at most 2% more).
#
# Boots the test Linux (tools/linux.sh: $BUILD/linux/bzImage and its
# initramfs) twice in Bochs, on the same machine (one CPU, MEGS of memory)
# and with the same kernel command line:
#   bare   GRUB's `linux` and `initrd` commands, no skiff;
#   skiff  skiff with com1=guest (the guest drives COM1 itself, as on bare
#          Bochs; skiff's lines go to COM2), Linux as its guest; the
#          modules with --nounzip, so that Linux gets the gzip initramfs
#          and unpacks it itself, as from GRUB's `initrd` (without it GRUB
#          unpacks it, 1.5e8 instructions in Bochs, and Linux does not).
# The command line says skiff_test=bench: Linux's /init runs the init
# marker (tools/linux_tsc_marker.c), which prints the TSC it reads first
# ("skiff-bench: init tsc=N"), and powers off.
#
# What is compared: in Bochs the TSC is CPU 0's count of executed
# instructions since power-on (plus idle time, HLT, at the emulated rate of
# 100 million a second), and skiff leaves the guest's TSC offset at 0, so
# both figures count from the same power-on: firmware, GRUB, (skiff's boot,)
# Linux's boot and its /init up to the marker.  The run under skiff also
# gives skiff's VM exits by reason during that boot (its table at the
# guest's end, on COM2).  Two more rows split each figure where the first
# kernel starts (a Bochs breakpoint there: the bzImage's pref_address on
# bare Bochs, where GRUB loads a relocatable kernel; skiff's ELF entry):
# firmware and GRUB before it, the kernel's (and skiff's) work after it.
#
# Exit status: 0 when the budget is met, 1 when not or a run gave no figure.
# Environment: BUILD (default build), BOCHS_CPU (corei7_skylake_x),
# MEGS (512), TIMEOUT (seconds per run, 180), BUDGET (percent, 2).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
BOCHS_CPU=${BOCHS_CPU:-corei7_skylake_x}
MEGS=${MEGS:-512}
TIMEOUT=${TIMEOUT:-180}
BUDGET=${BUDGET:-2}
top=$BUILD/bench-linux
bzimage=$BUILD/linux/bzImage
initrd=$BUILD/linux/initramfs.cpio.gz
# The kernel's command line, both ways.  Its first word names the guest
# in skiff's lines; on bare Bochs it is passed to /init as an argument, as
# it is under skiff.  The console at 115200 baud: at Linux's default of
# 9600 each character of the boot log costs 1e5 instructions of polling,
# half the boot.  nokaslr: the same kernel layout in both runs.
append="linux console=ttyS0,115200 panic=-1 nokaslr skiff_test=bench"
# skiff's words: COM1 is the guest's; the watchdog's longer period because
# Bochs unpacks the kernel for seconds with interrupts off and no VM exit.
skiff_cmdline="com1=guest watchdog=30000"

# make_iso WAY: the image of one way, staged in $top/WAY.
make_iso() {
	local way=$1 dir=$top/$1
	rm -rf "$dir" && mkdir -p "$dir/iso/boot/grub" "$dir/iso/boot/linux"
	cp -L "$bzimage" "$initrd" "$dir/iso/boot/linux/"
	if [[ $way == bare ]]; then
		printf '%s\n' "set timeout=0" "set default=0" 'menuentry "linux" {' \
			"	linux /boot/linux/bzImage $append" \
			"	initrd /boot/linux/initramfs.cpio.gz" "	boot" "}" \
			>"$dir/iso/boot/grub/grub.cfg"
	else
		cp "$BUILD/skiff-boot.elf" "$dir/iso/boot/skiff.elf"
		sed "s|^\(\s*multiboot2 /boot/skiff.elf\).*|\1 $skiff_cmdline\n\tmodule2 --nounzip /boot/linux/bzImage guest $append\n\tmodule2 --nounzip /boot/linux/initramfs.cpio.gz initrd|" \
			"$root/grub.cfg" >"$dir/iso/boot/grub/grub.cfg"
	fi
	grub-mkrescue -o "$dir/boot.iso" "$dir/iso" >"$dir/grub-mkrescue.log" 2>&1
}

# run_bochs WAY ENTRY [STOP]: boots it, with a breakpoint at the physical
# address ENTRY (none when empty), deleted at its first hit, or with STOP
# the run ends there; COM1 in serial.txt, COM2 in serial2.txt.
run_bochs() {
	local dir=$top/$1 status
	"$root/tools/bochsrc.sh" "$dir/boot.iso" "$BOCHS_CPU" "$MEGS" "$dir/serial.log" \
		"$dir/bochs.log" 1 >"$dir/bochsrc"
	if [[ -z $2 ]]; then
		printf 'c\n' >"$dir/dbg.rc"
	elif [[ -n ${3:-} ]]; then
		printf 'pb %s\nc\nq\n' "$2" >"$dir/dbg.rc"
	else
		printf 'pb %s\nc\nd 1\nc\n' "$2" >"$dir/dbg.rc"
	fi
	: >"$dir/serial.log"
	timeout --signal=KILL "$TIMEOUT" "$root/tools/bochs.sh" -q -f "$dir/bochsrc" -rc "$dir/dbg.rc" \
		</dev/null >"$dir/bochs.out" 2>&1
	status=$?
	tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
	[[ -f $dir/serial2.log ]] && tr -d '\r' <"$dir/serial2.log" >"$dir/serial2.txt"
	[[ $status -eq 137 ]] && echo "bench: linux ($1): Bochs timed out after ${TIMEOUT}s"
}

# entry_tick WAY: the Bochs tick at the breakpoint, or nothing.
entry_tick() {
	sed -n 's/^Next at t=\([0-9]*\)$/\1/p' "$top/$1/bochs.out" | sed -n 2p
}

# marker WAY: the TSC the init marker printed, or nothing.
marker() {
	grep -o 'skiff-bench: init tsc=[0-9]*' "$top/$1/serial.txt" | tail -n1 | sed 's/.*=//'
}

for f in "$BUILD/skiff.elf" "$bzimage" "$initrd"; do
	[[ -f $f ]] || { echo "bench: $f is missing: run make BUILD=${BUILD#"$root"/} bench"; exit 1; }
done
echo "bench: booting Linux (${bzimage#"$root"/}) in Bochs $BOCHS_CPU, 1 CPU, $MEGS MiB:" \
	"on bare Bochs, then under skiff"
# skiff's entry: GRUB loads skiff high, where it finds room (the banner
# says how far from its link address: "symbols + 0x..."), the same place
# each time for the same machine and image; so the run under skiff goes
# first without a breakpoint, and a second, stopped at that entry, gives
# the split.
declare -A entry=(
	[bare]=$(printf '%#x' "0x$(od -An -tx8 -j $((0x258)) -N8 "$bzimage" | tr -d ' ')")	# pref_address
	[skiff]=""
)
start=$SECONDS
for way in bare skiff; do
	make_iso "$way" || { echo "bench: grub-mkrescue failed (see $top/$way/grub-mkrescue.log)"; exit 1; }
	run_bochs "$way" "${entry[$way]}"
done
# (The banner is on COM1: skiff moves to COM2 after it.)
offset=$(cat "$top/skiff/serial.txt" "$top/skiff/serial2.txt" 2>/dev/null |
	sed -n 's/^skiff: image at .*: symbols + \(0x[0-9a-f]*\)$/\1/p' | head -n1)
skiff_entry=""
if [[ -n $offset ]]; then
	entry[skiff]=$(printf '%#x' $(( $(readelf -h "$BUILD/skiff.elf" | awk '/Entry point/ { print $4 }') + offset )))
	rm -rf "$top/skiff-entry" && cp -r "$top/skiff" "$top/skiff-entry"
	run_bochs skiff-entry "${entry[skiff]}" stop
	skiff_entry=$(entry_tick skiff-entry)
fi
bare=$(marker bare)
skiff=$(marker skiff)
bare_entry=$(entry_tick bare)

echo
echo "Linux under skiff: Bochs $BOCHS_CPU with $MEGS MiB, 1 CPU (runs took $((SECONDS - start)) s)"
echo "Each figure: the TSC the init marker reads in Linux's /init. In Bochs that is"
echo "CPU 0's instructions since power-on (firmware, GRUB, skiff's boot under skiff,"
echo "Linux's boot; idle time at 100 M/s), the same clock both ways: skiff leaves the"
echo "guest's TSC offset at 0. The same kernel, initramfs and command line both ways."
echo
fmt="%-34s %13s %13s %8s %9s  %s\n"
# shellcheck disable=SC2059
printf "$fmt" "operation" "bare Bochs" "under skiff" "ratio" "budget" "result"
failed=""
if [[ -z $bare || -z $skiff ]]; then
	ratio="?" result="NOT met"
	[[ -z $bare ]] && failed+="no init marker on bare Bochs (see $top/bare/serial.txt); "
	[[ -z $skiff ]] && failed+="no init marker under skiff (see $top/skiff/serial.txt); "
else
	ratio=$(awk -v a="$skiff" -v b="$bare" 'BEGIN { printf "%.4f", a / b }')
	if awk -v r="$ratio" -v p="$BUDGET" 'BEGIN { exit !(r <= 1 + p / 100) }'; then
		result="met"
	else
		result="NOT met"
		failed+="linux boot: ratio $ratio > $(awk -v p="$BUDGET" 'BEGIN { print 1 + p / 100 }'); "
	fi
fi
# shellcheck disable=SC2059
printf "$fmt" "linux: power-on to init marker" "${bare:-?}" "${skiff:-?}" "$ratio" \
	"+$BUDGET%" "$result"
# split LABEL BARE SKIFF: a row without a budget.
split() {
	local r="?"
	[[ -n $2 && -n $3 ]] && r=$(awk -v a="$3" -v b="$2" 'BEGIN { printf "%.4f", a / b }')
	# shellcheck disable=SC2059
	printf "$fmt" "$1" "${2:-?}" "${3:-?}" "$r" "" ""
}
if [[ -n $bare && -n $skiff && -n $bare_entry && -n $skiff_entry ]]; then
	split "  power-on to the 1st kernel insn" "$bare_entry" "$skiff_entry"
	split "  from there to the init marker" "$((bare - bare_entry))" "$((skiff - skiff_entry))"
else
	echo "  (no split: a breakpoint at the first kernel instruction was not reached, or skiff's"
	echo "  banner did not say where it runs)"
fi
if [[ -n $bare && -n $skiff ]]; then
	echo "under skiff: $((skiff - bare)) more," \
		"$(awk -v a="$skiff" -v b="$bare" 'BEGIN { printf "%+.2f%%", (a - b) * 100 / b }');" \
		"the first kernel is Linux's (at ${entry[bare]}) on bare Bochs, skiff's"
	echo "(at ${entry[skiff]}) under skiff: the part before it is firmware and GRUB,"
	echo "after it, under skiff, skiff's boot and then Linux's."
fi
echo
# skiff's exit table (kernel/vm/exit_stats.c): its header line and rows.
table=$(awk '/^skiff: [0-9]+ VM exits by reason/ { on = 1; print; next }
	on && /^  / { print; next } on { exit }' "$top/skiff/serial2.txt" 2>/dev/null)
if [[ -n $table ]]; then
	echo "skiff's VM exits during that boot (up to the guest's power-off):"
	printf '%s\n' "$table"
else
	echo "bench: no exit table from skiff (see $top/skiff/serial2.txt)"
	failed+="no exit table; "
fi
echo
if [[ -z $failed ]]; then
	echo "bench: linux budget met"
	exit 0
fi
echo "bench: NOT met: ${failed%; }"
exit 1
