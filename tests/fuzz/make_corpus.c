/* make_corpus.c: writes the seed corpus of every wire fuzz target into DIR/<name>/ (hello,
 * reply, confirm, data, plain, frame): a few valid packets built with the encoders and the
 * malformed forms docs/protocol.md says to drop. Deterministic; it only writes files. Rebuild with
 *   cc -std=c11 -D_DEFAULT_SOURCE -Icore/include -Icore -Icore/channel -Icore/dht tests/fuzz/make_corpus.c core/channel/wire.c \
 *      -o build/make_corpus && build/make_corpus tests/fuzz/corpus
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wire.h"

static const char *root;

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + 29 * i + 3);
}

static void put(const char *dir, const char *name, const uint8_t *p, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/%s", root, dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The malformed variants every packet type shares: truncated, one byte long, bad version,
 * unknown type, reserved byte set. */
static void put_bad_forms(const char *dir, const uint8_t *pkt, size_t len)
{
	uint8_t buf[DATA_MAX_LEN + 1];

	put(dir, "bad-truncated", pkt, len - 1);
	put(dir, "bad-header-only", pkt, WIRE_HDR_LEN);
	memcpy(buf, pkt, len);
	buf[0] = 2;
	put(dir, "bad-version", buf, len);
	memcpy(buf, pkt, len);
	buf[1] = 6;
	put(dir, "bad-type", buf, len);
	memcpy(buf, pkt, len);
	buf[3] = 1;
	put(dir, "bad-reserved", buf, len);
}

static void hello(void)
{
	wire_hello h;
	uint8_t pkt[HELLO_LEN + 1];

	memset(&h, 0, sizeof h);
	h.idx_a = 1;
	fill(h.net, 32, 1);
	fill(h.pk_a, 32, 2);
	fill(h.e_a, 32, 3);
	fill(h.n_a, 32, 4);
	fill(h.id_b, 32, 5);
	fill(h.sig, 64, 6);
	wire_hello_encode(pkt, &h);
	put("hello", "valid-1", pkt, HELLO_LEN);
	h.idx_a = 0xffffffffu;
	memset(h.sig, 0, sizeof h.sig);
	wire_hello_encode(pkt, &h);
	put("hello", "valid-2", pkt, HELLO_LEN);
	put_bad_forms("hello", pkt, HELLO_LEN);
	pkt[HELLO_PAD_OFF + 23] = 1;
	put("hello", "bad-padding", pkt, HELLO_LEN);
	pkt[HELLO_PAD_OFF + 23] = 0;
	pkt[HELLO_LEN] = 0;
	put("hello", "bad-long", pkt, HELLO_LEN + 1);
}

static void reply(void)
{
	wire_reply r;
	uint8_t pkt[REPLY_LEN + 1];

	memset(&r, 0, sizeof r);
	r.idx_b = 7;
	r.idx_a = 1;
	fill(r.pk_b, 32, 7);
	fill(r.e_b, 32, 8);
	fill(r.n_b, 32, 9);
	fill(r.id_a, 32, 10);
	fill(r.sig, 64, 11);
	fill(r.conf, 32, 12);
	wire_reply_encode(pkt, &r);
	put("reply", "valid-1", pkt, REPLY_LEN);
	put_bad_forms("reply", pkt, REPLY_LEN);
	pkt[REPLY_LEN] = 0;
	put("reply", "bad-long", pkt, REPLY_LEN + 1);
}

static void confirm(void)
{
	wire_confirm c;
	uint8_t pkt[CONFIRM_LEN + 1];

	memset(&c, 0, sizeof c);
	c.idx_a = 1;
	c.idx_b = 7;
	fill(c.conf, 32, 13);
	wire_confirm_encode(pkt, &c);
	put("confirm", "valid-1", pkt, CONFIRM_LEN);
	put_bad_forms("confirm", pkt, CONFIRM_LEN);
	pkt[CONFIRM_LEN] = 0;
	put("confirm", "bad-long", pkt, CONFIRM_LEN + 1);
}

static void data(void)
{
	uint8_t pkt[DATA_MAX_LEN + 1];

	fill(pkt, sizeof pkt, 14);
	wire_data_header(pkt, 7, 0);
	put("data", "valid-min", pkt, DATA_MIN_LEN);
	wire_data_header(pkt, 7, 0x0102030405060708ull);
	put("data", "valid-100", pkt, 100);
	put_bad_forms("data", pkt, DATA_MIN_LEN);
	put("data", "bad-long", pkt, DATA_MAX_LEN + 1);
}

static void plain(void)
{
	uint8_t pkt[PLAIN_MAX_LEN + 1], id[32];

	fill(pkt, sizeof pkt, 15);
	fill(id, sizeof id, 16);
	wire_plain_header(pkt, id, 0);
	put("plain", "valid-min", pkt, PLAIN_MIN_LEN);
	wire_plain_header(pkt, id, 99);
	put("plain", "valid-120", pkt, 120);
	put_bad_forms("plain", pkt, PLAIN_MIN_LEN);
	put("plain", "bad-long", pkt, PLAIN_MAX_LEN + 1);
}

static void frame(void)
{
	uint8_t buf[FRAME_MAX_LEN + 1];

	fill(buf, sizeof buf, 17);
	wire_frame_header(buf, 1, 0);
	put("frame", "valid-empty", buf, FRAME_HDR_LEN);
	wire_frame_header(buf, 2, 0x1122334455667788ull);
	put("frame", "valid-40", buf, 40);
	put("frame", "bad-short", buf, FRAME_HDR_LEN - 1);
	put("frame", "bad-empty", buf, 0);
	put("frame", "bad-long", buf, FRAME_MAX_LEN + 1);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	root = argv[1];
	if (mkdir(root, 0755) != 0 && errno != EEXIST) {
		perror(root);
		return 1;
	}
	hello();
	reply();
	confirm();
	data();
	plain();
	frame();
	return 0;
}
