/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the rules file: any bytes as a user's root-cause
 * rules (the format of host/bug-classes.rules), loaded with
 * report_load_rules_buf() (host/report-rules.c) in place of the rules
 * before, then matched against a real crash: a rules file is read once,
 * but its patterns run over every crash a campaign classifies, so a
 * pattern that loads yet runs for ever is as much a bug as one that
 * crashes the loader.
 *
 * Beyond "no crash": a rejected file leaves no rule behind, and a file
 * loaded twice gives the classes it gave once.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct buf crash = BUF_INIT;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *path = xasprintf("%s/tests/fuzz/corpus/classify/"
	    "rcu-double-queue-6.1.log", source_dir());

	if (read_file(path, &crash, 1u << 20) != 0)
		abort();
	free(path);
	return 0;
}

/* The crash's classes under the current rules, as one string. */
static char *
classes(void)
{
	struct report r;
	struct buf b = BUF_INIT;

	buf_addstr(&b, "");
	if (report_parse(crash.data, crash.len, &r) == 1) {
		for (size_t i = 0; i < r.nclasses; i++)
			buf_addf(&b, "%s\n", r.classes[i]);
	}
	report_release(&r);
	return b.data;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice;
	int rc;

	rc = report_load_rules_buf("fuzz.rules", (const char *)data, size);
	once = classes();
	if (rc != 0)
		assert(once[0] == '\0');
	assert(report_load_rules_buf("fuzz.rules", (const char *)data,
	    size) == rc);
	twice = classes();
	assert(strcmp(once, twice) == 0);
	free(once);
	free(twice);
	return 0;
}
