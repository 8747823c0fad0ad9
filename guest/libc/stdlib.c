/* SPDX-License-Identifier: ISC */
/*
 * strtoul/atoi for guests parsing their command line. No errno exists in the
 * guest, so overflow saturates instead of reporting ERANGE.
 */
#include <stdlib.h>

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Skips a 0x/0 prefix as (base) allows; returns the base to use. */
static int take_prefix(const char **sp, int base)
{
	const char *s = *sp;
	int has_hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
		      digit_value(s[2]) < 16;

	if ((base == 0 || base == 16) && has_hex) {
		*sp = s + 2;
		return 16;
	}
	if (base == 0)
		return s[0] == '0' ? 8 : 10;
	return base;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	const char *start = s;
	unsigned long v = 0;
	int neg = 0, any = 0, over = 0;

	while (is_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	base = take_prefix(&s, base);
	if (base < 2 || base > 36)
		base = 10;
	for (int d; (d = digit_value(*s)) < base; s++) {
		any = 1;
		if (v > (~0UL - (unsigned long)d) / (unsigned long)base)
			over = 1;
		v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(any ? s : start);
	if (over)
		return ~0UL;
	return neg ? -v : v;
}

int atoi(const char *s)
{
	return (int)strtoul(s, NULL, 10);
}
