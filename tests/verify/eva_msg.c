/* eva_msg.c: a driver for Frama-C's value analysis (EVA) of core/dht/msg.c. Every frame-body
 * decoder gets arbitrary bytes of every length up to a little more than one frame body, and
 * an arbitrary ring size m (valid or not); what decodes is encoded again into a buffer of
 * arbitrary capacity. EVA proves (or raises an alarm for) the absence of run-time errors for
 * every content, length and capacity at once. Only frama-c reads it (tests/verify/eva.sh). */
#include "__fc_builtin.h"
#include "msg.h"

enum { MAXLEN = FRAME_BODY_MAX + 64 };

static uint8_t body[MAXLEN];
static uint8_t out[MAXLEN];
static msg_lists lists;

int main(void)
{
	size_t len = Frama_C_size_t_interval(0, MAXLEN);
	size_t cap = Frama_C_size_t_interval(0, MAXLEN);
	unsigned ring_m = Frama_C_unsigned_int_interval(0, 300);
	size_t written;
	msg_find fm;
	msg_store sm;
	store_record rec;
	ring_node rn;
	uint8_t status, node_out[MSG_NODE_LEN], rec_out[MSG_RECORD_MAX];
	int used;

	Frama_C_make_unknown((char *)body, MAXLEN);
	if (msg_lists_decode(&lists, body, len, ring_m) == 0) {
		const ring_node *refs[MSG_MAX_NODES];
		(void)msg_lists_encode(out, cap, &lists, &written);
		for (size_t i = 0; i < lists.nnodes; i++)
			refs[i] = &lists.nodes[i];
		(void)msg_nodes_encode(out, cap, lists.kind, refs, lists.nnodes);
	}
	if (msg_find_decode(&fm, body, len, ring_m) == 0)
		(void)msg_find_encode(out, cap, &fm);
	if (msg_store_decode(&sm, body, len) == 0)
		(void)msg_store_encode(out, cap, &sm);
	if (msg_status_decode(&status, body, len) == 0)
		(void)msg_status_encode(out, cap, status);
	used = msg_record_get(&rec, body, len);
	if (used >= 0)
		(void)msg_record_put(rec_out, &rec);
	if (len >= MSG_NODE_LEN && msg_node_get(&rn, body, ring_m) == 0)
		msg_node_put(node_out, &rn);
	return 0;
}
