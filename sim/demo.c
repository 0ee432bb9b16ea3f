/* demo.c: a two-node walk-through of the secure channel for newcomers (what `make run` shows
 * until the simulator's showcase takes over). Two real nodes, an in-memory wire, a virtual
 * clock: every datagram is printed as it crosses, then an attacker replays and tampers with
 * them and the drop counters show what the nodes did.
 */
#include <stdio.h>
#include <string.h>

#include "themis.h"

typedef struct demo {
	themis_node *node[2];
	themis_addr addr[2];
	uint64_t rs[2];
	uint64_t now;
	uint8_t last[THEMIS_MAX_PACKET];   /* the last DATA A sent, for the attacker */
	size_t lastlen;
	int quiet;
} demo;

static const char *const names[] = { "alice", "bob" };

static void xrand(void *ctx, uint8_t *buf, size_t len)
{
	uint64_t *s = ctx;
	for (size_t i = 0; i < len; i++) {
		*s = *s * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(*s >> 56);
	}
}

static const char *kind(const uint8_t *p, size_t len)
{
	static const char *const k[] = { "?", "HELLO", "REPLY", "CONFIRM", "DATA", "PLAIN" };
	return len > 1 && p[1] >= 1 && p[1] <= 5 ? k[p[1]] : "?";
}

static const char *explain(const uint8_t *p)
{
	switch (p[1]) {
	case 1: return "signed ephemeral key + nonce, naming the id it wants to reach";
	case 2: return "signed over the whole transcript + key confirmation conf_B";
	case 3: return "conf_A proves alice derived the same keys";
	case 4: return "ChaCha20-Poly1305 under a directional key, counter as nonce";
	default: return "";
	}
}

static void pump(demo *d)
{
	uint8_t buf[THEMIS_MAX_PACKET];
	themis_addr to;
	themis_event ev;
	int len, moved = 1;

	while (moved) {
		moved = 0;
		for (int i = 0; i < 2; i++) {
			while (themis_node_poll_event(d->node[i], &ev)) {
				if (ev.kind == THEMIS_EV_SESSION_UP)
					printf("  %s: secure session with %s is up\n", names[i], names[1 - i]);
				else if (ev.kind == THEMIS_EV_OP_DONE)
					printf("  %s: PING %s, round trip %.3f ms (instant in-memory wire)\n", names[i],
					       ev.ok ? "answered" : "FAILED",
					       (double)(ev.t_end_ns - ev.t_start_ns) / 1e6);
			}
			while ((len = themis_node_poll_send(d->node[i], &to, buf, sizeof buf)) > 0) {
				moved = 1;
				printf("  %-5s -> %-5s %-7s %4d bytes  %s\n", names[i], names[1 - i],
				       kind(buf, (size_t)len), len, explain(buf));
				if (i == 0 && buf[1] == 4) {
					memcpy(d->last, buf, (size_t)len);
					d->lastlen = (size_t)len;
				}
				themis_node_recv(d->node[1 - i], &d->addr[i], buf, (size_t)len, d->now);
			}
		}
	}
}

static void show_drops(const demo *d, int i)
{
	themis_counters c;
	themis_node_counters(d->node[i], &c);
	printf("  %s's drop counters:", names[i]);
	for (int r = 0; r < THEMIS_DROP__COUNT; r++)
		if (c.drops[r])
			printf(" %s=%llu", themis_drop_name((themis_drop)r), (unsigned long long)c.drops[r]);
	printf("\n");
}

int main(void)
{
	demo d;
	themis_config c;
	themis_peer bob;
	char hex[17];

	memset(&d, 0, sizeof d);
	d.now = 1000000000ull;
	for (int i = 0; i < 2; i++) {
		themis_config_default(&c);
		c.network = "demo";
		memset(c.seed, 0xa0 + i, sizeof c.seed);   /* fixed identities: same output every run */
		d.rs[i] = 42 + (uint64_t)i;
		c.rand = xrand;
		c.rand_ctx = &d.rs[i];
		d.addr[i].family = 4;
		d.addr[i].addr[0] = 10;
		d.addr[i].addr[3] = (uint8_t)(i + 1);
		d.addr[i].port = 7000;
		c.self = d.addr[i];
		if (themis_node_new(&d.node[i], &c) != 0) {
			fprintf(stderr, "themis-demo: cannot create node\n");
			return 1;
		}
		printf("%-5s id = %s...  (the hash of its public key and the network name)\n",
		       names[i], themis_hex(themis_node_id(d.node[i]), 8, hex));
	}

	printf("\n1. alice pings bob: a 3-message handshake first, then encrypted DATA\n");
	memcpy(bob.id, themis_node_id(d.node[1]), THEMIS_ID_LEN);
	bob.addr = d.addr[1];
	themis_ping(d.node[0], &bob, d.now);
	pump(&d);

	printf("\n2. a second ping reuses the session: no handshake\n");
	d.now += 1000000;
	themis_ping(d.node[0], &bob, d.now);
	pump(&d);

	printf("\n3. an attacker replays alice's last DATA to bob, then flips one bit of it\n");
	themis_node_recv(d.node[1], &d.addr[0], d.last, d.lastlen, d.now);
	d.last[20] ^= 1;
	themis_node_recv(d.node[1], &d.addr[0], d.last, d.lastlen, d.now);
	show_drops(&d, 1);

	printf("\n4. garbage from the network is dropped before any cryptography\n");
	themis_node_recv(d.node[1], &d.addr[0], (const uint8_t *)"hello?", 6, d.now);
	show_drops(&d, 1);

	printf("\nNothing above read a clock or an OS random source: the core is sans-I/O.\n"
	       "Next: `make test` runs the test suite; docs/ explains the protocol.\n");
	themis_node_del(d.node[0]);
	themis_node_del(d.node[1]);
	return 0;
}
