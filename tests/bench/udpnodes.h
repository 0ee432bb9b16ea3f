/* udpnodes.h: a small single-threaded driver for many core nodes in one process, each on its
 * own UDP socket on 127.0.0.1, all served by one epoll loop; and the ring checker the join
 * and blink benchmarks wait on. Shared by the bench_net_* programs; measures nothing itself.
 */
#ifndef THEMIS_UDPNODES_H
#define THEMIS_UDPNODES_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

/* Called for every event a node emits, from inside un_step / un_flush. It may start
 * operations on any node (the driver drains that node afterwards). */
typedef void (*un_event_fn)(void *ctx, unsigned idx, const themis_event *ev);

typedef struct un_node {
	themis_node *n;
	int fd;
	themis_addr addr;
	uint64_t deadline;          /* cached themis_node_next_deadline */
} un_node;

enum { UN_RAND_BUF = 4096 };

typedef struct un_set {
	un_node *v;
	unsigned count;
	int ep;
	un_event_fn on_event;
	void *ctx;
	uint64_t send_fail;         /* datagrams the kernel refused (buffer full): lost */
	/* OS randomness, fetched a page at a time: one getrandom per request id is a syscall
	 * per request, more than the rest of a loopback round trip costs the core. */
	uint8_t rnd[UN_RAND_BUF];
	size_t rnd_pos;
} un_set;

/* Monotonic nanoseconds (the nodes' clock). */
uint64_t un_now(void);

/* The core's defaults made fit for many nodes on one address: the HELLO rate limit is per
 * source address and every node here shares 127.0.0.1, so it is raised; security as given
 * (signed records follow it: the insecure baseline is the paper's vanilla mode). The caller
 * sets network, seed, rand and self through un_open. */
void un_config(themis_config *c, int security);

/* Opens count nodes with cfg (seed derived from seed_base and the index, self and rand filled
 * in); sockets get large buffers. Returns 0, or -1 with a line on stderr. */
int un_open(un_set *s, unsigned count, const themis_config *cfg, unsigned seed_base,
	    un_event_fn on_event, void *ctx);
/* Adds one more node to an open set; returns its index or -1. */
int un_add(un_set *s, const themis_config *cfg, unsigned seed_base);
void un_close(un_set *s);

void un_peer(const un_set *s, unsigned idx, themis_peer *out);
/* Sends what node idx has queued, hands its events to on_event, refreshes its deadline. Call
 * after starting an operation on it. */
void un_flush(un_set *s, unsigned idx);
/* Waits at most max_wait_ns for datagrams or a node deadline (0: just poll), then handles
 * every datagram ready and every deadline due. */
void un_step(un_set *s, uint64_t max_wait_ns);

/* 1 when the nodes idx[0..n) form one ring: sorted by position, each node's first successor
 * is the next one and its predecessor the previous one, and all are joined. */
int un_ring_valid(const un_set *s, const unsigned *idx, unsigned n);

/* A set served by a thread of its own (the server side of the two-node benchmarks: two
 * nodes on two cores, as on two hosts). Only that thread touches the set until stopped. */
typedef struct un_thread {
	un_set *s;
	volatile int stop;
	unsigned long th;           /* pthread_t, kept opaque here */
} un_thread;

int un_thread_start(un_thread *t, un_set *s);
void un_thread_stop(un_thread *t);
/* Pins the caller (the client) to the first CPU it may use and t's thread to the second; no-op
 * on one CPU. For latency: left to itself the scheduler often wakes the server on the busy
 * client's CPU (the client's send is what wakes it), which then waits a whole tick, a 4 ms
 * stall two hosts never see. Not for throughput: pinned, the loopback's receive work can no
 * longer spread, and secure finds per second fell from about 240,000 to 175,000 here. */
void un_thread_pin(un_thread *t);

/* Two-node ring: node 0 of srv starts it, node 0 of cli joins through it; both sets are
 * stepped here until each is the other's successor and predecessor. Returns 0, or -1 after
 * timeout_s. */
int un_pair_join(un_set *srv, un_set *cli, double timeout_s);

/* n random object ids whose position lies in (client, server]: in a two-node ring the
 * server owns them, so a find or store from the client resolves at the server. */
void un_owned_objects(const themis_node *client, const themis_node *server, uint8_t (*out)[THEMIS_ID_LEN],
		      unsigned n);

#endif
