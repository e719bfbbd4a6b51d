/*
 * Console on VGA/EGA text memory (BIOS boots): cells of a character byte
 * followed by an attribute byte, light grey on black.
 *
 * The core (vgacon_setup, vgacon_putc) only touches the memory it is given,
 * so host tests run it on a plain buffer; vgacon_init is the kernel's entry.
 * The hardware cursor is left alone.
 */
#ifndef SKIFF_DRIVERS_VGACON_H
#define SKIFF_DRIVERS_VGACON_H

#include <stddef.h>
#include <stdint.h>

#define VGACON_DEFAULT_ADDR	0xb8000
#define VGACON_DEFAULT_COLS	80
#define VGACON_DEFAULT_ROWS	25
/* Colour text memory is the 32 KiB window at 0xB8000. */
#define VGACON_MAX_CELLS	(0x8000 / 2)
#define VGACON_ATTR		0x07	/* light grey on black */
#define VGACON_TAB		8

struct vgacon {
	uint8_t *mem;			/* cell 0: character, then attribute */
	uint32_t cols, rows;
	uint32_t col, row;		/* cursor; col == cols: wrap pending */
};

/* Prepares vc to write the cols x rows cells at mem and clears them.
 * Returns 0, or -EINVAL (reported through kprintf) for a null buffer or a
 * geometry that is empty or larger than VGACON_MAX_CELLS. */
int vgacon_setup(struct vgacon *vc, void *mem, uint32_t cols, uint32_t rows);

/* Writes c at the cursor, with the same control characters, wrapping and
 * scrolling as fbcon_putc.  Bytes outside printable ASCII show as a block. */
void vgacon_putc(struct vgacon *vc, char c);
/* n bytes as vgacon_putc() would write them one by one. */
void vgacon_write(struct vgacon *vc, const char *s, size_t n);

/* Sets up text memory at addr (0: VGACON_DEFAULT_ADDR; skiff maps physical
 * memory 1:1) of cols x rows cells (0: 80 x 25), typically from an
 * FB_EGA_TEXT framebuffer tag, and registers it as the console "vga". */
int vgacon_init(uint64_t addr, uint32_t cols, uint32_t rows);

#endif
