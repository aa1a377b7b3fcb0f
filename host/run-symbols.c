/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space frames for the other CPUs at a crash.  The NMI that asks
 * every CPU for its stack finds a racing thread of a scenario program,
 * more often than not, in user space (at a spin barrier or a jitter
 * loop): the kernel then prints its task and registers and no stack.
 * When that task is one of the run's own scenario programs or the
 * agent, built on this host, its symbol table names the function, and its line table
 * the functions inlined there (addr2line -f -i), so the report says
 * "driver at sync_barrier_wait < worker_main" instead of "in user
 * space".
 *
 * The guest is not trusted: its comm is only compared with the names of
 * the programs the scenario file runs, never made into a path, and its
 * address is passed to addr2line as a number.  A program rebuilt after
 * the image was made is not the one that ran, and is not used.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "report.h"
#include "scenario.h"
#include "run.h"

/* A scenario program's guest path: "/scenarios/" and [A-Za-z0-9._/-]. */
static int
symbols_program_path(const char *p)
{
	if (strncmp(p, "/scenarios/", 11) != 0 || strstr(p, "..") != NULL ||
	    strlen(p) > 256)
		return 0;
	if (strlen(p) > 3 && strcmp(p + strlen(p) - 3, ".sh") == 0)
		return 0;	/* a script: its comm is the shell's */
	return strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._/-") == strlen(p);
}

/* Is comm the task name of a program at path (its first 15 bytes)? */
static int
symbols_comm_is(const char *comm, const char *path)
{
	const char *base = strrchr(path, '/') + 1;
	size_t n = strlen(base) < 15 ? strlen(base) : 15;

	return *comm != '\0' && strlen(comm) == n &&
	    strncmp(base, comm, n) == 0;
}

/*
 * The host copy of the program whose task name is comm: one the
 * scenario sc runs, or the agent (which runs every step).  NULL if it
 * is none of them.
 */
static char *
symbols_program(const struct scenario *sc, const char *comm)
{
	if (symbols_comm_is(comm, "/guest/racerig-agent"))
		return xasprintf("%s/build/guest/racerig-agent", source_dir());
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct scenario_step *st = &sc->steps[i];

		if (st->argc > 0 && symbols_program_path(st->argv[0]) &&
		    symbols_comm_is(comm, st->argv[0]))
			return xasprintf("%s/build%s", source_dir(),
			    st->argv[0]);
	}
	return NULL;
}

/*
 * The frames at ip in program bin: addr2line's function lines, the
 * innermost (inlined) first, until its "??" for an address it cannot
 * name.  Returns how many were added to c.
 */
static size_t
symbols_lookup(const char *bin, unsigned long long ip, struct report_cpu *c)
{
	char addr[24];
	char *argv[] = { "addr2line", "-f", "-i", "-e", (char *)bin, addr,
	    NULL };
	struct buf out = BUF_INIT;
	size_t n = 0;
	char *line, *save = NULL;
	int odd = 1;

	snprintf(addr, sizeof(addr), "0x%llx", ip);
	if (run_command(argv, NULL, NULL, "/dev/null", 10, &out, 64 * 1024) !=
	    0 || out.data == NULL) {
		buf_release(&out);
		return 0;
	}
	free(c->frames);
	c->frames = xcalloc(REPORT_CPU_FRAMES + 1, sizeof(*c->frames));
	/* function, then file:line, for each inlined level */
	for (line = strtok_r(out.data, "\n", &save); line != NULL &&
	    n < REPORT_CPU_FRAMES; line = strtok_r(NULL, "\n", &save),
	    odd = !odd) {
		char clean[128];

		if (!odd)
			continue;
		if (strcmp(line, "??") == 0)
			break;
		c->frames[n++] = xstrdup(str_printable(clean, line,
		    sizeof(clean)));
	}
	c->nframes = n;
	buf_release(&out);
	return n;
}

/*
 * Name the user-space frames of oc's CPUs that ran a program of p's
 * scenario, built at most as recently as p's initramfs.
 */
void
run_user_frames(struct report_cpus *oc, const struct run_programs *p)
{
	struct stat img, bin;

	if (p == NULL || p->sc == NULL || p->initrd == NULL ||
	    stat(p->initrd, &img) != 0)
		return;
	for (size_t i = 0; i < oc->n; i++) {
		struct report_cpu *c = &oc->cpu[i];
		char *path;

		if (!c->user || c->ip == 0 || c->nframes > 0 || c->pid < 0)
			continue;
		path = symbols_program(p->sc, c->comm);
		if (path != NULL && stat(path, &bin) == 0 &&
		    bin.st_mtime <= img.st_mtime)
			(void)symbols_lookup(path, c->ip, c);
		free(path);
	}
}
