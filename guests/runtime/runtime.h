/*
 * The contract between the runtime and a guest.
 *
 * entry.S sets up a GDT, a stack and a zeroed .bss, then runtime_main()
 * brings up the UART console and the IDT, masks the legacy PIC, asks
 * CPUID whether skiff is there, and calls the guest's guest_main().  What
 * guest_main() returns is the guest's exit status.
 *
 * Each guest defines guest_name and guest_main(); the runtime uses the
 * name to prefix its own messages ("hello: unexpected exception ...").
 */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

#include <stdint.h>

#include "boot/multiboot2.h"

/* The status of a guest killed by an exception it did not expect. */
#define GUEST_EXIT_FATAL	255

extern const char guest_name[];

/* EAX and EBX as the loader left them: the magic and the information's
 * address, whatever protocol (a Multiboot 1 guest reads its information
 * from here: guest_main() gets NULL). */
extern uint32_t runtime_boot_magic, runtime_boot_info;

/* The guest's work; mbi is NULL if the loader was not Multiboot2. */
int guest_main(const struct mb2_info *mbi);

/* Ends the run with status (0..255, larger is clamped to 255): through
 * HC_FINISH under skiff; on bare metal by writing status to QEMU's
 * isa-debug-exit port (0xf4) and "Shutdown" to Bochs's port 0x8900, then
 * halting for good if neither emulator is there. */
__attribute__((noreturn)) void guest_exit(uint32_t status);

/* entry.S's call: magic is EAX and mbi is EBX as the loader left them. */
__attribute__((noreturn)) void runtime_main(uint32_t magic, const struct mb2_info *mbi);

#endif
