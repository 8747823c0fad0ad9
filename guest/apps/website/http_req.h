/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.x request-head parser for the website: pure (no lwIP, no I/O), so
 * it can also be built and fuzzed on the host. Its input comes from the
 * network and is hostile: every read is bounded by the given length.
 */
#ifndef WEBSITE_HTTP_REQ_H
#define WEBSITE_HTTP_REQ_H

#include <stddef.h>

enum http_parse {
	HTTP_NEED_MORE, /* plausible so far, no complete head yet */
	HTTP_BAD, /* malformed: answer 400 and close */
	HTTP_OK, /* a complete head; see struct http_req */
};

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_req {
	enum http_method method;
	const char *path; /* into the buffer, query string removed */
	size_t path_len;
	int keep_alive; /* HTTP/1.1 unless "close"; 1.0 if "keep-alive" */
	int has_body; /* Content-Length > 0 or any Transfer-Encoding */
	size_t head_len; /* request line and headers, final CRLF included */
};

/* Parses the request head at the start of buf[0, len). */
enum http_parse http_req_parse(const char *buf, size_t len,
			       struct http_req *req);

#endif /* WEBSITE_HTTP_REQ_H */
