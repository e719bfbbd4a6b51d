/*
 * skiff's console font: 8x16 cells, one byte per pixel row, bit 7 the
 * leftmost pixel.  Printable ASCII has its own glyph; every other byte is
 * drawn as a hollow box.  The screen consoles draw with it and tools/fbtext
 * reads screendumps back with it, so a glyph change is seen by both.
 */
#ifndef SKIFF_DRIVERS_FONT_H
#define SKIFF_DRIVERS_FONT_H

#include <stdint.h>

#define FONT_WIDTH	8
#define FONT_HEIGHT	16
#define FONT_FIRST	0x20	/* ' ' */
#define FONT_LAST	0x7e	/* '~' */
#define FONT_GLYPHS	(FONT_LAST - FONT_FIRST + 1)

extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT];
extern const uint8_t font_box[FONT_HEIGHT];

/* The rows to draw for byte c: its glyph, or the box outside 0x20..0x7e. */
const uint8_t *font_glyph(unsigned char c);

#endif
