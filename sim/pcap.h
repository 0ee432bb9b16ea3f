/* pcap.h: writes the datagrams the simulated network carried as a classic libpcap file
 * (nanosecond timestamps, LINKTYPE_RAW, synthesized IPv4 + UDP headers). It only formats
 * bytes; it never decides what is sent.
 */
#ifndef SIM_PCAP_H
#define SIM_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "themis.h"

typedef struct sim_pcap {
	FILE *f;
	uint64_t records;
	uint16_t ip_id;
} sim_pcap;

enum {
	SIM_PCAP_MAGIC_NS = 0xa1b23c4du, /* nanosecond-resolution classic pcap */
	SIM_PCAP_LINKTYPE_RAW = 101,
	SIM_PCAP_HDR_LEN = 24,
	SIM_PCAP_REC_LEN = 16,
	SIM_IP_UDP_LEN = 28,
};

/* Returns 0, or -1 (errno set) when the file cannot be created. */
int sim_pcap_open(sim_pcap *p, const char *path);
/* One datagram src -> dst (IPv4 virtual addresses) at simulated time t. Returns 0 or -1. */
int sim_pcap_write(sim_pcap *p, uint64_t t_ns, const themis_addr *src, const themis_addr *dst,
		   const uint8_t *data, size_t len);
/* Returns 0, or -1 when a write failed at any point. */
int sim_pcap_close(sim_pcap *p);

/* Internet checksum (RFC 1071) of len bytes, folded; exposed for tests. */
uint16_t sim_inet_checksum(const uint8_t *b, size_t len, uint32_t sum);

#endif
