#!/usr/bin/env bash
# Boots skiff's real image in emulators and matches what it says.
#
# Each tests/boot/cases/NAME.case is a bash fragment that sets:
#   EMULATOR  bochs | qemu | qemu-uefi
#   CPU       Bochs CPU model, or QEMU -cpu value (default qemu64)
#   CMDLINE   skiff's command line (optional)
#   MODULE    a GRUB module line after skiff's, e.g. the guest that replaces
#             the built-in one: "/boot/guests/selftest.elf guest crash=ept"
#   MODULES   array of further module lines, after MODULE: the guest's own
#             modules when they follow the guest's (optional)
#   LINUX     1: put the Linux tools/linux.sh built ($BUILD/linux/bzImage,
#             vmlinux without its symbols, and initramfs.cpio.gz) on the
#             case's image as /boot/linux/
#   MEGS      guest RAM in MiB (default 512)
#   CPUS      how many CPUs the machine has (default 1): Bochs count=N,
#             QEMU -smp N
#   VGA       isa (default) or pci: Bochs with a PCI VGA in slot 1 whose
#             memory BAR the guest can move (tools/bochsrc.sh)
#   SERIAL    none: the machine has no serial port (QEMU only; then the
#             screen is read until it shows "halted")
#   MACHINE   QEMU's machine: pc (default, i440FX) or q35 (ICH9, with its
#             AHCI controller at 00:1f.2; the CD-ROM is on its port 2)
#   DISK      1: attach $BUILD/disk.img (make disk; tools/mkdisk.c), a copy
#             per case, as an ATA disk: on q35, AHCI port 0 (QEMU only)
#   IOMMU     a QEMU IOMMU device with its options, e.g. "intel-iommu" or
#             "intel-iommu,intremap=off" (q35 only; default none)
#   TIMEOUT   seconds before the run counts as hung (default 60)
#   OFF       "why": the case does not hold yet and runs only when named;
#             every full run prints an "OFF" line with the reason
#   STATUS    the emulator's expected exit status
#   EXPECT    array of extended regexes the serial log must match, in order
#   REJECT    array of regexes that must match no serial line (optional)
#   COM2      array of extended regexes COM2's log must match, in order
#             (Bochs only; for com1=guest, where skiff's console moves there)
#   SCREEN    array of regexes the screen text must match, in order (QEMU
#             only; the case must use stop=halt so the screen can be read)
#   TYPE      array: what to type at COM1 (Bochs only), in pairs: an
#             extended regex to wait for in COM1's output, then a line to
#             type (Enter is a carriage return, as a terminal sends); an odd
#             last element is a last regex to wait for.  Each regex matches
#             within one line, after where the one before matched; $ is a
#             line's end once its newline has come.  With TYPE, COM1 is a
#             terminal that tools/serial_script.c makes and types into, not
#             a file; it still copies COM1 to serial.log, so EXPECT and
#             REJECT work as before, and logs each step in typing.log
#   PROMPT    regex of the guest's prompt: each line of TYPE waits for it
#             before it is typed (optional)
#   TYPE_WAIT seconds each regex of TYPE may wait after the step before
#             (default 30); the first may take the whole TIMEOUT (the boot)
# Usage: tests/boot/run.sh [case-name ...]   (default: every case)
# Prints one line per case and ends with "boot: N passed, N failed".
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
cases_dir=$root/tests/boot/cases
out_root=$BUILD/boot
JOBS=${JOBS:-2}
mkdir -p "$out_root"

# The host tools the runner uses, built here when missing or older than
# their source: fbtext reads screens, serial_script types at COM1 (TYPE).
host_tool() {
	local bin=$BUILD/tools/$1
	if [[ ! -x $bin || $root/tools/$1.c -nt $bin ]]; then
		mkdir -p "$BUILD/tools"
		gcc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$root/kernel" -o "$bin" "$root/tools/$1.c" || exit 1
	fi
}
host_tool fbtext
host_tool serial_script
fbtext=$BUILD/tools/fbtext
serial_script=$BUILD/tools/serial_script

# make_iso DIR CMDLINE [MODULE...]: an image whose menu entry passes CMDLINE
# to skiff and loads each MODULE (a path and its command line) after it.
# Each case stages and writes its own image in DIR ($BUILD/boot/NAME), from
# the files make puts in iso/skiff.iso: cases differ in their menu entry
# and run JOBS at a time, so they cannot share make's iso/ tree.
make_iso() {
	local dir=$1 cmdline=$2 add="" module
	mkdir -p "$dir/iso/boot/grub" "$dir/iso/boot/guests"
	cp "$BUILD/skiff-boot.elf" "$dir/iso/boot/skiff.elf"
	cp "$BUILD"/guests/*.elf "$BUILD"/guests/*.bin "$dir/iso/boot/guests/"
	if [[ $LINUX == 1 ]]; then
		mkdir -p "$dir/iso/boot/linux"
		cp -L "$BUILD/linux/bzImage" "$BUILD/linux/initramfs.cpio.gz" "$dir/iso/boot/linux/"
		objcopy --strip-all "$BUILD/linux/vmlinux" "$dir/iso/boot/linux/vmlinux"
	fi
	for module in "${@:3}"; do
		[[ -n $module ]] && add+="\n\tmodule2 $module"
	done
	sed "s|^\(\s*multiboot2 /boot/skiff.elf\).*|\1 $cmdline$add|" "$root/grub.cfg" >"$dir/iso/boot/grub/grub.cfg"
	grub-mkrescue -o "$dir/skiff.iso" "$dir/iso" >"$dir/grub-mkrescue.log" 2>&1
}

# Bochs with COM1 in a file, or, for a case that types (TYPE), on a
# terminal that serial_script makes, types into and copies to serial.log.
run_bochs() {
	local dir=$1 tty="" bochs
	[[ ${#TYPE[@]} -gt 0 ]] && tty=$dir/com1.tty
	"$root/tools/bochsrc.sh" "$dir/skiff.iso" "$CPU" "$MEGS" "$dir/serial.log" "$dir/emulator.log" "$CPUS" "$VGA" "$tty" >"$dir/bochsrc"
	echo c >"$dir/dbg.rc"
	bochs=(timeout --signal=KILL "$TIMEOUT" "$root/tools/bochs.sh" -q -f "$dir/bochsrc" -rc "$dir/dbg.rc")
	if [[ -z $tty ]]; then
		"${bochs[@]}" </dev/null >"$dir/stdout.log" 2>&1
		return
	fi
	"$serial_script" -l "$tty" -o "$dir/serial.log" -r "$dir/typing.log" "${type_steps[@]}" \
		-- "${bochs[@]}" </dev/null >"$dir/stdout.log" 2>&1
}

# type_steps: serial_script's steps for TYPE and PROMPT.
type_script() {
	local i
	# The first wait is the boot: TIMEOUT, not serial_script, bounds it.
	type_steps=(-T "$((TIMEOUT + 10))")
	[[ -n $PROMPT ]] && type_steps+=(-p "$PROMPT")
	for ((i = 0; i < ${#TYPE[@]}; i++)); do
		if ((i % 2 == 1)); then
			type_steps+=(-s "${TYPE[i]}")
		else
			type_steps+=(-w "${TYPE[i]}")
			((i == 0)) && type_steps+=(-T "$TYPE_WAIT")
		fi
	done
}

# QEMU with a monitor on a pipe, so a halted machine's screen can be read.
# The IOMMU comes first, before the devices it translates for.
run_qemu() {
	local dir=$1 firmware=() serial=(-serial "file:$dir/serial.log") status devices=()
	[[ $EMULATOR == qemu-uefi ]] && firmware=(-bios /usr/share/OVMF/OVMF_CODE.fd)
	[[ $SERIAL == none ]] && serial=(-serial none)
	[[ -n $IOMMU ]] && devices+=(-device "$IOMMU")
	if [[ $DISK == 1 ]]; then
		# A copy: QEMU locks the image it writes, and cases run JOBS at a time.
		cp "$BUILD/disk.img" "$dir/disk.img" || return 1
		devices+=(-drive "file=$dir/disk.img,if=none,id=d0,format=raw")
		if [[ $MACHINE == q35 ]]; then
			devices+=(-device ide-hd,drive=d0,bus=ide.0)
		else
			devices+=(-device ide-hd,drive=d0)
		fi
	fi
	mkfifo "$dir/mon.in" "$dir/mon.out"
	timeout --signal=KILL "$TIMEOUT" qemu-system-x86_64 -M "$MACHINE" -cpu "$CPU" -m "$MEGS" \
		-smp "$CPUS" "${firmware[@]}" "${devices[@]}" -cdrom "$dir/skiff.iso" -boot d \
		-display none -nic none \
		-no-reboot "${serial[@]}" -monitor "pipe:$dir/mon" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 >"$dir/stdout.log" 2>&1 &
	local pid=$!
	exec {mon_in}<>"$dir/mon.in" {mon_out}<>"$dir/mon.out"
	cat <&"$mon_out" >"$dir/mon.log" &
	local reader=$!
	if [[ ${#SCREEN[@]} -gt 0 ]]; then
		read_screen "$dir" "$pid" "$mon_in"
	fi
	wait "$pid"; status=$?
	kill "$reader" 2>/dev/null
	exec {mon_in}>&- {mon_out}>&-
	return $status
}

# Waits for skiff to halt (told by the serial log, or without a serial
# port by the screen itself), then dumps the screen and quits QEMU.
read_screen() {
	local dir=$1 pid=$2 mon=$3
	for ((i = 0; i < TIMEOUT * 2; i++)); do
		kill -0 "$pid" 2>/dev/null || return
		if [[ $SERIAL == none ]]; then
			dump_screen "$dir" "$mon"
			screen_text "$dir" | grep -q 'halted' && break
		else
			grep -q 'halted' "$dir/serial.log" 2>/dev/null && break
		fi
		sleep 0.5
	done
	dump_screen "$dir" "$mon"
	echo quit >&"$mon"
}

# Asks the monitor for the screen and waits until the file is complete.
dump_screen() {
	local dir=$1 mon=$2 file
	if [[ $EMULATOR == qemu-uefi ]]; then
		file=$dir/screen.ppm
		echo "screendump \"$file\"" >&"$mon"
	else
		file=$dir/screen.bin
		echo "pmemsave 0xb8000 4000 \"$file\"" >&"$mon"
	fi
	# The monitor answers each command with a prompt once it is done.
	echo "info version" >&"$mon"
	for ((j = 0; j < 50; j++)); do
		[[ -s $file ]] && grep -q 'info version' "$dir/mon.log" 2>/dev/null && break
		sleep 0.1
	done
	sleep 0.2
}

screen_text() {
	local dir=$1
	if [[ -f $dir/screen.ppm ]]; then
		"$fbtext" "$dir/screen.ppm"
	elif [[ -f $dir/screen.bin ]]; then
		"$fbtext" --vga "$dir/screen.bin"
	fi
}

# match_in_order FILE PATTERN...: every pattern matches a line, in order.
match_in_order() {
	local file=$1; shift
	local from=1 pat n
	for pat in "$@"; do
		n=$(tail -n +"$from" "$file" | tr -d '\r' | grep -n -E -m1 -- "$pat" | cut -d: -f1)
		if [[ -z $n ]]; then
			echo "$pat"
			return 1
		fi
		from=$((from + n))
	done
}

run_case() {
	local name=$1 dir=$out_root/$1 status missing
	EMULATOR=bochs CPU="" CMDLINE="" MODULE="" MEGS=512 CPUS=1 VGA=isa TIMEOUT=60 STATUS=0 SERIAL=com1
	MACHINE=pc DISK="" IOMMU="" PROMPT="" TYPE_WAIT=30
	EXPECT=() REJECT=() SCREEN=() COM2=() MODULES=() LINUX="" TYPE=()
	# shellcheck disable=SC1090
	source "$cases_dir/$name.case"
	[[ -n $CPU ]] || CPU=$([[ $EMULATOR == bochs ]] && echo corei7_skylake_x || echo qemu64)
	rm -rf "$dir" && mkdir -p "$dir"
	if [[ $EMULATOR == bochs && ( $MACHINE != pc || -n $DISK || -n $IOMMU ) ]]; then
		echo "FAIL $name: MACHINE, DISK and IOMMU are QEMU's"
		return 1
	fi
	if [[ $EMULATOR != bochs && ${#TYPE[@]} -gt 0 ]]; then
		echo "FAIL $name: TYPE is Bochs's"
		return 1
	fi
	type_script
	if [[ $DISK == 1 && ! -f $BUILD/disk.img ]]; then
		echo "FAIL $name: DISK=1 needs $BUILD/disk.img (make disk)"
		return 1
	fi
	if [[ $LINUX == 1 && ! ( -f $BUILD/linux/bzImage && -f $BUILD/linux/initramfs.cpio.gz ) ]]; then
		echo "FAIL $name: LINUX=1 needs $BUILD/linux/bzImage and initramfs.cpio.gz (make linux)"
		return 1
	fi
	if ! make_iso "$dir" "$CMDLINE" "$MODULE" "${MODULES[@]}"; then
		echo "FAIL $name: grub-mkrescue failed (see $dir/grub-mkrescue.log)"
		return 1
	fi
	local start=$SECONDS
	if [[ $EMULATOR == bochs ]]; then run_bochs "$dir"; else run_qemu "$dir"; fi
	status=$?
	touch "$dir/serial.log"
	tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
	local why="" typing=""
	[[ -f $dir/typing.log ]] && typing=$(sed -n 's/^ *[0-9.]* s  FAIL /typing: /p' "$dir/typing.log")
	# serial_script kills Bochs itself when a step waits too long; Bochs
	# killed under a step that was still waiting is the case's TIMEOUT.
	if [[ $typing == *"ended first (status 137)" ]]; then
		why="timed out after ${TIMEOUT}s; $typing"
	elif [[ -n $typing ]]; then
		why=$typing
	elif [[ $status -eq 137 ]]; then
		why="timed out after ${TIMEOUT}s"
	elif [[ $EMULATOR == bochs && $status -gt 128 ]]; then
		# Bochs ends with 1 whatever the guest did; more is its own crash.
		why="bochs died of signal $((status - 128)), see $dir/stdout.log and emulator.log"
	elif missing=$(match_in_order "$dir/serial.txt" "${EXPECT[@]}"); [[ -n $missing ]]; then
		why="serial log lacks /$missing/"
	elif [[ $status -ne $STATUS ]]; then
		why="exit status $status, expected $STATUS"
	fi
	for pat in "${REJECT[@]}"; do
		[[ -z $why ]] && grep -q -E -- "$pat" "$dir/serial.txt" && why="serial log has /$pat/"
	done
	if [[ -z $why && ${#COM2[@]} -gt 0 ]]; then
		touch "$dir/serial2.log"
		tr -d '\r' <"$dir/serial2.log" >"$dir/serial2.txt"
		missing=$(match_in_order "$dir/serial2.txt" "${COM2[@]}") || why="COM2 log lacks /$missing/"
	fi
	if [[ -z $why && ${#SCREEN[@]} -gt 0 ]]; then
		screen_text "$dir" >"$dir/screen.txt"
		missing=$(match_in_order "$dir/screen.txt" "${SCREEN[@]}") || why="screen lacks /$missing/"
	fi
	if [[ -z $why ]]; then
		# A passing case keeps its logs, not its image (tens of MB each,
		# gigabytes over every case); a failing one keeps both.
		rm -rf "$dir/iso" "$dir/skiff.iso"
		echo "PASS $name ($((SECONDS - start))s, $EMULATOR)"
		return 0
	fi
	echo "FAIL $name: $why ($dir)"
	sed 's/^/    | /' "$dir/serial.txt" | tail -n 25
	return 1
}

if [[ $# -gt 0 ]]; then names=("$@"); else
	names=()
	for f in "$cases_dir"/*.case; do
		# OFF="why": a case known not to hold yet, run only when named;
		# every run says so.
		off=$(sed -n 's/^OFF="\(.*\)"$/\1/p' "$f")
		if [[ -n $off ]]; then
			echo "OFF  $(basename "$f" .case): $off"
			continue
		fi
		names+=("$(basename "$f" .case)")
	done
fi

# Run the cases JOBS at a time; each writes its report to its own folder.
export -f run_case make_iso run_bochs type_script run_qemu read_screen dump_screen screen_text match_in_order
export root BUILD cases_dir out_root fbtext serial_script
printf '%s\n' "${names[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_case "$1" >"$out_root/$1.result" 2>&1' _ {}

passed=0 failed=0
for name in "${names[@]}"; do
	cat "$out_root/$name.result"
	if head -n1 "$out_root/$name.result" | grep -q '^PASS'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "boot: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
