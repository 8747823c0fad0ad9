/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the command-line parser and validator (tender/cli.c),
 * driven by literal argv arrays: good forms, each bad value's message, and
 * the guest command-line length limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

static struct tender_config cfg;
static char err[512];

static int parse(int argc, char *const *argv)
{
	err[0] = '\0';
	if (tender_cli_parse(&cfg, argc, argv, err, sizeof(err)) < 0)
		return -1;
	return tender_config_validate(&cfg, err, sizeof(err));
}

/* Parse must fail with a message containing every given fragment. */
static void expect_error(int argc, char *const *argv, const char *frag1,
			 const char *frag2)
{
	assert_int_equal(parse(argc, argv), -1);
	if (strstr(err, frag1) == NULL || (frag2 && !strstr(err, frag2)))
		fail_msg("message '%s' lacks '%s' / '%s'", err, frag1,
			 frag2 ? frag2 : "");
}

static void test_defaults_and_kernel(void **state)
{
	char *argv[] = {"hvt-dpdk", "--", "k.hvt", "--ipv4=10.0.0.2/24", "x"};

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(cfg.mem_size, 512ULL << 20);
	assert_string_equal(cfg.kernel_path, "k.hvt");
	assert_int_equal(cfg.guest_argc, 2);
	assert_string_equal(cfg.guest_argv[0], "--ipv4=10.0.0.2/24");
}

static void test_kernel_without_dashdash(void **state)
{
	char *argv[] = {"hvt-dpdk", "--mem=64", "k.hvt", "--mem=2"};

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(cfg.mem_size, 64ULL << 20);
	assert_string_equal(cfg.kernel_path, "k.hvt");
	/* Options after the kernel belong to the guest. */
	assert_int_equal(cfg.guest_argc, 1);
}

static void test_mem_values(void **state)
{
	char *odd[] = {"t", "--mem=3", "k"};
	char *min[] = {"t", "--mem=2", "k"};
	char *max[] = {"t", "--mem=4096", "k"};
	char *hex[] = {"t", "--mem=0x40", "k"};

	(void)state;
	assert_int_equal(parse(ARGC(odd), odd), 0);
	assert_int_equal(cfg.mem_size, 2ULL << 20);
	assert_int_equal(parse(ARGC(min), min), 0);
	assert_int_equal(parse(ARGC(max), max), 0);
	assert_int_equal(cfg.mem_size, 4096ULL << 20);
	assert_int_equal(parse(ARGC(hex), hex), 0);
	assert_int_equal(cfg.mem_size, 64ULL << 20);
}

static void test_mem_errors(void **state)
{
	const char *bad[] = {
	    "--mem=0",	 "--mem=1",   "--mem=4097",
	    "--mem=",	 "--mem=-5",  "--mem= 64",
	    "--mem=64M", "--mem=abc", "--mem=99999999999999999999999"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {"t", (char *)bad[i], "k"};
		expect_error(ARGC(argv), argv, bad[i], "from 2 to 4096");
	}
}

static void test_block_options(void **state)
{
	char *argv[] = {"t", "--block-sector-size:disk=4096",
			"--block:disk=/tmp/d.img", "--block:b2=x", "k"};

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(cfg.nb_blocks, 2);
	assert_string_equal(cfg.blocks[0].name, "disk");
	assert_string_equal(cfg.blocks[0].path, "/tmp/d.img");
	assert_int_equal(cfg.blocks[0].sector_size, 4096);
	assert_int_equal(cfg.blocks[1].sector_size, 0);
}

static void test_block_errors(void **state)
{
	char *noeq[] = {"t", "--block:disk", "k"};
	char *empty[] = {"t", "--block:disk=", "k"};
	char *badname[] = {"t", "--block:my-disk=x", "k"};
	char *noname[] = {"t", "--block:=x", "k"};
	char *twice[] = {"t", "--block:d=x", "--block:d=y", "k"};
	char *ss_np2[] = {"t", "--block:d=x", "--block-sector-size:d=1000",
			  "k"};
	char *ss_small[] = {"t", "--block:d=x", "--block-sector-size:d=256",
			    "k"};
	char *ss_alone[] = {"t", "--block-sector-size:d=512", "k"};
	char *clash[] = {"t", "--net:d=tap0", "--block:d=x", "k"};

	(void)state;
	expect_error(ARGC(noeq), noeq, "--block:disk", "NAME=VALUE");
	expect_error(ARGC(empty), empty, "--block:disk=", "PATH");
	expect_error(ARGC(badname), badname, "my-disk", "letters or digits");
	expect_error(ARGC(noname), noname, "invalid device name", NULL);
	expect_error(ARGC(twice), twice, "given twice", NULL);
	expect_error(ARGC(ss_np2), ss_np2, "1000", "power of two");
	expect_error(ARGC(ss_small), ss_small, "256", "512 to 32768");
	expect_error(ARGC(ss_alone), ss_alone, "without --block:d=PATH", NULL);
	expect_error(ARGC(clash), clash, "already a network device", NULL);
}

static void test_name_length(void **state)
{
	char opt[128] = "--block:";
	char *argv[] = {"t", opt, "k"};

	(void)state;
	memset(opt + 8, 'a', 67);
	strcpy(opt + 8 + 67, "=x");
	assert_int_equal(parse(ARGC(argv), argv), 0);
	memset(opt + 8, 'a', 68);
	strcpy(opt + 8 + 68, "=x");
	expect_error(ARGC(argv), argv, "invalid device name", "1 to 67");
}

static void test_net_options(void **state)
{
	char *argv[] = {"t", "--net-mac:service=02:AB:cd:00:00:01",
			"--net:service=tap0", "--net:ctl=@7", "k"};

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(cfg.nb_nets, 2);
	assert_string_equal(cfg.nets[0].spec, "tap0");
	assert_true(cfg.nets[0].has_mac);
	assert_int_equal(cfg.nets[0].mac[1], 0xab);
	assert_int_equal(cfg.nets[0].mac[5], 0x01);
	assert_int_equal(cfg.nets[0].port.kind, DP_PORT_TAP);
	assert_string_equal(cfg.nets[0].port.ifname, "tap0");
	assert_int_equal(cfg.nets[1].port.kind, DP_PORT_TAP_FD);
	assert_int_equal(cfg.nets[1].port.fd, 7);
}

static void test_net_errors(void **state)
{
	const char *bad_macs[] = {"02:00:00:00:00",    "02:00:00:00:00:01:02",
				  "02-00-00-00-00-01", "0g:00:00:00:00:01",
				  "2:00:00:00:00:01",  ""};
	char *fd[] = {"t", "--net:s=@x", "k"};
	char *fd2[] = {"t", "--net:s=@", "k"};
	char *mcast[] = {"t", "--net:s=tap0", "--net-mac:s=01:00:5e:00:00:01",
			 "k"};
	char *alone[] = {"t", "--net-mac:s=02:00:00:00:00:01", "k"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad_macs) / sizeof(bad_macs[0]); i++) {
		char opt[64];
		char *argv[] = {"t", "--net:s=tap0", opt, "k"};
		snprintf(opt, sizeof(opt), "--net-mac:s=%s", bad_macs[i]);
		expect_error(ARGC(argv), argv, "is not a MAC address", NULL);
	}
	const char *bad_ifs[] = {
	    "0123456789abcdef", "a/b", "a b", "tap:0", "..",
	    "a,remote=lo",	"a=b"};

	for (size_t i = 0; i < sizeof(bad_ifs) / sizeof(bad_ifs[0]); i++) {
		char opt[64];
		char *argv[] = {"t", opt, "k"};
		snprintf(opt, sizeof(opt), "--net:s=%s", bad_ifs[i]);
		expect_error(ARGC(argv), argv, bad_ifs[i],
			     "is not an interface name");
		assert_non_null(strstr(err, "vhostN"));
	}
	expect_error(ARGC(fd), fd, "@x", "file descriptor");
	expect_error(ARGC(fd2), fd2, "file descriptor", NULL);
	expect_error(ARGC(mcast), mcast, "multicast", NULL);
	expect_error(ARGC(alone), alone, "without --net:s=SPEC", NULL);
}

static void test_net_port_kinds(void **state)
{
	char *argv[] = {"t",
			"--net:a=vhost0",
			"--net:b=vhost:/tmp/s.sock,client",
			"--net:c=dpdk:net_null0,size=64",
			"--net:d=vhost:/tmp/x",
			"--net-mtu:a=9000",
			"k"};

	(void)state;
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(cfg.nets[0].port.kind, DP_PORT_VHOST);
	assert_string_equal(cfg.nets[0].port.path,
			    DP_VHOST_DEFAULT_DIR "/vhost0.sock");
	assert_false(cfg.nets[0].port.client);
	assert_int_equal(cfg.nets[0].mtu, 9000);
	assert_string_equal(cfg.nets[1].port.path, "/tmp/s.sock");
	assert_true(cfg.nets[1].port.client);
	assert_int_equal(cfg.nets[2].port.kind, DP_PORT_DPDK);
	assert_string_equal(cfg.nets[2].port.devargs, "net_null0,size=64");
	assert_false(cfg.nets[3].port.client);
}

static void test_net_port_errors(void **state)
{
	char *flag[] = {"t", "--net:a=vhost:/tmp/s,server", "k"};
	char *nopath[] = {"t", "--net:a=vhost:", "k"};
	char *nodev[] = {"t", "--net:a=dpdk:", "k"};
	char *mtu_low[] = {"t", "--net:a=tap0", "--net-mtu:a=67", "k"};
	char *mtu_junk[] = {"t", "--net:a=tap0", "--net-mtu:a=1500x", "k"};
	char *mtu_alone[] = {"t", "--net-mtu:a=1500", "k"};
	static char longpath[200] = "--net:a=vhost:/";

	(void)state;
	expect_error(ARGC(flag), flag, "--net:a",
		     "only flag accepted is ',client'");
	expect_error(ARGC(nopath), nopath, "missing socket path", NULL);
	expect_error(ARGC(nodev), nodev, "dpdk:DEVARGS", NULL);
	char *eqpath[] = {"t", "--net:a=vhost:/tmp/a=b", "k"};
	expect_error(ARGC(eqpath), eqpath, "/tmp/a=b", "contains '='");
	expect_error(ARGC(mtu_low), mtu_low, "--net-mtu:a=67", "68 to 65521");
	expect_error(ARGC(mtu_junk), mtu_junk, "1500x", NULL);
	expect_error(ARGC(mtu_alone), mtu_alone, "without --net:a=SPEC", NULL);
	memset(longpath + strlen(longpath), 'p', 120);
	char *lp[] = {"t", longpath, "k"};
	expect_error(ARGC(lp), lp, "fit a Unix socket address", NULL);
}

static void test_dataplane_options(void **state)
{
	char *ok[] = {"t",
		      "--poll=always",
		      "--poll-cpu=1",
		      "--vcpu-cpu=0",
		      "--net-ring=off",
		      "--eal-args=--no-huge -m 64",
		      "k"};
	char *badpoll[] = {"t", "--poll=sometimes", "k"};
	char *badcpu[] = {"t", "--poll-cpu=-1", "k"};
	char *badring[] = {"t", "--net-ring=yes", "k"};

	(void)state;
	assert_int_equal(parse(ARGC(ok), ok), 0);
	assert_true(cfg.poll_always);
	assert_int_equal(cfg.poll_cpu, 1);
	assert_int_equal(cfg.vcpu_cpu, 0);
	assert_false(cfg.net_ring);
	assert_string_equal(cfg.eal_args, "--no-huge -m 64");
	expect_error(ARGC(badpoll), badpoll, "sometimes",
		     "'adaptive' or 'always'");
	expect_error(ARGC(badcpu), badcpu, "--poll-cpu=-1", "CPU number");
	expect_error(ARGC(badring), badring, "--net-ring=yes", "'on' or 'off'");
}

/* --net-fastpath and --net-ring share one on/off parser; the whole
 * message is checked since only the option name differs. */
static void test_on_off_options(void **state)
{
	char *dflt[] = {"t", "k"};
	char *fp_off[] = {"t", "--net-fastpath=off", "k"};
	char *fp_on[] = {"t", "--net-fastpath=off", "--net-fastpath=on", "k"};
	char *fp_bad[] = {"t", "--net-fastpath=maybe", "k"};
	char *fp_empty[] = {"t", "--net-fastpath=", "k"};
	char *fp_case[] = {"t", "--net-fastpath=ON", "k"};
	char *ring_bad[] = {"t", "--net-ring=bad", "k"};
	char *ring_on[] = {"t", "--net-ring=off", "--net-ring=on", "k"};

	(void)state;
	assert_int_equal(parse(ARGC(dflt), dflt), 0);
	assert_true(cfg.net_fastpath);
	assert_true(cfg.net_ring);
	assert_int_equal(parse(ARGC(fp_off), fp_off), 0);
	assert_false(cfg.net_fastpath);
	assert_true(cfg.net_ring); /* independent of the fast path */
	assert_int_equal(parse(ARGC(fp_on), fp_on), 0);
	assert_true(cfg.net_fastpath);
	assert_int_equal(parse(ARGC(ring_on), ring_on), 0);
	assert_true(cfg.net_ring);
	assert_true(cfg.net_fastpath);
	assert_int_equal(parse(ARGC(fp_bad), fp_bad), -1);
	assert_string_equal(err,
			    "--net-fastpath=maybe: expected 'on' or 'off'");
	assert_int_equal(parse(ARGC(fp_empty), fp_empty), -1);
	assert_string_equal(err, "--net-fastpath=: expected 'on' or 'off'");
	assert_int_equal(parse(ARGC(fp_case), fp_case), -1);
	assert_string_equal(err, "--net-fastpath=ON: expected 'on' or 'off'");
	assert_int_equal(parse(ARGC(ring_bad), ring_bad), -1);
	assert_string_equal(err, "--net-ring=bad: expected 'on' or 'off'");
}

static void test_too_many_devices(void **state)
{
	char *argv[TENDER_MAX_DEVS + 3];
	char opts[TENDER_MAX_DEVS + 1][32];

	(void)state;
	argv[0] = "t";
	for (int i = 0; i <= TENDER_MAX_DEVS; i++) {
		snprintf(opts[i], sizeof(opts[i]), "--block:d%d=x", i);
		argv[i + 1] = opts[i];
	}
	argv[TENDER_MAX_DEVS + 2] = "k";
	/* 63 devices are accepted, the 64th is refused. */
	assert_int_equal(parse(TENDER_MAX_DEVS + 1, argv), -1);
	assert_non_null(strstr(err, "missing KERNEL"));
	expect_error(TENDER_MAX_DEVS + 3, argv, "too many devices", "63");
}

static void test_misc(void **state)
{
	char *unknown[] = {"t", "--frobnicate", "k"};
	char *nokernel[] = {"t", "--mem=64"};
	char *help[] = {"t", "--help"};
	char *version[] = {"t", "--version"};

	(void)state;
	expect_error(ARGC(unknown), unknown, "unknown option '--frobnicate'",
		     "--help");
	expect_error(ARGC(nokernel), nokernel, "missing KERNEL", NULL);
	assert_int_equal(parse(ARGC(help), help), 0);
	assert_true(cfg.show_help);
	assert_int_equal(parse(ARGC(version), version), 0);
	assert_true(cfg.show_version);
}

static void test_cmdline_limit(void **state)
{
	static char big[HVT_CMDLINE_MAX + 8];
	static char out[HVT_CMDLINE_MAX];
	char *argv[] = {"t", "k", "a", big};

	(void)state;
	/* "a" + " " + big == 8191 characters: the most accepted. */
	memset(big, 'x', HVT_CMDLINE_MAX - 1 - 2);
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(tender_cmdline_build(&cfg, out, sizeof(out)), 0);
	assert_int_equal(strlen(out), HVT_CMDLINE_MAX - 1);
	assert_memory_equal(out, "a xx", 4);
	big[HVT_CMDLINE_MAX - 3] = 'x';
	assert_int_equal(parse(ARGC(argv), argv), 0);
	assert_int_equal(tender_cmdline_build(&cfg, out, sizeof(out)), -1);
}

static void test_parse_u64(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(
	    tender_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(
	    tender_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -1);
	assert_int_equal(tender_parse_u64("+1", 0, 10, &v), -1);
	assert_int_equal(tender_parse_u64("1x", 0, 10, &v), -1);
	assert_int_equal(tender_parse_u64("11", 0, 10, &v), -1);
	assert_int_equal(tender_parse_u64("", 0, 10, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_and_kernel),
	    cmocka_unit_test(test_kernel_without_dashdash),
	    cmocka_unit_test(test_mem_values),
	    cmocka_unit_test(test_mem_errors),
	    cmocka_unit_test(test_block_options),
	    cmocka_unit_test(test_block_errors),
	    cmocka_unit_test(test_name_length),
	    cmocka_unit_test(test_net_options),
	    cmocka_unit_test(test_net_errors),
	    cmocka_unit_test(test_net_port_kinds),
	    cmocka_unit_test(test_net_port_errors),
	    cmocka_unit_test(test_dataplane_options),
	    cmocka_unit_test(test_on_off_options),
	    cmocka_unit_test(test_too_many_devices),
	    cmocka_unit_test(test_misc),
	    cmocka_unit_test(test_cmdline_limit),
	    cmocka_unit_test(test_parse_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
