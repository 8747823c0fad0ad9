/* SPDX-License-Identifier: ISC */
/*
 * The command line: copied out of the boot region, then leading runtime
 * options are removed before the app sees it, as Solo5 does:
 *   --solo5:quiet  no start-up banner
 *   --solo5:debug  accepted for compatibility (the banner is always full)
 */
#include <string.h>

#include "runtime_priv.h"

static char cmdline[HVT_CMDLINE_MAX];

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Length of option (opt) at (p) if it is a whole word there, else 0. */
static size_t match_opt(const char *p, const char *opt)
{
	size_t n = strlen(opt);

	if (strncmp(p, opt, n) || (p[n] && !is_space(p[n])))
		return 0;
	return n;
}

const char *rt_cmdline_init(uint64_t cmdline_gpa, int *is_quiet)
{
	const char *src = (const char *)(uintptr_t)cmdline_gpa;
	const char *p = cmdline;
	size_t n = src ? strnlen(src, sizeof(cmdline)) : 0;

	if (n == sizeof(cmdline))
		rt_abort("command line is not terminated", 0);
	memcpy(cmdline, src, n);
	cmdline[n] = '\0';

	*is_quiet = 0;
	for (;;) {
		size_t len;

		while (is_space(*p))
			p++;
		if ((len = match_opt(p, "--solo5:quiet")))
			*is_quiet = 1;
		else if (!(len = match_opt(p, "--solo5:debug")))
			break;
		p += len;
	}
	return p;
}
