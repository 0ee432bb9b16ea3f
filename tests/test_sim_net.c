/* test_sim_net.c: the network model's statistics with a fixed seed (loss, duplication,
 * reordering rates within tolerance; latency bounds; partitions exact), virtual addresses, and
 * the pcap writer's byte layout.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net.h"
#include "pcap.h"

enum { N = 200000 };

static void init_sc(sim_scenario *sc)
{
	assert_int_equal(sim_scenario_init(sc), 0);
	sc->count = 20;
}

static void loss_dup_reorder_rates(void **state)
{
	(void)state;
	sim_scenario sc;
	init_sc(&sc);
	sc.loss = 0.2;
	sc.duplicate = 0.1;
	sc.reorder = 0.05;
	sc.reorder_delay_ns = 1000000000;
	sc.latency_ns = 10000000;
	sim_net n;
	sim_net_init(&n, &sc, 99);
	uint64_t d[2], lost = 0, dup = 0, late = 0;
	for (int i = 0; i < N; i++) {
		int copies;
		sim_net_fate f = sim_net_route(&n, 0, 1, 0, d, &copies);
		if (f == SIM_NET_LOST) {
			lost++;
			continue;
		}
		assert_int_equal(f, SIM_NET_DELIVERED);
		dup += copies == 2;
		for (int c = 0; c < copies; c++) {
			assert_true(d[c] == 10000000 || d[c] == 1010000000);
			late += d[c] == 1010000000;
		}
	}
	double pl = (double)lost / N, pd = (double)dup / (double)(N - lost);
	double delivered = (double)(N - lost) + (double)dup;
	double pr = (double)late / delivered;
	/* binomial standard deviations are ~0.001; allow five of them */
	assert_true(pl > 0.195 && pl < 0.205);
	assert_true(pd > 0.095 && pd < 0.105);
	assert_true(pr > 0.047 && pr < 0.053);
	assert_int_equal(n.st.lost, lost);
	assert_int_equal(n.st.duplicated, dup);
	sim_scenario_free(&sc);
}

static void same_seed_same_choices(void **state)
{
	(void)state;
	sim_scenario sc;
	init_sc(&sc);
	sc.loss = 0.3;
	sc.latency = SIM_LAT_NORMAL;
	sc.latency_ns = 20000000;
	sc.latency_sd_ns = 5000000;
	sc.latency_min_ns = 15000000;
	sc.latency_max_ns = 30000000;
	sim_net a, b, c;
	sim_net_init(&a, &sc, 5);
	sim_net_init(&b, &sc, 5);
	sim_net_init(&c, &sc, 6);
	int differ = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t da[2] = { 0 }, db[2] = { 0 }, dc[2] = { 0 };
		int ca, cb, cc;
		sim_net_fate fa = sim_net_route(&a, 1, 2, 0, da, &ca);
		sim_net_fate fb = sim_net_route(&b, 1, 2, 0, db, &cb);
		sim_net_fate fc = sim_net_route(&c, 1, 2, 0, dc, &cc);
		assert_int_equal(fa, fb);
		assert_int_equal(ca, cb);
		assert_true(da[0] == db[0]);
		if (fa == SIM_NET_DELIVERED)
			assert_true(da[0] >= 15000000 && da[0] <= 30000000);
		differ |= fa != fc || da[0] != dc[0];
	}
	assert_true(differ);
	sim_scenario_free(&sc);
}

static void uniform_bounds_and_mean(void **state)
{
	(void)state;
	sim_scenario sc;
	init_sc(&sc);
	sc.latency = SIM_LAT_UNIFORM;
	sc.latency_min_ns = 1000;
	sc.latency_max_ns = 3000;
	sim_net n;
	sim_net_init(&n, &sc, 1);
	double sum = 0;
	for (int i = 0; i < N; i++) {
		uint64_t d[2];
		int copies;
		assert_int_equal(sim_net_route(&n, 3, 4, 0, d, &copies), SIM_NET_DELIVERED);
		assert_true(d[0] >= 1000 && d[0] <= 3000);
		sum += (double)d[0];
	}
	assert_true(sum / N > 1990 && sum / N < 2010);
	sim_scenario_free(&sc);
}

static void partitions_are_exact(void **state)
{
	(void)state;
	sim_scenario sc;
	init_sc(&sc);
	sim_partition p = { .start = 5000, .end = 8000, .a_lo = 0, .a_hi = 9, .b_lo = 10, .b_hi = 19 };
	sc.partitions = malloc(sizeof p);
	assert_non_null(sc.partitions);
	sc.partitions[0] = p;
	sc.npartitions = 1;
	sim_net n;
	sim_net_init(&n, &sc, 1);
	uint64_t d[2];
	int copies;
	assert_int_equal(sim_net_route(&n, 3, 12, 4999, d, &copies), SIM_NET_DELIVERED);
	assert_int_equal(sim_net_route(&n, 3, 12, 5000, d, &copies), SIM_NET_PARTITIONED);
	assert_int_equal(sim_net_route(&n, 12, 3, 7999, d, &copies), SIM_NET_PARTITIONED);
	assert_int_equal(copies, 0);
	assert_int_equal(sim_net_route(&n, 3, 12, 8000, d, &copies), SIM_NET_DELIVERED);
	assert_int_equal(sim_net_route(&n, 3, 4, 6000, d, &copies), SIM_NET_DELIVERED);
	assert_int_equal(sim_net_route(&n, 13, 14, 6000, d, &copies), SIM_NET_DELIVERED);
	assert_int_equal(n.st.partitioned, 2);
	sim_scenario_free(&sc);
}

static void matrix_latency(void **state)
{
	(void)state;
	sim_scenario sc;
	init_sc(&sc);
	sc.latency = SIM_LAT_MATRIX;
	sc.groups = 2;
	sc.matrix_ms = malloc(4 * sizeof *sc.matrix_ms);
	assert_non_null(sc.matrix_ms);
	sc.matrix_ms[0] = 1;
	sc.matrix_ms[1] = 50;
	sc.matrix_ms[2] = 60;
	sc.matrix_ms[3] = 2;
	sim_net n;
	sim_net_init(&n, &sc, 1);
	uint64_t d[2];
	int copies;
	sim_net_route(&n, 0, 9, 0, d, &copies);   /* nodes 0-9: group 0 */
	assert_int_equal(d[0], 1000000);
	sim_net_route(&n, 0, 10, 0, d, &copies);  /* 10-19: group 1 */
	assert_int_equal(d[0], 50000000);
	sim_net_route(&n, 19, 0, 0, d, &copies);
	assert_int_equal(d[0], 60000000);
	sim_scenario_free(&sc);
}

static void virtual_addresses(void **state)
{
	(void)state;
	themis_addr a;
	uint32_t node;
	sim_addr_of(0, 7000, &a);
	assert_int_equal(a.addr[0], 10);
	assert_int_equal(a.addr[3], 1);
	sim_addr_of(70000, 7000, &a);
	assert_int_equal(sim_node_of(&a, 7000, 100000, &node), 0);
	assert_int_equal(node, 70000);
	assert_int_equal(sim_node_of(&a, 7000, 70000, &node), -1);
	assert_int_equal(sim_node_of(&a, 7001, 100000, &node), -1);
	a.family = 6;
	assert_int_equal(sim_node_of(&a, 7000, 100000, &node), -1);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void pcap_layout(void **state)
{
	(void)state;
	char path[] = "/tmp/themis-sim-pcap-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sim_pcap p;
	themis_addr a, b;
	sim_addr_of(0, 7000, &a);
	sim_addr_of(1, 7000, &b);
	uint8_t data[45];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)i;
	assert_int_equal(sim_pcap_open(&p, path), 0);
	assert_int_equal(sim_pcap_write(&p, 1500000123ull, &a, &b, data, sizeof data), 0);
	assert_int_equal(sim_pcap_write(&p, 2000000000ull, &b, &a, data, 8), 0);
	assert_int_equal(sim_pcap_close(&p), 0);

	uint8_t buf[512];
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	remove(path);
	assert_int_equal(n, 24 + 16 + 28 + 45 + 16 + 28 + 8);
	assert_int_equal(rd32(buf), SIM_PCAP_MAGIC_NS);
	assert_int_equal(rd32(buf + 20), 101);
	const uint8_t *r = buf + 24;
	assert_int_equal(rd32(r), 1);
	assert_int_equal(rd32(r + 4), 500000123);
	assert_int_equal(rd32(r + 8), 28 + 45);
	const uint8_t *ip = r + 16;
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[9], 17);
	assert_int_equal(sim_inet_checksum(ip, 20, 0), 0); /* a correct header sums to zero */
	assert_memory_equal(ip + 12, a.addr, 4);
	assert_memory_equal(ip + 28, data, sizeof data);
	/* UDP checksum: pseudo-header + UDP header + payload also sums to zero */
	uint32_t sum = (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]) +
		       (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]) + 17 + 8 + 45;
	uint8_t udp[8 + 45];
	memcpy(udp, ip + 20, sizeof udp);
	assert_int_equal(sim_inet_checksum(udp, sizeof udp, sum), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loss_dup_reorder_rates),
		cmocka_unit_test(same_seed_same_choices),
		cmocka_unit_test(uniform_bounds_and_mean),
		cmocka_unit_test(partitions_are_exact),
		cmocka_unit_test(matrix_latency),
		cmocka_unit_test(virtual_addresses),
		cmocka_unit_test(pcap_layout),
	};
	return cmocka_run_group_tests_name("sim_net", tests, NULL, NULL);
}
