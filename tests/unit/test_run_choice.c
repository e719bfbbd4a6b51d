/*
 * make run's choice of machine (tools/run.sh --choose), on hosts made up in
 * a temporary directory: a CPU flag line for /proc/cpuinfo, KVM's nested
 * parameter under /sys/module, and a file for /dev/kvm.  An AMD host whose
 * kvm_amd offers nested SVM gets QEMU with KVM, as an Intel one with
 * nested VT-x does; without nested, without /dev/kvm, or with neither
 * extension it is Bochs, and the line says why.  No such host is here to
 * boot on: this checks the choice, not KVM.
 */
#include "support.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A host: its CPU flags, kvm_intel's and kvm_amd's nested (NULL: module
 * not loaded), and whether /dev/kvm is there. */
static void host(const char *flags, const char *intel_nested, const char *amd_nested, bool kvm)
{
	const char *mods[2] = { intel_nested, amd_nested };
	const char *names[2] = { "kvm_intel", "kvm_amd" };
	char cpuinfo[256];

	strcpy(dir, "/tmp/skiff-run-choice-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cpuinfo, sizeof(cpuinfo), "processor\t: 0\nflags\t\t: fpu pae %s lm\n", flags);
	put("cpuinfo", cpuinfo);
	for (int i = 0; i < 2; i++) {
		char cmd[400], rel[128];

		if (!mods[i])
			continue;
		snprintf(cmd, sizeof(cmd), "mkdir -p %s/module/%s/parameters", dir, names[i]);
		assert_int_equal(system(cmd), 0);
		snprintf(rel, sizeof(rel), "module/%s/parameters/nested", names[i]);
		put(rel, mods[i]);
	}
	if (kvm)
		put("kvm", "");
}

/* What tools/run.sh --choose says on that host. */
static void choose(char *out, size_t size)
{
	char cmd[512];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof(cmd), "RUN_CPUINFO=%s/cpuinfo RUN_SYSFS=%s RUN_KVM=%s/kvm "
		 "bash tools/run.sh --choose; rm -rf %s", dir, dir, dir, dir);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	assert_int_equal(pclose(p), 0);
}

static void amd_with_nested_svm_gets_kvm(void **state)
{
	char out[256];

	(void)state;
	host("svm", NULL, "1\n", true);
	choose(out, sizeof(out));
	assert_string_equal(out, "kvm: /dev/kvm works and kvm_amd offers nested AMD-V (SVM)\n");
	host("svm", NULL, "Y\n", true);
	choose(out, sizeof(out));
	assert_string_equal(out, "kvm: /dev/kvm works and kvm_amd offers nested AMD-V (SVM)\n");
}

static void intel_with_nested_vmx_gets_kvm(void **state)
{
	char out[256];

	(void)state;
	host("vmx", "Y\n", NULL, true);
	choose(out, sizeof(out));
	assert_string_equal(out, "kvm: /dev/kvm works and kvm_intel offers nested VT-x\n");
}

static void otherwise_bochs_and_why(void **state)
{
	char out[256];

	(void)state;
	host("svm", NULL, "0\n", true);
	choose(out, sizeof(out));
	assert_string_equal(out, "bochs: kvm_amd is not loaded with nested=1\n");
	host("svm", NULL, NULL, true);
	choose(out, sizeof(out));
	assert_string_equal(out, "bochs: kvm_amd is not loaded with nested=1\n");
	host("svm", NULL, "1\n", false);
	choose(out, sizeof(out));
	assert_string_equal(out, "bochs: /dev/kvm is missing or not accessible\n");
	host("sse2", NULL, NULL, true);
	choose(out, sizeof(out));
	assert_string_equal(out, "bochs: the CPU offers neither VT-x nor AMD-V (no vmx or svm flag "
			    "in /proc/cpuinfo)\n");
	/* "svm" must be a whole flag: svm_lock alone is not AMD-V */
	host("svm_lock", NULL, "1\n", true);
	choose(out, sizeof(out));
	assert_string_equal(out, "bochs: the CPU offers neither VT-x nor AMD-V (no vmx or svm flag "
			    "in /proc/cpuinfo)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(amd_with_nested_svm_gets_kvm),
		cmocka_unit_test(intel_with_nested_vmx_gets_kvm),
		cmocka_unit_test(otherwise_bochs_and_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
