/* scenario.h: a scenario as the simulator runs it, parsed from a strict INI file and from
 * --set overrides. It owns the file format and its validation; it never runs anything and
 * never touches the protocol core.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

enum { SIM_ADV_ANY = 0xffffffffu };
enum { SIM_NAME_MAX = 64, SIM_PATH_MAX = 512, SIM_ERR_MAX = 640, SIM_TAG_MAX = 16 };

/* Explicit positions are found by drawing keys until one lands there: about 2^m draws a node. */
enum { SIM_POSITIONS_MAX_M = 12 };

typedef enum sim_latency_model {
	SIM_LAT_CONSTANT,
	SIM_LAT_UNIFORM,
	SIM_LAT_NORMAL,     /* truncated to [latency_min, latency_max] */
	SIM_LAT_MATRIX,     /* node group x node group, from matrix_file */
} sim_latency_model;

/* A timed partition: during [start, end) nothing passes between the two node ranges. */
typedef struct sim_partition {
	uint64_t start, end;
	uint32_t a_lo, a_hi, b_lo, b_hi; /* inclusive node index ranges */
	int line;
} sim_partition;

/* [events] verbs (the verb table is in schedule.c); the driver dispatches on this value. */
typedef enum sim_verb {
	SIM_VERB_PING = 1,  /* at T ping nA nB */
	SIM_VERB_FAIL,      /* at T fail nA: silent, neither receives nor sends nor runs timers */
	SIM_VERB_RECOVER,   /* at T recover nA */
	SIM_VERB_JOIN,      /* at T join nA [via nB] */
	SIM_VERB_LEAVE,     /* at T leave nA */
	SIM_VERB_STORE,     /* at T store nA NAME [tag] */
	SIM_VERB_FIND,      /* at T find nA NAME|0xKEY */
	SIM_VERB_REGISTER,  /* at T register nA SERVICE [tag] */
	SIM_VERB_DISCOVER,  /* at T discover nA SERVICE [tag] */
	SIM_VERB_CHECK,     /* at T check: the ring checker runs now */
} sim_verb;

/* How the nodes enter the ring at the start ([nodes] join). */
typedef enum sim_join {
	SIM_JOIN_NONE,       /* nobody joins by itself ([events] may) */
	SIM_JOIN_SEQUENTIAL, /* the bootstrap at 0, then one node every join_interval */
	SIM_JOIN_PARALLEL,   /* the bootstrap at 0, every other node at once right after */
	SIM_JOIN_STATIC,     /* the oracle ring, set before time 0 (themis_node_set_ring) */
} sim_join;

typedef struct sim_action {
	uint64_t t;
	sim_verb verb;
	uint32_t node, peer;    /* peer: ping's target; join's via (SIM_NODE_ANY: bootstrap) */
	uint32_t run;           /* fail: the live members after node in ring order that fail too */
	int line;
	int has_key;            /* find: arg was a key (0x hex), not a name */
	uint8_t key[32];
	char arg[SIM_NAME_MAX]; /* store/find: object name; register/discover: service */
	char tag[SIM_TAG_MAX + 1];
} sim_action;

enum { SIM_NODE_ANY = 0xfffffffeu };

typedef enum sim_cmp { SIM_EQ, SIM_NE, SIM_LT, SIM_LE, SIM_GT, SIM_GE } sim_cmp;

typedef struct sim_expect {
	char name[SIM_NAME_MAX];
	sim_cmp op;
	double value;
	int line;
} sim_expect;

typedef struct sim_cpu_costs {
	int enabled;
	uint64_t sign, verify, dh, keygen, hash, aead_fixed, per_message; /* ns per operation */
	double aead_per_byte;                                              /* ns per byte */
} sim_cpu_costs;

typedef struct sim_scenario {
	char file[SIM_PATH_MAX];

	/* [run] */
	char name[SIM_NAME_MAX];
	char network[SIM_NAME_MAX];
	uint64_t seed;
	uint64_t duration_ns;
	uint32_t m, k;
	uint64_t ttl_ns;
	int security;
	uint32_t replay_window;
	uint64_t sample_ns;
	uint32_t succ_len;      /* r */
	int signed_records;
	int replicate;
	int distinct_positions; /* a node whose ring position a lower-indexed node holds draws again */
	uint32_t *positions;    /* [nodes] positions: node i's ring position (m <= SIM_POSITIONS_MAX_M) */
	uint32_t npositions;    /* 0: positions drawn from the seed */
	uint32_t verified_cache;
	int check_every_event;  /* the ring checker after every event (small scenarios) */
	uint64_t check_ns;      /* the ring checker every check_interval (0: off) */
	uint64_t settle_ns;     /* checks this long after a membership change count as violations */
	char trace_hash[65];    /* expected trace hash (hex) or empty */

	/* [network] */
	sim_latency_model latency;
	uint64_t latency_ns;    /* constant; mean for normal */
	uint64_t latency_min_ns, latency_max_ns; /* uniform bounds; normal truncation */
	uint64_t latency_sd_ns; /* normal */
	uint64_t jitter_ns;     /* uniform extra in [0, jitter] on every model */
	char matrix_file[SIM_PATH_MAX];
	double *matrix_ms;      /* groups x groups, row = sender group */
	uint32_t groups;
	double loss, duplicate, reorder;
	uint64_t reorder_delay_ns;
	uint16_t port;
	sim_partition *partitions;
	size_t npartitions, partitionscap;

	/* [cpu] */
	sim_cpu_costs cpu;

	/* [nodes] */
	uint32_t count;
	uint64_t hs_retry_ns, req_timeout_ns;
	uint32_t hs_attempts, req_attempts;
	uint64_t stabilize_ns, fix_fingers_ns, check_pred_ns; /* 0: that task is off */
	char bootstrap[SIM_NAME_MAX];
	uint32_t bootstrap_node; /* resolved by sim_scenario_finish */
	sim_join join;
	uint64_t join_interval_ns; /* sequential */
	uint64_t join_start_ns;
	uint32_t members;       /* the first `members` nodes follow the join pattern */

	/* [workload] */
	double ping_rate;       /* pings per second over the whole network */
	double find_rate, store_rate, register_rate, discover_rate; /* DHT ops per second */
	int poisson;            /* arrivals: 1 Poisson, 0 constant rate */
	int key_names;          /* keys: 1 names from a set of `names`, 0 uniform random ids */
	uint32_t names;         /* size of the name set (objects obj-I, services svc-I) */
	uint32_t services;
	uint64_t workload_start_ns, workload_stop_ns;

	/* [churn] */
	double fail_rate;       /* failures per second over the whole network */
	double join_rate, leave_rate; /* joins of outside nodes, graceful leaves per second */
	uint64_t downtime_ns;
	uint64_t churn_start_ns, churn_stop_ns;
	uint32_t churn_min;     /* churn never takes the ring below this many members (default
				   succ_len + 1, resolved by sim_scenario_finish) */
	uint32_t churn_protect; /* nodes n0 .. n<protect-1> never fail or leave by churn */
	int churn_spaced;       /* a failure never leaves a member without a live successor */
	double fail_share;      /* this share of the live members fails at fail_share_at_ns, never
				   succ_len ring neighbours in a row (failshare.c) */
	uint64_t fail_share_at_ns;

	/* [adversary] (scenarios/README.md documents each key and its default) */
	char adversary[SIM_NAME_MAX];   /* kind */
	double adv_rate;                /* probability that a matching datagram is attacked */
	char adv_target[SIM_NAME_MAX];  /* "any" or a node (nN): only datagrams to it match */
	char adv_packet[16];            /* hello | reply | confirm | data | any */
	uint64_t adv_start_ns, adv_stop_ns;
	uint64_t adv_delay_ns;          /* delay, replay: how much later the copy goes out */
	uint32_t adv_count;             /* replay, duplicate: copies per datagram */
	uint32_t adv_max;               /* most datagrams the adversary acts on (bounds memory) */
	char adv_to[SIM_NAME_MAX];      /* replay: "same" or a node (nN) to send copies to */
	char adv_field[16];             /* tamper: which field gets one bit flipped */
	char adv_network[SIM_NAME_MAX]; /* cross_network: the other network's name */
	double adv_flood_rate;          /* hello_flood: HELLOs per second at the victim */
	uint32_t adv_sources;           /* hello_flood: distinct spoofed source addresses */
	int adv_valid;                  /* hello_flood: signed HELLOs (on) or random bytes (off) */
	/* resolved by sim_scenario_finish: SIM_ADV_ANY when "any" / "same" */
	uint32_t adv_target_node, adv_to_node;

	/* [events], [expect] */
	sim_action *actions;
	size_t nactions, actionscap;
	sim_expect *expects;
	size_t nexpects, expectscap;
	int has_expect;         /* an [expect] section was present (even empty) */

	/* bookkeeping for duplicate keys: line where each key was set, 0 = default */
	int *key_line;
} sim_scenario;

/* Defaults for every key. Returns 0, or -1 when memory ran out. */
int sim_scenario_init(sim_scenario *sc);
void sim_scenario_free(sim_scenario *sc);

/* Parses path into sc (already initialised). On error returns -1 and writes
 * "FILE:LINE: message" into err. */
int sim_scenario_load(sim_scenario *sc, const char *path, char *err, size_t errlen);
/* Same for text already in memory (tests); file names it in messages and relative paths. */
int sim_scenario_parse(sim_scenario *sc, const char *file, const char *text, char *err,
		       size_t errlen);
/* Applies "section.key=value" after the file; on error returns -1 with "--set: message". */
int sim_scenario_set(sim_scenario *sc, const char *assignment, char *err, size_t errlen);
/* Cross-key checks (node indexes against count, latency bounds, matrix file); call after the
 * file and every --set. Errors name the line that caused them. */
int sim_scenario_finish(sim_scenario *sc, char *err, size_t errlen);

/* After sim_scenario_finish: 1 and a one-line "FILE:LINE: warning: ..." in out when the
 * scenario is valid but asks for a run outside Chord's assumptions ([churn] min_members below
 * succ_len + 1 while churn is on); else 0 and "". */
int sim_scenario_warning(const sim_scenario *sc, char *out, size_t n);

/* schedule.c: one [events] or [expect] line (s is modified); on error returns -1 with a
 * message (without FILE:LINE) in msg. */
int sim_schedule_action(sim_scenario *sc, char *s, int line, char *msg, size_t msglen);
int sim_schedule_expect(sim_scenario *sc, char *s, int line, char *msg, size_t msglen);

/* Room for `need` elements of elem bytes in *arr (capacity *cap), growing it geometrically:
 * a file of n [events] lines costs O(n) copying, not O(n^2). 0, or -1 out of memory (*arr
 * unchanged). Shared by scenario.c and schedule.c. */
int sim_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Parsers shared with the CLI: durations with a unit (ns us ms s m h, decimals allowed). */
int sim_parse_duration(const char *s, uint64_t *ns);
const char *sim_cmp_name(sim_cmp op);
int sim_cmp_eval(sim_cmp op, double actual, double expected);
/* Canonical "section.key=value" list of every key, for runs.params. Caller frees. */
char *sim_scenario_params(const sim_scenario *sc);

#endif
