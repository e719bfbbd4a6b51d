/*
 * Text console on a linear RGB framebuffer (the UEFI GOP screen GRUB hands
 * over): light grey characters from the 8x16 font on black.
 *
 * The core (fbcon_setup, fbcon_putc) only touches the memory it is given, so
 * host tests run it on a plain buffer; fbcon_init is the kernel's entry.
 */
#ifndef SKIFF_DRIVERS_FBCON_H
#define SKIFF_DRIVERS_FBCON_H

#include <stdint.h>

#include "bootinfo.h"

/* Larger screens use the top-left 256x128 cells (2048x2048 pixels). */
#define FBCON_MAX_COLS	256
#define FBCON_MAX_ROWS	128
#define FBCON_TAB	8

struct fbcon {
	uint8_t *pixels;		/* top-left pixel */
	uint32_t pitch;			/* bytes from one pixel row to the next */
	uint32_t bytes_pp;		/* 2, 3 or 4 */
	uint32_t fg, bg;		/* pixel values in the screen's layout */
	uint32_t cols, rows;		/* text cells on screen */
	uint32_t col, row;		/* cursor; col == cols: wrap pending */
	/* What each cell shows now, so scrolling redraws only changed cells
	 * and never reads the (uncached, slow) framebuffer back. */
	char cells[FBCON_MAX_ROWS][FBCON_MAX_COLS];
};

/*
 * Prepares fc to draw on the framebuffer fb describes, whose first pixel is
 * at pixels, and clears the screen.  Returns 0, or -EINVAL (not an RGB
 * framebuffer, or impossible geometry or colour layout) or -ENOTSUP (a depth
 * other than 16, 24 or 32 bits), each reported through kprintf().
 */
int fbcon_setup(struct fbcon *fc, void *pixels, const struct framebuffer_info *fb);

/* Draws c at the cursor and advances it.  '\n' starts the next line, '\r'
 * returns to its start, '\t' moves to the next multiple of FBCON_TAB, '\b'
 * steps back without erasing; a full line wraps and the last line scrolls. */
void fbcon_putc(struct fbcon *fc, char c);

/* Sets up the screen at fb->addr (skiff maps physical memory 1:1) and
 * registers it as the console "framebuffer".  Returns fbcon_setup's result. */
int fbcon_init(const struct framebuffer_info *fb);

#endif
