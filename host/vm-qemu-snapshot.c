/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QEMU backend's snapshot mechanics: saving the device state
 * (ops->save) and loading it into a QEMU that vm-qemu.c launched for
 * ops->restore.  Only QMP below it; which snapshots exist, their keys
 * and their pruning are snapshot.c's.
 *
 * Guest RAM is a file (memory-backend-file, cfg.mem_file).  A save
 * migrates only the device state, with the x-ignore-shared capability
 * that leaves shared file-backed RAM out of the stream; a restore maps
 * the same file privately (share=off) and takes the device state as an
 * incoming migration, so it reads a few hundred KiB, copies no RAM and
 * never writes the file: any number of runs can start from it at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"
#include "vm-qemu-impl.h"

/* Migration capabilities both ends of a snapshot use. */
static int
vm_qemu_ignore_shared(struct vm_qemu *q)
{
	json_t *args = json_pack("{s:[{s:s, s:b}]}", "capabilities",
	    "capability", "x-ignore-shared", "state", 1);
	int rc = qmp_command(&q->qmp, "migrate-set-capabilities", args, NULL,
	    QMP_TIMEOUT_MS);

	json_decref(args);
	return rc;
}

/*
 * Poll query-migrate until the migration started by the caller completes
 * (0), fails or is cancelled, or timeout_s passes (-1, reported, naming
 * what).  The incoming side has no status until its stream starts, so
 * no_status_yet lets a missing status mean "wait"; elsewhere it is an
 * error.
 */
static int
vm_qemu_migration_wait(struct vm_qemu *q, const char *what, double timeout_s,
    int no_status_yet)
{
	double deadline = now_mono() + timeout_s;
	json_t *ret = NULL;
	int rc = 0;

	for (;;) {
		const char *status;

		json_decref(ret);
		if (qmp_command(&q->qmp, "query-migrate", NULL, &ret,
		    QMP_TIMEOUT_MS) != 0)
			return -1;
		status = json_string_value(json_object_get(ret, "status"));
		if (status != NULL && strcmp(status, "completed") == 0)
			break;
		if ((status == NULL && !no_status_yet) || (status != NULL &&
		    (strcmp(status, "failed") == 0 ||
		    strcmp(status, "cancelled") == 0))) {
			rc = error("%s failed: %s", what, json_string_value(
			    json_object_get(ret, "error-desc")) ?: status ?:
			    "no status");
			break;
		}
		if (now_mono() > deadline) {
			rc = error("%s did not finish in %.0f s", what,
			    timeout_s);
			break;
		}
		usleep(2000);
	}
	json_decref(ret);
	return rc;
}

/*
 * Load a snapshot's device state from fd (QEMU's inherited copy has the
 * same number) and wait until it is in; the guest then runs by itself.
 * A state QEMU cannot load (truncated, from another QEMU) makes it exit:
 * that is an error of the snapshot, not of the guest.
 */
int
vm_qemu_incoming(struct vm *vm, int fd)
{
	struct vm_qemu *q = vm->priv;
	json_t *args;
	char uri[32];
	int rc;

	if (vm_qemu_ignore_shared(q) != 0)
		return -1;
	snprintf(uri, sizeof(uri), "fd:%d", fd);
	args = json_pack("{s:s}", "uri", uri);
	rc = qmp_command(&q->qmp, "migrate-incoming", args, NULL,
	    QMP_TIMEOUT_MS);
	json_decref(args);
	if (rc == 0)
		rc = vm_qemu_migration_wait(q, "loading the snapshot state",
		    QMP_TIMEOUT_MS / 1000.0, 1);
	if (rc != 0)
		error("QEMU could not load the snapshot state '%s' (see "
		    "'%s/qemu.log'; delete the snapshot directory to make it "
		    "again)", vm->cfg.incoming, vm->cfg.dir);
	return rc;
}

/*
 * Migrate the device state to path; RAM is left in the shared memory
 * file (x-ignore-shared).  The guest is running while it starts and is
 * paused when it completes, which the state does not record: restores
 * run.  The caller stops the VM next.
 */
int
vm_qemu_save(struct vm *vm, const char *path)
{
	struct vm_qemu *q = vm->priv;
	json_t *args;
	int fd, rc;

	if (!q->qmp_ok)
		return error("cannot save: the QEMU monitor is gone");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (fd < 0)
		return error("cannot create '%s': %s", path, strerror(errno));
	rc = qmp_send_fd(&q->qmp, "rrsave", fd, QMP_TIMEOUT_MS);
	close(fd);		/* QEMU has its own copy now */
	if (rc != 0 || vm_qemu_ignore_shared(q) != 0)
		return -1;
	args = json_pack("{s:s}", "uri", "fd:rrsave");
	rc = qmp_command(&q->qmp, "migrate", args, NULL, QMP_TIMEOUT_MS);
	json_decref(args);
	if (rc == 0)
		rc = vm_qemu_migration_wait(q, "saving the snapshot",
		    DUMP_TIMEOUT_MS / 1000.0, 0);
	return rc;
}
