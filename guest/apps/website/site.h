/* SPDX-License-Identifier: ISC */
/*
 * The website's files, compiled into the image by embed.py at build time
 * (site_data.c). Read-only: response bodies are sent straight from these
 * arrays, without copies.
 */
#ifndef WEBSITE_SITE_H
#define WEBSITE_SITE_H

#include <stddef.h>

struct site_file {
	const char *path; /* "/name" */
	const char *content_type;
	const unsigned char *data;
	size_t size;
};

extern const struct site_file site_files[];
extern const size_t site_nb_files;

#endif /* WEBSITE_SITE_H */
