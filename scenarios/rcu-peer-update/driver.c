/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcu-peer-update driver: fires peer updates for one link of the
 * racerig_rcupeer module from one thread per vCPU at the same moment
 * (a spin barrier per round, then an optional random jitter), through
 * /dev/rcupeer (process context) and/or UDP control messages to the
 * module's port (softirq context).
 *
 * Triggers: two CPUs queueing the link's rcu_head in one grace period.
 * Verdict expected: with the module's fixed=0 the guest crashes in RCU
 * callback processing (class rcu-callback-double-queue); with fixed=1 it
 * runs clean for the whole duration.  Prints the race-hit counter
 * ("collisions") from /proc/rcupeer as it goes and at the end.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/sync.h"

struct rcupeer_update {
	uint32_t link;
	uint32_t peer;
};

static int nthreads, rate = 500, jitter_us = 100, duration = 60, link_id;
static int ctl_port = 7777;
static unsigned long long seed = 1;
static enum { MODE_DEV, MODE_UDP, MODE_MIXED } mode = MODE_MIXED;
static atomic_int stop;
static struct sync_barrier barrier = { .stop = &stop };
static atomic_ullong sent, failed;

#define now sync_now

static void
spin_us(double us)
{
	double end = now() + us / 1e6;

	while (now() < end)
		;
}

struct worker {
	int	 index;
	int	 cpu;
	unsigned rnd;
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct sockaddr_in sin = { .sin_family = AF_INET,
	    .sin_port = htons(ctl_port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cpu_set_t set;
	int dev = -1, sock = -1;
	double period = rate > 0 ? 1.0 / rate : 0, next = now();

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		fprintf(stderr, "driver: cannot pin thread %d to CPU %d: %s\n",
		    w->index, w->cpu, strerror(errno));
	if (mode != MODE_UDP && (dev = open("/dev/rcupeer", O_WRONLY)) < 0) {
		perror("driver: /dev/rcupeer");
		atomic_store(&stop, 1);
		return NULL;
	}
	if (mode != MODE_DEV &&
	    (sock = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		perror("driver: socket");
		atomic_store(&stop, 1);
		return NULL;
	}
	for (unsigned gen = 0; !atomic_load(&stop); gen++) {
		struct rcupeer_update upd = { .link = (uint32_t)link_id,
		    .peer = rand_r(&w->rnd) };
		int use_udp = mode == MODE_UDP ||
		    (mode == MODE_MIXED && (w->index & 1));

		if (w->index == 0 && period > 0) {
			/* thread 0 paces the rounds */
			next += period;
			double wait = next - now();

			if (wait > 0)
				usleep((useconds_t)(wait * 1e6));
		}
		sync_barrier_wait(&barrier, gen);
		if (jitter_us > 0)
			spin_us(rand_r(&w->rnd) % (unsigned)(jitter_us + 1));
		if (use_udp ? sendto(sock, &upd, sizeof(upd), 0,
		    (struct sockaddr *)&sin, sizeof(sin)) < 0 :
		    write(dev, &upd, sizeof(upd)) < 0)
			atomic_fetch_add(&failed, 1);
		else
			atomic_fetch_add(&sent, 1);
	}
	return NULL;
}

static void
print_counters(const char *when)
{
	char buf[512];
	FILE *f = fopen("/proc/rcupeer", "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("%s: sent %llu failed %llu %s\n", when,
	    (unsigned long long)atomic_load(&sent),
	    (unsigned long long)atomic_load(&failed), buf);
	fflush(stdout);
}

static void
usage(void)
{
	fprintf(stderr, "usage: driver [--threads N] [--rate ROUNDS_PER_S] "
	    "[--jitter-us US] [--duration S] [--link N] [--mode dev|udp|mixed] "
	    "[--port P] [--seed N]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threads", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' },
		{ "jitter-us", required_argument, NULL, 'j' },
		{ "duration", required_argument, NULL, 'd' },
		{ "link", required_argument, NULL, 'l' },
		{ "mode", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "seed", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int c, ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *tids;
	struct worker *ws;
	double t0, last;

	nthreads = ncpus;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't': nthreads = atoi(optarg); break;
		case 'r': rate = atoi(optarg); break;
		case 'j': jitter_us = atoi(optarg); break;
		case 'd': duration = atoi(optarg); break;
		case 'l': link_id = atoi(optarg); break;
		case 'p': ctl_port = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'm':
			if (strcmp(optarg, "dev") == 0)
				mode = MODE_DEV;
			else if (strcmp(optarg, "udp") == 0)
				mode = MODE_UDP;
			else if (strcmp(optarg, "mixed") == 0)
				mode = MODE_MIXED;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	if (nthreads < 2 || rate < 0 || jitter_us < 0 || duration < 1)
		usage();
	barrier.nthreads = (unsigned)nthreads;
	barrier.yield = nthreads > ncpus;
	tids = calloc((size_t)nthreads, sizeof(*tids));
	ws = calloc((size_t)nthreads, sizeof(*ws));
	printf("driver: %d threads on %d CPUs, %d rounds/s, jitter %d us, "
	    "link %d, %d s\n", nthreads, ncpus, rate, jitter_us, link_id,
	    duration);
	fflush(stdout);
	print_counters("start");	/* the module's mode and routes so far */
	for (int i = 0; i < nthreads; i++) {
		ws[i].index = i;
		ws[i].cpu = i % ncpus;
		ws[i].rnd = (unsigned)(seed * 2654435761u + (unsigned)i);
		pthread_create(&tids[i], NULL, worker_main, &ws[i]);
	}
	t0 = last = now();
	while (!atomic_load(&stop) && now() - t0 < duration) {
		usleep(100000);
		if (now() - last >= 5) {
			print_counters("progress");
			last = now();
		}
	}
	atomic_store(&stop, 1);
	sync_barrier_break(&barrier);
	for (int i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	print_counters("done");
	return atomic_load(&sent) > 0 ? 0 : 1;
}
