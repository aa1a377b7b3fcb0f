/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfq-verdict: the userspace verdict program of nfqueue-udp-clash.  One
 * thread per NFQUEUE queue accepts every packet after an optional delay
 * drawn from a distribution, widening the window between conntrack
 * creation and confirmation; beside them a ctnetlink listener subscribes
 * to conntrack events, so events are enabled as on the production system
 * of the seed crash.
 *
 * Triggers: insertion clashes of same-5-tuple UDP packets whose verdicts
 * are reinjected in parallel.  Verdict expected on a kernel with the
 * 56b14ecec97f fix: no crash; clash_resolve counts rise.  Without the
 * fix: a use-after-free around nf_ct_resolve_clash (class
 * nf-conntrack-clash-uaf).
 *
 *   nfq-verdict --queues N [--delay-us MEAN] [--dist none|fixed|uniform|exp]
 *               [--duration S]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/netfilter.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_queue/libnetfilter_queue.h>

enum dist { DIST_NONE, DIST_FIXED, DIST_UNIFORM, DIST_EXP };

static int nqueues = 2, duration = 0;
static double delay_us = 0;
static enum dist dist = DIST_NONE;
static atomic_ullong verdicts, ct_events;
static atomic_int stop;

static void
spin_us(double us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1e6 + (t.tv_nsec - t0.tv_nsec) / 1e3 < us);
}

static double
draw_delay(unsigned *seed)
{
	double u = (rand_r(seed) + 1.0) / ((double)RAND_MAX + 2.0);

	switch (dist) {
	case DIST_FIXED:
		return delay_us;
	case DIST_UNIFORM:
		return 2 * delay_us * u;
	case DIST_EXP:
		return -delay_us * log(u);
	case DIST_NONE:
		break;
	}
	return 0;
}

struct qctx {
	int		 num;
	unsigned	 seed;
};

static int
on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa,
    void *data)
{
	struct qctx *q = data;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	uint32_t id = ph ? ntohl(ph->packet_id) : 0;
	double d = draw_delay(&q->seed);

	if (d > 0)
		spin_us(d);
	atomic_fetch_add(&verdicts, 1);
	return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL);
}

static void *
queue_main(void *arg)
{
	struct qctx *q = arg;
	struct nfq_handle *h = nfq_open();
	struct nfq_q_handle *qh;
	char buf[65536] __attribute__((aligned));
	int fd, n;

	if (h == NULL) {
		perror("nfq-verdict: nfq_open");
		exit(1);
	}
	qh = nfq_create_queue(h, (uint16_t)q->num, on_packet, q);
	if (qh == NULL) {
		fprintf(stderr, "nfq-verdict: cannot bind queue %d: %s\n",
		    q->num, strerror(errno));
		exit(1);
	}
	nfq_set_mode(qh, NFQNL_COPY_META, 0);
	nfq_set_queue_maxlen(qh, 4096);
	fd = nfq_fd(h);
	while (!atomic_load(&stop)) {
		n = (int)recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == ENOBUFS || errno == EINTR)
				continue;	/* dropped by the kernel: go on */
			perror("nfq-verdict: recv");
			break;
		}
		nfq_handle_packet(h, buf, n);
	}
	nfq_destroy_queue(qh);
	nfq_close(h);
	return NULL;
}

static int
on_ct_event(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *data)
{
	atomic_fetch_add(&ct_events, 1);
	return atomic_load(&stop) ? NFCT_CB_STOP : NFCT_CB_CONTINUE;
}

/* Listen to conntrack NEW/UPDATE/DESTROY events as a ctnetlink user. */
static void *
events_main(void *arg)
{
	struct nfct_handle *h = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW |
	    NF_NETLINK_CONNTRACK_UPDATE | NF_NETLINK_CONNTRACK_DESTROY);

	if (h == NULL) {
		perror("nfq-verdict: nfct_open (conntrack events)");
		return NULL;
	}
	nfct_callback_register(h, NFCT_T_ALL, on_ct_event, NULL);
	while (!atomic_load(&stop)) {
		if (nfct_catch(h) < 0 && errno != ENOBUFS && errno != EINTR)
			break;
	}
	nfct_close(h);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "delay-us", required_argument, NULL, 'd' },
		{ "dist", required_argument, NULL, 'D' },
		{ "duration", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	pthread_t ev, *tids;
	struct qctx *qs;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'q': nqueues = atoi(optarg); break;
		case 'd': delay_us = atof(optarg); break;
		case 't': duration = atoi(optarg); break;
		case 'D':
			if (!strcmp(optarg, "none")) dist = DIST_NONE;
			else if (!strcmp(optarg, "fixed")) dist = DIST_FIXED;
			else if (!strcmp(optarg, "uniform")) dist = DIST_UNIFORM;
			else if (!strcmp(optarg, "exp")) dist = DIST_EXP;
			else {
				fprintf(stderr, "nfq-verdict: unknown --dist %s\n",
				    optarg);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (nqueues < 1 || nqueues > 64) {
		fprintf(stderr, "nfq-verdict: --queues must be 1..64\n");
		return 2;
	}
	tids = calloc((size_t)nqueues, sizeof(*tids));
	qs = calloc((size_t)nqueues, sizeof(*qs));
	pthread_create(&ev, NULL, events_main, NULL);
	for (int i = 0; i < nqueues; i++) {
		qs[i].num = i;
		qs[i].seed = (unsigned)i * 7919u + 1;
		pthread_create(&tids[i], NULL, queue_main, &qs[i]);
	}
	printf("nfq-verdict: %d queues, delay %.0f us (%s)\n", nqueues,
	    delay_us, dist == DIST_NONE ? "none" : dist == DIST_FIXED ?
	    "fixed" : dist == DIST_UNIFORM ? "uniform" : "exp");
	fflush(stdout);
	for (int t = 0; duration == 0 || t < duration; t++) {
		sleep(1);
		if (t % 5 == 4) {
			printf("nfq-verdict: verdicts %llu ct_events %llu\n",
			    atomic_load(&verdicts), atomic_load(&ct_events));
			fflush(stdout);
		}
	}
	atomic_store(&stop, 1);
	printf("nfq-verdict: done: verdicts %llu ct_events %llu\n",
	    atomic_load(&verdicts), atomic_load(&ct_events));
	return 0;
}
