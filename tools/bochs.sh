#!/usr/bin/env bash
# Runs bochs with the given arguments in a network namespace of its own.
#
# Bochs's only headless display here, RFB, listens on every address
# (0.0.0.0:5900 and up), and a stray connection that sends it junk kills
# the emulator mid-run (seen in CI: two cases lost to SIGSEGV at once).
# In a namespace of its own nobody else can reach that port.
if unshare -n true 2>/dev/null; then
	exec unshare -n bochs "$@"
elif unshare -rn true 2>/dev/null; then
	exec unshare -rn bochs "$@"
fi
echo "bochs.sh: cannot make a network namespace; RFB listens on 0.0.0.0:5900 and up" >&2
exec bochs "$@"
