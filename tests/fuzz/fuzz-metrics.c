/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the metrics parser (host/metrics.c): any bytes
 * as metrics.jsonl, one METRICS sample per line ({"uptime_ms": N,
 * "files": {path: text}}), each line turned into rates against the one
 * before as run.c does; and the same bytes as the raw text of
 * /proc/net/stat/nf_conntrack and /proc/softirqs, which the guest
 * controls as much as the JSON around them.
 *
 * Beyond "no crash": a rate is either -1 (cannot be computed) or a
 * number of events per second, never negative or NaN.
 */
#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "run.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_rate(double r)
{
	assert(r == -1 || (r >= 0 && !isnan(r)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size, *nl;
	json_t *prev = NULL, *line;
	struct metrics_rates m;
	unsigned long long sum;
	char *copy;

	for (const char *p = text; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line = json_loadb(p, (size_t)(nl - p), 0, NULL);
		if (line == NULL)
			continue;
		if (prev != NULL) {
			metrics_rates(prev, line, &m);
			check_rate(m.clash_per_s);
			check_rate(m.insert_failed_per_s);
			check_rate(m.net_rx_per_s);
		}
		json_decref(prev);
		prev = line;
	}
	json_decref(prev);

	/* the guest's text as it is before JSON encoding */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	(void)metrics_conntrack_sum(copy, "clashres", "clash_resolve", &sum);
	(void)metrics_conntrack_sum(copy, "insert_failed", NULL, &sum);
	(void)metrics_softirq_sum(copy, "NET_RX", &sum);
	free(copy);
	return 0;
}
