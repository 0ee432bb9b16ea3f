/* addr.c: parsing and printing of locators; the only file that converts between themis_addr
 * and struct sockaddr. Parsing is strict: a typo in --listen or --bootstrap is a usage error,
 * not a silently different address.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A host name ("localhost", "node1.example"): resolved once, here, to its first IPv4
 * address, else its first IPv6 one. A locator is an address on the wire (records, node
 * entries), so the name is not kept. */
static int resolve_name(const char *host, themis_addr *out)
{
	struct addrinfo hints, *res, *ai, *pick = NULL;

	if (strchr(host, ':') || strchr(host, ' '))
		return -1;   /* an IPv6 literal without brackets is a typo, not a name */
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next)
		if (ai->ai_family == AF_INET && !pick)
			pick = ai;
	for (ai = res; ai && !pick; ai = ai->ai_next)
		if (ai->ai_family == AF_INET6)
			pick = ai;
	uint16_t port = out->port;
	int rc = pick ? addr_from_sockaddr(pick->ai_addr, out) : -1;
	out->port = port;
	freeaddrinfo(res);
	return rc;
}

int addr_parse(const char *s, themis_addr *out)
{
	char host[ADDR_STRLEN];
	const char *colon;
	size_t hl;

	memset(out, 0, sizeof *out);
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':')
			return -1;
		hl = (size_t)(close - s - 1);
		if (hl == 0 || hl >= sizeof host)
			return -1;
		memcpy(host, s + 1, hl);
		host[hl] = 0;
		if (inet_pton(AF_INET6, host, out->addr) != 1)
			return -1;
		out->family = 6;
		return parse_port(close + 2, &out->port);
	}
	colon = strrchr(s, ':');
	if (!colon)
		return -1;
	hl = (size_t)(colon - s);
	if (hl == 0 || hl >= sizeof host)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	if (parse_port(colon + 1, &out->port) != 0)
		return -1;
	if (inet_pton(AF_INET, host, out->addr) == 1) {
		out->family = 4;
		return 0;
	}
	return resolve_name(host, out);
}

int hex_decode(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return s[2 * n] == 0 || s[2 * n] == '@' ? 0 : -1;
}

int peer_parse(const char *s, themis_peer *out, int *has_id)
{
	const char *at = strchr(s, '@');

	memset(out, 0, sizeof *out);
	*has_id = 0;
	if (!at)
		return addr_parse(s, &out->addr);
	if ((size_t)(at - s) != ID_HEXLEN || hex_decode(s, out->id, THEMIS_ID_LEN) != 0)
		return -1;
	*has_id = 1;
	return addr_parse(at + 1, &out->addr);
}

int peer_prefix(const char *spec, char pfx[ID_HEXLEN + 1])
{
	const char *at = strchr(spec, '@');
	size_t n = at ? (size_t)(at - spec) : 0;

	if (n == 0 || n >= ID_HEXLEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = spec[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
		pfx[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
	}
	pfx[n] = 0;
	return 1;
}

char *addr_format(const themis_addr *a, char *buf)
{
	char host[INET6_ADDRSTRLEN];
	int v6 = a->family == 6;

	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a->addr, host, sizeof host))
		strcpy(host, "?");
	snprintf(buf, ADDR_STRLEN, v6 ? "[%s]:%u" : "%s:%u", host, a->port);
	return buf;
}


socklen_t addr_to_sockaddr(const themis_addr *a, int sock_family, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (sock_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(a->port);
		if (a->family == 4) {
			s6->sin6_addr.s6_addr[10] = 0xff;
			s6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&s6->sin6_addr.s6_addr[12], a->addr, 4);
		} else {
			memcpy(s6->sin6_addr.s6_addr, a->addr, 16);
		}
		return sizeof *s6;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(a->port);
	memcpy(&s4->sin_addr, a->addr, 4);
	return sizeof *s4;
}

int addr_from_sockaddr(const struct sockaddr *sa, themis_addr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(out, 0, sizeof *out);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		out->family = 4;
		memcpy(out->addr, &s4->sin_addr, 4);
		out->port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0) {
			out->family = 4;
			memcpy(out->addr, &s6->sin6_addr.s6_addr[12], 4);
		} else {
			out->family = 6;
			memcpy(out->addr, s6->sin6_addr.s6_addr, 16);
		}
		out->port = ntohs(s6->sin6_port);
		return 0;
	}
	return -1;
}

int addr_is_local(const themis_addr *a)
{
	struct sockaddr_storage ss;
	themis_addr probe = *a;
	int fam = a->family == 6 ? AF_INET6 : AF_INET;
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok;

	if (fd < 0)
		return 0;
	probe.port = 0;   /* any free port: we only ask whether the address is ours */
	socklen_t len = addr_to_sockaddr(&probe, fam, &ss);
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	close(fd);
	return ok;
}
