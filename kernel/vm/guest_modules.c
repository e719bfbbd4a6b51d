/* The guest's own modules; see guest_modules.h. */
#include "vm/guest_modules.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Multiboot 0.6.96 3.1.2 flags[0] asks for page-aligned modules, and a
 * Multiboot2 kernel may ask the same (its 3.1.11): skiff always does it. */
#define MODULE_ALIGN	PAGE_SIZE

int guest_modules_place(const struct guest_mem *mem, uint64_t min, struct guest_module *mods,
			size_t count, uint64_t *end)
{
	uint64_t at = min;

	for (size_t i = 0; i < count; i++) {
		if (!guest_mem_place(mem, at, mods[i].size, MODULE_ALIGN, GUEST_MODULE_ADDR_LIMIT,
				     &mods[i].gpa)) {
			kprintf("skiff: guest: no room for module %zu (\"%s\", %zu bytes) in guest RAM "
				"from 0x%lx up to 4 GiB\n", i, mods[i].cmdline, mods[i].size, at);
			return -ENOMEM;
		}
		at = mods[i].gpa + mods[i].size;
	}
	*end = at;
	return 0;
}

int guest_modules_copy(const struct guest_mem *mem, const struct guest_module *mods,
		       size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (!guest_mem_contains(mem, mods[i].gpa, mods[i].size)) {
			kprintf("skiff: guest: module %zu at 0x%lx, %zu bytes, is not all guest RAM\n",
				i, mods[i].gpa, mods[i].size);
			return -EFAULT;
		}
	}
	for (size_t i = 0; i < count; i++)
		memcpy(guest_mem_ptr(mem, mods[i].gpa, mods[i].size), mods[i].data, mods[i].size);
	return 0;
}

bool guest_modules_fit_32(const struct guest_module *mods, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (mods[i].gpa > GUEST_MODULE_ADDR_LIMIT ||
		    mods[i].size > GUEST_MODULE_ADDR_LIMIT - mods[i].gpa)
			return false;
	return true;
}
