/*
 * Framebuffer text console.  Pixels are written, never read: the cell array
 * in struct fbcon remembers what the screen shows, so scrolling redraws only
 * the cells whose character changes.
 */
#include <stdbool.h>
#include <stddef.h>

#include "drivers/console.h"
#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* VGA's light grey on black, as 8-bit channel levels. */
#define FBCON_FG_LEVEL	0xaa
#define FBCON_BG_LEVEL	0x00
#define FBCON_MAX_CHANNEL_BITS 16

/* An 8-bit level scaled to a channel of size bits, placed at pos. */
static uint32_t fbcon_channel(uint32_t level, uint8_t pos, uint8_t size)
{
	uint32_t max = (1u << size) - 1;

	return ((level * max + 127) / 255) << pos;
}

static uint32_t fbcon_grey(const struct framebuffer_info *fb, uint32_t level)
{
	return fbcon_channel(level, fb->red_pos, fb->red_size) |
	       fbcon_channel(level, fb->green_pos, fb->green_size) |
	       fbcon_channel(level, fb->blue_pos, fb->blue_size);
}

static bool fbcon_channel_fits(uint8_t pos, uint8_t size, uint8_t bpp)
{
	return size >= 1 && size <= FBCON_MAX_CHANNEL_BITS &&
	       (uint32_t)pos + size <= bpp;
}

/* 16- and 32-bit pixels are stored whole, so they must be aligned. */
static uint32_t fbcon_alignment(uint32_t bytes_pp)
{
	return bytes_pp == 3 ? 1 : bytes_pp;
}

static int fbcon_check(const void *pixels, const struct framebuffer_info *fb)
{
	uint32_t bytes = fb->bpp / 8, align = fbcon_alignment(bytes);

	if (fb->kind != FB_RGB) {
		kprintf("fbcon: framebuffer kind %d is not direct RGB\n", (int)fb->kind);
		return -EINVAL;
	}
	if (fb->bpp != 16 && fb->bpp != 24 && fb->bpp != 32) {
		kprintf("fbcon: %u bits per pixel not supported (16, 24 or 32)\n",
			(unsigned)fb->bpp);
		return -ENOTSUP;
	}
	if (!pixels || fb->width < FONT_WIDTH || fb->height < FONT_HEIGHT ||
	    fb->pitch < (uint64_t)fb->width * bytes || fb->pitch % align ||
	    (uintptr_t)pixels % align) {
		kprintf("fbcon: unusable geometry %ux%u, pitch %u, at %p\n",
			fb->width, fb->height, fb->pitch, pixels);
		return -EINVAL;
	}
	if (!fbcon_channel_fits(fb->red_pos, fb->red_size, fb->bpp) ||
	    !fbcon_channel_fits(fb->green_pos, fb->green_size, fb->bpp) ||
	    !fbcon_channel_fits(fb->blue_pos, fb->blue_size, fb->bpp)) {
		kprintf("fbcon: colour channels do not fit %u bits per pixel\n",
			(unsigned)fb->bpp);
		return -EINVAL;
	}
	return 0;
}

static void fbcon_put_pixel(uint8_t *p, uint32_t bytes_pp, uint32_t value)
{
	switch (bytes_pp) {
	case 4:
		*(uint32_t *)p = value;
		break;
	case 2:
		*(uint16_t *)p = (uint16_t)value;
		break;
	default:
		p[0] = (uint8_t)value;
		p[1] = (uint8_t)(value >> 8);
		p[2] = (uint8_t)(value >> 16);
		break;
	}
}

static void fbcon_draw_cell(struct fbcon *fc, uint32_t col, uint32_t row, char c)
{
	const uint8_t *glyph = font_glyph((unsigned char)c);
	uint8_t *line = fc->pixels + (size_t)row * FONT_HEIGHT * fc->pitch +
			(size_t)col * FONT_WIDTH * fc->bytes_pp;

	for (uint32_t y = 0; y < FONT_HEIGHT; y++, line += fc->pitch) {
		for (uint32_t x = 0; x < FONT_WIDTH; x++) {
			bool lit = glyph[y] & (0x80u >> x);

			fbcon_put_pixel(line + x * fc->bytes_pp, fc->bytes_pp,
					lit ? fc->fg : fc->bg);
		}
	}
	fc->cells[row][col] = c;
}

static void fbcon_set_cell(struct fbcon *fc, uint32_t col, uint32_t row, char c)
{
	if (fc->cells[row][col] != c)
		fbcon_draw_cell(fc, col, row, c);
}

/* Blanks every pixel, including margins no whole cell covers. */
static void fbcon_clear(struct fbcon *fc, uint32_t width, uint32_t height)
{
	uint8_t *line = fc->pixels;

	for (uint32_t y = 0; y < height; y++, line += fc->pitch)
		for (uint32_t x = 0; x < width; x++)
			fbcon_put_pixel(line + x * fc->bytes_pp, fc->bytes_pp, fc->bg);
	memset(fc->cells, ' ', sizeof(fc->cells));
}

static uint32_t fbcon_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

int fbcon_setup(struct fbcon *fc, void *pixels, const struct framebuffer_info *fb)
{
	int err = fbcon_check(pixels, fb);

	if (err)
		return err;
	fc->pixels = pixels;
	fc->pitch = fb->pitch;
	fc->bytes_pp = fb->bpp / 8;
	fc->fg = fbcon_grey(fb, FBCON_FG_LEVEL);
	fc->bg = fbcon_grey(fb, FBCON_BG_LEVEL);
	fc->cols = fbcon_min(fb->width / FONT_WIDTH, FBCON_MAX_COLS);
	fc->rows = fbcon_min(fb->height / FONT_HEIGHT, FBCON_MAX_ROWS);
	fc->col = 0;
	fc->row = 0;
	fbcon_clear(fc, fb->width, fb->height);
	return 0;
}

static void fbcon_scroll(struct fbcon *fc)
{
	for (uint32_t row = 0; row + 1 < fc->rows; row++)
		for (uint32_t col = 0; col < fc->cols; col++)
			fbcon_set_cell(fc, col, row, fc->cells[row + 1][col]);
	for (uint32_t col = 0; col < fc->cols; col++)
		fbcon_set_cell(fc, col, fc->rows - 1, ' ');
}

static void fbcon_newline(struct fbcon *fc)
{
	fc->col = 0;
	if (fc->row + 1 < fc->rows)
		fc->row++;
	else
		fbcon_scroll(fc);
}

void fbcon_putc(struct fbcon *fc, char c)
{
	switch (c) {
	case '\n':
		fbcon_newline(fc);
		return;
	case '\r':
		fc->col = 0;
		return;
	case '\t':
		fc->col = fbcon_min((fc->col / FBCON_TAB + 1) * FBCON_TAB, fc->cols);
		return;
	case '\b':
		if (fc->col > 0)
			fc->col--;
		return;
	}
	/* Wrap only when another character arrives, so a line that exactly
	 * fills the screen's width and then ends in '\n' leaves no blank line. */
	if (fc->col == fc->cols)
		fbcon_newline(fc);
	fbcon_set_cell(fc, fc->col, fc->row, c);
	fc->col++;
}

/* ---- the kernel's one framebuffer console ---- */

static struct fbcon fbcon_screen;

static void fbcon_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++)
		fbcon_putc(&fbcon_screen, s[i]);
}

static struct console fbcon_console = {
	.name = "framebuffer",
	.write = fbcon_console_write,
};

int fbcon_init(const struct framebuffer_info *fb)
{
	static bool registered;
	int err = fbcon_setup(&fbcon_screen, (void *)(uintptr_t)fb->addr, fb);

	if (err)
		return err;
	if (!registered)
		console_register(&fbcon_console);
	registered = true;
	return 0;
}
