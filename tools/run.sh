#!/usr/bin/env bash
# make run: boot skiff's image in the best machine this host offers.
# QEMU with KVM when /dev/kvm works and the CPU offers nested VT-x, or
# nested AMD-V (kvm_amd's nested, on by default in Linux; QEMU gives skiff
# one CPU, whose vCPU runs on skiff's own timer on AMD-V); otherwise Bochs
# with a VT-x CPU model (slower, but exact).
# Environment: ISO (the image, default iso/skiff.iso, which make writes),
# BUILD (default build: Bochs's logs go to $BUILD/run), MEGS, BOCHS_CPU, VNC;
# GUEST, APPEND, INITRD and SKIFF (below) to boot another guest.
# --choose only prints the choice and why ("kvm: ..." or "bochs: ..."),
# reading RUN_CPUINFO, RUN_SYSFS and RUN_KVM in place of /proc/cpuinfo,
# /sys and /dev/kvm when set (tests/unit/test_run_choice.c).
set -uo pipefail

cpuinfo=${RUN_CPUINFO:-/proc/cpuinfo}
sysfs=${RUN_SYSFS:-/sys}
kvm_dev=${RUN_KVM:-/dev/kvm}

# $1: kvm_intel or kvm_amd; true when that module offers nested guests.
kvm_nested() {
	local nested=$sysfs/module/$1/parameters/nested
	[[ -r $nested ]] && grep -qE '^(Y|1)$' "$nested"
}

kvm_reason() {
	[[ -r $kvm_dev && -w $kvm_dev ]] || { echo "/dev/kvm is missing or not accessible"; return 1; }
	if grep -qw vmx "$cpuinfo"; then
		kvm_nested kvm_intel || { echo "kvm_intel is not loaded with nested=1"; return 1; }
		echo "/dev/kvm works and kvm_intel offers nested VT-x"
	elif grep -qw svm "$cpuinfo"; then
		kvm_nested kvm_amd || { echo "kvm_amd is not loaded with nested=1"; return 1; }
		echo "/dev/kvm works and kvm_amd offers nested AMD-V (SVM)"
	else
		echo "the CPU offers neither VT-x nor AMD-V (no vmx or svm flag in /proc/cpuinfo)"
		return 1
	fi
}

if [[ ${1:-} == --choose ]]; then
	if why=$(kvm_reason); then echo "kvm: $why"; else echo "bochs: $why"; fi
	exit 0
fi

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
iso=${ISO:-iso/skiff.iso}
[[ $iso = /* ]] || iso=$root/$iso
[[ -f $iso ]] || { echo "skiff: $iso is missing: run make first"; exit 1; }
MEGS=${MEGS:-512}
BOCHS_CPU=${BOCHS_CPU:-corei7_skylake_x}

# GUEST=path boots that kernel as skiff's guest, with APPEND as its
# command line and INITRD as a module after it; SKIFF= words go on skiff's
# own line.  The image is written afresh under $BUILD/run-iso from the one
# make built, with a menu entry that names them: grub.cfg stays as it is.
if [[ -n ${GUEST:-} || -n ${SKIFF:-} ]]; then
	stage=$BUILD/run-iso
	rm -rf "$stage"
	mkdir -p "$stage/boot/grub"
	xorriso -osirrox on -indev "$iso" -extract /boot "$stage/boot" >/dev/null 2>&1 ||
		{ echo "skiff: cannot read $iso (xorriso)"; exit 1; }
	chmod -R u+w "$stage"
	entry="multiboot2 /boot/skiff.elf ${SKIFF:-}"
	if [[ -n ${GUEST:-} ]]; then
		[[ -f $GUEST ]] || { echo "skiff: GUEST=$GUEST: no such file"; exit 1; }
		cp "$GUEST" "$stage/boot/guest.bin"
		entry+=$'\n\tmodule2 /boot/guest.bin guest '"${APPEND:-}"
	fi
	if [[ -n ${INITRD:-} ]]; then
		[[ -f $INITRD ]] || { echo "skiff: INITRD=$INITRD: no such file"; exit 1; }
		[[ -n ${GUEST:-} ]] || { echo "skiff: INITRD= needs GUEST="; exit 1; }
		cp "$INITRD" "$stage/boot/initrd.bin"
		# As the file is, as QEMU's -initrd gives it: without --nounzip
		# GRUB unpacks a gzip module itself (slowly, in Bochs).
		entry+=$'\n\tmodule2 --nounzip /boot/initrd.bin initrd'
	fi
	sed "s|^\(\s*\)multiboot2 /boot/skiff.elf.*|\1${entry//$'\n'/\\n}|" "$root/grub.cfg" \
		>"$stage/boot/grub/grub.cfg"
	grub-mkrescue -o "$BUILD/run.iso" "$stage" >"$BUILD/run-iso.log" 2>&1 ||
		{ cat "$BUILD/run-iso.log"; exit 1; }
	iso=$BUILD/run.iso
	echo "skiff: GUEST=${GUEST:-(built-in)} APPEND=\"${APPEND:-}\" INITRD=${INITRD:-(none)}" \
		"SKIFF=\"${SKIFF:-}\": image $iso"
fi

if why=$(kvm_reason); then
	echo "skiff: running in QEMU with -enable-kvm -cpu host: $why"
	qemu-system-x86_64 -enable-kvm -cpu host -m "$MEGS" -cdrom "$iso" -boot d \
		-nic none -serial stdio -display none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=4
	rc=$?
	# isa-debug-exit turns skiff's status s into (s << 1) | 1.
	if (( rc & 1 )); then
		echo "skiff: run ended with status $((rc >> 1))"
		exit $((rc >> 1))
	fi
	exit "$rc"
fi

echo "skiff: running in Bochs ($BOCHS_CPU, emulated VT-x): $why"
dir=$BUILD/run
mkdir -p "$dir"
: >"$dir/serial.log"
: >"$dir/serial2.log"
"$root/tools/bochsrc.sh" "$iso" "$BOCHS_CPU" "$MEGS" "$dir/serial.log" "$dir/bochs.log" >"$dir/bochsrc"
echo c >"$dir/dbg.rc"
echo "skiff: serial output follows; Bochs's own log is $dir/bochs.log"
# Bochs shows its screen over VNC (RFB) on every address, port 5900 and
# up.  By default it runs in a network namespace of its own (tools/bochs.sh),
# where a stray connection cannot kill it; VNC=1 leaves the port reachable
# so that a viewer can watch the screen.
if [[ ${VNC:-0} = 1 ]]; then
	echo "skiff: VNC=1: Bochs's screen is on localhost:5900 (or the next free port)"
	bochs=(bochs)
else
	bochs=("$root/tools/bochs.sh")
fi
"${bochs[@]}" -q -f "$dir/bochsrc" -rc "$dir/dbg.rc" </dev/null >"$dir/bochs.out" 2>&1 &
pid=$!
# COM2 carries skiff's lines when the guest has COM1 (com1=guest).
if [[ ${SKIFF:-} == *com1=guest* ]]; then
	echo "skiff: com1=guest: the guest's COM1 follows; skiff's own lines are in $dir/serial2.log"
fi
tail -n +1 -f --pid="$pid" "$dir/serial.log"
wait "$pid"
# Bochs exits with 1 whatever skiff's status; the transcript has the real one.
status=$(sed -n 's/^skiff: stop\(ping\|ped\) with status \([0-9]*\).*/\2/p' "$dir/serial.log" \
	"$dir/serial2.log" | tail -n1)
if [[ -z $status ]]; then
	echo "skiff: Bochs ended without skiff saying how it stopped; see $dir/bochs.log"
	exit 1
fi
echo "skiff: run ended with status $status"
exit "$status"
