/* host.h: the driver of one or more hosted nodes: their UDP sockets, the epoll loop whose
 * timeout is the earliest node deadline (kept in a heap across the nodes, net/dheap.h), the drain of outboxes and events after every input,
 * and the join manager (bootstrap, sequential joins of virtual nodes, retry with backoff).
 * Used by themisd and by the embedding library alike.
 */
#ifndef NET_HOST_H
#define NET_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

enum { HOST_MAX_NODES = 4096, HOST_MAX_BOOT = 16 };

typedef struct host host;

/* Called for every event of node idx, after the host's own bookkeeping. Must not start
 * operations on node idx itself (do that from an fd handler or between host_step calls). */
typedef void (*host_event_fn)(void *ctx, unsigned idx, const themis_event *ev);
/* Called when a watched fd is ready. */
typedef void (*host_fd_fn)(void *ctx, int fd, uint32_t events);

typedef struct host_cfg {
	const char *network;
	themis_addr listen;          /* node 0; node i listens on port + i */
	themis_addr advertise;       /* family 0: none; else node 0's locator as peers reach it
					(behind NAT or a port forward), node i's at port + i: what
					the node puts in its records and ring entries */
	unsigned nodes;              /* 1..HOST_MAX_NODES */
	uint8_t seed[THEMIS_SEED_LEN]; /* node 0's seed; others derive theirs (key_derive) */
	int security;                /* 1, or 0 for the PLAIN baseline */
	uint64_t stabilize_ns;       /* 0: the core's default periods */
	uint32_t max_records;        /* each node's record table cap; 0: the core's default */
	const char *boot[HOST_MAX_BOOT]; /* "ID@ADDR:PORT" or a local "ADDR:PORT" */
	unsigned nboot;
	int autojoin;                /* 1: join at start (new ring when nboot == 0) and retry */
	int trace_lookups;           /* 1: the core emits LOOKUP_HOP events (lookup --trace) */
	const char *own_control;     /* our control socket (never asked to resolve an id) */
	const char *state_dir;       /* DIR/peers: the ring nodes remembered across restarts
					(net/peers.h); NULL: none kept */
	host_event_fn on_event;
	void *ctx;
} host_cfg;

/* Binds every socket and creates every node. Returns 0, or -1 with one line in err. The
 * seed in cfg is the caller's to wipe. */
int host_new(host **out, const host_cfg *cfg, char *err, size_t errlen);
void host_del(host *h);

unsigned host_count(const host *h);
themis_node *host_node(host *h, unsigned idx);
const themis_addr *host_addr(const host *h, unsigned idx);
/* The locator node idx gives of itself (--advertise, else its bound address). */
const themis_addr *host_self_addr(const host *h, unsigned idx);
int host_joined(const host *h, unsigned idx);
/* Stop (0) or resume (1) automatic (re)joining of node idx, e.g. after a leave. */
void host_set_autojoin(host *h, unsigned idx, int on);

/* Extra descriptors served by the same loop (control socket, signalfd). */
int host_watch(host *h, int fd, host_fd_fn fn, void *ctx);
void host_unwatch(host *h, int fd);
/* What a watched fd is polled for (EPOLLIN, EPOLLOUT, both, or 0 for nothing but errors). */
int host_watch_events(host *h, int fd, uint32_t events);
/* The epoll descriptor: poll it for readability to know host_step has work. */
int host_fd(const host *h);

/* Waits at most max_wait_ms for input or a deadline, handles what is due, drains. */
void host_step(host *h, int max_wait_ms);
/* Drains node idx's outbox and events and rereads its deadline; call after every call that
 * may change node idx (starting an operation, a leave): the loop keeps each node's deadline
 * in a heap and rereads it only here and after its own calls into the node. */
void host_flush(host *h, unsigned idx);
/* Writes the ring nodes the hosted nodes know to the state directory now (it is also done
 * every few seconds while they change): call before the nodes leave. */
void host_save_peers(host *h);

/* "ID@ADDR:PORT", or a local "ADDR:PORT" whose daemon answers `id` on its control socket.
 * Returns 0; -1 transient (no local daemon answers yet); -2 permanent (bad text, or an
 * address of another host without an id). err says what to do. */
int host_resolve_peer(const char *spec, themis_peer *out, const char *own_control, char *err,
		      size_t errlen);

uint64_t host_now(void);
/* Short hex of an id for logs (first 8 bytes), into a 17-byte buffer. */
char *host_short(const uint8_t *id, char *buf);

#endif
