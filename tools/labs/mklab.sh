#!/usr/bin/env bash
# make lab N: a student tree for lab N (docs/labs/README.md).
#
# Usage: tools/labs/mklab.sh N DEST [PATCH]
# Copies this tree (its files under git, and new ones not ignored) to DEST,
# file times kept, and replaces each region of lab N's exercises
# (LAB N BEGIN ... LAB N END in the sources) with a call that names what is
# missing and stops skiff (kernel/lab.h).  Every other lab's code stays.
# N may be 0: no stubs, the real code (with PATCH: a wrong answer on it).
# PATCH, a patch file (-p1), is applied after the stubs: the graders' own
# check uses it for the typical wrong answers in tests/labs/wrong/.
# SEED_BUILD=1 copies this tree's kernel and guest objects too, so that
# only the files the stubs or the patch changed are compiled again.
# DEST must not exist yet (FORCE=1 replaces it).
# DEST becomes a git repository with one commit (`git diff` shows the
# student's work) unless LAB_GIT=0.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
n=${1:?usage: mklab.sh N DEST [PATCH]}
dest=${2:?usage: mklab.sh N DEST [PATCH]}
patch_file=${3:-}
[[ $n =~ ^[0-8]$ ]] || { echo "mklab: no lab $n: the labs are 1 to 8" >&2; exit 2; }
[[ -z $patch_file || -f $patch_file ]] || { echo "mklab: no patch $patch_file" >&2; exit 2; }
[[ -z $patch_file || $patch_file = /* ]] || patch_file=$PWD/$patch_file

if [[ -e $dest && ${FORCE:-0} != 1 ]]; then
	echo "mklab: $dest exists (your work?): move it away, or FORCE=1 to replace it" >&2
	exit 1
fi
rm -rf "$dest"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# The sources: git's list where there is one, else everything but what
# the build makes.
list() {
	if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$root" ls-files -co --exclude-standard
	else
		(cd "$root" && find . -path ./build -prune -o -path ./.git -prune -o \
			-path ./iso/boot -prune -o -name '*.iso' -prune -o -type f -print | sed 's|^\./||')
	fi
}
(cd "$root" && list | while IFS= read -r f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -C "$dest" -xf -

stubbed=()
if [[ $n != 0 ]]; then
	while IFS= read -r f; do
		awk -v lab="$n" -f "$root/tools/labs/stub.awk" "$dest/$f" >"$dest/$f.stub"
		mv "$dest/$f.stub" "$dest/$f"
		stubbed+=("$f")
	done < <(cd "$dest" && grep -rl --include='*.c' --include='*.h' "LAB $n BEGIN: " kernel)
	if [[ ${#stubbed[@]} -eq 0 ]]; then
		echo "mklab: no exercise of lab $n is marked in kernel/" >&2
		exit 1
	fi
	# The typical wrong answer of this lab, with the right code as its context.
	rm -f "$dest"/tests/labs/wrong/lab"$n"-*.patch
fi
if [[ -n $patch_file ]]; then
	patch -s -d "$dest" -p1 <"$patch_file"
fi

build=${BUILD:-build}
[[ $build = /* ]] || build=$root/$build
if [[ ${SEED_BUILD:-0} == 1 && -d $build/kernel ]]; then
	mkdir -p "$dest/build"
	cp -a "$build/kernel" "$dest/build/"
	[[ -d $build/guests ]] && cp -a "$build/guests" "$dest/build/"
	# The dependency files name their objects under the build folder they
	# were made in; the tree's build folder is build/.
	find "$dest/build" -name '*.d' -exec sed -i "s|$build/|build/|g" {} +
	# The objects are newer than the copied sources; what changed above
	# is newer still (mv and patch gave it the time of now).
	touch "${stubbed[@]/#/$dest/}" 2>/dev/null || true
fi

if [[ ${LAB_GIT:-1} == 1 ]] && command -v git >/dev/null; then
	git -C "$dest" init -q
	git -C "$dest" add -A
	git -C "$dest" -c user.name="skiff labs" -c user.email="labs@skiff.invalid" \
		commit -q -m "lab $n: the starting point (make lab $n)"
fi
if [[ $n != 0 ]]; then
	echo "lab $n: student tree in $dest; the exercises are in:"
	(cd "$dest" && grep -n "LAB $n BEGIN: " "${stubbed[@]}" | sed 's|/\* LAB [0-9]* BEGIN: ||; s| \*/$||; s|^|  |')
	echo "then: cd $dest && make grade $n"
fi
