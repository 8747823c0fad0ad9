/* SPDX-License-Identifier: ISC */
/*
 * Formatted output for guests: printf() goes to the Solo5 console.
 * Conversions: d i u x X c s p %, flags - and 0, a field width (digits or
 * *), precision for s, and length modifiers hh h l ll z j t.
 */
#ifndef GUEST_STDIO_H
#define GUEST_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* Return the length the full output would have had (C semantics). */
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format into a 512-byte stack buffer and write it to the console; longer
 * output is truncated. Returns the number of bytes written. */
int vprintf(const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes (s) and a newline. */
int puts(const char *s);

#endif /* GUEST_STDIO_H */
