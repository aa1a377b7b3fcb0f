/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's result for a person (run-print.c): the summary "racerig run"
 * prints, and the live status line on a terminal while it goes on.
 * run-record.c owns the record and its run.json; this only reads them.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "run.h"

/* A live status line on a terminal: elapsed time and what is going on. */
void
run_print_progress(void *arg, const struct run_record *r, double elapsed)
{
	double *last = arg;

	if (elapsed - *last < 1.0)
		return;
	*last = elapsed;
	fprintf(stderr, "\r\033[K[%6.1fs] %s", elapsed,
	    r->agent_ready_s > 0 ? "running scenario" : "booting");
	if (r->have_live && r->live.clash_per_s >= 0)
		fprintf(stderr, "  clashes %.0f/s", r->live.clash_per_s);
	if (r->have_live && r->live.net_rx_per_s >= 0)
		fprintf(stderr, "  NET_RX %.0f/s", r->live.net_rx_per_s);
	if (r->findings_live > 0)
		fprintf(stderr, "  findings %lu", r->findings_live);
	fflush(stderr);
}

/*
 * Print "label value" where value may come from the guest (a reason, a
 * title read off its console): printable ASCII only.
 */
static void
run_print_field(const char *label, const char *value)
{
	char clean[512];

	printf("%-10s %s\n", label, str_printable(clean, value ? value : "",
	    sizeof(clean)));
}

/*
 * "other CPUs at the crash" and each one's innermost frames, so that the
 * racing partner shows next to the title (which names the crashing
 * CPU's stack).  Frame names came from the guest's console.
 */
#define RUN_PRINT_FRAMES 4
static void
run_print_cpus(const json_t *rep)
{
	struct report_cpus oc;
	char clean[160];

	if (report_cpus_from_json(rep, &oc) > 0) {
		if (oc.crash_cpu >= 0)
			printf("other CPUs at the crash (CPU %d crashed):\n",
			    oc.crash_cpu);
		else
			printf("other CPUs at the crash:\n");
	}
	for (size_t i = 0; i < oc.n; i++) {
		const struct report_cpu *c = &oc.cpu[i];

		printf("  cpu %-4d", c->cpu);
		for (size_t k = 0; k < c->nframes && k < RUN_PRINT_FRAMES; k++)
			printf("%s%s", k > 0 ? " < " : " ", str_printable(clean,
			    c->frames[k], sizeof(clean)));
		report_cpu_note(c, clean, sizeof(clean));
		printf("%s%s\n", c->nframes > RUN_PRINT_FRAMES ? " < ..." : "",
		    clean);
	}
	report_cpus_release(&oc);
}

/*
 * The reports the kernel went on from, one line per bucket: "findings:"
 * with the count, then each title (x N when it came again).
 */
#define RUN_PRINT_FINDINGS 16
static void
run_print_findings(const struct run_record *r)
{
	char clean[256];

	if (r->findings_total == 0)
		return;
	printf("findings:  %lu report%s in %zu%s bucket%s\n",
	    r->findings_total, r->findings_total == 1 ? "" : "s",
	    r->nfindings, r->findings_dropped > 0 ? "+" : "",
	    r->nfindings == 1 && r->findings_dropped == 0 ? "" : "s");
	for (size_t i = 0; i < r->nfindings && i < RUN_PRINT_FINDINGS; i++) {
		const struct run_finding *f = &r->findings[i];

		printf("  %s", str_printable(clean, f->title, sizeof(clean)));
		if (f->count > 1)
			printf(" (x%lu)", f->count);
		putchar('\n');
	}
	if (r->nfindings > RUN_PRINT_FINDINGS || r->findings_dropped > 0)
		printf("  ... and more in run.json (%zu kept, %lu reports of "
		    "further buckets dropped)\n", r->nfindings,
		    r->findings_dropped);
}

void
run_print(const struct run_record *r)
{
	struct run_crash crash;

	printf("run:       %s\n", r->id);
	printf("outcome:   %s\n", run_outcome_name(r->outcome));
	run_print_field("reason:", r->reason);
	if (run_record_crash(r, &crash)) {
		run_print_field("title:", crash.title);
		run_print_field("bucket:", crash.bucket);
		for (size_t i = 0; i < crash.nclasses; i++)
			run_print_field("bug class:", crash.classes[i]);
		run_print_cpus(r->report);
		run_crash_release(&crash);
	}
	run_print_findings(r);
	if (r->guest_release[0] != '\0' &&
	    strcmp(r->guest_release, r->image_release) != 0)
		printf("kernel:    %s (the guest claims %s)\n",
		    r->image_release, r->guest_release);
	/* A rate the guest gave no counters for is -1: leave it out. */
	if (r->rates.seconds > 0 && r->rates.clash_per_s >= 0)
		printf("rates:     %.1f conntrack clashes/s over %.1f s of "
		    "guest time\n", r->rates.clash_per_s, r->rates.seconds);
	if (r->rates.seconds > 0 && r->rates.net_rx_per_s >= 0)
		printf("rates:     %.0f NET_RX softirqs/s over %.1f s of "
		    "guest time\n", r->rates.net_rx_per_s, r->rates.seconds);
	if (r->vmcore != NULL)
		printf("vmcore:    %s/vmcore (%s dump, %s)\n", r->dir,
		    r->vmcore_source, r->vmcore_release);
	if (r->capture_error != NULL)
		printf("capture:   %s\n", r->capture_error);
	printf("time:      agent ready %.2f s, total %.2f s\n",
	    r->agent_ready_s, r->total_s);
	printf("dir:       %s\n", r->dir);
}
