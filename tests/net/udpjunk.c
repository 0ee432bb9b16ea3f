/* udpjunk.c: a hostile UDP sender for the network tests. Each round sends a daemon random
 * bytes, truncated and oversized packets, a HELLO for another network, and a valid HELLO
 * from a fresh throwaway identity twice (the copy is a replay); the daemon must drop each and
 * count it.
 *
 *   udpjunk ADDR:PORT NETWORK TARGET_ID_HEX [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "key.h"

static int fd = -1;
static struct sockaddr_storage dst;
static socklen_t dstlen;

static void shoot(const uint8_t *b, size_t n)
{
	if (sendto(fd, b, n, 0, (struct sockaddr *)&dst, dstlen) < 0)
		perror("udpjunk: sendto");
	usleep(300);   /* stay under the loopback socket buffer */
}

/* One HELLO from a throwaway node of `network` to target, taken from the core's outbox. */
static int make_hello(const char *network, const themis_peer *target, uint8_t *out)
{
	themis_config c;
	themis_node *n;
	themis_addr to;
	int len;

	themis_config_default(&c);
	c.network = network;
	c.rand = os_random;
	os_random(NULL, c.seed, sizeof c.seed);
	if (themis_node_new(&n, &c) != 0)
		return -1;
	key_wipe(c.seed, sizeof c.seed);
	themis_ping(n, target, 1);
	len = themis_node_poll_send(n, &to, out, THEMIS_MAX_PACKET);
	themis_node_del(n);
	return len;
}

int main(int argc, char **argv)
{
	uint8_t buf[4096];
	themis_peer target;
	int len;

	int rounds = argc == 5 ? atoi(argv[4]) : 1;

	if (argc < 4 || argc > 5 || rounds < 1 || addr_parse(argv[1], &target.addr) != 0 ||
	    strlen(argv[3]) != 64 || hex_decode(argv[3], target.id, THEMIS_ID_LEN) != 0) {
		fprintf(stderr, "usage: udpjunk ADDR:PORT NETWORK TARGET_ID_HEX [ROUNDS]\n");
		return 2;
	}
	dstlen = addr_to_sockaddr(&target.addr, target.addr.family == 6 ? AF_INET6 : AF_INET, &dst);
	fd = socket(target.addr.family == 6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	for (int round = 0; round < rounds; round++) {
	for (int i = 0; i < 20; i++) {   /* random garbage of random sizes */
		os_random(NULL, buf, sizeof buf);
		shoot(buf, 1 + buf[0] % 1200);
	}
	/* a header that claims HELLO, truncated at every few bytes */
	memset(buf, 0, sizeof buf);
	buf[0] = 1;
	buf[1] = 1;
	for (size_t n = 1; n < 256; n += 37)
		shoot(buf, n);
	shoot(buf, sizeof buf);   /* oversized: larger than any THEMIS packet */
	len = make_hello("not-this-network", &target, buf);
	if (len > 0)
		shoot(buf, (size_t)len);
	len = make_hello(argv[2], &target, buf);
	if (len <= 0) {
		fprintf(stderr, "udpjunk: could not build a HELLO\n");
		return 1;
	}
	shoot(buf, (size_t)len);
	shoot(buf, (size_t)len);   /* the same HELLO again: a replay */
	}
	close(fd);
	printf("udpjunk: sent %d rounds of 20 random, 7 truncated, 1 oversized, 1 wrong-network, "
	       "1 HELLO + 1 replay\n", rounds);
	return 0;
}
