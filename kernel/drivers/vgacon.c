/*
 * VGA text-mode console.  Text memory is small (4000 bytes at 80x25), so
 * scrolling simply moves the cells up (some 500 string moves of 8 bytes).
 */
#include <stdbool.h>
#include <stddef.h>

#include "drivers/console.h"
#include "drivers/vgacon.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define VGACON_CELL_BYTES	2
/* Code page 437's small filled square, for bytes the log should not contain. */
#define VGACON_UNPRINTABLE	0xfe

/* A cell as one 16-bit store: the character in the low byte (the lower
 * address), the attribute above it.  Text memory is also read bytewise. */
typedef uint16_t vga_cell __attribute__((may_alias));
#define VGACON_CELL(ch)		((vga_cell)((uint8_t)(ch) | VGACON_ATTR << 8))

static vga_cell *vgacon_cell(struct vgacon *vc, uint32_t col, uint32_t row)
{
	return (vga_cell *)(vc->mem + ((size_t)row * vc->cols + col) * VGACON_CELL_BYTES);
}

/* Four cells as one 64-bit store, for clearing. */
typedef uint64_t vga_cells4 __attribute__((may_alias, aligned(2)));
#define VGACON_CELLS4(ch)	(VGACON_CELL(ch) * 0x0001000100010001ull)

/* Blanks rows [first, first + count), four cells a store. */
static void vgacon_clear_rows(struct vgacon *vc, uint32_t first, uint32_t count)
{
	vga_cell *cell = vgacon_cell(vc, 0, first);
	size_t n = (size_t)count * vc->cols;

	for (; n >= 4; n -= 4, cell += 4)
		*(vga_cells4 *)cell = VGACON_CELLS4(' ');
	for (; n; n--)
		*cell++ = VGACON_CELL(' ');
}

int vgacon_setup(struct vgacon *vc, void *mem, uint32_t cols, uint32_t rows)
{
	if (!mem || cols == 0 || rows == 0 ||
	    (uint64_t)cols * rows > VGACON_MAX_CELLS) {
		kprintf("vgacon: unusable text screen %ux%u at %p\n", cols, rows, mem);
		return -EINVAL;
	}
	vc->mem = mem;
	vc->cols = cols;
	vc->rows = rows;
	vc->col = 0;
	vc->row = 0;
	vgacon_clear_rows(vc, 0, rows);
	return 0;
}

static void vgacon_newline(struct vgacon *vc)
{
	size_t line = (size_t)vc->cols * VGACON_CELL_BYTES;

	vc->col = 0;
	if (vc->row + 1 < vc->rows) {
		vc->row++;
		return;
	}
	memmove(vc->mem, vc->mem + line, line * (vc->rows - 1));
	vgacon_clear_rows(vc, vc->rows - 1, 1);
}

static bool vgacon_printable(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x20 && u <= 0x7e;
}

static uint8_t vgacon_char(char c)
{
	return vgacon_printable(c) ? (uint8_t)c : VGACON_UNPRINTABLE;
}

void vgacon_putc(struct vgacon *vc, char c)
{
	uint32_t tab;

	switch (c) {
	case '\n':
		vgacon_newline(vc);
		return;
	case '\r':
		vc->col = 0;
		return;
	case '\t':
		tab = (vc->col / VGACON_TAB + 1) * VGACON_TAB;
		vc->col = tab < vc->cols ? tab : vc->cols;
		return;
	case '\b':
		if (vc->col > 0)
			vc->col--;
		return;
	}
	if (vc->col == vc->cols)	/* wrap pending, as in fbcon_putc */
		vgacon_newline(vc);
	*vgacon_cell(vc, vc->col, vc->row) = VGACON_CELL(vgacon_char(c));
	vc->col++;
}

/* The log is mostly printable runs: those go straight into the row, up to
 * its end; everything else (controls, wraps) through vgacon_putc(). */
void vgacon_write(struct vgacon *vc, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		vga_cell *cell = vgacon_cell(vc, vc->col, vc->row);
		size_t end = i + (vc->cols - vc->col);

		if (end > n)
			end = n;
		if (i == end || !vgacon_printable(s[i])) {
			vgacon_putc(vc, s[i++]);
			continue;
		}
		for (; i < end && vgacon_printable(s[i]); i++, vc->col++)
			*cell++ = VGACON_CELL(s[i]);
	}
}

/* ---- the kernel's one text-mode console ---- */

static struct vgacon vgacon_screen;

static void vgacon_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	vgacon_write(&vgacon_screen, s, n);
}

static struct console vgacon_console = {
	.name = "vga",
	.write = vgacon_console_write,
};

int vgacon_init(uint64_t addr, uint32_t cols, uint32_t rows)
{
	static bool registered;
	int err;

	if (addr == 0)
		addr = VGACON_DEFAULT_ADDR;
	if (cols == 0 || rows == 0) {
		cols = VGACON_DEFAULT_COLS;
		rows = VGACON_DEFAULT_ROWS;
	}
	err = vgacon_setup(&vgacon_screen, (void *)(uintptr_t)addr, cols, rows);
	if (err)
		return err;
	if (!registered)
		console_register(&vgacon_console);
	registered = true;
	return 0;
}
