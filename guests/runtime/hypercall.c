#include "hypercall.h"
#include "string.h"
#include "x86.h"

static struct hv_info boot_hv;

void hv_detect(struct hv_info *hv)
{
	struct cpuid_regs r;

	memset(hv, 0, sizeof(*hv));
	/* Without the "hypervisor present" bit, leaf 0x40000000 is out of
	 * range and a real CPU answers with some other leaf's data. */
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_HYPERVISOR))
		return;
	hv->present = true;
	r = cpuid(HV_CPUID_SIGNATURE, 0);
	hv->max_leaf = r.eax;
	memcpy(hv->signature + 0, &r.ebx, 4);
	memcpy(hv->signature + 4, &r.ecx, 4);
	memcpy(hv->signature + 8, &r.edx, 4);
	hv->skiff = memcmp(hv->signature, HV_SIGNATURE, 12) == 0 &&
		    hv->max_leaf >= HV_CPUID_VERSION;
	if (hv->skiff) {
		r = cpuid(HV_CPUID_VERSION, 0);
		hv->version = r.eax;
		hv->abi = r.ebx;
	}
}

void hv_detect_boot(void)
{
	hv_detect(&boot_hv);
}

bool under_skiff(void)
{
	return boot_hv.skiff;
}

const struct hv_info *hv_boot_info(void)
{
	return &boot_hv;
}

int32_t hc_version(void)
{
	return hc_call(HC_VERSION, 0, 0, 0);
}

int32_t hc_console_write(const void *buf, uint32_t len)
{
	return hc_call(HC_CONSOLE_WRITE, (uint32_t)buf, len, 0);
}

int32_t hc_exit(uint32_t status)
{
	return hc_call(HC_FINISH, status, 0, 0);
}

int32_t hv_console_write(const char *buf, uint32_t len)
{
	uint32_t done = 0;

	if (!under_skiff())
		return -HC_ENOSYS;
	while (done < len) {
		uint32_t n = len - done < HC_CONSOLE_MAX ? len - done : HC_CONSOLE_MAX;
		int32_t ret = hc_console_write(buf + done, n);

		if (ret < 0)
			return ret;
		if (ret == 0)
			break;		/* no progress: do not spin */
		done += (uint32_t)ret;
	}
	return (int32_t)done;
}
