/* SPDX-License-Identifier: ISC */
/*
 * Console output through the PUTS hypercall; the tender writes the bytes to
 * its stdout unchanged. Best effort, as Solo5 specifies: never fails.
 */
#include <string.h>

#include "runtime_priv.h"

void solo5_console_write(const char *buf, size_t size)
{
	volatile struct hvt_hc_puts p = {
	    .data_gpa = (uintptr_t)buf,
	    .len = size,
	};

	if (size)
		rt_hypercall(HVT_HYPERCALL_PUTS, &p);
}

void rt_puts(const char *s)
{
	solo5_console_write(s, strlen(s));
}
