/* SPDX-License-Identifier: ISC */
/*
 * test_cmdline: splits its command line on spaces and prints each word as
 * "argv[i]='word'". The first word is the number of words that follow;
 * the test passes if that matches: test_cmdline.hvt 3 a bb ccc -> SUCCESS,
 * exit 0. An empty command line is also SUCCESS (argc=0).
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HVT_MANIFEST(0);

#define MAX_WORDS 128

static char words[HVT_CMDLINE_MAX];

/* Splits (s) into argv in place; returns the word count. */
static int split(char *s, char **argv)
{
	int argc = 0;

	while (*s && argc < MAX_WORDS) {
		while (*s == ' ')
			*s++ = '\0';
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return argc;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	static char *argv[MAX_WORDS];
	unsigned long want;
	char *end;
	int argc;

	printf("test_cmdline: cmdline='%s'\n", si->cmdline);
	strncpy(words, si->cmdline, sizeof(words) - 1);
	argc = split(words, argv);
	printf("test_cmdline: argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("test_cmdline: argv[%d]='%s'\n", i, argv[i]);
	if (argc == 0) {
		printf("SUCCESS\n");
		return SOLO5_EXIT_SUCCESS;
	}
	want = strtoul(argv[0], &end, 10);
	if (*end || want != (unsigned long)(argc - 1)) {
		printf("test_cmdline: FAILURE: expected %s words, got %d\n",
		       argv[0], argc - 1);
		return SOLO5_EXIT_FAILURE;
	}
	printf("SUCCESS\n");
	return SOLO5_EXIT_SUCCESS;
}
