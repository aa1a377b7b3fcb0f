/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for a run's findings (run-classify.c): any bytes as a
 * console log, its crash picked for each outcome and its findings
 * collected.  Beyond "no crash": the crash lies inside the log, at most
 * RUN_FINDINGS_MAX findings are kept, each text within RUN_FINDING_TEXT
 * bytes of printable ASCII, and the record with them turns into JSON.
 * Seeds are tests/fuzz/corpus/classify (console logs).
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *log = (const char *)data;
	enum run_outcome o = size > 0 && data[0] & 1 ? RUN_HUNG : RUN_CRASHED;
	struct run_record r;
	struct report rep;
	size_t start;
	json_t *j;

	memset(&r, 0, sizeof(r));
	start = SIZE_MAX;
	if (run_crash_report(log, size, size > 1 && data[1] & 1 ? RUN_OK : o,
	    &rep) == 1) {
		assert(rep.title != NULL && rep.start <= rep.end &&
		    rep.end <= size);
		start = rep.start;
	}
	report_release(&rep);
	run_findings_collect(&r, log, size, start);
	assert(r.nfindings <= RUN_FINDINGS_MAX);
	assert(r.findings_total >= r.nfindings + r.findings_dropped);
	for (size_t i = 0; i < r.nfindings; i++) {
		const char *t = r.findings[i].text;

		assert(strlen(t) <= RUN_FINDING_TEXT);
		for (; *t; t++)
			assert((*t >= 0x20 && *t < 0x7f) || *t == '\n' ||
			    *t == '\t');
	}
	j = run_record_to_json(&r);
	assert(json_array_size(json_object_get(j, "findings")) ==
	    r.nfindings);
	json_decref(j);
	run_record_release(&r);
	return 0;
}
