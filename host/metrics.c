/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the /proc counters the agent samples: conntrack statistics
 * (/proc/net/stat/nf_conntrack: a header line of column names, then one
 * line of hex counters per CPU) and softirq counts (/proc/softirqs: one
 * line per softirq, one decimal column per CPU), and turning two samples
 * into rates per second of guest time.
 *
 * The text comes from the guest: parsing is bounded by the text and
 * never trusts a count of columns or CPUs.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "run.h"

/*
 * Sum the column called name (or its alias) over every CPU line of an
 * nf_conntrack statistics text.  Returns 0 with *sum set, -1 if there is
 * no such column.
 */
int
metrics_conntrack_sum(const char *text, const char *name, const char *alias,
    unsigned long long *sum)
{
	const char *line = text, *nl;
	int col = -1, i;

	*sum = 0;
	if (text == NULL)
		return -1;
	nl = strchr(line, '\n');
	/* the header: find the column's index */
	{
		char head[1024], *tok, *save = NULL;
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n >= sizeof(head))
			n = sizeof(head) - 1;
		memcpy(head, line, n);
		head[n] = '\0';
		for (i = 0, tok = strtok_r(head, " \t", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t", &save), i++) {
			if (strcmp(tok, name) == 0 ||
			    (alias != NULL && strcmp(tok, alias) == 0)) {
				col = i;
				break;
			}
		}
	}
	if (col < 0 || nl == NULL)
		return -1;
	for (line = nl + 1; *line != '\0'; line = nl + 1) {
		const char *p = line;

		for (i = 0; i <= col && *p != '\0' && *p != '\n'; i++) {
			char *end;
			unsigned long long v;

			while (*p == ' ' || *p == '\t')
				p++;
			v = strtoull(p, &end, 16);
			if (end == p)
				break;
			if (i == col)
				*sum += v;
			p = end;
		}
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
	}
	return 0;
}

/* Sum the row called name ("NET_RX") of a /proc/softirqs text. */
int
metrics_softirq_sum(const char *text, const char *name,
    unsigned long long *sum)
{
	size_t n = strlen(name);
	const char *p;

	*sum = 0;
	if (text == NULL)
		return -1;
	for (p = text; (p = strstr(p, name)) != NULL; p += n) {
		/* the row name is at the start of a line, after spaces */
		const char *b = p;

		while (b > text && b[-1] == ' ')
			b--;
		if ((b == text || b[-1] == '\n') && p[n] == ':')
			break;
	}
	if (p == NULL)
		return -1;
	for (p += n + 1; *p != '\0' && *p != '\n';) {
		char *end;
		unsigned long long v = strtoull(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		*sum += v;
		p = end;
	}
	return 0;
}

/*
 * Rates between two METRICS samples (objects with "uptime_ms" and
 * "files"): conntrack clashes and NET_RX softirqs per second of guest
 * time.  A rate that cannot be computed is left at -1.
 */
void
metrics_rates(json_t *first, json_t *last, struct metrics_rates *out)
{
	json_t *f0 = json_object_get(first, "files");
	json_t *f1 = json_object_get(last, "files");
	double dt = (double)(json_integer_value(json_object_get(last,
	    "uptime_ms")) - json_integer_value(json_object_get(first,
	    "uptime_ms"))) / 1000.0;
	unsigned long long a, b;
	const char *ct = "/proc/net/stat/nf_conntrack", *si = "/proc/softirqs";

	out->clash_per_s = out->net_rx_per_s = out->insert_failed_per_s = -1;
	out->seconds = dt;
	if (dt <= 0)
		return;
	if (metrics_conntrack_sum(json_string_value(json_object_get(f0, ct)),
	    "clashres", "clash_resolve", &a) == 0 &&
	    metrics_conntrack_sum(json_string_value(json_object_get(f1, ct)),
	    "clashres", "clash_resolve", &b) == 0 && b >= a)
		out->clash_per_s = (double)(b - a) / dt;
	if (metrics_conntrack_sum(json_string_value(json_object_get(f0, ct)),
	    "insert_failed", NULL, &a) == 0 &&
	    metrics_conntrack_sum(json_string_value(json_object_get(f1, ct)),
	    "insert_failed", NULL, &b) == 0 && b >= a)
		out->insert_failed_per_s = (double)(b - a) / dt;
	if (metrics_softirq_sum(json_string_value(json_object_get(f0, si)),
	    "NET_RX", &a) == 0 &&
	    metrics_softirq_sum(json_string_value(json_object_get(f1, si)),
	    "NET_RX", &b) == 0 && b >= a)
		out->net_rx_per_s = (double)(b - a) / dt;
}
