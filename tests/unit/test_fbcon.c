/*
 * The screen consoles: pixels and cells land where and how they should,
 * control characters, wrapping and scrolling behave, unusable screens are
 * refused, and tools/fbtext reads back what the consoles drew.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "drivers/console.h"
#include "drivers/fbcon.h"
#include "drivers/font.h"
#include "drivers/vgacon.h"
#include "lib/errno.h"

#define FBTEXT_NO_MAIN
#include "../../tools/fbtext.c"

/* ---- stand-in for console.c: remembers what registered ---- */

static struct console *registered[4];
static int registered_count;

void console_register(struct console *con)
{
	assert_true(registered_count < 4);
	registered[registered_count++] = con;
}

/* ---- a small 32 bpp screen: 12 x 3 cells, a margin, a padded pitch ---- */

#define COLS		12
#define ROWS		3
#define FB_W		(COLS * FONT_WIDTH + 4)
#define FB_H		(ROWS * FONT_HEIGHT + 2)
#define FB_PITCH	(FB_W * 4 + 16)
#define JUNK		0x5a

/* Red in the top byte, blue low: not the usual xRGB order. */
static const struct framebuffer_info fb32 = {
	.kind = FB_RGB, .pitch = FB_PITCH, .width = FB_W, .height = FB_H, .bpp = 32,
	.red_pos = 24, .red_size = 8, .green_pos = 16, .green_size = 8,
	.blue_pos = 8, .blue_size = 8,
};

static uint32_t pixels[FB_PITCH / 4 * FB_H];
static struct fbcon fc;

static void screen32(void)
{
	memset(pixels, JUNK, sizeof(pixels));
	assert_int_equal(fbcon_setup(&fc, pixels, &fb32), 0);
}

static void fb_puts(struct fbcon *c, const char *s)
{
	while (*s)
		fbcon_putc(c, *s++);
}

/* The pixel value at (x, y), whatever the depth. */
static uint32_t pixel_at(const struct fbcon *c, uint32_t x, uint32_t y)
{
	const uint8_t *p = c->pixels + (size_t)y * c->pitch + (size_t)x * c->bytes_pp;
	uint32_t v = 0;

	for (uint32_t i = 0; i < c->bytes_pp; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* Every pixel of cell (col, row) is fg where ch's glyph is lit, else bg. */
static void assert_cell(const struct fbcon *c, uint32_t col, uint32_t row, char ch)
{
	const uint8_t *glyph = font_glyph((unsigned char)ch);

	for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
		for (uint32_t x = 0; x < FONT_WIDTH; x++) {
			uint32_t want = glyph[y] & (0x80u >> x) ? c->fg : c->bg;
			uint32_t got = pixel_at(c, col * FONT_WIDTH + x, row * FONT_HEIGHT + y);

			if (got != want)
				fail_msg("cell (%u,%u) '%c': pixel (%u,%u) is %#x, want %#x",
					 col, row, ch, x, y, got, want);
		}
	}
}

/* Row `row` shows text, then blanks to the end of the line. */
static void assert_row(const struct fbcon *c, uint32_t row, const char *text)
{
	size_t len = strlen(text);

	for (uint32_t col = 0; col < c->cols; col++)
		assert_cell(c, col, row, col < len ? text[col] : ' ');
}

/* ---- the font ---- */

static void test_font_glyphs_distinct_and_within_metrics(void **state)
{
	(void)state;
	for (int g = 0; g < FONT_GLYPHS; g++) {
		int lit = 0;

		for (int y = 0; y < FONT_HEIGHT; y++)
			lit |= font_glyphs[g][y];
		if ((g == 0) == (lit != 0))
			fail_msg("glyph '%c' is %s", FONT_FIRST + g, lit ? "not blank" : "blank");
		/* Rows 0, 1 and 15 and columns 6, 7 are the space between characters. */
		assert_int_equal(font_glyphs[g][0] | font_glyphs[g][1] | font_glyphs[g][15], 0);
		assert_int_equal(lit & 0x03, 0);
		assert_memory_not_equal(font_glyphs[g], font_box, FONT_HEIGHT);
		for (int h = g + 1; h < FONT_GLYPHS; h++)
			if (memcmp(font_glyphs[g], font_glyphs[h], FONT_HEIGHT) == 0)
				fail_msg("'%c' and '%c' look alike", FONT_FIRST + g, FONT_FIRST + h);
	}
	assert_ptr_equal(font_glyph('A'), font_glyphs['A' - FONT_FIRST]);
	assert_ptr_equal(font_glyph(0x7f), font_box);
	assert_ptr_equal(font_glyph(0x1f), font_box);
	assert_ptr_equal(font_glyph(0xc3), font_box);
}

/* ---- fbcon: pixels ---- */

static void test_fbcon_setup_clears_screen_not_pitch_padding(void **state)
{
	const uint8_t *bytes = (const uint8_t *)pixels;

	(void)state;
	screen32();
	assert_int_equal(fc.cols, COLS);
	assert_int_equal(fc.rows, ROWS);
	for (uint32_t y = 0; y < FB_H; y++) {
		for (uint32_t x = 0; x < FB_W; x++)
			assert_int_equal(pixel_at(&fc, x, y), 0);
		for (uint32_t b = FB_W * 4; b < FB_PITCH; b++)
			assert_int_equal(bytes[y * FB_PITCH + b], JUNK);
	}
}

static void test_fbcon_char_lands_at_its_pixels_in_light_grey(void **state)
{
	(void)state;
	screen32();
	/* 0xaa in each of red (bits 31-24), green (23-16) and blue (15-8). */
	assert_int_equal(fc.fg, 0xaaaaaa00);
	assert_int_equal(fc.bg, 0);
	fb_puts(&fc, "AT");
	/* 'A' apex: row 3, column 3; 'T' bar: row 3, columns 1-5 of cell 1. */
	assert_int_equal(pixel_at(&fc, 3, 3), 0xaaaaaa00);
	assert_int_equal(pixel_at(&fc, 2, 3), 0);
	assert_int_equal(pixel_at(&fc, 8 + 1, 3), 0xaaaaaa00);
	assert_int_equal(pixel_at(&fc, 8 + 5, 3), 0xaaaaaa00);
	assert_int_equal(pixel_at(&fc, 8 + 6, 3), 0);
	assert_cell(&fc, 0, 0, 'A');
	assert_cell(&fc, 1, 0, 'T');
	assert_row(&fc, 1, "");
	assert_int_equal(fc.col, 2);
}

static void test_fbcon_16_and_24_bpp(void **state)
{
	static uint16_t px16[32 * 16];
	static uint8_t px24[(8 * 3 + 1) * 16];
	struct framebuffer_info rgb565 = {
		.kind = FB_RGB, .pitch = 64, .width = 32, .height = 16, .bpp = 16,
		.red_pos = 11, .red_size = 5, .green_pos = 5, .green_size = 6,
		.blue_pos = 0, .blue_size = 5,
	};
	struct framebuffer_info rgb888 = {
		.kind = FB_RGB, .pitch = 8 * 3 + 1, .width = 8, .height = 16, .bpp = 24,
		.red_pos = 16, .red_size = 8, .green_pos = 8, .green_size = 8,
		.blue_pos = 0, .blue_size = 8,
	};

	(void)state;
	assert_int_equal(fbcon_setup(&fc, px16, &rgb565), 0);
	/* 0xaa scaled: 21 of 31 red and blue, 42 of 63 green. */
	assert_int_equal(fc.fg, (21u << 11) | (42u << 5) | 21u);
	fb_puts(&fc, "g#");
	assert_cell(&fc, 0, 0, 'g');
	assert_cell(&fc, 1, 0, '#');

	assert_int_equal(fbcon_setup(&fc, px24, &rgb888), 0);
	assert_int_equal(fc.fg, 0xaaaaaa);
	fbcon_putc(&fc, '@');
	assert_cell(&fc, 0, 0, '@');
}

static void test_fbcon_unprintable_is_a_box(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "a\x01\xe9");
	assert_cell(&fc, 0, 0, 'a');
	assert_cell(&fc, 1, 0, '\x01');
	assert_cell(&fc, 2, 0, '\xe9');
	assert_memory_equal(font_glyph(0x01), font_box, FONT_HEIGHT);
}

/* ---- fbcon: control characters, wrapping, scrolling ---- */

static void test_fbcon_newline_and_carriage_return(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "ab\ncd\rX");
	assert_row(&fc, 0, "ab");
	assert_row(&fc, 1, "Xd");
	assert_int_equal(fc.row, 1);
	assert_int_equal(fc.col, 1);
}

static void test_fbcon_wraps_long_line(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "abcdefghijklmn");
	assert_row(&fc, 0, "abcdefghijkl");
	assert_row(&fc, 1, "mn");
}

static void test_fbcon_full_line_then_newline_leaves_no_gap(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "abcdefghijkl\nz");
	assert_row(&fc, 0, "abcdefghijkl");
	assert_row(&fc, 1, "z");
}

static void test_fbcon_scrolls_at_bottom(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "one\ntwo\nthree\nfour");
	assert_row(&fc, 0, "two");
	assert_row(&fc, 1, "three");
	assert_row(&fc, 2, "four");
	fb_puts(&fc, "\n");
	assert_row(&fc, 0, "three");
	assert_row(&fc, 1, "four");
	assert_row(&fc, 2, "");
	assert_int_equal(fc.row, 2);
	assert_int_equal(fc.col, 0);
}

static void test_fbcon_tab_stops(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "a\tb\n\tc\tde");
	assert_row(&fc, 0, "a       b");
	assert_row(&fc, 1, "        c");
	assert_row(&fc, 2, "de");
	/* Past the last stop the tab ends the line; the next character wraps. */
	screen32();
	fb_puts(&fc, "abcdefghi\tX");
	assert_row(&fc, 0, "abcdefghi");
	assert_row(&fc, 1, "X");
}

static void test_fbcon_backspace(void **state)
{
	(void)state;
	screen32();
	fb_puts(&fc, "ab\bc\n\b\bx\nxy\b \b");
	assert_row(&fc, 0, "ac");
	assert_row(&fc, 1, "x");
	assert_row(&fc, 2, "x");
	assert_int_equal(fc.col, 1);
	/* Back from a pending wrap onto the last column. */
	fb_puts(&fc, "\rabcdefghijkl\bZ");
	assert_row(&fc, 2, "abcdefghijkZ");
}

/* ---- fbcon: refusals ---- */

static void test_fbcon_refuses_unsupported_bpp(void **state)
{
	struct framebuffer_info fb = fb32;

	(void)state;
	log_reset();
	fb.bpp = 8;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -ENOTSUP);
	assert_log_contains("8 bits per pixel not supported");
	fb.bpp = 15;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -ENOTSUP);
}

static void test_fbcon_refuses_bad_framebuffers(void **state)
{
	struct framebuffer_info fb;

	(void)state;
	fb = fb32;
	fb.kind = FB_EGA_TEXT;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	fb = fb32;
	fb.pitch = FB_W * 4 - 4;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	fb = fb32;
	fb.pitch = FB_PITCH + 2;	/* 32-bit pixels would straddle */
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	fb = fb32;
	fb.height = FONT_HEIGHT - 1;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	fb = fb32;
	fb.red_pos = 28;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	fb = fb32;
	fb.green_size = 0;
	assert_int_equal(fbcon_setup(&fc, pixels, &fb), -EINVAL);
	assert_int_equal(fbcon_setup(&fc, NULL, &fb32), -EINVAL);
}

static void test_fbcon_init_registers_framebuffer_console(void **state)
{
	struct framebuffer_info fb = fb32;
	struct console *con;

	(void)state;
	screen32();	/* fc: the test's view of the same pixels */
	fb.addr = (uintptr_t)pixels;
	registered_count = 0;
	assert_int_equal(fbcon_init(&fb), 0);
	assert_int_equal(registered_count, 1);
	con = registered[0];
	assert_string_equal(con->name, "framebuffer");
	con->write(con, "ok\nzz", 3);
	assert_row(&fc, 0, "ok");
	assert_row(&fc, 1, "");
	fb.bpp = 8;
	assert_int_equal(fbcon_init(&fb), -ENOTSUP);
	assert_int_equal(registered_count, 1);
}

/* ---- vgacon ---- */

#define VGA_COLS	10
#define VGA_ROWS	3

static uint8_t text[VGA_COLS * VGA_ROWS * 2];
static struct vgacon vc;

static void vga_puts(const char *s)
{
	while (*s)
		vgacon_putc(&vc, *s++);
}

/* Row `row` holds text then spaces, every cell light grey on black. */
static void assert_text_row(uint32_t row, const char *s)
{
	size_t len = strlen(s);

	for (uint32_t col = 0; col < VGA_COLS; col++) {
		const uint8_t *cell = &text[(row * VGA_COLS + col) * 2];
		uint8_t want = col < len ? (uint8_t)s[col] : ' ';

		if (cell[0] != want || cell[1] != VGACON_ATTR)
			fail_msg("cell (%u,%u) is %#x/%#x, want '%c'/%#x", col, row,
				 cell[0], cell[1], want, VGACON_ATTR);
	}
}

static void text_screen(void)
{
	memset(text, JUNK, sizeof(text));
	assert_int_equal(vgacon_setup(&vc, text, VGA_COLS, VGA_ROWS), 0);
}

static void test_vgacon_cells_and_attributes(void **state)
{
	(void)state;
	text_screen();
	for (uint32_t row = 0; row < VGA_ROWS; row++)
		assert_text_row(row, "");
	vga_puts("Hi");
	assert_int_equal(text[0], 'H');
	assert_int_equal(text[1], 0x07);
	assert_int_equal(text[2], 'i');
	assert_int_equal(text[3], 0x07);
	vga_puts("\xc3\x01");
	assert_int_equal(text[4], 0xfe);
	assert_int_equal(text[6], 0xfe);
}

static void test_vgacon_controls_wrap_and_scroll(void **state)
{
	(void)state;
	text_screen();
	vga_puts("ab\bc\rX");
	assert_text_row(0, "Xc");
	/* A tab, a line exactly full then '\n' (no gap), a scroll. */
	vga_puts("\n\tt\n0123456789\nnext");
	assert_text_row(0, "        t");
	assert_text_row(1, "0123456789");
	assert_text_row(2, "next");
	vga_puts("\n");
	assert_text_row(0, "0123456789");
	assert_text_row(1, "next");
	assert_text_row(2, "");
	vga_puts("0123456789ab");	/* wraps, scrolling once more */
	assert_text_row(0, "next");
	assert_text_row(1, "0123456789");
	assert_text_row(2, "ab");
}

/* vgacon_write() of any text leaves the screen and cursor exactly as
 * vgacon_putc() byte by byte: runs that fill a row, wrap pending at the
 * end of one, controls and unprintable bytes mixed in, scrolls. */
static void test_vgacon_write_is_putc_in_a_row(void **state)
{
	static const char *const texts[] = {
		"Hi", "0123456789", "0123456789x", "0123456789\n", "a\tb\bc\rd\n",
		"\xc3\x01zz\x7f", "one\ntwo\nthree\nfour\nfive", "abcdefghijklmnopqrstuvwxyz012",
		"", "\n\n\n\n", "0123456789abcdefghij\tk",
	};
	static uint8_t by_putc[sizeof(text)];
	struct vgacon ref;

	(void)state;
	for (size_t a = 0; a < sizeof(texts) / sizeof(texts[0]); a++)
		for (size_t b = 0; b < sizeof(texts) / sizeof(texts[0]); b++) {
			text_screen();
			memset(by_putc, JUNK, sizeof(by_putc));
			assert_int_equal(vgacon_setup(&ref, by_putc, VGA_COLS, VGA_ROWS), 0);
			/* Two writes, so the second starts wherever the first ended. */
			vgacon_write(&vc, texts[a], strlen(texts[a]));
			vgacon_write(&vc, texts[b], strlen(texts[b]));
			for (const char *s = texts[a]; *s; s++)
				vgacon_putc(&ref, *s);
			for (const char *s = texts[b]; *s; s++)
				vgacon_putc(&ref, *s);
			if (memcmp(text, by_putc, sizeof(text)) != 0 || vc.col != ref.col ||
			    vc.row != ref.row)
				fail_msg("\"%s\" then \"%s\": vgacon_write differs from vgacon_putc",
					 texts[a], texts[b]);
		}
}

static void test_vgacon_refuses_bad_geometry(void **state)
{
	(void)state;
	log_reset();
	assert_int_equal(vgacon_setup(&vc, text, 0, 25), -EINVAL);
	assert_log_contains("vgacon: unusable text screen 0x25");
	assert_int_equal(vgacon_setup(&vc, text, 200, 100), -EINVAL);
	assert_int_equal(vgacon_setup(&vc, NULL, 80, 25), -EINVAL);
}

static void test_vgacon_init_registers_vga_console(void **state)
{
	static uint8_t screen[80 * 25 * 2];
	struct console *con;

	(void)state;
	registered_count = 0;
	assert_int_equal(vgacon_init((uintptr_t)screen, 0, 0), 0);	/* 80x25 */
	assert_int_equal(registered_count, 1);
	con = registered[0];
	assert_string_equal(con->name, "vga");
	con->write(con, "skiff\n", 6);
	assert_memory_equal(screen, "s\x07k\x07i\x07" "f\x07" "f\x07 \x07", 12);
	assert_int_equal(screen[80 * 2 * 24 + 2 * 79], ' ');	/* last cell cleared */
}

/* ---- tools/fbtext reads back what the consoles drew ---- */

/* A channel of a pixel value as an 8-bit level. */
static uint8_t level_of(uint32_t v, uint8_t pos, uint8_t size)
{
	uint32_t max = (1u << size) - 1;

	return (uint8_t)(((v >> pos) & max) * 255 / max);
}

/* The screen as QEMU's screendump writes it: binary PPM, maxval 255. */
static uint8_t *write_ppm(const struct fbcon *c, const struct framebuffer_info *fb,
			  size_t *size)
{
	char header[64];
	int hlen = snprintf(header, sizeof(header), "P6\n%u %u\n255\n", fb->width, fb->height);
	uint8_t *ppm = malloc((size_t)hlen + (size_t)fb->width * fb->height * 3);
	uint8_t *p = ppm + hlen;

	assert_non_null(ppm);
	memcpy(ppm, header, (size_t)hlen);
	for (uint32_t y = 0; y < fb->height; y++) {
		for (uint32_t x = 0; x < fb->width; x++) {
			uint32_t v = pixel_at(c, x, y);

			*p++ = level_of(v, fb->red_pos, fb->red_size);
			*p++ = level_of(v, fb->green_pos, fb->green_size);
			*p++ = level_of(v, fb->blue_pos, fb->blue_size);
		}
	}
	*size = (size_t)(p - ppm);
	return ppm;
}

static void test_fbtext_reads_back_rendered_text(void **state)
{
	/* Wide enough for all of printable ASCII on one line. */
	struct framebuffer_info fb = fb32;
	char all[FONT_GLYPHS + 1], line[128];
	struct ppm_image img;
	uint32_t *big;
	uint8_t *ppm;
	size_t size;

	(void)state;
	for (int i = 0; i < FONT_GLYPHS; i++)
		all[i] = (char)(FONT_FIRST + i);
	all[FONT_GLYPHS] = '\0';
	fb.width = 100 * FONT_WIDTH + 3;
	fb.height = 4 * FONT_HEIGHT + 5;
	fb.pitch = fb.width * 4 + 8;
	big = calloc(fb.height, fb.pitch);
	assert_non_null(big);
	assert_int_equal(fbcon_setup(&fc, big, &fb), 0);
	fb_puts(&fc, "skiff 0.1: hello, world  \n");
	fb_puts(&fc, all);
	fb_puts(&fc, "\n\tjpqgy\x80!");

	ppm = write_ppm(&fc, &fb, &size);
	assert_int_equal(fbtext_parse_ppm(ppm, size, &img), 0);
	assert_int_equal(img.width, fb.width);
	fbtext_ppm_line(&img, 0, line);
	assert_string_equal(line, "skiff 0.1: hello, world");
	fbtext_ppm_line(&img, 1, line);
	assert_string_equal(line, all);
	fbtext_ppm_line(&img, 2, line);
	assert_string_equal(line, "        jpqgy?!");
	assert_int_equal(fbtext_ppm_line(&img, 3, line), 0);
	free(ppm);
	free(big);
}

static void test_fbtext_reads_back_vga_text_memory(void **state)
{
	static uint8_t screen[80 * 25 * 2];
	struct vgacon v;
	char line[81];

	(void)state;
	assert_int_equal(vgacon_setup(&v, screen, 80, 25), 0);
	for (const char *s = "skiff: booted\n\n  x\x01y   \n"; *s; s++)
		vgacon_putc(&v, *s);
	assert_int_equal(fbtext_vga_line(screen, 0, line), 13);
	assert_string_equal(line, "skiff: booted");
	assert_int_equal(fbtext_vga_line(screen, 1, line), 0);
	fbtext_vga_line(screen, 2, line);
	assert_string_equal(line, "  x?y");
	memset(screen, 0, 160);	/* never-written memory reads as blank */
	assert_int_equal(fbtext_vga_line(screen, 0, line), 0);
}

static void test_fbtext_ppm_header(void **state)
{
	static const uint8_t commented[] = "P6 # QEMU\n8 16\n# c\n255\n";
	static uint8_t image[sizeof(commented) - 1 + 8 * 16 * 3];
	struct ppm_image img;

	(void)state;
	memcpy(image, commented, sizeof(commented) - 1);
	assert_int_equal(fbtext_parse_ppm(image, sizeof(image), &img), 0);
	assert_int_equal(img.width, 8);
	assert_int_equal(img.height, 16);
	assert_ptr_equal(img.rgb, image + sizeof(commented) - 1);
	assert_int_equal(fbtext_match_cell(&img, 0, 0), ' ');
	/* Short raster, grey map, 16-bit samples. */
	assert_int_equal(fbtext_parse_ppm(image, sizeof(image) - 1, &img), -1);
	image[1] = '5';
	assert_int_equal(fbtext_parse_ppm(image, sizeof(image), &img), -1);
	assert_int_equal(fbtext_parse_ppm((const uint8_t *)"P6 8 16 65535 ", 14, &img), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_font_glyphs_distinct_and_within_metrics),
		cmocka_unit_test(test_fbcon_setup_clears_screen_not_pitch_padding),
		cmocka_unit_test(test_fbcon_char_lands_at_its_pixels_in_light_grey),
		cmocka_unit_test(test_fbcon_16_and_24_bpp),
		cmocka_unit_test(test_fbcon_unprintable_is_a_box),
		cmocka_unit_test(test_fbcon_newline_and_carriage_return),
		cmocka_unit_test(test_fbcon_wraps_long_line),
		cmocka_unit_test(test_fbcon_full_line_then_newline_leaves_no_gap),
		cmocka_unit_test(test_fbcon_scrolls_at_bottom),
		cmocka_unit_test(test_fbcon_tab_stops),
		cmocka_unit_test(test_fbcon_backspace),
		cmocka_unit_test(test_fbcon_refuses_unsupported_bpp),
		cmocka_unit_test(test_fbcon_refuses_bad_framebuffers),
		cmocka_unit_test(test_fbcon_init_registers_framebuffer_console),
		cmocka_unit_test(test_vgacon_cells_and_attributes),
		cmocka_unit_test(test_vgacon_controls_wrap_and_scroll),
		cmocka_unit_test(test_vgacon_write_is_putc_in_a_row),
		cmocka_unit_test(test_vgacon_refuses_bad_geometry),
		cmocka_unit_test(test_vgacon_init_registers_vga_console),
		cmocka_unit_test(test_fbtext_reads_back_rendered_text),
		cmocka_unit_test(test_fbtext_reads_back_vga_text_memory),
		cmocka_unit_test(test_fbtext_ppm_header),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
