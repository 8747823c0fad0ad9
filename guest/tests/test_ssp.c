/* SPDX-License-Identifier: ISC */
/*
 * test_ssp: overruns a stack buffer. The stack protector catches it when
 * the function returns: "hvt-guest: ABORT: stack corruption detected", exit
 * 255. Reaching the end is a bug: exit 3.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stddef.h>
#include <stdio.h>

HVT_MANIFEST(0);

static void __attribute__((noinline)) smash(size_t len)
{
	char buf[16];
	volatile char *p = buf;

	for (size_t i = 0; i < len; i++)
		p[i] = 'A';
	printf("test_ssp: wrote %lu bytes into a %lu-byte buffer\n",
	       (unsigned long)len, (unsigned long)sizeof(buf));
}

int solo5_app_main(const struct solo5_start_info *si)
{
	size_t len = 40;

	(void)si;
	/* Opaque length: no compile-time overflow warning, a real overrun. */
	__asm__("" : "+r"(len));
	printf("test_ssp: smashing the stack\n");
	smash(len);
	printf("test_ssp: FAILURE: stack protector did not fire\n");
	return 3;
}
