/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Asking a lost libvirt host whether it is back, without stalling the
 * campaign: the question (vm_libvirt_reclaim(): connect, destroy the
 * domains of runs lost with the host) runs on a thread of its own,
 * since connecting to a host behind a dead network can block for
 * minutes.  stress.c starts a probe, polls it, and takes its answer.
 *
 * The probe owns copies of everything it reads, so one abandoned at the
 * campaign's end (still connecting) is left to finish on its own.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "vm.h"
#include "campaign.h"

struct host_probe {
	char		*uri;
	char		*label;
	char		**ids;
	size_t		 nids;
	struct buf	 said;
	int		 back;		/* the daemon answered */
	int		 done;		/* atomic: the thread is finished */
	int		 refs;		/* atomic: thread and caller, 2 */
};

static void
host_probe_free(struct host_probe *p)
{
	for (size_t i = 0; i < p->nids; i++)
		free(p->ids[i]);
	free(p->ids);
	free(p->uri);
	free(p->label);
	buf_release(&p->said);
	free(p);
}

/* The last of thread and caller to let go frees the probe. */
static void
host_probe_put(struct host_probe *p)
{
	if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0)
		host_probe_free(p);
}

static void *
host_probe_main(void *arg)
{
	struct host_probe *p = arg;

	p->back = vm_libvirt_reclaim(p->uri, p->label, p->ids, p->nids,
	    &p->said) == 0;
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	host_probe_put(p);
	return NULL;
}

struct host_probe *
host_probe_start(const char *uri, const char *label, char *const *ids,
    size_t nids)
{
	struct host_probe *p = xcalloc(1, sizeof(*p));
	pthread_t t;

	p->uri = xstrdup(uri);
	p->label = xstrdup(label);
	p->ids = xcalloc(nids + 1, sizeof(*p->ids));
	for (size_t i = 0; i < nids; i++)
		p->ids[i] = xstrdup(ids[i]);
	p->nids = nids;
	p->refs = 2;
	if (pthread_create(&t, NULL, host_probe_main, p) != 0) {
		host_probe_free(p);
		return NULL;
	}
	pthread_detach(t);
	return p;
}

int
host_probe_poll(struct host_probe *p, int *back, struct buf *said)
{
	if (!__atomic_load_n(&p->done, __ATOMIC_ACQUIRE))
		return 0;
	*back = p->back;
	if (p->said.len > 0)
		buf_add(said, p->said.data, p->said.len);
	host_probe_put(p);
	return 1;
}

void
host_probe_abandon(struct host_probe *p)
{
	if (p != NULL)
		host_probe_put(p);
}
