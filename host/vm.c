/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Backend-independent VM handling: the backend table, the lifecycle
 * state machine (see enum vm_state in vm.h) and its invariants.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vm.h"

static const struct vm_ops *const vm_backends[] = {
	&vm_qemu_ops,
	&vm_libvirt_ops,
};
/* one more, from vm_backend_register(): the tests' fake */
static const struct vm_ops *vm_backend_extra;

/*
 * Make ops selectable by its name, besides the built-in backends.  For
 * tests only (the scripted backend, vm-fake.h): the racerig binary never
 * calls it, so no command line can pick a backend that is not real.
 */
void
vm_backend_register(const struct vm_ops *ops)
{
	vm_backend_extra = ops;
}

/* Find a backend by name; NULL (reported) if there is none. */
const struct vm_ops *
vm_backend(const char *name)
{
	if (name == NULL)
		name = "qemu";
	for (size_t i = 0; i < ARRAY_SIZE(vm_backends); i++) {
		if (strcmp(vm_backends[i]->name, name) == 0)
			return vm_backends[i];
	}
	if (vm_backend_extra != NULL && strcmp(vm_backend_extra->name,
	    name) == 0)
		return vm_backend_extra;
	error("unknown VM backend '%s'", name);
	return NULL;
}

const char *
vm_state_name(enum vm_state state)
{
	switch (state) {
	case VM_CREATED:	return "created";
	case VM_RUNNING:	return "running";
	case VM_PANICKED:	return "panicked";
	case VM_STOPPED:	return "stopped";
	case VM_EXITED:		return "exited";
	}
	return "unknown";
}

struct vm *
vm_new(const struct vm_ops *ops, const struct vm_config *cfg)
{
	struct vm *vm = xcalloc(1, sizeof(*vm));

	assert(ops->start && ops->next_event && ops->stop);
	vm->ops = ops;
	vm->cfg = *cfg;
	vm->state = VM_CREATED;
	vm->agent_fd = -1;
	vm->console.log_fd = -1;
	return vm;
}

/*
 * CREATED -> RUNNING: boot the guest, or with cfg.incoming resume it from
 * a saved state (ops->restore).  0, or -1 (reported) and EXITED.
 */
int
vm_start(struct vm *vm)
{
	int (*start)(struct vm *) = vm->ops->start;

	assert(vm->state == VM_CREATED);
	if (vm->cfg.incoming != NULL) {
		if (!vm_can_snapshot(vm->ops) || vm->cfg.mem_file == NULL) {
			vm->state = VM_EXITED;
			return error("VM backend '%s' cannot start from a "
			    "snapshot (unsupported)", vm->ops->name);
		}
		start = vm->ops->restore;
	}
	vm->t_start = now_mono();
	if (start(vm) != 0) {
		if (vm->priv != NULL)
			vm->ops->stop(vm);
		vm->state = VM_EXITED;
		return -1;
	}
	vm->state = VM_RUNNING;
	return 0;
}

int
vm_next_event(struct vm *vm, struct vm_event *ev, int timeout_ms)
{
	assert(vm->state != VM_CREATED);
	memset(ev, 0, sizeof(*ev));
	if (vm->state == VM_EXITED) {
		ev->type = VM_EV_EXITED;
		return 0;
	}
	return vm->ops->next_event(vm, ev, timeout_ms);
}

int
vm_dump(struct vm *vm, const char *path)
{
	if (vm->ops->dump == NULL)
		return error("VM backend '%s' cannot dump memory (unsupported)",
		    vm->ops->name);
	if (vm->state == VM_CREATED || vm->state == VM_EXITED)
		return error("cannot dump a VM that is %s",
		    vm_state_name(vm->state));
	return vm->ops->dump(vm, path);
}

/* Can ops save a guest and start one from what it saved?  1 or 0. */
int
vm_can_snapshot(const struct vm_ops *ops)
{
	return ops->save != NULL && ops->restore != NULL &&
	    ops->snapshot_id != NULL;
}

int
vm_save(struct vm *vm, const char *path)
{
	if (vm->ops->save == NULL)
		return error("VM backend '%s' cannot save snapshots "
		    "(unsupported)", vm->ops->name);
	if (vm->state != VM_RUNNING)
		return error("cannot save a VM that is %s",
		    vm_state_name(vm->state));
	if (vm->cfg.mem_file == NULL || !vm->cfg.mem_shared)
		return error("cannot save a VM whose memory is not a shared "
		    "file");
	return vm->ops->save(vm, path);
}

/*
 * Is the VM's hypervisor process or domain still there?  1 yes (also
 * when the backend cannot tell), 0 gone, with the reason in detail.
 */
int
vm_alive(struct vm *vm, char *detail, size_t n)
{
	if (vm->state == VM_CREATED)
		return 1;
	if (vm->state == VM_EXITED) {
		snprintf(detail, n, "the VM exited");
		return 0;
	}
	if (vm->ops->alive == NULL)
		return 1;
	if (vm->ops->alive(vm, detail, n))
		return 1;
	vm->state = VM_EXITED;
	return 0;
}

void
vm_free(struct vm *vm)
{
	if (vm == NULL)
		return;
	/* stop() frees the backend state and clears priv */
	if (vm->priv != NULL)
		vm->ops->stop(vm);
	assert(vm->priv == NULL);
	console_close(&vm->console);
	free(vm);
}
