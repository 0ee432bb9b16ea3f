/* host.c: one epoll loop driving hosted nodes. It owns the UDP sockets, the clock
 * (CLOCK_MONOTONIC nanoseconds), the OS random source handed to the core, and the join
 * manager. It never interprets protocol bytes: datagrams go to themis_node_recv as they are.
 */
#include "host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "addr.h"
#include "ctlc.h"
#include "dheap.h"
#include "key.h"
#include "log.h"
#include "peers.h"

enum { RX_BURST = 64, MAX_EVENTS = 64 };

#define SEC 1000000000ull
#define BACKOFF_MIN (500000000ull)
#define BACKOFF_MAX (30 * SEC)
#define PEERS_SAVE_EVERY (10 * SEC)
/* A daemon started without --bootstrap pings the peers it remembers, joins through the first
 * that answers, and after this many rounds in which none did starts a ring of its own. */
#define REMEMBERED_ROUNDS 2

typedef struct watch {
	int fd;
	int dead;               /* unwatched during a dispatch: freed at the end of host_step */
	host_fd_fn fn;
	void *ctx;
	struct watch *next;
} watch;

typedef struct slot {
	themis_node *node;
	themis_addr addr;
	themis_addr self;       /* what the node says of itself: addr, or the --advertise'd one */
	int fd, family;
	host *h;
	unsigned idx;
	int autojoin;
	int64_t join_op;        /* the join op this manager started, 0 when none runs */
	uint8_t boot_id[THEMIS_ID_LEN]; /* the bootstrap that join goes through */
	char boot_spec[128];
	uint64_t join_at;       /* next attempt */
	uint64_t backoff;
	unsigned attempt;
	watch *w;
} slot;

struct host {
	int ep;
	unsigned n;
	slot *s;
	/* every node's next wake-up (its core deadline or its next join attempt), so a step
	 * touches only the nodes that are due: idle cost grows with the nodes, not their square */
	dheap dl;
	unsigned *due;          /* scratch: the nodes one step found due */
	watch *watches;
	char *boot[HOST_MAX_BOOT];
	unsigned nboot;
	char *own_control;
	host_event_fn on_event;
	void *ctx;
	/* the peers remembered in the state directory (net/peers.h) */
	char *state_dir;
	themis_peer remembered[PEERS_MAX];
	size_t nremembered;
	themis_peer saved[PEERS_MAX];    /* what the file holds now, sorted by id */
	size_t nsaved;
	uint64_t save_at;
	/* node 0 without --bootstrap: pings to the remembered peers */
	int64_t ping_op[PEERS_MAX];      /* 0: answered or not sent */
	unsigned pings_out, rounds;
	int via;                         /* a remembered peer that answered, -1: none yet */
};

uint64_t host_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

char *host_short(const uint8_t *id, char *buf)
{
	return themis_hex(id, 8, buf);
}

unsigned host_count(const host *h)
{
	return h->n;
}

themis_node *host_node(host *h, unsigned idx)
{
	return h->s[idx].node;
}

const themis_addr *host_addr(const host *h, unsigned idx)
{
	return &h->s[idx].addr;
}

const themis_addr *host_self_addr(const host *h, unsigned idx)
{
	return &h->s[idx].self;
}

int host_fd(const host *h)
{
	return h->ep;
}

int host_joined(const host *h, unsigned idx)
{
	themis_ring_info ri;
	themis_node_ring(h->s[idx].node, &ri);
	return ri.joined;
}

/* When node s next needs the loop: its core's earliest deadline, or its next join attempt. */
static uint64_t slot_due(const slot *s)
{
	uint64_t d = themis_node_next_deadline(s->node);

	if (s->autojoin && !s->join_op && s->join_at < d)
		d = s->join_at;
	return d;
}

/* Node idx's deadline may have moved (it was called, or its join schedule changed). */
static void rearm(host *h, unsigned idx)
{
	dheap_set(&h->dl, idx, slot_due(&h->s[idx]));
}

void host_set_autojoin(host *h, unsigned idx, int on)
{
	slot *s = &h->s[idx];
	s->autojoin = on;
	s->join_at = host_now();
	s->backoff = BACKOFF_MIN;
	rearm(h, idx);
}

int host_watch(host *h, int fd, host_fd_fn fn, void *ctx)
{
	watch *w = calloc(1, sizeof *w);
	struct epoll_event ev = { .events = EPOLLIN };

	if (!w)
		return -1;
	w->fd = fd;
	w->fn = fn;
	w->ctx = ctx;
	ev.data.ptr = w;
	if (epoll_ctl(h->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		free(w);
		return -1;
	}
	w->next = h->watches;
	h->watches = w;
	return 0;
}

int host_watch_events(host *h, int fd, uint32_t events)
{
	for (watch *w = h->watches; w; w = w->next) {
		if (w->fd == fd && !w->dead) {
			struct epoll_event ev = { .events = events, .data.ptr = w };
			return epoll_ctl(h->ep, EPOLL_CTL_MOD, fd, &ev);
		}
	}
	return -1;
}

void host_unwatch(host *h, int fd)
{
	for (watch *w = h->watches; w; w = w->next) {
		if (w->fd == fd && !w->dead) {
			epoll_ctl(h->ep, EPOLL_CTL_DEL, fd, NULL);
			w->dead = 1;
			return;
		}
	}
}

static void reap_watches(host *h)
{
	watch **pp = &h->watches;
	while (*pp) {
		watch *w = *pp;
		if (w->dead) {
			*pp = w->next;
			free(w);
		} else {
			pp = &w->next;
		}
	}
}

static void log_event(const slot *s, const themis_event *ev)
{
	char peer[17], owner[17], oaddr[ADDR_STRLEN];
	double ms;

	host_short(ev->peer, peer);
	switch (ev->kind) {
	case THEMIS_EV_SESSION_UP:
		log_msg(LOG_DEBUG, "node %u: session up with %s", s->idx, peer);
		return;
	case THEMIS_EV_HANDSHAKE_FAILED:
		log_msg(LOG_INFO, "node %u: handshake with %s failed (no answer)", s->idx, peer);
		return;
	case THEMIS_EV_LOOKUP_HOP:
		log_msg(LOG_DEBUG, "node %u: op %llu hop %u: %s %s", s->idx, (unsigned long long)ev->op_id,
			ev->hops, peer, ev->ok ? "made progress" : "no progress");
		return;
	case THEMIS_EV_OP_DONE:
		ms = (double)(ev->t_end_ns - ev->t_start_ns) / 1e6;
		host_short(ev->owner.id, owner);
		addr_format(&ev->owner.addr, oaddr);
		if (!ev->owner.addr.family)   /* ops that do not end at an owner (leave, register) */
			snprintf(oaddr, sizeof oaddr, "-");
		log_msg(ev->ok ? LOG_INFO : LOG_WARN,
			"node %u: %s op %llu %s in %.1f ms, hops %u, msgs %u, owner %s at %s, records %u",
			s->idx, themis_op_name(ev->op), (unsigned long long)ev->op_id,
			ev->ok ? "ok" : "failed", ms, ev->hops, ev->msgs,
			ev->owner.addr.family ? owner : "-", oaddr, ev->nrec);
		return;
	}
	log_msg(LOG_DEBUG, "node %u: event %d", s->idx, (int)ev->kind);
}

static void join_result(host *h, slot *s, const themis_event *ev)
{
	s->join_op = 0;
	if (ev->ok) {
		log_msg(LOG_INFO, "node %u: joined the ring (successor %s)", s->idx,
			host_short(ev->owner.id, (char[17]){ 0 }));
		s->backoff = BACKOFF_MIN;
		/* the next virtual node waits for this one (join_try): wake it now, not at its
		 * next poll */
		if (s->idx + 1 < h->n && h->s[s->idx + 1].autojoin && !h->s[s->idx + 1].join_op &&
		    h->s[s->idx + 1].join_at != UINT64_MAX) {
			h->s[s->idx + 1].join_at = host_now();
			rearm(h, s->idx + 1);
		}
		return;
	}
	if (s->idx == 0 && h->nboot > 0)
		log_msg(LOG_ERROR, "node 0: bootstrap %s did not answer (not running, wrong id, or "
			"unreachable); retrying in %.1f s", h->boot[(s->attempt - 1) % h->nboot],
			(double)s->backoff / 1e9);
	else
		log_msg(LOG_WARN, "node %u: join failed; retrying in %.1f s", s->idx,
			(double)s->backoff / 1e9);
	s->join_at = host_now() + s->backoff;
	s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
}

/* A ping to a remembered peer ended (node 0, started without --bootstrap). */
static void ping_result(host *h, slot *s, const themis_event *ev)
{
	for (size_t i = 0; i < h->nremembered; i++) {
		if (!h->ping_op[i] || (uint64_t)h->ping_op[i] != ev->op_id)
			continue;
		h->ping_op[i] = 0;
		h->pings_out--;
		if (ev->ok && h->via < 0) {
			h->via = (int)i;
			s->join_at = host_now();   /* join_tick joins through it */
		} else if (h->pings_out == 0 && h->via < 0) {
			if (++h->rounds >= REMEMBERED_ROUNDS)
				log_msg(LOG_WARN, "node 0: none of the peers remembered in the state directory "
					"answered; starting a new ring (it merges with theirs once they "
					"answer)");
			s->join_at = host_now();
		}
		return;
	}
}

void host_flush(host *h, unsigned idx)
{
	slot *s = &h->s[idx];
	uint8_t buf[THEMIS_MAX_PACKET];
	struct sockaddr_storage ss;
	themis_addr to;
	themis_event ev;
	int n;

	while ((n = themis_node_poll_send(s->node, &to, buf, sizeof buf)) > 0) {
		socklen_t sl = addr_to_sockaddr(&to, s->family, &ss);
		if (to.family == 6 && s->family != AF_INET6)
			continue;   /* an IPv6 locator seen by an IPv4-only node: unreachable */
		if (sendto(s->fd, buf, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&ss, sl) < 0)
			log_msg(LOG_DEBUG, "node %u: sendto: %s", idx, strerror(errno));
	}
	while (themis_node_poll_event(s->node, &ev)) {
		log_event(s, &ev);
		/* The core keeps retrying a join whose bootstrap is silent for a long while; say
		 * at once that the bootstrap does not answer, so the operator can act. */
		if (ev.kind == THEMIS_EV_HANDSHAKE_FAILED && s->join_op && s->boot_spec[0] &&
		    memcmp(ev.peer, s->boot_id, THEMIS_ID_LEN) == 0)
			log_msg(LOG_ERROR, "node %u: bootstrap %s did not answer (not running, wrong id, or "
				"unreachable); still retrying", idx, s->boot_spec);
		if (ev.kind == THEMIS_EV_OP_DONE && ev.op == THEMIS_OP_JOIN && s->join_op &&
		    (uint64_t)s->join_op == ev.op_id)
			join_result(h, s, &ev);
		if (ev.kind == THEMIS_EV_OP_DONE && ev.op == THEMIS_OP_PING && idx == 0 && h->pings_out)
			ping_result(h, s, &ev);
		if (h->on_event)
			h->on_event(h->ctx, idx, &ev);
	}
	rearm(h, idx);
}

static void on_udp(void *ctx, int fd, uint32_t events)
{
	slot *s = ctx;
	uint8_t buf[2048];
	struct sockaddr_storage ss;
	themis_addr from;

	(void)events;
	for (int i = 0; i < RX_BURST; i++) {
		socklen_t sl = sizeof ss;
		ssize_t n = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&ss, &sl);
		if (n < 0)
			break;
		if (addr_from_sockaddr((struct sockaddr *)&ss, &from) != 0)
			continue;
		/* An oversized datagram was cut at sizeof buf: give the core its real length
		 * class (too big) without reading past buf, so it counts as malformed. */
		size_t len = (size_t)n > sizeof buf ? sizeof buf : (size_t)n;
		themis_node_recv(s->node, &from, buf, len, host_now());
	}
	host_flush(s->h, s->idx);
}

int host_resolve_peer(const char *spec, themis_peer *out, const char *own_control, char *err,
		      size_t errlen)
{
	char a[ADDR_STRLEN];
	int has_id;

	if (peer_parse(spec, out, &has_id) != 0) {
		snprintf(err, errlen, "bootstrap %s: not ID@ADDR:PORT or ADDR:PORT (IPv6 as [ADDR]:PORT)", spec);
		return -2;
	}
	if (has_id)
		return 0;
	addr_format(&out->addr, a);
	if (!addr_is_local(&out->addr)) {
		snprintf(err, errlen, "bootstrap %s: its node id is unknown and it is not on this host; "
			 "give it as ID@%s (`themis id` on that host prints ID)", spec, a);
		return -2;
	}
	if (ctlc_resolve_local(&out->addr, out->id, own_control) != 0) {
		snprintf(err, errlen, "bootstrap %s: no local daemon's control socket names a node at %s "
			 "(not running yet, or its control socket is outside the runtime directory: "
			 "then give ID@%s)", spec, a, a);
		return -1;
	}
	return 0;
}

static void join_try(host *h, slot *s, uint64_t now)
{
	themis_peer boot;
	const themis_peer *bp = NULL;
	char err[512], a[ADDR_STRLEN];
	int64_t op;

	s->join_at = UINT64_MAX;
	if (s->idx > 0) {
		/* Virtual nodes join one after the other through node 0: each lookup then meets
		 * a ring that has already settled the previous newcomer. */
		if (!host_joined(h, s->idx - 1) || !host_joined(h, 0)) {
			s->join_at = now + BACKOFF_MIN / 5;
			return;
		}
		memcpy(boot.id, themis_node_id(h->s[0].node), THEMIS_ID_LEN);
		boot.addr = h->s[0].addr;
		bp = &boot;
	} else if (h->nboot > 0) {
		const char *spec = h->boot[s->attempt % h->nboot];
		int rc = host_resolve_peer(spec, &boot, h->own_control, err, sizeof err);
		s->attempt++;
		if (rc != 0) {
			log_msg(LOG_ERROR, "node 0: %s; retrying in %.1f s", err, (double)s->backoff / 1e9);
			s->join_at = now + s->backoff;
			s->backoff = s->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : s->backoff * 2;
			return;
		}
		bp = &boot;
		log_msg(LOG_INFO, "node 0: joining through %s at %s", host_short(boot.id, (char[17]){ 0 }),
			addr_format(&boot.addr, a));
	} else if (h->nremembered && h->rounds < REMEMBERED_ROUNDS) {
		/* No --bootstrap, but a ring we were in before: back into it through whichever
		 * of its nodes still answers, rather than a ring of our own. */
		if (h->via < 0) {
			if (h->pings_out == 0) {
				log_msg(LOG_INFO, "node 0: no --bootstrap; asking the %zu peer(s) remembered "
					"in the state directory", h->nremembered);
				for (size_t i = 0; i < h->nremembered; i++) {
					h->ping_op[i] = themis_ping(s->node, &h->remembered[i], now);
					if (h->ping_op[i] > 0)
						h->pings_out++;
					else
						h->ping_op[i] = 0;
				}
				host_flush(h, s->idx);
			}
			if (h->pings_out)
				return;   /* ping_result wakes us */
			h->rounds = REMEMBERED_ROUNDS;   /* not one ping could be sent */
		} else {
			boot = h->remembered[h->via];
			bp = &boot;
			h->via = -1;
			h->rounds++;
			log_msg(LOG_INFO, "node 0: joining through %s at %s, a peer remembered in the state "
				"directory", host_short(boot.id, (char[17]){ 0 }), addr_format(&boot.addr, a));
		}
	}
	s->boot_spec[0] = 0;
	if (bp && s->idx == 0 && h->nboot > 0) {
		memcpy(s->boot_id, bp->id, THEMIS_ID_LEN);
		snprintf(s->boot_spec, sizeof s->boot_spec, "%s", h->boot[(s->attempt - 1) % h->nboot]);
	}
	op = themis_join(s->node, bp, now);
	if (op < 0) {
		log_msg(LOG_WARN, "node %u: cannot start join (error %lld); retrying", s->idx, (long long)op);
		s->join_at = now + s->backoff;
		return;
	}
	s->join_op = op;
	host_flush(h, s->idx);
}

/* Node s's join attempt is due (when it is not joined already). */
static void join_tick(host *h, slot *s, uint64_t now)
{
	themis_ring_info ri;

	if (!s->autojoin || s->join_op || s->join_at > now)
		return;
	themis_node_ring(s->node, &ri);
	if (ri.joined) {
		s->join_at = UINT64_MAX;
		return;
	}
	if (ri.orphaned) {
		/* it lost every successor: the core rejoins through the nodes it knows;
		 * a join of ours (a new ring, for node 0) would only get in the way */
		s->join_at = now + SEC;
		return;
	}
	join_try(h, s, now);
}

static int by_id(const void *a, const void *b)
{
	return memcmp(((const themis_peer *)a)->id, ((const themis_peer *)b)->id, THEMIS_ID_LEN);
}

/* Adds p to list (n entries, cap) unless it is one of our own nodes or already there. */
static void add_peer(host *h, themis_peer *list, size_t *n, size_t cap, const themis_peer *p)
{
	if (*n >= cap)
		return;
	for (unsigned i = 0; i < h->n; i++)
		if (!memcmp(p->id, themis_node_id(h->s[i].node), THEMIS_ID_LEN))
			return;
	for (size_t i = 0; i < *n; i++)
		if (!memcmp(list[i].id, p->id, THEMIS_ID_LEN))
			return;
	list[(*n)++] = *p;
}

void host_save_peers(host *h)
{
	themis_peer list[PEERS_MAX], fingers[64];
	themis_ring_info ri;
	size_t n = 0;
	char err[512];

	if (!h->state_dir)
		return;
	/* successors and predecessors first (a restart rejoins best through its neighbours),
	 * then fingers: spread over the ring, they still answer when the neighbours are gone */
	for (unsigned i = 0; i < h->n; i++) {
		themis_node_ring(h->s[i].node, &ri);
		if (!ri.joined)
			continue;
		for (uint32_t k = 0; k < ri.nsucc; k++)
			add_peer(h, list, &n, PEERS_MAX, &ri.succ[k]);
		if (ri.has_pred)
			add_peer(h, list, &n, PEERS_MAX, &ri.pred);
	}
	for (unsigned i = 0; i < h->n; i++) {
		size_t k = themis_node_fingers(h->s[i].node, fingers, sizeof fingers / sizeof fingers[0]);
		for (size_t j = 0; j < k; j++)
			add_peer(h, list, &n, PEERS_MAX, &fingers[j]);
	}
	if (n == 0)
		return;   /* out of every ring just now: the last list is worth more than none */
	qsort(list, n, sizeof list[0], by_id);
	if (n == h->nsaved && !memcmp(list, h->saved, n * sizeof list[0]))
		return;
	if (peers_save(h->state_dir, list, n, err, sizeof err) != 0) {
		log_msg(LOG_WARN, "%s", err);
		return;
	}
	memcpy(h->saved, list, n * sizeof list[0]);
	h->nsaved = n;
}

void host_step(host *h, int max_wait_ms)
{
	struct epoll_event evs[MAX_EVENTS];
	uint64_t now = host_now(), next;
	unsigned ndue = 0, i;
	int timeout, n;

	next = dheap_min(&h->dl, &i);
	if (next <= now)
		timeout = 0;
	else if (next - now >= (uint64_t)max_wait_ms * 1000000u)
		timeout = max_wait_ms;
	else
		timeout = (int)((next - now + 999999) / 1000000);   /* round up: never wake early */
	n = epoll_wait(h->ep, evs, MAX_EVENTS, timeout);
	for (int k = 0; k < n; k++) {
		watch *w = evs[k].data.ptr;
		if (!w->dead)
			w->fn(w->ctx, w->fd, evs[k].events);
	}
	reap_watches(h);
	now = host_now();
	/* Take every due node out of the heap first, then serve each once: a node whose work
	 * makes it due again at once waits for the next step instead of starving the loop. */
	while (dheap_min(&h->dl, &i) <= now) {
		dheap_set(&h->dl, i, UINT64_MAX);
		h->due[ndue++] = i;
	}
	for (unsigned k = 0; k < ndue; k++) {
		slot *s = &h->s[h->due[k]];
		if (themis_node_next_deadline(s->node) <= now) {
			themis_node_on_timeout(s->node, now);
			host_flush(h, s->idx);
		}
		join_tick(h, s, now);
		rearm(h, s->idx);
	}
	if (h->state_dir && now >= h->save_at) {
		h->save_at = now + PEERS_SAVE_EVERY;
		host_save_peers(h);
	}
}

/* Binds node idx's UDP socket. No SO_REUSEADDR: with it a second daemon could bind the same
 * port and silently take part of its traffic; a port in use must stop the start instead. */
static int open_udp(const themis_addr *a, unsigned idx, unsigned nodes, int *family, char *err,
		    size_t errlen)
{
	struct sockaddr_storage ss;
	char txt[ADDR_STRLEN];
	int fam = a->family == 6 ? AF_INET6 : AF_INET;
	int fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (fam == AF_INET6) {
		/* [::] serves IPv4 too (v4-mapped); a concrete IPv6 address only IPv6 */
		static const uint8_t any[16];
		int v6only = memcmp(a->addr, any, 16) != 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
	}
	socklen_t sl = addr_to_sockaddr(a, fam, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
		int e = errno;
		addr_format(a, txt);
		if (e == EADDRINUSE && nodes > 1)
			snprintf(err, errlen, "--nodes %u: UDP port %u (node %u, %s) is already in use, by "
				 "another themisd or another program; the port ranges of two daemons "
				 "must not overlap: choose another --listen port or fewer --nodes", nodes,
				 a->port, idx, txt);
		else if (e == EADDRINUSE)
			snprintf(err, errlen, "--listen %s: UDP port %u is already in use, by another "
				 "themisd or another program; stop it or choose another port", txt, a->port);
		else
			snprintf(err, errlen, "--listen %s: cannot bind: %s", txt, strerror(e));
		close(fd);
		return -1;
	}
	*family = fam;
	return fd;
}

int host_new(host **out, const host_cfg *cfg, char *err, size_t errlen)
{
	host *h;
	uint8_t seed[THEMIS_SEED_LEN];

	*out = NULL;
	if (cfg->nodes < 1 || cfg->nodes > HOST_MAX_NODES || cfg->nboot > HOST_MAX_BOOT ||
	    (unsigned)cfg->listen.port + cfg->nodes - 1 > 65535) {
		snprintf(err, errlen, "--nodes %u does not fit from port %u", cfg->nodes, cfg->listen.port);
		return -1;
	}
	h = calloc(1, sizeof *h);
	if (!h || !(h->s = calloc(cfg->nodes, sizeof *h->s)) ||
	    !(h->due = calloc(cfg->nodes, sizeof *h->due)) || dheap_init(&h->dl, cfg->nodes) != 0) {
		if (h) {
			free(h->s);
			free(h->due);
		}
		free(h);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	h->ep = epoll_create1(EPOLL_CLOEXEC);
	h->on_event = cfg->on_event;
	h->ctx = cfg->ctx;
	if (h->ep < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	for (unsigned i = 0; i < cfg->nboot; i++)
		h->boot[h->nboot++] = strdup(cfg->boot[i]);
	if (cfg->own_control)
		h->own_control = strdup(cfg->own_control);
	h->via = -1;
	if (cfg->state_dir) {
		h->state_dir = strdup(cfg->state_dir);
		h->nremembered = peers_load(cfg->state_dir, h->remembered, PEERS_MAX);
		h->save_at = host_now() + PEERS_SAVE_EVERY;
	}
	for (unsigned i = 0; i < cfg->nodes; i++) {
		slot *s = &h->s[i];
		themis_config c;
		int rc;

		h->n = i + 1;
		s->h = h;
		s->idx = i;
		s->addr = cfg->listen;
		s->addr.port = (uint16_t)(cfg->listen.port + i);
		s->fd = open_udp(&s->addr, i, cfg->nodes, &s->family, err, errlen);
		if (s->fd < 0)
			goto fail;
		themis_config_default(&c);
		c.network = cfg->network;
		c.rand = os_random;
		c.self = s->addr;
		if (cfg->advertise.family) {
			c.self = cfg->advertise;
			c.self.port = (uint16_t)(cfg->advertise.port + i);
		}
		s->self = c.self;
		c.security = cfg->security;
		c.trace_lookups = cfg->trace_lookups;
		if (cfg->stabilize_ns) {
			c.stabilize_ns = cfg->stabilize_ns;
			c.fix_fingers_ns = cfg->stabilize_ns / 2 ? cfg->stabilize_ns / 2 : 1;
			c.check_pred_ns = cfg->stabilize_ns * 2;
		}
		if (cfg->max_records)
			c.max_records = cfg->max_records;
		key_derive(cfg->seed, i, seed);
		memcpy(c.seed, seed, sizeof seed);
		rc = themis_node_new(&s->node, &c);
		key_wipe(seed, sizeof seed);
		key_wipe(c.seed, sizeof c.seed);
		if (rc != 0) {
			snprintf(err, errlen, "node %u: the core refused its configuration (%d)", i, rc);
			goto fail;
		}
		if (host_watch(h, s->fd, on_udp, s) != 0) {
			snprintf(err, errlen, "epoll_ctl: %s", strerror(errno));
			goto fail;
		}
		s->autojoin = cfg->autojoin;
		s->backoff = BACKOFF_MIN;
		s->join_at = 0;
		/* the remembered peers and the bootstraps of known id: nodes to probe should
		 * this one ever lose its ring, or should the ring split (core/dht/heal.c) */
		themis_node_remember(s->node, h->remembered, h->nremembered, host_now());
		for (unsigned b = 0; b < h->nboot; b++) {
			themis_peer p;
			int has_id;
			if (peer_parse(h->boot[b], &p, &has_id) == 0 && has_id)
				themis_node_remember(s->node, &p, 1, host_now());
		}
		rearm(h, i);
	}
	*out = h;
	return 0;
fail:
	host_del(h);
	return -1;
}

void host_del(host *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < h->n; i++) {
		themis_node_del(h->s[i].node);
		if (h->s[i].fd >= 0)
			close(h->s[i].fd);
	}
	for (watch *w = h->watches; w; w = w->next)
		w->dead = 1;
	reap_watches(h);
	for (unsigned i = 0; i < h->nboot; i++)
		free(h->boot[i]);
	free(h->own_control);
	free(h->state_dir);
	if (h->ep >= 0)
		close(h->ep);
	dheap_free(&h->dl);
	free(h->due);
	free(h->s);
	free(h);
}
