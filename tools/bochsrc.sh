#!/usr/bin/env bash
# Prints a Bochs configuration that boots an ISO headless, serial to a file
# (COM1 to SERIAL_FILE, COM2 to the same name with "2" before ".log").
# Usage: tools/bochsrc.sh ISO CPU_MODEL MEGS SERIAL_FILE LOG_FILE [CPUS [VGA [COM1_TTY]]]
# CPUS: how many CPUs (default 1); Bochs's BIOS lists each in the MADT.
# VGA: "isa" (the default: Bochs's VGA on the ISA bus) or "pci": a PCI
# VGA in slot 1 with the VBE extension, whose 16 MiB memory BAR can be
# moved through PCI configuration space.
# COM1_TTY: a terminal (tools/serial_script.c makes one) that is COM1
# instead of SERIAL_FILE, in both directions: what is typed there is the
# guest's input.  A file has no input side.
# (Facts behind each line: docs/emulators.md.)
set -euo pipefail
iso=$1 cpu=$2 megs=$3 serial=$4 log=$5 cpus=${6:-1} vga=${7:-isa} com1_tty=${8:-}
count=""
[[ $cpus -gt 1 ]] && count=" count=$cpus,"
# ryzen: Bochs 2.7 never ends an MWAITX on its timer (set_mwaitx_timer()
# arms the wrong timer), which hangs Linux's first udelay() with interrupts
# off; MWAIT and MWAITX return at once instead, an early end the APM allows.
nop=""
[[ $cpu == ryzen ]] && nop=" mwait_is_nop=1,"
case $vga in
isa) ;;
pci) printf '%s\n' "vga: extension=vbe" "pci: enabled=1, chipset=i440fx, slot1=pcivga" ;;
*) echo "bochsrc.sh: VGA is isa or pci, not $vga" >&2; exit 2 ;;
esac
com1="com1: enabled=1, mode=file, dev=$serial"
[[ -n $com1_tty ]] && com1="com1: enabled=1, mode=term, dev=$com1_tty"
cat <<RC
megs: $megs
cpu: model=$cpu,$count$nop ips=100000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
ata0-master: type=cdrom, path=$iso, status=inserted
boot: cdrom
$com1
com2: enabled=1, mode=file, dev=${serial%.log}2.log
display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
port_e9_hack: enabled=1
log: $log
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
RC
