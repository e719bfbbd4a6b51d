#!/usr/bin/env python3
"""Writes the fuzz harnesses' seed corpora into tests/fuzz/corpus/<name>/.

Each seed is a small, valid input of the kind the harness takes, written
from the specifications (Multiboot2 2.0, the System V ELF ABI, ACPI 6.4) or
in the input format the harness documents at its top, so the fuzzer starts
from inputs that get past the first checks.  With a build directory as the
argument, the hello guest's ELF file, stripped, is a seed too, and so are
the Multiboot 1 guest's two forms.

Usage: tests/fuzz/mkseeds.py [BUILD]     (run from the repository's top)
"""
import os
import shutil
import struct
import subprocess
import sys

OUT = os.path.join("tests", "fuzz", "corpus")


def write(name, seed, data):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


def u8(v): return struct.pack("<B", v & 0xff)
def u16(v): return struct.pack("<H", v & 0xffff)
def u32(v): return struct.pack("<I", v & 0xffffffff)
def u64(v): return struct.pack("<Q", v & 0xffffffffffffffff)


def checksum(b):
    return (-sum(b)) & 0xff


# ---- Multiboot2 boot information (3.6) ----

def tag(t, payload):
    return pad8(u32(t) + u32(8 + len(payload)) + payload)


def mbi(tags):
    body = b"".join(tags) + u32(0) + u32(8)
    return u32(8 + len(body)) + u32(0) + body


def rsdp(revision, rsdt=0, xsdt=0, oem=b"BOCHS "):
    v1 = b"RSD PTR " + b"\0" + oem + u8(revision) + u32(rsdt)
    v1 = v1[:8] + u8(checksum(v1)) + v1[9:]
    if revision < 2:
        return v1
    v2 = v1 + u32(36) + u64(xsdt) + b"\0" + b"\0\0\0"
    return v2[:32] + u8(checksum(v2)) + v2[33:]


QEMU_MAP = [(0x0, 0x9fc00, 1), (0x9fc00, 0x400, 2), (0xf0000, 0x10000, 2),
            (0x100000, 0x1fee0000, 1), (0x1ffe0000, 0x20000, 2), (0xfffc0000, 0x40000, 2)]


def mmap_tag(entries):
    return tag(6, u32(24) + u32(0) + b"".join(
        u64(b) + u64(l) + u32(t) + u32(0) for b, l, t in entries))


def bootinfo_seeds():
    bios = mbi([
        tag(1, b"console=ttyS0 guest=hello\0"),
        tag(2, b"GRUB 2.06\0"),
        tag(3, u32(0x200000) + u32(0x204100) + b"/boot/guests/hello.elf\0"),
        tag(4, u32(639) + u32(523136)),
        tag(5, u32(0x80) + u32(0xffffffff) + u32(0xffffffff)),
        mmap_tag(QEMU_MAP),
        # EGA text: 80x25 cells of 2 bytes at 0xb8000.
        tag(8, u64(0xb8000) + u32(160) + u32(80) + u32(25) + u8(16) + u8(2) + u16(0)),
        # APM: version, cseg, offset, cseg_16, dseg, flags, 3 lengths.
        tag(10, u16(0x102) + u16(0xf000) + u32(0x9d4e) + b"".join(u16(0) for _ in range(6))),
        tag(14, rsdp(0, rsdt=0x1ffe1000)),
        tag(21, u32(0x100000)),
    ])
    write("bootinfo", "grub-bios", bios)
    uefi = mbi([
        tag(1, b"\0"),
        tag(2, b"GRUB 2.12\0"),
        tag(4, u32(640) + u32(1047552)),
        mmap_tag([(0, 0xa0000, 1), (0x100000, 0x700000, 1), (0x800000, 0x8000, 4),
                  (0x808000, 0x8000, 1), (0x810000, 0xf0000, 4), (0x900000, 0x3eb00000, 1),
                  (0x3f400000, 0x200000, 3), (0xffc00000, 0x400000, 2), (0x100000000, 0x1000, 5)]),
        # Direct colour, 32 bpp, red 16:8, green 8:8, blue 0:8.
        tag(8, u64(0x80000000) + u32(4096) + u32(1024) + u32(768) + u8(32) + u8(1) + u16(0)
            + bytes([16, 8, 8, 8, 0, 8])),
        tag(12, u64(0x3f9ee018)),
        tag(13, u8(3) + u8(0) + b"\0" * 6 + b"_SM3_" + b"\0" * 19),
        tag(15, rsdp(2, rsdt=0x3f77e074, xsdt=0x3f77e0e8)),
        tag(17, u32(48) + u32(1) + b"\0" * 48),
        tag(20, u64(0x3e9c4b98)),
    ])
    write("bootinfo", "grub-uefi", uefi)


# ---- ELF images with a Multiboot2 header (gABI 4, 5; Multiboot2 3.1) ----

def mb2_header(tags):
    body = b"".join(pad8(u16(t) + u16(f) + u32(8 + len(p)) + p) for t, f, p in tags)
    body += u16(0) + u16(0) + u32(8)
    length = 16 + len(body)
    magic = 0xe85250d6
    return u32(magic) + u32(0) + u32(length) + u32(-(magic + length)) + body


def elf(cls, entry, segments, header_tags, mb2_off=0x1000):
    """segments: (p_type, flags, offset, paddr, vaddr, data, memsz)"""
    is64 = cls == 2
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    ident = b"\x7fELF" + bytes([cls, 1, 1]) + b"\0" * 9
    fixed = (u16(2) + u16(62 if is64 else 3) + u32(1)
             + (u64(entry) + u64(ehsize) + u64(0) if is64 else u32(entry) + u32(ehsize) + u32(0))
             + u32(0) + u16(ehsize) + u16(phentsize) + u16(len(segments)) + u16(0) + u16(0)
             + u16(0))
    image = bytearray(ident + fixed)
    for t, fl, off, paddr, vaddr, data, memsz in segments:
        if is64:
            image += u32(t) + u32(fl) + u64(off) + u64(vaddr) + u64(paddr) + u64(len(data)) \
                + u64(memsz) + u64(0x1000)
        else:
            image += u32(t) + u32(off) + u32(vaddr) + u32(paddr) + u32(len(data)) + u32(memsz) \
                + u32(fl) + u32(0x1000)
    end = max([mb2_off + 512] + [off + len(d) for _, _, off, _, _, d, _ in segments])
    image += b"\0" * (end - len(image))
    for _, _, off, _, _, data, _ in segments:
        image[off:off + len(data)] = data
    hdr = mb2_header(header_tags)
    image[mb2_off:mb2_off + len(hdr)] = hdr
    return bytes(image)


def elf_seeds(build):
    text = b"\x90" * 0x600
    # A higher-half ELF64: vaddr 0xffffffff80100000 at paddr 1 MiB, asking
    # for every tag skiff gives (the framebuffer optionally), with optional
    # console flags, module alignment and relocatable tags.
    hh = 0xffffffff80000000
    seg64 = [(1, 5, 0x1000, 0x100000, hh + 0x100000, text, 0x600),
             (1, 6, 0x2000, 0x11c000, hh + 0x11c000, b"data" * 64, 0x3000),
             (4, 4, 0x1800, 0, 0, b"", 0)]
    tags64 = [(1, 0, b"".join(u32(t) for t in (1, 2, 3, 4, 6, 14, 15))),
              (1, 1, u32(8) + u32(5)),
              (4, 1, u32(2)),
              (6, 1, b""),
              (10, 1, u32(0x100000) + u32(0xffffffff) + u32(0x1000) + u32(1))]
    write("elf_load", "elf64-higher-half", elf(2, hh + 0x100010, seg64, tags64))
    # ELF32 with an entry address tag and a bss-only segment in RAM B.
    seg32 = [(0, 0, 0, 0, 0, b"", 0),
             (1, 5, 0x1000, 0x100000, 0x100000, text, 0x600),
             (1, 6, 0x1800, 0x120000, 0x120000, b"", 0x8000)]
    tags32 = [(3, 0, u32(0x100040)), (1, 0, u32(6))]
    write("elf_load", "elf32-entry-tag", elf(1, 0x100000, seg32, tags32))
    guest = os.path.join(build, "guests", "hello.elf") if build else None
    if guest and os.path.exists(guest):
        out = os.path.join(OUT, "elf_load", "hello-guest")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        subprocess.run(["strip", "-o", out, guest], check=True)


# ---- bzImages and PVH kernels (fuzz_linux_boot.c's, fuzz_pvh.c's formats) ----

MIB = 1 << 20


def bzimage(version=0x020f, setup_sects=1, syssize=0x40, loadflags=0x01, reloc=1,
            align=2 * MIB, pref=16 * MIB, init_size=8 * MIB, xlf=0x3, header_end=0x26c):
    """A bzImage laid out as the Linux x86 boot protocol (boot.rst) says:
    boot sector and setup_sects of setup, then syssize paragraphs."""
    sects = setup_sects or 4
    img = bytearray(b"\xcc" * ((sects + 1) * 512 + syssize * 16))

    def put(off, b):
        img[off:off + len(b)] = b
    put(0x1f1, u8(setup_sects) + u16(0) + u32(syssize) + u16(0) + u16(0xffff) + u16(0)
        + u16(0xaa55) + u8(0xeb) + u8(header_end - 0x202) + b"HdrS" + u16(version))
    put(0x208, u32(0) + u16(0x1000) + u16(0x200))
    put(0x210, u8(0) + u8(loadflags) + u16(0) + u32(0x100000) + u32(0) + u32(0) + u32(0)
        + u16(0) + u8(0) + u8(0) + u32(0) + u32(0x7fffffff) + u32(align) + u8(reloc)
        + u8(21) + u16(xlf) + u32(2047) + u32(0) + u64(0) + u32(0x3b4) + u32(0x1234)
        + u64(0) + u64(pref) + u32(init_size) + u32(0x190) + u32(0))
    return bytes(img)


def boot_input(ram, avoid, res, cmdline=(0x20000, 100), initrd=(0x3f000000, 0x10000),
               n_fake=0, flags=0):
    """ram: (gap pages, length pages); avoid, res: (base, length pages)."""
    b = u8(flags) + u8(len(ram))
    for gap, pages in ram:
        b += u16(gap - 1) + u32(pages - 1)
    for group in (avoid, res):
        b += u8(len(group))
        for base, pages in group:
            b += raw_addr(base) + u32(pages) + u8(1)
    b += raw_addr(cmdline[0]) + u32(cmdline[1])
    b += raw_addr(initrd[0]) + u8(1) + u64(initrd[1])
    return b + u8(n_fake) + raw_addr(16 * MIB)


def linux_boot_seeds():
    pages = MIB >> 12
    # Guest RAM 1..15 MiB and 17..512 MiB, skiff's 2 MiB between.
    qemu = [(pages, 14 * pages), (2 * pages, 495 * pages)]
    kept = [(15 * MIB, 2 * pages), (0xfffc0000, 0x40)]
    boot = [(0x3f000000, 16), (0x20000, 1), (0x7000, 1)]
    write("linux_boot", "v2.15-relocatable",
          boot_input(qemu, boot, kept) + bzimage())
    write("linux_boot", "v2.10-no-xloadflags",
          boot_input(qemu, boot, kept) + bzimage(version=0x020a, header_end=0x264, xlf=0xffff))
    write("linux_boot", "v2.12-fixed-at-1m",
          boot_input(qemu, [], kept, initrd=(0x100000000, 0x1000))
          + bzimage(version=0x020c, header_end=0x268, reloc=0, pref=0x100000, xlf=1))
    write("linux_boot", "v2.15-setup-sects-0-many-e820",
          boot_input([(pages, 600 * pages)], boot, [(16 * MIB, 1)], n_fake=129)
          + bzimage(setup_sects=0, syssize=0x20))
    write("linux_boot", "v2.09-too-old",
          boot_input(qemu, [], kept) + bzimage(version=0x0209, header_end=0x260))


def note(name, typ, desc, align=4):
    n = name + b"\0" if name else b""
    head = u32(len(n)) + u32(len(desc)) + u32(typ) + n
    head += b"\0" * (-len(head) % align)
    body = head + desc
    return body + b"\0" * (-len(body) % align)


def note_elf(cls, notes, align=4):
    """An executable with a PT_LOAD and a PT_NOTE holding notes (gABI 5)."""
    is64 = cls == 2
    ehsize, phentsize = (64, 56) if is64 else (52, 32)
    ident = b"\x7fELF" + bytes([cls, 1, 1]) + b"\0" * 9
    fixed = (u16(2) + u16(62 if is64 else 3) + u32(1)
             + (u64(0x1000000) + u64(ehsize) + u64(0) if is64
                else u32(0x1000000) + u32(ehsize) + u32(0))
             + u32(0) + u16(ehsize) + u16(phentsize) + u16(2 if notes else 1) + u16(0) + u16(0)
             + u16(0))
    off = 0x100
    phdrs = b""
    for t, o, size, a in [(1, 0x200, 0x40, 0x1000), (4, off, len(notes), align)][:2 if notes else 1]:
        if is64:
            phdrs += u32(t) + u32(4) + u64(o) + u64(0x1000000 + o) + u64(0x1000000 + o) \
                + u64(size) + u64(size) + u64(a)
        else:
            phdrs += u32(t) + u32(o) + u32(0x1000000 + o) + u32(0x1000000 + o) + u32(size) \
                + u32(size) + u32(4) + u32(a)
    image = bytearray(ident + fixed + phdrs)
    image += b"\0" * (off - len(image)) + notes
    image += b"\0" * (0x240 - len(image)) if len(image) < 0x240 else b""
    return bytes(image)


def pvh_input(nmap=3, nmods=1, buf_size=512, buf_pa=0x7000):
    b = u8(0) + u16(buf_size) + raw_addr(buf_pa) + u64(0x9000) + u64(0xf5a40)
    b += u8(nmap) + u8(nmods)
    qemu = [(0, 0x9fc00, 1), (0x100000, 0x1fe00000, 1), (0xfffc0000, 0x40000, 2)]
    for i in range(nmap):
        base, length, t = qemu[i % len(qemu)]
        b += u64(base) + u64(length) + u32(t) + u32(0)
    for i in range(nmods):
        b += u64(0x2000000 + i * MIB) + u64(0x4000) + u64(0x8000)
    return b


def pvh_seeds():
    build_id = note(b"GNU", 3, bytes(range(20)))
    xen = note(b"Xen", 6, b"linux\0") + note(b"Xen", 7, b"2.6\0")
    write("pvh", "vmlinux64",
          pvh_input() + note_elf(2, build_id + xen + note(b"Xen", 18, u64(0x1001240))))
    write("pvh", "elf32-4-byte",
          pvh_input(nmods=0, buf_size=56 + 24 * 3)
          + note_elf(1, xen + note(b"Xen", 18, u32(0x100000))))
    write("pvh", "aligned-8",
          pvh_input(nmap=1, buf_pa=0xfffff000)
          + note_elf(2, note(b"GNU", 5, u32(0xc0000002) + u32(4) + u32(3) + u32(0), 8)
                     + note(b"Xen", 18, u64(0x1000000), 8), align=8))
    write("pvh", "no-notes", pvh_input(nmap=0) + note_elf(2, b""))


# ---- hypercall sequences (fuzz_hypercall.c's input format) ----

def hc(nr, a0, a1, is64=True, junk=0):
    """One call: a defined call number (or any, raw, above 31), a raw
    pointer and length; junk goes in the call number's upper half."""
    if nr > 31:
        head = u8(0x80 | (1 if is64 else 0)) + u64(nr)
    else:
        head = u8((nr << 1) | (1 if is64 else 0) | (0x40 if junk else 0)) + \
            (u32(junk) if junk else b"")
    return head + u8(0) + u64(a0) + u8(0) + u64(a1) + u64(0)


def hypercall_seeds():
    write("hypercall", "console-and-exit",
          u8(64) + hc(0, 0, 0) + hc(0, 0, 0, is64=False)
          + hc(1, 0x100, 64) + hc(1, 0x7ff0, 0x20) + hc(1, 0x9000, 4096)
          + hc(1, 0xa000, 4097) + hc(1, 0x1_0000_0200, 16, is64=False, junk=7)
          + hc(2, 300, 0) + hc(2, 3, 0))
    write("hypercall", "stats-and-tsc",
          u8(70) + hc(3, 0x9000, 0x100) + hc(3, 0x7f00, 0x800) + hc(3, 0x9000, 0x801)
          + hc(4, 0xfff8, 0) + hc(4, 0xfffc, 0) + hc(4, 0, 0, is64=False) + hc(1 << 32, 0, 0))


# ---- port accesses (fuzz_ports.c's input format) ----

NEAR_PORTS = [0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0x3f5, 0x3f6, 0x3f7, 0x3f8, 0x3f9,
              0x3fa, 0x3fb, 0x3fc, 0x3fd, 0x3fe, 0x3ff, 0x400, 0x88fd, 0x88fe, 0x88ff, 0x8900,
              0x8901, 0xfffd, 0xfffe, 0xffff, 0x0000]
SIZE_INDEX = {1: 0, 2: 1, 4: 2}


def io(port, value=0, size=1, is_in=False):
    wide = size > 1 or value > 0xff
    for how in range(128):
        if how % 3 == SIZE_INDEX[size] and bool(how & 8) == is_in and bool(how & 0x40) == wide:
            break
    return u8(how) + u8(NEAR_PORTS.index(port)) + (u32(value) if wide else u8(value))


def ports_seeds():
    init = [io(0x3f9, 0), io(0x3fb, 0x80), io(0x3f8, 1), io(0x3f9, 0), io(0x3fb, 3),
            io(0x3fa, 0xc7), io(0x3fc, 0x0b),
            # loopback probe, as drivers do it
            io(0x3fc, 0x1e), io(0x3f8, 0xae), io(0x3fd, is_in=True), io(0x3f8, is_in=True),
            io(0x3fe, is_in=True), io(0x3fc, 0x0f), io(0x3fe, is_in=True), io(0x3fa, is_in=True)]
    text = b"".join(io(0x3fd, is_in=True) + io(0x3f8, c) for c in b"Hello, skiff\r\n\x1b[2J")
    write("ports", "com1-driver", b"".join(init) + text + io(0x3f8, 0x0a0d, size=2))
    write("ports", "bochs-shutdown", io(0x8900, ord("S")) + b"".join(
        io(0x8900, c) for c in b"Shutdown") + io(0x8900, 0, is_in=True))
    write("ports", "exit-port", io(0xf5, is_in=True) + io(0xf3, 0x2a00, size=2)
          + io(0xf4, 0x12345678, size=4))


# ---- guest Multiboot2 information inputs (fuzz_mb2_guest.c's format) ----

def raw_addr(v): return u8(0) + u64(v)
def raw_len(v): return u8(0) + u64(v)


def mb2_input(flags, mmap, kept, cmdline, min_addr):
    b = u8(flags) + u8(len(mmap)) + u8(len(kept)) + u16(len(cmdline))
    for base, length, t in mmap:
        b += raw_addr(base) + raw_len(length) + u8(t - 1)
    for base, end in kept:
        b += raw_addr(base) + raw_len(end - base)
    return b + cmdline + raw_addr(min_addr)


def mb2_guest_seeds():
    mib = 1 << 20
    kept = [(0x4000, 0x6000), (0x8000, 0x9000), (16 * mib, 18 * mib)]
    write("mb2_guest", "qemu-setup",
          u8(0) + mb2_input(2, QEMU_MAP, kept, b"console=ttyS0 quiet", 0x2000))
    messy = [(0x100000, 0x400000, 1), (0x200000, 0x1000, 3), (0x1ff000, 0x3000, 4),
             (0x300000, 0x10000, 7), (0x300000, 0x10000, 5), (0x0, 0x9fc00, 1),
             (0xfffffffffffff000, 0x2000, 2), (0x0, 0, 1), (0x400000, 0x1000, 1)]
    write("mb2_guest", "overlapping-build-at",
          u8(1) + raw_addr(0xa000) + u32(0x6000)
          + mb2_input(1, messy, [(0x180000, 0x181000), (0x100000, 0x200000)], b"", 0))


# ---- Multiboot 1 guests (fuzz_mb1_guest.c's format; Multiboot 0.6.96) ----

MB1_MAGIC = 0x1badb002


def mb1_header(flags, aout=None):
    h = u32(MB1_MAGIC) + u32(flags) + u32(-(MB1_MAGIC + flags))
    return h + b"".join(u32(v) for v in (aout or []))


def mb1_elf():
    """An ELF32 whose only header is a Multiboot 1 one (flags 0, 1)."""
    seg = [(1, 5, 0x1000, 0x2000, 0x2000, b"\x90" * 0x200, 0x200),
           (1, 6, 0x1200, 0xb000, 0xb000, b"data" * 16, 0x2000)]
    image = bytearray(elf(1, 0x2010, seg, [], mb2_off=0x1800))
    image[0x1800:0x1800 + 24] = b"\0" * 24   # no Multiboot2 header after all
    hdr = mb1_header(3)
    image[0x1000:0x1000 + len(hdr)] = hdr
    return bytes(image)


def mb1_guest_seeds(build):
    # Mode 0: an a.out image, header first, text to 0x1000, bss to 0x3800.
    body = bytearray(b"\xc3" * 0x800)
    hdr = mb1_header(0x10003, [0x1000, 0x1000, 0x1800, 0x3800, 0x1020])
    body[0:len(hdr)] = hdr
    write("mb1_guest", "aout-image", u8(0) + bytes(body))
    write("mb1_guest", "elf-image", u8(0) + mb1_elf())
    # Mode 1: fuzzed a.out fields: offset 0, 0x600 bytes, flags 3, then
    # header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr near
    # RAM B's start (0x26 picks edge 3, 0xa000, plus a 16-bit offset).
    fields = b"".join(u8(0x26) + u16(v) for v in (0x40, 0, 0x600, 0x2000, 0x80))
    write("mb1_guest", "aout-fields",
          u8(1) + u16(0x10) + u16(0x600) + u8(3) + u8(0) + fields + u8(0) + b"\x90" * 0x600)
    # Mode 2: modules and information from min = RAM A, a QEMU-like map.
    def addr(v): return u8(0) + u32(v)
    mmap = [(0, 0x9fc00, 1), (0x1000, 0x2f000, 1), (0x9000, 0x1000, 2), (0xfec00000, 0x1000, 4)]
    m = b""
    for base, length, t in mmap:
        m += addr(base) + u8(0) + u16(length >> 4) + u8(t - 1)
    cmd = b"mb1 hello=world"
    mods = (u8(4) + b"ramd" + u16(0x1234)) + (u8(6) + b"second" + u16(0x20))
    info = u8(0) + u8(len(mmap)) + u8(1) + u8(2) + m + addr(0x9000) + u16(0x1000) \
        + u8(len(cmd)) + cmd + mods
    write("mb1_guest", "setup-two-modules", u8(2) + addr(0x1000) + info)
    write("mb1_guest", "build-at", u8(3) + addr(0xa000) + u32(0x4000) + info
          + addr(0x1000) + addr(0x20000))
    for name in ("mb1.elf", "mb1-aout.bin"):
        guest = os.path.join(build, "guests", name) if build else None
        if guest and os.path.exists(guest):
            with open(guest, "rb") as f:
                data = f.read()
            if name.endswith(".elf"):
                out = os.path.join(OUT, "mb1_guest", "tmp.elf")
                subprocess.run(["strip", "-o", out, guest], check=True)
                with open(out, "rb") as f:
                    data = f.read()
                os.remove(out)
            write("mb1_guest", name.replace(".", "-"), u8(0) + data)


# ---- command lines (fuzz_cmdline.c's format) ----

def cmdline_seeds():
    write("cmdline", "last-wins",
          u8(16) + b"guest\0selftest\0console=ttyS0 guest=hello\tguest=selftest quiet")
    write("cmdline", "bare-key", u8(3) + b"quiet\0\0quiet=1 quietly quiet")
    write("cmdline", "fault-policy",
          u8(8) + b"fault\0guest-state\0fault=guest-statex fault=guest-state on_crash=restart")


# ---- ACPI tables (fuzz_acpi.c's format; physical memory from 0xe0000) ----

MEM_BASE = 0xe0000


def sdt(sig, body, revision=1):
    length = 36 + len(body)
    h = sig + u32(length) + u8(revision) + u8(0) + b"BOCHS " + b"BXPC    " + u32(1) \
        + b"BXPC" + u32(1)
    t = h + body
    return t[:9] + u8(checksum(t)) + t[10:]


def gas(space, width, addr):
    return u8(space) + u8(width) + u8(0) + u8(2) + u64(addr)


def fadt(dsdt, pm1a=0x604, pm1b=0, smi=0, enable=0, x_dsdt=0, x_pm1a=None, x_pm1b=None):
    b = u32(0) + u32(dsdt) + u8(0) + u8(0) + u16(9) + u32(smi) + u8(enable) + u8(0) + u8(0) \
        + u8(0) + u32(0x600) + u32(0) + u32(pm1a) + u32(pm1b) + u32(0) + u32(0x608) + u32(0x620) \
        + u32(0) + u8(4) + u8(2) + u8(0) + u8(4) + u8(16) + u8(0) + u8(0) + u8(0) + u16(0) \
        + u16(0) + u16(0) + u16(0) + u8(0) + u8(0) + u8(0) + u8(0) + u8(0x32) + u16(0) + u8(0) \
        + u32(0)
    assert len(b) == 116 - 36
    b += gas(1, 8, 0xcf9) + u8(6) + u16(0) + u8(0) + u64(0) + u64(x_dsdt) + gas(0, 0, 0) \
        + gas(0, 0, 0) + (x_pm1a or gas(0, 0, 0)) + (x_pm1b or gas(0, 0, 0))
    return sdt(b"FACP", b, revision=3)


S5_PLAIN = b"\x10\x0a\x5c\x00" + b"\x08_S5_\x12\x06\x04\x0a\x05\x0a\x05\x00\x00"
S5_ROOT_WORD = b"\x08\\_S5_\x12\x0a\x04\x0b\x07\x00\x0b\x03\x00\x00\x00"


def layout(tables):
    """tables: (offset, bytes) in memory from MEM_BASE; returns the memory."""
    end = max(off + len(t) for off, t in tables)
    mem = bytearray(end)
    for off, t in tables:
        mem[off:off + len(t)] = t
    return bytes(mem)


def acpi_seeds():
    a = lambda off: MEM_BASE + off
    # No RSDP from the loader: found by the scan at 0xe0000, RSDT, FADT 1.0
    # style, DSDT with Name(_S5_, Package(){5, 5, 0, 0}).
    mem = layout([(0x000, rsdp(0, rsdt=a(0x40))),
                  (0x040, sdt(b"RSDT", u32(a(0x80)))),
                  (0x080, fadt(a(0x180))),
                  (0x180, sdt(b"DSDT", S5_PLAIN))])
    write("acpi", "scan-rsdt", u8(4 | 0) + u16(0) + b"\0" * 36 + mem)
    # ACPI 2.0 RSDP copy, XSDT naming an APIC table, the FADT and an SSDT;
    # \_S5_ only in the SSDT; PM1a/PM1b through the X_ generic addresses.
    mem = layout([(0x000, sdt(b"XSDT", u64(a(0x300)) + u64(a(0x80)) + u64(a(0x200)))),
                  (0x080, fadt(0, pm1a=0, x_dsdt=a(0x180), x_pm1a=gas(1, 16, 0x604),
                               x_pm1b=gas(0, 16, 0xfed00000))),
                  (0x180, sdt(b"DSDT", b"\x10\x05\x5c\x00\xa3")),
                  (0x200, sdt(b"SSDT", S5_ROOT_WORD)),
                  (0x300, sdt(b"APIC", u32(0xfee00000) + u32(1)))])
    head = rsdp(2, rsdt=0, xsdt=a(0))
    write("acpi", "xsdt-ssdt", u8(4 | 2 | 8) + u16(0) + head + mem)
    # ACPI 1.0 copy; SCI_EN clear and an SMI_CMD port to hand over with.
    mem = layout([(0x000, sdt(b"RSDT", u32(a(0x40)))),
                  (0x040, fadt(a(0x140), smi=0xb2, enable=0xf1)),
                  (0x140, sdt(b"DSDT", S5_PLAIN))])
    write("acpi", "rsdp1-smi", u8(4 | 1) + u16(0) + rsdp(0, rsdt=a(0)) + b"\0" * 16 + mem)


# ---- MADTs (fuzz_madt.c's format; ACPI 6.4 5.2.12) ----

def madt(entries, lapic=0xfee00000, flags=1):
    return sdt(b"APIC", u32(lapic) + u32(flags) + b"".join(entries), revision=5)


def lapic(uid, apic_id, flags): return u8(0) + u8(8) + u8(uid) + u8(apic_id) + u32(flags)
def io_apic(i, addr, gsi): return u8(1) + u8(12) + u8(i) + u8(0) + u32(addr) + u32(gsi)
def int_override(src, gsi, flags): return u8(2) + u8(10) + u8(0) + u8(src) + u32(gsi) + u16(flags)
def lapic_nmi(uid, flags, lint): return u8(4) + u8(6) + u8(uid) + u16(flags) + u8(lint)
def addr_override(addr): return u8(5) + u8(12) + u16(0) + u64(addr)
def x2apic(apic_id, flags, uid): return u8(9) + u8(16) + u16(0) + u32(apic_id) + u32(flags) + u32(uid)
def x2apic_nmi(flags, uid, lint): return u8(0xa) + u8(12) + u16(flags) + u32(uid) + u8(lint) + b"\0" * 3


def madt_entry(kind, apic_id, flags, pad):
    return u8(kind) + u32(apic_id) + u8(flags) + u8(pad)


def madt_seeds():
    # What QEMU's firmware writes for -smp 2: two local APICs, the I/O APIC,
    # the ISA overrides, one local APIC NMI for all CPUs.
    write("madt", "qemu-smp2", u8(0) + madt(
        [lapic(0, 0, 1), lapic(1, 1, 1), io_apic(0, 0xfec00000, 0),
         int_override(0, 2, 0), int_override(5, 5, 0xd), int_override(9, 9, 0xd),
         int_override(10, 10, 0xd), int_override(11, 11, 0xd), lapic_nmi(0xff, 0, 1)]))
    # x2APIC IDs past 255, one online-capable and one disabled, an address
    # override, an x2APIC NMI and a type skiff skips; length and checksum
    # fixed by the harness (bits 1 and 2).
    write("madt", "x2apic-override", u8(6) + madt(
        [lapic(0, 0, 1), x2apic(256, 1, 1), x2apic(257, 2, 2), x2apic(258, 0, 3),
         addr_override(0xfee00000), x2apic_nmi(0, 0xffffffff, 1), u8(0x7f) + u8(4) + u16(0)]))
    # A local APIC entry of length 0 after a good one: refused.
    write("madt", "entry-length-0", u8(6) + madt([lapic(0, 0, 1), u8(0) + u8(0) + b"\0" * 6]))
    # Built by the harness (bit 0): one entry of each kind, padded ones too.
    write("madt", "built-each-kind", u8(1) + u32(0xfee00000) + u32(1) + u8(0) + b"".join(
        madt_entry(k, 0x100 + k, 1 + (k & 1), k % 3) for k in range(9)))


# ---- DMARs (fuzz_dmar.c's format; VT-d chapter 8) ----

def dmar(structs, haw=38, flags=1):
    return sdt(b"DMAR", u8(haw) + u8(flags) + b"\0" * 10 + b"".join(structs))


def dev_scope(typ, bus, path, enum_id=0):
    hops = b"".join(u8(d) + u8(f) for d, f in path)
    return u8(typ) + u8(6 + len(hops)) + u16(0) + u8(enum_id) + u8(bus) + hops


def endpoint(bus, d, f): return dev_scope(1, bus, [(d, f)])


def drhd(base, scopes, flags=0, size=0, segment=0):
    body = b"".join(scopes)
    return u16(0) + u16(16 + len(body)) + u8(flags) + u8(size) + u16(segment) + u64(base) + body


def rmrr(base, limit, scopes, segment=0):
    body = b"".join(scopes)
    return u16(1) + u16(24 + len(body)) + u16(0) + u16(segment) + u64(base) + u64(limit) + body


def bridges(records):
    """The PCI hierarchy fuzz_dmar.c takes off the input's end."""
    return b"".join(u8(b) + u8(d) + u8(f) + u8(sec) + u8(sub)
                    for b, d, f, sec, sub in reversed(records)) + u8(len(records))


def dmar_seeds():
    # QEMU 7.2 q35 with -device intel-iommu: one unit, the I/O APIC on the
    # pseudo bus 0xff, the functions of bus 0 listed one by one.
    write("dmar", "qemu-q35", u8(0) + dmar([drhd(0xfed90000, [
        dev_scope(3, 0xff, [(0, 0)]), endpoint(0, 0, 0), endpoint(0, 1, 0), endpoint(0, 2, 0),
        endpoint(0, 0x1f, 0), endpoint(0, 0x1f, 2), endpoint(0, 0x1f, 3)])]) + bridges([]))
    # A laptop: graphics unit, then the INCLUDE_PCI_ALL one with the I/O
    # APIC and HPET; RMRRs for USB and graphics; an ATSR, an RHSA, a bridge
    # sub-hierarchy through 00:1c.0 (buses 2-4) and a two-hop path.
    atsr = u16(2) + u16(16) + u8(1) + u8(0) + u16(0) + dev_scope(2, 0, [(0x1c, 0)])
    rhsa = u16(3) + u16(20) + u32(0) + u64(0xfed91000) + u32(0)
    write("dmar", "laptop", u8(0) + dmar([
        drhd(0xfed90000, [endpoint(0, 2, 0)]),
        drhd(0xfed92000, [dev_scope(2, 0, [(0x1c, 0)]), dev_scope(1, 0, [(0x1d, 0), (0, 0)])],
             size=1),
        drhd(0xfed91000, [dev_scope(3, 0xf0, [(0x1f, 0)], 2), dev_scope(4, 0, [(0x1f, 0)])],
             flags=1),
        rmrr(0x79f3c000, 0x79f5bfff, [endpoint(0, 0x14, 0)]),
        rmrr(0x7b800000, 0x7fffffff, [endpoint(0, 2, 0)]), atsr, rhsa])
        + bridges([(0, 0x1c, 0, 2, 4), (0, 0x1d, 0, 5, 5)]))
    # An RMRR whose limit is not a page's last byte: refused (length and
    # checksum fixed by the harness, bits 1 and 2).
    write("dmar", "rmrr-limit", u8(6) + dmar([
        drhd(0xfed90000, [endpoint(0, 2, 0)], flags=1),
        rmrr(0x7a000000, 0x7a000ffe, [endpoint(0, 0x14, 0)])]) + bridges([]))
    # Built by the harness (bit 0): one structure of each kind.
    each = b"".join([
        u8(0) + u8(0) + u8(1) + u8(0) + u8(2) + u8(1) + u8(0) + u8(0) + u8(1) + u8(2) + u8(0),
        u8(0) + u8(1) + u8(0) + u8(0) + u8(1) + u8(2) + u8(0) + u8(0) + u8(0) + u8(0x1c) + u8(0),
        u8(1) + u32(0x79f3c) + u8(31) + u8(0) + u8(1) + u8(1) + u8(0) + u8(0) + u8(0) + u8(0x14)
        + u8(0),
        u8(2) + u8(1) + u16(0) + u8(0), u8(3) + u64(0xfed90000) + u32(1),
        u8(4) + u8(1) + b"UAR1", u8(5) + u8(1) + u16(0) + u8(0), u8(6) + u16(7) + u8(4) + u32(0)])
    write("dmar", "built-each-kind", u8(1) + u8(38) + u8(1) + each
          + bridges([(0, 0x1c, 0, 2, 4)]))


# ---- IVRSs (fuzz_ivrs.c's format; AMD IOMMU spec 48882 5.2) ----

QEMU_IVINFO = 1 | 40 << 8          # EFRSup, 40-bit physical addresses


def ivrs(blocks, ivinfo=QEMU_IVINFO, revision=1):
    return sdt(b"IVRS", u32(ivinfo) + b"\0" * 8 + b"".join(blocks), revision=revision)


def ivhd_dev4(t, devid, data=0): return u8(t) + u16(devid) + u8(data)
def ivhd_dev8(t, devid, more, data=0): return ivhd_dev4(t, devid, data) + u32(more)


def ivhd_hid(devid, uid):
    return ivhd_dev4(0xf0, devid) + b"AMDI0020" + u64(0) + u8(2) + u8(len(uid)) + uid


def ivhd(typ, base, entries, devid=0x0018, cap=0x40, flags=0, segment=0, features=0, efr=0):
    body = b"".join(entries)
    size = 24 if typ == 0x10 else 40
    h = (u8(typ) + u8(flags) + u16(size + len(body)) + u16(devid) + u16(cap) + u64(base)
         + u16(segment) + u16(0) + u32(features))
    if typ != 0x10:
        h += u64(efr) + u64(0)
    return h + body


def ivmd(typ, flags, start, length, devid=0, aux=0):
    return (u8(typ) + u8(flags) + u16(32) + u16(devid) + u16(aux) + u64(0) + u64(start)
            + u64(length))


# QEMU's amd-iommu: bus 0 as one range, its I/O APIC at 00:14.0 (handle 0).
QEMU_ENTRIES = [ivhd_dev4(3, 0x0000), ivhd_dev4(4, 0x00ff),
                ivhd_dev8(0x48, 0, 0x00a0 << 8 | 1 << 24)]


def ivrs_seeds():
    # QEMU's -device amd-iommu on q35 before 8.1: one IVHD of type 10h.
    qemu10 = ivhd(0x10, 0xfed80000, QEMU_ENTRIES, flags=0xd1, features=0x44)
    write("ivrs", "qemu", u8(0) + ivrs([qemu10]))
    # QEMU 8.1 and later: the same IOMMU again in an 11h block.
    write("ivrs", "qemu-10h-11h", u8(0) + ivrs(
        [qemu10, ivhd(0x11, 0xfed80000, QEMU_ENTRIES, flags=0x11, efr=0x29d3)], revision=2))
    # Two IOMMUs, each in 10h and 40h blocks; ACPI HID devices, aliases,
    # a reserved entry; unity and exclusion ranges for all, one and a
    # range of devices.
    a = [ivhd_dev4(3, 0x0000), ivhd_dev4(4, 0x3fff), ivhd_dev8(0x48, 0x00a0, 0x00a0 << 8 | 1 << 24)]
    b = [ivhd_dev8(0x43, 0x4100, 0x4000 << 8), ivhd_dev4(4, 0x41ff), ivhd_dev4(2, 0x4300),
         ivhd_dev4(0x05, 0x4400)]
    write("ivrs", "two-iommus-ivmd", u8(0) + ivrs([
        ivhd(0x10, 0xfd200000, a, devid=0x0002),
        ivhd(0x10, 0xfd300000, b, devid=0x4002),
        ivhd(0x40, 0xfd200000, a + [ivhd_hid(0x00a5, b"0")], devid=0x0002, efr=0x246577efa2254afa),
        ivhd(0x40, 0xfd300000, b, devid=0x4002, efr=0x246577efa2254afa),
        ivmd(0x20, 0x7, 0x9d000000, 0x100000),
        ivmd(0x21, 0x8, 0xa0000000, 0x2000, devid=0x00a0),
        ivmd(0x22, 0x3, 0x7a000800, 0x1000, devid=0x0100, aux=0x01ff)], revision=2))
    # An IVMD of no bytes: refused (length and checksum fixed by the
    # harness, bits 1 and 2).
    write("ivrs", "ivmd-empty", u8(6) + ivrs([qemu10, ivmd(0x21, 0x7, 0x9d000000, 0)]))
    # Built by the harness (bit 0): one IOMMU in 10h and 11h blocks,
    # another in 40h; an IVMD and a reserved block.
    each = b"".join([
        u8(0) + u8(0) + u8(3) + u8(0) + u8(0xd1) + u16(0x0205) + u32(0x44)
        + u8(2) + u8(0) + u16(0) + u8(0xff)
        + u8(1) + u8(3) + u16(0) + u32(0x00a0 << 8 | 1 << 24)
        + u8(4) + u8(0) + u16(0x10),
        u8(0) + u8(0) + u8(2) + u8(1) + u8(0x11) + u16(0) + u32(0) + u64(0x29d3) + u64(0)
        + u8(3) + u8(0) + u16(0xa5) + u8(9) + b"AMDI0020" + u64(0) + u8(2) + b"012345678"
        + u8(0) + u8(1) + u16(0),
        u8(0) + u8(1) + u8(1) + u8(2) + u8(0) + u16(0) + u32(0) + u64(0) + u64(0)
        + u8(2) + u8(2) + u16(0x100) + u8(0x10) + u32(0),
        u8(1) + u8(2) + u8(0x7) + u16(0x10) + u16(0x20) + u64(0x9d000800) + u32(0x1000) + u64(0),
        u8(2) + u8(0x50) + u8(4) + u8(0) + b"abcd"])
    write("ivrs", "built-each-kind", u8(1) + u32(QEMU_IVINFO) + each)


# ---- control-register exits (fuzz_cr_access.c's format) ----

CR_SEL = {0: 0, 3: 1, 4: 2, 8: 3}
MOV_TO, MOV_FROM, CLTS, LMSW = range(4)
REAL, PROTECTED, COMPAT, LONG64 = range(4)
CR0_PE, CR0_NE, CR0_ET, CR0_WP, CR0_PG = 1, 0x20, 0x10, 0x10000, 0x80000000
CR4_PAE, CR4_PGE, CR4_OSFXSR, CR4_PCIDE = 0x20, 0x80, 0x200, 0x20000


def cr_state(caps=0, mode=PROTECTED, flags=0, cr0=CR0_ET | CR0_NE, cr4=0, cr3=0x1000,
             rip=0x100000, rsp=0x8000, seed=0x0123456789abcdef):
    return (u8(caps) + u8(mode | flags) + u32(cr0) + u32(cr4) + u64(cr3) + u64(rip)
            + u64(rsp) + u64(seed))


def cr_exit(typ, cr=0, reg=0, value=0, length=3, ctl=0, wide=False):
    """An exit with a built qualification; value goes into the register
    (a u32, or a u64 when wide)."""
    how = typ | CR_SEL[cr] << 2 | (0x20 if wide else 0)
    return (u8(how) + u8(reg) + (u64(value) if wide else u32(value))
            + u8((length - 1) | ctl))


def cr_access_seeds():
    # A 32-bit kernel's boot: NE on, PAE and PGE, CR3, paging, CLTS.
    write("cr_access", "boot-32bit-paging", cr_state() + b"".join([
        cr_exit(MOV_TO, 0, 0, CR0_PE | CR0_ET | CR0_NE),
        cr_exit(MOV_TO, 4, 1, CR4_PAE | CR4_PGE | CR4_OSFXSR),
        cr_exit(MOV_TO, 3, 2, 0x9000),
        cr_exit(MOV_TO, 0, 0, CR0_PG | CR0_WP | CR0_PE | CR0_ET | CR0_NE),
        cr_exit(MOV_FROM, 3, 3, 0), cr_exit(CLTS, length=2)]))
    # IA-32e activation (11.8.5): PAE, LME by WRMSR (ctl bit 7), PG; far
    # jump to 64-bit code (ctl bit 6); then 64-bit CR3 and the VMXE #GP.
    write("cr_access", "long-mode-entry", cr_state(caps=0x10, mode=PROTECTED) + b"".join([
        cr_exit(MOV_TO, 4, 0, CR4_PAE),
        cr_exit(MOV_TO, 0, 0, CR0_PG | CR0_PE | CR0_ET | CR0_NE, ctl=0x80),
        cr_exit(MOV_TO, 3, 1, 0x1_2345_6000, wide=True, ctl=0x40),
        cr_exit(MOV_FROM, 3, 4, 0),
        cr_exit(MOV_TO, 4, 2, CR4_PAE | 0x2000),
        cr_exit(LMSW, value=0xe, length=4)]))
    # Real mode: LMSW into protected mode, with STI blocking to end.
    write("cr_access", "real-mode-lmsw", cr_state(mode=REAL, cr0=CR0_ET, rip=0xfff0) + b"".join([
        cr_exit(LMSW, value=0x1, ctl=0x10), cr_exit(MOV_TO, 0, 0, CR0_PG | CR0_ET)]))
    # Bochs's CR4 and a raw FIXED pair; the exits CPUs never make.
    write("cr_access", "bochs-caps-uncaught", cr_state(caps=0x4 | 0x10, mode=LONG64, flags=0x10,
                                                     cr0=CR0_PG | CR0_PE | CR0_NE, cr4=CR4_PAE)
          + cr_exit(MOV_TO, 0, 5, CR0_PG | CR0_PE, wide=True) + cr_exit(MOV_TO, 8, 0, 0))


# ---- MOV instructions of MMIO accesses (fuzz_mmio_insn.c's format) ----

def mmio_insn_seeds():
    # The bytes are the instruction, decoded in each mode (GNU as's
    # encodings); the harness also reads them as a recipe of its own.
    write("mmio_insn", "store-imm-sib-15", bytes([0x26, 0x2e, 0x64, 0x48, 0xc7, 0x84, 0x88, 0x78,
                                                  0x56, 0x34, 0x12, 0x00, 0x00, 0x00, 0x80]))
    write("mmio_insn", "store-rip-relative", bytes([0x89, 0x05, 0x00, 0x10, 0x00, 0x00]))
    write("mmio_insn", "store-rex-wrxb", bytes([0x4f, 0x89, 0x8c, 0xf5, 0x78, 0x56, 0x34, 0x12]))
    write("mmio_insn", "store-high-byte", bytes([0x88, 0x7b, 0x10]))
    write("mmio_insn", "movzx-rex", bytes([0x66, 0x4c, 0x0f, 0xb6, 0x1f]))
    write("mmio_insn", "moffs", bytes([0x48, 0xa3, 0x00, 0x00, 0xd0, 0xfe, 0, 0, 0, 0]))
    write("mmio_insn", "code16-addr32-imm32", bytes([0x67, 0x66, 0xc7, 0x46, 0x10, 0xef, 0xbe, 0xad, 0xde]))


# ---- PCI configuration writes (fuzz_pci_filter.c's format) ----

T_HOST, T_PIIX4_PM, T_ICH9_LPC, T_DEVICE, T_BRIDGE = 0, 1, 2, 3, 4


def pci_fn(bus, dev, fn, template, slots, rom, values, windows=None):
    """slots: one byte per BAR slot read (kind in bits 1:0, size in 7:2;
    a 64-bit BAR takes the next slot without a byte); rom: (present,
    size byte); values: the first value of every BAR entry and the ROM."""
    b = u8(bus) + u8(dev) + u8(fn) + u8(template) + u8(0)
    b += b"".join(u8(x) for x in slots) + u8(rom[0]) + u8(rom[1])
    b += b"".join(u32(v) for v in values)
    if windows is not None:
        pref64, d20, d24, d28, d2c = windows
        b += u8(pref64) + u32(d20) + u32(d24) + u32(d28) + u32(d2c)
    return b


def pci_write(sel, reg, width, value, extra=b""):
    return u8(sel) + u8(reg) + u8(width) + u32(value) + extra


def pci_filter_seeds():
    # Bochs's i440FX with a PCI VGA, a NIC with a 64-bit BAR and a bridge.
    fns = [
        pci_fn(0, 0, 0, T_HOST, [0] * 6, (0, 0), [0] * 7),
        pci_fn(0, 1, 3, T_PIIX4_PM, [0] * 6, (0, 0), [0] * 7),
        pci_fn(0, 2, 0, T_DEVICE, [2 | 20 << 2] + [0] * 5, (1, 5),
               [0xc0000000] + [0] * 5 + [0xc1000000]),
        pci_fn(0, 3, 0, T_DEVICE, [3 | 16 << 2, 1 | 3 << 2, 0, 0, 0], (0, 0),
               [0xe0000000, 0, 0xd000, 0, 0, 0, 0]),
        pci_fn(0, 0x1e, 0, T_BRIDGE, [0, 0], (0, 0), [0, 0, 0],
               (1, 0xe0f0e000, 0x0000fff0, 0, 0)),
        pci_fn(0, 0x1f, 0, T_ICH9_LPC, [0] * 6, (0, 0), [0] * 7),
    ]
    machine = u8(len(fns) - 1) + b"".join(fns)
    machine += u8(2) + b"".join(u64(base) + u8(0) + u32(size) for base, size in
                                [(0x9000, 0x1000), (0x1000000, 0x78000), (0x1e000000, 0x1000000)])
    machine += u8(3) + u16(0x3f8) + u8(7) + u16(0xcf8) + u8(7) + u16(0xb004) + u8(1)
    machine += u8(1) + u8(0x1f) + u8(0) + u8(0xa9) + u8(6)
    writes = [
        pci_write(2, 0x10, 2, 0x01000000), pci_write(2, 0x13, 0, 0x01),
        pci_write(2, 0x10, 2, 0xffffffff), pci_write(2, 0x10, 2, 0xc0000000),
        pci_write(2, 0x30, 2, 0x1e000001),
        pci_write(3, 0x14, 2, 0), pci_write(3, 0x10, 2, 0x1e000000),
        pci_write(3, 0x18, 2, 0x3f1), pci_write(0, 0x59, 0, 0x33),
        pci_write(1, 0x40, 2, 0xe001), pci_write(5, 0xf0, 2, 0xfed1c001),
        pci_write(4, 0x20, 2, 0x1e001e00), pci_write(4, 0x24, 2, 0x1e011e01),
        pci_write(4, 0x28, 2, 0), pci_write(5, 0xa9, 0, 6),
        pci_write(0xf0, 0x10, 2, 0, u8(0) + u8(5) + u8(0) + u32(0)),
        pci_write(2, 0x10, 0x82, 0, u8(1)),
    ]
    write("pci_filter", "bochs-like", machine + b"".join(writes))
    # One device, skiff's image at 16 MiB, word writes walking its BAR.
    one = u8(0) + pci_fn(0, 2, 0, T_DEVICE, [2 | 20 << 2] + [0] * 5, (0, 0),
                         [0xc0000000] + [0] * 6)
    one += u8(0) + u64(0x1000000) + u8(0) + u32(0x100000) + u8(0) + u8(0) * 5
    write("pci_filter", "word-writes", one + b"".join(
        pci_write(0, 0x10 + k, 1, v) for k in (0, 2) for v in (0x0100, 0x0200, 0xffff)))


# ---- the guest's paging (fuzz_guest_walk.c's format) ----

def guest_walk_seeds():
    cr0_pg, cr4_pae, cr4_pse, efer_lma = 1 << 31, 1 << 5, 1 << 4, 1 << 10
    page = 4096

    def ram(entries):
        b = bytearray(16 * page)
        for addr, value, width in entries:
            b[addr:addr + width] = value.to_bytes(width, "little")
        return bytes(b)

    def seed(name, cr0, cr3, cr4, efer, lin, n, mem):
        write("guest_walk", name, struct.pack("<QQQQQB", cr0, cr3, cr4, efer, lin, n) + mem)

    # No paging; 32-bit with a 4 MiB page and a 4 KiB one; PAE; 4 levels
    # with a fetch across two pages.
    seed("no-paging", 0, 0, 0, 0, 0x1ff8, 15, ram([]))
    seed("32-bit", cr0_pg, 0x1000, cr4_pse, 0, 0x00401ffa, 15,
         ram([(0x1000 + 1 * 4, 0x2000 | 1, 4), (0x2000 + 1 * 4, 0x3000 | 1, 4),
              (0x2000 + 2 * 4, 0x5000 | 1, 4)]))
    seed("pae", cr0_pg, 0x1020, cr4_pae, 0, 0x40201000, 8,
         ram([(0x1020 + 8, 0x2000 | 1, 8), (0x2000 + 8, 0x3000 | 1, 8),
              (0x3000 + 8, 0x4000 | 1, 8)]))
    seed("4-level", cr0_pg, 0x1000, cr4_pae, efer_lma, 0x0000008040201ff9, 15,
         ram([(0x1000 + 8, 0x2000 | 3, 8), (0x2000 + 8, 0x3000 | 3, 8),
              (0x3000 + 8, 0x4000 | 3, 8), (0x4000 + 8, 0x6000 | 3, 8),
              (0x4000 + 16, 0x12000 | 3, 8)]))


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else None
    if not os.path.isdir(OUT):
        sys.exit("run from the repository's top")
    bootinfo_seeds()
    elf_seeds(build)
    hypercall_seeds()
    ports_seeds()
    mb2_guest_seeds()
    mb1_guest_seeds(build)
    cmdline_seeds()
    acpi_seeds()
    madt_seeds()
    dmar_seeds()
    ivrs_seeds()
    cr_access_seeds()
    mmio_insn_seeds()
    guest_walk_seeds()
    pci_filter_seeds()
    linux_boot_seeds()
    pvh_seeds()


if __name__ == "__main__":
    main()
