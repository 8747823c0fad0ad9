/* SPDX-License-Identifier: ISC */
/*
 * Device attachment (see devices.h): block images opened and checked,
 * MACs generated (random, locally administered) unless given.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "log.h"
#include "manifest.h"

#define DEFAULT_SECTOR_SIZE 512

int tender_block_open(const struct tender_block_opt *opt,
		      struct hc_block_dev *dev, char *err, size_t err_len)
{
	uint32_t sector =
	    opt->sector_size ? opt->sector_size : DEFAULT_SECTOR_SIZE;
	off_t size;
	int fd;

	fd = open(opt->path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return tender_errf(err, err_len,
				   "--block:%s=%s: cannot open: %s", opt->name,
				   opt->path, strerror(errno));
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		tender_errf(err, err_len,
			    "--block:%s=%s: cannot get its size: %s", opt->name,
			    opt->path, strerror(errno));
		goto err_close;
	}
	if (size < (off_t)sector || size % sector != 0) {
		tender_errf(
		    err, err_len,
		    "--block:%s=%s: size %lld is not a non-zero multiple of "
		    "the sector size %u",
		    opt->name, opt->path, (long long)size, sector);
		goto err_close;
	}
	dev->fd = fd;
	dev->capacity = (uint64_t)size;
	dev->block_size = sector;
	return 0;

err_close:
	close(fd);
	return -1;
}

static int random_mac(uint8_t mac[6])
{
	if (getrandom(mac, 6, 0) != 6)
		return -1;
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, local */
	return 0;
}

/* Each command-line device must name a manifest device of its type. */
static int check_cli_in_manifest(const struct tender_config *cfg,
				 const struct hvt_mft *mft, const char *kernel,
				 char *err, size_t err_len)
{
	for (unsigned i = 0; i < cfg->nb_blocks; i++)
		if (tender_mft_find(mft, cfg->blocks[i].name,
				    HVT_MFT_DEV_BLOCK_BASIC) < 0)
			return tender_errf(
			    err, err_len,
			    "--block:%s: %s has no block device named "
			    "'%s' in its manifest",
			    cfg->blocks[i].name, kernel, cfg->blocks[i].name);
	for (unsigned i = 0; i < cfg->nb_nets; i++)
		if (tender_mft_find(mft, cfg->nets[i].name,
				    HVT_MFT_DEV_NET_BASIC) < 0)
			return tender_errf(
			    err, err_len,
			    "--net:%s: %s has no network device named "
			    "'%s' in its manifest",
			    cfg->nets[i].name, kernel, cfg->nets[i].name);
	return 0;
}

static const struct tender_block_opt *
find_block(const struct tender_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->nb_blocks; i++)
		if (strcmp(cfg->blocks[i].name, name) == 0)
			return &cfg->blocks[i];
	return NULL;
}

static const struct tender_net_opt *find_net(const struct tender_config *cfg,
					     const char *name)
{
	for (unsigned i = 0; i < cfg->nb_nets; i++)
		if (strcmp(cfg->nets[i].name, name) == 0)
			return &cfg->nets[i];
	return NULL;
}

static int attach_block(const struct tender_block_opt *opt,
			struct hvt_mft_entry *e, struct hc_dev *dev, char *err,
			size_t err_len)
{
	if (tender_block_open(opt, &dev->block, err, err_len) < 0)
		return -1;
	dev->type = HC_DEV_BLOCK;
	e->u.block_basic.capacity = dev->block.capacity;
	e->u.block_basic.block_size = (uint16_t)dev->block.block_size;
	e->attached = 1;
	return 0;
}

static int attach_net(const struct tender_net_opt *opt, struct hvt_mft_entry *e,
		      struct hc_dev *dev, char *err, size_t err_len)
{
	/* untrusted: an fd number the operator gave must really be open. */
	if (opt->port.kind == DP_PORT_TAP_FD &&
	    fcntl(opt->port.fd, F_GETFD) < 0)
		return tender_errf(
		    err, err_len,
		    "--net:%s=@%d: file descriptor %d is not open", opt->name,
		    opt->port.fd, opt->port.fd);
	if (opt->has_mac)
		memcpy(e->u.net_basic.mac, opt->mac, 6);
	else if (random_mac(e->u.net_basic.mac) < 0)
		return tender_errf(err, err_len, "--net:%s: getrandom: %s",
				   opt->name, strerror(errno));
	e->u.net_basic.mtu = opt->mtu ? opt->mtu : TENDER_DEFAULT_MTU;
	e->attached = 1;
	dev->type = HC_DEV_NET;
	return 0;
}

static int attach_entry(const struct tender_config *cfg,
			struct hvt_mft_entry *e, const char *kernel,
			struct hc_dev *dev, char *err, size_t err_len)
{
	const struct tender_block_opt *b;
	const struct tender_net_opt *n;

	switch (e->type) {
	case HVT_MFT_DEV_BLOCK_BASIC:
		b = find_block(cfg, e->name);
		if (b != NULL)
			return attach_block(b, e, dev, err, err_len);
		return tender_errf(
		    err, err_len,
		    "%s declares block device '%s' in its manifest: "
		    "attach it with --block:%s=PATH",
		    kernel, e->name, e->name);
	case HVT_MFT_DEV_NET_BASIC:
		n = find_net(cfg, e->name);
		if (n != NULL)
			return attach_net(n, e, dev, err, err_len);
		return tender_errf(
		    err, err_len,
		    "%s declares network device '%s' in its manifest: "
		    "attach it with --net:%s=IFACE",
		    kernel, e->name, e->name);
	default:
		return tender_errf(err, err_len,
				   "%s: manifest entry '%s' has type %u",
				   kernel, e->name, e->type);
	}
}

int tender_devices_attach(const struct tender_config *cfg, struct hvt_mft *mft,
			  const char *kernel,
			  struct hc_dev devs[HVT_MFT_MAX_ENTRIES], char *err,
			  size_t err_len)
{
	memset(devs, 0, sizeof(struct hc_dev) * HVT_MFT_MAX_ENTRIES);
	if (check_cli_in_manifest(cfg, mft, kernel, err, err_len) < 0)
		return -1;
	/* Entry 0 is the reserved one; the manifest parser checked it. */
	for (uint32_t i = 1; i < mft->entries; i++) {
		if (attach_entry(cfg, &mft->e[i], kernel, &devs[i], err,
				 err_len) < 0) {
			tender_devices_close(devs);
			return -1;
		}
	}
	return 0;
}

void tender_devices_close(struct hc_dev devs[HVT_MFT_MAX_ENTRIES])
{
	for (unsigned i = 0; i < HVT_MFT_MAX_ENTRIES; i++) {
		if (devs[i].type == HC_DEV_BLOCK && devs[i].block.fd >= 0)
			close(devs[i].block.fd);
		devs[i].type = HC_DEV_NONE;
	}
}
