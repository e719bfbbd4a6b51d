/*
 * VGA text-mode console.  Text memory is small (4000 bytes at 80x25), so
 * scrolling simply moves the cells up.
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

static void vgacon_set_cell(struct vgacon *vc, uint32_t col, uint32_t row, uint8_t ch)
{
	uint8_t *cell = vc->mem + ((size_t)row * vc->cols + col) * VGACON_CELL_BYTES;

	cell[0] = ch;
	cell[1] = VGACON_ATTR;
}

static void vgacon_clear_row(struct vgacon *vc, uint32_t row)
{
	for (uint32_t col = 0; col < vc->cols; col++)
		vgacon_set_cell(vc, col, row, ' ');
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
	for (uint32_t row = 0; row < rows; row++)
		vgacon_clear_row(vc, row);
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
	vgacon_clear_row(vc, vc->rows - 1);
}

static uint8_t vgacon_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x20 && u <= 0x7e ? u : VGACON_UNPRINTABLE;
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
	vgacon_set_cell(vc, vc->col, vc->row, vgacon_char(c));
	vc->col++;
}

/* ---- the kernel's one text-mode console ---- */

static struct vgacon vgacon_screen;

static void vgacon_console_write(struct console *con, const char *s, size_t n)
{
	(void)con;
	for (size_t i = 0; i < n; i++)
		vgacon_putc(&vgacon_screen, s[i]);
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
