/* dheap.c: the indexed min-heap of hosted nodes' deadlines (dheap.h). */
#include "dheap.h"

#include <stdlib.h>

#define ABSENT UINT64_MAX

int dheap_init(dheap *d, unsigned cap)
{
	d->n = 0;
	d->cap = cap;
	d->key = malloc(cap * sizeof *d->key);
	d->heap = malloc(cap * sizeof *d->heap);
	d->pos = malloc(cap * sizeof *d->pos);
	if (!d->key || !d->heap || !d->pos) {
		dheap_free(d);
		return -1;
	}
	for (unsigned i = 0; i < cap; i++)
		d->key[i] = ABSENT;
	return 0;
}

void dheap_free(dheap *d)
{
	free(d->key);
	free(d->heap);
	free(d->pos);
	d->key = NULL;
	d->heap = d->pos = NULL;
	d->n = d->cap = 0;
}

static void place(dheap *d, unsigned at, unsigned i)
{
	d->heap[at] = i;
	d->pos[i] = at;
}

static void up(dheap *d, unsigned at)
{
	unsigned i = d->heap[at];

	while (at > 0) {
		unsigned parent = (at - 1) / 2;
		if (d->key[d->heap[parent]] <= d->key[i])
			break;
		place(d, at, d->heap[parent]);
		at = parent;
	}
	place(d, at, i);
}

static void down(dheap *d, unsigned at)
{
	unsigned i = d->heap[at];

	for (;;) {
		unsigned c = 2 * at + 1;
		if (c >= d->n)
			break;
		if (c + 1 < d->n && d->key[d->heap[c + 1]] < d->key[d->heap[c]])
			c++;
		if (d->key[d->heap[c]] >= d->key[i])
			break;
		place(d, at, d->heap[c]);
		at = c;
	}
	place(d, at, i);
}

void dheap_set(dheap *d, unsigned i, uint64_t key)
{
	uint64_t old;

	if (i >= d->cap)
		return;
	old = d->key[i];
	if (old == key)
		return;
	if (old == ABSENT) {            /* insert */
		d->key[i] = key;
		place(d, d->n++, i);
		up(d, d->n - 1);
		return;
	}
	unsigned at = d->pos[i];
	if (key == ABSENT) {            /* remove: the last entry fills the hole */
		d->key[i] = ABSENT;
		unsigned last = d->heap[--d->n];
		if (at == d->n)
			return;
		place(d, at, last);
		up(d, at);
		down(d, d->pos[last]);
		return;
	}
	d->key[i] = key;
	if (key < old)
		up(d, at);
	else
		down(d, at);
}

uint64_t dheap_min(const dheap *d, unsigned *i)
{
	if (d->n == 0)
		return ABSENT;
	*i = d->heap[0];
	return d->key[d->heap[0]];
}
