/* SPDX-License-Identifier: ISC */
/*
 * test_exit: exits with the status given as its first argument (decimal),
 * so the tender's exit-code passing can be checked: test_exit.hvt 42.
 * Without an argument it prints a usage line and exits 1.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <stdlib.h>

HVT_MANIFEST(0);

int solo5_app_main(const struct solo5_start_info *si)
{
	char *end;
	unsigned long status = strtoul(si->cmdline, &end, 10);

	if (end == si->cmdline) {
		printf("test_exit: usage: test_exit.hvt STATUS\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("test_exit: exiting with status %lu\n", status);
	solo5_exit((int)status);
}
