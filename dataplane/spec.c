/* SPDX-License-Identifier: ISC */
/*
 * Parser for the SPEC of --net:NAME=SPEC (see dataplane.h). Pure: runs on
 * the main thread while the command line is validated, before anything is
 * opened, so every mistake is reported before the VM exists.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"

static int fail(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -1;
}

const char *dp_port_kind_name(enum dp_port_kind kind)
{
	switch (kind) {
	case DP_PORT_TAP:
		return "tap";
	case DP_PORT_TAP_FD:
		return "tap fd";
	case DP_PORT_VHOST:
		return "vhost-user";
	case DP_PORT_VIRTIO_USER:
		return "virtio-user";
	case DP_PORT_DPDK:
		return "dpdk";
	}
	return "?";
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "vhost" followed by one or more digits, as in --net:service=vhost0. */
static bool is_vhost_name(const char *s)
{
	if (!starts_with(s, "vhost") || s[5] == '\0')
		return false;
	for (s += 5; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Linux interface names: 1 to 15 bytes, no '/', ':' or white space. */
static bool is_valid_ifname(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 15 || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return false;
	/* ',' and '=' would also split DPDK's devargs. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '/' || c == ':' || c == ',' || c == '=' || c <= ' ' ||
		    c == 0x7f)
			return false;
	}
	return true;
}

/*
 * "PATH[,FLAG]" into out->path; *has_flag tells whether ",FLAG" was given.
 * The path must fit a Unix socket address.
 */
static int parse_path_flag(const char *value, const char *flag, const char *opt,
			   struct dp_port_spec *out, bool *has_flag, char *err,
			   size_t err_len)
{
	const char *comma = strchr(value, ',');
	size_t len = comma ? (size_t)(comma - value) : strlen(value);

	*has_flag = false;
	if (comma != NULL) {
		if (strcmp(comma + 1, flag) != 0)
			return fail(err, err_len,
				    "%s: unknown flag '%s': the only flag "
				    "accepted is ',%s'",
				    opt, comma + 1, flag);
		*has_flag = true;
	}
	if (len == 0)
		return fail(err, err_len, "%s: missing socket path", opt);
	/* The path goes into DPDK devargs, which ',' and '=' would split. */
	if (memchr(value, '=', len) != NULL)
		return fail(err, err_len,
			    "%s: socket path '%.*s' contains '=': not accepted",
			    opt, (int)len, value);
	if (len >= sizeof(out->path))
		return fail(err, err_len,
			    "%s: socket path is %zu bytes: at most %zu fit a "
			    "Unix socket address",
			    opt, len, sizeof(out->path) - 1);
	memcpy(out->path, value, len);
	out->path[len] = '\0';
	return 0;
}

static int parse_fd(const char *spec, const char *opt, struct dp_port_spec *out,
		    char *err, size_t err_len)
{
	char *end;
	long v;

	if (spec[1] < '0' || spec[1] > '9')
		goto bad;
	v = strtol(spec + 1, &end, 10);
	if (*end != '\0' || v < 0 || v > 0x7fffffff)
		goto bad;
	out->kind = DP_PORT_TAP_FD;
	out->fd = (int)v;
	return 0;
bad:
	return fail(err, err_len,
		    "%s: '%s' is not a file descriptor: expected @ followed "
		    "by a number",
		    opt, spec);
}

static int parse_dpdk(const char *devargs, const char *opt,
		      struct dp_port_spec *out, char *err, size_t err_len)
{
	size_t len = strlen(devargs);

	if (len == 0)
		return fail(err, err_len,
			    "%s: missing device: expected dpdk:DEVARGS, e.g. "
			    "dpdk:net_null0 or dpdk:0000:01:00.0",
			    opt);
	if (len >= sizeof(out->devargs))
		return fail(err, err_len,
			    "%s: device arguments are %zu bytes: "
			    "at most %zu accepted",
			    opt, len, sizeof(out->devargs) - 1);
	out->kind = DP_PORT_DPDK;
	memcpy(out->devargs, devargs, len + 1);
	return 0;
}

int dp_port_spec_parse(const char *spec, const char *opt,
		       struct dp_port_spec *out, char *err, size_t err_len)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (spec[0] == '@')
		return parse_fd(spec, opt, out, err, err_len);
	if (starts_with(spec, "vhost:")) {
		out->kind = DP_PORT_VHOST;
		return parse_path_flag(spec + 6, "client", opt, out,
				       &out->client, err, err_len);
	}
	if (starts_with(spec, "virtio-user:")) {
		out->kind = DP_PORT_VIRTIO_USER;
		return parse_path_flag(spec + 12, "server", opt, out,
				       &out->server, err, err_len);
	}
	if (starts_with(spec, "dpdk:"))
		return parse_dpdk(spec + 5, opt, out, err, err_len);
	if (is_vhost_name(spec)) {
		out->kind = DP_PORT_VHOST;
		if ((size_t)snprintf(out->path, sizeof(out->path), "%s/%s.sock",
				     DP_VHOST_DEFAULT_DIR,
				     spec) >= sizeof(out->path))
			return fail(err, err_len, "%s: name too long", opt);
		return 0;
	}
	if (!is_valid_ifname(spec))
		return fail(err, err_len,
			    "%s: '%s' is not an interface name (1 to 15 "
			    "characters without '/', ':', ',', '=' or spaces), "
			    "vhostN, "
			    "vhost:PATH[,client], virtio-user:PATH[,server], "
			    "dpdk:DEVARGS or @FD",
			    opt, spec);
	out->kind = DP_PORT_TAP;
	memcpy(out->ifname, spec, strlen(spec) + 1);
	return 0;
}

bool dp_needs_shared_mem(const struct dp_config *cfg)
{
	for (unsigned i = 0; i < cfg->nb_nics; i++)
		if (cfg->nics[i].spec.kind == DP_PORT_VIRTIO_USER)
			return true;
	return false;
}
