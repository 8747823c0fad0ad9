/* SPDX-License-Identifier: ISC */
/*
 * Number parsing for the guest's minimal libc. No allocator: apps own the
 * heap region solo5_app_main() is given.
 */
#ifndef GUEST_STDLIB_H
#define GUEST_STDLIB_H

#include <stddef.h>

/* As C's strtoul without errno: saturates at ULONG_MAX on overflow. Base 0
 * accepts 0x (hex) and 0 (octal) prefixes. */
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);

#endif /* GUEST_STDLIB_H */
