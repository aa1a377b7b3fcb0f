/* SPDX-License-Identifier: GPL-2.0 */
/*
 * traffic: the flows of the net-mix workload, from a thread pinned to
 * every vCPU at once.
 *
 *   traffic --serve --port P [--duration S]
 *	UDP and TCP servers on P, one SO_REUSEPORT socket of each per
 *	vCPU: UDP datagrams are echoed, TCP connections read and closed.
 *   traffic --dst IP --port P [--udp N] [--tcp N] [--icmp N] [--duration S]
 *	each thread opens flows in the ratio udp:tcp:icmp (weights, 0
 *	turns a kind off): a UDP datagram from a fresh socket, a TCP
 *	connection that sends and closes, an ICMP echo request.  Every flow
 *	is new to conntrack, so entries are created, confirmed, looked up
 *	and expired from every CPU while the net-mix churn changes routes
 *	and neighbours under them.
 *
 * Triggers: nothing by itself; it is load for races in conntrack, NAT,
 * routing and neighbour code.  Verdict expected: ok; the counts of each
 * kind are printed at the end.  Exit status 0, or 1 if no flow at all
 * could be opened (the workload itself is broken).
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/sync.h"

static struct sockaddr_in dst = { .sin_family = AF_INET };
static int port = 7000, duration = 10, serve;
static int weight[3] = { 4, 2, 1 };	/* udp, tcp, icmp */
static atomic_ullong done[3], failed[3];
static double t_end;

static void
pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

/* A socket of type bound to the port on every address, shared by CPU. */
static int
server_socket(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons(port) };
	int fd = socket(AF_INET, type, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *
server_thread(void *arg)
{
	int u = server_socket(SOCK_DGRAM), t = server_socket(SOCK_STREAM);
	char buf[2048];

	pin((int)(long)arg);
	if (u < 0 || t < 0) {
		perror("traffic: server socket");
		exit(1);
	}
	while (sync_now() < t_end) {
		struct pollfd p[2] = { { .fd = u, .events = POLLIN },
		    { .fd = t, .events = POLLIN } };

		if (poll(p, 2, 200) <= 0)
			continue;
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT,
			    (struct sockaddr *)&from, &fl);

			if (n > 0)
				(void)sendto(u, buf, (size_t)n, MSG_DONTWAIT,
				    (struct sockaddr *)&from, fl);
			atomic_fetch_add(&done[0], 1);
		}
		if (p[1].revents & POLLIN) {
			int c = accept4(t, NULL, NULL, SOCK_NONBLOCK);

			if (c >= 0) {
				(void)recv(c, buf, sizeof(buf), 0);
				close(c);
				atomic_fetch_add(&done[1], 1);
			}
		}
	}
	return NULL;
}

static int
flow_udp(unsigned seq)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), rc;

	if (fd < 0)
		return -1;
	rc = sendto(fd, &seq, sizeof(seq), 0, (struct sockaddr *)&dst,
	    sizeof(dst)) == sizeof(seq) ? 0 : -1;
	close(fd);
	return rc;
}

static int
flow_tcp(unsigned seq)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), rc = -1;
	struct pollfd p = { .events = POLLOUT };

	if (fd < 0)
		return -1;
	p.fd = fd;
	if ((connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 ||
	    errno == EINPROGRESS) && poll(&p, 1, 500) == 1 &&
	    (p.revents & POLLOUT) && !(p.revents & POLLERR))
		rc = send(fd, &seq, sizeof(seq), MSG_NOSIGNAL) ==
		    sizeof(seq) ? 0 : -1;
	close(fd);
	return rc;
}

static unsigned short
icmp_sum(const void *p, size_t n)
{
	const unsigned short *w = p;
	unsigned long sum = 0;

	for (; n > 1; n -= 2)
		sum += *w++;
	if (n)
		sum += *(const unsigned char *)w;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (unsigned short)~sum;
}

static int
flow_icmp(int fd, unsigned seq)
{
	struct icmphdr h = { .type = ICMP_ECHO };

	h.un.echo.id = htons((unsigned short)getpid());
	h.un.echo.sequence = htons((unsigned short)seq);
	h.checksum = icmp_sum(&h, sizeof(h));
	return sendto(fd, &h, sizeof(h), MSG_DONTWAIT, (struct sockaddr *)&dst,
	    sizeof(dst)) == sizeof(h) ? 0 : -1;
}

static void *
client_thread(void *arg)
{
	int cpu = (int)(long)arg, total = weight[0] + weight[1] + weight[2];
	int icmp = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	unsigned seq = (unsigned)cpu << 24;
	char drain[256];

	pin(cpu);
	while (sync_now() < t_end) {
		int pick = (int)(seq * 2654435761u % (unsigned)total);
		int kind = pick < weight[0] ? 0 : pick < weight[0] +
		    weight[1] ? 1 : 2;
		int rc = kind == 0 ? flow_udp(seq) : kind == 1 ?
		    flow_tcp(seq) : icmp >= 0 ? flow_icmp(icmp, seq) : -1;

		atomic_fetch_add(rc == 0 ? &done[kind] : &failed[kind], 1);
		seq++;
		/* echo replies are not counted, only kept from piling up */
		while (icmp >= 0 && recv(icmp, drain, sizeof(drain),
		    MSG_DONTWAIT) > 0)
			;
	}
	if (icmp >= 0)
		close(icmp);
	return NULL;
}

/*
 * One flow of each kind from this thread alone, then a second's quiet,
 * before the threads start on every vCPU.  The first packets through
 * conntrack, NAT and the socket hashes seed their keys once
 * (get_random_once() in hash_conntrack_raw() and friends) and then flip
 * a static key, which the kernel patches in with int3 breakpoints.  Under
 * QEMU's TCG a vCPU running the patched code at that moment can loop on
 * the breakpoint: one t5004 run here hung with CPU 0 in asm_exc_int3
 * within nf_conntrack_in, as the flows began on both vCPUs.  Patched
 * while no flow runs, the code is never executed half-patched.  Not
 * counted in the totals.
 */
static void
warm_up(void)
{
	int icmp = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	if (weight[0] > 0)
		(void)flow_udp(0);
	if (weight[1] > 0)
		(void)flow_tcp(0);
	if (weight[2] > 0 && icmp >= 0)
		(void)flow_icmp(icmp, 0);
	if (icmp >= 0)
		close(icmp);
	sleep(1);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "serve", no_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "udp", required_argument, NULL, 'u' },
		{ "tcp", required_argument, NULL, 't' },
		{ "icmp", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 }
	};
	int c, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t *th;
	unsigned long long ok = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'S': serve = 1; break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &dst.sin_addr) != 1)
				return fprintf(stderr, "traffic: bad address "
				    "'%s'\n", optarg), 2;
			break;
		case 'p': port = atoi(optarg); break;
		case 'u': weight[0] = atoi(optarg); break;
		case 't': weight[1] = atoi(optarg); break;
		case 'i': weight[2] = atoi(optarg); break;
		case 'D': duration = atoi(optarg); break;
		default: return 2;
		}
	}
	if (port < 1 || port > 65535 || duration < 1 || weight[0] < 0 ||
	    weight[1] < 0 || weight[2] < 0 ||
	    weight[0] + weight[1] + weight[2] == 0 ||
	    (!serve && dst.sin_addr.s_addr == 0))
		return fprintf(stderr, "usage: traffic --serve --port P | "
		    "--dst IP --port P [--udp N --tcp N --icmp N] "
		    "[--duration S]\n"), 2;
	dst.sin_port = htons(port);
	if (ncpu < 1)
		ncpu = 1;
	if (!serve)
		warm_up();
	t_end = sync_now() + duration;
	th = calloc((size_t)ncpu, sizeof(*th));
	for (long i = 0; i < ncpu; i++)
		pthread_create(&th[i], NULL, serve ? server_thread :
		    client_thread, (void *)i);
	for (int i = 0; i < ncpu; i++)
		pthread_join(th[i], NULL);
	free(th);
	printf("traffic %s: udp %llu (%llu failed), tcp %llu (%llu failed), "
	    "icmp %llu (%llu failed)\n", serve ? "served" : "sent",
	    (unsigned long long)done[0], (unsigned long long)failed[0],
	    (unsigned long long)done[1], (unsigned long long)failed[1],
	    (unsigned long long)done[2], (unsigned long long)failed[2]);
	ok = done[0] + done[1] + done[2];
	return serve || ok > 0 ? 0 : 1;
}
