/* embed.c: the embedding API (include/themis_embed.h) over one hosted node: the same loop
 * and join manager as themisd (host.c), without a control socket, signals or logging above
 * warnings. Blocking calls are host_step loops that stop on their own op's OP_DONE.
 */
#include "themis_embed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "host.h"
#include "key.h"
#include "log.h"

struct themis_service {
	host *h;
	int64_t want;           /* op waited for */
	int done;
	themis_event ev;
};

static void on_event(void *ctx, unsigned idx, const themis_event *ev)
{
	themis_service *s = ctx;
	(void)idx;
	if (ev->kind == THEMIS_EV_OP_DONE && s->want > 0 && (uint64_t)s->want == ev->op_id) {
		s->ev = *ev;
		s->done = 1;
	}
}

themis_service *themis_service_start(const char *network, const char *listen,
				     const char *const *bootstrap, size_t nboot, const char *key_path,
				     char *err, size_t errlen)
{
	const char *lvl = getenv("THEMIS_LOG");
	themis_service *s;
	struct stat st;
	host_cfg hc;

	log_set_prog("libthemis");
	log_set_level(lvl && !strcmp(lvl, "debug") ? LOG_DEBUG : lvl && !strcmp(lvl, "info") ? LOG_INFO :
		      LOG_WARN);
	memset(&hc, 0, sizeof hc);
	if (!network || !listen || !key_path || nboot > HOST_MAX_BOOT) {
		snprintf(err, errlen, "themis_service_start: network, listen and key_path are required");
		return NULL;
	}
	if (addr_parse(listen, &hc.listen) != 0) {
		snprintf(err, errlen, "listen %s: want ADDR:PORT", listen);
		return NULL;
	}
	if (lstat(key_path, &st) != 0 && key_generate(key_path, err, errlen) != 0)
		return NULL;
	if (key_load(key_path, hc.seed, err, errlen) != 0)
		return NULL;
	s = calloc(1, sizeof *s);
	if (!s) {
		key_wipe(hc.seed, sizeof hc.seed);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	hc.network = network;
	hc.nodes = 1;
	hc.security = 1;
	hc.autojoin = 1;
	for (size_t i = 0; i < nboot; i++)
		hc.boot[hc.nboot++] = bootstrap[i];
	hc.on_event = on_event;
	hc.ctx = s;
	if (host_new(&s->h, &hc, err, errlen) != 0) {
		key_wipe(hc.seed, sizeof hc.seed);
		free(s);
		return NULL;
	}
	key_wipe(hc.seed, sizeof hc.seed);
	return s;
}

int themis_service_fd(const themis_service *s)
{
	return host_fd(s->h);
}

void themis_service_step(themis_service *s, int max_wait_ms)
{
	/* the application may have driven the node between steps (themis_service_node):
	 * send what it queued and let the loop see its new deadline */
	host_flush(s->h, 0);
	host_step(s->h, max_wait_ms);
}

/* In the ring and past the first stabilization: a node that just joined has no predecessor
 * yet and may take itself for the owner of keys that are not its own, so operations wait
 * until it has one (or is alone in the ring). */
static int ready(themis_service *s)
{
	themis_ring_info ri;
	themis_node_ring(host_node(s->h, 0), &ri);
	return ri.joined && (ri.has_pred || ri.nsucc == 0);
}

static int wait_for(themis_service *s, uint64_t end)
{
	while (!s->done) {
		uint64_t now = host_now();
		if (now >= end)
			break;
		uint64_t left = (end - now) / 1000000u;
		host_step(s->h, left > 100 ? 100 : (int)left + 1);
	}
	s->want = 0;
	return s->done ? 0 : -1;
}

int themis_service_wait_joined(themis_service *s, int timeout_ms)
{
	uint64_t end = host_now() + (uint64_t)timeout_ms * 1000000u;
	while (!ready(s)) {
		if (host_now() >= end)
			return -1;
		host_step(s->h, 50);
	}
	return 0;
}

/* Waits for the join, starts the op, waits for its OP_DONE, all within one timeout. */
static int run_op(themis_service *s, int discover, const char *service, int timeout_ms)
{
	uint64_t end = host_now() + (uint64_t)timeout_ms * 1000000u;
	themis_node *n = host_node(s->h, 0);
	int64_t op;

	while (!ready(s)) {
		if (host_now() >= end)
			return -1;
		host_step(s->h, 50);
	}
	op = discover ? themis_discover(n, service, NULL, host_now()) :
			themis_register(n, service, NULL, host_now());
	if (op < 0)
		return -1;
	s->want = op;
	s->done = 0;
	host_flush(s->h, 0);
	return wait_for(s, end) == 0 && s->ev.ok ? 0 : -1;
}

int themis_service_register(themis_service *s, const char *service, int timeout_ms)
{
	return run_op(s, 0, service, timeout_ms);
}

int themis_service_discover(themis_service *s, const char *service, themis_record *out, int timeout_ms)
{
	if (run_op(s, 1, service, timeout_ms) != 0 || s->ev.chosen < 0 || s->ev.chosen >= s->ev.nrec)
		return -1;
	*out = s->ev.rec[s->ev.chosen];
	return 0;
}

const uint8_t *themis_service_id(const themis_service *s)
{
	return themis_node_id(host_node(s->h, 0));
}

themis_addr themis_service_addr(const themis_service *s)
{
	return *host_addr(s->h, 0);
}

themis_node *themis_service_node(themis_service *s)
{
	return host_node(s->h, 0);
}

void themis_service_stop(themis_service *s, int timeout_ms)
{
	int64_t op;

	if (!s)
		return;
	host_set_autojoin(s->h, 0, 0);
	if (host_joined(s->h, 0) && (op = themis_leave(host_node(s->h, 0), host_now())) > 0) {
		s->want = op;
		s->done = 0;
		host_flush(s->h, 0);
		wait_for(s, host_now() + (uint64_t)timeout_ms * 1000000u);
	}
	host_del(s->h);
	free(s);
}
