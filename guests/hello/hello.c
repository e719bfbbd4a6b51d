/*
 * hello: skiff's default guest, linked into skiff's image.  It shows the
 * three ways a guest meets its hypervisor: a UART that is emulated, a
 * CPUID leaf that names skiff, and a hypercall.  On bare metal it says
 * that no hypervisor is there and skips the hypercall.
 */
#include "hypercall.h"
#include "printf.h"
#include "runtime.h"
#include "string.h"

const char guest_name[] = "hello";

static const char hypercall_line[] = "hello: this line came through a hypercall\n";

int guest_main(const struct mb2_info *mbi)
{
	const struct hv_info *hv = hv_boot_info();
	int32_t ret;

	(void)mbi;
	printf("hello: hello from a skiff guest\n");
	if (!hv->present) {
		printf("hello: no hypervisor (CPUID.1:ECX[31] is clear): on bare metal\n");
		return 0;
	}
	if (!hv->skiff) {
		printf("hello: hypervisor signature \"%s\": not skiff, no hypercalls\n",
		       hv->signature);
		return 0;
	}
	printf("hello: hypervisor signature \"%s\", skiff version %u.%u, ABI %u.%u\n",
	       hv->signature, hv->version >> 16, hv->version & 0xffff,
	       hv->abi >> 16, hv->abi & 0xffff);
	ret = hv_console_write(hypercall_line, strlen(hypercall_line));
	if (ret < 0)
		printf("hello: the console-write hypercall failed with %d\n", ret);
	return 0;
}
