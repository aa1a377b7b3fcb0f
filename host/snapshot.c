/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-once snapshots ("racerig run --snapshot"): a guest booted to
 * agent-ready is saved once per image and VM configuration, and every
 * further run starts from a private copy of that state instead of
 * booting.  After the restore the host sends the agent a fresh random
 * seed and the time (agent_send_resume), so runs still differ.
 *
 * A snapshot lives in <cache>/snapshots/<key>/state.qcow2, where key
 * hashes everything that must be equal at save and restore: kernel and
 * initramfs (path, size, mtime), command line, vCPUs, memory,
 * accelerator and the QEMU binary.  Creation is serialised with a lock
 * file, so parallel campaign jobs make one snapshot, not several.
 */
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

#define SNAPSHOT_BOOT_TIMEOUT_S	180

static void
snapshot_hash_add(unsigned long long *h, const char *s)
{
	for (; *s; s++) {
		*h ^= (unsigned char)*s;
		*h *= 0x100000001b3ULL;		/* FNV-1a 64 */
	}
	*h ^= 0xff;
	*h *= 0x100000001b3ULL;
}

static void
snapshot_hash_file(unsigned long long *h, const char *path)
{
	struct stat st;
	char buf[256];

	if (path == NULL || stat(path, &st) != 0)
		snprintf(buf, sizeof(buf), "%s missing", path ? path : "-");
	else
		snprintf(buf, sizeof(buf), "%s %lld %lld.%09ld", path,
		    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec);
	snapshot_hash_add(h, buf);
}

/* The snapshot directory for cfg (caller frees). */
static char *
snapshot_dir(const struct vm_config *cfg)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	char num[64];

	snapshot_hash_file(&h, cfg->kernel);
	snapshot_hash_file(&h, cfg->initrd);
	snapshot_hash_add(&h, cfg->cmdline ? cfg->cmdline : "");
	snprintf(num, sizeof(num), "smp=%d mem=%d", cfg->smp, cfg->mem_mb);
	snapshot_hash_add(&h, num);
	snapshot_hash_add(&h, cfg->accel ? cfg->accel : "auto");
	snapshot_hash_file(&h, qemu_binary());
	return xasprintf("%s/snapshots/%016llx", cache_dir(), h);
}

/*
 * Boot cfg's guest to agent-ready, make sure the agent is in its loop
 * (a query answered), and save it as SNAPSHOT_TAG in state.  (Zeroing
 * free guest memory first was tried: the state stayed at 114 MiB, what
 * the booted guest really holds, so it is not done.)  0 or -1
 * (reported).
 */
static int
snapshot_create(const struct vm_ops *ops, const struct vm_config *cfg,
    const char *dir, const char *state)
{
	char *qemu_img[] = { "qemu-img", "create", "-q", "-f", "qcow2",
	    (char *)state, "1M", NULL };
	struct vm_config c = *cfg;
	struct agent agent;
	struct vm *vm;
	double deadline;
	int hello = 0, ready = 0, agent_ok = 0, rc = -1;

	if (run_command(qemu_img, NULL, NULL, NULL, 30, NULL, 0) != 0)
		return error("qemu-img cannot create '%s'", state);
	c.state_disk = state;
	c.loadvm = NULL;
	c.disk = NULL;
	c.dir = dir;		/* the boot's console.log stays with it */
	vm = vm_new(ops, &c);
	if (vm_start(vm) != 0)
		goto out;
	if (agent_init(&agent, vm->agent_fd) != 0)
		goto out;
	agent_ok = 1;
	deadline = now_mono() + SNAPSHOT_BOOT_TIMEOUT_S;
	while (!ready && now_mono() < deadline) {
		struct vm_event ev;
		struct agent_event aev;
		int r;

		if (vm_next_event(vm, &ev, 200) != 0)
			goto out;
		if (ev.type == VM_EV_PANIC || ev.type == VM_EV_SHUTDOWN ||
		    ev.type == VM_EV_EXITED) {
			error("the snapshot's guest did not reach agent-ready "
			    "(%s; console: %s/console.log)", ev.detail, dir);
			goto out;
		}
		if (ev.type != VM_EV_AGENT)
			continue;
		while ((r = agent_read(&agent, &aev)) == 1) {
			if (aev.type == AGENT_EV_HELLO && !hello) {
				hello = 1;
				if (agent_send_hello(&agent) != 0 ||
				    agent_query(&agent, 1, "taint", NULL) != 0)
					goto out;
			} else if (aev.type == AGENT_EV_REPLY && aev.id == 1)
				ready = 1;
		}
		if (r < 0) {
			error("the snapshot's agent channel broke");
			goto out;
		}
	}
	if (!ready) {
		error("the snapshot's guest did not reach agent-ready in %d s "
		    "(console: %s/console.log)", SNAPSHOT_BOOT_TIMEOUT_S, dir);
		goto out;
	}
	rc = vm_save(vm, SNAPSHOT_TAG);
out:
	if (agent_ok)
		agent_release(&agent);
	vm_free(vm);
	return rc;
}

int
snapshot_prepare(const struct vm_ops *ops, const struct vm_config *cfg,
    char **state_out)
{
	char *dir = snapshot_dir(cfg), *state, *tmp, *lock;
	int fd, rc = 0;

	*state_out = NULL;
	if (cfg->disk != NULL)
		return error("snapshots cannot hold a run with a disk "
		    "(--dump kdump)"), free(dir), -1;
	state = xasprintf("%s/state.qcow2", dir);
	tmp = xasprintf("%s/state.qcow2.tmp", dir);
	lock = xasprintf("%s/lock", dir);
	if (mkdir_p(dir, 0755) != 0) {
		rc = -1;
		goto out;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		rc = error("cannot lock '%s': %s", lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (access(state, R_OK) != 0) {
		double t0 = now_mono();

		fprintf(stderr, "racerig: snapshot: booting once to save "
		    "agent-ready state in %s\n", dir);
		unlink(tmp);
		rc = snapshot_create(ops, cfg, dir, tmp);
		if (rc == 0 && rename(tmp, state) != 0)
			rc = error("cannot rename '%s': %s", tmp,
			    strerror(errno));
		if (rc == 0)
			fprintf(stderr, "racerig: snapshot: saved in %.1f s\n",
			    now_mono() - t0);
		else
			unlink(tmp);
	}
	close(fd);		/* and the lock with it */
	if (rc == 0)
		*state_out = xstrdup(state);
out:
	free(dir);
	free(state);
	free(tmp);
	free(lock);
	return rc;
}

/*
 * A private copy of a snapshot for one run, in /dev/shm: loadvm rewrites
 * the image's active state, so runs cannot share one file, and the copy
 * is read once, at the restore.  Caller unlinks and frees it.
 */
static int
snapshot_copy_file(const char *state, const char *to)
{
	int in, out = -1;
	struct stat st;
	off_t off = 0;

	in = open(state, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0)
		goto fail;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0)
		goto fail;
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size -
		    off));

		if (n <= 0)
			goto fail;
	}
	close(in);
	return close(out);
fail:
	error("cannot copy snapshot '%s' to '%s': %s", state, to,
	    strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0) {
		close(out);
		unlink(to);
	}
	return -1;
}

/* Where the next run of state finds a ready copy (caller frees). */
static char *
snapshot_spare_path(const char *state)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	snapshot_hash_add(&h, state);
	return xasprintf("/dev/shm/racerig-spare-%016llx.qcow2", h);
}

char *
snapshot_copy(const char *state, const char *id)
{
	char *to = xasprintf("/dev/shm/racerig-%s.qcow2", id);
	char *spare = snapshot_spare_path(state);
	struct stat st_spare, st_state;

	/*
	 * A spare made by the previous run, if it is a copy of this state:
	 * rename() hands it to exactly one run, however many take at once.
	 */
	if (stat(state, &st_state) == 0 && stat(spare, &st_spare) == 0 &&
	    st_spare.st_mtime >= st_state.st_mtime &&
	    st_spare.st_size == st_state.st_size && rename(spare, to) == 0) {
		free(spare);
		return to;
	}
	free(spare);
	if (snapshot_copy_file(state, to) != 0) {
		free(to);
		return NULL;
	}
	return to;
}

/*
 * Copy state to the spare path for the next run, while this one runs:
 * the copy (about 0.07 s for 115 MiB) then is not part of its restore.
 */
void
snapshot_make_spare(const char *state, const char *id)
{
	char *spare = snapshot_spare_path(state);
	char *tmp = xasprintf("%s.%s", spare, id);

	if (access(spare, F_OK) != 0 && snapshot_copy_file(state, tmp) == 0 &&
	    rename(tmp, spare) != 0)
		unlink(tmp);
	free(tmp);
	free(spare);
}
