/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the classifier: any bytes as a console log.
 * Build and run with "make fuzz" (clang, -fsanitize=fuzzer,address,
 * undefined); the seed corpus is tests/fuzz/corpus plus the shared
 * syzkaller logs.
 */
#include <stddef.h>
#include <stdint.h>

#include "host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report r;

	if (report_parse((const char *)data, size, &r) == 1) {
		json_t *j = report_to_json(&r);

		json_decref(j);
	}
	report_release(&r);
	return 0;
}
