/* ctl.c: the control server. Request: one line "<json|text> <node|-> <command> [arg]";
 * reply: "OK" or "ERR message", a newline, the body, then the daemon closes. Commands that
 * run a DHT operation park the client until the operation's OP_DONE event. The socket lives
 * in a 0700 directory and is itself 0600: only the daemon's user may drive it.
 *
 * One careless client must never stall the hosted nodes: every socket is non-blocking, a
 * reply is buffered (up to REPLY_CAP, all replies together up to REPLIES_CAP) and written as
 * the client reads it, and a client that reads nothing for WRITE_TIMEOUT_S is dropped. At most
 * MAX_CLIENTS connections are open; one that sends no request within REQUEST_TIMEOUT_S is
 * closed; when accept fails for want of descriptors the listening socket rests for a second
 * instead of waking the loop again at once. A client that shuts down its writing side after
 * its request (as `socat -` does) still gets its reply.
 */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr.h"
#include "ctlc.h"
#include "log.h"
#include "registry.h"
#include "regs.h"
#include "sb.h"

enum { LINE_MAX_CTL = 1024, TRACE_MAX = 64 };

/* The caps of the control socket (see the top of this file); the error replies name them. */
enum {
	MAX_CLIENTS = 64,
	REQUEST_TIMEOUT_S = 10,
	WRITE_TIMEOUT_S = 5,
};
#define REPLY_CAP ((size_t)16 << 20)
#define REPLIES_CAP ((size_t)64 << 20)
#define SEC 1000000000ull

typedef struct client {
	int fd;
	char line[LINE_MAX_CTL];
	size_t len;
	int json;
	unsigned node;
	int64_t op;             /* > 0 while waiting for OP_DONE */
	char cmd[16];
	char target[ID_HEXLEN + 1];
	char resolved[LINE_MAX_CTL];   /* join: the peer with its id prefix resolved */
	char arg[LINE_MAX_CTL];
	themis_event *hop;      /* lookup --trace: the LOOKUP_HOP events of our op (TRACE_MAX) */
	unsigned nhop;
	int requested;          /* its request line is in: nothing more is read */
	int eof;                /* it shut down its writing side */
	sb out;                 /* the reply, once there is one */
	size_t out_off;         /* how much of it the client has taken */
	uint64_t deadline;      /* no request by then, or no reading progress by then: dropped */
	struct client *next;
	ctl *c;
} client;

struct ctl {
	host *h;
	int fd;
	int tfd;                /* a timerfd ticking every second: deadlines, accept back-off */
	int accept_paused;
	uint64_t accept_resume;
	unsigned nclients;
	size_t buffered;        /* bytes of replies not yet taken, all clients */
	char *path;
	char *state_dir;        /* registrations are kept there (regs.h); NULL: not kept */
	char network[256];
	int security;
	uint64_t started;
	client *clients;
};

static void client_close(client *cl)
{
	ctl *c = cl->c;
	client **pp;

	host_unwatch(c->h, cl->fd);
	close(cl->fd);
	for (pp = &c->clients; *pp; pp = &(*pp)->next) {
		if (*pp == cl) {
			*pp = cl->next;
			break;
		}
	}
	c->buffered -= cl->out.len - cl->out_off;
	c->nclients--;
	sb_free(&cl->out);
	free(cl->hop);
	free(cl);
}

/* Writes what the client will take now; closes once the reply is out, or the client gone. */
static void client_write(client *cl)
{
	ctl *c = cl->c;

	while (cl->out_off < cl->out.len) {
		ssize_t n = send(cl->fd, cl->out.p + cl->out_off, cl->out.len - cl->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			/* the rest when it reads; dropped if it takes nothing for a while */
			host_watch_events(c->h, cl->fd, EPOLLOUT);
			return;
		}
		if (n <= 0) {
			client_close(cl);   /* it went away: its reply with it */
			return;
		}
		cl->out_off += (size_t)n;
		c->buffered -= (size_t)n;
		cl->deadline = host_now() + WRITE_TIMEOUT_S * SEC;
	}
	client_close(cl);
}

/* Queues the reply and sends what the client takes at once; the rest follows as it reads.
 * A reply over REPLY_CAP, or one that would take the unread replies of every client past
 * REPLIES_CAP, is replaced by an error naming the cap. */
static void reply(client *cl, int ok, const char *msg, sb *body)
{
	ctl *c = cl->c;
	char capmsg[200];
	size_t len;

	if (body && body->failed) {
		ok = 0;
		msg = "daemon out of memory";
		body = NULL;
	}
	len = strlen(ok ? "OK\n" : msg) + 8 + (body ? body->len : 0);
	if (len > REPLY_CAP || c->buffered + len > REPLIES_CAP) {
		snprintf(capmsg, sizeof capmsg, len > REPLY_CAP ?
			 "the reply would exceed the cap of one control reply (%zu MB); ask for one --node" :
			 "the unread replies of all control clients are at their cap (%zu MB); retry later",
			 (len > REPLY_CAP ? REPLY_CAP : REPLIES_CAP) >> 20);
		ok = 0;
		msg = capmsg;
		body = NULL;
	}
	cl->op = 0;
	cl->requested = 1;
	sb_printf(&cl->out, ok ? "OK\n" : "ERR %s\n", msg);
	if (body && body->len)
		sb_printf(&cl->out, "%s", body->p);
	if (cl->out.failed) {
		client_close(cl);
		return;
	}
	c->buffered += cl->out.len;
	cl->deadline = host_now() + WRITE_TIMEOUT_S * SEC;
	client_write(cl);
}

static void json_peer(sb *b, const themis_peer *p)
{
	char hex[ID_HEXLEN + 1], a[ADDR_STRLEN];
	sb_printf(b, "{\"id\":\"%s\",\"addr\":\"%s\"}", themis_hex(p->id, THEMIS_ID_LEN, hex),
		  addr_format(&p->addr, a));
}

static void text_peer(sb *b, const themis_peer *p)
{
	char hex[ID_HEXLEN + 1], a[ADDR_STRLEN];
	sb_printf(b, "%s %s", themis_hex(p->id, THEMIS_ID_LEN, hex), addr_format(&p->addr, a));
}

static void self_peer(ctl *c, unsigned i, themis_peer *p)
{
	memcpy(p->id, themis_node_id(host_node(c->h, i)), THEMIS_ID_LEN);
	p->addr = *host_self_addr(c->h, i);   /* the ID@ADDR:PORT others should use */
}

/* The counters as "name value" pairs, in one order for text, JSON and totals alike. */
static void counter_list(const themis_counters *k, const char **names, uint64_t *vals, size_t *n)
{
	size_t i = 0;
#define C(f) do { names[i] = #f; vals[i++] = k->f; } while (0)
	C(pkts_in); C(pkts_out); C(bytes_in); C(bytes_out); C(handshakes_ok); C(handshakes_failed);
	C(rekeys); C(records_rejected); C(stores_refused); C(handoffs_refused); C(records_unplaced); C(records_relocated); C(replicas_sent); C(records_signed); C(records_verified);
	C(lookups_no_progress); C(out_dropped);
	C(events_dropped);
#undef C
	*n = i;
}

static void sum_counters(themis_counters *t, const themis_counters *k)
{
	const uint64_t *src = (const uint64_t *)k;
	uint64_t *dst = (uint64_t *)t;
	/* themis_counters is all uint64_t fields */
	for (size_t i = 0; i < sizeof *k / sizeof(uint64_t); i++)
		dst[i] += src[i];
}

static void put_counters(sb *b, int json, const char *prefix, const themis_counters *k)
{
	const char *names[32];
	uint64_t vals[32];
	size_t n;

	counter_list(k, names, vals, &n);
	for (size_t i = 0; i < n; i++) {
		if (json)
			sb_printf(b, "%s\"%s\":%llu", i ? "," : "", names[i], (unsigned long long)vals[i]);
		else
			sb_printf(b, "%s%s %llu\n", prefix, names[i], (unsigned long long)vals[i]);
	}
	if (json)
		sb_printf(b, ",\"drops\":{");
	for (int d = 0; d < THEMIS_DROP__COUNT; d++) {
		if (json)
			sb_printf(b, "%s\"%s\":%llu", d ? "," : "", themis_drop_name((themis_drop)d),
				  (unsigned long long)k->drops[d]);
		else
			sb_printf(b, "%sdrop_%s %llu\n", prefix, themis_drop_name((themis_drop)d),
				  (unsigned long long)k->drops[d]);
	}
	if (json)
		sb_printf(b, "}");
}

static void cmd_id(ctl *c, client *cl, sb *b, unsigned lo, unsigned hi)
{
	if (cl->json)
		sb_printf(b, "{\"nodes\":[");
	for (unsigned i = lo; i < hi; i++) {
		themis_peer p;
		self_peer(c, i, &p);
		if (cl->json) {
			sb_printf(b, "%s{\"index\":%u,\"node\":", i > lo ? "," : "", i);
			json_peer(b, &p);
			sb_printf(b, "}");
		} else {
			text_peer(b, &p);
			sb_printf(b, " node %u\n", i);
		}
	}
	if (cl->json)
		sb_printf(b, "]}\n");
}

static void cmd_status(ctl *c, client *cl, sb *b, unsigned lo, unsigned hi)
{
	themis_counters tot, k;
	themis_ring_info ri;
	unsigned joined = 0, orphaned = 0;
	double up = (double)(host_now() - c->started) / 1e9;

	memset(&tot, 0, sizeof tot);
	for (unsigned i = lo; i < hi; i++) {
		themis_node_ring(host_node(c->h, i), &ri);
		joined += ri.joined != 0;
		orphaned += ri.orphaned != 0;
	}
	if (cl->json) {
		sb_printf(b, "{\"network\":");
		sb_json_str(b, c->network);
		sb_printf(b, ",\"version\":\"%s\",\"security\":\"%s\",\"uptime_s\":%.1f,\"nodes_hosted\":%u,"
			  "\"joined\":%u,\"orphaned\":%u,\"nodes\":[", THEMIS_VERSION,
			  c->security ? "on" : "off", up, hi - lo, joined, orphaned);
	} else {
		sb_printf(b, "network %s\nversion %s\nsecurity %s\nuptime_s %.1f\nnodes %u\njoined %u\n"
			  "orphaned %u\n", c->network, THEMIS_VERSION, c->security ? "on" : "off", up,
			  hi - lo, joined, orphaned);
	}
	for (unsigned i = lo; i < hi; i++) {
		themis_node *n = host_node(c->h, i);
		themis_peer self;
		char pfx[32];

		self_peer(c, i, &self);
		themis_node_ring(n, &ri);
		themis_node_counters(n, &k);
		sum_counters(&tot, &k);
		if (cl->json) {
			sb_printf(b, "%s{\"index\":%u,\"node\":", i > lo ? "," : "", i);
			json_peer(b, &self);
			sb_printf(b, ",\"joined\":%s,\"orphaned\":%s,\"successors\":%u,\"has_pred\":%s,"
				  "\"fingers\":%u,\"records\":%zu,\"objects\":%zu,\"registrations\":%u,"
				  "\"counters\":{", ri.joined ? "true" : "false", ri.orphaned ? "true" : "false",
				  ri.nsucc, ri.has_pred ? "true" : "false", ri.nfingers, ri.records, ri.objects,
				  ri.registrations);
			put_counters(b, 1, "", &k);
			sb_printf(b, "}}");
		} else {
			sb_printf(b, "node %u ", i);
			text_peer(b, &self);
			sb_printf(b, " %s successors=%u pred=%s fingers=%u records=%zu objects=%zu "
				  "registrations=%u\n",
				  ri.joined ? "joined" : ri.orphaned ? "orphaned" : "not-joined", ri.nsucc,
				  ri.has_pred ? "yes" : "no", ri.nfingers, ri.records, ri.objects,
				  ri.registrations);
			snprintf(pfx, sizeof pfx, "node %u ", i);
			if (hi - lo == 1)
				put_counters(b, 0, pfx, &k);
		}
	}
	if (cl->json) {
		sb_printf(b, "],\"totals\":{");
		put_counters(b, 1, "", &tot);
		sb_printf(b, "}}\n");
	} else {
		put_counters(b, 0, "total ", &tot);
	}
}

enum { SESSIONS_MAX = 256 };

/* `peers`: every session of node i, the way `wg show` lists a WireGuard interface's peers. */
static void put_sessions(ctl *c, client *cl, sb *b, unsigned i)
{
	static themis_peer_info pi[SESSIONS_MAX];
	uint64_t now = host_now();
	size_t n = themis_node_peers(host_node(c->h, i), pi, SESSIONS_MAX);

	if (cl->json)
		sb_printf(b, ",\"sessions\":[");
	for (size_t j = 0; j < n; j++) {
		const themis_peer_info *p = &pi[j];
		double age = p->since_ns ? (double)(now - p->since_ns) / 1e9 : -1;
		double hs = p->last_handshake_ns ? (double)(now - p->last_handshake_ns) / 1e9 : -1;
		double rx = p->last_rx_ns ? (double)(now - p->last_rx_ns) / 1e9 : -1;
		if (cl->json) {
			sb_printf(b, "%s{\"peer\":", j ? "," : "");
			json_peer(b, &p->peer);
			sb_printf(b, ",\"session\":%s", p->session ? "true" : "false");
			if (age >= 0)
				sb_printf(b, ",\"age_s\":%.1f,\"handshake_s_ago\":%.1f", age, hs);
			else
				sb_printf(b, ",\"age_s\":null,\"handshake_s_ago\":null");
			if (rx >= 0)
				sb_printf(b, ",\"rx_s_ago\":%.1f", rx);
			else
				sb_printf(b, ",\"rx_s_ago\":null");
			sb_printf(b, ",\"rx_pkts\":%llu,\"rx_bytes\":%llu,\"tx_pkts\":%llu,\"tx_bytes\":%llu,"
				  "\"rtt_ms\":", (unsigned long long)p->rx_pkts,
				  (unsigned long long)p->rx_bytes, (unsigned long long)p->tx_pkts,
				  (unsigned long long)p->tx_bytes);
			if (p->rtt_ns)
				sb_printf(b, "%.3f}", (double)p->rtt_ns / 1e6);
			else
				sb_printf(b, "null}");
			continue;
		}
		sb_printf(b, "node %u session ", i);
		text_peer(b, &p->peer);
		sb_printf(b, "\n  %s", p->session ? "up" : "handshaking");
		if (age >= 0)
			sb_printf(b, ", age %.1f s, latest handshake %.1f s ago", age, hs);
		if (rx >= 0)
			sb_printf(b, ", last heard %.1f s ago", rx);
		sb_printf(b, "\n  transfer: %llu B received (%llu packets), %llu B sent (%llu packets)",
			  (unsigned long long)p->rx_bytes, (unsigned long long)p->rx_pkts,
			  (unsigned long long)p->tx_bytes, (unsigned long long)p->tx_pkts);
		if (p->rtt_ns)
			sb_printf(b, "\n  round trip: %.3f ms\n", (double)p->rtt_ns / 1e6);
		else
			sb_printf(b, "\n  round trip: none measured\n");
	}
	if (cl->json)
		sb_printf(b, "]");
}

static void cmd_peers(ctl *c, client *cl, sb *b, unsigned lo, unsigned hi, int fingers)
{
	if (cl->json)
		sb_printf(b, "{\"nodes\":[");
	for (unsigned i = lo; i < hi; i++) {
		themis_node *n = host_node(c->h, i);
		themis_ring_info ri;
		themis_peer f[256];
		size_t nf = 0;

		themis_node_ring(n, &ri);
		if (fingers)
			nf = themis_node_fingers(n, f, sizeof f / sizeof f[0]);
		if (cl->json) {
			sb_printf(b, "%s{\"index\":%u", i > lo ? "," : "", i);
			if (fingers) {
				sb_printf(b, ",\"fingers\":[");
				for (size_t j = 0; j < nf; j++) {
					sb_printf(b, j ? "," : "");
					json_peer(b, &f[j]);
				}
			} else {
				sb_printf(b, ",\"predecessor\":");
				if (ri.has_pred)
					json_peer(b, &ri.pred);
				else
					sb_printf(b, "null");
				sb_printf(b, ",\"successors\":[");
				for (uint32_t j = 0; j < ri.nsucc; j++) {
					sb_printf(b, j ? "," : "");
					json_peer(b, &ri.succ[j]);
				}
				sb_printf(b, "]");
				put_sessions(c, cl, b, i);
				sb_printf(b, "}");
				continue;
			}
			sb_printf(b, "]}");
			continue;
		}
		if (fingers) {
			for (size_t j = 0; j < nf; j++) {
				sb_printf(b, "node %u finger %zu ", i, j);
				text_peer(b, &f[j]);
				sb_printf(b, "\n");
			}
			continue;
		}
		if (ri.has_pred) {
			sb_printf(b, "node %u predecessor ", i);
			text_peer(b, &ri.pred);
			sb_printf(b, "\n");
		}
		for (uint32_t j = 0; j < ri.nsucc; j++) {
			sb_printf(b, "node %u successor %u ", i, j);
			text_peer(b, &ri.succ[j]);
			sb_printf(b, "\n");
		}
		put_sessions(c, cl, b, i);
	}
	if (cl->json)
		sb_printf(b, "]}\n");
}

/* `metrics`: the counters of every hosted node in the Prometheus text exposition format
 * (version 0.0.4), one sample per node and counter, labelled by node index and id. */
static void cmd_metrics(ctl *c, sb *b, unsigned lo, unsigned hi)
{
	const char *names[32];
	uint64_t vals[32];
	size_t n;
	themis_counters k;
	themis_ring_info ri;
	char hex[ID_HEXLEN + 1];

	memset(&k, 0, sizeof k);
	counter_list(&k, names, vals, &n);
	for (size_t j = 0; j < n; j++) {
		sb_printf(b, "# HELP themis_%s_total themis_counters.%s of the node (themis.h)\n"
			  "# TYPE themis_%s_total counter\n", names[j], names[j], names[j]);
		for (unsigned i = lo; i < hi; i++) {
			themis_node_counters(host_node(c->h, i), &k);
			counter_list(&k, names, vals, &n);
			sb_printf(b, "themis_%s_total{node=\"%u\",id=\"%s\"} %llu\n", names[j], i,
				  themis_hex(themis_node_id(host_node(c->h, i)), THEMIS_ID_LEN, hex),
				  (unsigned long long)vals[j]);
		}
	}
	sb_printf(b, "# HELP themis_drops_total datagrams dropped, by reason (themis_drop)\n"
		  "# TYPE themis_drops_total counter\n");
	for (unsigned i = lo; i < hi; i++) {
		themis_node_counters(host_node(c->h, i), &k);
		for (int d = 0; d < THEMIS_DROP__COUNT; d++)
			sb_printf(b, "themis_drops_total{node=\"%u\",reason=\"%s\"} %llu\n", i,
				  themis_drop_name((themis_drop)d), (unsigned long long)k.drops[d]);
	}
	static const char *const gauges[][2] = {
		{ "joined", "1 when the node is in a ring" },
		{ "successors", "entries in the successor list" },
		{ "fingers", "distinct finger entries" },
		{ "records", "records held for others" },
		{ "registrations", "objects the node keeps stored itself" },
		{ "sessions", "peers with a live session" },
	};
	for (size_t g = 0; g < sizeof gauges / sizeof gauges[0]; g++) {
		sb_printf(b, "# HELP themis_%s %s\n# TYPE themis_%s gauge\n", gauges[g][0], gauges[g][1],
			  gauges[g][0]);
		for (unsigned i = lo; i < hi; i++) {
			themis_node *nd = host_node(c->h, i);
			uint64_t v = 0;
			themis_node_ring(nd, &ri);
			switch (g) {
			case 0: v = ri.joined != 0; break;
			case 1: v = ri.nsucc; break;
			case 2: v = ri.nfingers; break;
			case 3: v = ri.records; break;
			case 4: v = ri.registrations; break;
			default: {
				static themis_peer_info pi[SESSIONS_MAX];
				size_t np = themis_node_peers(nd, pi, SESSIONS_MAX);
				for (size_t j = 0; j < np; j++)
					v += pi[j].session != 0;
			}
			}
			sb_printf(b, "themis_%s{node=\"%u\"} %llu\n", gauges[g][0], i, (unsigned long long)v);
		}
	}
}

/* The ids this daemon knows: its nodes, their neighbours, fingers and sessions. Returns how
 * many distinct ones start with pfx (lower-case hex), the first in out, and up to 3 of them
 * in amb (for the "ambiguous" message). */
static int match_prefix(ctl *c, const char *pfx, uint8_t out[THEMIS_ID_LEN], char amb[3][ID_HEXLEN + 1])
{
	static themis_peer f[256];
	static themis_peer_info pi[SESSIONS_MAX];
	uint8_t seen[64][THEMIS_ID_LEN];
	int nseen = 0;
	size_t plen = strlen(pfx);

#define CONSIDER(idp) do { \
		const uint8_t *id_ = (idp); char h_[ID_HEXLEN + 1]; int dup_ = 0; \
		themis_hex(id_, THEMIS_ID_LEN, h_); \
		if (strncmp(h_, pfx, plen) == 0) { \
			for (int q_ = 0; q_ < nseen && q_ < 64; q_++) \
				dup_ |= !memcmp(seen[q_], id_, THEMIS_ID_LEN); \
			if (!dup_) { \
				if (nseen == 0) memcpy(out, id_, THEMIS_ID_LEN); \
				if (nseen < 3) memcpy(amb[nseen], h_, sizeof h_); \
				if (nseen < 64) memcpy(seen[nseen], id_, THEMIS_ID_LEN); \
				nseen++; \
			} \
		} \
	} while (0)
	for (unsigned i = 0; i < host_count(c->h); i++) {
		themis_node *n = host_node(c->h, i);
		themis_ring_info ri;
		CONSIDER(themis_node_id(n));
		themis_node_ring(n, &ri);
		if (ri.has_pred)
			CONSIDER(ri.pred.id);
		for (uint32_t j = 0; j < ri.nsucc; j++)
			CONSIDER(ri.succ[j].id);
		size_t nf = themis_node_fingers(n, f, sizeof f / sizeof f[0]);
		for (size_t j = 0; j < nf; j++)
			CONSIDER(f[j].id);
		size_t np = themis_node_peers(n, pi, SESSIONS_MAX);
		for (size_t j = 0; j < np; j++)
			CONSIDER(pi[j].peer.id);
	}
#undef CONSIDER
	return nseen;
}

/* A hex prefix of a known id, as git takes a prefix of a commit id. Returns 0, or -1 with
 * why in err (not hex, unknown, ambiguous). */
static int resolve_prefix(ctl *c, const char *pfx, uint8_t out[THEMIS_ID_LEN], char *err, size_t errlen)
{
	char low[ID_HEXLEN + 1], amb[3][ID_HEXLEN + 1];
	size_t n = strlen(pfx);

	if (n == 0 || n > ID_HEXLEN) {
		snprintf(err, errlen, "usage: %.80s: an id is 1 to 64 hex digits", pfx);
		return -1;
	}
	for (size_t i = 0; i <= n; i++) {
		char ch = pfx[i];
		if (i < n && !((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) {
			snprintf(err, errlen, "usage: %.80s: an id is 1 to 64 hex digits", pfx);
			return -1;
		}
		low[i] = (char)(ch >= 'A' && ch <= 'F' ? ch - 'A' + 'a' : ch);
	}
	if (n == ID_HEXLEN)
		return hex_decode(low, out, THEMIS_ID_LEN);
	int k = match_prefix(c, low, out, amb);
	if (k == 1)
		return 0;
	if (k == 0)
		snprintf(err, errlen, "no id this daemon knows starts with %s (its nodes, neighbours, "
			 "fingers and sessions); give all 64 hex digits", low);
	else
		snprintf(err, errlen, "id prefix %s is ambiguous: %d known ids start with it (%.16s..., "
			 "%.16s...%s); give more digits", low, k, amb[0], amb[1], k > 2 ? ", ..." : "");
	return -1;
}

/* Starts the DHT operation of a command; the reply follows in ctl_on_event. */
static int start_op(ctl *c, client *cl, char *err, size_t errlen)
{
	themis_node *n = host_node(c->h, cl->node);
	uint64_t now = host_now();
	uint8_t target[THEMIS_ID_LEN];
	int64_t op;
	themis_config dc;
	char max_ops_msg[160];

	themis_config_default(&dc);   /* the daemon runs its nodes with the core's defaults */
	snprintf(max_ops_msg, sizeof max_ops_msg, "the node already runs max_ops = %u operations, "
		 "the core's cap; retry when some have finished", dc.max_ops);
	memset(target, 0, sizeof target);
	if (!strcmp(cl->cmd, "join")) {
		themis_peer boot;
		char pfx[ID_HEXLEN + 1];
		const char *spec = cl->arg;
		if (peer_prefix(cl->arg, pfx)) {
			char hex[ID_HEXLEN + 1];
			if (resolve_prefix(c, pfx, target, err, errlen) != 0)
				return -1;
			snprintf(cl->resolved, sizeof cl->resolved, "%s%s",
				 themis_hex(target, THEMIS_ID_LEN, hex), strchr(cl->arg, '@'));
			spec = cl->resolved;
		}
		int rc = host_resolve_peer(spec, &boot, c->path, err, errlen);
		if (rc == -2) {   /* the text itself is wrong: a usage error */
			char tmp[512];
			snprintf(tmp, sizeof tmp, "%s", err);
			snprintf(err, errlen, "usage: %.480s", tmp);
		}
		if (rc != 0)
			return -1;
		host_set_autojoin(c->h, cl->node, 0);   /* this command decides the bootstrap now */
		memcpy(target, boot.id, THEMIS_ID_LEN);
		op = themis_join(n, &boot, now);
	} else if (!strcmp(cl->cmd, "leave")) {
		host_set_autojoin(c->h, cl->node, 0);   /* stay out until told to join again */
		memcpy(target, themis_node_id(n), THEMIS_ID_LEN);
		op = themis_leave(n, now);
	} else if (!strcmp(cl->cmd, "store") || !strcmp(cl->cmd, "find")) {
		themis_obj_id(cl->arg, 0, target);
		op = cl->cmd[0] == 's' ? themis_store(n, target, NULL, now) : themis_find(n, target, now);
	} else if (!strcmp(cl->cmd, "lookup")) {
		if (resolve_prefix(c, cl->arg, target, err, errlen) != 0)
			return -1;
		op = themis_find(n, target, now);
	} else if (!strcmp(cl->cmd, "register")) {
		themis_obj_id(cl->arg, 0, target);
		op = registry_register(c->h, cl->node, cl->arg, now);
	} else if (!strcmp(cl->cmd, "deregister")) {
		themis_obj_id(cl->arg, 0, target);
		op = registry_deregister(c->h, cl->node, cl->arg, now);
		/* not registered again at the next start, whatever becomes of the tombstones */
		if (op > 0 && c->state_dir && regs_forget(c->state_dir, cl->node, cl->arg, err, errlen) != 0)
			log_msg(LOG_WARN, "node %u: deregistered %s, but a restart would register it "
				"again: %s", cl->node, cl->arg, err);
	} else {
		themis_obj_id(cl->arg, 0, target);
		op = themis_discover(n, cl->arg, NULL, now);
	}
	if (op < 0) {
		snprintf(err, errlen, "%s%s: the node refused (%s)", op == THEMIS_EINVAL ? "usage: " : "",
			 cl->cmd, op == THEMIS_ESTATE ? "wrong state: not joined, or already joined" :
			 op == THEMIS_EFULL ? max_ops_msg : "invalid argument");
		return -1;
	}
	themis_hex(target, THEMIS_ID_LEN, cl->target);
	cl->op = op;
	host_flush(c->h, cl->node);
	return 0;
}

static void handle_line(ctl *c, client *cl)
{
	char fmt[8], node[16], cmd[16], err[512];
	sb b = { 0 };
	unsigned lo = 0, hi = host_count(c->h);
	int has_arg;

	cl->arg[0] = 0;
	if (sscanf(cl->line, "%7s %15s %15s", fmt, node, cmd) != 3) {
		reply(cl, 0, "bad request: want \"<json|text> <node|-> <command> [arg]\"", NULL);
		return;
	}
	const char *rest = cl->line;
	for (int word = 0; word < 3; word++) {   /* skip format, node and command */
		while (*rest == ' ')
			rest++;
		while (*rest && *rest != ' ')
			rest++;
	}
	while (*rest == ' ')
		rest++;
	snprintf(cl->arg, sizeof cl->arg, "%s", rest);
	has_arg = cl->arg[0] != 0;
	cl->json = !strcmp(fmt, "json");
	snprintf(cl->cmd, sizeof cl->cmd, "%s", cmd);
	if (strcmp(node, "-") != 0) {
		char *end;
		unsigned long v = strtoul(node, &end, 10);
		if (*end || v >= host_count(c->h)) {
			snprintf(err, sizeof err, "usage: --node %s: this daemon hosts nodes 0..%u", node,
				 host_count(c->h) - 1);
			reply(cl, 0, err, NULL);
			return;
		}
		lo = (unsigned)v;
		hi = lo + 1;
	}
	cl->node = lo;
	log_msg(LOG_INFO, "control: %s (node %u)", cmd, lo);
	if (!strcmp(cmd, "id") || !strcmp(cmd, "status") || !strcmp(cmd, "peers") || !strcmp(cmd, "routes") ||
	    !strcmp(cmd, "metrics")) {
		if (has_arg) {
			snprintf(err, sizeof err, "usage: %s takes no argument", cmd);
			reply(cl, 0, err, NULL);
			return;
		}
		if (!strcmp(cmd, "id"))
			cmd_id(c, cl, &b, lo, hi);
		else if (!strcmp(cmd, "metrics"))
			cmd_metrics(c, &b, lo, hi);
		else if (!strcmp(cmd, "status"))
			cmd_status(c, cl, &b, lo, hi);
		else
			cmd_peers(c, cl, &b, lo, hi, cmd[0] == 'r');
		reply(cl, 1, NULL, &b);
		sb_free(&b);
		return;
	}
	if (!strcmp(cmd, "leave") ? has_arg :
	    !(strcmp(cmd, "join") && strcmp(cmd, "store") && strcmp(cmd, "find") &&
	      strcmp(cmd, "lookup") && strcmp(cmd, "register") && strcmp(cmd, "deregister") &&
	      strcmp(cmd, "discover")) ? !has_arg : 1) {
		snprintf(err, sizeof err, "usage: unknown command or wrong arguments: %.200s", cl->line);
		reply(cl, 0, err, NULL);
		return;
	}
	if (start_op(c, cl, err, sizeof err) != 0)
		reply(cl, 0, err, NULL);
}

static void on_client(void *ctx, int fd, uint32_t events)
{
	client *cl = ctx;
	ssize_t n;

	if (cl->out.len) {   /* replying: only the client's reading matters */
		if (events & (EPOLLERR | EPOLLHUP))
			client_close(cl);
		else
			client_write(cl);
		return;
	}
	if ((events & (EPOLLERR | EPOLLHUP)) && !(events & EPOLLIN)) {
		client_close(cl);   /* gone; an operation it started still runs to its end */
		return;
	}
	if (cl->requested) {
		/* one request per connection: drain and ignore anything after it, and hear of
		 * the end of its input without waking again for it */
		char junk[256];
		n = read(fd, junk, sizeof junk);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			cl->eof = 1;
			host_watch_events(cl->c->h, fd, 0);   /* wait for the reply; HUP still heard */
		}
		return;
	}
	n = read(fd, cl->line + cl->len, sizeof cl->line - 1 - cl->len);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_close(cl);   /* it ended before a whole request line */
		return;
	}
	cl->len += (size_t)n;
	cl->line[cl->len] = 0;
	char *nl = memchr(cl->line, '\n', cl->len);
	size_t upto = nl ? (size_t)(nl - cl->line) : cl->len;
	if (memchr(cl->line, 0, upto)) {
		reply(cl, 0, "bad request: a NUL byte in the request line", NULL);
		return;
	}
	if (!nl) {
		if (cl->len >= sizeof cl->line - 1)
			reply(cl, 0, "request line too long (the cap is 1023 bytes)", NULL);
		return;
	}
	*nl = 0;
	if (nl > cl->line && nl[-1] == '\r')
		nl[-1] = 0;
	if (!sb_utf8_valid(cl->line, strlen(cl->line))) {
		reply(cl, 0, "bad request: the request line is not UTF-8", NULL);
		return;
	}
	cl->requested = 1;
	handle_line(cl->c, cl);
}

static void pause_accept(ctl *c, int err)
{
	log_msg(LOG_WARN, "control: cannot accept a connection: %s; the control socket rests for "
		"1 s", strerror(err));
	c->accept_paused = 1;
	c->accept_resume = host_now() + SEC;
	host_watch_events(c->h, c->fd, 0);
}

/* Every second: clients past their deadline are dropped, and a resting listener wakes. */
static void on_tick(void *ctx, int fd, uint32_t events)
{
	ctl *c = ctx;
	uint64_t ticks, now = host_now();
	client *next;

	(void)events;
	if (read(fd, &ticks, sizeof ticks) < 0 && errno != EAGAIN)
		return;
	for (client *cl = c->clients; cl; cl = next) {
		next = cl->next;
		if (cl->op > 0 || now < cl->deadline)
			continue;   /* a client waiting for its operation is bounded by the operation */
		if (cl->out.len) {
			log_msg(LOG_INFO, "control: dropped a client that read nothing of its %s reply "
				"for %d s", cl->cmd[0] ? cl->cmd : "", WRITE_TIMEOUT_S);
			client_close(cl);
		} else if (!cl->requested) {
			reply(cl, 0, "no request line within 10 s", NULL);
		}
	}
	if (c->accept_paused && now >= c->accept_resume) {
		c->accept_paused = 0;
		host_watch_events(c->h, c->fd, EPOLLIN);
	}
}

static void on_accept(void *ctx, int fd, uint32_t events)
{
	ctl *c = ctx;
	(void)events;
	for (;;) {
		int cfd = accept(fd, NULL, NULL);
		client *cl;
		if (cfd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				pause_accept(c, errno);
			return;
		}
		/* accept4 is a GNU extension; two fcntl calls do the same under POSIX */
		fcntl(cfd, F_SETFL, O_NONBLOCK);
		fcntl(cfd, F_SETFD, FD_CLOEXEC);
		if (c->nclients >= MAX_CLIENTS) {
			static const char full[] = "ERR too many control connections (the cap is 64); "
						   "retry when one has finished\n";
			if (send(cfd, full, sizeof full - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
				log_msg(LOG_DEBUG, "control: %s", strerror(errno));
			close(cfd);
			continue;
		}
		cl = calloc(1, sizeof *cl);
		if (!cl || host_watch(c->h, cfd, on_client, cl) != 0) {
			free(cl);
			close(cfd);
			continue;
		}
		cl->fd = cfd;
		cl->c = c;
		cl->deadline = host_now() + REQUEST_TIMEOUT_S * SEC;
		cl->next = c->clients;
		c->clients = cl;
		c->nclients++;
	}
}

const char *ctl_target(const ctl *c, unsigned idx, uint64_t op_id)
{
	for (const client *cl = c ? c->clients : NULL; cl; cl = cl->next)
		if (cl->op > 0 && cl->node == idx && (uint64_t)cl->op == op_id)
			return cl->target;
	return NULL;
}

static void op_body(client *cl, sb *b, const themis_event *ev)
{
	double ms = (double)(ev->t_end_ns - ev->t_start_ns) / 1e6;
	int lookup = !strcmp(cl->cmd, "lookup");

	if (cl->json) {
		sb_printf(b, "{\"op\":\"%s\",\"ok\":%s,\"node\":%u,\"target\":\"%s\",\"arg\":", cl->cmd,
			  ev->ok ? "true" : "false", cl->node, cl->target);
		sb_json_str(b, cl->arg);
		sb_printf(b, ",\"hops\":%u,\"msgs\":%u,\"rtt_ms\":%.3f,\"owner\":", ev->hops, ev->msgs, ms);
		if (ev->owner.addr.family)
			json_peer(b, &ev->owner);
		else
			sb_printf(b, "null");   /* leave and register end at no single owner */
		sb_printf(b, ",\"records\":[");
		for (unsigned i = 0; i < ev->nrec; i++) {
			sb_printf(b, "%s{\"node\":", i ? "," : "");
			json_peer(b, &ev->rec[i].node);
			sb_printf(b, ",\"tag\":");
			sb_json_str(b, ev->rec[i].tag);
			sb_printf(b, "}");
		}
		sb_printf(b, "],\"more\":%s,\"chosen\":", ev->more ? "true" : "false");
		if (ev->op == THEMIS_OP_DISCOVER && ev->chosen >= 0 && ev->chosen < ev->nrec)
			json_peer(b, &ev->rec[ev->chosen].node);
		else
			sb_printf(b, "null");
		if (lookup) {
			sb_printf(b, ",\"trace\":[");
			for (unsigned i = 0; i < cl->nhop; i++) {
				const themis_event *h = &cl->hop[i];
				sb_printf(b, "%s{\"hop\":%u,\"node\":", i ? "," : "", h->hops);
				json_peer(b, &h->owner);
				sb_printf(b, ",\"progress\":%s,\"rtt_ms\":%.3f}", h->ok ? "true" : "false",
					  (double)(h->t_end_ns - h->t_start_ns) / 1e6);
			}
			sb_printf(b, "]");
		}
		sb_printf(b, "}\n");
		return;
	}
	sb_printf(b, "op %s %s\ntarget %s\n", cl->cmd, ev->ok ? "ok" : "failed", cl->target);
	if (lookup) {
		sb_printf(b, "trace from node %u\n%-4s %-64s %-22s %-8s %s\n", cl->node, "hop", "id",
			  "address", "progress", "rtt_ms");
		for (unsigned i = 0; i < cl->nhop; i++) {
			const themis_event *h = &cl->hop[i];
			char hex[ID_HEXLEN + 1], a[ADDR_STRLEN];
			sb_printf(b, "%-4u %-64s %-22s %-8s %.3f\n", h->hops,
				  themis_hex(h->owner.id, THEMIS_ID_LEN, hex), addr_format(&h->owner.addr, a),
				  h->ok ? "yes" : "no", (double)(h->t_end_ns - h->t_start_ns) / 1e6);
		}
		sb_printf(b, "total %u hop(s), %u request(s), %.3f ms; owner ", ev->hops, ev->msgs, ms);
		text_peer(b, &ev->owner);
		sb_printf(b, "\n");
		return;
	}
	if (ev->owner.addr.family) {
		sb_printf(b, "owner ");
		text_peer(b, &ev->owner);
		sb_printf(b, "\n");
	}
	sb_printf(b, "hops %u\nmsgs %u\nrtt_ms %.3f\nrecords %u%s\n", ev->hops, ev->msgs, ms, ev->nrec,
		  ev->more ? " (more held)" : "");
	for (unsigned i = 0; i < ev->nrec; i++) {
		sb_printf(b, "record ");
		text_peer(b, &ev->rec[i].node);
		sb_printf(b, "%s%s\n", ev->rec[i].tag[0] ? " tag=" : "", ev->rec[i].tag);
	}
	if (ev->op == THEMIS_OP_DISCOVER && ev->chosen >= 0 && ev->chosen < ev->nrec) {
		sb_printf(b, "chosen ");
		text_peer(b, &ev->rec[ev->chosen].node);
		sb_printf(b, "\n");
	}
}

void ctl_on_event(ctl *c, unsigned idx, const themis_event *ev)
{
	char msg[256];

	if (c && ev->kind == THEMIS_EV_LOOKUP_HOP) {
		for (client *cl = c->clients; cl; cl = cl->next)
			if (cl->op > 0 && cl->node == idx && (uint64_t)cl->op == ev->op_id &&
			    cl->nhop < TRACE_MAX &&
			    (cl->hop || (cl->hop = malloc(TRACE_MAX * sizeof *cl->hop)) != NULL))
				cl->hop[cl->nhop++] = *ev;
		return;
	}
	if (!c || ev->kind != THEMIS_EV_OP_DONE)
		return;
	for (client *cl = c->clients; cl; cl = cl->next) {
		if (cl->op <= 0 || cl->node != idx || (uint64_t)cl->op != ev->op_id)
			continue;
		sb b = { 0 };
		if (ev->op == THEMIS_OP_REGISTER && ev->ok && c->state_dir &&
		    regs_keep(c->state_dir, idx, cl->arg, msg, sizeof msg) != 0)
			log_msg(LOG_WARN, "node %u: registered %s, but a restart will not register it "
				"again: %s", idx, cl->arg, msg);
		op_body(cl, &b, ev);
		if (ev->refused == THEMIS_REFUSED_FULL)
			snprintf(msg, sizeof msg, "%s %.80s failed: the owner's record table is at a cap "
				 "(max_records, max_per_obj or max_per_storer)", cl->cmd, cl->arg);
		else if (ev->refused == THEMIS_REFUSED_BAD)
			snprintf(msg, sizeof msg, "%s %.80s failed: the owner refused the record as not "
				 "genuine (signature or form)", cl->cmd, cl->arg);
		else
			snprintf(msg, sizeof msg, "%s %.80s failed", cl->cmd, cl->arg);
		reply(cl, ev->ok, msg, &b);
		sb_free(&b);
		return;
	}
}

ctl *ctl_new(host *h, const char *path, const char *network, int security, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	ctl *c;
	char *probe = NULL;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(err, errlen, "--control %s: path too long for a unix socket", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	/* A stale socket file from a killed daemon is replaced; a live daemon's is not. */
	if (ctlc_call(path, "text - id", &probe, 500) == 0) {
		free(probe);
		snprintf(err, errlen, "--control %s: another daemon is already answering there; "
			 "stop it or give another --control", path);
		return NULL;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->h = h;
	c->tfd = -1;
	c->security = security;
	c->started = host_now();
	snprintf(c->network, sizeof c->network, "%s", network);
	c->path = strdup(path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!c->path || c->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		goto fail;
	}
	unlink(path);
	mode_t old = umask(077);   /* the socket file is born 0600: no window with a wider mode */
	int rc = bind(c->fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (rc != 0 || listen(c->fd, 64) != 0) {
		snprintf(err, errlen, "--control %s: cannot listen: %s", path, strerror(errno));
		goto fail;
	}
	chmod(path, 0600);
	if (host_watch(h, c->fd, on_accept, c) != 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto fail;
	}
	struct itimerspec its = { .it_interval = { .tv_sec = 1 }, .it_value = { .tv_sec = 1 } };
	c->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (c->tfd < 0 || timerfd_settime(c->tfd, 0, &its, NULL) != 0 ||
	    host_watch(h, c->tfd, on_tick, c) != 0) {
		snprintf(err, errlen, "timerfd: %s", strerror(errno));
		host_unwatch(h, c->fd);
		goto fail;
	}
	return c;
fail:
	if (c->tfd >= 0)
		close(c->tfd);
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return NULL;
}

void ctl_set_state_dir(ctl *c, const char *dir)
{
	free(c->state_dir);
	c->state_dir = dir ? strdup(dir) : NULL;
}

void ctl_del(ctl *c)
{
	if (!c)
		return;
	/* a last word to each client that has not had its reply; none is waited for */
	while (c->clients) {
		client *cl = c->clients;
		static const char bye[] = "ERR daemon shutting down\n";
		if (!cl->out.len && send(cl->fd, bye, sizeof bye - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
			log_msg(LOG_DEBUG, "control: %s", strerror(errno));
		client_close(cl);
	}
	host_unwatch(c->h, c->fd);
	close(c->fd);
	host_unwatch(c->h, c->tfd);
	close(c->tfd);
	unlink(c->path);
	free(c->path);
	free(c->state_dir);
	free(c);
}
