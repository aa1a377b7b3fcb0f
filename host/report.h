/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crash reports (report*.c): classifying a console log into a title,
 * type, guilty frame and bucket; every CPU's stack; root-cause rules.
 * Text in, records out: this layer knows nothing of VMs or runs.
 */
#ifndef RACERIG_REPORT_H
#define RACERIG_REPORT_H

#include "util.h"

/*
 * The stacks of the CPUs other than the crashing one, read from the
 * all-CPU NMI backtraces the guest prints at an oops or panic
 * (report-cpus.c).  At most REPORT_MAX_CPUS CPUs of REPORT_CPU_FRAMES
 * frames each are kept: the log is the guest's, and a CPU count or a
 * stack depth it claims must not size what the host allocates.
 */
#define REPORT_MAX_CPUS		64
#define REPORT_CPU_FRAMES	64

struct report_cpu {
	int		 cpu;
	char		**frames;	/* as report.frames: innermost first */
	size_t		 nframes;
	int		 user;		/* in user space: no kernel frames */
	char		 comm[16];	/* the task it ran ("" if not shown) */
	int		 pid;		/* -1 if not shown */
	/*
	 * user: where it was (0 if not shown); frames are then the user
	 * program's, which only the run layer can name (run-symbols.c).
	 */
	unsigned long long ip;
};

struct report_cpus {
	int		 crash_cpu;	/* -1: not known */
	struct report_cpu *cpu;		/* sorted by cpu, crash_cpu left out */
	size_t		 n;
};

/*
 * A classified crash report (report.c).  frames are function names
 * without offsets, innermost first; title is syzkaller-style.
 */
struct report {
	char		*title;
	char		*type;		/* e.g. NULL-POINTER-DEREFERENCE */
	char		*frame;		/* the guilty frame, or NULL */
	char		**frames;
	size_t		 nframes;
	int		 corrupted;
	int		 freetext;	/* title after ": " is log text (bucket) */
	char		 bucket[17];	/* 16 hex digits */
	char		**classes;	/* matched root-cause rules */
	size_t		 nclasses;
	size_t		 start, end;	/* byte offsets of the report */
	struct report_cpus others;	/* report-cpus.c */
};

/* report.c */
int		 report_parse(const char *log, size_t len, struct report *out);
int		 report_parse_from(const char *log, size_t len, size_t from,
		     struct report *out);
size_t		 report_each(const char *log, size_t len, size_t max,
		     int (*fn)(void *arg, const struct report *r), void *arg);
void		 report_release(struct report *r);
json_t		*report_to_json(const struct report *r);

/* report-headers.c */
int		 report_contains_crash_line(const char *line, size_t len);

/* report-cpus.c */
int		 report_cpus_parse(const char *log, size_t len, size_t start,
		     size_t end, struct report_cpus *out);
void		 report_cpus_release(struct report_cpus *c);
void		 report_cpu_note(const struct report_cpu *c, char *buf,
		     size_t n);
void		 report_cpus_to_json(const struct report_cpus *c, json_t *j);
int		 report_cpus_from_json(const json_t *report,
		     struct report_cpus *out);

/* report-frames.c */
size_t		 report_span_frames(const char *log, size_t len, size_t start,
		     size_t end, char (*fns)[128], size_t max);

/* report-taint.c */
int		 report_out_of_tree(const char *log, size_t len);

/* report-rules.c */
void		 report_set_rules(const char *path);
int		 report_load_rules(void);
int		 report_load_rules_buf(const char *name, const char *text,
		     size_t len);
const char	*report_class_explain(const char *cls);

#endif
