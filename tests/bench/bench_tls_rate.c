/* bench_tls_rate.c: records the absolute OpenSSL TLS 1.3 mutual-Ed25519 handshake rate on one
 * thread, the reference later ratios (handshakes_vs_openssl) are read against.
 * Usage: bench_tls_rate DB_PATH
 */
#include <stdio.h>

#include "benchlib.h"
#include "tls_baseline.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DB_PATH\n", argv[0]);
		return 2;
	}
	/* Five one-second rounds: the median shrugs off a round disturbed by the scheduler. */
	double rate = tls13_mutual_ed25519_handshakes_per_s(1.0, 5);
	if (rate < 0)
		return 1;
	return bench_record(argv[1], "openssl_tls13_handshakes_per_s", rate, "handshakes/s",
	                    "none", 0, "info", 1) == 0 ? 0 : 1;
}
