/* make_corpus_msg.c: writes the seed corpus of fuzz_msg into DIR/msg/: valid bodies built
 * with the msg.c encoders and the malformed forms docs/protocol.md section 12 says to reject,
 * each behind the selector byte fuzz_msg reads first. Deterministic; it only writes files.
 *   cc -std=c11 -D_DEFAULT_SOURCE -Icore/include -Icore -Icore/channel -Icore/dht tests/fuzz/make_corpus_msg.c \
 *      core/dht/msg.c core/channel/ident.c core/channel/crypto.c -lsodium -o build/make_corpus_msg && \
 *      build/make_corpus_msg tests/fuzz/corpus
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "msg.h"

/* Selector bytes of fuzz_msg: decoder = b % 6, ring size index = (b / 6) % 4 (256, 8, 13, 160). */
enum { SEL_FIND, SEL_STORE, SEL_STATUS, SEL_LISTS, SEL_NODE, SEL_RECORD };
enum { RING_13 = 2 * 6 };

static const char *root;
static uint8_t buf[1 + 2 * FRAME_BODY_MAX];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 29 * i + 3);
}

/* Writes selector || body (the body already at buf + 1). */
static void put(const char *name, uint8_t sel, size_t len)
{
	char path[1024];
	FILE *f;

	buf[0] = sel;
	snprintf(path, sizeof path, "%s/msg/%s", root, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(buf, 1, len + 1, f) != len + 1 || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void node(ring_node *rn, uint8_t seed, int v6)
{
	memset(rn, 0, sizeof *rn);
	fill(rn->id, sizeof rn->id, seed);
	rn->addr.family = v6 ? 6 : 4;
	fill(rn->addr.addr, v6 ? 16 : 4, (uint8_t)(seed + 1));
	rn->addr.port = (uint16_t)(4000 + seed);
}

static void record(store_record *r, uint8_t seed, const char *tag)
{
	memset(r, 0, sizeof *r);
	fill(r->obj, 32, seed);
	fill(r->id, 32, (uint8_t)(seed + 1));
	fill(r->pk, 32, (uint8_t)(seed + 2));
	r->expiry = 1000000007ull * seed;
	fill(r->sig, 64, (uint8_t)(seed + 3));
	r->addr.family = 4;
	fill(r->addr.addr, 4, seed);
	r->addr.port = 8080;
	r->tag_len = (uint8_t)strlen(tag);
	memcpy(r->tag, tag, r->tag_len);
}

int main(int argc, char **argv)
{
	char dir[1024];
	msg_find f;
	msg_store s;
	msg_lists m;
	size_t nw;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	root = argv[1];
	snprintf(dir, sizeof dir, "%s/msg", root);
	if ((mkdir(root, 0755) != 0 && errno != EEXIST) || (mkdir(dir, 0755) != 0 && errno != EEXIST)) {
		perror(dir);
		return 1;
	}

	memset(&f, 0, sizeof f);
	fill(f.target, 32, 1);
	f.offset = 3;
	n = msg_find_encode(buf + 1, sizeof buf - 1, &f);
	put("valid-find", SEL_FIND, (size_t)n);
	put("valid-find-full-target-m13", SEL_FIND + RING_13, (size_t)n);

	memset(&s, 0, sizeof s);
	s.ttl_ns = 3600000000000ull;
	record(&s.rec, 2, "canary");
	n = msg_store_encode(buf + 1, sizeof buf - 1, &s);
	put("valid-store-tagged", SEL_STORE, (size_t)n);
	buf[1 + (size_t)n] = 0;
	put("bad-store-trailing", SEL_STORE, (size_t)n + 1);
	put("bad-store-truncated", SEL_STORE, (size_t)n - 1);
	buf[1 + 8 + 187] = 17;
	put("bad-store-taglen17", SEL_STORE, (size_t)n);

	buf[1] = ST_STALE;
	put("valid-status", SEL_STATUS, 1);
	buf[1] = ST_STALE + 1;
	put("bad-status-value", SEL_STATUS, 1);

	memset(&m, 0, sizeof m);
	m.kind = FIND_OWNER;
	m.nnodes = 2;
	node(&m.nodes[0], 10, 0);
	node(&m.nodes[1], 11, 1);
	m.nrec = 2;
	record(&m.rec[0], 20, "");
	record(&m.rec[1], 21, "v2");
	n = msg_lists_encode(buf + 1, sizeof buf - 1, &m, &nw);
	put("valid-lists-owner", SEL_LISTS, (size_t)n);
	put("valid-lists-owner-m13", SEL_LISTS + RING_13, (size_t)n);
	buf[1 + 2 + 2 * 51 + 1] = 2;
	put("bad-lists-more2", SEL_LISTS, (size_t)n);
	buf[1 + 2 + 2 * 51 + 1] = 0;
	buf[1 + 2 + 32] = 5;
	put("bad-lists-family", SEL_LISTS, (size_t)n);
	buf[1 + 2 + 32] = 4;
	buf[1 + 2 + 40] = 1;
	put("bad-lists-v4-padding", SEL_LISTS, (size_t)n);

	/* The most nodes one list may carry, and the records cut by room after them. */
	m.kind = 1;
	m.nnodes = MSG_MAX_NODES;
	for (size_t i = 0; i < MSG_MAX_NODES; i++)
		node(&m.nodes[i], (uint8_t)(30 + i), i % 2);
	m.nrec = 3;
	record(&m.rec[2], 22, "");
	n = msg_lists_encode(buf + 1, sizeof buf - 1, &m, &nw);
	put("valid-lists-full", SEL_LISTS, (size_t)n);
	buf[2] = MSG_MAX_NODES + 1;
	put("bad-lists-nnodes", SEL_LISTS, (size_t)n);

	node(&m.nodes[0], 40, 1);
	msg_node_put(buf + 1, &m.nodes[0]);
	put("valid-node-v6", SEL_NODE, MSG_NODE_LEN);
	record(&s.rec, 3, "0123456789abcdef");
	n = (int)msg_record_put(buf + 1, &s.rec);
	put("valid-record-maxtag", SEL_RECORD, (size_t)n);
	put("bad-record-short", SEL_RECORD, (size_t)n - 1);
	return 0;
}
