/* udpnodes.c: the multi-node loopback driver behind udpnodes.h: sockets, the epoll loop with
 * batched receive (recvmmsg) and send (sendmmsg), cached node deadlines, buffered OS
 * randomness, and the ring checker.
 */
/* sendmmsg / recvmmsg are GNU extensions */
#define _GNU_SOURCE
#include "udpnodes.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BATCH = 64, SOCK_BUF = 4 << 20, MAX_EVENTS = 256 };

uint64_t un_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void set_rand(void *ctx, uint8_t *buf, size_t len)
{
	un_set *s = ctx;

	while (len) {
		if (s->rnd_pos == UN_RAND_BUF) {
			randombytes_buf(s->rnd, UN_RAND_BUF);
			s->rnd_pos = 0;
		}
		size_t k = UN_RAND_BUF - s->rnd_pos;
		if (k > len)
			k = len;
		memcpy(buf, s->rnd + s->rnd_pos, k);
		/* handed out once: never kept around for the next caller to see */
		sodium_memzero(s->rnd + s->rnd_pos, k);
		s->rnd_pos += k;
		buf += k;
		len -= k;
	}
}

void un_config(themis_config *c, int security)
{
	themis_config_default(c);
	c->network = "bench";
	c->security = security;
	c->signed_records = security;
	c->hello_rate = 1000000;
	c->hello_burst = 100000;
}

static int open_socket(themis_addr *addr)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int fd, sz = SOCK_BUF;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Deep buffers: a burst of many requests in flight must not be lost in the kernel. The
	 * FORCE variants need privilege; the plain ones are capped by the sysctl limits. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof sz) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) != 0) {
		close(fd);
		return -1;
	}
	memset(addr, 0, sizeof *addr);
	addr->family = 4;
	memcpy(addr->addr, &sa.sin_addr, 4);
	addr->port = ntohs(sa.sin_port);
	return fd;
}

int un_add(un_set *s, const themis_config *cfg, unsigned seed_base)
{
	themis_config c = *cfg;
	un_node *v, *u;
	unsigned idx = s->count;
	struct epoll_event ev = { .events = EPOLLIN };

	v = realloc(s->v, (size_t)(idx + 1) * sizeof *v);
	if (!v)
		return -1;
	s->v = v;
	u = &v[idx];
	memset(u, 0, sizeof *u);
	u->fd = open_socket(&u->addr);
	if (u->fd < 0) {
		perror("udpnodes: socket");
		return -1;
	}
	/* Distinct, reproducible identities: the seed names the set and the index. */
	memset(c.seed, 0, sizeof c.seed);
	memcpy(c.seed, &seed_base, sizeof seed_base);
	memcpy(c.seed + 8, &idx, sizeof idx);
	c.rand = set_rand;
	c.rand_ctx = s;
	c.self = u->addr;
	if (themis_node_new(&u->n, &c) != 0) {
		fprintf(stderr, "udpnodes: themis_node_new failed\n");
		close(u->fd);
		return -1;
	}
	ev.data.u32 = idx;
	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, u->fd, &ev) != 0) {
		perror("udpnodes: epoll_ctl");
		themis_node_del(u->n);
		close(u->fd);
		return -1;
	}
	u->deadline = UINT64_MAX;
	s->count++;
	return (int)idx;
}

int un_open(un_set *s, unsigned count, const themis_config *cfg, unsigned seed_base,
	    un_event_fn on_event, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->rnd_pos = UN_RAND_BUF;
	s->on_event = on_event;
	s->ctx = ctx;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		perror("udpnodes: epoll_create1");
		return -1;
	}
	for (unsigned i = 0; i < count; i++)
		if (un_add(s, cfg, seed_base) < 0)
			return -1;
	return 0;
}

void un_close(un_set *s)
{
	for (unsigned i = 0; i < s->count; i++) {
		themis_node_del(s->v[i].n);
		close(s->v[i].fd);
	}
	free(s->v);
	if (s->ep >= 0)
		close(s->ep);
	sodium_memzero(s->rnd, sizeof s->rnd);
	memset(s, 0, sizeof *s);
	s->ep = -1;
}

void un_peer(const un_set *s, unsigned idx, themis_peer *out)
{
	memcpy(out->id, themis_node_id(s->v[idx].n), THEMIS_ID_LEN);
	out->addr = s->v[idx].addr;
}

void un_flush(un_set *s, unsigned idx)
{
	static _Thread_local uint8_t bufs[BATCH][THEMIS_MAX_PACKET];
	struct sockaddr_in sa[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr mh[BATCH];
	un_node *u = &s->v[idx];
	themis_event ev;
	themis_addr to;
	int len;

	/* An event handler may start operations on this node: loop until both are empty. */
	for (;;) {
		unsigned k = 0;
		while (k < BATCH && (len = themis_node_poll_send(u->n, &to, bufs[k], THEMIS_MAX_PACKET)) > 0) {
			memset(&sa[k], 0, sizeof sa[k]);
			sa[k].sin_family = AF_INET;
			memcpy(&sa[k].sin_addr, to.addr, 4);
			sa[k].sin_port = htons(to.port);
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = (size_t)len;
			memset(&mh[k], 0, sizeof mh[k]);
			mh[k].msg_hdr.msg_name = &sa[k];
			mh[k].msg_hdr.msg_namelen = sizeof sa[k];
			mh[k].msg_hdr.msg_iov = &iov[k];
			mh[k].msg_hdr.msg_iovlen = 1;
			k++;
		}
		for (unsigned off = 0; off < k;) {
			int r = sendmmsg(u->fd, mh + off, k - off, 0);
			if (r <= 0) {
				if (r < 0 && errno == EINTR)
					continue;
				/* A full socket buffer loses the rest of the batch: like the network
				 * dropping them; the core retransmits. */
				s->send_fail += k - off;
				break;
			}
			off += (unsigned)r;
		}
		int any = k > 0;
		while (themis_node_poll_event(u->n, &ev)) {
			any = 1;
			if (s->on_event)
				s->on_event(s->ctx, idx, &ev);
		}
		if (!any)
			break;
	}
	u->deadline = themis_node_next_deadline(u->n);
}

/* Every datagram waiting on node idx's socket goes into the node. */
static void drain(un_set *s, unsigned idx)
{
	static _Thread_local uint8_t bufs[BATCH][THEMIS_MAX_PACKET + 16];
	struct sockaddr_in sa[BATCH];
	struct iovec iov[BATCH];
	struct mmsghdr mh[BATCH];
	un_node *u = &s->v[idx];

	for (;;) {
		for (unsigned k = 0; k < BATCH; k++) {
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = sizeof bufs[k];
			memset(&mh[k], 0, sizeof mh[k]);
			mh[k].msg_hdr.msg_name = &sa[k];
			mh[k].msg_hdr.msg_namelen = sizeof sa[k];
			mh[k].msg_hdr.msg_iov = &iov[k];
			mh[k].msg_hdr.msg_iovlen = 1;
		}
		int got = recvmmsg(u->fd, mh, BATCH, MSG_DONTWAIT, NULL);
		if (got <= 0)
			break;
		uint64_t now = un_now();
		for (int k = 0; k < got; k++) {
			themis_addr from;
			memset(&from, 0, sizeof from);
			from.family = 4;
			memcpy(from.addr, &sa[k].sin_addr, 4);
			from.port = ntohs(sa[k].sin_port);
			themis_node_recv(u->n, &from, bufs[k], mh[k].msg_len, now);
		}
		/* Answer this batch before taking the next: keeps the pipe full both ways. */
		un_flush(s, idx);
		if (got < BATCH)
			break;
	}
}

void un_step(un_set *s, uint64_t max_wait_ns)
{
	struct epoll_event evs[MAX_EVENTS];
	uint64_t now = un_now(), next = UINT64_MAX;
	int timeout_ms, n;

	for (unsigned i = 0; i < s->count; i++)
		if (s->v[i].deadline < next)
			next = s->v[i].deadline;
	if (next <= now)
		max_wait_ns = 0;
	else if (next - now < max_wait_ns)
		max_wait_ns = next - now;
	/* epoll waits in whole milliseconds: a shorter wait is a poll (the caller spins). */
	timeout_ms = (int)(max_wait_ns / 1000000u);
	n = epoll_wait(s->ep, evs, MAX_EVENTS, timeout_ms);
	for (int i = 0; i < n; i++)
		drain(s, evs[i].data.u32);
	now = un_now();
	for (unsigned i = 0; i < s->count; i++) {
		if (s->v[i].deadline <= now) {
			themis_node_on_timeout(s->v[i].n, now);
			un_flush(s, i);
		}
	}
}

typedef struct pos_ix {
	uint8_t pos[THEMIS_ID_LEN];
	unsigned idx;
} pos_ix;

static int cmp_pos(const void *a, const void *b)
{
	return memcmp(((const pos_ix *)a)->pos, ((const pos_ix *)b)->pos, THEMIS_ID_LEN);
}

int un_ring_valid(const un_set *s, const unsigned *idx, unsigned n)
{
	pos_ix *p = malloc((size_t)n * sizeof *p);
	themis_ring_info ri;
	int ok = 1;

	if (!p)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		themis_ring_pos(themis_node_id(s->v[idx[i]].n), 256, p[i].pos);
		p[i].idx = idx[i];
	}
	qsort(p, n, sizeof *p, cmp_pos);
	for (unsigned i = 0; i < n && ok; i++) {
		const uint8_t *next = themis_node_id(s->v[p[(i + 1) % n].idx].n);
		const uint8_t *prev = themis_node_id(s->v[p[(i + n - 1) % n].idx].n);
		themis_node_ring(s->v[p[i].idx].n, &ri);
		if (!ri.joined || (n > 1 && (ri.nsucc == 0 || !ri.has_pred ||
					     memcmp(ri.succ[0].id, next, THEMIS_ID_LEN) != 0 ||
					     memcmp(ri.pred.id, prev, THEMIS_ID_LEN) != 0)))
			ok = 0;
	}
	free(p);
	return ok;
}

static void *serve(void *arg)
{
	un_thread *t = arg;

	while (!t->stop)
		un_step(t->s, 1000000);
	return NULL;
}

void un_thread_pin(un_thread *t)
{
	pthread_t server = (pthread_t)t->th;
	cpu_set_t all, one;
	int first = -1, second = -1;

	if (sched_getaffinity(0, sizeof all, &all) != 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && second < 0; c++)
		if (CPU_ISSET(c, &all)) {
			if (first < 0)
				first = c;
			else
				second = c;
		}
	if (second < 0)
		return;
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	(void)pthread_setaffinity_np(pthread_self(), sizeof one, &one);
	CPU_ZERO(&one);
	CPU_SET(second, &one);
	(void)pthread_setaffinity_np(server, sizeof one, &one);
}

int un_thread_start(un_thread *t, un_set *s)
{
	pthread_t th;

	t->s = s;
	t->stop = 0;
	if (pthread_create(&th, NULL, serve, t) != 0)
		return -1;
	t->th = (unsigned long)th;
	return 0;
}

void un_thread_stop(un_thread *t)
{
	t->stop = 1;
	pthread_join((pthread_t)t->th, NULL);
}

static int pair_linked(const un_set *a, const un_set *b)
{
	themis_ring_info ri;

	themis_node_ring(a->v[0].n, &ri);
	return ri.joined && ri.nsucc > 0 && ri.has_pred &&
	       memcmp(ri.succ[0].id, themis_node_id(b->v[0].n), THEMIS_ID_LEN) == 0 &&
	       memcmp(ri.pred.id, themis_node_id(b->v[0].n), THEMIS_ID_LEN) == 0;
}

int un_pair_join(un_set *srv, un_set *cli, double timeout_s)
{
	themis_peer boot;
	uint64_t end = un_now() + (uint64_t)(timeout_s * 1e9);

	if (themis_join(srv->v[0].n, NULL, un_now()) <= 0)
		return -1;
	un_flush(srv, 0);
	un_peer(srv, 0, &boot);
	if (themis_join(cli->v[0].n, &boot, un_now()) <= 0)
		return -1;
	un_flush(cli, 0);
	while (!(pair_linked(srv, cli) && pair_linked(cli, srv))) {
		if (un_now() > end)
			return -1;
		un_step(srv, 0);
		un_step(cli, 0);
	}
	return 0;
}

void un_owned_objects(const themis_node *client, const themis_node *server, uint8_t (*out)[THEMIS_ID_LEN],
		      unsigned n)
{
	uint8_t cp[THEMIS_ID_LEN], sp[THEMIS_ID_LEN], op[THEMIS_ID_LEN];
	unsigned k = 0;

	themis_ring_pos(themis_node_id(client), 256, cp);
	themis_ring_pos(themis_node_id(server), 256, sp);
	while (k < n) {
		randombytes_buf(out[k], THEMIS_ID_LEN);
		themis_ring_pos(out[k], 256, op);
		int after_c = memcmp(op, cp, sizeof op) > 0, upto_s = memcmp(op, sp, sizeof op) <= 0;
		if (memcmp(cp, sp, sizeof cp) < 0 ? (after_c && upto_s) : (after_c || upto_s))
			k++;
	}
}
