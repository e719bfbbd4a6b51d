/*
 * Guest RAM for the boot-information harnesses (fuzz_mb2_guest.c,
 * fuzz_mb1_guest.c): a host buffer at guest-physical 0 with a hole, whose
 * margins and hole are poisoned so that a stray write stops at once, and
 * whose bytes start as the canary FILL:
 *   0x00000 .. 0x01000   no RAM
 *   0x01000 .. 0x09000   RAM
 *   0x09000 .. 0x0a000   hole (skiff's)
 *   0x0a000 .. 0x30000   RAM
 *   0x30000 .. 0x31000   no RAM
 *   4 GiB   .. +1 MiB    RAM with no host memory: never a place, since the
 *                        guest gets its boot information's address in 32 bits
 * A header of static definitions, included by one harness each.
 */
#ifndef SKIFF_FUZZ_GUEST_WINDOW_H
#define SKIFF_FUZZ_GUEST_WINDOW_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "mm/range.h"
#include "vm/guest_mem.h"

#define RAM_A_BASE	0x01000ull
#define RAM_A_END	0x09000ull
#define RAM_B_BASE	0x0a000ull
#define RAM_B_END	0x30000ull
#define WIN_SIZE	0x31000ull
#define HIGH_BASE	(1ull << 32)
#define FILL		0x5a

static const struct phys_range ram[] = {
	{ RAM_A_BASE, RAM_A_END }, { RAM_B_BASE, RAM_B_END }, { HIGH_BASE, HIGH_BASE + (1ull << 20) },
};
static const struct phys_range not_ram[] = {
	{ 0, RAM_A_BASE }, { RAM_A_END, RAM_B_BASE }, { RAM_B_END, WIN_SIZE },
};
static uint8_t *win;		/* gpa 0 */
static struct guest_mem mem;

static void poison_not_ram(bool on)
{
	for (size_t i = 0; i < sizeof(not_ram) / sizeof(not_ram[0]); i++) {
		if (on)
			fuzz_poison(win + not_ram[i].base, range_size(not_ram[i]));
		else
			fuzz_unpoison(win + not_ram[i].base, range_size(not_ram[i]));
	}
}

static void setup_once(void)
{
	if (win)
		return;
	win = malloc(WIN_SIZE);
	fuzz_check(win != NULL, "out of memory");
	memset(win, FILL, WIN_SIZE);
	poison_not_ram(true);
	mem = (struct guest_mem){ ram, sizeof(ram) / sizeof(ram[0]), (uintptr_t)win };
}

#endif
