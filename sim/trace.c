/* trace.c: hashed trace records and their human-readable lines. A record holds simulated
 * time, node indexes, a kind and the datagram bytes: never pointers, wall clock or table
 * order, so the same scenario and seed hash the same on every machine.
 *
 * The hash is a fingerprint, not a security primitive: nobody attacks it, it only has to
 * change when the trace changes. Every datagram's bytes are hashed once, when sent (its
 * arrival names that record), and a cryptographic hash cost a tenth of a large run; this is
 * a multiply-and-fold mixer with two independent 64-bit lanes chained over every record (a
 * 128-bit state), 16 bytes a step.
 */
#include "trace.h"

#include <stdarg.h>
#include <string.h>

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/* Odd constants with well spread bits (from the digits of pi and e): each lane's words are
 * masked with its own pair, so the lanes never compute the same products. */
static const uint64_t K[4] = { 0x243f6a8885a308d3ull, 0x13198a2e03707345ull,
			       0xb7e151628aed2a6bull, 0x9e3779b97f4a7c15ull };

/* The 128-bit product of a and b folded to 64 bits: every input bit reaches the middle of
 * the product, and the fold brings the high half back down. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Little-endian by definition (not the host's order): the hash is the same on every machine. */
static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
	       ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40) |
	       ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56);
}

/* One 16-byte step: both lanes (h[0], h[1]) absorb the words (u, v). */
static inline void absorb(uint64_t h[2], uint64_t u, uint64_t v)
{
	uint64_t h0 = mum(u ^ h[0] ^ K[0], v ^ K[1]);
	uint64_t h1 = mum(v ^ h[1] ^ K[2], u ^ K[3]);
	h[0] = h0;
	h[1] = h1;
}

/* The first n < 8 bytes from p as a little-endian word, the rest zero (the zero padding of
 * the last step), assembled in registers: copying them into a zeroed buffer and loading
 * that made the load wait for the byte stores. */
static inline uint64_t le_part(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

/* One record: its header fields, then its bytes (the length is in the header, so the zero
 * padding of the last step cannot make two different records equal). The state is worked
 * on in locals: the bytes may alias it as far as the compiler knows, which kept it going
 * through memory at every step. */
static void put(sim_trace *tr, uint64_t t, uint8_t kind, uint32_t a, uint32_t b,
		const uint8_t *p, size_t len)
{
	uint64_t h[2] = { tr->h[0], tr->h[1] };
	absorb(h, t, ((uint64_t)kind << 32) | (uint32_t)len);
	absorb(h, ((uint64_t)a << 32) | b, tr->records++);
	for (; len >= 16; p += 16, len -= 16)
		absorb(h, le64(p), le64(p + 8));
	if (len >= 8)
		absorb(h, le64(p), le_part(p + 8, len - 8));
	else if (len)
		absorb(h, le_part(p, len), 0);
	tr->h[0] = h[0];
	tr->h[1] = h[1];
}

void sim_trace_init(sim_trace *tr, FILE *out)
{
	memset(tr, 0, sizeof *tr);
	tr->out = out;
	tr->h[0] = K[3];
	tr->h[1] = K[2];
}

int sim_pkt_type(const uint8_t *p, size_t len)
{
	if (len < 4 || p[0] != 1 || p[2] != 0 || p[3] != 0 || p[1] < 1 || p[1] > 5)
		return 0;
	return p[1];
}

void sim_trace_describe(char *out, size_t n, const uint8_t *p, size_t len)
{
	switch (sim_pkt_type(p, len)) {
	case 1:
		if (len >= 8) {
			snprintf(out, n, "HELLO idx=%08x %zuB", be32(p + 4), len);
			return;
		}
		break;
	case 2:
		if (len >= 12) {
			snprintf(out, n, "REPLY idx=%08x->%08x %zuB", be32(p + 8), be32(p + 4), len);
			return;
		}
		break;
	case 3:
		if (len >= 12) {
			snprintf(out, n, "CONFIRM idx=%08x->%08x %zuB", be32(p + 4), be32(p + 8), len);
			return;
		}
		break;
	case 4:
		if (len >= 16) {
			snprintf(out, n, "DATA idx=%08x ctr=%llu %zuB", be32(p + 4),
				 (unsigned long long)be64(p + 8), len);
			return;
		}
		break;
	case 5:
		/* the frame inside (readable: PLAIN is unprotected) is named by tr->peek */
		if (len >= 53) {
			snprintf(out, n, "PLAIN ctr=%llu %zuB", (unsigned long long)be64(p + 36), len);
			return;
		}
		break;
	}
	snprintf(out, n, "?? %zuB", len);
}

static const char *kind_word(sim_tr_kind k)
{
	switch (k) {
	case SIM_TR_SEND: return "";
	case SIM_TR_DELIVER: return " delivered";
	case SIM_TR_LOST: return " LOST";
	case SIM_TR_PARTITIONED: return " PARTITIONED";
	case SIM_TR_DOWN: return " DROPPED(node down)";
	case SIM_TR_ADV_DROP: return " ADV-DROP";
	case SIM_TR_ADV_INJECT: return " ADV-INJECT";
	case SIM_TR_UNROUTABLE: return " UNROUTABLE";
	case SIM_TR_NOTE: return "";
	}
	return "";
}

/* "[   2.000000] ": simulated seconds and microseconds. */
static int stamp(char *out, size_t n, uint64_t t)
{
	return snprintf(out, n, "[%4llu.%06llu] ", (unsigned long long)(t / 1000000000u),
			(unsigned long long)(t % 1000000000u / 1000u));
}

static void node_name(char *out, size_t n, uint32_t node)
{
	if (node == SIM_NODE_NONE)
		snprintf(out, n, "--");
	else
		snprintf(out, n, "n%u", node);
}

/* Every line is made whole and written with one call, so nothing written to the same
 * terminal or file between two trace writes (a warning, the summary) lands inside a line. */
static void print_dgram(const sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from,
			uint32_t to, const uint8_t *pkt, size_t len)
{
	char a[16], b[16], d[96], inside[320] = "", line[512];
	node_name(a, sizeof a, from);
	node_name(b, sizeof b, to);
	sim_trace_describe(d, sizeof d, pkt, len);
	int type = sim_pkt_type(pkt, len);
	if (tr->peek && (type == 4 || type == 5))
		tr->peek(tr->peek_ctx, from, to, pkt, len, inside, sizeof inside);
	int n = stamp(line, sizeof line, t);
	snprintf(line + n, sizeof line - (size_t)n, "%s -> %s %s%s%s\n", a, b, d, inside, kind_word(kind));
	fputs(line, tr->out);
}

uint64_t sim_trace_dgram(sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from,
			 uint32_t to, const uint8_t *pkt, size_t len)
{
	uint64_t rec = tr->records;
	put(tr, t, (uint8_t)kind, from, to, pkt, len);
	if (tr->out)
		print_dgram(tr, t, kind, from, to, pkt, len);
	return rec;
}

/* A record of two steps where a datagram record has its bytes: the second holds the SEND
 * record's number instead of the record's own (the chain already orders the records, and
 * the number names which sending arrived); the kind keeps the two shapes apart. */
void sim_trace_arrival(sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from, uint32_t to,
		       const uint8_t *pkt, size_t len, uint64_t sent)
{
	uint64_t h[2] = { tr->h[0], tr->h[1] };
	absorb(h, t, ((uint64_t)kind << 32) | (uint32_t)len);
	absorb(h, ((uint64_t)from << 32) | to, sent);
	tr->records++;
	tr->h[0] = h[0];
	tr->h[1] = h[1];
	/* arrivals are not printed: one line per message, at the moment it is sent, and a
	 * drop at a failed receiver says so */
	if (tr->out && kind != SIM_TR_DELIVER)
		print_dgram(tr, t, kind, from, to, pkt, len);
}


void sim_trace_note(sim_trace *tr, uint64_t t, uint32_t node, const char *fmt, ...)
{
	char text[SIM_TRACE_NOTE_MAX + 1];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof text)
		n = sizeof text - 1;
	sim_trace_note_text(tr, t, node, text, (size_t)n);
}

void sim_trace_note_text(sim_trace *tr, uint64_t t, uint32_t node, const char *text, size_t len)
{
	if (len > SIM_TRACE_NOTE_MAX)
		len = SIM_TRACE_NOTE_MAX;
	put(tr, t, SIM_TR_NOTE, node, 0, (const uint8_t *)text, len);
	if (!tr->out)
		return;
	char a[16], line[SIM_TRACE_NOTE_MAX + 64];
	node_name(a, sizeof a, node);
	int n = stamp(line, sizeof line, t);
	snprintf(line + n, sizeof line - (size_t)n, "%s %.*s\n", a, (int)len, text);
	fputs(line, tr->out);
}

void sim_trace_observed(sim_trace *tr, uint64_t t, uint32_t node, const char *fmt, ...)
{
	if (!tr->out)
		return;
	char a[16], line[SIM_TRACE_NOTE_MAX + 64];
	va_list ap;
	node_name(a, sizeof a, node);
	int n = stamp(line, sizeof line, t);
	n += snprintf(line + n, sizeof line - (size_t)n, "%s ", a);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	fputs(line, tr->out);
}

void sim_trace_final(sim_trace *tr, char hex[65])
{
	/* 256 bits out, as the runs table and [run] trace_hash have always held: four words
	 * each mixing both lanes and the record count. */
	static const char digit[] = "0123456789abcdef";
	for (int i = 0; i < 4; i++) {
		uint64_t w = mum(tr->h[i & 1] ^ K[i], tr->h[(i + 1) & 1] ^ tr->records ^ K[3 - i]);
		w = mum(w ^ K[(i + 1) & 3], w ^ K[(i + 2) & 3]) ^ w;
		for (int b = 0; b < 16; b++)
			hex[16 * i + b] = digit[(w >> (60 - 4 * b)) & 15];
	}
	hex[64] = 0;
}
