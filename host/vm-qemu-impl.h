/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals the QEMU backend's files share (vm-qemu.c: launching,
 * events, dumps; vm-qemu-snapshot.c: save and restore).  Nothing outside
 * the backend includes this: the rest of racerig sees vm_qemu_ops.
 */
#ifndef RACERIG_VM_QEMU_IMPL_H
#define RACERIG_VM_QEMU_IMPL_H

#include <sys/types.h>

#include "vm.h"

#define QMP_TIMEOUT_MS	10000
/* dump-guest-memory of a 1 GiB guest takes ~1.2 s here; allow for 16 GiB */
#define DUMP_TIMEOUT_MS	300000

/* vm->priv of a QEMU backend VM. */
struct vm_qemu {
	pid_t		 pid;
	int		 pidfd;
	int		 console_fd;
	struct qmp	 qmp;
	int		 qmp_ok;
	int		 exited;
	int		 exit_status;
};

/*
 * vm-qemu-snapshot.c: the migration mechanics under vm-qemu.c, which
 * launches QEMU and owns the ops table (restore = launch + incoming).
 */
int		 vm_qemu_save(struct vm *vm, const char *path);
int		 vm_qemu_incoming(struct vm *vm, int fd);

#endif
