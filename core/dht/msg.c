/* msg.c: byte-exact encoding and decoding of the upper-layer frame bodies (docs/protocol.md,
 * section 12): nodes, records, FIND, STORE, status and the node/record lists. Form only: no
 * signature checks, no DHT decisions, no buffer cast to a struct, every integer via be*_.
 */
#include "msg.h"

#include <string.h>

/* Offsets inside one node (docs/protocol.md 12.2). */
enum {
	NODE_ID_OFF = 0,
	NODE_FAMILY_OFF = 32,
	NODE_ADDR_OFF = 33,
	NODE_PORT_OFF = 49,
};

/* Offsets inside one record (docs/protocol.md 12.3); the tag follows tag_len. */
enum {
	REC_OBJ_OFF = 0,
	REC_ID_OFF = 32,
	REC_PK_OFF = 64,
	REC_EXPIRY_OFF = 96,
	REC_SIG_OFF = 104,
	REC_FAMILY_OFF = 168,
	REC_ADDR_OFF = 169,
	REC_PORT_OFF = 185,
	REC_TAGLEN_OFF = 187,
	REC_TAG_OFF = 188,
};

enum {
	ADDR_LEN = 16,
	V4_LEN = 4,
	FIND_LEN = MSG_FIND_LEN,
	STORE_TTL_LEN = 8,
	LISTS_HEAD_LEN = 2,      /* kind || nnodes */
	LISTS_MID_LEN = 2,       /* nrec || more */
	RING_M_MIN = 8,
	RING_M_MAX = 8 * RING_POS_LEN,
};

static int family_ok(uint8_t family)
{
	return family == 4 || family == 6;
}

/* What the encoders accept: exactly what the decoders would, so a message built by this node
 * can never be one its peers must drop. */
static int record_ok(const store_record *rec)
{
	return family_ok(rec->addr.family) && rec->tag_len <= REC_TAG_MAX && rec->tomb <= 1 &&
	       !(rec->tomb && rec->tag_len);
}

/* The caller derives the decoded nodes' and targets' positions from their ids with ring_m;
 * an m outside docs/protocol.md's 8..256 is a caller bug, refused rather than clamped so that it
 * cannot silently produce wrong positions. */
static int ring_m_ok(unsigned ring_m)
{
	return ring_m >= RING_M_MIN && ring_m <= RING_M_MAX;
}

/* family || addr (16) || port. IPv4 uses the first 4 address bytes; the other 12 are sent as
 * zero whatever the struct holds, so a locator has one encoding only. */
static void addr_put(uint8_t *out, const themis_addr *a)
{
	out[0] = a->family;
	if (a->family == 4) {
		memcpy(out + 1, a->addr, V4_LEN);
		memset(out + 1 + V4_LEN, 0, ADDR_LEN - V4_LEN);
	} else {
		memcpy(out + 1, a->addr, ADDR_LEN);
	}
	be16_put(out + 1 + ADDR_LEN, a->port);
}

/* The padding of an IPv4 address must be zero: a second encoding of the same locator would be
 * a covert channel and would defeat byte comparison of records. */
static int addr_ok(const uint8_t *in)
{
	uint8_t pad = 0;

	if (!family_ok(in[0]))
		return 0;
	if (in[0] == 4) {
		for (size_t i = V4_LEN; i < ADDR_LEN; i++)
			pad |= in[1 + i];
	}
	return pad == 0;
}

/* Only after addr_ok; a was zeroed by the caller together with its enclosing struct. */
static void addr_get(themis_addr *a, const uint8_t *in)
{
	a->family = in[0];
	memcpy(a->addr, in + 1, ADDR_LEN);
	a->port = be16_get(in + 1 + ADDR_LEN);
}

void msg_node_put(uint8_t out[MSG_NODE_LEN], const ring_node *rn)
{
	memcpy(out + NODE_ID_OFF, rn->id, THEMIS_ID_LEN);
	addr_put(out + NODE_FAMILY_OFF, &rn->addr);
}

int msg_node_get(ring_node *rn, const uint8_t in[MSG_NODE_LEN], unsigned ring_m)
{
	if (!ring_m_ok(ring_m) || !addr_ok(in + NODE_FAMILY_OFF))
		return -1;
	/* No position travels: it is a function of the id (ring_node_pos), so a peer cannot
	 * place a node anywhere but where its id puts it. */
	memset(rn, 0, sizeof *rn);
	memcpy(rn->id, in + NODE_ID_OFF, THEMIS_ID_LEN);
	addr_get(&rn->addr, in + NODE_FAMILY_OFF);
	return 0;
}

static size_t record_len(const store_record *rec)
{
	return (size_t)MSG_RECORD_MIN + (rec->tomb ? 0 : rec->tag_len);
}

size_t msg_record_put(uint8_t *out, const store_record *rec)
{
	/* The encoders reject tag_len > REC_TAG_MAX before calling this; the clamp only keeps a
	 * direct caller's mistake inside the MSG_RECORD_MAX bytes it was told to provide. */
	uint8_t tag_len = rec->tag_len <= REC_TAG_MAX ? rec->tag_len : REC_TAG_MAX;

	if (rec->tomb)
		tag_len = 0;   /* a tombstone has no tag: its tag_len byte is REC_TOMBSTONE */

	memcpy(out + REC_OBJ_OFF, rec->obj, THEMIS_ID_LEN);
	memcpy(out + REC_ID_OFF, rec->id, THEMIS_ID_LEN);
	memcpy(out + REC_PK_OFF, rec->pk, THEMIS_PK_LEN);
	be64_put(out + REC_EXPIRY_OFF, rec->expiry);
	memcpy(out + REC_SIG_OFF, rec->sig, sizeof rec->sig);
	addr_put(out + REC_FAMILY_OFF, &rec->addr);
	out[REC_TAGLEN_OFF] = rec->tomb ? REC_TOMBSTONE : tag_len;
	memcpy(out + REC_TAG_OFF, rec->tag, tag_len);
	return (size_t)MSG_RECORD_MIN + tag_len;
}

int msg_record_get(store_record *rec, const uint8_t *p, size_t len)
{
	uint8_t tag_len;

	if (p == NULL || len < MSG_RECORD_MIN)
		return -1;
	tag_len = p[REC_TAGLEN_OFF];
	uint8_t tomb = tag_len == REC_TOMBSTONE;
	if (tomb)
		tag_len = 0;
	if (tag_len > REC_TAG_MAX || len < (size_t)MSG_RECORD_MIN + tag_len)
		return -1;
	if (!addr_ok(p + REC_FAMILY_OFF))
		return -1;
	/* Zeroing first leaves the unused tag bytes and expires_at (local, never on the wire)
	 * at 0, so two decodes of the same bytes compare equal. */
	memset(rec, 0, sizeof *rec);
	memcpy(rec->obj, p + REC_OBJ_OFF, THEMIS_ID_LEN);
	memcpy(rec->id, p + REC_ID_OFF, THEMIS_ID_LEN);
	memcpy(rec->pk, p + REC_PK_OFF, THEMIS_PK_LEN);
	rec->expiry = be64_get(p + REC_EXPIRY_OFF);
	memcpy(rec->sig, p + REC_SIG_OFF, sizeof rec->sig);
	addr_get(&rec->addr, p + REC_FAMILY_OFF);
	rec->tag_len = tag_len;
	rec->tomb = tomb;
	memcpy(rec->tag, p + REC_TAG_OFF, tag_len);
	return MSG_RECORD_MIN + tag_len;
}

/* ---- FIND ---- */

int msg_find_encode(uint8_t *out, size_t cap, const msg_find *m)
{
	if (out == NULL || cap < FIND_LEN)
		return -1;
	memcpy(out, m->target, RING_POS_LEN);
	be16_put(out + RING_POS_LEN, m->offset);
	return FIND_LEN;
}

int msg_find_decode(msg_find *m, const uint8_t *p, size_t len, unsigned ring_m)
{
	if (p == NULL || len != FIND_LEN || !ring_m_ok(ring_m))
		return -1;
	/* The full id travels (not only its first m bits): on a small ring distinct objects may
	 * share a position, and the owner returns the records of exactly this object. */
	memcpy(m->target, p, RING_POS_LEN);
	m->offset = be16_get(p + RING_POS_LEN);
	return 0;
}

/* ---- STORE ---- */

int msg_store_encode(uint8_t *out, size_t cap, const msg_store *m)
{
	size_t n;

	if (out == NULL || !record_ok(&m->rec))
		return -1;
	n = STORE_TTL_LEN + record_len(&m->rec);
	if (cap < n)
		return -1;
	be64_put(out, m->ttl_ns);
	msg_record_put(out + STORE_TTL_LEN, &m->rec);
	return (int)n;
}

int msg_store_decode(msg_store *m, const uint8_t *p, size_t len)
{
	int used;

	if (p == NULL || len < STORE_TTL_LEN)
		return -1;
	used = msg_record_get(&m->rec, p + STORE_TTL_LEN, len - STORE_TTL_LEN);
	/* Exact length: the record must end where the body ends. */
	if (used < 0 || (size_t)used != len - STORE_TTL_LEN)
		return -1;
	m->ttl_ns = be64_get(p);
	return 0;
}

/* ---- status ---- */

int msg_status_encode(uint8_t *out, size_t cap, uint8_t status)
{
	if (out == NULL || cap < 1 || status > ST_STALE)
		return -1;
	out[0] = status;
	return 1;
}

int msg_status_decode(uint8_t *status, const uint8_t *p, size_t len)
{
	if (p == NULL || len != 1 || p[0] > ST_STALE)
		return -1;
	*status = p[0];
	return 0;
}

/* ---- node and record lists ---- */

int msg_lists_encode(uint8_t *out, size_t cap, const msg_lists *m, size_t *nrec_written)
{
	size_t limit = cap < FRAME_BODY_MAX ? cap : FRAME_BODY_MAX;
	size_t pos, mid, i;

	if (nrec_written != NULL)
		*nrec_written = 0;
	if (out == NULL || m->nnodes > MSG_MAX_NODES || m->nrec > MSG_MAX_RECORDS || m->more > 1)
		return -1;
	for (i = 0; i < m->nnodes; i++)
		if (!family_ok(m->nodes[i].addr.family))
			return -1;
	for (i = 0; i < m->nrec; i++)
		if (!record_ok(&m->rec[i]))
			return -1;

	/* The nodes are the answer's routing content and are never cut: if they do not fit,
	 * the caller has to send fewer, not a silently shorter list. */
	pos = LISTS_HEAD_LEN + (size_t)m->nnodes * MSG_NODE_LEN;
	if (pos + LISTS_MID_LEN > limit)
		return -1;
	out[0] = m->kind;
	out[1] = m->nnodes;
	for (i = 0; i < m->nnodes; i++)
		msg_node_put(out + LISTS_HEAD_LEN + i * MSG_NODE_LEN, &m->nodes[i]);
	mid = pos;
	pos += LISTS_MID_LEN;

	/* Records go in order and stop at the first that does not fit, so the receiver can page
	 * on from offset + nrec (FIND) or ask TRANSFER for the rest without gaps. */
	for (i = 0; i < m->nrec; i++) {
		size_t n = record_len(&m->rec[i]);

		if (pos + n > limit)
			break;
		msg_record_put(out + pos, &m->rec[i]);
		pos += n;
	}
	out[mid] = (uint8_t)i;
	out[mid + 1] = i < m->nrec ? 1 : m->more;
	if (nrec_written != NULL)
		*nrec_written = i;
	return (int)pos;
}

int msg_nodes_encode(uint8_t *out, size_t cap, uint8_t kind, const ring_node *const *nodes, size_t n)
{
	size_t limit = cap < FRAME_BODY_MAX ? cap : FRAME_BODY_MAX;
	size_t pos = LISTS_HEAD_LEN + n * MSG_NODE_LEN;

	if (out == NULL || n > MSG_MAX_NODES || pos + LISTS_MID_LEN > limit)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!family_ok(nodes[i]->addr.family))
			return -1;
	out[0] = kind;
	out[1] = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		msg_node_put(out + LISTS_HEAD_LEN + i * MSG_NODE_LEN, nodes[i]);
	out[pos] = 0;       /* nrec */
	out[pos + 1] = 0;   /* more */
	return (int)(pos + LISTS_MID_LEN);
}

int msg_lists_decode(msg_lists *m, const uint8_t *p, size_t len, unsigned ring_m)
{
	size_t pos;
	uint8_t nnodes, nrec, more;

	/* A list body never exceeds one frame's body (the encoder cuts at FRAME_BODY_MAX), so
	 * anything longer is not a body this codec produces. kind is not checked here: its
	 * meaning depends on the frame type, which only the caller knows. */
	if (p == NULL || !ring_m_ok(ring_m) || len < LISTS_HEAD_LEN + LISTS_MID_LEN ||
	    len > FRAME_BODY_MAX)
		return -1;
	nnodes = p[1];
	if (nnodes > MSG_MAX_NODES)
		return -1;
	pos = LISTS_HEAD_LEN + (size_t)nnodes * MSG_NODE_LEN;
	if (len < pos + LISTS_MID_LEN)
		return -1;
	nrec = p[pos];
	more = p[pos + 1];
	if (nrec > MSG_MAX_RECORDS || more > 1)
		return -1;

	/* Only the counts and what they cover are written (each entry in full by its getter):
	 * zeroing the whole struct, kilobytes of unused entries, was 2 % of a large run. */
	m->kind = p[0];
	m->nnodes = nnodes;
	m->nrec = nrec;
	m->more = more;
	for (size_t i = 0; i < nnodes; i++)
		if (msg_node_get(&m->nodes[i], p + LISTS_HEAD_LEN + i * MSG_NODE_LEN, ring_m) != 0)
			return -1;
	pos += LISTS_MID_LEN;
	for (size_t i = 0; i < nrec; i++) {
		int used = msg_record_get(&m->rec[i], p + pos, len - pos);

		if (used < 0)
			return -1;
		pos += (size_t)used;
	}
	/* Exact length: trailing bytes would be a second, unsigned channel. */
	return pos == len ? 0 : -1;
}
