/* addr.h: text forms of locators and peers ("127.0.0.1:7000", "[::1]:7000",
 * "ID@ADDR:PORT") and their conversion to and from socket addresses.
 */
#ifndef NET_ADDR_H
#define NET_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#include "themis.h"

enum { ADDR_STRLEN = 64, ID_HEXLEN = 2 * THEMIS_ID_LEN };

/* "A.B.C.D:PORT", "[V6]:PORT" or "NAME:PORT" (port 1..65535; a name is resolved with
 * getaddrinfo, first IPv4 address else first IPv6). Returns 0 or -1. */
int addr_parse(const char *s, themis_addr *out);
/* "HEXID@ADDR:PORT" (sets *has_id = 1) or "ADDR:PORT" (*has_id = 0). Returns 0 or -1. */
int peer_parse(const char *s, themis_peer *out, int *has_id);
/* Writes the text form into buf (ADDR_STRLEN bytes) and returns buf. */
char *addr_format(const themis_addr *a, char *buf);

/* Converts for sendto: a family-4 address sent from an AF_INET6 socket becomes v4-mapped. */
socklen_t addr_to_sockaddr(const themis_addr *a, int sock_family, struct sockaddr_storage *ss);
/* v4-mapped IPv6 source addresses come back as family 4. Returns 0 or -1. */
int addr_from_sockaddr(const struct sockaddr *sa, themis_addr *out);
/* 1 when a socket can be bound to this address on this host (it is one of ours). */
int addr_is_local(const themis_addr *a);

/* "HEX@ADDR:PORT" with 1 to 63 hex digits before the @: a prefix of an id, to be resolved
 * against the ids a daemon knows. Copies the prefix (lower case) into pfx (65 bytes) and
 * returns 1; 0 when spec is anything else. */
int peer_prefix(const char *spec, char pfx[ID_HEXLEN + 1]);

/* Exactly 2n hex digits into n bytes. Returns 0 or -1. */
int hex_decode(const char *s, uint8_t *out, size_t n);

#endif
