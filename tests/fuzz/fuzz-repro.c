/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for repro's report reader: any bytes as the run.json
 * of a reproduction attempt, read into a record (run_record_from_json())
 * whose crash (run_record_crash()) repro_match() (host/repro.c) compares
 * with the crash being reproduced (a real one, classified once with the
 * default rules).  The report came from a guest's console: its title,
 * bucket, frame and classes are hostile.
 *
 * Beyond "no crash": a match is one of the reasons repro_match() gives,
 * and a report without a string title never matches.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "run.h"
#include "repro.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct report want;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *path = xasprintf("%s/tests/fuzz/corpus/classify/"
	    "rcu-double-queue-6.1.log", source_dir());
	struct buf log = BUF_INIT;

	if (read_file(path, &log, 1u << 20) != 0 ||
	    report_parse(log.data, log.len, &want) != 1)
		abort();
	buf_release(&log);
	free(path);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const reasons[] = {
		"same bucket", "same title",
		"same guilty function and kind of crash",
		"same root-cause class",
	};
	json_t *run = json_loadb((const char *)data, size, 0, NULL);
	struct run_record rec;
	struct run_crash got;
	const char *how;

	if (run == NULL)
		return 0;
	if (run_record_from_json(run, "/nonexistent", "fuzz", &rec) != 0) {
		json_decref(run);
		return 0;
	}
	run_record_crash(&rec, &got);
	how = repro_match(&want, &got);
	if (how != NULL) {
		size_t i;

		assert(got.title != NULL);
		for (i = 0; i < ARRAY_SIZE(reasons); i++) {
			if (strcmp(how, reasons[i]) == 0)
				break;
		}
		assert(i < ARRAY_SIZE(reasons));
	}
	run_crash_release(&got);
	run_record_release(&rec);
	json_decref(run);
	return 0;
}
