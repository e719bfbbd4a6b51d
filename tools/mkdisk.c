/*
 * Writes the raw disk image the AHCI boot cases attach (DISK=1 in
 * tests/boot/run.sh): 1 MiB, 2048 sectors of 512 bytes.  Every sector says
 * which it is, so a test that reads one by DMA can tell it arrived whole:
 *   bytes 0-31:   "skiff disk sector NNNNNNNN", NUL-padded (N: decimal LBA)
 *   bytes 32-511: little-endian dwords counting on: dword k holds
 *                 LBA * 128 + k (k = 8..127)
 * Usage: mkdisk OUTPUT
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define SECTOR		512
#define SECTORS		2048
#define MARKER_BYTES	32
#define DWORDS		(SECTOR / 4)

int main(int argc, char **argv)
{
	uint8_t sector[SECTOR];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (uint32_t lba = 0; lba < SECTORS; lba++) {
		memset(sector, 0, sizeof(sector));
		snprintf((char *)sector, MARKER_BYTES, "skiff disk sector %08u", lba);
		for (uint32_t k = MARKER_BYTES / 4; k < DWORDS; k++) {
			uint32_t v = lba * DWORDS + k;

			for (int b = 0; b < 4; b++)
				sector[k * 4 + b] = (uint8_t)(v >> (8 * b));
		}
		if (fwrite(sector, sizeof(sector), 1, f) != 1) {
			perror(argv[1]);
			return 1;
		}
	}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
