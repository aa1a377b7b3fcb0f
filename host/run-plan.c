/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planning a run: everything decided before a VM starts, checked once.
 *
 * run_plan_make() loads the scenario, takes its parameters, checks them
 * against the VM, draws the seed and expands every step (argv, env,
 * timeout, CPUs) into a struct run_plan.  A scenario, a parameter or a
 * step that is wrong fails here, before boot, with the one message that
 * run, boot, stress, repro and bisect all give; the run itself then only
 * sends what the plan holds.  Also here: the defaults every command
 * starts a struct run_opts from, the run directory's name, and the
 * guest's kernel command line.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "run.h"

/* o with nothing asked for: the scenario's values, the run defaults. */
void
run_opts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->boot_timeout_s = RUN_BOOT_TIMEOUT_S;
	o->heartbeat_timeout_s = RUN_HEARTBEAT_TIMEOUT_S;
}

static void
run_step_release(struct run_step *st)
{
	for (size_t i = 0; st->argv != NULL && st->argv[i] != NULL; i++)
		free(st->argv[i]);
	for (size_t i = 0; st->env != NULL && st->env[i] != NULL; i++)
		free(st->env[i]);
	free(st->argv);
	free(st->env);
	free(st->cpus);
	free(st->command);
}

/*
 * Expand step i of p's scenario into p->steps[i].  0, or -1 after
 * reporting.
 */
static int
run_plan_step(struct run_plan *p, size_t i, const char *const *builtins)
{
	const struct scenario *sc = &p->sc;
	const struct scenario_step *def = &sc->steps[i];
	struct run_step *st = &p->steps[i];
	struct buf b = BUF_INIT, cmd = BUF_INIT;
	int rc = -1;

	st->def = def;
	st->argv = xcalloc(def->argc + 1, sizeof(char *));
	st->env = xcalloc(def->nenv + 1, sizeof(char *));
	if (scenario_step_timeout(sc, &p->vals, builtins, def,
	    sc->duration_s + 60, &st->timeout_s) != 0)
		goto out;
	for (size_t k = 0; k < def->argc; k++) {
		if (scenario_expand(sc, &p->vals, builtins, def->argv[k],
		    &b) != 0)
			goto out;
		st->argv[k] = xstrdup(b.data ? b.data : "");
		buf_addf(&cmd, "%s%s", k ? " " : "", st->argv[k]);
	}
	for (size_t k = 0; k < def->nenv; k++) {
		if (scenario_expand(sc, &p->vals, builtins, def->env[k],
		    &b) != 0)
			goto out;
		st->env[k] = xstrdup(b.data ? b.data : "");
	}
	if (def->cpus_all) {
		st->cpus = xcalloc((size_t)p->smp, sizeof(int));
		for (int c = 0; c < p->smp; c++)
			st->cpus[st->ncpus++] = c;
	} else if (def->ncpus > 0) {
		st->cpus = xcalloc(def->ncpus, sizeof(int));
		for (size_t c = 0; c < def->ncpus; c++) {
			if (def->cpus[c] >= p->smp) {
				error("scenario '%s': step %zu wants CPU %d "
				    "but the guest has %d", sc->name, i + 1,
				    def->cpus[c], p->smp);
				goto out;
			}
			st->cpus[st->ncpus++] = def->cpus[c];
		}
	}
	st->command = xstrdup(cmd.data ? cmd.data : "");
	rc = 0;
out:
	buf_release(&b);
	buf_release(&cmd);
	return rc;
}

/*
 * Plan the run o asks for into *p: the scenario and its parameter
 * values, vCPUs, memory, duration and seed, and every step expanded.
 * Returns 0, or -1 after reporting what is wrong (a usage error: nothing
 * was started); *p then holds nothing to release.
 */
int
run_plan_make(const struct run_opts *o, struct run_plan *p)
{
	char seed_s[32], smp_s[16], dur_s[32];
	const char *builtins[7];

	memset(p, 0, sizeof(*p));
	if (scenario_load(o->scenario, &p->sc) != 0)
		return -1;
	p->loaded = 1;
	if (scenario_values(&p->sc, o->params, o->nparams, &p->vals) != 0)
		goto fail;
	p->smp = o->smp > 0 ? o->smp : p->sc.smp;
	p->mem_mb = o->mem_mb > 0 ? o->mem_mb : p->sc.mem_mb;
	if (scenario_check_vm(&p->sc, &p->vals, p->smp) != 0)
		goto fail;
	if (o->duration_s > 0)
		p->sc.duration_s = o->duration_s;
	if (o->seed_set)
		p->seed = o->seed;
	else if (getrandom(&p->seed, sizeof(p->seed), 0) != sizeof(p->seed))
		p->seed = (unsigned long long)now_wall() ^ (unsigned)getpid();
	p->seed &= 0x7fffffffffffffffULL;	/* fits a JSON integer */
	snprintf(seed_s, sizeof(seed_s), "%llu", p->seed);
	snprintf(smp_s, sizeof(smp_s), "%d", p->smp);
	snprintf(dur_s, sizeof(dur_s), "%ld", p->sc.duration_s);
	builtins[0] = "seed";
	builtins[1] = seed_s;
	builtins[2] = "smp";
	builtins[3] = smp_s;
	builtins[4] = "duration_s";
	builtins[5] = dur_s;
	builtins[6] = NULL;
	/* expand every step now: a bad one fails before the VM starts */
	p->steps = xcalloc(p->sc.nsteps + 1, sizeof(*p->steps));
	p->nsteps = p->sc.nsteps;
	for (size_t i = 0; i < p->nsteps; i++) {
		if (run_plan_step(p, i, builtins) != 0)
			goto fail;
	}
	return 0;
fail:
	run_plan_release(p);
	return -1;
}

void
run_plan_release(struct run_plan *p)
{
	for (size_t i = 0; p->steps != NULL && i < p->nsteps; i++)
		run_step_release(&p->steps[i]);
	free(p->steps);
	param_values_release(&p->vals);
	if (p->loaded)
		scenario_release(&p->sc);
	memset(p, 0, sizeof(*p));
}

/*
 * Make the run directory <out>/<YYYYmmdd-HHMMSS>-<scenario>-<4 hex>, and
 * make it exclusively: two runs started in the same second by different
 * processes must never share one, so an existing name is never reused,
 * and another random part is drawn instead.  A campaign's run directory
 * also gets the file seq, the run's number in the campaign.
 */
int
run_make_dir(const struct run_opts *o, const char *name, struct run_record *r)
{
	char stamp[32], *parent;
	time_t t = time(NULL);
	struct tm tm;
	int rc = -1;

	localtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	parent = o->out_dir ? xstrdup(o->out_dir) :
	    xasprintf("%s/runs", cache_dir());
	if (mkdir_p(parent, 0755) != 0)
		goto out;
	for (int tries = 0; tries < 64; tries++) {
		unsigned short rnd = 0;

		if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
			rnd = (unsigned short)(getpid() + tries);
		free(r->id);
		free(r->dir);
		r->id = xasprintf("%s-%s-%04x", stamp, name, rnd);
		r->dir = xasprintf("%s/%s", parent, r->id);
		if (mkdir(r->dir, 0755) == 0) {
			rc = 0;
			break;
		}
		if (errno != EEXIST) {
			error("cannot create '%s': %s", r->dir,
			    strerror(errno));
			goto out;
		}
	}
	if (rc != 0)
		error("cannot create a fresh run directory in '%s': every "
		    "name tried exists", parent);
	else if (o->in_campaign) {
		/* lets a resumed campaign record a run its kill orphaned */
		char *sp = xasprintf("%s/seq", r->dir);
		char *sv = xasprintf("%lld\n", o->seq);

		(void)write_file_atomic(sp, sv, strlen(sv));
		free(sp);
		free(sv);
	}
out:
	free(parent);
	return rc;
}

/*
 * Make the sparse disk the capture kernel of a --dump kdump run saves
 * its vmcore to, mem_mb big, in dir; *path names it (also on failure,
 * for the caller to remove).  0, or -1 after reporting.
 */
int
run_make_kdump_disk(const char *dir, int mem_mb, char **path)
{
	int fd;

	*path = xasprintf("%s/kdump.disk", dir);
	fd = open(*path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	/* sparse: only what the capture kernel writes takes space */
	if (fd < 0 || ftruncate(fd, (off_t)mem_mb << 20) != 0) {
		error("cannot create '%s': %s", *path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Is name the name of a directory that run_make_dir() makes for
 * scenario: <8 digits>-<6 digits>-<scenario>-<4 lowercase hex>?  Resumed
 * campaigns remove only such entries of their own directory.
 */
int
run_id_is(const char *name, const char *scenario)
{
	size_t sl = strlen(scenario);

	for (int i = 0; i < 16; i++) {
		if (i == 8 || i == 15) {
			if (name[i] != '-')
				return 0;
		} else if (name[i] < '0' || name[i] > '9')
			return 0;
	}
	if (strncmp(name + 16, scenario, sl) != 0 || name[16 + sl] != '-')
		return 0;
	name += 16 + sl + 1;
	for (int i = 0; i < 4; i++) {
		if (!((name[i] >= '0' && name[i] <= '9') ||
		    (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	}
	return name[4] == '\0';
}

/*
 * The guest kernel's command line for a run of sc: racerig's own
 * parameters, then the image's (image_cmdline), the scenario's and
 * --cmdline's; of two values for one parameter the kernel takes the
 * later.
 */
char *
run_cmdline(const struct run_opts *o, const struct scenario *sc,
    const char *image_cmdline)
{
	struct buf b = BUF_INIT;

	/*
	 * loglevel=5: boot chatter (info) stays off the slow serial port,
	 * while oopses, warnings and call traces (default level 4) show.
	 * panic=-1 is the fallback when pvpanic is not loaded: the reboot
	 * becomes a paused machine (see vm-qemu.c).
	 * nokaslr: QEMU 7.2's kdump header does not carry the KASLR
	 * phys_base, and makedumpfile 1.7.2 then cannot translate kernel
	 * addresses (NEEDSWORK: read the log with libkdumpfile, which
	 * takes the offset from VMCOREINFO, and drop this).
	 * Every CPU's stack at the crash (report.json's other_cpus):
	 * panic_print bit 0x40 has panic() send the NMI backtrace (6.1
	 * and 6.12 alike), after the report, and with oops=panic and
	 * panic_on_warn=1 every oops and warning ends in panic().  Not
	 * the sysctl kernel.oops_all_cpu_backtrace (no boot parameter of
	 * its own; "sysctl.kernel.oops_all_cpu_backtrace=1" would do):
	 * oops_enter() sends it before the oops takes die_lock, so when
	 * two CPUs oops at once, as racing updaters do, the backtraces
	 * are printed into the middle of the first report and it was
	 * titled "in __die_body" instead of "in rcu_do_batch" (the
	 * kernel has no CONFIG_PRINTK_CALLER to tell the lines apart).
	 * A --dump kdump run adds crash_kexec_post_notifiers, so that
	 * panic() prints them before it kexecs (run_prepare_kdump()).
	 */
	buf_addstr(&b, "console=ttyS0,115200 loglevel=5 panic=-1 oops=panic "
	    "panic_on_warn=1 printk.devkmsg=on nokaslr panic_print=0x40");
	if (image_cmdline != NULL && *image_cmdline != '\0')
		buf_addf(&b, " %s", image_cmdline);
	for (size_t i = 0; i < sc->ncmdline; i++)
		buf_addf(&b, " %s", sc->cmdline[i]);
	if (o->extra_cmdline != NULL)
		buf_addf(&b, " %s", o->extra_cmdline);
	return b.data;
}

