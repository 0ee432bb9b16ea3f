/* peek.c: the DHT message inside a DATA packet, for --trace. The simulator drives nodes through
 * the published headers; to name the message it has the core open a copy of the packet with
 * the receiving node's session keys (themis_node_peek_data, themis_sim.h), which leaves the
 * session's replay window, the node's counters and the CPU model untouched. It runs only
 * when a trace line is printed, and nothing it finds reaches the trace hash or the run.
 */
#include "peek.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "themis_codec.h"
#include "themis_sim.h"

int sim_peek_data(const themis_node *rx, const uint8_t *pkt, size_t len, uint8_t *frame, size_t cap)
{
	return themis_node_peek_data(rx, pkt, len, frame, cap);
}

int sim_peek_plain(const uint8_t *pkt, size_t len, const uint8_t **frame)
{
	return themis_codec_plain_frame(pkt, len, frame);
}

static const char *type_name(uint8_t t)
{
	static const char *const req[] = { NULL, "PING", "FIND", "STORE", "JOIN", "UPDATE", "LEAVE",
					   "GET_SUCC", "TRANSFER", "REPLICATE" };
	static const char *const resp[] = { NULL, "PONG", "FIND_R", "STORE_R", "JOIN_R", "UPDATE_R",
					    "LEAVE_R", "GET_SUCC_R", "TRANSFER_R", "REPLICATE_R" };
	uint8_t base = t & 0x7f;
	if (base == 0 || base >= sizeof req / sizeof req[0])
		return NULL;
	return t & 0x80 ? resp[base] : req[base];
}

static const char *status_name(uint8_t st)
{
	static const char *const n[] = { "OK", "NOT_RESPONSIBLE", "FULL", "BAD_SIG", "BAD_RECORD",
					 "COLLISION", "STALE" };
	return st < sizeof n / sizeof n[0] ? n[st] : "?";
}

static const char *find_kind(uint8_t k)
{
	static const char *const n[] = { "?", "OWNER", "SUCC", "NEXT", "NODE", "GONE" };
	return k < sizeof n / sizeof n[0] ? n[k] : "?";
}

/* Appends printf output to out at *used, never past n. */
static void add(char *out, size_t n, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *out, size_t n, size_t *used, const char *fmt, ...)
{
	if (*used >= n)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(out + *used, n - *used, fmt, ap);
	va_end(ap);
	if (w > 0)
		*used += (size_t)w < n - *used ? (size_t)w : n - *used - 1;
}

/* A ring position as --positions prints it: the first m bits in hex (at most 16 digits). */
static void add_pos(char *out, size_t n, size_t *used, const uint8_t id[THEMIS_ID_LEN], unsigned m)
{
	uint8_t pos[THEMIS_ID_LEN];
	char hex[2 * THEMIS_ID_LEN + 1];
	unsigned digits = (m + 3) / 4 < 16 ? (m + 3) / 4 : 16;
	themis_ring_pos(id, m, pos);
	themis_hex(pos, THEMIS_ID_LEN, hex);
	hex[digits] = 0;
	add(out, n, used, "0x%s", hex);
}

/* A node of a lists body: its simulator name, else its position. */
static void add_node(char *out, size_t n, size_t *used, const uint8_t id[THEMIS_ID_LEN], unsigned m,
		     sim_peek_name_fn name, void *ctx)
{
	char nm[24];
	if (name && name(ctx, id, nm, sizeof nm) == 0)
		add(out, n, used, " %s", nm);
	else {
		add(out, n, used, " ");
		add_pos(out, n, used, id, m);
	}
}

/* The lists body (docs/protocol.md 12.7): kind || nnodes || nodes || nrec || more || records. Only
 * the counts and the node ids are read; a body too short for what it claims says so. */
static void add_lists(char *out, size_t n, size_t *used, uint8_t type, const uint8_t *b, size_t bl,
		      unsigned m, sim_peek_name_fn name, void *ctx)
{
	enum { NODE_LEN = 51 };
	if (bl < 2) {
		add(out, n, used, " (short)");
		return;
	}
	uint8_t kind = b[0], nn = b[1];
	switch (type & 0x7f) {
	case 0x02: add(out, n, used, " %s", find_kind(kind)); break;                 /* FIND_R */
	case 0x04: add(out, n, used, " %s", status_name(kind)); break;               /* JOIN_R */
	case 0x06:                                                                    /* LEAVE(_R) */
		if (type & 0x80)
			add(out, n, used, " %s", status_name(kind));
		else
			add(out, n, used, " %s", kind == 1 ? "TO_SUCC" : kind == 2 ? "TO_PRED" : "?");
		break;
	case 0x05:                                                                    /* UPDATE_R */
		add(out, n, used, " %s", kind == 0 ? "no-pred" : kind == 1 ? "pred" : "nearer+pred");
		break;
	default: break;
	}
	if ((size_t)2 + (size_t)nn * NODE_LEN + 2 > bl) {
		add(out, n, used, " (short)");
		return;
	}
	if (nn)
		add(out, n, used, " nodes:");
	for (unsigned i = 0; i < nn; i++)
		add_node(out, n, used, b + 2 + (size_t)i * NODE_LEN, m, name, ctx);
	uint8_t nrec = b[2 + (size_t)nn * NODE_LEN], more = b[3 + (size_t)nn * NODE_LEN];
	if (nrec || more)
		add(out, n, used, " records:%u%s", nrec, more ? "+more" : "");
}

void sim_frame_describe(char *out, size_t n, const uint8_t *f, size_t flen, unsigned m,
			sim_peek_name_fn name, void *ctx)
{
	size_t used = 0;
	if (n == 0)
		return;
	out[0] = 0;
	if (flen < THEMIS_FRAME_HDR_LEN) {
		add(out, n, &used, "(short frame)");
		return;
	}
	uint8_t t = f[0];
	uint64_t req = 0;
	for (int i = 1; i < 9; i++)
		req = req << 8 | f[i];
	const uint8_t *b = f + THEMIS_FRAME_HDR_LEN;
	size_t bl = flen - THEMIS_FRAME_HDR_LEN;
	const char *tn = type_name(t);
	/* the request id's low 24 bits pair a request with its answer; all 64 made lines long */
	if (tn)
		add(out, n, &used, "%s req=%06llx", tn, (unsigned long long)(req & 0xffffff));
	else
		add(out, n, &used, "type=0x%02x req=%06llx", t, (unsigned long long)(req & 0xffffff));
	switch (t) {
	case 0x02:   /* FIND: target || offset */
		if (bl >= THEMIS_ID_LEN + 2) {
			char nm[24];
			add(out, n, &used, " target=");
			add_pos(out, n, &used, b, m);
			if (name && name(ctx, b, nm, sizeof nm) == 0)
				add(out, n, &used, " (%s)", nm);
			if (b[32] || b[33])
				add(out, n, &used, " offset=%u", (unsigned)b[32] << 8 | b[33]);
		}
		break;
	case 0x03:   /* STORE: ttl || record (the record's object id first) */
		if (bl >= 8 + THEMIS_ID_LEN) {
			add(out, n, &used, " object=");
			add_pos(out, n, &used, b + 8, m);
		}
		break;
	case 0x83:   /* STORE_R, REPLICATE_R: a status */
	case 0x89:
		if (bl >= 1)
			add(out, n, &used, " %s", status_name(b[0]));
		break;
	case 0x82: case 0x84: case 0x85: case 0x06: case 0x86: case 0x87: case 0x88: case 0x09:
		add_lists(out, n, &used, t, b, bl, m, name, ctx);
		break;
	default:
		break;
	}
}
