/* ops.c: the operation table (every find, store, join, ... in progress, bounded by max_ops),
 * the OP_DONE events they end with, PING, and the dispatch of each authenticated frame to the
 * request handler of its type. Knows frames, never packets or keys.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "ops.h"
#include "dht.h"
#include "lookup.h"
#include "msg.h"
#include "publish.h"
#include "replica.h"
#include "req.h"

static const char *const op_names[] = {
	[THEMIS_OP_PING] = "ping",
	[THEMIS_OP_FIND] = "find",
	[THEMIS_OP_STORE] = "store",
	[THEMIS_OP_JOIN] = "join",
	[THEMIS_OP_LEAVE] = "leave",
	[THEMIS_OP_REGISTER] = "register",
	[THEMIS_OP_DISCOVER] = "discover",
	[THEMIS_OP_DEREGISTER] = "deregister",
};

const char *themis_op_name(themis_op_kind op)
{
	return op >= THEMIS_OP_PING && op <= THEMIS_OP_DEREGISTER ? op_names[op] : "unknown";
}

void peer_of(const ring_node *rn, themis_peer *out)
{
	memcpy(out->id, rn->id, THEMIS_ID_LEN);
	out->addr = rn->addr;
}

op *op_new(themis_node *n, int kind, uint64_t parent, uint64_t now)
{
	op *o;

	if (node_grow((void **)&n->ops, &n->ops_alloc, n->nops + 1, n->cfg.max_ops, sizeof *n->ops) != 0)
		return NULL;
	/* Only the head is zeroed: the lookup's arrays and the records are valid up to their
	 * counts, and zeroing 3 KB per find would load every line of it. */
	o = malloc(sizeof *o);
	if (!o)
		return NULL;
	memset(o, 0, offsetof(op, lk.ckey));
	o->id = ++n->next_op_id;
	o->kind = kind;
	o->parent = parent;
	o->t_start = now;
	o->chosen = -1;
	n->ops[n->nops++] = o;
	return o;
}

op *op_get(themis_node *n, uint64_t id)
{
	for (uint32_t i = 0; i < n->nops; i++)
		if (n->ops[i]->id == id)
			return n->ops[i];
	return NULL;
}

static void op_free(themis_node *n, op *o)
{
	for (uint32_t i = 0; i < n->nops; i++) {
		if (n->ops[i] == o) {
			n->ops[i] = n->ops[--n->nops];
			break;
		}
	}
	free(o->batch);
	free(o->name);
	free(o);
}

/* A REGISTER's or DEREGISTER's store finished. */
static void child_done(themis_node *n, op *parent, int ok, uint64_t now)
{
	parent->children--;
	parent->children_ok += ok != 0;
	if (parent->children == 0)
		op_finish(n, parent, parent->children_ok == n->cfg.k + 1, now);
}

void op_finish(themis_node *n, op *o, int ok, uint64_t now)
{
	themis_event ev;
	op *parent = o->parent ? op_get(n, o->parent) : NULL;

	if (parent) {
		uint32_t msgs = o->msgs;
		if (o->refused)
			parent->refused = o->refused;
		op_free(n, o);
		parent->msgs += msgs;
		child_done(n, parent, ok, now);
		return;
	}
	if (o->kind >= THEMIS_OP_PING && o->kind <= THEMIS_OP_DEREGISTER) {
		memset(&ev, 0, sizeof ev);
		ev.kind = THEMIS_EV_OP_DONE;
		ev.op_id = o->id;
		ev.op = (themis_op_kind)o->kind;
		ev.ok = ok;
		ev.t_start_ns = o->t_start;
		ev.t_end_ns = now;
		ev.msgs = o->msgs;
		ev.hops = o->lk.hops;
		ev.refused = o->refused;
		if (o->have_owner) {
			peer_of(&o->owner, &ev.owner);
			memcpy(ev.peer, o->owner.id, THEMIS_ID_LEN);
		}
		if (o->kind == THEMIS_OP_PING)
			memcpy(ev.peer, o->peer, THEMIS_ID_LEN);
		ev.nrec = o->nrec;
		ev.more = o->more;
		memcpy(ev.rec, o->rec, o->nrec * sizeof ev.rec[0]);
		ev.chosen = o->chosen;
		if (o->chosen >= 0)
			memcpy(ev.peer, o->rec[o->chosen].node.id, THEMIS_ID_LEN);
		node_emit(n, &ev);
	}
	op_free(n, o);
}

void ops_free_all(themis_node *n)
{
	for (uint32_t i = 0; i < n->nops; i++) {
		free(n->ops[i]->batch);
		free(n->ops[i]->name);
		free(n->ops[i]);
	}
	free(n->ops);
	n->ops = NULL;
	n->nops = n->ops_alloc = 0;
}

/* ---- PING --------------------------------------------------------------------------- */

static void ping_done(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);

	(void)p;
	if (!o)
		return;
	if (resp && resp->bodylen != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		resp = NULL;
	}
	op_finish(n, o, resp != NULL, now);
}

int64_t themis_ping(themis_node *n, const themis_peer *target, uint64_t now)
{
	op *o;
	int rc;

	if (!target || memcmp(target->id, n->self.id, THEMIS_ID_LEN) == 0)
		return THEMIS_EINVAL;
	o = op_new(n, THEMIS_OP_PING, 0, now);
	if (!o)
		return THEMIS_EFULL;
	memcpy(o->peer, target->id, THEMIS_ID_LEN);
	o->msgs = 1;
	rc = req_send(n, target->id, &target->addr, MSG_PING, NULL, 0, ping_done, o->id, now);
	if (rc != 0) {
		n->next_op_id--;
		op_free(n, o);
		return rc;
	}
	return (int64_t)o->id;
}

/* ---- dispatch ------------------------------------------------------------------------- */

void ops_on_frame(themis_node *n, peer *p, const uint8_t *frame, size_t flen, uint64_t now)
{
	wire_frame f;

	if (wire_frame_decode(&f, frame, flen) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	if (f.type & MSG_RESPONSE) {
		req_on_response(n, p, &f, now);
		return;
	}
	switch (f.type) {
	case MSG_PING:
		if (f.bodylen != 0) {
			node_drop(n, THEMIS_DROP_MALFORMED);
			return;
		}
		req_respond(n, p, MSG_PONG, f.req_id, NULL, 0, now);
		return;
	case MSG_FIND:
		lookup_on_find(n, p, f.req_id, f.body, f.bodylen, now);
		return;
	case MSG_STORE:
		pub_on_store(n, p, f.req_id, f.body, f.bodylen, now);
		return;
	case MSG_JOIN:
	case MSG_UPDATE:
	case MSG_LEAVE:
	case MSG_GET_SUCC:
	case MSG_TRANSFER:
		dht_on_request(n, p, &f, now);
		return;
	case MSG_REPLICATE:
		rep_on_replicate(n, p, f.req_id, f.body, f.bodylen, now);
		return;
	default:
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
}
