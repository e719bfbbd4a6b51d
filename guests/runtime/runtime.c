#include <stdint.h>

#include "boot/multiboot1.h"
#include "hypercall.h"
#include "printf.h"
#include "runtime.h"
#include "trap.h"
#include "uart.h"
#include "x86.h"

/* The 8259 PICs' data ports (OCW1: the interrupt mask). */
#define PIC1_DATA	0x21
#define PIC2_DATA	0xa1

/*
 * The BIOS leaves the 8259 PICs delivering IRQ 0..7 at vectors 8..15,
 * which are CPU exception vectors: a timer tick would look like a double
 * fault the moment a guest sets IF.  Guests use the local APIC instead,
 * so mask every PIC line.  (Under skiff the PIC is the guest's device
 * too, so this is the same on both.)
 */
static void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

uint32_t runtime_boot_magic, runtime_boot_info;

void runtime_main(uint32_t magic, const struct mb2_info *mbi)
{
	runtime_boot_magic = magic;
	runtime_boot_info = (uint32_t)(uintptr_t)mbi;
	uart_init();
	trap_init();
	pic_mask_all();
	hv_detect_boot();
	if (magic == MB1_BOOTLOADER_MAGIC) {
		mbi = NULL;	/* not Multiboot2's: guests/mb1 reads it itself */
	} else if (magic != MB2_BOOTLOADER_MAGIC) {
		printf("%s: entered with EAX 0x%08x, not the Multiboot2 magic: no boot information\n",
		       guest_name, magic);
		mbi = NULL;
	}
	guest_exit((uint32_t)guest_main(mbi));
}

void guest_exit(uint32_t status)
{
	if (status > 255)
		status = 255;
	if (under_skiff())
		hc_exit(status);
	/* Bare metal, or skiff refused the call: the emulators' exit ports.
	 * A write to port 0xf4 makes QEMU exit with status 2 * status + 1. */
	outb(HV_PORT_FINISH, (uint8_t)status);
	for (const char *p = "Shutdown"; *p; p++)
		outb(HV_PORT_BOCHS_SHUTDOWN, (uint8_t)*p);
	halt_forever();
}
