#!/usr/bin/env bash
# Builds a small Linux kernel to boot as skiff's guest, from Debian's
# linux-source-6.1 package: tinyconfig plus what a serial-console guest
# with an initramfs needs (the options below).  Writes
#   $BUILD/linux/bzImage   for the 32-bit boot protocol (kernel/vm/linux_boot.h)
#   $BUILD/linux/vmlinux   the ELF with the Xen PVH note (kernel/vm/pvh.h)
# The build is cached by a hash of the source package's version and the
# options: a second run with nothing changed only prints the paths.
# Not part of make test: it takes minutes.
# Environment: BUILD (default build), JOBS (default: the CPUs).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
[[ $BUILD = /* ]] || BUILD=$root/$BUILD
out=$BUILD/linux
jobs=${JOBS:-$(nproc)}
pkg=linux-source-6.1
tarball=/usr/src/$pkg.tar.xz

# What the guest needs beyond tinyconfig, each checked in the final
# .config: a 64-bit kernel that prints to an 8250 console, unpacks a gzip
# initramfs, runs ELF binaries and scripts, mounts proc, sys and
# devtmpfs, sees PCI, and carries the PVH entry note.  SMP, so that one
# kernel serves the 1-CPU cases and the 2-CPU one: it finds its CPUs in
# the ACPI MADT (which skiff passes through) and starts them with
# INIT-SIPI-SIPI through its local APIC; the local and I/O APIC are
# always on for x86-64, listed here so the check below names them.
options=(
	CONFIG_64BIT=y
	CONFIG_PRINTK=y
	CONFIG_EARLY_PRINTK=y
	CONFIG_TTY=y
	CONFIG_SERIAL_8250=y
	CONFIG_SERIAL_8250_CONSOLE=y
	CONFIG_BLK_DEV_INITRD=y
	CONFIG_RD_GZIP=y
	CONFIG_BINFMT_ELF=y
	CONFIG_BINFMT_SCRIPT=y
	CONFIG_HYPERVISOR_GUEST=y
	CONFIG_PVH=y
	CONFIG_PROC_FS=y
	CONFIG_SYSFS=y
	CONFIG_DEVTMPFS=y
	CONFIG_DEVTMPFS_MOUNT=y
	CONFIG_PCI=y
	CONFIG_RELOCATABLE=y
	CONFIG_ACPI=y
	CONFIG_SMP=y
	CONFIG_NR_CPUS=4
	CONFIG_X86_LOCAL_APIC=y
	CONFIG_X86_IO_APIC=y
)

need_packages() {
	local missing=() p
	for p in "$pkg" flex bison bc libelf-dev libssl-dev cpio xz-utils busybox-static; do
		[[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] ||
			missing+=("$p")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	if [[ $(id -u) -ne 0 ]]; then
		echo "linux: missing Debian packages. Run:"
		echo "  sudo apt-get install ${missing[*]}"
		exit 1
	fi
	echo "linux: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

need_packages
version=$(dpkg-query -W -f='${Version}' "$pkg")
hash=$( { echo "$pkg $version"; printf '%s\n' "${options[@]}"; } | sha256sum | cut -c1-16)
dest=$out/$hash

if [[ -f $dest/bzImage && -f $dest/vmlinux ]]; then
	echo "linux: cached ($pkg $version, config $hash)"
else
	src=$out/src-$version
	if [[ ! -f $src/.unpacked ]]; then
		echo "linux: unpacking $tarball"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf "$tarball" -C "$src" --strip-components=1
		touch "$src/.unpacked"
	fi
	obj=$dest/obj
	rm -rf "$dest" && mkdir -p "$obj"
	printf '%s\n' "${options[@]}" >"$dest/fragment.config"
	make -s -C "$src" O="$obj" ARCH=x86_64 tinyconfig >/dev/null
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$dest/fragment.config" >/dev/null)
	make -s -C "$src" O="$obj" ARCH=x86_64 olddefconfig >/dev/null
	for opt in "${options[@]}"; do
		grep -qx "$opt" "$obj/.config" ||
			{ echo "linux: $opt did not survive olddefconfig (a missing dependency)"; exit 1; }
	done
	echo "linux: building $pkg $version, config $hash, $jobs jobs (minutes)"
	make -s -C "$src" O="$obj" ARCH=x86_64 -j"$jobs" bzImage vmlinux >"$dest/build.log" 2>&1 ||
		{ tail -n 30 "$dest/build.log"; echo "linux: build failed, log in $dest/build.log"; exit 1; }
	cp "$obj/arch/x86/boot/bzImage" "$dest/bzImage"
	cp "$obj/vmlinux" "$dest/vmlinux"
	cp "$obj/.config" "$dest/config"
	# The cache keeps only what the boot cases read: the unpacked source
	# (1.5 GB) and the objects go, and a new configuration unpacks the
	# package again (a minute, against the build's minutes).  CI machines
	# have had less than a gigabyte free.
	rm -rf "$obj" "$src"
fi
ln -sfn "$hash/bzImage" "$out/bzImage"
ln -sfn "$hash/vmlinux" "$out/vmlinux"

# The initramfs: busybox-static and an /init that mounts proc, sys and
# dev, says it runs (the marker the boot cases wait for), and then powers
# off or reboots at once when the kernel's command line says
# skiff_test=poweroff or skiff_test=reboot, else gives a shell on the
# console.  skiff_test=shell (bochs-linux-shell, which types commands at
# that shell) says so first, and keeps the kernel's messages below
# emergency level off the console (dmesg still has them), so that late
# ones (a mouse found, the clocksource switched) do not cut into the
# typed session's lines; "reboot: Power down" is an emergency one.
# cttyhack opens the console's real device (/dev/ttyS0) as the shell's
# controlling terminal: /dev/console cannot be one, and without it the
# shell has no job control and no ^C.
# skiff_test=cpus2 first shows which CPUs are online and runs a command
# pinned to CPU 1, which reports the CPU it ran on (field 39, "processor",
# of /proc/self/stat); skiff_test=bench first runs the init marker.
rootfs=$out/rootfs
rm -rf "$rootfs" && mkdir -p "$rootfs"/{bin,dev,proc,sys}
cp /bin/busybox "$rootfs/bin/busybox"
for a in sh mount echo cat uname poweroff reboot setsid cttyhack ls dmesg; do
	ln -s busybox "$rootfs/bin/$a"
done
# The init marker of make bench (tools/linux_tsc_marker.c): freestanding,
# so the host's gcc builds it without a libc.
gcc -std=gnu11 -O2 -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wundef \
	-ffreestanding -fno-stack-protector -fno-pie -no-pie -fno-asynchronous-unwind-tables \
	-fno-tree-loop-distribute-patterns -static -nostdlib -Wl,--build-id=none \
	-o "$rootfs/bin/skiff-tsc-marker" "$root/tools/linux_tsc_marker.c"
cat >"$rootfs/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "skiff-linux: init running on $(uname -r)"
case " $(cat /proc/cmdline) " in
*" skiff_test=poweroff "*) echo "skiff-linux: poweroff"; poweroff -f ;;
*" skiff_test=reboot "*) echo "skiff-linux: reboot"; reboot -f ;;
*" skiff_test=shell "*) dmesg -n 1; echo "skiff-linux: shell on the console" ;;
*" skiff_test=cpus2 "*)
	echo "skiff-linux: cpus2: online $(cat /sys/devices/system/cpu/online)"
	echo "skiff-linux: cpus2: pinned to cpu 1, ran on cpu" \
		"$(/bin/busybox taskset -c 1 /bin/busybox awk '{ print $39 }' /proc/self/stat)"
	poweroff -f ;;
*" skiff_test=bench "*) /bin/skiff-tsc-marker; poweroff -f ;;
esac
exec setsid cttyhack sh
INIT
chmod +x "$rootfs/init"
(cd "$rootfs" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9n) >"$out/initramfs.cpio.gz"
echo "linux: $out/bzImage, $out/vmlinux and $out/initramfs.cpio.gz"
