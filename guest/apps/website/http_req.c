/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.x request-head parsing (RFC 9112), strict where being lenient
 * would need guessing: CRLF line ends, origin-form targets, no obsolete line
 * folding. Pure and bounded: nothing is read at or past buf + len.
 */
#include <string.h>

#include "http_req.h"

#define METHOD_MAX 16

static int is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive compare of s[0, n) with the lower-case word (w). */
static int eq_nocase(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != w[i])
			return 0;
	return 1;
}

/* Offset of the first "\r\n" in s[from, len), or len if none. */
static size_t find_crlf(const char *s, size_t from, size_t len)
{
	for (size_t i = from; i + 1 < len; i++)
		if (s[i] == '\r' && s[i + 1] == '\n')
			return i;
	return len;
}

/* "METHOD SP /target SP HTTP/1.d"; the line is s[0, n). */
static int parse_request_line(const char *s, size_t n, struct http_req *req,
			      int *minor)
{
	size_t i = 0, t;

	while (i < n && i <= METHOD_MAX && is_tchar(s[i]))
		i++;
	if (i == 0 || i > METHOD_MAX || i >= n || s[i] != ' ')
		return 0;
	req->method = i == 3 && memcmp(s, "GET", 3) == 0    ? HTTP_GET
		      : i == 4 && memcmp(s, "HEAD", 4) == 0 ? HTTP_HEAD
							    : HTTP_OTHER;
	t = ++i;
	while (i < n && s[i] > ' ' && s[i] < 0x7f)
		i++;
	if (i == t || s[t] != '/' || n - i != 9 || s[i] != ' ' ||
	    memcmp(s + i + 1, "HTTP/1.", 7) != 0 ||
	    (s[i + 8] != '0' && s[i + 8] != '1'))
		return 0;
	req->path = s + t;
	req->path_len = i - t;
	for (size_t k = 0; k < req->path_len; k++)
		if (req->path[k] == '?' || req->path[k] == '#')
			req->path_len = k;
	*minor = s[i + 8] - '0';
	return 1;
}

/* Comma-separated tokens of a Connection header value. */
static void parse_connection(const char *v, size_t n, int *close, int *keep)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
			end--;
		if (eq_nocase(v + start, end - start, "close"))
			*close = 1;
		else if (eq_nocase(v + start, end - start, "keep-alive"))
			*keep = 1;
	}
}

/* One "name: value" line s[0, n); updates the flags we care about. */
static int parse_header(const char *s, size_t n, int *close, int *keep,
			int *body)
{
	size_t i = 0, v;

	while (i < n && is_tchar(s[i]))
		i++;
	if (i == 0 || i >= n || s[i] != ':')
		return 0;
	for (v = i + 1; v < n; v++)
		if ((unsigned char)s[v] < ' ' && s[v] != '\t')
			return 0;
	v = i + 1;
	while (v < n && (s[v] == ' ' || s[v] == '\t'))
		v++;
	if (eq_nocase(s, i, "connection"))
		parse_connection(s + v, n - v, close, keep);
	else if (eq_nocase(s, i, "transfer-encoding"))
		*body = 1;
	else if (eq_nocase(s, i, "content-length"))
		for (; v < n; v++)
			if (s[v] > '0' && s[v] <= '9')
				*body = 1;
	return 1;
}

enum http_parse http_req_parse(const char *buf, size_t len,
			       struct http_req *req)
{
	size_t eol = find_crlf(buf, 0, len), pos;
	int minor, close = 0, keep = 0, body = 0;

	if (eol == len) {
		/* No line yet: garbage is rejected as soon as it is seen. */
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)buf[i] < ' ' && buf[i] != '\r')
				return HTTP_BAD;
		return HTTP_NEED_MORE;
	}
	if (!parse_request_line(buf, eol, req, &minor))
		return HTTP_BAD;
	for (pos = eol + 2;; pos = eol + 2) {
		eol = find_crlf(buf, pos, len);
		if (eol == len)
			return HTTP_NEED_MORE;
		if (eol == pos)
			break; /* the empty line ending the head */
		if (!parse_header(buf + pos, eol - pos, &close, &keep, &body))
			return HTTP_BAD;
	}
	req->keep_alive = !close && (minor >= 1 || keep);
	req->has_body = body;
	req->head_len = eol + 2;
	return HTTP_OK;
}
