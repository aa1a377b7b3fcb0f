/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the classifier: any bytes as a console log,
 * classified with the default rules.  Beyond "no crash": a report that
 * is found lies inside the log and has a title.  Seeds are
 * tests/fuzz/corpus/classify; "make fuzz" builds and runs it.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r;

	if (report_parse((const char *)data, size, &r) == 1) {
		json_t *j;

		assert(r.title != NULL && r.start <= r.end && r.end <= size);
		j = report_to_json(&r);

		json_decref(j);
	}
	report_release(&r);
	return 0;
}
