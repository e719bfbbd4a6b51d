/*
 * mkpattern OUT SIZE: writes the pattern module of SIZE bytes
 * (guests/runtime/module_pattern.h) to OUT, for the boot cases that check
 * a guest's modules arrive whole.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_pattern.h"

int main(int argc, char **argv)
{
	unsigned long size;
	char *end;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: mkpattern OUT SIZE\n");
		return 2;
	}
	errno = 0;
	size = strtoul(argv[2], &end, 0);
	if (errno || *end || size < MODPAT_HEADER || size > UINT32_MAX) {
		fprintf(stderr, "mkpattern: SIZE must be %d to %u bytes\n", MODPAT_HEADER,
			UINT32_MAX);
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		fprintf(stderr, "mkpattern: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fwrite(MODPAT_MAGIC, 1, MODPAT_MAGIC_LEN, f);
	for (int i = 0; i < 4; i++)
		fputc((int)((size >> (8 * i)) & 0xff), f);
	for (uint32_t i = MODPAT_HEADER; i < size; i++)
		fputc(modpat_byte(i), f);
	if (fclose(f) != 0) {
		fprintf(stderr, "mkpattern: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
