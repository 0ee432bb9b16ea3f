/* chunkq.c: the producer/consumer chunk queue (chunkq.h): a ring of SIM_CHUNKQ_SLOTS
 * preallocated chunks, one mutex and one condition variable. A handoff moves a quarter of a
 * megabyte, so the lock is taken a few times per thousand rows, never per row.
 */
#include "chunkq.h"

#include <stdlib.h>
#include <string.h>

int sim_chunkq_init(sim_chunkq *q)
{
	memset(q, 0, sizeof *q);
	for (int i = 0; i < SIM_CHUNKQ_SLOTS; i++) {
		q->buf[i] = malloc(SIM_CHUNKQ_BYTES);
		if (!q->buf[i])
			goto fail;
	}
	if (pthread_mutex_init(&q->mu, NULL))
		goto fail;
	if (pthread_cond_init(&q->cv, NULL)) {
		pthread_mutex_destroy(&q->mu);
		goto fail;
	}
	return 0;
fail:
	for (int i = 0; i < SIM_CHUNKQ_SLOTS; i++)
		free(q->buf[i]);
	memset(q, 0, sizeof *q);
	return -1;
}

void sim_chunkq_free(sim_chunkq *q)
{
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	for (int i = 0; i < SIM_CHUNKQ_SLOTS; i++)
		free(q->buf[i]);
	memset(q, 0, sizeof *q);
}

uint8_t *sim_chunkq_fill(sim_chunkq *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->tail - q->head == SIM_CHUNKQ_SLOTS)
		pthread_cond_wait(&q->cv, &q->mu);
	uint8_t *b = q->buf[q->tail % SIM_CHUNKQ_SLOTS];
	pthread_mutex_unlock(&q->mu);
	return b;
}

void sim_chunkq_send(sim_chunkq *q, size_t len)
{
	pthread_mutex_lock(&q->mu);
	q->len[q->tail % SIM_CHUNKQ_SLOTS] = len;
	q->tail++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

void sim_chunkq_close(sim_chunkq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

const uint8_t *sim_chunkq_take(sim_chunkq *q, size_t *len)
{
	pthread_mutex_lock(&q->mu);
	while (q->head == q->tail && !q->closed)
		pthread_cond_wait(&q->cv, &q->mu);
	const uint8_t *b = NULL;
	if (q->head != q->tail) {
		b = q->buf[q->head % SIM_CHUNKQ_SLOTS];
		*len = q->len[q->head % SIM_CHUNKQ_SLOTS];
	}
	pthread_mutex_unlock(&q->mu);
	return b;
}

void sim_chunkq_done(sim_chunkq *q)
{
	pthread_mutex_lock(&q->mu);
	q->head++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}
