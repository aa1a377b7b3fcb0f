/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softirq-load: a UDP flood over its own veth, sent through io_uring from
 * threads pinned to the chosen CPUs.  veth delivers on the sending CPU,
 * so NET_RX softirq work lands where the senders run and competes with
 * the race window there.
 *
 * Triggers: nothing by itself; it is the load of nfqueue-udp-clash and
 * rcu-peer-update.  Verdict expected: ok.
 *
 *   softirq-load --dst IP [--port P] [--cpus 0,1] [--pps N] [--duration S]
 *                [--enable 0|1]
 */
#include <sys/socket.h>

#include <arpa/inet.h>
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

#define BATCH 32

static struct sockaddr_in dst = { .sin_family = AF_INET };
static int cpus[64], ncpus_sel, pps, duration = 10;
static atomic_ullong sent;
static atomic_int stop;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
flood(void *arg)
{
	int cpu = *(int *)arg, fd = socket(AF_INET, SOCK_DGRAM, 0);
	double per_thread = pps > 0 ? (double)pps / ncpus_sel : 0, next = now();
	struct io_uring ring;
	char payload[32];
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, "softirq-load: no CPU %d\n", cpu);
		exit(2);
	}
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 ||
	    io_uring_queue_init(BATCH, &ring, 0) < 0) {
		perror("softirq-load: socket");
		exit(1);
	}
	memset(payload, 'l', sizeof(payload));
	while (!atomic_load(&stop)) {
		struct io_uring_cqe *cqe;

		for (int i = 0; i < BATCH; i++)
			io_uring_prep_send(io_uring_get_sqe(&ring), fd, payload,
			    sizeof(payload), 0);
		io_uring_submit_and_wait(&ring, BATCH);
		for (int i = 0; i < BATCH; i++) {
			if (io_uring_wait_cqe(&ring, &cqe) < 0)
				break;
			io_uring_cqe_seen(&ring, cqe);
		}
		atomic_fetch_add(&sent, BATCH);
		if (per_thread > 0) {
			next += BATCH / per_thread;
			double w = next - now();

			if (w > 0)
				usleep((useconds_t)(w * 1e6));
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
		{ "cpus", required_argument, NULL, 'c' },
		{ "pps", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "enable", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), c;
	pthread_t tids[64];
	double t0;

	dst.sin_port = htons(9);
	inet_pton(AF_INET, "10.3.0.1", &dst.sin_addr);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a': inet_pton(AF_INET, optarg, &dst.sin_addr); break;
		case 'p': dst.sin_port = htons((uint16_t)atoi(optarg)); break;
		case 'r': pps = atoi(optarg); break;
		case 'd': duration = atoi(optarg); break;
		case 'e':
			/* "--enable 0": the scenario runs without the flood */
			if (atoi(optarg) == 0)
				return 0;
			break;
		case 'c':
			for (char *s = strtok(optarg, ","); s && ncpus_sel < 64;
			    s = strtok(NULL, ",")) {
				int v = atoi(s);

				if (v < 0 || v >= ncpu) {
					fprintf(stderr, "softirq-load: no CPU "
					    "%d (the guest has %d)\n", v, ncpu);
					return 2;
				}
				cpus[ncpus_sel++] = v;
			}
			break;
		default:
			return 2;
		}
	}
	if (ncpus_sel == 0)
		for (int i = 0; i < ncpu && i < 64; i++)
			cpus[ncpus_sel++] = i;
	for (int i = 0; i < ncpus_sel; i++)
		pthread_create(&tids[i], NULL, flood, &cpus[i]);
	t0 = now();
	while (now() - t0 < duration)
		usleep(100000);
	atomic_store(&stop, 1);
	for (int i = 0; i < ncpus_sel; i++)
		pthread_join(tids[i], NULL);
	printf("softirq-load: sent %llu packets, %.0f pps\n",
	    atomic_load(&sent), atomic_load(&sent) / (now() - t0));
	return 0;
}
