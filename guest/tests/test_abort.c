/* SPDX-License-Identifier: ISC */
/*
 * test_abort: calls solo5_abort(); the runtime prints its ABORT line and the
 * tender must exit 255.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

HVT_MANIFEST(0);

int solo5_app_main(const struct solo5_start_info *si)
{
	(void)si;
	printf("test_abort: calling solo5_abort()\n");
	solo5_abort();
}
