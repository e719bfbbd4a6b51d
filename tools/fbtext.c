/*
 * fbtext: reads back the text on a screendump of skiff's screen consoles, so
 * boot tests can check what a machine without a serial port showed.
 *
 *   fbtext file.ppm         a binary PPM (P6), as QEMU's monitor `screendump`
 *                           writes it, of the framebuffer console
 *   fbtext --vga file.bin   raw VGA text memory, 80 columns of (character,
 *                           attribute) pairs, e.g. `pmemsave 0xb8000 4000 f`
 *
 * Prints one line per text row, without trailing spaces or trailing empty
 * rows.  A framebuffer cell is read by thresholding its 8x16 pixels and
 * looking for a glyph of skiff's font with exactly those bits: a blank cell
 * is a space, a cell matching no glyph prints as '?' (so does a non-ASCII
 * byte in text memory).
 *
 * Build: gcc -std=gnu11 -O2 -Ikernel -o fbtext tools/fbtext.c  (the font is
 * compiled in from kernel/drivers/font.c).  The unit tests define
 * FBTEXT_NO_MAIN, include this file for its decoder and link the font
 * themselves.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FBTEXT_NO_MAIN
#include "drivers/font.h"
#else
#include "drivers/font.c"
#endif

/* A pixel is lit when red + green + blue reaches this: well clear of black,
 * well below the console's light grey (0xaa per channel). */
#define FBTEXT_LIT_SUM		(3 * 0x40)
#define FBTEXT_UNKNOWN		'?'
#define FBTEXT_VGA_COLS		80
#define FBTEXT_VGA_CELL		2
#define FBTEXT_PPM_MAXVAL	255

struct ppm_image {
	uint32_t width, height;
	const uint8_t *rgb;	/* width * height pixels of 3 bytes, top row first */
};

/* Finds the raster of the P6 image in data[0..size).  Returns 0, or -1 when
 * the header is malformed, maxval is not 255, or the raster is short. */
int fbtext_parse_ppm(const uint8_t *data, size_t size, struct ppm_image *img);
/* The character shown by text cell (col, row), ' ' when blank. */
char fbtext_match_cell(const struct ppm_image *img, uint32_t col, uint32_t row);
/* Text row `row` of the image into line (room for width / 8 + 1 bytes),
 * trailing spaces trimmed.  Returns the length. */
size_t fbtext_ppm_line(const struct ppm_image *img, uint32_t row, char *line);
/* Row `row` of VGA text memory (80 columns) into line (81 bytes), trimmed. */
size_t fbtext_vga_line(const uint8_t *mem, uint32_t row, char *line);

static int ppm_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The next decimal header field at *pos, after whitespace and '#' comments. */
static int ppm_field(const uint8_t *d, size_t size, size_t *pos, uint32_t *out)
{
	size_t p = *pos, digits = 0;
	uint64_t value = 0;

	while (p < size && (ppm_is_space(d[p]) || d[p] == '#')) {
		if (d[p] == '#')
			while (p < size && d[p] != '\n')
				p++;
		else
			p++;
	}
	for (; p < size && d[p] >= '0' && d[p] <= '9'; p++, digits++) {
		value = value * 10 + (uint64_t)(d[p] - '0');
		if (value > UINT32_MAX)
			return -1;
	}
	if (digits == 0)
		return -1;
	*pos = p;
	*out = (uint32_t)value;
	return 0;
}

int fbtext_parse_ppm(const uint8_t *data, size_t size, struct ppm_image *img)
{
	size_t pos = 2;
	uint32_t maxval;

	if (size < 2 || data[0] != 'P' || data[1] != '6')
		return -1;
	if (ppm_field(data, size, &pos, &img->width) ||
	    ppm_field(data, size, &pos, &img->height) ||
	    ppm_field(data, size, &pos, &maxval) || maxval != FBTEXT_PPM_MAXVAL)
		return -1;
	/* Exactly one whitespace byte separates the header from the raster. */
	if (pos >= size || !ppm_is_space(data[pos]))
		return -1;
	pos++;
	if ((uint64_t)img->width * img->height * 3 > size - pos)
		return -1;
	img->rgb = data + pos;
	return 0;
}

char fbtext_match_cell(const struct ppm_image *img, uint32_t col, uint32_t row)
{
	uint8_t bits[FONT_HEIGHT] = { 0 };

	for (uint32_t y = 0; y < FONT_HEIGHT; y++) {
		size_t line = (size_t)row * FONT_HEIGHT + y;
		const uint8_t *px = img->rgb +
			(line * img->width + (size_t)col * FONT_WIDTH) * 3;

		for (uint32_t x = 0; x < FONT_WIDTH; x++, px += 3)
			if (px[0] + px[1] + px[2] >= FBTEXT_LIT_SUM)
				bits[y] |= (uint8_t)(0x80u >> x);
	}
	for (int g = 0; g < FONT_GLYPHS; g++)
		if (memcmp(bits, font_glyphs[g], FONT_HEIGHT) == 0)
			return (char)(FONT_FIRST + g);
	return FBTEXT_UNKNOWN;
}

static size_t fbtext_trim(char *line, size_t len)
{
	while (len > 0 && line[len - 1] == ' ')
		len--;
	line[len] = '\0';
	return len;
}

size_t fbtext_ppm_line(const struct ppm_image *img, uint32_t row, char *line)
{
	uint32_t cols = img->width / FONT_WIDTH;

	for (uint32_t col = 0; col < cols; col++)
		line[col] = fbtext_match_cell(img, col, row);
	return fbtext_trim(line, cols);
}

size_t fbtext_vga_line(const uint8_t *mem, uint32_t row, char *line)
{
	const uint8_t *cell = mem + (size_t)row * FBTEXT_VGA_COLS * FBTEXT_VGA_CELL;

	for (uint32_t col = 0; col < FBTEXT_VGA_COLS; col++, cell += FBTEXT_VGA_CELL) {
		if (cell[0] == 0)
			line[col] = ' ';	/* never-written memory */
		else if (cell[0] >= FONT_FIRST && cell[0] <= FONT_LAST)
			line[col] = (char)cell[0];
		else
			line[col] = FBTEXT_UNKNOWN;
	}
	return fbtext_trim(line, FBTEXT_VGA_COLS);
}

#ifndef FBTEXT_NO_MAIN

/* The whole file, or NULL with a message. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f) {
		perror(path);
		return NULL;
	}
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			uint8_t *bigger = realloc(buf, cap);
			if (!bigger) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = bigger;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		perror(path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = len;
	return buf;
}

/* Prints a line, holding back empty ones until something follows them. */
static void emit_line(const char *line, size_t len, unsigned *held_blank)
{
	if (len == 0) {
		(*held_blank)++;
		return;
	}
	for (; *held_blank > 0; (*held_blank)--)
		putchar('\n');
	printf("%s\n", line);
}

static int print_ppm(const char *path, const uint8_t *data, size_t size)
{
	struct ppm_image img;
	unsigned held_blank = 0;
	char *line;

	if (fbtext_parse_ppm(data, size, &img)) {
		fprintf(stderr, "%s: not a binary PPM (P6, maxval 255)\n", path);
		return 1;
	}
	line = malloc(img.width / FONT_WIDTH + 1);
	if (!line) {
		fprintf(stderr, "%s: out of memory\n", path);
		return 1;
	}
	for (uint32_t row = 0; row < img.height / FONT_HEIGHT; row++)
		emit_line(line, fbtext_ppm_line(&img, row, line), &held_blank);
	free(line);
	return 0;
}

static int print_vga(const uint8_t *data, size_t size)
{
	char line[FBTEXT_VGA_COLS + 1];
	unsigned held_blank = 0;
	size_t rows = size / (FBTEXT_VGA_COLS * FBTEXT_VGA_CELL);

	for (size_t row = 0; row < rows; row++)
		emit_line(line, fbtext_vga_line(data, (uint32_t)row, line), &held_blank);
	return 0;
}

int main(int argc, char **argv)
{
	int vga = argc == 3 && strcmp(argv[1], "--vga") == 0;
	const char *path = argv[argc - 1];
	uint8_t *data;
	size_t size;
	int rc;

	if (argc != 2 + vga || (!vga && argv[1][0] == '-')) {
		fprintf(stderr, "usage: fbtext file.ppm | fbtext --vga file.bin\n");
		return 2;
	}
	data = read_file(path, &size);
	if (!data)
		return 1;
	rc = vga ? print_vga(data, size) : print_ppm(path, data, size);
	free(data);
	return rc;
}

#endif
