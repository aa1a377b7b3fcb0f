/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The orchestrator's one private header: types first, then prototypes
 * grouped under a banner per source file.
 *
 * Layers, lowest first; a file may only call into its own layer or lower
 * ones:  util -> report (text only) -> vm backends -> run -> repro/bisect
 * -> cmd-*.c.
 */
#ifndef RACERIG_HOST_H
#define RACERIG_HOST_H

#include <sys/socket.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#define RACERIG_VERSION "0.1"

/* Exit statuses, as in syzkaller's BootError/InfraError split. */
#define EXIT_PASS	0	/* kernel ok */
#define EXIT_VERDICT	1	/* kernel under test failed (crash, hang) */
#define EXIT_INFRA	2	/* racerig, QEMU or the host failed */
#define EXIT_USAGE	129	/* bad command line */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growable, always NUL-terminated byte buffer (like git's strbuf). */
struct buf {
	char	*data;		/* NULL until the first add */
	size_t	 len;
	size_t	 cap;
};
#define BUF_INIT { NULL, 0, 0 }

struct option;			/* <getopt.h> */

/*
 * Documentation of one option, next to the getopt table it describes.
 * spelling is the option as typed, with its argument ("--smp N"); def
 * says what happens without it: a value ("120"), "off" for a flag, or
 * where the value comes from ("the scenario's"), never NULL.  help is
 * one or two sentences, range included.  Tables end with a NULL
 * spelling.  tests/unit/u-help.c checks that a command's doc table and
 * its getopt table name the same long options.
 */
struct cmd_option_doc {
	const char	*spelling;
	const char	*def;
	const char	*help;
};

/* An exit status with a meaning of its own; tables end with a NULL what. */
struct cmd_exit_doc {
	int		 status;
	const char	*what;
};

/* An example command line and what it does; NULL command ends a table. */
struct cmd_example {
	const char	*command;
	const char	*what;
};

/*
 * A verb of a command with a sub-table ("image build").  fn gets argv
 * from the verb on.  The rest is its documentation, as in cmd_entry;
 * tables end with a NULL name.
 */
struct cmd_verb {
	const char	*name;
	int		(*fn)(int argc, char **argv);
	const char	*usage;		/* "racerig image build ..." */
	const char	*help;		/* one line */
	const struct option *getopt;	/* NULL: takes no options */
	const struct cmd_option_doc *options;
};

/*
 * One subcommand.  cmd.c lists them all in cmd_table[]; the dispatcher in
 * racerig.c finds the entry, handles -h, and calls exec with argv[0] set
 * to the command name.  exec returns an EXIT_* status.
 *
 * The documentation fields feed "racerig help COMMAND", "COMMAND -h" and
 * the man page ("racerig help --man"), so help cannot drift from the
 * parser: getopt is the very table exec parses with, options its
 * documentation.  description is plain text, paragraphs separated by a
 * blank line; help output and the man page fill and wrap it.  Optional
 * fields may be NULL.
 */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "racerig NAME ..." synopsis */
	const char	*help;		/* one line for "racerig help" */
	int		 flags;
#define CMD_HIDDEN	0x1		/* not listed by "racerig help" */
	int		(*exec)(int argc, char **argv);
	const char	*description;
	const struct option *getopt;	/* NULL: takes no options */
	const struct cmd_option_doc *options;
	const struct cmd_verb *verbs;	/* NULL: no verbs */
	const struct cmd_exit_doc *exits; /* NULL: the usual 0/1/2/129 */
	const struct cmd_example *examples;
};

/*
 * QMP client state (qmp.c).  Events that arrive while a command waits are
 * queued in events[].
 */
struct qmp {
	int		 fd;
	struct buf	 in;
	json_t		**events;
	size_t		 nevents;
	int		 eof;
};

/* Console markers (console.c), one bit each. */
#define CONSOLE_CRASH		0x01	/* an oops/BUG/WARNING header */
#define CONSOLE_PANIC		0x02	/* "Kernel panic - not syncing" */
#define CONSOLE_HANG		0x04	/* soft lockup, RCU stall, hung task */
#define CONSOLE_AGENT_READY	0x08	/* the agent's ready line */
#define CONSOLE_KDUMP_SAVED	0x10	/* the capture kernel saved a vmcore */
#define CONSOLE_OOM		0x20	/* the OOM killer killed a process */
#define CONSOLE_NFLAGS		6
#define CONSOLE_LINE		4096	/* longest line parsed as one */
#define CONSOLE_TAIL		(1024 * 1024)	/* kept past the limit */

/*
 * A guest's serial console being logged and watched.  flags has the
 * CONSOLE_* markers seen so far; first_time[bit] the monotonic time each
 * was first seen; first_line the first crash, panic or hang line.
 */
struct console {
	int		 log_fd;
	size_t		 log_limit;
	size_t		 logged;
	unsigned long long total;
	unsigned long long dropped;
	int		 write_failed;
	char		 line[CONSOLE_LINE];
	size_t		 line_len;
	unsigned long	 lines;
	unsigned	 flags;
	double		 first_time[CONSOLE_NFLAGS];
	char		 first_line[256];
	char		*tail;		/* ring of CONSOLE_TAIL bytes */
	size_t		 tail_pos;
	size_t		 tail_len;
};

/*
 * What a VM backend is asked to boot.  Strings are borrowed from the
 * caller and must outlive the VM.
 */
struct vm_config {
	const char	*kernel;
	const char	*initrd;
	const char	*cmdline;
	int		 smp;
	int		 mem_mb;
	const char	*dir;		/* run directory: console.log etc. */
	const char	*accel;		/* "kvm", "tcg" or NULL for auto */
	const char	*disk;		/* optional raw disk (kdump target) */
	size_t		 console_limit;	/* bytes of console.log kept */
	/*
	 * Snapshots (snapshot.c).  mem_file: guest RAM is this file instead
	 * of anonymous memory; mem_shared: the guest writes into the file
	 * (the boot that saves a snapshot) rather than into private copies
	 * of its pages (restores, which leave the file as saved).
	 * incoming: the saved device state to start from instead of
	 * booting (NULL: boot); its RAM is mem_file.
	 */
	const char	*mem_file;
	int		 mem_shared;
	const char	*incoming;
	const char	*connect;	/* libvirt URI (NULL: qemu:///system) */
	/*
	 * libvirt: this machine's address as the libvirt host sees it.
	 * Set, console and agent channel are TCP connections that QEMU
	 * makes back to racerig on that address; NULL, unix sockets in
	 * dir (a local daemon only).
	 */
	const char	*callback;
};

/*
 * VM lifecycle.
 *
 *	CREATED --start()--> RUNNING --(panic event)--> PANICKED
 *	   |                    |  \                       |
 *	   |                    |   (shutdown/stop) --> STOPPED
 *	   |                    |                          |
 *	   +------ (process gone, any state) ------> EXITED
 *
 * CREATED:  vm_new() done, no process.  Only start() or vm_free().
 * RUNNING:  the guest executes; console and agent streams are live.
 * PANICKED: the guest reported a panic and is paused (panic=pause):
 *           memory is intact, dump() may be called.
 * STOPPED:  the guest shut down or paused for another reason; dump()
 *           may still be called while the process lives.
 * EXITED:   the hypervisor process is gone; only vm_free().
 * stop() may be called in any state and leaves EXITED.
 */
enum vm_state {
	VM_CREATED,
	VM_RUNNING,
	VM_PANICKED,
	VM_STOPPED,
	VM_EXITED,
};

enum vm_event_type {
	VM_EV_TIMEOUT,		/* nothing happened within the timeout */
	VM_EV_CONSOLE,		/* console bytes were logged and parsed */
	VM_EV_AGENT,		/* the agent channel is readable */
	VM_EV_PANIC,		/* the guest panicked (now PANICKED) */
	VM_EV_SHUTDOWN,		/* the guest shut down or stopped */
	VM_EV_EXITED,		/* the hypervisor process went away */
};

struct vm_event {
	enum vm_event_type type;
	char		 detail[256];
};

struct vm;

/*
 * A VM backend.  name, start, next_event and stop are mandatory; dump may
 * be NULL (callers then report "unsupported").
 *
 * start:      boot the guest described by vm->cfg; on return the console
 *             and agent channel are connected.  0 or -1 (reported).
 * next_event: wait up to timeout_ms for one thing to happen and describe
 *             it in *ev.  Console bytes are consumed by the backend into
 *             vm->console before VM_EV_CONSOLE is returned; the agent
 *             channel is only reported readable (the caller reads it).
 *             Returns 0, or -1 on an infrastructure failure (reported).
 * dump:       write guest memory to path as a kdump-compressed file that
 *             makedumpfile and crash can read.  0 or -1 (reported).
 * save:       stop the guest and write its device state to path; its
 *             RAM stays in cfg.mem_file (which must be shared), so path
 *             and mem_file together restore it as cfg.incoming and
 *             cfg.mem_file.  May be NULL (unsupported).  0 or -1
 *             (reported).
 * alive:      is the hypervisor process (or libvirt domain) still
 *             there?  1 yes, 0 gone: the state is then EXITED and
 *             detail says what went.  May be NULL (taken as yes).  A
 *             broken agent channel is a guest's fault only while its
 *             VM is alive: run.c asks before deciding.
 * stop:       kill the guest and free backend state; never fails.
 */
struct vm_ops {
	const char	*name;
	int		(*start)(struct vm *vm);
	int		(*next_event)(struct vm *vm, struct vm_event *ev,
			    int timeout_ms);
	int		(*dump)(struct vm *vm, const char *path);
	int		(*save)(struct vm *vm, const char *path);
	int		(*alive)(struct vm *vm, char *detail, size_t n);
	void		(*stop)(struct vm *vm);
};

struct vm {
	const struct vm_ops	*ops;
	struct vm_config	 cfg;
	enum vm_state		 state;
	struct console		 console;
	int			 agent_fd;	/* host end, -1 if none */
	double			 t_start;	/* now_mono() at start */
	/*
	 * Set by the backend when the hypervisor's host or service went
	 * away (connection refused, closed or not answering): whatever
	 * happened to the guest then is no kernel verdict.
	 */
	int			 host_lost;
	/*
	 * Set by the caller once the agent channel broke (end-of-file or
	 * a protocol error): backends stop polling agent_fd, which would
	 * otherwise stay readable and turn the event loop into a spin.
	 */
	int			 agent_closed;
	void			*priv;		/* backend state */
};

/* A scenario parameter (scenario.c). */
enum param_type {
	PARAM_INT,
	PARAM_CHOICE,
};

struct scenario_param {
	char		*name;
	enum param_type	 type;
	char		*def;		/* default, as text */
	long		 min, max;	/* PARAM_INT */
	char		**values;	/* PARAM_CHOICE */
	size_t		 nvalues;
	char		*help;
	int		 is_cpus;	/* value lists guest CPUs: "0,1", "2-3" */
	long		 per_vcpu_max;	/* > 0: value <= this * vCPUs */
};

/* One step of a scenario, still unexpanded (${var} intact). */
struct scenario_step {
	char		**argv;
	size_t		 argc;
	char		**env;
	size_t		 nenv;
	int		 cpus_all;
	int		*cpus;
	size_t		 ncpus;
	char		*timeout;	/* NULL: the run's limit */
	int		 background;
	int		 raw_channel;	/* fd 3 is the agent port (tests) */
	int		 expect_exit;
	int		 workload;	/* its failure is no kernel verdict */
};

/* A loaded, validated scenario.json. */
struct scenario {
	char		*name;
	char		*dir;
	char		*file;
	char		*description;
	char		*bug_class;	/* NULL if none */
	char		*expect;	/* ok, crashed or hung */
	int		 smp;
	int		 mem_mb;
	char		**cmdline;
	size_t		 ncmdline;
	long		 duration_s;
	char		**sample;
	size_t		 nsample;
	struct scenario_param *params;
	size_t		 nparams;
	struct scenario_step *steps;
	size_t		 nsteps;
	int		 workload_image; /* boots with the workload archive */
};

/* Parameter values of one run, parallel arrays in scenario order. */
struct param_values {
	char		**names;
	char		**values;
	size_t		 n;
};

/*
 * One decoded message from the guest agent (agent.c).  Pointers point
 * into the agent's buffers and stay valid until the next agent_read().
 */
enum agent_event_type {
	AGENT_EV_HELLO,
	AGENT_EV_STARTED,
	AGENT_EV_OUTPUT,
	AGENT_EV_EXIT,
	AGENT_EV_HEARTBEAT,
	AGENT_EV_REPLY,
	AGENT_EV_METRICS,
	AGENT_EV_ERROR,
};

struct agent_event {
	enum agent_event_type type;
	uint32_t	 id;		/* STARTED, OUTPUT, EXIT, REPLY */
	/* HELLO */
	int		 proto;
	const char	*release;
	int		 ncpus;
	/* EXIT */
	int		 status;
	int		 signal;
	int		 timed_out;
	long		 duration_ms;
	/* OUTPUT: stream 1 or 2, data/len the bytes (not NUL-terminated) */
	int		 stream;
	const char	*data;
	size_t		 len;
	/* HEARTBEAT, HELLO, METRICS */
	long		 seq;
	long		 uptime_ms;
	/* REPLY: ok, data/len; ERROR and failed REPLY: text */
	int		 ok;
	const char	*text;
	/* METRICS: borrowed JSON object of path -> contents */
	json_t		*files;
};

/*
 * The host side of the agent channel.  broken is set after the first
 * protocol violation; error then says what it was, and the channel is
 * never read again.
 *
 * Sends are whole frames that wait for the channel to drain, up to
 * send_timeout_ms each (AGENT_SEND_TIMEOUT_MS unless a test lowers it).
 * A frame that cannot go out by then sets stalled, says which in
 * stall_reason, and nothing is sent again: the guest stopped reading,
 * and a frame after a partly sent one would be garbage to it.
 */
#define AGENT_SEND_TIMEOUT_MS	10000

struct agent {
	int		 fd;
	int		 broken;
	char		 error[256];
	int		 stalled;
	char		 stall_reason[160];
	int		 send_timeout_ms;
	/* private to agent.c */
	void		*priv;
};

/* Rates from sampled /proc counters, per second of guest time. */
struct metrics_rates {
	double		 seconds;	/* guest time between the samples */
	double		 clash_per_s;	/* conntrack clash_resolve; -1: n/a */
	double		 insert_failed_per_s;
	double		 net_rx_per_s;	/* NET_RX softirqs, all CPUs */
};

/* How a run ended (run.c). */
enum run_outcome {
	RUN_OK,
	RUN_CRASHED,
	RUN_HUNG,
	RUN_BOOT_FAILED,
	RUN_LOST,
	RUN_FAILED,
	RUN_ERROR,		/* racerig or the host failed, not the kernel */
	/*
	 * A step marked "workload" (stress-ng, trinity, a traffic mix) died,
	 * was OOM-killed or exited other than expected while the kernel
	 * stayed up: the workload's verdict, not the kernel's.
	 */
	RUN_WORKLOAD_FAILED,
};

struct run_result;

/* What to run (run.c).  Zero values mean "the scenario's default". */
struct run_opts {
	const char	*scenario;
	char		**params;	/* "k=v" */
	size_t		 nparams;
	const char	*image;
	const char	*backend;
	const char	*connect;	/* libvirt URI, --backend libvirt */
	const char	*callback;	/* our address for a remote URI */
	const char	*accel;
	int		 smp;
	int		 mem_mb;
	long		 duration_s;
	const char	*out_dir;	/* parent of run directories */
	unsigned long long seed;
	int		 seed_set;
	const char	*dump;		/* "qemu" (default), "kdump", "none" */
	const char	*extra_cmdline;
	size_t		 console_limit;
	long		 boot_timeout_s;
	long		 heartbeat_timeout_s;
	int		 boot_only;	/* stop once the agent is ready */
	int		 snapshot;	/* start from a boot-once snapshot */
	int		 raw_channel;	/* steps get the agent port as fd 3 */
	int		 verbose;	/* echo step output to stderr */
	int		 in_campaign;	/* write seq into the run dir */
	long long	 seq;		/* the run's number in its campaign */
	/* called about every 200 ms while the run goes on */
	void		(*progress)(void *arg, const struct run_result *r,
			    double elapsed_s);
	void		*progress_arg;
};

/* What a run produced (run.c); run_result_release() frees it. */
struct run_result {
	char		*id;
	char		*dir;
	enum run_outcome outcome;
	char		 reason[512];
	char		*image;
	char		 image_release[128];
	char		 guest_release[128];
	char		*cmdline;
	char		*accel;
	int		 smp;
	int		 mem_mb;
	unsigned long long seed;
	double		 started_at;
	int		 host_lost;	/* RUN_ERROR: the VM host went away */
	double		 agent_ready_s;
	int		 restored;	/* started from a snapshot */
	double		 crash_s;
	double		 dump_s;
	double		 total_s;
	unsigned long long console_bytes;
	unsigned long long console_logged;
	unsigned long long console_dropped;
	char		*vmcore;
	const char	*vmcore_source;
	char		 vmcore_release[128];
	char		*dmesg;
	char		*capture_error;
	int		 dump_skipped;	/* too little disk for a vmcore */
	char		*agent_error;
	json_t		*report;	/* report_to_json() of the crash */
	struct metrics_rates live;	/* between the last two samples */
	struct metrics_rates rates;	/* over the whole run */
	int		 have_rates;
};

/* A campaign (campaign.c): kernels x scenarios x parameter ranges. */
#define CAMPAIGN_CORPUS	16	/* parameter sets kept per scenario */

struct campaign_kept {
	json_t		*params;	/* {"k": "v"} */
	double		 hits;
};

struct campaign_scenario {
	char		*name;
	json_t		*params;	/* specs: [min, max], [values], value */
	long		 duration_s;	/* 0: the scenario's */
	char		*hit_metric;	/* NULL: none */
	struct campaign_kept *corpus;	/* guided mode */
	size_t		 ncorpus;
};

/*
 * A libvirt host of a multi-host campaign.  label is the URI's host part
 * (or the whole URI of a local one), for progress lines.
 */
struct campaign_host {
	char		*uri;
	char		*callback;	/* NULL: unix sockets (local URI) */
	char		*label;
	int		 capacity;	/* runs at once */
};

#define CAMPAIGN_MAX_CAPACITY	32	/* per host */
#define CAMPAIGN_NAME_MAX	64	/* characters of a campaign's name */
#define CAMPAIGN_SMP_MAX	64	/* vCPUs of a campaign's guests */
#define CAMPAIGN_DURATION_MAX	(366 * 86400)	/* seconds */
/* disk_budget_mb << 20 must not overflow: 16 TiB at most */
#define CAMPAIGN_BUDGET_MAX_MB	(1LL << 24)
#define CAMPAIGN_VMCORES_DEFAULT 64	/* vmcores a campaign keeps */
#define CAMPAIGN_VMCORES_MAX	100000
#define CAMPAIGN_MAX_SLOTS	64	/* runs at once, all hosts */
#define CAMPAIGN_MAX_FILE	(1024 * 1024)	/* bytes of a campaign file */

struct campaign {
	char		*name;
	char		*file;
	double		 duration_s;
	int		 jobs;		/* 0: from host cores and memory */
	int		 smp;		/* 0: the scenario's */
	unsigned long long seed;
	char		*mode;		/* random or guided */
	char		*db_path;
	char		*out_dir;
	unsigned long long disk_budget_mb;	/* 0: 4 GiB */
	unsigned long long max_vmcores;	/* vmcores kept at most */
	char		**kernels;
	size_t		 nkernels;
	struct campaign_scenario *scenarios;
	size_t		 nscenarios;
	struct campaign_host *hosts;	/* none: local QEMU, jobs VMs */
	size_t		 nhosts;
	int		 snapshot;	/* runs start from a snapshot */
};

/* One run's draw from a campaign. */
struct campaign_draw {
	size_t		 scenario;
	size_t		 kernel;
	unsigned long long seed;
	char		**params;	/* "k=v" */
	size_t		 nparams;
	int		 guided;	/* mutated from a kept set */
};

/* The results database (db.c). */
struct sqlite3;
struct db {
	struct sqlite3	*h;
};

/* A guest image in the cache (image.c). */
struct image {
	char		*dir;
	char		*vmlinuz;
	char		*initramfs;
	char		*kdump_initramfs;	/* NULL if the image has none */
	/*
	 * The same two with the workload archive appended (programs such as
	 * stress-ng that only workload scenarios load): NULL if the image
	 * has none.
	 */
	char		*workload_initramfs;
	char		*kdump_workload_initramfs;
	char		 release[128];
};

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

/* How a bisection decides a step (bisect.c). */
struct bisect_opts {
	struct run_opts	 run;		/* scenario, params, vCPUs ... */
	const char	*target_class;	/* a match on any one target */
	const char	*target_title;
	const char	*target_bucket;
	double		 confidence;	/* of a good verdict, e.g. 0.95 */
	double		 prior_rate;	/* before any bad step was seen */
	int		 max_runs;	/* per step */
	int		 jobs;		/* parallel VMs */
	const char	*state_path;	/* rate estimate across steps */
	const char	*log_path;	/* the full log, appended to */
};

#define BISECT_GOOD	0
#define BISECT_BAD	1
#define BISECT_SKIP	125	/* git bisect run's "cannot test" */

struct bisect_verdict {
	int		 bad;
	int		 runs;
	int		 matching;
	int		 clean;
	int		 needed;
	int		 other_crashes;
	int		 boot_failures;
	double		 rate;		/* reproduction rate assumed */
	double		 confidence;	/* of a good verdict */
};

/* util.c */
int		 error(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 warning(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 fatal(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2), noreturn));
void		*xmalloc(size_t n);
void		*xcalloc(size_t nmemb, size_t size);
void		*xrealloc(void *ptr, size_t n);
char		*xstrdup(const char *s);
char		*xasprintf(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
char		*str_printable(char *dst, const char *src, size_t n);
void		 buf_init(struct buf *b);
void		 buf_release(struct buf *b);
void		 buf_grow(struct buf *b, size_t extra);
void		 buf_add(struct buf *b, const void *data, size_t n);
void		 buf_addstr(struct buf *b, const char *s);
void		 buf_addf(struct buf *b, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
void		 buf_reset(struct buf *b);
double		 now_mono(void);
double		 now_wall(void);
int		 mkdir_p(const char *path, mode_t mode);
int		 read_file(const char *path, struct buf *b, size_t max);
int		 write_all(int fd, const void *data, size_t n);
int		 tmp_create_beside(const char *path, char **tmp);
int		 write_file_atomic(const char *path, const void *data,
		     size_t n);
int		 write_file_excl(const char *path, const void *data,
		     size_t n, mode_t mode);
int		 json_write_atomic(const char *path, const json_t *j);
int		 parse_long(const char *s, long min, long max, long *out);
int		 parse_ip(const char *addr, struct sockaddr_storage *ss,
		     socklen_t *len);
const char	*cache_dir(void);
const char	*source_dir(void);
int		 run_command(char *const argv[], const char *in_path,
		     const char *out_path, const char *err_path, double timeout_s,
		     struct buf *output, size_t max_output);

/* report.c */
int		 report_parse(const char *log, size_t len, struct report *out);
void		 report_release(struct report *r);
json_t		*report_to_json(const struct report *r);
int		 report_contains_crash_line(const char *line, size_t len);

/* report-cpus.c */
int		 report_cpus_parse(const char *log, size_t len, size_t start,
		     size_t end, struct report_cpus *out);
void		 report_cpus_release(struct report_cpus *c);
void		 report_cpus_to_json(const struct report_cpus *c, json_t *j);
int		 report_cpus_from_json(const json_t *report,
		     struct report_cpus *out);

/* report-rules.c */
void		 report_set_rules(const char *path);
int		 report_load_rules(void);
int		 report_load_rules_buf(const char *name, const char *text,
		     size_t len);
const char	*report_class_explain(const char *cls);

/* qmp.c */
void		 qmp_init(struct qmp *q, int fd);
void		 qmp_release(struct qmp *q);
int		 qmp_handshake(struct qmp *q, int timeout_ms);
int		 qmp_command(struct qmp *q, const char *cmd, json_t *args,
		     json_t **ret, int timeout_ms);
int		 qmp_send_fd(struct qmp *q, const char *name, int fd,
		     int timeout_ms);
json_t		*qmp_next_event(struct qmp *q);

/* console.c */
int		 console_open(struct console *c, const char *path,
		     size_t log_limit);
void		 console_feed(struct console *c, const char *data, size_t n);
ssize_t		 console_read(struct console *c, int fd);
void		 console_close(struct console *c);

/* vm.c */
const struct vm_ops *vm_backend(const char *name);
struct vm	*vm_new(const struct vm_ops *ops, const struct vm_config *cfg);
int		 vm_start(struct vm *vm);
int		 vm_save(struct vm *vm, const char *path);
int		 vm_next_event(struct vm *vm, struct vm_event *ev,
		     int timeout_ms);
int		 vm_dump(struct vm *vm, const char *path);
int		 vm_alive(struct vm *vm, char *detail, size_t n);
void		 vm_free(struct vm *vm);
const char	*vm_state_name(enum vm_state state);

/* vm-qemu.c */
extern const struct vm_ops vm_qemu_ops;
extern const struct vm_ops vm_libvirt_ops;
int		 vm_libvirt_uri_host(const char *uri, char *host, size_t n);
const char	*qemu_binary(void);	/* $RACERIG_QEMU or the default */

/* snapshot.c */
int		 snapshot_prepare(const struct vm_ops *ops,
		     const struct vm_config *cfg, char **ram_out,
		     char **state_out);
const char	*vm_qemu_accel(const char *kernel, const char *initrd);

/*
 * agent.c: interface used by run.c.  agent_read() returns 1 with *ev set,
 * 0 if no complete message is available without blocking, -1 when the
 * channel is broken (a->error says why) or closed.  agent_pending() is
 * 1 when bytes read while a send waited are not decoded yet: the channel
 * need not poll readable for them.  The senders return 0, or -1: with
 * a->stalled set when the guest stopped reading (not reported: the run
 * decides what that means), reported otherwise.
 */
int		 agent_init(struct agent *a, int fd);
void		 agent_release(struct agent *a);
int		 agent_read(struct agent *a, struct agent_event *ev);
int		 agent_pending(const struct agent *a);
int		 agent_send_hello(struct agent *a);
int		 agent_send_resume(struct agent *a, const unsigned char *seed,
		     size_t n, long long realtime_ns);
int		 agent_exec(struct agent *a, uint32_t id, char *const *argv,
		     char *const *env, const int *cpus, size_t ncpus,
		     long timeout_ms, int raw_channel);
int		 agent_kill(struct agent *a, uint32_t id);
int		 agent_query(struct agent *a, uint32_t id, const char *what,
		     const char *path);
int		 agent_sample(struct agent *a, char *const *paths,
		     size_t npaths, long interval_ms);

/* dump.c */
int		 dump_unflatten(const char *flat, const char *path,
		     const char *origin);
int		 dump_vmcoreinfo_release(const char *path, char *release,
		     size_t n);
int		 dump_extract_dmesg(const char *vmcore, const char *out_path);
int		 dump_from_kdump_disk(const char *disk, const char *vmcore);

/* metrics.c */
int		 metrics_conntrack_sum(const char *text, const char *name,
		     const char *alias, unsigned long long *sum);
int		 metrics_softirq_sum(const char *text, const char *name,
		     unsigned long long *sum);
void		 metrics_rates(json_t *first, json_t *last,
		     struct metrics_rates *out);

/* scenario.c */
int		 scenario_load(const char *name, struct scenario *s);
int		 scenario_parse(const char *file, const char *text, size_t len,
		     struct scenario *s);
void		 scenario_release(struct scenario *s);
int		 scenario_check_value(const struct scenario *s,
		     const struct scenario_param *p, const char *value);
int		 scenario_check_vm(const struct scenario *s,
		     const struct param_values *vals, int smp);
const struct scenario_param *scenario_param(const struct scenario *s,
		     const char *name);
int		 scenario_values(const struct scenario *s, char **assign,
		     size_t nassign, struct param_values *vals);
void		 param_values_release(struct param_values *vals);
const char	*param_values_get(const struct param_values *vals,
		     const char *name);
int		 scenario_expand(const struct scenario *s,
		     const struct param_values *vals,
		     const char *const *builtins, const char *text,
		     struct buf *out);
int		 scenario_step_timeout(const struct scenario *s,
		     const struct param_values *vals,
		     const char *const *builtins,
		     const struct scenario_step *st, long default_s,
		     long *out);
int		 scenario_list(char ***names, size_t *count);

/* image.c */
int		 image_build(const char *release, const char *tree, int force,
		     const char *name, const char *modules_src);
int		 kernel_build(char *const args[], char **tree);
int		 image_open(const char *arg, struct image *img);
void		 image_release(struct image *img);

/* run.c */
const char	*run_outcome_name(enum run_outcome o);
int		 run_scenario(const struct run_opts *o, struct run_result *r);
int		 run_id_is(const char *name, const char *scenario);
void		 run_result_release(struct run_result *r);
int		 run_batch(const struct run_opts *o, int k, char dirs[][1024]);

/* campaign.c */
unsigned long long campaign_rand(unsigned long long *state);
int		 campaign_name_ok(const char *name);
int		 campaign_load(const char *path, struct campaign *c);
int		 campaign_parse(const char *path, const char *text, size_t len,
		     struct campaign *c);
void		 campaign_release(struct campaign *c);
void		 campaign_draw(struct campaign *c, long long seq,
		     struct campaign_draw *d);
void		 campaign_draw_release(struct campaign_draw *d);
double		 campaign_hits(const char *metric, const char *dir, json_t *run);
void		 campaign_learn(struct campaign_scenario *cs, json_t *params,
		     double hits, int new_bucket);

/* db.c */
int		 db_open(struct db *db, const char *path);
void		 db_close(struct db *db);
long long	 db_campaign(struct db *db, const char *name, const char *file,
		     unsigned long long seed, double duration_s,
		     const char *mode, int *resumed, double *elapsed_s,
		     unsigned long long *seed_out);
long long	 db_campaign_runs(struct db *db, long long campaign_id,
		     long long *next, long long **missing, size_t *nmissing);
int		 db_campaign_progress(struct db *db, long long campaign_id,
		     double elapsed_s, int finished);
int		 db_add_run(struct db *db, long long campaign_id, long long seq,
		     const char *dir, json_t *run, double hits_per_s);
int		 db_has_run(struct db *db, const char *run_id);
json_t		*db_run(struct db *db, const char *run_id);
json_t		*db_prunable_runs(struct db *db, long long campaign_id,
		     int firsts);

/* summary.c */
long long	 summary_campaign(struct db *db, const char *name,
		     char **name_out);
int		 summary_html(struct db *db, long long cid, const char *name,
		     FILE *f);
json_t		*summary_json(struct db *db, long long cid, const char *name);
int		 summary_junit(struct db *db, long long cid, const char *name,
		     FILE *f);
long long	 summary_new_buckets(struct db *db, long long cid);

/* cmd-stress.c */
char		*stress_db_path(const char *arg);

/* stress.c */
int		 stress_run(struct campaign *c, struct db *db,
		     const char *out_root, int resume);

/* repro.c */
const char	*repro_match(const struct report *want, json_t *got);
int		 repro_candidates(const struct report *r, char ***out,
		     size_t *nout, FILE *explain);
void		 repro_wilson(int k, int n, double *lo, double *hi);

/* bisect.c */
int		 bisect_runs_needed(double p, double c);
double		 bisect_rate_estimate(long bad_crashes, long bad_runs,
		     double prior);
int		 bisect_step(const struct bisect_opts *o, const char *image,
		     struct bisect_verdict *v);
void		 bisect_log(const struct bisect_opts *o, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));

/* cmd.c */
extern const struct cmd_entry *const cmd_table[];
int		 cmd_run_verb(const struct cmd_verb *verbs, int argc,
		     char **argv);
const struct cmd_entry *cmd_find(const char *name);
const struct cmd_verb *cmd_find_verb(const struct cmd_entry *entry,
		     const char *name);

/* cmd-help.c */
void		 help_command(FILE *fp, const struct cmd_entry *entry,
		     const struct cmd_verb *verb);
void		 help_man(FILE *fp);

#endif
