/* pcap.c: classic pcap records with IPv4 and UDP headers built byte by byte (big-endian
 * network fields, little-endian pcap fields written explicitly, never via struct casts).
 */
#include "pcap.h"

#include <string.h>

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static void le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
}

static void be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
}

uint16_t sim_inet_checksum(const uint8_t *b, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int sim_pcap_open(sim_pcap *p, const char *path)
{
	uint8_t h[SIM_PCAP_HDR_LEN];
	memset(p, 0, sizeof *p);
	p->f = fopen(path, "wb");
	if (!p->f)
		return -1;
	le32(h, SIM_PCAP_MAGIC_NS);
	le16(h + 4, 2);  /* version 2.4 */
	le16(h + 6, 4);
	le32(h + 8, 0);  /* thiszone */
	le32(h + 12, 0); /* sigfigs */
	le32(h + 16, 65535);
	le32(h + 20, SIM_PCAP_LINKTYPE_RAW);
	fwrite(h, 1, sizeof h, p->f);
	return 0;
}

int sim_pcap_write(sim_pcap *p, uint64_t t_ns, const themis_addr *src, const themis_addr *dst,
		   const uint8_t *data, size_t len)
{
	uint8_t rec[SIM_PCAP_REC_LEN], ip[SIM_IP_UDP_LEN];
	if (!p->f || len > 65535 - SIM_IP_UDP_LEN)
		return -1;
	uint32_t total = (uint32_t)(SIM_IP_UDP_LEN + len);
	le32(rec, (uint32_t)(t_ns / 1000000000u));
	le32(rec + 4, (uint32_t)(t_ns % 1000000000u));
	le32(rec + 8, total);
	le32(rec + 12, total);

	memset(ip, 0, sizeof ip);
	ip[0] = 0x45;                   /* IPv4, 20-byte header */
	be16(ip + 2, (uint16_t)total);
	be16(ip + 4, p->ip_id++);
	ip[6] = 0x40;                   /* don't fragment */
	ip[8] = 64;                     /* TTL */
	ip[9] = 17;                     /* UDP */
	memcpy(ip + 12, src->addr, 4);
	memcpy(ip + 16, dst->addr, 4);
	be16(ip + 10, sim_inet_checksum(ip, 20, 0));

	uint8_t *udp = ip + 20;
	be16(udp, src->port);
	be16(udp + 2, dst->port);
	be16(udp + 4, (uint16_t)(8 + len));
	/* UDP checksum over the pseudo-header, the UDP header and the payload */
	uint32_t sum = 0;
	sum += (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]);
	sum += (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]);
	sum += 17 + (uint32_t)(8 + len);
	for (int i = 0; i < 8; i += 2)
		sum += (uint32_t)(udp[i] << 8 | udp[i + 1]);
	/* payload: fold it in as one more run; an odd payload pads with a zero byte */
	uint16_t c = sim_inet_checksum(data, len, sum);
	be16(udp + 6, c == 0 ? 0xffff : c);

	fwrite(rec, 1, sizeof rec, p->f);
	fwrite(ip, 1, sizeof ip, p->f);
	fwrite(data, 1, len, p->f);
	p->records++;
	return ferror(p->f) ? -1 : 0;
}

int sim_pcap_close(sim_pcap *p)
{
	if (!p->f)
		return 0;
	int bad = ferror(p->f);
	if (fclose(p->f) != 0)
		bad = 1;
	p->f = NULL;
	return bad ? -1 : 0;
}
