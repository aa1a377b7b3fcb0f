/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot-once snapshots ("racerig run --snapshot"), the policy half: which
 * snapshot a configuration uses, making it once, and pruning old ones.
 * The mechanism (saving and restoring a guest) is the backend's, behind
 * vm_ops (vm-qemu-snapshot.c for QEMU).  This file is in the vm layer
 * beside agent-chan.c, whose channel it uses to see the agent ready, and
 * calls only the vm.h and agent-chan.h APIs, never a backend's
 * internals.
 *
 * A guest booted to agent-ready is saved once per image and VM
 * configuration, and every further run starts from that state instead
 * of booting.  After the
 * restore the host sends the agent a fresh random seed and the time
 * (agent_send_resume), so runs still differ.
 *
 * A snapshot is a directory <cache>/snapshots/<key>/ with "ram", the
 * guest's memory as a file the saving boot wrote through a shared
 * mapping, and "state", the device state migrated without that RAM
 * (x-ignore-shared).  Restores map "ram" privately, so the files are
 * read-only after the save and shared by every run.  "state" is renamed
 * into place last: a directory without it holds no snapshot.
 *
 * key hashes everything that must be equal at save and restore: kernel
 * and initramfs (path, size, mtime), command line, vCPUs, memory, the
 * snapshot format, and what the backend adds (ops->snapshot_id: for
 * QEMU its binary and the accelerator it would choose).  Creation is
 * serialised with a lock file, so parallel campaign jobs make one
 * snapshot, not several.
 *
 * Every rebuilt image makes new keys, so old snapshots pile up (a 1 GiB
 * guest's is about 135 MiB).  Each use touches the directory; after a
 * save, all but the SNAPSHOT_KEEP most recently used go, except any used
 * in the last SNAPSHOT_GRACE_S seconds (a run may be between
 * snapshot_prepare() and QEMU opening the files) or whose lock another
 * process holds (one being saved).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"
#include "agent-chan.h"

#define SNAPSHOT_BOOT_TIMEOUT_S	180
/* changes whenever what a snapshot directory holds changes */
#define SNAPSHOT_FORMAT		"ram+state/x-ignore-shared 2"
#define SNAPSHOT_KEEP		8
#define SNAPSHOT_GRACE_S	600

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
snapshot_dir(const struct vm_ops *ops, const struct vm_config *cfg)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	struct buf id = BUF_INIT;
	char num[64];

	snapshot_hash_file(&h, cfg->kernel);
	snapshot_hash_file(&h, cfg->initrd);
	snapshot_hash_add(&h, cfg->cmdline ? cfg->cmdline : "");
	snprintf(num, sizeof(num), "smp=%d mem=%d", cfg->smp, cfg->mem_mb);
	snapshot_hash_add(&h, num);
	ops->snapshot_id(cfg, &id);
	snapshot_hash_add(&h, id.data ? id.data : "");
	buf_release(&id);
	snapshot_hash_add(&h, SNAPSHOT_FORMAT);
	return xasprintf("%s/snapshots/%016llx", cache_dir(), h);
}

/*
 * Boot cfg's guest with its RAM in the file ram, wait for agent-ready,
 * make sure the agent is in its loop (a query answered), and save the
 * device state in state.  0 or -1 (reported).
 */
static int
snapshot_create(const struct vm_ops *ops, const struct vm_config *cfg,
    const char *dir, const char *ram, const char *state)
{
	struct vm_config c = *cfg;
	struct agent_chan agent;
	struct vm *vm;
	double deadline;
	int hello = 0, ready = 0, agent_ok = 0, rc = -1;

	c.mem_file = ram;
	c.mem_shared = 1;
	c.incoming = NULL;
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
	rc = vm_save(vm, state);
out:
	if (agent_ok)
		agent_release(&agent);
	vm_free(vm);
	return rc;
}

struct snapshot_entry {
	char	name[32];
	time_t	used;
};

static int
snapshot_entry_newer(const void *a, const void *b)
{
	const struct snapshot_entry *x = a, *y = b;

	return x->used < y->used ? 1 : x->used > y->used ? -1 :
	    strcmp(x->name, y->name);
}

/* Remove one snapshot directory (flat: files only) unless it is locked. */
static void
snapshot_remove(const char *top, const char *name)
{
	char *dir = xasprintf("%s/%s", top, name);
	char *lock = xasprintf("%s/lock", dir);
	int fd = open(lock, O_RDWR | O_CLOEXEC), dfd;
	DIR *d;
	struct dirent *de;

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
		goto out;		/* being saved right now */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    (d = fdopendir(dfd)) == NULL) {
		if (dfd >= 0)
			close(dfd);
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	if (rmdir(dir) == 0)
		fprintf(stderr, "racerig: snapshot: removed unused %s\n", dir);
out:
	if (fd >= 0)
		close(fd);
	free(lock);
	free(dir);
}

/*
 * Keep the SNAPSHOT_KEEP most recently used snapshots and any used in
 * the last SNAPSHOT_GRACE_S seconds; remove the rest.  Only directories
 * named like a key are looked at.  Best effort: nothing here fails a run.
 */
static void
snapshot_prune(void)
{
	char *top = xasprintf("%s/snapshots", cache_dir());
	struct snapshot_entry *e = NULL;
	size_t n = 0, cap = 0;
	time_t now = time(NULL);
	struct dirent *de;
	DIR *d = opendir(top);

	if (d == NULL) {
		free(top);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (strlen(de->d_name) != 16 ||
		    strspn(de->d_name, "0123456789abcdef") != 16 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			e = xrealloc(e, cap * sizeof(*e));
		}
		snprintf(e[n].name, sizeof(e[n].name), "%s", de->d_name);
		e[n].used = st.st_mtime;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(e, n, sizeof(*e), snapshot_entry_newer);
	for (size_t i = SNAPSHOT_KEEP; i < n; i++) {
		if (now - e[i].used >= SNAPSHOT_GRACE_S)
			snapshot_remove(top, e[i].name);
	}
	free(e);
	free(top);
}

/*
 * Make sure the snapshot for cfg exists, booting once to save it if not,
 * and store the paths of its RAM file and device state in *ram_out and
 * *state_out (the caller frees them), to start runs from as cfg.mem_file
 * and cfg.incoming.  0 or -1 (reported).
 */
int
snapshot_prepare(const struct vm_ops *ops, const struct vm_config *cfg,
    char **ram_out, char **state_out)
{
	char *dir, *state, *ram, *tmp_state, *tmp_ram, *lock;
	int fd, rc = 0, saved = 0;

	*ram_out = *state_out = NULL;
	if (!vm_can_snapshot(ops))
		return error("VM backend '%s' cannot save snapshots "
		    "(unsupported)", ops->name);
	if (cfg->disk != NULL)
		return error("snapshots cannot hold a run with a disk "
		    "(--dump kdump)");
	dir = snapshot_dir(ops, cfg);
	state = xasprintf("%s/state", dir);
	ram = xasprintf("%s/ram", dir);
	tmp_state = xasprintf("%s/state.tmp", dir);
	tmp_ram = xasprintf("%s/ram.tmp", dir);
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
		/* a fresh file: the boot must not see an older guest's RAM */
		unlink(tmp_state);
		unlink(tmp_ram);
		rc = snapshot_create(ops, cfg, dir, tmp_ram, tmp_state);
		if (rc == 0 && (rename(tmp_ram, ram) != 0 ||
		    rename(tmp_state, state) != 0))
			rc = error("cannot rename the snapshot files in '%s': "
			    "%s", dir, strerror(errno));
		if (rc == 0) {
			fprintf(stderr, "racerig: snapshot: saved in %.1f s\n",
			    now_mono() - t0);
			saved = 1;
		}
		unlink(tmp_state);
		unlink(tmp_ram);
	}
	close(fd);		/* and the lock with it */
	if (rc == 0) {
		/* the directory's mtime says when it was last used */
		(void)utimensat(AT_FDCWD, dir, NULL, 0);
		*ram_out = ram;
		*state_out = state;
		ram = state = NULL;
	}
out:
	free(dir);
	free(state);
	free(ram);
	free(tmp_state);
	free(tmp_ram);
	free(lock);
	if (saved)
		snapshot_prune();	/* a new one: time to drop old ones */
	return rc;
}
