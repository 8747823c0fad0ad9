/* SPDX-License-Identifier: ISC */
/*
 * hello: the smallest useful unikernel. Prints a greeting and its command
 * line, then SUCCESS, and exits 0. Uses only the Solo5 API and no devices.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <string.h>

HVT_MANIFEST(0);

static void say(const char *s)
{
	solo5_console_write(s, strlen(s));
}

int solo5_app_main(const struct solo5_start_info *si)
{
	say("Hello, World\n");
	say("Command line: '");
	say(si->cmdline);
	say("'\n");
	say("SUCCESS\n");
	return SOLO5_EXIT_SUCCESS;
}
