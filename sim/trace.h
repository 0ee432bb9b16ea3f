/* trace.h: the ordered event trace of a run: its hash (the run's fingerprint) and, with
 * --trace, one line per message and per node event stamped with simulated time. It reads
 * packets only through their public byte layout (docs/protocol.md); it never decrypts anything.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* What happened to a datagram; part of the hashed record. */
typedef enum sim_tr_kind {
	SIM_TR_SEND = 1,     /* left a node, entered the network */
	SIM_TR_DELIVER,      /* handed to the receiving node */
	SIM_TR_LOST,         /* random loss */
	SIM_TR_PARTITIONED,  /* a partition separated the two ends */
	SIM_TR_DOWN,         /* sender or receiver failed */
	SIM_TR_ADV_DROP,     /* the adversary removed it */
	SIM_TR_ADV_INJECT,   /* the adversary put it there */
	SIM_TR_UNROUTABLE,   /* no node has the destination address */
	SIM_TR_NOTE,         /* a node or scenario event (text) */
} sim_tr_kind;

/* What a DATA or PLAIN datagram from `from` to `to` carries, for its printed line only
 * (" FIND req=7 target=0x4d"; "" when unknown). Never hashed. */
typedef void (*sim_trace_peek_fn)(void *ctx, uint32_t from, uint32_t to, const uint8_t *pkt,
				  size_t len, char *out, size_t n);

typedef struct sim_trace {
	FILE *out;                       /* NULL: hash only */
	sim_trace_peek_fn peek;          /* NULL: lines name packet types only */
	void *peek_ctx;
	uint64_t h[2];                   /* the two lanes of the running hash (trace.c) */
	uint64_t records;
} sim_trace;

enum { SIM_NODE_NONE = 0xffffffffu };

void sim_trace_init(sim_trace *tr, FILE *out);
/* A datagram event. from/to are node indexes (SIM_NODE_NONE for none). Returns the record's
 * number (records before it), by which its arrival refers to a SEND. */
uint64_t sim_trace_dgram(sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from,
			 uint32_t to, const uint8_t *pkt, size_t len);
/* A datagram's arrival (SIM_TR_DELIVER, or SIM_TR_DOWN at a failed receiver): hashed with
 * the number of its SEND record instead of its bytes again. Nothing changes a datagram
 * between the two (the adversary acts before the SEND), so the bytes are already in the
 * hash; reading them twice was a tenth of a large run's instructions. pkt is only read for
 * the --trace line (a DELIVER has none). */
void sim_trace_arrival(sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from, uint32_t to,
		       const uint8_t *pkt, size_t len, uint64_t sent);
/* A note's text is cut at this many bytes. */
enum { SIM_TRACE_NOTE_MAX = 255 };
/* A text event of node (or SIM_NODE_NONE for the scenario); hashed as text. */
void sim_trace_note(sim_trace *tr, uint64_t t, uint32_t node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same with the text already made (len bytes, no NUL needed): the per-operation notes
 * of large runs build theirs with fmt.h. */
void sim_trace_note_text(sim_trace *tr, uint64_t t, uint32_t node, const char *text, size_t len);
/* What an observer (ring checker, end-of-run accounting) saw: printed like a note with
 * --trace but not hashed, so the trace hash identifies the protocol run alone, whatever
 * observers ran and however often. */
void sim_trace_observed(sim_trace *tr, uint64_t t, uint32_t node, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Finishes the hash: 64 lower-case hex digits and a NUL into hex. */
void sim_trace_final(sim_trace *tr, char hex[65]);

/* One-line description of a packet from its header: "HELLO idx=1a2b3c4d 256B". */
void sim_trace_describe(char *out, size_t n, const uint8_t *pkt, size_t len);
/* The packet type byte when the header is well formed (version 1, reserved 0), else 0. */
int sim_pkt_type(const uint8_t *pkt, size_t len);

#endif
