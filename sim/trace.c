/* trace.c: hashed trace records and their human-readable lines. A record holds simulated
 * time, node indexes, a kind and the datagram bytes: never pointers, wall clock or table
 * order, so the same scenario and seed hash the same on every machine.
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

void sim_trace_init(sim_trace *tr, FILE *out)
{
	memset(tr, 0, sizeof *tr);
	tr->out = out;
	crypto_generichash_init(&tr->h, NULL, 0, 32);
}

static void put_hdr(sim_trace *tr, uint64_t t, uint8_t kind, uint32_t a, uint32_t b, uint32_t len)
{
	uint8_t r[21];
	for (int i = 0; i < 8; i++)
		r[i] = (uint8_t)(t >> (56 - 8 * i));
	r[8] = kind;
	for (int i = 0; i < 4; i++) {
		r[9 + i] = (uint8_t)(a >> (24 - 8 * i));
		r[13 + i] = (uint8_t)(b >> (24 - 8 * i));
		r[17 + i] = (uint8_t)(len >> (24 - 8 * i));
	}
	crypto_generichash_update(&tr->h, r, sizeof r);
	tr->records++;
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
		/* PLAIN is unprotected, so its frame header is readable: type and req_id */
		if (len >= 53) {
			snprintf(out, n, "PLAIN ctr=%llu frame=%u req=%llu %zuB",
				 (unsigned long long)be64(p + 36), p[44],
				 (unsigned long long)be64(p + 45), len);
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

static void stamp(FILE *f, uint64_t t)
{
	fprintf(f, "[%4llu.%06llu] ", (unsigned long long)(t / 1000000000u),
		(unsigned long long)(t % 1000000000u / 1000u));
}

static void node_name(char *out, size_t n, uint32_t node)
{
	if (node == SIM_NODE_NONE)
		snprintf(out, n, "--");
	else
		snprintf(out, n, "n%u", node);
}

void sim_trace_dgram(sim_trace *tr, uint64_t t, sim_tr_kind kind, uint32_t from, uint32_t to,
		     const uint8_t *pkt, size_t len)
{
	put_hdr(tr, t, (uint8_t)kind, from, to, (uint32_t)len);
	crypto_generichash_update(&tr->h, pkt, len);
	/* arrivals are hashed but not printed: one line per message, at the moment it is sent */
	if (!tr->out || kind == SIM_TR_DELIVER)
		return;
	char a[16], b[16], d[96];
	node_name(a, sizeof a, from);
	node_name(b, sizeof b, to);
	sim_trace_describe(d, sizeof d, pkt, len);
	stamp(tr->out, t);
	fprintf(tr->out, "%s -> %s %s%s\n", a, b, d, kind_word(kind));
}

void sim_trace_note(sim_trace *tr, uint64_t t, uint32_t node, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof text)
		n = sizeof text - 1;
	put_hdr(tr, t, SIM_TR_NOTE, node, 0, (uint32_t)n);
	crypto_generichash_update(&tr->h, (const uint8_t *)text, (size_t)n);
	if (!tr->out)
		return;
	char a[16];
	node_name(a, sizeof a, node);
	stamp(tr->out, t);
	fprintf(tr->out, "%s %s\n", a, text);
}

void sim_trace_final(sim_trace *tr, char hex[65])
{
	uint8_t h[32];
	crypto_generichash_final(&tr->h, h, sizeof h);
	sodium_bin2hex(hex, 65, h, sizeof h);
}
