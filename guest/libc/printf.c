/* SPDX-License-Identifier: ISC */
/*
 * vsnprintf/snprintf and console printf for guests. Integer-only (no
 * floating point: guests never touch SSE registers). Unknown conversions are
 * copied through literally so a bad format is visible, not fatal.
 */
#include <solo5.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size;
	size_t pos; /* bytes the full output needs so far */
};

struct spec {
	int left; /* '-' flag */
	int zero; /* '0' flag */
	int width;
	int prec; /* -1: none */
	int len; /* 0 int, 1 long, 2 long long / size_t / intmax_t */
	int half; /* 1 short, 2 char */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emits (s, n) inside the field described by (sp); (sign) and (prefix)
 * go before any zero padding. */
static void field(struct out *o, const struct spec *sp, const char *prefix,
		  const char *s, int n)
{
	int plen = (int)strlen(prefix);
	int fill = sp->width - n - plen;

	if (!sp->left && !sp->zero)
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!sp->left && sp->zero)
		pad(o, '0', fill);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', fill);
}

static void number(struct out *o, const struct spec *sp, uint64_t v,
		   unsigned base, int upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = sizeof(tmp);

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	field(o, sp, prefix, tmp + n, (int)sizeof(tmp) - n);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	uint64_t v = sp->len ? (sp->len == 1 ? va_arg(*ap, unsigned long)
					     : va_arg(*ap, unsigned long long))
			     : va_arg(*ap, unsigned int);

	if (sp->half == 1)
		v = (unsigned short)v;
	else if (sp->half == 2)
		v = (unsigned char)v;
	return v;
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	int64_t v = sp->len ? (sp->len == 1 ? va_arg(*ap, long)
					    : va_arg(*ap, long long))
			    : va_arg(*ap, int);

	if (sp->half == 1)
		v = (short)v;
	else if (sp->half == 2)
		v = (signed char)v;
	return v;
}

/* Parses flags, width, precision and length; returns the conversion. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = 1;
		else if (*f == '0')
			sp->zero = 1;
		else if (*f != ' ' && *f != '+' && *f != '#')
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = 1;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	if (*f == '.') {
		sp->prec = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->len++;
		else if (*f == 'z' || *f == 'j' || *f == 't')
			sp->len = 2;
		else if (*f == 'h')
			sp->half++;
		else
			break;
	}
	return f;
}

static void string(struct out *o, const struct spec *sp, const char *s)
{
	size_t max = sp->prec >= 0 ? (size_t)sp->prec : SIZE_MAX;
	struct spec nz = *sp;

	if (!s)
		s = "(null)";
	nz.zero = 0;
	field(o, &nz, "", s, (int)strnlen(s, max));
}

static void convert(struct out *o, const struct spec *sp, char c, va_list *ap)
{
	char ch;
	int64_t sv;

	switch (c) {
	case 'd':
	case 'i':
		sv = arg_signed(sp, ap);
		number(o, sp, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, 10, 0,
		       sv < 0 ? "-" : "");
		break;
	case 'u':
		number(o, sp, arg_unsigned(sp, ap), 10, 0, "");
		break;
	case 'x':
	case 'X':
		number(o, sp, arg_unsigned(sp, ap), 16, c == 'X', "");
		break;
	case 'p':
		number(o, sp, (uintptr_t)va_arg(*ap, void *), 16, 0, "0x");
		break;
	case 's':
		string(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		ch = (char)va_arg(*ap, int);
		field(o, sp, "", &ch, 1);
		break;
	default:
		put(o, '%');
		if (c)
			put(o, c);
		break;
	}
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
	      va_list ap)
{
	struct out o = {.buf = buf, .size = size, .pos = 0};
	struct spec sp;
	va_list aq;

	/* va_copy so the helpers can take a pointer to it portably. */
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		convert(&o, &sp, *fmt, &aq);
		if (*fmt)
			fmt++;
	}
	va_end(aq);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *restrict fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	solo5_console_write(buf, len);
	return (int)len;
}

int printf(const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	solo5_console_write(s, strlen(s));
	solo5_console_write("\n", 1);
	return 1;
}
