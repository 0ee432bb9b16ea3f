/* appauth-handler.c: the "handler" half of the paper's example (section 8): joins the mesh,
 * discovers an instance of "check" without any registry, prints its id and locator, then
 * asks it "check USER" over plain UDP at the instance's mesh port + 1000.
 *
 *   appauth-handler NETWORK ADDR:PORT KEYFILE BOOTSTRAP USER
 */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "themis_embed.h"

enum { APP_PORT_OFFSET = 1000 };

int main(int argc, char **argv)
{
	char err[512], hex[65], ip[INET_ADDRSTRLEN], req[256], resp[300];
	themis_service *svc;
	themis_record rec;
	struct sockaddr_in to;
	int fd, rc = 1;

	if (argc != 6) {
		fprintf(stderr, "usage: appauth-handler NETWORK ADDR:PORT KEYFILE BOOTSTRAP USER\n");
		return 2;
	}
	const char *boot[1] = { argv[4] };
	svc = themis_service_start(argv[1], argv[2], boot, 1, argv[3], err, sizeof err);
	if (!svc) {
		fprintf(stderr, "appauth-handler: %s\n", err);
		return 1;
	}
	if (themis_service_discover(svc, "check", &rec, 20000) != 0 || rec.node.addr.family != 4) {
		fprintf(stderr, "appauth-handler: no IPv4 instance of \"check\" found within 20 s\n");
		goto out;
	}
	inet_ntop(AF_INET, rec.node.addr.addr, ip, sizeof ip);
	printf("discovered check: id %s at %s:%u\n", themis_hex(rec.node.id, 32, hex), ip, rec.node.addr.port);
	memset(&to, 0, sizeof to);
	to.sin_family = AF_INET;
	memcpy(&to.sin_addr, rec.node.addr.addr, 4);
	to.sin_port = htons((uint16_t)(rec.node.addr.port + APP_PORT_OFFSET));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	int n = snprintf(req, sizeof req, "check %s", argv[5]);
	for (int attempt = 0; fd >= 0 && attempt < 5 && rc; attempt++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		sendto(fd, req, (size_t)n, 0, (struct sockaddr *)&to, sizeof to);
		if (poll(&p, 1, 1000) == 1) {
			ssize_t m = recv(fd, resp, sizeof resp - 1, 0);
			if (m > 0) {
				resp[m] = 0;
				printf("check says: %s\n", resp);
				rc = 0;
			}
		}
	}
	if (rc)
		fprintf(stderr, "appauth-handler: the check instance did not answer\n");
	if (fd >= 0)
		close(fd);
out:
	themis_service_stop(svc, 2000);
	return rc;
}
