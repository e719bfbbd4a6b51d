#!/usr/bin/env bash
# Checks that the Debian packages a target needs are installed.  As root it
# installs what is missing; otherwise it prints the one apt-get line to run.
# Usage: tools/deps.sh deps|deps-build|deps-unit|deps-boot|deps-fuzz
set -euo pipefail

build="gcc make binutils grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools"
unit="gcc make libcmocka-dev"
# The Linux guest of the boot tests (tools/linux.sh) is built from these.
linux="linux-source-6.1 flex bison bc libelf-dev libssl-dev cpio xz-utils busybox-static"
# patch: the labs' typical wrong answers (tools/labs/check.sh) are patch files.
boot="$build bochs bochsbios vgabios qemu-system-x86 ovmf $linux patch"
# libFuzzer and the sanitizer runtimes for clang come in libclang-rt-14-dev.
fuzz="clang libclang-rt-14-dev"

case "${1:-deps}" in
deps-build) want=$build ;;
deps-unit) want=$unit ;;
deps-boot) want=$boot ;;
deps-fuzz) want=$fuzz ;;
*) want="$build $unit $boot $fuzz" ;;
esac

missing=()
for pkg in $want; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# Remove duplicates while keeping order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
if [[ $(id -u) -eq 0 ]]; then
	echo "skiff: installing missing Debian packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	echo "skiff: packages installed"
else
	echo "skiff: missing Debian packages. Run:"
	echo "  sudo apt-get install ${missing[*]}"
	exit 1
fi
