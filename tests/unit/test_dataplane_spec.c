/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the --net:NAME=SPEC parser (dataplane/spec.c): every port
 * kind in its good forms with the fields it sets, the limits on each length
 * (one byte under and at the limit), and hostile values, whose messages must
 * name the option (as tender/cli.c passes it: "--net:NAME", without the
 * spec) and the bad value. Pure: no DPDK start-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dataplane.h"

#define OPT "--net:service"

static struct dp_port_spec spec;
static char err[512];

/* Parse must succeed with no message. */
static void expect_ok(const char *s)
{
	err[0] = '\0';
	if (dp_port_spec_parse(s, OPT, &spec, err, sizeof(err)) != 0)
		fail_msg("'%s' refused: %s", s, err);
	assert_string_equal(err, "");
}

/* Parse must fail with a message naming OPT and each given fragment. */
static void expect_error(const char *s, const char *frag1, const char *frag2)
{
	err[0] = '\0';
	assert_int_equal(dp_port_spec_parse(s, OPT, &spec, err, sizeof(err)),
			 -1);
	if (strncmp(err, OPT ":", strlen(OPT ":")) != 0 ||
	    (frag1 != NULL && strstr(err, frag1) == NULL) ||
	    (frag2 != NULL && strstr(err, frag2) == NULL))
		fail_msg("'%s': message '%s' lacks '" OPT ":' / '%s' / '%s'", s,
			 err, frag1 ? frag1 : "", frag2 ? frag2 : "");
}

/* An interface-name error: names the value, quoted, and what is accepted. */
static void expect_bad_ifname(const char *s)
{
	char quoted[64];

	snprintf(quoted, sizeof(quoted), "'%s'", s);
	expect_error(s, quoted, "is not an interface name");
}

/* A string of n copies of c after prefix, in a static buffer. */
static const char *repeat(const char *prefix, char c, size_t n)
{
	static char buf[1024];
	size_t plen = strlen(prefix);

	assert_true(plen + n < sizeof(buf));
	memcpy(buf, prefix, plen);
	memset(buf + plen, c, n);
	buf[plen + n] = '\0';
	return buf;
}

static void test_tap_names(void **state)
{
	(void)state;
	expect_ok("a");
	assert_int_equal(spec.kind, DP_PORT_TAP);
	assert_string_equal(spec.ifname, "a");
	assert_int_equal(spec.fd, -1);
	assert_string_equal(spec.path, "");
	assert_string_equal(spec.devargs, "");
	assert_false(spec.client);
	assert_false(spec.server);

	expect_ok("abcdefghijklmno"); /* 15: IFNAMSIZ - 1 */
	assert_int_equal(spec.kind, DP_PORT_TAP);
	assert_string_equal(spec.ifname, "abcdefghijklmno");

	expect_ok("tap-0_x.y");
	assert_string_equal(spec.ifname, "tap-0_x.y");
}

static void test_tap_names_bad(void **state)
{
	(void)state;
	expect_bad_ifname("abcdefghijklmnop"); /* 16 */
	expect_bad_ifname(repeat("", 'x', 200));
	expect_bad_ifname("a/b");
	expect_bad_ifname("/");
	expect_bad_ifname("a:b");
	expect_bad_ifname("tap0:1"); /* an alias, not an interface */
	expect_bad_ifname("a b");
	expect_bad_ifname(" a");
	expect_bad_ifname("a\tb");
	expect_bad_ifname("a\nb");
	expect_bad_ifname(".");
	expect_bad_ifname("..");
	expect_bad_ifname("");
	/* "..." and ".x" are valid Linux names. */
	expect_ok("...");
	assert_string_equal(spec.ifname, "...");
	expect_ok(".x");
}

static void test_tap_fd(void **state)
{
	(void)state;
	expect_ok("@0");
	assert_int_equal(spec.kind, DP_PORT_TAP_FD);
	assert_int_equal(spec.fd, 0);
	assert_string_equal(spec.ifname, "");

	expect_ok("@2147483647");
	assert_int_equal(spec.kind, DP_PORT_TAP_FD);
	assert_int_equal(spec.fd, 2147483647);

	expect_ok("@007");
	assert_int_equal(spec.fd, 7);
}

static void test_tap_fd_bad(void **state)
{
	static const char *const bad[] = {
	    "@2147483648", "@4294967296", "@99999999999999999999999",
	    "@-1",	   "@",		  "@1x",
	    "@ 1",	   "@+1",	  "@0x10",
	    "@1 ",	   "@@1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
		expect_error(bad[i], quoted, "is not a file descriptor");
	}
}

static void test_vhost_names(void **state)
{
	(void)state;
	expect_ok("vhost0");
	assert_int_equal(spec.kind, DP_PORT_VHOST);
	assert_string_equal(spec.path, DP_VHOST_DEFAULT_DIR "/vhost0.sock");
	assert_false(spec.client);
	assert_int_equal(spec.fd, -1);
	assert_string_equal(spec.ifname, "");

	expect_ok("vhost12");
	assert_int_equal(spec.kind, DP_PORT_VHOST);
	assert_string_equal(spec.path, DP_VHOST_DEFAULT_DIR "/vhost12.sock");

	/* Not vhostN: plain (valid) interface names. */
	expect_ok("vhost");
	assert_int_equal(spec.kind, DP_PORT_TAP);
	assert_string_equal(spec.ifname, "vhost");
	expect_ok("vhostx");
	assert_int_equal(spec.kind, DP_PORT_TAP);
	assert_string_equal(spec.ifname, "vhostx");
	expect_ok("vhost1x");
	assert_int_equal(spec.kind, DP_PORT_TAP);
}

static void test_vhost_name_too_long(void **state)
{
	/* DP_VHOST_DEFAULT_DIR "/vhost" + digits + ".sock" must fit. */
	size_t fixed = strlen(DP_VHOST_DEFAULT_DIR "/vhost.sock");
	size_t max_digits = DP_PATH_MAX - 1 - fixed;

	(void)state;
	expect_ok(repeat("vhost", '7', max_digits));
	assert_int_equal(spec.kind, DP_PORT_VHOST);
	assert_int_equal(strlen(spec.path), DP_PATH_MAX - 1);
	expect_error(repeat("vhost", '7', max_digits + 1), "too long", NULL);
}

static void test_vhost_path(void **state)
{
	(void)state;
	expect_ok("vhost:/tmp/x.sock");
	assert_int_equal(spec.kind, DP_PORT_VHOST);
	assert_string_equal(spec.path, "/tmp/x.sock");
	assert_false(spec.client);
	assert_false(spec.server);

	expect_ok("vhost:/tmp/x.sock,client");
	assert_int_equal(spec.kind, DP_PORT_VHOST);
	assert_string_equal(spec.path, "/tmp/x.sock");
	assert_true(spec.client);

	expect_ok("vhost:relative");
	assert_string_equal(spec.path, "relative");
}

static void test_vhost_path_bad(void **state)
{
	(void)state;
	expect_error("vhost:/tmp/x,server", "'server'", ",client");
	expect_error("vhost:/tmp/x,", "''", ",client");
	expect_error("vhost:/tmp/x,client,client", "'client,client'", NULL);
	expect_error("vhost:/a,b", "'b'", NULL);
	expect_error("vhost:,client", "missing socket path", NULL);
	expect_error("vhost:", "missing socket path", NULL);
}

static void test_socket_path_limit(void **state)
{
	static char s[DP_PATH_MAX + 64];

	(void)state;
	/* 107 bytes and the NUL fill sun_path; 108 do not. */
	snprintf(s, sizeof(s), "%s", repeat("vhost:/", 'p', 106));
	expect_ok(s);
	assert_int_equal(strlen(spec.path), 107);
	assert_int_equal(spec.path[0], '/');

	snprintf(s, sizeof(s), "%s,client", repeat("vhost:/", 'p', 106));
	expect_ok(s);
	assert_int_equal(strlen(spec.path), 107);
	assert_true(spec.client);

	snprintf(s, sizeof(s), "%s", repeat("vhost:/", 'p', 107));
	expect_error(s, "108 bytes", "at most 107");
	snprintf(s, sizeof(s), "%s,client", repeat("vhost:/", 'p', 107));
	expect_error(s, "108 bytes", "at most 107");

	snprintf(s, sizeof(s), "%s", repeat("virtio-user:/", 'p', 106));
	expect_ok(s);
	assert_int_equal(strlen(spec.path), 107);
	snprintf(s, sizeof(s), "%s", repeat("virtio-user:/", 'p', 107));
	expect_error(s, "108 bytes", "at most 107");
}

static void test_virtio_user(void **state)
{
	(void)state;
	expect_ok("virtio-user:/run/ovs.sock");
	assert_int_equal(spec.kind, DP_PORT_VIRTIO_USER);
	assert_string_equal(spec.path, "/run/ovs.sock");
	assert_false(spec.server);
	assert_false(spec.client);

	expect_ok("virtio-user:/run/ovs.sock,server");
	assert_int_equal(spec.kind, DP_PORT_VIRTIO_USER);
	assert_string_equal(spec.path, "/run/ovs.sock");
	assert_true(spec.server);
	assert_false(spec.client);

	expect_error("virtio-user:/run/ovs.sock,client", "'client'", ",server");
	expect_error("virtio-user:,server", "missing socket path", NULL);
	expect_error("virtio-user:", "missing socket path", NULL);
}

static void test_dpdk(void **state)
{
	static char s[512];

	(void)state;
	expect_ok("dpdk:net_null0");
	assert_int_equal(spec.kind, DP_PORT_DPDK);
	assert_string_equal(spec.devargs, "net_null0");
	assert_int_equal(spec.fd, -1);

	expect_ok("dpdk:0000:01:00.0");
	assert_string_equal(spec.devargs, "0000:01:00.0");
	expect_ok("dpdk:net_ring0,nodeaction=r0:0:CREATE");
	assert_string_equal(spec.devargs, "net_ring0,nodeaction=r0:0:CREATE");

	snprintf(s, sizeof(s), "%s", repeat("dpdk:", 'd', 255));
	expect_ok(s);
	assert_int_equal(strlen(spec.devargs), 255);

	expect_error("dpdk:", "missing device", "dpdk:DEVARGS");
	snprintf(s, sizeof(s), "%s", repeat("dpdk:", 'd', 256));
	expect_error(s, "256 bytes", "at most 255");
}

/* A failed parse may be followed by a good one: out is rewritten whole. */
static void test_out_reset(void **state)
{
	(void)state;
	expect_ok("vhost:/tmp/x,client");
	expect_ok("eth0");
	assert_int_equal(spec.kind, DP_PORT_TAP);
	assert_string_equal(spec.path, "");
	assert_false(spec.client);
	assert_int_equal(spec.fd, -1);
}

/* A message is cut to err_len, never overflows it. */
static void test_short_err_buffer(void **state)
{
	char small[8];

	(void)state;
	memset(small, 'z', sizeof(small));
	assert_int_equal(
	    dp_port_spec_parse("a/b", OPT, &spec, small, sizeof(small) - 2),
	    -1);
	assert_int_equal(strlen(small), sizeof(small) - 3);
	assert_int_equal(small[sizeof(small) - 1], 'z');
	assert_int_equal(dp_port_spec_parse("@x", OPT, &spec, small, 0), -1);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(dp_port_kind_name(DP_PORT_TAP), "tap");
	assert_string_equal(dp_port_kind_name(DP_PORT_TAP_FD), "tap fd");
	assert_string_equal(dp_port_kind_name(DP_PORT_VHOST), "vhost-user");
	assert_string_equal(dp_port_kind_name(DP_PORT_VIRTIO_USER),
			    "virtio-user");
	assert_string_equal(dp_port_kind_name(DP_PORT_DPDK), "dpdk");
	assert_string_equal(dp_port_kind_name((enum dp_port_kind)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tap_names),
	    cmocka_unit_test(test_tap_names_bad),
	    cmocka_unit_test(test_tap_fd),
	    cmocka_unit_test(test_tap_fd_bad),
	    cmocka_unit_test(test_vhost_names),
	    cmocka_unit_test(test_vhost_name_too_long),
	    cmocka_unit_test(test_vhost_path),
	    cmocka_unit_test(test_vhost_path_bad),
	    cmocka_unit_test(test_socket_path_limit),
	    cmocka_unit_test(test_virtio_user),
	    cmocka_unit_test(test_dpdk),
	    cmocka_unit_test(test_out_reset),
	    cmocka_unit_test(test_short_err_buffer),
	    cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
