/* themis.h: the one public header of libthemis, the sans-I/O THEMIS protocol core.
 *
 * The core never reads a clock, an OS random source, a socket or a file. A driver (the
 * simulator in sim/, the daemon in net/) feeds it datagrams and time, and pulls out what it
 * wants sent, the events it produced, and when it next wants to be woken:
 *
 *     themis_node_recv(node, &from, pkt, len, now);      -- a datagram arrived
 *     themis_node_on_timeout(node, now);                 -- now >= themis_node_next_deadline()
 *     themis_ping(node, &peer, now);                     -- an operation; returns its op id
 *     while ((n = themis_node_poll_send(node, &to, buf, sizeof buf)) > 0) send(to, buf, n);
 *     while (themis_node_poll_event(node, &ev)) handle(&ev);
 *     sleep_until(themis_node_next_deadline(node));
 *
 * Time is uint64_t nanoseconds on any monotonic scale the caller likes. Randomness comes from
 * the config's rand callback. Bad input from the network is never an error: it is dropped and
 * counted (themis_node_counters). Functions that can fail return a negative THEMIS_E* code.
 */
#ifndef THEMIS_H
#define THEMIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define THEMIS_VERSION "0.1.0"

enum {
	THEMIS_ID_LEN = 32,     /* id, net, object ids: BLAKE2b-256 */
	THEMIS_PK_LEN = 32,     /* Ed25519 public key */
	THEMIS_SEED_LEN = 32,   /* Ed25519 seed: the whole secret of an identity */
	THEMIS_MAX_PACKET = 1232, /* largest datagram the core emits or accepts (docs/protocol.md, DATA) */
};

/* Error codes (negative). Anything >= 0 is success. */
enum {
	THEMIS_EINVAL = -1,   /* bad argument or config value */
	THEMIS_ENOMEM = -2,   /* allocation failed */
	THEMIS_EFULL = -3,    /* a configured capacity is reached */
	THEMIS_ESIZE = -4,    /* buffer too small or message too large */
	THEMIS_ESTATE = -5,   /* operation not allowed in the current state */
};

/* A locator: IPv4 (family 4, addr[0..4)) or IPv6 (family 6), port in host order. In the
 * simulator, addresses are virtual (10.x.y.z). */
typedef struct themis_addr {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
} themis_addr;

/* Fill buf with len random bytes. Called only from inside core calls. */
typedef void (*themis_rand_fn)(void *ctx, uint8_t *buf, size_t len);
/* Take one datagram for `to` now; pkt is valid only during the call. Called only from inside
 * core calls, in the order poll_send would have returned the datagrams. */
typedef void (*themis_send_fn)(void *ctx, const themis_addr *to, const uint8_t *pkt, size_t len);

/* Every tunable field of themis_config, once: X(type, name, default, min, max). The struct
 * below, themis_config_default and the range checks of themis_node_new all follow from this
 * table, so a new field is one line here (and, if the node reads it after creation, a copy in
 * the node's own config: core/node.h). A value outside [min, max] makes themis_node_new fail;
 * a few checks relate fields or need more than a range (replay_window a multiple of 64,
 * max_sessions + max_halfopen within the slot index) and are written out in core/node.c.
 * THEMIS_NS_S is a second in nanoseconds; THEMIS_CFG_CAP the largest table capacity. */
#define THEMIS_NS_S UINT64_C(1000000000)
#define THEMIS_CFG_CAP (UINT64_C(1) << 20)
#define THEMIS_CONFIG_FIELDS(X)                                                                  \
	/* ring bits, 8..256 */                                                                   \
	X(unsigned, m, 256, 8, 256)                                                               \
	/* 1: handshake + DATA; 0: PLAIN ("vanilla" baseline) */                                  \
	X(int, security, 1, 0, UINT64_MAX)                                                        \
	/* ---- channel ---- */                                                                   \
	/* W in bits, multiple of 64 or 0 (strict) */                                             \
	X(uint32_t, replay_window, 2048, 0, THEMIS_CFG_CAP)                                        \
	/* rekey from 7/8 of this send counter; never send past it (at most 2^62, the nonce      \
	 * counter's limit) */                                                                    \
	X(uint64_t, rekey_after_msgs, UINT64_C(1) << 60, 16, UINT64_C(1) << 62)                   \
	/* rekey a session this old (its responder: 1.25x); the session dies at 1.5x */           \
	X(uint64_t, rekey_after_ns, 120 * THEMIS_NS_S, 1, UINT64_MAX)                              \
	/* a replaced session still accepts for this long */                                     \
	X(uint64_t, session_grace_ns, 5 * THEMIS_NS_S, 0, UINT64_MAX)                              \
	/* a session unused this long is forgotten */                                            \
	X(uint64_t, session_idle_ns, 180 * THEMIS_NS_S, 1, UINT64_MAX)                             \
	/* ---- handshake ---- */                                                                 \
	/* initiator resends a fresh HELLO after this long */                                    \
	X(uint64_t, hs_retry_ns, THEMIS_NS_S, 1, UINT64_MAX)                                       \
	/* ... at most this many HELLOs before giving up */                                      \
	X(uint32_t, hs_attempts, 5, 1, THEMIS_CFG_CAP)                                             \
	/* responder forgets a half-open slot after this long */                                 \
	X(uint64_t, halfopen_ttl_ns, 10 * THEMIS_NS_S, 1, UINT64_MAX)                              \
	/* HELLOs per second accepted from one source address */                                 \
	X(uint32_t, hello_rate, 20, 1, 1000000)                                                   \
	/* token bucket depth for the same */                                                    \
	X(uint32_t, hello_burst, 40, 1, UINT64_MAX)                                               \
	/* ---- requests ---- */                                                                  \
	/* a request is retransmitted after this long */                                         \
	X(uint64_t, req_timeout_ns, THEMIS_NS_S, 1, UINT64_MAX)                                    \
	/* ... at most this many sends before the op fails */                                    \
	X(uint32_t, req_attempts, 3, 1, THEMIS_CFG_CAP)                                            \
	/* ---- capacities: tables grow on demand up to these and never beyond ---- */            \
	/* peers with sessions or handshakes in progress */                                      \
	X(uint32_t, max_peers, 1024, 1, THEMIS_CFG_CAP)                                            \
	/* live sessions (all peers) */                                                          \
	X(uint32_t, max_sessions, 1024, 1, THEMIS_CFG_CAP)                                         \
	/* responder half-open handshakes */                                                     \
	X(uint32_t, max_halfopen, 256, 1, THEMIS_CFG_CAP)                                          \
	/* recent HELLOs remembered to drop replays */                                           \
	X(uint32_t, hello_cache, 1024, 1, THEMIS_CFG_CAP)                                          \
	/* source addresses tracked by the HELLO rate limit */                                   \
	X(uint32_t, ratelimit_slots, 256, 1, THEMIS_CFG_CAP)                                       \
	/* requests awaiting a response */                                                       \
	X(uint32_t, max_pending, 1024, 1, THEMIS_CFG_CAP)                                          \
	/* frames queued while a handshake to that peer completes */                             \
	X(uint32_t, queue_per_peer, 16, 1, THEMIS_CFG_CAP)                                         \
	/* datagrams waiting for poll_send */                                                    \
	X(uint32_t, outbox_cap, 256, 1, THEMIS_CFG_CAP)                                            \
	/* events waiting for poll_event */                                                      \
	X(uint32_t, event_cap, 256, 1, THEMIS_CFG_CAP)                                             \
	/* ---- the DHT (paper, section 6) ---- */                                                \
	/* redundancy: a name is stored under k + 1 object ids (k + 1 replica indexes fit the    \
	 * u8 of the object id and discover's bit set) */                                        \
	X(uint32_t, k, 2, 0, 31)                                                                  \
	/* freshness t: a record expires unless refreshed; the storer refreshes at t / 2 */      \
	X(uint64_t, ttl_ns, 60 * THEMIS_NS_S, 1, UINT64_MAX)                                       \
	/* r: successor list length (1 = the paper's single successor) */                        \
	X(uint32_t, succ_len, 4, 1, 16)                                                           \
	/* period of update (stabilize + notify); 0: none */                                     \
	X(uint64_t, stabilize_ns, THEMIS_NS_S, 0, UINT64_MAX)                                      \
	/* period of refreshing one finger; 0: none */                                           \
	X(uint64_t, fix_fingers_ns, THEMIS_NS_S / 2, 0, UINT64_MAX)                                \
	/* period of the predecessor liveness check; 0: none */                                  \
	X(uint64_t, check_pred_ns, 2 * THEMIS_NS_S, 0, UINT64_MAX)                                 \
	/* distinct finger entries kept */                                                       \
	X(uint32_t, max_fingers, 64, 1, THEMIS_CFG_CAP)                                            \
	/* a find gives up after this many hops */                                               \
	X(uint32_t, lookup_max_hops, 64, 1, THEMIS_CFG_CAP)                                        \
	/* operations in progress (finds, stores, joins, ...) */                                 \
	X(uint32_t, max_ops, 256, 1, THEMIS_CFG_CAP)                                               \
	/* records this node keeps for others, in total */                                       \
	X(uint32_t, max_records, 4096, 1, THEMIS_CFG_CAP)                                          \
	X(uint32_t, max_records_per_obj, 64, 1, THEMIS_CFG_CAP)                                    \
	X(uint32_t, max_records_per_storer, 64, 1, THEMIS_CFG_CAP)                                 \
	/* objects this node stores itself and keeps refreshing */                               \
	X(uint32_t, max_registrations, 64, 1, THEMIS_CFG_CAP)                                      \
	/* digests of records whose signature verified here, so that the same record received    \
	 * again costs a hash, not a verification (0: verify every time) */                      \
	X(uint32_t, verified_cache, 4096, 0, UINT64_MAX)                                          \
	/* 1: records signed by their storer (docs/protocol.md); 0: the paper's unsigned mode (for    \
	 * attack runs) */                                                                       \
	X(int, signed_records, 1, 0, UINT64_MAX)                                                  \
	/* 1: every record also held by its owner's succ_len successors, so a silent failure     \
	 * loses no copy (docs/dht.md, successor-list replication); 0: the paper's single copy */ \
	X(int, replicate, 1, 0, UINT64_MAX)                                                       \
	/* 1: a LOOKUP_HOP event for every hop (`themis lookup --trace`) */                      \
	X(int, trace_lookups, 0, 0, UINT64_MAX)

typedef struct themis_config {
	const char *network;        /* network name; hashed into net (docs/protocol.md, Names) */
	uint8_t seed[THEMIS_SEED_LEN]; /* the node's Ed25519 seed (its identity) */
	themis_rand_fn rand;        /* required */
	void *rand_ctx;
	themis_addr self;           /* the node's own locator (for node records) */
	themis_send_fn send;        /* optional: datagrams go to it at once instead of waiting in
				       the outbox for poll_send (no copy, no allocation: the
				       simulator's way; a daemon polls) */
	void *send_ctx;

	/* the tunables, in the order of THEMIS_CONFIG_FIELDS above */
#define THEMIS_CONFIG_FIELD_(type, name, def, min, max) type name;
	THEMIS_CONFIG_FIELDS(THEMIS_CONFIG_FIELD_)
#undef THEMIS_CONFIG_FIELD_
} themis_config;

/* Fills every field with its default; the caller then sets network, seed, rand and self. */
void themis_config_default(themis_config *cfg);

/* Why a datagram was dropped. Counters are cumulative per node. */
typedef enum themis_drop {
	THEMIS_DROP_MALFORMED,     /* bad version/type/reserved/length/padding, or bad frame */
	THEMIS_DROP_WRONG_NETWORK, /* HELLO for another network */
	THEMIS_DROP_WRONG_RECIPIENT, /* HELLO/REPLY naming another id; reflected packets */
	THEMIS_DROP_BAD_SIG,       /* Ed25519 signature did not verify */
	THEMIS_DROP_BAD_KEY,       /* REPLY key does not hash to the id asked for; low-order point */
	THEMIS_DROP_BAD_MAC,       /* conf_A / conf_B / Poly1305 tag did not verify */
	THEMIS_DROP_REPLAY,        /* replayed HELLO, CONFIRM or DATA counter */
	THEMIS_DROP_RATE_LIMITED,  /* HELLO over the per-source rate */
	THEMIS_DROP_TABLE_FULL,    /* half-open, session, peer or queue table at capacity */
	THEMIS_DROP_UNKNOWN_SESSION, /* REPLY/CONFIRM/DATA for no handshake or session we have */
	THEMIS_DROP_UNEXPECTED,    /* a response for no pending request; PLAIN when secure, etc. */
	THEMIS_DROP__COUNT
} themis_drop;

/* Name of a drop reason as used in metrics ("malformed", "bad_sig", ...). */
const char *themis_drop_name(themis_drop reason);

typedef struct themis_counters {
	uint64_t drops[THEMIS_DROP__COUNT];
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
	uint64_t handshakes_ok;     /* sessions established (either role) */
	uint64_t handshakes_failed; /* initiator gave up after hs_attempts */
	uint64_t rekeys;            /* handshakes started because of counter or lifetime limits */
	uint64_t records_rejected;  /* received records whose signature or object did not check
				       (ghost records stopped) */
	uint64_t stores_refused;    /* STORE requests answered with a refusal */
	uint64_t handoffs_refused;  /* LEAVE handoffs refused whole for lack of room (ST_FULL) */
	uint64_t replicas_sent;     /* records sent to successors as copies (REPLICATE) */
	uint64_t records_unplaced;  /* records a leave of ours could not hand to a successor (it
				       stayed in the ring with them, or, already handed over,
				       left without them) */
	uint64_t records_relocated; /* records of ours outside our range that their owner took
				       after a lookup (a ring merged after a partition) */
	uint64_t records_signed;    /* records this node signed (a refresh re-sends, not re-signs) */
	uint64_t records_verified;  /* record signatures verified (not those the cache knew) */
	uint64_t lookups_no_progress; /* FIND answers that did not get closer (eclipse check) */
	uint64_t out_dropped;       /* datagrams lost because the outbox was full */
	uint64_t events_dropped;    /* events lost because the event ring was full */
	/* crypto work done, for the simulator's CPU model */
	uint64_t cpu_sign, cpu_verify, cpu_dh, cpu_keygen, cpu_hash;
	uint64_t cpu_aead, cpu_aead_bytes;
} themis_counters;

typedef enum themis_event_kind {
	THEMIS_EV_OP_DONE = 1,     /* an operation finished (ok or not) */
	THEMIS_EV_SESSION_UP,      /* a session with peer became usable */
	THEMIS_EV_HANDSHAKE_FAILED,/* initiator gave up reaching peer */
	THEMIS_EV_LOOKUP_HOP,      /* one hop of a lookup answered or timed out (only with
				      cfg.trace_lookups): owner = the node asked, ok = it made
				      progress, t_start/t_end = request sent / answer seen */
} themis_event_kind;

typedef enum themis_op_kind {
	THEMIS_OP_PING = 1,
	THEMIS_OP_FIND,
	THEMIS_OP_STORE,
	THEMIS_OP_JOIN,
	THEMIS_OP_LEAVE,
	THEMIS_OP_REGISTER,
	THEMIS_OP_DISCOVER,
	THEMIS_OP_DEREGISTER,
} themis_op_kind;

/* Name of an operation kind as used in metrics ("find", "store", ...). */
const char *themis_op_name(themis_op_kind op);

enum { THEMIS_TAG_MAX = 16, THEMIS_EV_RECORDS = 8, THEMIS_MAX_SUCC = 16 };

/* A remote node as the caller knows it: its id and where it listens. */
typedef struct themis_peer {
	uint8_t id[THEMIS_ID_LEN];
	themis_addr addr;
} themis_peer;

/* A record as an application sees it: who stored itself under the object, where it
 * listens, and its tag ("" when none). Signatures were checked before it got here. */
typedef struct themis_record {
	themis_peer node;
	char tag[THEMIS_TAG_MAX + 1];
} themis_record;

typedef struct themis_event {
	themis_event_kind kind;
	uint64_t op_id;            /* OP_DONE */
	themis_op_kind op;         /* OP_DONE */
	int ok;                    /* OP_DONE: 1 success, 0 failure */
	uint64_t t_start_ns, t_end_ns; /* OP_DONE */
	uint32_t msgs;             /* OP_DONE: requests sent for the op (retransmissions included) */
	uint8_t peer[THEMIS_ID_LEN]; /* the peer concerned (PING: the peer; FIND/STORE/JOIN: the
					owner or successor found; DISCOVER: the instance chosen) */
	uint32_t hops;             /* FIND/STORE/JOIN/DISCOVER: lookup hops (requests along the path) */
	themis_peer owner;         /* FIND/STORE/JOIN: the node responsible for the target */
	uint8_t nrec;              /* FIND/DISCOVER: records returned (at most THEMIS_EV_RECORDS) */
	uint8_t more;              /* 1: the owner holds more than fit */
	int chosen;                /* DISCOVER: index in rec of the instance picked (-1: none) */
	uint8_t refused;           /* a failed STORE/REGISTER/DEREGISTER: why the owner refused
				      (THEMIS_REFUSED_*), 0 when it did not (no owner reached) */
	themis_record rec[THEMIS_EV_RECORDS];
} themis_event;

/* What an owner said when it refused a record for good (themis_event.refused). */
enum {
	THEMIS_REFUSED_FULL = 1,   /* a record cap of its table: max_records, max_per_obj or
				      max_per_storer */
	THEMIS_REFUSED_BAD = 2,    /* the record did not verify there (signature or form) */
};

typedef struct themis_node themis_node;

/* Creates a node. Returns 0 and sets *out, or THEMIS_EINVAL / THEMIS_ENOMEM. Copies cfg
 * (network is hashed, not kept). */
int themis_node_new(themis_node **out, const themis_config *cfg);
/* Wipes every secret and frees the node. NULL is fine. */
void themis_node_del(themis_node *node);

const uint8_t *themis_node_id(const themis_node *node);   /* 32 bytes */
const uint8_t *themis_node_pk(const themis_node *node);   /* 32 bytes */
const uint8_t *themis_node_net(const themis_node *node);  /* 32 bytes */
void themis_node_counters(const themis_node *node, themis_counters *out);
/* The node's own counters, read in place: valid until themis_node_del and updated as the node
 * works. For a driver that looks at a few of them around every input (a copy of the whole
 * struct each time costs more than the input itself on a large simulated ring). */
const themis_counters *themis_node_counters_ref(const themis_node *node);
/* A datagram arrived from `from`. Never fails: bad input is dropped and counted. */
void themis_node_recv(themis_node *node, const themis_addr *from, const uint8_t *pkt,
		      size_t len, uint64_t now);
/* Run every timer due at `now` (retransmissions, expiries, rekeys). */
void themis_node_on_timeout(themis_node *node, uint64_t now);
/* The earliest time on_timeout has work to do; UINT64_MAX when none. */
uint64_t themis_node_next_deadline(const themis_node *node);

/* Next datagram to send: copies it into buf, sets *to, returns its length; 0 when the outbox
 * is empty (always, with a config's send callback); THEMIS_ESIZE (datagram kept) when cap is
 * too small. */
int themis_node_poll_send(themis_node *node, themis_addr *to, uint8_t *buf, size_t cap);
/* Next event: returns 1 and fills *ev, or 0 when there is none. */
int themis_node_poll_event(themis_node *node, themis_event *ev);

/* PING peer over a secure session (a handshake runs first if none exists). Returns the op id
 * (> 0) or a negative error; completion is an OP_DONE event. */
int64_t themis_ping(themis_node *node, const themis_peer *peer, uint64_t now);

/* ---- the DHT (paper, section 6); each returns an op id (> 0) or a negative error and
 * finishes with an OP_DONE event ---- */

/* Join the ring through bootstrap (iterative lookup of our own position, then our successor's
 * successor list: Zave's join). bootstrap NULL starts a new ring of one. */
int64_t themis_join(themis_node *node, const themis_peer *bootstrap, uint64_t now);
/* Leave gracefully: hand the object table and the predecessor to the successor and tell the
 * predecessor, so no association is lost. The node is out of the ring afterwards.
 * THEMIS_ESTATE when the node is not in a ring or already leaving. */
int64_t themis_leave(themis_node *node, uint64_t now);
/* Iterative find of target (a node id or an object id; its first m bits are the position):
 * the event names the responsible node and carries the records it holds for target. */
int64_t themis_find(themis_node *node, const uint8_t target[THEMIS_ID_LEN], uint64_t now);
/* Store this node under object obj (a signed record at the object's successor), and keep it
 * refreshed every t / 2. tag may be NULL. */
int64_t themis_store(themis_node *node, const uint8_t obj[THEMIS_ID_LEN], const char *tag, uint64_t now);
/* Register this node as an instance of service: a store under each of the k + 1 object ids
 * of the name (section 7), kept refreshed. */
int64_t themis_register(themis_node *node, const char *service, const char *tag, uint64_t now);
/* Withdraw this node from object obj at once: stop refreshing its record and store a signed
 * tombstone in its place (docs/protocol.md 12.3), which replaces the record at the owner and
 * its copies, so a find no longer returns it; an older record arriving later is refused as
 * stale, a newer registration replaces the tombstone. The tombstone is forgotten after t,
 * when the record it replaced would have expired anyway. Allowed for an object this node
 * never stored in this run too (a restarted node withdrawing what it stored before). */
int64_t themis_unstore(themis_node *node, const uint8_t obj[THEMIS_ID_LEN], uint64_t now);
/* Deregister this node as an instance of service: themis_unstore of the k + 1 object ids of
 * the name. The OP_DONE (op THEMIS_OP_DEREGISTER) is ok when every tombstone landed. */
int64_t themis_deregister(themis_node *node, const char *service, uint64_t now);
/* Discover an instance of service: find a replica object, check the records, pick a live
 * instance at random (preferring prefer_tag when given), failing over to other instances and
 * sibling objects. The event's rec holds the instances seen, chosen the one picked. */
int64_t themis_discover(themis_node *node, const char *service, const char *prefer_tag, uint64_t now);

/* What a node knows of the ring (for status output and the simulator's ring checker). */
typedef struct themis_ring_info {
	int joined;
	int has_pred;
	themis_peer pred;
	uint32_t nsucc;
	themis_peer succ[THEMIS_MAX_SUCC];
	uint32_t nfingers;
	size_t records;            /* records held for others */
	size_t objects;            /* distinct objects held */
	size_t copies;             /* records held as copies for the owners before us */
	uint32_t registrations;    /* objects this node keeps stored */
	int orphaned;              /* it lost every successor and is finding its way back into a
				      ring (joined is 0 meanwhile); docs/dht.md, Partitions */
} themis_ring_info;

void themis_node_ring(const themis_node *node, themis_ring_info *out);
/* A peer the node has (or is making) a session with, for `themis peers` (the way `wg show`
 * lists WireGuard peers). Times are on the caller's clock (the `now` it passed in); 0 when
 * it never happened. Counters cover the DATA (PLAIN) datagrams exchanged with the peer
 * through this entry, handshake packets excluded; the entry, and its counters, go when the
 * peer has neither session nor request left. */
typedef struct themis_peer_info {
	themis_peer peer;
	int session;                 /* 1: a live session to send on */
	uint64_t since_ns;           /* its first session came up */
	uint64_t last_handshake_ns;  /* its latest session came up (rekeys included) */
	uint64_t last_rx_ns;         /* its last authenticated packet */
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
	uint64_t rtt_ns;             /* smoothed round trip (7/8 old + 1/8 new) of requests
				        answered at their first copy; 0: none measured yet */
} themis_peer_info;

/* Up to cap peers (in table order). Returns how many. */
size_t themis_node_peers(const themis_node *node, themis_peer_info *out, size_t cap);
/* Up to cap distinct fingers, nearest first. Returns how many. */
size_t themis_node_fingers(const themis_node *node, themis_peer *out, size_t cap);
/* Up to cap live records this node holds for obj. Returns how many. */
size_t themis_node_records(const themis_node *node, const uint8_t obj[THEMIS_ID_LEN],
			   themis_record *out, size_t cap, uint64_t now);
/* Nodes worth probing for the way back into the ring: an orphan rejoins through the first
 * that answers as a ring member, and a joined node merges its ring with theirs should they
 * be in another (docs/dht.md, Partitions and ring unification). A daemon hands over the
 * peers it remembers from an earlier run and its bootstrap list. Kept for a while, at most
 * 32 nodes in all with the ones the node declared dead itself; nothing is kept when ring
 * maintenance is off (stabilize_ns = 0). Returns 0 or THEMIS_EINVAL. */
int themis_node_remember(themis_node *node, const themis_peer *peers, size_t count, uint64_t now);
/* Set successors, predecessor and fingers as an oracle computed them (the simulator's "static
 * ring"), or clear them (a daemon's node with nobody left to hand records to), and mark the
 * node joined. Returns 0 or THEMIS_EINVAL. */
int themis_node_set_ring(themis_node *node, const themis_peer *succ, size_t nsucc,
			 const themis_peer *pred, const themis_peer *fingers, size_t nfingers);

/* Identity helpers (docs/protocol.md, Names). */
void themis_net_hash(const char *network, uint8_t net[THEMIS_ID_LEN]);
void themis_id_from_pk(const uint8_t pk[THEMIS_PK_LEN], const uint8_t net[THEMIS_ID_LEN],
		       uint8_t id[THEMIS_ID_LEN]);
/* Public key of the Ed25519 key pair derived from seed. */
void themis_pk_from_seed(const uint8_t seed[THEMIS_SEED_LEN], uint8_t pk[THEMIS_PK_LEN]);
/* Ring position: the first m bits of id, the rest zeroed; m in 8..256. */
void themis_ring_pos(const uint8_t id[THEMIS_ID_LEN], unsigned m, uint8_t pos[THEMIS_ID_LEN]);
/* Object id of replica r of name (docs/protocol.md, Names). */
void themis_obj_id(const char *name, uint8_t r, uint8_t obj[THEMIS_ID_LEN]);

/* Lower-case hex of the first n bytes of b into out (2n+1 bytes). Returns out. */
char *themis_hex(const uint8_t *b, size_t n, char *out);

#ifdef __cplusplus
}
#endif
#endif
