#!/usr/bin/env bash
# make debug: skiff in Bochs's own debugger, with skiff's symbols loaded
# (the cheat-sheet is in docs/labs/README.md).
#
# Usage: tools/labs/debug.sh [CASE]
# CASE is a Bochs boot case whose machine and command line to use
# (default bochs-banner: the built-in hello guest); make debug CASE=...
# The symbols are build/skiff.sym, made from build/skiff.elf with nm, one
# "address name" a line, as the debugger's ldsym reads them.  GRUB loads
# skiff high, away from its link address, and skiff's banner says by how
# much ("skiff: image at ..., linked at ...: symbols + 0x..."): that offset
# is added to every symbol, taken from the last transcript of the same
# case (this script's own, else make boot's), or OFFSET=0x... given by
# hand; in the debugger, `ldsym global "FILE" OFFSET` loads them again
# with another offset.
# skiff's serial console goes to build/labs/debug/serial.log: watch it with
# tail -f in another terminal.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
case_name=${1:-${CASE:-bochs-banner}}
out=$BUILD/labs/debug
sym=$BUILD/skiff.sym
# The offset from the last transcript of this machine, if any.
last_offset() {
	local f
	for f in "$out/serial.log" "$BUILD/boot/$case_name/serial.txt"; do
		[[ -f $f ]] || continue
		sed -n 's/^skiff: image at .*: symbols + \(0x[0-9a-f]*\).*/\1/p' "$f" | tail -n 1
		return
	done
}
offset=${OFFSET:-$(last_offset)}
if [[ -z $offset ]]; then
	offset=0
	echo "debug: no earlier transcript of $case_name says where skiff loads: symbols at their" \
		"link addresses; read the banner's 'symbols + 0x...' and run ldsym again (see below)"
fi
[[ $offset =~ ^(0x[0-9a-fA-F]+|[0-9]+)$ ]] || { echo "debug: OFFSET=$offset is not a number" >&2; exit 2; }

nm -n --defined-only "$BUILD/skiff.elf" | awk '$2 ~ /^[TtWwDdBbRr]$/ { print $1, $3 }' >"$sym"
LAB_ISO_ONLY=1 "$root/tools/labs/boot.sh" "$root" "$case_name" "$out"
stub=$(awk '$2 == "vmx_exit_stub" { print $1 }' "$sym")
stub=$(printf '%x' $((0x$stub + offset)))
cat >"$out/dbg.rc" <<RC
ldsym global "$sym" $offset
RC
cat <<MSG
debug: Bochs's debugger on skiff (boot case $case_name), $(wc -l <"$sym") symbols from $sym
debug: skiff's console: tail -f $out/serial.log
debug: symbols + $offset (where GRUB loads skiff on this machine)
debug: try  lb 0x$stub  (vmx_exit_stub), then c;  vmexitbp;  u /10;  r;  q
debug: the cheat-sheet: docs/labs/README.md, "Debugging"
MSG
exec "$root/tools/bochs.sh" -q -f "$out/bochsrc" -rc "$out/dbg.rc"
