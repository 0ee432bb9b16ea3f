/* publish.c: storing and discovering (paper, 6.1 Store; section 7, the service mesh). A
 * store signs a record "this node is associated with object O" and sends it to O's
 * successor; the storer refreshes it every t/2 so it survives churn. register stores under
 * the k + 1 object ids of a name; discover finds any replica, checks the records, and picks a
 * live instance at random, failing over to other instances and sibling objects. Also the
 * responsible node's side of STORE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "publish.h"
#include "dht.h"
#include "lookup.h"
#include "msg.h"
#include "replica.h"
#include "req.h"

enum { SERVICE_NAME_MAX = 255 };

static store_table *table(themis_node *n)
{
	if (!n->store)
		n->store = store_new(n->hot.m, n->cfg.max_records, n->cfg.max_records_per_obj,
				     n->cfg.max_records_per_storer);
	return n->store;
}

store_table *pub_table(themis_node *n)
{
	return table(n);
}

static registration *reg_find(themis_node *n, const uint8_t obj[THEMIS_ID_LEN])
{
	for (uint32_t i = 0; i < n->nregs; i++)
		if (memcmp(n->regs[i].obj, obj, THEMIS_ID_LEN) == 0)
			return &n->regs[i];
	return NULL;
}

/* Our own record for obj. A new association (or a new tag) gets a fresh expiry stamp, newer
 * than any we signed before, so it replaces the old one at the owner and an old copy can never
 * roll it back. A refresh re-sends the record it refreshes, signature and all: the owner
 * recognises the bytes it already verified and only extends their life, so keeping an
 * association alive costs no signing here and no verification there. */
static void make_record(themis_node *n, const op *o, store_record *rec, uint64_t now)
{
	registration *r = o->tomb ? NULL : reg_find(n, o->obj);
	uint64_t stamp = now + n->cfg.ttl_ns;

	if (r && r->have_rec && strcmp(r->tag, o->tag) == 0) {
		*rec = r->rec;
		rec->addr = n->cfg.self;
		rec->expires_at = now + n->cfg.ttl_ns;
		return;
	}
	if (stamp <= n->rec_stamp)
		stamp = n->rec_stamp + 1;
	n->rec_stamp = stamp;
	memset(rec, 0, sizeof *rec);
	memcpy(rec->obj, o->obj, THEMIS_ID_LEN);
	memcpy(rec->id, n->self.id, THEMIS_ID_LEN);
	memcpy(rec->pk, n->self.pk, THEMIS_PK_LEN);
	rec->expiry = stamp;   /* a tombstone's too: newer than every record it withdraws */
	rec->addr = n->cfg.self;
	rec->tomb = o->tomb;
	rec->tag_len = o->tomb ? 0 : (uint8_t)strlen(o->tag);
	memcpy(rec->tag, o->tag, rec->tag_len);
	if (n->cfg.signed_records) {
		store_record_sign(rec, n->self.sk, &n->cnt);
		n->cnt.records_signed++;
	}
	rec->expires_at = now + n->cfg.ttl_ns;
	if (r && strcmp(r->tag, o->tag) == 0) {
		r->rec = *rec;
		r->have_rec = 1;
	}
}

static void store_finish(themis_node *n, op *o, int ok, uint64_t now)
{
	registration *r = reg_find(n, o->obj);

	if (r && r->op == o->id) {
		r->op = 0;
		r->failed = !ok;
		/* A failed store is tried again well before the record could expire. */
		if (!ok)
			r->refresh_at = now + n->cfg.ttl_ns / 8;
	}
	op_finish(n, o, ok, now);
}

/* A store that could not land yet: no owner found, the owner said it is not responsible
 * (after one look-up again at once), or it did not answer. While a ring is forming or
 * repairing that is expected and passes: the ring corrects itself at the pace of
 * stabilization, so look up again one stabilization period later, then two, four, ... (each
 * wait at most t/8, the refresh's own retry), STORE_TRIES times before the store fails. It
 * then lands within about one wait of the ring being able to take it, instead of failing
 * at once and waiting t/8. */
enum { STORE_TRIES = 5 };

static void store_later(themis_node *n, op *o, uint64_t now)
{
	uint64_t wait = n->hot.stabilize_ns ? n->hot.stabilize_ns : n->hot.req_timeout_ns;
	uint64_t cap = n->cfg.ttl_ns / 8 ? n->cfg.ttl_ns / 8 : 1;

	if (o->phase >= STORE_TRIES) {
		store_finish(n, o, 0, now);
		return;
	}
	for (uint8_t i = 0; i < o->phase && wait < cap; i++)
		wait *= 2;
	o->phase++;
	o->retried = 1;   /* the next lookups ask (FIND) rather than guess the owner */
	o->wake_at = now + (wait < cap ? wait : cap);
}

void pub_store_wake(themis_node *n, op *o, uint64_t now)
{
	if (!n->joined) {
		store_finish(n, o, 0, now);   /* we left the ring meanwhile */
		return;
	}
	lookup_start(n, o, o->obj, NULL, now);
}

static void store_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);
	int status;

	(void)p;
	if (!o)
		return;
	status = req_status(n, resp);
	if (status == ST_OK || status == ST_STALE) {
		store_finish(n, o, 1, now);
		return;
	}
	if (status == ST_NOT_RESPONSIBLE && !o->retried) {
		/* The ring changed between the lookup and the store: look up once more. */
		o->retried = 1;
		lookup_start(n, o, o->obj, NULL, now);
		return;
	}
	if (status == ST_NOT_RESPONSIBLE || status < 0) {
		store_later(n, o, now);   /* the ring may still be settling, or the owner failed */
		return;
	}
	o->refused = status == ST_FULL ? THEMIS_REFUSED_FULL : THEMIS_REFUSED_BAD;
	store_finish(n, o, 0, now);   /* refused for good: full, or a bad record */
}

static void store_to_owner(themis_node *n, op *o, uint64_t now)
{
	msg_store ms;
	uint8_t body[8 + MSG_RECORD_MAX];
	int len;

	if (!o->tomb && !reg_find(n, o->obj)) {
		/* Deregistered while this store looked for the owner: signing a record now
		 * would give it a stamp newer than the tombstone's and bring it back. */
		store_finish(n, o, 0, now);
		return;
	}
	make_record(n, o, &ms.rec, now);
	if (memcmp(o->owner.id, n->self.id, THEMIS_ID_LEN) == 0) {
		/* We are the successor of the object ourselves. */
		int ok = table(n) && (store_refresh(n->store, &ms.rec) ||
				      store_put(n->store, &ms.rec) != STORE_FULL);
		if (!ok)
			o->refused = THEMIS_REFUSED_FULL;
		store_finish(n, o, ok, now);
		return;
	}
	ms.ttl_ns = n->cfg.ttl_ns;
	len = msg_store_encode(body, sizeof body, &ms);
	o->msgs++;
	if (len < 0)
		store_finish(n, o, 0, now);
	else if (req_send(n, o->owner.id, &o->owner.addr, MSG_STORE, body, (size_t)len, store_cb, o->id,
			  now) != 0)
		store_later(n, o, now);
}

int64_t pub_register_obj(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag, uint64_t parent,
			 uint64_t now)
{
	registration *r = reg_find(n, obj);
	op *o;

	if (tag && strlen(tag) > THEMIS_TAG_MAX)
		return THEMIS_EINVAL;
	if (!r) {
		if (node_grow((void **)&n->regs, &n->regs_alloc, n->nregs + 1, n->cfg.max_registrations,
			      sizeof *n->regs) != 0)
			return THEMIS_EFULL;
		r = &n->regs[n->nregs++];
		memset(r, 0, sizeof *r);
		memcpy(r->obj, obj, THEMIS_ID_LEN);
	}
	if (strcmp(r->tag, tag ? tag : "") != 0)
		r->have_rec = 0;   /* a new tag is a new association: signed afresh */
	snprintf(r->tag, sizeof r->tag, "%s", tag ? tag : "");
	r->refresh_at = now + n->cfg.ttl_ns / 2;
	o = op_new(n, THEMIS_OP_STORE, parent, now);
	if (!o)
		return THEMIS_EFULL;
	memcpy(o->obj, obj, THEMIS_ID_LEN);
	memcpy(o->tag, r->tag, sizeof o->tag);
	r->op = o->id;
	int64_t id = (int64_t)o->id;
	lookup_start(n, o, obj, NULL, now);   /* may finish at once: o is not used after this */
	return id;
}

int64_t themis_store(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag, uint64_t now)
{
	if (!n->joined)
		return THEMIS_ESTATE;
	return pub_register_obj(n, obj, tag, 0, now);
}

/* One op of kind over the k + 1 objects of service, each started by one(n, obj, tag, parent,
 * now) as a child that reports to it (REGISTER: a store each; DEREGISTER: a tombstone each).
 * A child that cannot start counts as failed at once. Returns the op id or THEMIS_E*. */
typedef int64_t (*replica_fn)(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag,
			       uint64_t parent, uint64_t now);

static int64_t over_replicas(themis_node *n, int kind, const char *service, const char *tag,
			     replica_fn one, uint64_t now)
{
	op *o;
	uint64_t id;

	if (!n->joined)
		return THEMIS_ESTATE;
	if (!service || !*service || strlen(service) > SERVICE_NAME_MAX || (tag && strlen(tag) > THEMIS_TAG_MAX))
		return THEMIS_EINVAL;
	o = op_new(n, kind, 0, now);
	if (!o)
		return THEMIS_EFULL;
	id = o->id;
	o->children = n->cfg.k + 1;
	for (uint32_t r = 0; r <= n->cfg.k; r++) {
		uint8_t obj[THEMIS_ID_LEN];
		op *parent = op_get(n, id);
		if (!parent)
			break;   /* every child already finished (synchronously) */
		themis_obj_id(service, (uint8_t)r, obj);
		if (one(n, obj, tag, id, now) < 0) {   /* each child counts once */
			parent->children--;
			if (parent->children == 0)
				op_finish(n, parent, parent->children_ok == n->cfg.k + 1, now);
		}
	}
	return (int64_t)id;
}

int64_t themis_register(themis_node *n, const char *service, const char *tag, uint64_t now)
{
	return over_replicas(n, THEMIS_OP_REGISTER, service, tag, pub_register_obj, now);
}

/* ---- withdrawing: tombstones ----------------------------------------------------------------- */

static void reg_remove(themis_node *n, const uint8_t obj[THEMIS_ID_LEN])
{
	registration *r = reg_find(n, obj);

	if (r)
		*r = n->regs[--n->nregs];   /* its store in flight, if any, finds it gone */
}

static int64_t unstore_obj(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], uint64_t parent, uint64_t now)
{
	op *o = op_new(n, THEMIS_OP_STORE, parent, now);

	if (!o)
		return THEMIS_EFULL;
	reg_remove(n, obj);
	memcpy(o->obj, obj, THEMIS_ID_LEN);
	o->tomb = 1;
	int64_t id = (int64_t)o->id;
	lookup_start(n, o, obj, NULL, now);   /* may finish at once: o is not used after this */
	return id;
}

int64_t themis_unstore(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], uint64_t now)
{
	if (!n->joined)
		return THEMIS_ESTATE;
	return unstore_obj(n, obj, 0, now);
}

/* A tombstone for one of the service's objects (over_replicas' form: no tag). */
static int64_t unstore_replica(themis_node *n, const uint8_t obj[THEMIS_ID_LEN], const char *tag,
			       uint64_t parent, uint64_t now)
{
	(void)tag;
	return unstore_obj(n, obj, parent, now);
}

int64_t themis_deregister(themis_node *n, const char *service, uint64_t now)
{
	return over_replicas(n, THEMIS_OP_DEREGISTER, service, NULL, unstore_replica, now);
}

/* ---- discover ---------------------------------------------------------------------------- */

static void discover_next_replica(themis_node *n, op *o, uint64_t now);
static void discover_pick(themis_node *n, op *o, uint64_t now);

static void discover_ping_cb(themis_node *n, uint64_t op_id, peer *p, const wire_frame *resp, uint64_t now)
{
	op *o = op_get(n, op_id);

	(void)p;
	if (!o)
		return;
	if (resp && o->chosen >= 0) {
		op_finish(n, o, 1, now);
		return;
	}
	if (o->chosen >= 0)
		o->dead |= (uint8_t)(1u << o->chosen);   /* did not answer: fail over */
	o->chosen = -1;
	discover_pick(n, o, now);
}

/* Pick a live instance at random among the records not known dead, preferring the tag asked
 * for (section 7: load balancing and canary releases); check it answers. */
static void discover_pick(themis_node *n, op *o, uint64_t now)
{
	int cand[THEMIS_EV_RECORDS], ncand = 0;

	for (int pass = 0; pass < 2 && ncand == 0; pass++) {
		for (int i = 0; i < o->nrec; i++) {
			if (o->dead & (1u << i))
				continue;
			if (pass == 0 && o->name && o->tag[0] && strcmp(o->rec[i].tag, o->tag) != 0)
				continue;
			cand[ncand++] = i;
		}
		if (!o->tag[0])
			break;
	}
	if (ncand == 0) {
		discover_next_replica(n, o, now);
		return;
	}
	o->chosen = cand[node_rand64(n) % (uint64_t)ncand];
	if (memcmp(o->rec[o->chosen].node.id, n->self.id, THEMIS_ID_LEN) == 0) {
		op_finish(n, o, 1, now);   /* we are an instance ourselves: alive by definition */
		return;
	}
	o->msgs++;
	if (req_send(n, o->rec[o->chosen].node.id, &o->rec[o->chosen].node.addr, MSG_PING, NULL, 0,
		     discover_ping_cb, o->id, now) != 0) {
		o->dead |= (uint8_t)(1u << o->chosen);
		o->chosen = -1;
		discover_pick(n, o, now);
	}
}

static void discover_next_replica(themis_node *n, op *o, uint64_t now)
{
	uint32_t replicas = n->cfg.k + 1, r;
	uint8_t obj[THEMIS_ID_LEN];

	o->tried |= 1u << o->r;
	for (r = 0; r < replicas; r++)
		if (!(o->tried & (1u << ((o->r + r) % replicas))))
			break;
	if (r == replicas) {
		o->chosen = -1;
		op_finish(n, o, 0, now);
		return;
	}
	o->r = (o->r + r) % replicas;
	o->nrec = 0;
	o->dead = 0;
	themis_obj_id(o->name, (uint8_t)o->r, obj);
	memcpy(o->obj, obj, THEMIS_ID_LEN);
	lookup_start(n, o, obj, NULL, now);
}

int64_t themis_discover(themis_node *n, const char *service, const char *prefer_tag, uint64_t now)
{
	uint8_t obj[THEMIS_ID_LEN];
	op *o;
	int64_t id;

	if (!n->joined)
		return THEMIS_ESTATE;
	if (!service || !*service || strlen(service) > SERVICE_NAME_MAX ||
	    (prefer_tag && strlen(prefer_tag) > THEMIS_TAG_MAX) || n->cfg.k > 31)
		return THEMIS_EINVAL;
	o = op_new(n, THEMIS_OP_DISCOVER, 0, now);
	if (!o)
		return THEMIS_EFULL;
	o->name = malloc(strlen(service) + 1);
	if (!o->name) {
		op_finish(n, o, 0, now);
		return THEMIS_ENOMEM;
	}
	strcpy(o->name, service);
	snprintf(o->tag, sizeof o->tag, "%s", prefer_tag ? prefer_tag : "");
	/* Any replica will do: start at a random one so the load spreads over the k + 1 owners. */
	o->r = (uint32_t)(node_rand64(n) % (n->cfg.k + 1));
	themis_obj_id(service, (uint8_t)o->r, obj);
	memcpy(o->obj, obj, THEMIS_ID_LEN);
	id = (int64_t)o->id;
	lookup_start(n, o, obj, NULL, now);
	return id;
}

/* ---- the lookup found the owner ------------------------------------------------------------ */

void pub_owner_found(themis_node *n, op *o, int ok, uint64_t now)
{
	switch (o->kind) {
	case THEMIS_OP_STORE:
	case OPK_REFRESH:
		if (!ok) {
			store_later(n, o, now);
			return;
		}
		store_to_owner(n, o, now);
		return;
	case THEMIS_OP_DISCOVER:
		if (ok && memcmp(o->owner.id, n->self.id, THEMIS_ID_LEN) == 0)
			o->nrec = (uint8_t)themis_node_records(n, o->obj, o->rec, THEMIS_EV_RECORDS, now);
		if (!ok || o->nrec == 0) {
			discover_next_replica(n, o, now);
			return;
		}
		discover_pick(n, o, now);
		return;
	default:
		op_finish(n, o, 0, now);
		return;
	}
}

/* ---- the responsible node's side ------------------------------------------------------------ */

void pub_on_store(themis_node *n, peer *p, uint64_t req_id, const uint8_t *body, size_t blen, uint64_t now)
{
	msg_store ms;
	uint8_t pos[RING_POS_LEN], out[1];
	uint8_t status;
	int len, own;

	if (msg_store_decode(&ms, body, blen) != 0) {
		node_drop(n, THEMIS_DROP_MALFORMED);
		return;
	}
	themis_ring_pos(ms.rec.obj, n->hot.m, pos);
	own = memcmp(ms.rec.id, p->id, THEMIS_ID_LEN) == 0;
	if (own)
		ms.rec.addr = p->addr;   /* where the storer really speaks from */
	ms.rec.expires_at = now + (ms.ttl_ns < n->cfg.ttl_ns ? ms.ttl_ns : n->cfg.ttl_ns);
	if (!dht_responsible(n, pos) || n->leaving == LEAVE_HANDED) {
		/* (a node whose records went to its successor sends the storer there) */
		status = ST_NOT_RESPONSIBLE;
	} else if (!own) {
		/* Only the storer stores its association. Records of others travel only in
		 * handoffs between neighbours; a STORE of someone else's signed record could
		 * otherwise bring back an association its storer gave up, after it expired. */
		status = ST_BAD_RECORD;
	} else if (n->store && store_refresh(n->store, &ms.rec)) {
		status = ST_OK;             /* the storer's refresh of bytes verified when stored */
	} else if (!pub_record_genuine(n, &ms.rec)) {
		status = ST_BAD_SIG;        /* a ghost record: nobody made this association */
	} else if (!table(n)) {
		status = ST_FULL;
	} else {
		switch (store_put(n->store, &ms.rec)) {
		case STORE_OK:
		case STORE_REPLACED:
			status = ST_OK;
			break;
		case STORE_STALE:
			status = ST_STALE;
			break;
		default:
			status = ST_FULL;
			break;
		}
	}
	if (status != ST_OK && status != ST_STALE)
		n->cnt.stores_refused++;
	if (status == ST_OK)
		rep_forward(n, &ms.rec, now);   /* the copies follow the owner's record */
	len = msg_status_encode(out, sizeof out, status);
	if (len >= 0)
		req_respond(n, p, MSG_STORE | MSG_RESPONSE, req_id, out, (size_t)len, now);
}

/* The node's verified-record cache, keyed with H_seed("THEMIS-v1 vcache"): a secret only this
 * node knows, derived rather than drawn so that creating the cache leaves the node's random
 * stream (and a simulation's trace) as it was. */
static vcache *verified_cache_new(themis_node *n)
{
	static const char label[] = "THEMIS-v1 vcache";
	cr_buf part = { label, sizeof label - 1 };
	uint8_t h[CR_HASH_LEN];

	cr_hashv(h, n->self.sk, &part, 1);   /* sk starts with the 32-byte seed */
	vcache *vc = vcache_new(n->cfg.verified_cache, h);
	cr_wipe(h, sizeof h);
	return vc;
}

int pub_record_genuine(themis_node *n, const store_record *rec)
{
	if (!n->cfg.signed_records)
		return 1;
	if (!n->verified && n->cfg.verified_cache)
		n->verified = verified_cache_new(n);   /* NULL: verify every time */
	uint64_t before = n->cnt.cpu_verify;
	int ok = store_record_check(rec, n->self.net, n->verified, &n->cnt) == 0;
	n->cnt.records_verified += n->cnt.cpu_verify - before;
	return ok;
}

void pub_accept_records(themis_node *n, const store_record *rec, size_t nrec, uint64_t now)
{
	for (size_t i = 0; i < nrec; i++) {
		store_record r = rec[i];
		if (!pub_record_genuine(n, &r)) {
			n->cnt.records_rejected++;
			continue;
		}
		/* The remaining lifetime did not travel: a full t, the storer refreshes anyway. */
		r.expires_at = now + n->cfg.ttl_ns;
		if (!table(n) || store_put(n->store, &r) == STORE_FULL)
			n->cnt.stores_refused++;
	}
}

/* A leaving predecessor's batch (or a RELOCATE): every record placed, or none (returns -1 and leaves the table
 * as it was), so that a leaver whose records do not fit here can keep them and stay. Records
 * whose signature fails are dropped either way: nobody made them. */
int pub_accept_handoff(themis_node *n, const store_record *rec, size_t nrec, uint64_t now)
{
	uint8_t added[MSG_MAX_RECORDS];
	size_t nadded = 0;

	for (size_t i = 0; i < nrec && i < MSG_MAX_RECORDS; i++) {
		store_record r = rec[i];
		if (!pub_record_genuine(n, &r)) {
			n->cnt.records_rejected++;
			continue;
		}
		r.expires_at = now + n->cfg.ttl_ns;
		store_result res = table(n) ? store_put(n->store, &r) : STORE_FULL;
		if (res == STORE_FULL) {
			for (size_t j = 0; j < nadded; j++)
				(void)store_remove(n->store, rec[added[j]].obj, rec[added[j]].id);
			return -1;
		}
		if (res == STORE_OK)
			added[nadded++] = (uint8_t)i;
	}
	return 0;
}

/* ---- timers: expiry and refresh ------------------------------------------------------------- */

/* We are back in a ring (an orphan rejoined after a partition): what failed to store while we
 * were out of it goes out now instead of at the retry t/8 later (the storer of a failed store
 * is the only one who can place it). */
void pub_rejoined(themis_node *n, uint64_t now)
{
	for (uint32_t i = 0; i < n->nregs; i++)
		if (n->regs[i].failed && !n->regs[i].op && n->regs[i].refresh_at > now)
			n->regs[i].refresh_at = now;
}

uint64_t pub_next_deadline(const themis_node *n)
{
	uint64_t t = n->store ? store_next_expiry(n->store) : UINT64_MAX;

	if (!n->joined)
		return t;
	for (uint32_t i = 0; i < n->nregs; i++)
		if (!n->regs[i].op && n->regs[i].refresh_at < t)
			t = n->regs[i].refresh_at;
	return t;
}

void pub_on_timeout(themis_node *n, uint64_t now)
{
	if (n->store)
		store_expire(n->store, now);
	if (!n->joined)
		return;
	for (uint32_t i = 0; i < n->nregs; i++) {
		registration *r = &n->regs[i];
		if (r->op || r->refresh_at > now)
			continue;
		r->refresh_at = now + n->cfg.ttl_ns / 2;
		op *o = op_new(n, OPK_REFRESH, 0, now);
		if (!o)
			return;
		memcpy(o->obj, r->obj, THEMIS_ID_LEN);
		memcpy(o->tag, r->tag, sizeof o->tag);
		r->op = o->id;
		lookup_start(n, o, r->obj, NULL, now);
	}
}
