/* node.c: the public face of the core (themis.h): node creation, dispatch of each datagram by
 * packet type, the outbox, the event ring, counters, and the hand-over of what the secure
 * channel (core/channel/) authenticated to the DHT (core/dht/). With timers.c and prefetch.c
 * the only files that see both layers; it never reads a clock or a random source of its own
 * (time and cfg.rand come from the driver).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "node.h"
#include "req.h"
#include "ops.h"
#include "dht.h"
#include "heal.h"
#include "replica.h"
#include "publish.h"

void themis_config_default(themis_config *c)
{
	memset(c, 0, sizeof *c);
#define CONFIG_DEFAULT(type, name, def, min, max) c->name = (type)(def);
	THEMIS_CONFIG_FIELDS(CONFIG_DEFAULT)
#undef CONFIG_DEFAULT
}

static const char *const drop_names[THEMIS_DROP__COUNT] = {
	[THEMIS_DROP_MALFORMED] = "malformed",
	[THEMIS_DROP_WRONG_NETWORK] = "wrong_network",
	[THEMIS_DROP_WRONG_RECIPIENT] = "wrong_recipient",
	[THEMIS_DROP_BAD_SIG] = "bad_sig",
	[THEMIS_DROP_BAD_KEY] = "bad_key",
	[THEMIS_DROP_BAD_MAC] = "bad_mac",
	[THEMIS_DROP_REPLAY] = "replay",
	[THEMIS_DROP_RATE_LIMITED] = "rate_limited",
	[THEMIS_DROP_TABLE_FULL] = "table_full",
	[THEMIS_DROP_UNKNOWN_SESSION] = "unknown_session",
	[THEMIS_DROP_UNEXPECTED] = "unexpected",
};

const char *themis_drop_name(themis_drop reason)
{
	return (unsigned)reason < THEMIS_DROP__COUNT ? drop_names[reason] : "unknown";
}

/* The table's limits that name the core's own: the nonce counter's and the successor list's. */
_Static_assert(UINT64_C(1) << 62 == CHAN_CTR_LIMIT, "rekey_after_msgs' maximum is CHAN_CTR_LIMIT");
_Static_assert(16 == RING_MAX_SUCC, "succ_len's maximum is RING_MAX_SUCC");

/* A function, not an expression in the macro: for a field whose type cannot go below min or
 * above max the comparison would be always false (-Wtype-limits). */
static int in_range(uint64_t v, uint64_t min, uint64_t max)
{
	return v >= min && v <= max;
}

static int config_valid(const themis_config *c)
{
	if (!c->network || !c->rand)
		return 0;
#define CONFIG_CHECK(type, name, def, min, max) \
	if (!in_range((uint64_t)c->name, (min), (max))) \
		return 0;
	THEMIS_CONFIG_FIELDS(CONFIG_CHECK)
#undef CONFIG_CHECK
	if (c->replay_window % 64 != 0)
		return 0;
	if ((uint64_t)c->max_sessions + c->max_halfopen > SLOT_MASK + 1u)
		return 0;
	return 1;
}

int themis_node_new(themis_node **out, const themis_config *cfg)
{
	themis_node *n;
	uint8_t seed[32];

	*out = NULL;
	if (!cfg || !config_valid(cfg))
		return THEMIS_EINVAL;
	if (cr_init() != 0)
		return THEMIS_ENOMEM;
	/* plain malloc, not aligned_alloc: at a million nodes its padding cost 115 MB */
	n = malloc(sizeof *n);
	if (!n)
		return THEMIS_ENOMEM;
	memset(n, 0, sizeof *n);
	n->cfg = (node_cfg){
		.rand = cfg->rand,
		.rand_ctx = cfg->rand_ctx,
		.self = cfg->self,
		.replay_window = cfg->replay_window,
		.rekey_after_msgs = cfg->rekey_after_msgs,
		.rekey_after_ns = cfg->rekey_after_ns,
		.session_grace_ns = cfg->session_grace_ns,
		.session_idle_ns = cfg->session_idle_ns,
		.hs_retry_ns = cfg->hs_retry_ns,
		.halfopen_ttl_ns = cfg->halfopen_ttl_ns,
		.ttl_ns = cfg->ttl_ns,
		.hs_attempts = cfg->hs_attempts,
		.hello_rate = cfg->hello_rate,
		.hello_burst = cfg->hello_burst,
		.req_attempts = cfg->req_attempts,
		.max_sessions = cfg->max_sessions,
		.max_halfopen = cfg->max_halfopen,
		.hello_cache = cfg->hello_cache,
		.ratelimit_slots = cfg->ratelimit_slots,
		.queue_per_peer = cfg->queue_per_peer,
		.k = cfg->k,
		.succ_len = cfg->succ_len,
		.max_fingers = cfg->max_fingers,
		.max_ops = cfg->max_ops,
		.max_records = cfg->max_records,
		.max_records_per_obj = cfg->max_records_per_obj,
		.max_records_per_storer = cfg->max_records_per_storer,
		.max_registrations = cfg->max_registrations,
		.verified_cache = cfg->verified_cache,
		.signed_records = cfg->signed_records,
		.replicate = cfg->replicate,
	};
	n->hot = (node_hot_cfg){
		.send = cfg->send,
		.send_ctx = cfg->send_ctx,
		.req_timeout_ns = cfg->req_timeout_ns,
		.stabilize_ns = cfg->stabilize_ns,
		.fix_fingers_ns = cfg->fix_fingers_ns,
		.check_pred_ns = cfg->check_pred_ns,
		.m = cfg->m,
		.security = cfg->security,
		.max_peers = cfg->max_peers,
		.max_pending = cfg->max_pending,
		.outbox_cap = cfg->outbox_cap,
		.event_cap = cfg->event_cap,
		.lookup_max_hops = cfg->lookup_max_hops,
		.trace_lookups = cfg->trace_lookups,
	};
	memcpy(seed, cfg->seed, 32);   /* the seed lives on only inside self.sk */
	cr_sign_keypair(n->self.pk, n->self.sk, seed);
	cr_wipe(seed, sizeof seed);
	themis_net_hash(cfg->network, n->self.net);
	themis_id_from_pk(n->self.pk, n->self.net, n->self.id);
	if (dht_init(n) != 0) {
		themis_node_del(n);
		return THEMIS_ENOMEM;
	}
	*out = n;
	return 0;
}

void themis_node_del(themis_node *n)
{
	if (!n)
		return;
	ops_free_all(n);
	pending_free_all(n);
	peers_free_all(n);
	dht_free(n);
	rep_free(n);
	heal_free(n);
	for (uint32_t i = 0; i < n->out_len; i++) {
		outpkt *o = &n->out[(n->out_head + i) % n->out_alloc];
		cr_wipe(o->data, o->len);
		free(o->data);
	}
	free(n->out);
	free(n->ev);
	free(n->hello_cache);
	free(n->rl);
	cr_wipe(n, sizeof *n);
	free(n);
}

const uint8_t *themis_node_id(const themis_node *n) { return n->self.id; }
const uint8_t *themis_node_pk(const themis_node *n) { return n->self.pk; }
const uint8_t *themis_node_net(const themis_node *n) { return n->self.net; }

void themis_node_counters(const themis_node *n, themis_counters *out)
{
	*out = n->cnt;
}

const themis_counters *themis_node_counters_ref(const themis_node *n)
{
	return &n->cnt;
}

void node_rand(themis_node *n, void *buf, size_t len)
{
	n->cfg.rand(n->cfg.rand_ctx, buf, len);
}

uint64_t node_rand64(themis_node *n)
{
	uint8_t b[8];
	node_rand(n, b, sizeof b);
	return be64_get(b);
}

void node_drop(themis_node *n, themis_drop reason)
{
	n->cnt.drops[reason]++;
}

int node_grow(void **arr, uint32_t *alloc, uint32_t need, uint32_t cap, size_t elem)
{
	uint32_t nalloc;
	void *p;

	if (need <= *alloc)
		return 0;
	if (need > cap)
		return -1;
	nalloc = *alloc ? *alloc : 4;
	while (nalloc < need)
		nalloc *= 2;
	if (nalloc > cap)
		nalloc = cap;
	p = realloc(*arr, (size_t)nalloc * elem);
	if (!p)
		return -1;
	memset((uint8_t *)p + (size_t)*alloc * elem, 0, (size_t)(nalloc - *alloc) * elem);
	*arr = p;
	*alloc = nalloc;
	return 0;
}

/* Rings (outbox, events) grow only while empty slots are contiguous: when the ring is full
 * and can grow, it is unrolled into a fresh array first. An empty ring gets first slots. */
static int ring_make_room(void **arr, uint32_t *head, uint32_t len, uint32_t *alloc,
			  uint32_t cap, size_t elem, uint32_t first)
{
	uint8_t *p;
	uint32_t nalloc;

	if (len < *alloc)
		return 0;
	if (*alloc >= cap)
		return -1;
	nalloc = *alloc ? *alloc * 2 : first;
	if (nalloc > cap)
		nalloc = cap;
	p = calloc(nalloc, elem);
	if (!p)
		return -1;
	for (uint32_t i = 0; i < len; i++)
		memcpy(p + (size_t)i * elem, (uint8_t *)*arr + (size_t)((*head + i) % *alloc) * elem, elem);
	free(*arr);
	*arr = p;
	*head = 0;
	*alloc = nalloc;
	return 0;
}

void node_output(themis_node *n, const themis_addr *to, const uint8_t *pkt, size_t len)
{
	outpkt *o;
	uint8_t *copy;

	if (n->hot.send) {
		n->cnt.pkts_out++;
		n->cnt.bytes_out += len;
		n->hot.send(n->hot.send_ctx, to, pkt, len);
		return;
	}
	if (ring_make_room((void **)&n->out, &n->out_head, n->out_len, &n->out_alloc,
			   n->hot.outbox_cap, sizeof *n->out, 4) != 0) {
		n->cnt.out_dropped++;   /* the driver is not draining: like a full socket buffer */
		return;
	}
	copy = malloc(len);
	if (!copy)
		return;
	memcpy(copy, pkt, len);
	o = &n->out[(n->out_head + n->out_len) % n->out_alloc];
	o->to = *to;
	o->len = (uint16_t)len;
	o->data = copy;
	n->out_len++;
	n->cnt.pkts_out++;
	n->cnt.bytes_out += len;
}

void node_emit(themis_node *n, const themis_event *ev)
{
	if (ring_make_room((void **)&n->ev, &n->ev_head, n->ev_len, &n->ev_alloc,
			   n->hot.event_cap, sizeof *n->ev, 1) != 0) {
		n->cnt.events_dropped++;
		return;
	}
	n->ev[(n->ev_head + n->ev_len) % n->ev_alloc] = *ev;
	n->ev_len++;
}

int themis_node_poll_send(themis_node *n, themis_addr *to, uint8_t *buf, size_t cap)
{
	outpkt *o;
	int len;

	if (n->out_len == 0)
		return 0;
	o = &n->out[n->out_head];
	if (o->len > cap)
		return THEMIS_ESIZE;
	memcpy(buf, o->data, o->len);
	*to = o->to;
	len = o->len;
	cr_wipe(o->data, o->len);
	free(o->data);
	o->data = NULL;
	n->out_head = (n->out_head + 1) % n->out_alloc;
	n->out_len--;
	return len;
}

int themis_node_poll_event(themis_node *n, themis_event *ev)
{
	if (n->ev_len == 0)
		return 0;
	*ev = n->ev[n->ev_head];
	n->ev_head = (n->ev_head + 1) % n->ev_alloc;
	n->ev_len--;
	/* An event is large (its records) and most nodes see one now and then: give the ring
	 * back once drained, so a million simulated nodes do not each keep a few kilobytes. */
	if (n->ev_len == 0) {
		free(n->ev);
		n->ev = NULL;
		n->ev_head = 0;
		n->ev_alloc = 0;
	}
	return 1;
}

void themis_node_recv(themis_node *n, const themis_addr *from, const uint8_t *pkt, size_t len,
		      uint64_t now)
{
	int type;

	n->cnt.pkts_in++;
	n->cnt.bytes_in += len;
	/* docs/protocol.md, Packet header: version, type, reserved and length before any crypto. */
	type = wire_packet_type(pkt, len);
	if (type < 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	/* Security on accepts only the secure packets; off accepts only PLAIN (docs/protocol.md). */
	if ((type == PKT_PLAIN) == (n->hot.security != 0)) {
		node_drop(n, THEMIS_DROP_UNEXPECTED);
		return;
	}
	switch (type) {
	case PKT_HELLO:
		peer_recv_hello(n, from, pkt, len, now);
		break;
	case PKT_REPLY:
		peer_recv_reply(n, from, pkt, len, now);
		break;
	case PKT_CONFIRM:
		peer_recv_confirm(n, from, pkt, len, now);
		break;
	case PKT_DATA:
		peer_recv_data(n, from, pkt, len, now);
		break;
	default:
		peer_recv_plain(n, from, pkt, len, now);
		break;
	}
}

/* ---- between the layers ---------------------------------------------------------------------
 * The secure channel (core/channel/) never names the layer above it: what it authenticated,
 * and its verdict that a peer cannot be reached, come here and go up to the DHT
 * (core/dht/: ops.c dispatches frames, req.c fails the requests waiting on the peer). */

void node_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now)
{
	ops_on_frame(n, p, frame, flen, now);
}

void node_peer_unreachable(themis_node *n, peer *p, uint64_t now)
{
	ops_peer_unreachable(n, p, now);
}
