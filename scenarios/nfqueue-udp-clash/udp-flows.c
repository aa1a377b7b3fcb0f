/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udp-flows: bursts of UDP packets with one 5-tuple, sent in parallel
 * from threads pinned to every vCPU through io_uring; each round opens a
 * fresh socket (a new flow) and every thread sends its part of the burst
 * through that same socket at the same moment, as a DNS resolver sends
 * its A and AAAA queries.
 *
 * Triggers: conntrack insertion clashes for the flow (see nfq-verdict).
 * Verdict expected: none by itself; it is the load of nfqueue-udp-clash.
 *
 *   udp-flows --dst IP --port P [--flows N] [--burst B] [--rate R]
 *             [--duration S] [--threads T]
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <liburing.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/sync.h"

static struct sockaddr_in dst = { .sin_family = AF_INET };
static int nthreads, burst = 2, rate = 2000, duration = 10, flows = 1024;
static atomic_int round_fd = -1, stop;
static atomic_ullong sent, errors;
static double t_end, period;
static unsigned rounds;

static struct sync_barrier barrier = { .stop = &stop };

#define now sync_now
#define barrier_wait(gen) sync_barrier_wait(&barrier, (gen))

static void *
sender(void *arg)
{
	long idx = (long)arg;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct io_uring ring;
	char payload[64];
	cpu_set_t set;
	int per = burst / nthreads + ((int)idx < burst % nthreads);

	CPU_ZERO(&set);
	CPU_SET((int)idx % ncpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	if (io_uring_queue_init(64, &ring, 0) < 0) {
		fprintf(stderr, "udp-flows: io_uring_queue_init failed\n");
		atomic_store(&stop, 1);
		return NULL;
	}
	memset(payload, 'q', sizeof(payload));
	for (unsigned gen = 0; !atomic_load(&stop); gen += 2) {
		int fd;

		if (idx == 0) {
			/* a new flow: fresh socket, source ports cycling */
			struct sockaddr_in src = { .sin_family = AF_INET };
			int one = 1;

			if (now() >= t_end)
				atomic_store(&stop, 1);
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			src.sin_port = htons((uint16_t)(20000 +
			    rounds % (unsigned)flows));
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
			    sizeof(one));
			if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
			    connect(fd, (struct sockaddr *)&dst,
			    sizeof(dst)) != 0)
				atomic_fetch_add(&errors, 1);
			atomic_store(&round_fd, fd);
			rounds++;
		}
		barrier_wait(gen);
		fd = atomic_load(&round_fd);
		for (int i = 0; i < per && fd >= 0; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			/* the socket is connected: one 5-tuple */
			io_uring_prep_send(sqe, fd, payload, sizeof(payload), 0);
		}
		if (per > 0 && fd >= 0) {
			struct io_uring_cqe *cqe;

			io_uring_submit_and_wait(&ring, (unsigned)per);
			for (int i = 0; i < per; i++) {
				if (io_uring_wait_cqe(&ring, &cqe) < 0)
					break;
				if (cqe->res < 0)
					atomic_fetch_add(&errors, 1);
				else
					atomic_fetch_add(&sent, 1);
				io_uring_cqe_seen(&ring, cqe);
			}
		}
		barrier_wait(gen + 1);	/* all sent: thread 0 may close */
		if (idx == 0) {
			close(fd);
			if (period > 0) {
				static double next;

				if (next == 0)
					next = now();
				next += period;
				double w = next - now();

				if (w > 0)
					usleep((useconds_t)(w * 1e6));
			}
		}
	}
	io_uring_queue_exit(&ring);
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dst", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "flows", required_argument, NULL, 'f' },
		{ "burst", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	pthread_t *tids;
	double t0;
	unsigned round;
	int c;

	nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	dst.sin_port = htons(53);
	inet_pton(AF_INET, "10.2.0.2", &dst.sin_addr);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (inet_pton(AF_INET, optarg, &dst.sin_addr) != 1) {
				fprintf(stderr, "udp-flows: bad --dst %s\n", optarg);
				return 2;
			}
			break;
		case 'p': dst.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'f': flows = atoi(optarg); break;
		case 'b': burst = atoi(optarg); break;
		case 'r': rate = atoi(optarg); break;
		case 'd': duration = atoi(optarg); break;
		case 't': nthreads = atoi(optarg); break;
		default: return 2;
		}
	}
	if (nthreads < 1 || burst < 1 || flows < 1 || rate < 0) {
		fprintf(stderr, "udp-flows: bad arguments\n");
		return 2;
	}
	tids = calloc((size_t)nthreads, sizeof(*tids));
	barrier.nthreads = (unsigned)nthreads;
	barrier.yield = nthreads > (int)sysconf(_SC_NPROCESSORS_ONLN);
	period = rate > 0 ? 1.0 / rate : 0;
	t0 = now();
	t_end = t0 + duration;
	for (long i = 0; i < nthreads; i++)
		pthread_create(&tids[i], NULL, sender, (void *)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	round = rounds;
	printf("udp-flows: %u rounds, sent %llu, errors %llu, %.0f rounds/s\n",
	    round, atomic_load(&sent), atomic_load(&errors),
	    round / (now() - t0));
	return atomic_load(&sent) > 0 ? 0 : 1;
}
