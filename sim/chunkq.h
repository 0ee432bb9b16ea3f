/* chunkq.h: a bounded queue of byte chunks from one producer thread to one consumer thread.
 * The producer fills a chunk in place and hands it over whole; the consumer reads chunks in
 * the order they were sent. It carries bytes only: what they mean is its users' business.
 */
#ifndef SIM_CHUNKQ_H
#define SIM_CHUNKQ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SIM_CHUNKQ_SLOTS = 4,          /* chunks in flight: the producer waits beyond this */
	SIM_CHUNKQ_BYTES = 256 * 1024, /* one chunk */
};

typedef struct sim_chunkq {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[SIM_CHUNKQ_SLOTS];
	size_t len[SIM_CHUNKQ_SLOTS];
	uint64_t head, tail;   /* chunks taken by the consumer, chunks sent by the producer */
	int closed;            /* the producer sends no more */
} sim_chunkq;

/* 0, or -1 when memory or a lock could not be had. */
int sim_chunkq_init(sim_chunkq *q);
void sim_chunkq_free(sim_chunkq *q);
/* Producer: the chunk to fill next (SIM_CHUNKQ_BYTES long), waiting while every slot is in
 * flight. */
uint8_t *sim_chunkq_fill(sim_chunkq *q);
/* Producer: hands the chunk from sim_chunkq_fill over with its first len bytes used. */
void sim_chunkq_send(sim_chunkq *q, size_t len);
/* Producer: no more chunks; the consumer drains what was sent and then sees the end. */
void sim_chunkq_close(sim_chunkq *q);
/* Consumer: the oldest chunk sent and its length, waiting for one; NULL once the queue is
 * closed and drained. The chunk stays the consumer's until sim_chunkq_done. */
const uint8_t *sim_chunkq_take(sim_chunkq *q, size_t *len);
void sim_chunkq_done(sim_chunkq *q);

#endif
