/* appauth-check.c: the "check" half of the paper's example (section 8): an authorization
 * service that registers itself as "check" in the mesh and answers "check USER" requests on
 * a plain UDP socket at its mesh port + 1000 (the convention both examples share).
 *
 *   appauth-check NETWORK ADDR:PORT KEYFILE [BOOTSTRAP]
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "themis_embed.h"

enum { APP_PORT_OFFSET = 1000 };

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	char err[512], hex[65];
	const char *boot[1];
	themis_service *svc;
	struct sockaddr_in sin;
	int fd;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: appauth-check NETWORK ADDR:PORT KEYFILE [BOOTSTRAP]\n");
		return 2;
	}
	boot[0] = argc == 5 ? argv[4] : NULL;
	svc = themis_service_start(argv[1], argv[2], boot, argc == 5 ? 1 : 0, argv[3], err, sizeof err);
	if (!svc) {
		fprintf(stderr, "appauth-check: %s\n", err);
		return 1;
	}
	if (themis_service_register(svc, "check", 20000) != 0) {
		fprintf(stderr, "appauth-check: could not register \"check\" within 20 s\n");
		themis_service_stop(svc, 2000);
		return 1;
	}
	themis_addr me = themis_service_addr(svc);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	memcpy(&sin.sin_addr, me.addr, 4);
	sin.sin_port = htons((uint16_t)(me.port + APP_PORT_OFFSET));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		perror("appauth-check: app socket");
		themis_service_stop(svc, 2000);
		return 1;
	}
	printf("check registered: id %s, requests on port %u\n",
	       themis_hex(themis_service_id(svc), 32, hex), me.port + APP_PORT_OFFSET);
	fflush(stdout);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	while (!stop) {
		struct pollfd p[2] = { { .fd = themis_service_fd(svc), .events = POLLIN },
				       { .fd = fd, .events = POLLIN } };
		/* The mesh needs its timers even when idle: wake at least every 100 ms. */
		poll(p, 2, 100);
		themis_service_step(svc, 0);
		if (p[1].revents & POLLIN) {
			char buf[256], out[300];
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &fl);
			if (n <= 0)
				continue;
			buf[n] = 0;
			/* The application's own rule; the mesh only found us. */
			int ok = strncmp(buf, "check ", 6) == 0 && strcmp(buf + 6, "mallory") != 0;
			int m = snprintf(out, sizeof out, "%s %s", ok ? "allow" : "deny", n > 6 ? buf + 6 : "");
			sendto(fd, out, (size_t)m, 0, (struct sockaddr *)&from, fl);
		}
	}
	close(fd);
	themis_service_stop(svc, 2000);
	return 0;
}
