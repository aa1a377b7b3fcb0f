/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "racerig run" and "racerig boot" share (cmd-run.h): the run's
 * options, parsed from one table, and the exit status of an outcome.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vm.h"
#include "run.h"
#include "cmd.h"
#include "cmd-run.h"

/* --seed: decimal or 0x hex; sets seed_set too */
static int
opt_seed(const char *arg, void *field, void *base)
{
	struct run_args *a = base;
	char *end;

	*(unsigned long long *)field = strtoull(arg, &end, 0);
	if (*arg == '\0' || *end != '\0')
		return -1;
	a->run.seed_set = 1;
	return 0;
}

/* --console-limit: a size_t, so not an OPT_LONG */
static int
opt_console_limit(const char *arg, void *field, void *base)
{
	long v;

	(void)base;
	if (parse_long(arg, 4096, 1L << 34, &v) != 0)
		return -1;
	*(size_t *)field = (size_t)v;
	return 0;
}

static int
opt_storage(const char *arg, void *field, void *base)
{
	(void)base;
	if (strcmp(arg, "volumes") == 0)
		*(int *)field = 0;
	else if (strcmp(arg, "shared") == 0)
		*(int *)field = 1;
	else
		return error("--storage takes 'volumes' or 'shared', not '%s'",
		    arg);
	return 0;
}

static int
opt_callback(const char *arg, void *field, void *base)
{
	struct sockaddr_storage ss;
	socklen_t sslen;

	(void)base;
	if (parse_ip(arg, &ss, &sslen) != 0)
		return -1;
	*(const char **)field = arg;
	return 0;
}

#define STR_(x)	#x
#define STR(x)	STR_(x)

/*
 * run and boot share the table.  The defaults are stored by
 * parse_options() where they are values; boot-timeout and
 * heartbeat-timeout are run_opts_init()'s (run.h's macros).
 */
const struct cmd_opt run_cmd_opts[] = {
	OPT_RUN_PARAM(struct run_args, run),
	OPT_STRING(0, "image", "IMAGE", struct run_args, run.image,
	    "$RACERIG_IMAGE, else Debian's default kernel",
	    "The guest image: a name under the cache's images/ or a "
	    "directory."),
	OPT_RUN_SMP(struct run_args, run),
	OPT_INT(0, "mem", "MB", struct run_args, run.mem_mb, 128, 65536,
	    "the scenario's", "Guest memory in MiB."),
	OPT_LONG(0, "duration", "S", struct run_args, run.duration_s, 1,
	    7 * 24 * 3600, "the scenario's",
	    "How long the scenario runs, in seconds."),
	OPT_FUNC(0, "seed", "N", struct run_args, run.seed, opt_seed,
	    "a number", "random (recorded in run.json)",
	    "The seed the scenario's programs get, decimal or 0x hex, so a "
	    "run can be repeated."),
	OPT_STRING(0, "out", "DIR", struct run_args, run.out_dir, "CACHE/runs",
	    "Where the run directory is made (CACHE is $RACERIG_CACHE, else "
	    "~/.cache/racerig)."),
	OPT_CHOICE(0, "dump", struct run_args, run.dump, "qemu|kdump|none",
	    "qemu",
	    "How a crashed guest's memory is saved: QEMU's dump-guest-memory, "
	    "the guest's own kdump kernel, or not at all."),
	OPT_STRING(0, "cmdline", "WORDS", struct run_args, run.extra_cmdline,
	    "none", "Words appended to the guest kernel's command line."),
	OPT_STRING(0, "backend", "qemu|libvirt", struct run_args, run.backend,
	    "qemu", "Run the guest under QEMU directly or as a libvirt "
	    "domain."),
	OPT_CHOICE(0, "accel", struct run_args, run.accel, "kvm|tcg",
	    "the backend's choice: kvm if it works there, else tcg",
	    "The guest's accelerator ($RACERIG_ACCEL sets the default).  "
	    "QEMU probes this machine's /dev/kvm; libvirt asks its host's "
	    "domain capabilities."),
	OPT_FLAG(0, "json", struct run_args, json,
	    "Print run.json instead of the summary (run only)."),
	OPT_FUNC(0, "console-limit", "BYTES", struct run_args,
	    run.console_limit, opt_console_limit, "bytes, at least 4096",
	    "16777216",
	    "Bytes of console output kept in console.log, at least 4096; the "
	    "tail past it is kept too."),
	OPT_LONG(0, "boot-timeout", "S", struct run_args, run.boot_timeout_s,
	    1, 3600, STR(RUN_BOOT_TIMEOUT_S),
	    "Seconds for the guest to boot to its agent; longer is "
	    "boot-failed."),
	OPT_LONG(0, "heartbeat-timeout", "S", struct run_args,
	    run.heartbeat_timeout_s, 1, 3600, STR(RUN_HEARTBEAT_TIMEOUT_S),
	    "Seconds without a heartbeat from the agent before the guest is "
	    "declared hung."),
	OPT_FLAG(0, "raw-channel", struct run_args, run.raw_channel,
	    "Give steps the agent's port as file descriptor 3 (tests of the "
	    "agent protocol)."),
	OPT_INT(0, "count", "N", struct run_args, count, 1, 1000, "1",
	    "Boot N times and print the median time to agent-ready (boot "
	    "only)."),
	OPT_STRING(0, "replay", "RUN_ID", struct run_args, replay_id,
	    "(no default)",
	    "Repeat a recorded campaign run: its scenario, image, parameters, "
	    "vCPUs, duration and seed (run only)."),
	OPT_STRING(0, "db", "FILE", struct run_args, replay_db,
	    "CACHE/results.db", "The results database --replay reads."),
	OPT_FLAG(0, "snapshot", struct run_args, run.snapshot,
	    "Boot once to agent-ready, save a snapshot, and start this and "
	    "later runs of the same image from it."),
	OPT_STRING(0, "connect", "URI", struct run_args, run.connect,
	    "qemu:///system", "The libvirt connection (--backend libvirt)."),
	OPT_FUNC(0, "callback", "IP", struct run_args, run.callback,
	    opt_callback, "an IP address of this machine",
	    "none: unix sockets, a local libvirtd only",
	    "This machine's address as a remote libvirt host sees it; the "
	    "guest's console and agent connect back to it."),
	OPT_FUNC(0, "storage", "volumes|shared", struct run_args,
	    run.shared_storage, opt_storage, "volumes|shared", "volumes",
	    "With --callback: 'volumes' uploads kernel and initramfs to the "
	    "host's 'racerig' storage pool and downloads vmcores from it; "
	    "'shared' has the host use this machine's paths (a shared "
	    "filesystem)."),
	OPT_FLAG('v', "verbose", struct run_args, run.verbose,
	    "Echo the steps' output to standard error."),
	OPT_END()
};

int
run_parse(int argc, char **argv, struct run_args *a)
{
	int first;

	memset(a, 0, sizeof(*a));
	run_opts_init(&a->run);
	if ((first = parse_options(argc, argv, run_cmd_opts, a, 0)) < 0) {
		free(a->run.params);
		return -1;
	}
	/*
	 * TCP channels are taken only from the libvirt host's addresses: a
	 * URI without a host part names none, and then any process that
	 * found a channel's port could pose as the guest.
	 */
	if (a->run.callback != NULL) {
		char host[256] = "";

		if (a->run.connect == NULL || uri_host(
		    a->run.connect, host, sizeof(host)) != 0 ||
		    host[0] == '\0') {
			free(a->run.params);
			return error("--callback needs a --connect URI that "
			    "names the libvirt host, such as qemu+tcp://HOST/"
			    "system: TCP channels are taken only from its "
			    "addresses (a local daemon uses unix sockets)");
		}
	}
	return first;
}

int
run_exit_status(enum run_outcome o)
{
	switch (o) {
	case RUN_OK:
		return EXIT_PASS;
	case RUN_CRASHED:
	case RUN_HUNG:
	case RUN_BOOT_FAILED:
	case RUN_FAILED:
		return EXIT_VERDICT;
	case RUN_LOST:
	case RUN_ERROR:
	case RUN_WORKLOAD_FAILED:	/* not the kernel's doing either */
		break;
	}
	return EXIT_INFRA;
}

/* Kernel verdicts apart from everything else, as run_exit_status() does. */
const struct cmd_exit_doc run_exits[] = {
	{ EXIT_PASS, "The outcome is ok." },
	{ EXIT_VERDICT, "A kernel verdict: crashed, hung, boot-failed, or a "
	    "scenario step failed." },
	{ EXIT_INFRA, "No verdict: racerig or the host failed (error), the "
	    "VM or its host was lost (lost), or a workload step died on its "
	    "own (workload-failed)." },
	{ EXIT_USAGE, "A bad command line, scenario or parameter, found "
	    "before anything boots." },
	{ 0, NULL }
};
