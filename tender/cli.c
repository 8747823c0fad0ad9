/* SPDX-License-Identifier: ISC */
/*
 * Parser and validator for the tender's command line (see cli.h). Pure:
 * no file is opened and nothing is printed; every error is one line naming
 * the option, the value and what is accepted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

#define MIB (1024ULL * 1024ULL)

int tender_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts leading blanks and a minus sign: refuse both. */
	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Device names as Solo5 accepts them: 1 to 67 of [A-Za-z0-9]. */
static bool is_valid_dev_name(const char *name, size_t len)
{
	if (len == 0 || len >= HVT_MFT_NAME_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/*
 * Split "--opt:NAME=VALUE" (arg points past "--opt:") into name and value.
 */
static int split_dev_arg(const char *opt, const char *arg, char *name,
			 const char **value, char *err, size_t err_len)
{
	const char *eq = strchr(arg, '=');
	size_t len;

	if (eq == NULL)
		return tender_errf(err, err_len,
				   "%s%s: missing '=': expected %sNAME=VALUE",
				   opt, arg, opt);
	len = (size_t)(eq - arg);
	if (!is_valid_dev_name(arg, len))
		return tender_errf(
		    err, err_len,
		    "%s%.*s: invalid device name '%.*s': expected 1 "
		    "to %d letters or digits",
		    opt, (int)len, arg, (int)len, arg, HVT_MFT_NAME_SIZE - 1);
	memcpy(name, arg, len);
	name[len] = '\0';
	*value = eq + 1;
	return 0;
}

static struct tender_block_opt *block_get(struct tender_config *cfg,
					  const char *name)
{
	for (unsigned i = 0; i < cfg->nb_blocks; i++)
		if (strcmp(cfg->blocks[i].name, name) == 0)
			return &cfg->blocks[i];
	if (cfg->nb_blocks + cfg->nb_nets >= TENDER_MAX_DEVS)
		return NULL;
	struct tender_block_opt *b = &cfg->blocks[cfg->nb_blocks++];
	memset(b, 0, sizeof(*b));
	strcpy(b->name, name);
	return b;
}

static struct tender_net_opt *net_get(struct tender_config *cfg,
				      const char *name)
{
	for (unsigned i = 0; i < cfg->nb_nets; i++)
		if (strcmp(cfg->nets[i].name, name) == 0)
			return &cfg->nets[i];
	if (cfg->nb_blocks + cfg->nb_nets >= TENDER_MAX_DEVS)
		return NULL;
	struct tender_net_opt *n = &cfg->nets[cfg->nb_nets++];
	memset(n, 0, sizeof(*n));
	strcpy(n->name, name);
	return n;
}

static bool has_net(const struct tender_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nb_nets; i++)
		if (strcmp(cfg->nets[i].name, name) == 0)
			return true;
	return false;
}

static bool has_block(const struct tender_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nb_blocks; i++)
		if (strcmp(cfg->blocks[i].name, name) == 0)
			return true;
	return false;
}

static int too_many(char *err, size_t err_len, const char *arg)
{
	return tender_errf(err, err_len, "%s: too many devices: at most %d",
			   arg, TENDER_MAX_DEVS);
}

static int parse_mem(struct tender_config *cfg, const char *value, char *err,
		     size_t err_len)
{
	uint64_t mib;

	if (tender_parse_u64(value, HVT_MEM_MIN_MIB, HVT_MEM_MAX_MIB, &mib) < 0)
		return tender_errf(
		    err, err_len,
		    "--mem=%s: expected a size in MiB from %d to %d", value,
		    HVT_MEM_MIN_MIB, HVT_MEM_MAX_MIB);
	/* Guest memory is mapped with 2 MiB pages: round down. */
	cfg->mem_size = (mib & ~1ULL) * MIB;
	return 0;
}

static int parse_block(struct tender_config *cfg, const char *arg, char *err,
		       size_t err_len)
{
	static const char opt[] = "--block:";
	char name[HVT_MFT_NAME_SIZE];
	const char *path;
	struct tender_block_opt *b;

	if (split_dev_arg(opt, arg, name, &path, err, err_len) < 0)
		return -1;
	if (path[0] == '\0')
		return tender_errf(err, err_len, "%s%s: expected %s%s=PATH",
				   opt, arg, opt, name);
	if (has_net(cfg, name))
		return tender_errf(
		    err, err_len,
		    "%s%s: device '%s' is already a network device", opt, arg,
		    name);
	b = block_get(cfg, name);
	if (b == NULL)
		return too_many(err, err_len, arg);
	if (b->path != NULL)
		return tender_errf(err, err_len,
				   "%s%s: device '%s' given twice", opt, arg,
				   name);
	b->path = path;
	return 0;
}

static int parse_sector_size(struct tender_config *cfg, const char *arg,
			     char *err, size_t err_len)
{
	static const char opt[] = "--block-sector-size:";
	char name[HVT_MFT_NAME_SIZE];
	const char *value;
	struct tender_block_opt *b;
	uint64_t n;

	if (split_dev_arg(opt, arg, name, &value, err, err_len) < 0)
		return -1;
	/* The manifest stores block_size in 16 bits. */
	if (tender_parse_u64(value, 512, 32768, &n) < 0 || (n & (n - 1)) != 0)
		return tender_errf(
		    err, err_len,
		    "%s%s: sector size '%s' must be a power of two "
		    "from 512 to 32768",
		    opt, arg, value);
	if (has_net(cfg, name))
		return tender_errf(err, err_len,
				   "%s%s: device '%s' is a network device", opt,
				   arg, name);
	b = block_get(cfg, name);
	if (b == NULL)
		return too_many(err, err_len, arg);
	if (b->sector_size != 0)
		return tender_errf(err, err_len, "%s%s: given twice for '%s'",
				   opt, arg, name);
	b->sector_size = (uint32_t)n;
	return 0;
}

static int parse_net(struct tender_config *cfg, const char *arg, char *err,
		     size_t err_len)
{
	static const char opt[] = "--net:";
	char name[HVT_MFT_NAME_SIZE];
	const char *spec;
	struct tender_net_opt *n;

	if (split_dev_arg(opt, arg, name, &spec, err, err_len) < 0)
		return -1;
	if (spec[0] == '\0')
		return tender_errf(err, err_len,
				   "%s%s: expected %s%s=IFACE or %s%s=@FD", opt,
				   arg, opt, name, opt, name);
	if (has_block(cfg, name))
		return tender_errf(
		    err, err_len, "%s%s: device '%s' is already a block device",
		    opt, arg, name);
	n = net_get(cfg, name);
	if (n == NULL)
		return too_many(err, err_len, arg);
	if (n->spec != NULL)
		return tender_errf(err, err_len,
				   "%s%s: device '%s' given twice", opt, arg,
				   name);
	char what[HVT_MFT_NAME_SIZE + 16];
	snprintf(what, sizeof(what), "%s%s", opt, name);
	if (dp_port_spec_parse(spec, what, &n->port, err, err_len) < 0)
		return -1;
	n->spec = spec;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		char hex[3] = {0};
		char *end;

		for (int j = 0; j < 2; j++) {
			char c = p[j];
			if (!((c >= '0' && c <= '9') ||
			      (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
				return -1;
			hex[j] = c;
		}
		if (p[2] != (i == 5 ? '\0' : ':'))
			return -1;
		mac[i] = (uint8_t)strtoul(hex, &end, 16);
	}
	return 0;
}

static int parse_net_mac(struct tender_config *cfg, const char *arg, char *err,
			 size_t err_len)
{
	static const char opt[] = "--net-mac:";
	char name[HVT_MFT_NAME_SIZE];
	const char *value;
	struct tender_net_opt *n;
	uint8_t mac[6];

	if (split_dev_arg(opt, arg, name, &value, err, err_len) < 0)
		return -1;
	if (parse_mac(value, mac) < 0)
		return tender_errf(
		    err, err_len,
		    "%s%s: '%s' is not a MAC address: expected six "
		    "hex pairs like 02:00:00:00:00:01",
		    opt, arg, value);
	if (mac[0] & 0x01)
		return tender_errf(
		    err, err_len,
		    "%s%s: '%s' is a multicast address: a NIC needs a "
		    "unicast MAC (first byte even)",
		    opt, arg, value);
	if (has_block(cfg, name))
		return tender_errf(err, err_len,
				   "%s%s: device '%s' is a block device", opt,
				   arg, name);
	n = net_get(cfg, name);
	if (n == NULL)
		return too_many(err, err_len, arg);
	if (n->has_mac)
		return tender_errf(err, err_len, "%s%s: given twice for '%s'",
				   opt, arg, name);
	memcpy(n->mac, mac, 6);
	n->has_mac = true;
	return 0;
}

static int parse_net_mtu(struct tender_config *cfg, const char *arg, char *err,
			 size_t err_len)
{
	static const char opt[] = "--net-mtu:";
	char name[HVT_MFT_NAME_SIZE];
	const char *value;
	struct tender_net_opt *n;
	uint64_t mtu;

	if (split_dev_arg(opt, arg, name, &value, err, err_len) < 0)
		return -1;
	/* 68 is IPv4's minimum; the port's own maximum is checked when it
	 * opens. */
	if (tender_parse_u64(value, 68, 65521, &mtu) < 0)
		return tender_errf(
		    err, err_len,
		    "%s%s: MTU '%s' must be a number from 68 to 65521 "
		    "(and at most the port's maximum)",
		    opt, arg, value);
	if (has_block(cfg, name))
		return tender_errf(err, err_len,
				   "%s%s: device '%s' is a block device", opt,
				   arg, name);
	n = net_get(cfg, name);
	if (n == NULL)
		return too_many(err, err_len, arg);
	if (n->mtu != 0)
		return tender_errf(err, err_len, "%s%s: given twice for '%s'",
				   opt, arg, name);
	n->mtu = (uint16_t)mtu;
	return 0;
}

static int parse_eal_args(struct tender_config *cfg, const char *value,
			  char *err, size_t err_len)
{
	(void)err;
	(void)err_len;
	cfg->eal_args = value;
	return 0;
}

static int parse_cpu(const char *opt, const char *value, int *cpu, char *err,
		     size_t err_len)
{
	uint64_t v;

	if (tender_parse_u64(value, 0, 1023, &v) < 0)
		return tender_errf(err, err_len,
				   "%s%s: expected a CPU number from 0 to 1023",
				   opt, value);
	*cpu = (int)v;
	return 0;
}

static int parse_poll_cpu(struct tender_config *cfg, const char *value,
			  char *err, size_t err_len)
{
	return parse_cpu("--poll-cpu=", value, &cfg->poll_cpu, err, err_len);
}

static int parse_vcpu_cpu(struct tender_config *cfg, const char *value,
			  char *err, size_t err_len)
{
	return parse_cpu("--vcpu-cpu=", value, &cfg->vcpu_cpu, err, err_len);
}

static int parse_poll(struct tender_config *cfg, const char *value, char *err,
		      size_t err_len)
{
	if (strcmp(value, "adaptive") == 0)
		cfg->poll_always = false;
	else if (strcmp(value, "always") == 0)
		cfg->poll_always = true;
	else
		return tender_errf(err, err_len,
				   "--poll=%s: expected 'adaptive' or 'always'",
				   value);
	return 0;
}

/* value of option (given as "--name") must be on or off. */
static int parse_on_off(const char *option, const char *value, bool *out,
			char *err, size_t err_len)
{
	if (strcmp(value, "on") == 0)
		*out = true;
	else if (strcmp(value, "off") == 0)
		*out = false;
	else
		return tender_errf(err, err_len,
				   "%s=%s: expected 'on' or 'off'", option,
				   value);
	return 0;
}

static int parse_net_ring(struct tender_config *cfg, const char *value,
			  char *err, size_t err_len)
{
	return parse_on_off("--net-ring", value, &cfg->net_ring, err, err_len);
}

static int parse_net_fastpath(struct tender_config *cfg, const char *value,
			      char *err, size_t err_len)
{
	return parse_on_off("--net-fastpath", value, &cfg->net_fastpath, err,
			    err_len);
}

/* Options of the form --name=VALUE. */
struct value_option {
	const char *prefix;
	int (*parse)(struct tender_config *, const char *, char *, size_t);
};

static const struct value_option value_options[] = {
    {"--mem=", parse_mem},
    {"--eal-args=", parse_eal_args},
    {"--poll=", parse_poll},
    {"--poll-cpu=", parse_poll_cpu},
    {"--vcpu-cpu=", parse_vcpu_cpu},
    {"--net-ring=", parse_net_ring},
    {"--net-fastpath=", parse_net_fastpath},
};

/* Options of the form --prefix:NAME=VALUE, matched by prefix. */
struct dev_option {
	const char *prefix;
	int (*parse)(struct tender_config *, const char *, char *, size_t);
};

static const struct dev_option dev_options[] = {
    {"--block:", parse_block},	   {"--block-sector-size:", parse_sector_size},
    {"--net:", parse_net},	   {"--net-mac:", parse_net_mac},
    {"--net-mtu:", parse_net_mtu},
};

static int parse_option(struct tender_config *cfg, const char *arg, char *err,
			size_t err_len)
{
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		cfg->show_help = true;
		return 0;
	}
	if (strcmp(arg, "--version") == 0) {
		cfg->show_version = true;
		return 0;
	}
	if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
		cfg->verbosity++;
		return 0;
	}
	for (size_t i = 0; i < sizeof(value_options) / sizeof(value_options[0]);
	     i++) {
		size_t len = strlen(value_options[i].prefix);
		if (strncmp(arg, value_options[i].prefix, len) == 0)
			return value_options[i].parse(cfg, arg + len, err,
						      err_len);
	}
	for (size_t i = 0; i < sizeof(dev_options) / sizeof(dev_options[0]);
	     i++) {
		size_t len = strlen(dev_options[i].prefix);
		if (strncmp(arg, dev_options[i].prefix, len) == 0)
			return dev_options[i].parse(cfg, arg + len, err,
						    err_len);
	}
	return tender_errf(
	    err, err_len,
	    "unknown option '%s': see --help for the accepted options", arg);
}

int tender_cli_parse(struct tender_config *cfg, int argc, char *const *argv,
		     char *err, size_t err_len)
{
	int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mem_size = HVT_MEM_DEFAULT_MIB * MIB;
	cfg->poll_cpu = cfg->vcpu_cpu = -1;
	cfg->net_ring = true;
	cfg->net_fastpath = true;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the kernel: "--" is optional, as in Solo5 */
		if (parse_option(cfg, arg, err, err_len) < 0)
			return -1;
	}
	if (i < argc) {
		cfg->kernel_path = argv[i];
		cfg->guest_argc = argc - i - 1;
		cfg->guest_argv = argv + i + 1;
	}
	return 0;
}

int tender_config_validate(const struct tender_config *cfg, char *err,
			   size_t err_len)
{
	if (cfg->show_help || cfg->show_version)
		return 0;
	if (cfg->kernel_path == NULL)
		return tender_errf(
		    err, err_len,
		    "missing KERNEL: usage: hvt-dpdk [OPTIONS] [--] "
		    "KERNEL [ARGS]; see --help");
	for (unsigned i = 0; i < cfg->nb_blocks; i++)
		if (cfg->blocks[i].path == NULL)
			return tender_errf(
			    err, err_len,
			    "--block-sector-size:%s given without "
			    "--block:%s=PATH",
			    cfg->blocks[i].name, cfg->blocks[i].name);
	for (unsigned i = 0; i < cfg->nb_nets; i++)
		if (cfg->nets[i].spec == NULL)
			return tender_errf(
			    err, err_len,
			    "--net-mac:%s or --net-mtu:%s given without "
			    "--net:%s=SPEC",
			    cfg->nets[i].name, cfg->nets[i].name,
			    cfg->nets[i].name);
	return 0;
}

int tender_cmdline_build(const struct tender_config *cfg, char *buf,
			 size_t buf_len)
{
	size_t limit = buf_len < HVT_CMDLINE_MAX ? buf_len : HVT_CMDLINE_MAX;
	size_t pos = 0;

	if (limit == 0)
		return -1;
	for (int i = 0; i < cfg->guest_argc; i++) {
		size_t len = strlen(cfg->guest_argv[i]);
		size_t sep = i > 0 ? 1 : 0;
		/* Room for separator, argument and the final NUL. */
		if (pos + sep + len + 1 > limit)
			return -1;
		if (sep)
			buf[pos++] = ' ';
		memcpy(buf + pos, cfg->guest_argv[i], len);
		pos += len;
	}
	buf[pos] = '\0';
	return 0;
}

void tender_cli_usage(const char *prog, void (*out)(const char *line))
{
	static const char *const lines[] = {
	    "Run a Solo5 hvt unikernel on KVM; network devices are DPDK "
	    "ports.",
	    "",
	    "Options:",
	    "  --mem=MB                  guest memory in MiB (2 to 4096, "
	    "default 512; rounded down to even)",
	    "  --block:NAME=PATH         attach block device NAME to the "
	    "disk image PATH",
	    "  --block-sector-size:NAME=N",
	    "                            sector size of block device NAME: "
	    "a power of two, 512 to 32768 (default 512)",
	    "  --net:NAME=SPEC           attach network device NAME to a "
	    "port; SPEC is one of:",
	    "      IFACE                   a tap interface (attached if it "
	    "exists, else created)",
	    "      @FD                     an already open tap file "
	    "descriptor",
	    "      vhostN                  a vhost-user socket (server) "
	    "at " DP_VHOST_DEFAULT_DIR "/vhostN.sock",
	    "      vhost:PATH[,client]     a vhost-user socket at PATH "
	    "(server, or client)",
	    "      virtio-user:PATH[,server]  the virtio frontend of a "
	    "vswitch's vhost-user socket",
	    "      dpdk:DEVARGS            any DPDK device (net_null0, "
	    "net_ring0; others with -Ddpdk_link=shared)",
	    "  --net-mac:NAME=MAC        MAC address of network device NAME "
	    "(default: random, locally administered)",
	    "  --net-mtu:NAME=N          MTU of network device NAME (68 to "
	    "the port's maximum; default 1500)",
	    "  --net-ring=on|off         offer Solo5's shared-ring net I/O "
	    "to the guest (default on)",
	    "  --net-fastpath=on|off     offer the hvt-dpdk fast path to "
	    "guests that ask for it (default on; docs/fastpath.md)",
	    "  --poll=adaptive|always    poll thread: sleep when idle "
	    "(default) or always poll",
	    "  --poll-cpu=N              CPU of the poll thread (default: "
	    "the last allowed CPU)",
	    "  --vcpu-cpu=N              CPU of the vCPU thread (default: "
	    "the first allowed CPU)",
	    "  --eal-args=ARGS           extra DPDK EAL arguments, space "
	    "separated",
	    "  -v, --verbose             print more about what the tender "
	    "does (repeat for debug)",
	    "  -h, --help                print this help and exit",
	    "  --version                 print the version and the supported "
	    "Solo5 ABI and exit",
	    "",
	    "The arguments after KERNEL are the unikernel's command line.",
	    "Exit status: the unikernel's exit status (0 success, 1 failure, "
	    "255 abort), or 1 when the tender fails or the VM faults.",
	};
	char first[256];

	snprintf(first, sizeof(first),
		 "usage: %s [OPTIONS] [--] KERNEL [ARGS...]", prog);
	out(first);
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		out(lines[i]);
}
