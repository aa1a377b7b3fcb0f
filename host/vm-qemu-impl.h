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

/* vm-qemu.c */
const char	*vm_qemu_accel(const struct vm_config *cfg);
int		 vm_qemu_launch(struct vm *vm, int incoming_fd);

/* vm-qemu-snapshot.c */
int		 vm_qemu_save(struct vm *vm, const char *path);
int		 vm_qemu_restore(struct vm *vm);
void		 vm_qemu_snapshot_id(const struct vm_config *cfg,
		     struct buf *id);

#endif
