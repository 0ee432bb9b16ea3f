/* ring.pml: the ring maintenance of core/dht/dht.c as a Promela model, for Spin to check over
 * every interleaving (docs/verify.md says what it covers and what it leaves out).
 *
 * NN nodes sit at positions 0..NN-1 (node i at position i, clockwise). Some are members at
 * the start (INITMEM, an ideal ring holding one record per position at its owner); the
 * others may join. A bounded number of joins, graceful leaves and silent crashes happen at
 * any moment, between any two steps of the maintenance that runs all the time: stabilize
 * (UPDATE) and check_pred (GET_SUCC) at any node, whenever its previous one is answered.
 *
 * Every step is one handler of the core run to completion (the core is single-threaded per
 * node): a request handled at its destination, an answer at its requester, a timer, an
 * operation started. Each node has at most one request outstanding of each kind (UPDATE,
 * check_pred's GET_SUCC, adoption's GET_SUCC, the JOIN or LEAVE of its operation), as in
 * the core (stabilizing, checking_pred flags; one operation at a time); so the network is
 * one slot per (requester, kind), holding the request or its answer. Any slot may be
 * delivered next: messages are reordered freely (UDP does), which contains every FIFO
 * order; -DFIFO restricts delivery to per-pair FIFO. A request to a crashed node times out
 * at its requester, which runs the failure path (dht_node_failed) and then its callback.
 *
 * Switches, 1 (on) by default, the leave fixes:
 *   FIX1  a node that has begun to leave sends no more ring maintenance (no UPDATE, no
 *         check of its predecessor, no adoption).
 *   FIX2  a node that received LEAVE_TO_SUCC remembers the leaver as departed: never its
 *         predecessor again, never handed records; its UPDATE is answered with no nodes.
 *         A JOIN from it clears the mark.
 *   FIX3  records that reach a leaving node are handed on before its leave completes; it
 *         completes only with an empty table and no UPDATE answer outstanding.
 *   FIX4  (found with this model) a leaving node takes only the records of an UPDATE
 *         answer, never its nodes: with FIX2, the departed node's answer (no nodes) made
 *         the leaver drop its successor, and the list it then told its predecessor skipped
 *         the node that had just taken over.
 *   FIX5  (found with this model) a leaving node refuses JOIN (ST_NOT_RESPONSIBLE, naming
 *         nobody: the joiner looks again): it admitted joiners, whose successor list then
 *         held only nodes on their way out.
 *   FIX6  (found with this model) a leaving node answers GET_SUCC with no nodes, as a node
 *         in no ring: its predecessor, already told by LEAVE_TO_PRED, adopted it again as
 *         successor when another node named it as a better one.
 *   FIX7  how a leaving node answers UPDATE. 2 (the default, as dht_on_update in core/dht/stabilize.c
 *         does): with its successor list (kind 0), taking no predecessor and handing no
 *         record back. 1: with no nodes, as a node in no ring (the core before): two plain
 *         leaves then leave a member without a live successor (leave2-4): the predecessor
 *         drops the leaver on the empty answer, is left with a node that left before, and
 *         then ignores the leaver's LEAVE_TO_PRED (docs/verify.md, "A leaving node's empty
 *         answer"). 0: as a member, rectify included.
 * Without FIX3 the model follows the code before the leave fixes: at most LEAVE_EXTRA_ROUNDS more
 * handoff rounds, then the leave completes whatever the table holds.
 * Other switches: NEAR (1: the near list names hints), CHECKPRED (1: the periodic check of
 * the predecessor), STOPSELF (1: as ring_set_successors does, a list that comes round to
 * the node itself ends there; 0: it skips the node and goes on, as the core did before,
 * which keeps a node that left in a ring of at most R members), FIFO (0: any order; 1:
 * per-pair FIFO), and the bounds NN, R, INITMEM, RECS, JOINS, LEAVES, CRASHES.
 *
 * Properties, as assertions:
 *   - after every step, among live members (joined, leaving or not): every member has a
 *     live member in its successor list; following first live successors from any member
 *     reaches one and the same cycle (one ring, no appendage loop); that cycle goes round
 *     the identifier circle exactly once (ordered);
 *   - after every step, no record is lost: each record is held by a live member (table or
 *     leave batch) or travels in a message, unless a crash took it (the crashed node held
 *     it, or it was sent to a crashed node);
 *   - at every quiescent state (no operation running, no message in flight): rounds of
 *     check_pred and stabilize at every member, each exchange delivered at once, reach a
 *     fixed point within MAXROUNDS rounds, and there the ring is ideal: each member's
 *     successor list is the next min(R, members - 1) members, its predecessor the member
 *     before it, and each record lies at its owner and nowhere else.
 */

#ifndef NN
#define NN 4            /* nodes (positions 0..NN-1) */
#endif
#ifndef R
#define R 2             /* successor list length (succ_len) */
#endif
#ifndef INITMEM
#define INITMEM ((1 << NN) - 1)   /* members at the start, as a bit mask */
#endif
#ifndef RECS
#define RECS ((1 << NN) - 1)      /* positions whose key carries a record */
#endif
#ifndef JOINS
#define JOINS 0
#endif
#ifndef LEAVES
#define LEAVES 2
#endif
#ifndef CRASHES
#define CRASHES 0
#endif
#ifndef NEAR
#define NEAR 1          /* the nodes behind us that sent UPDATE, named as hints (near list) */
#endif
#ifndef CHECKPRED
#define CHECKPRED 1     /* the periodic check of the predecessor (check_pred_ns) */
#endif
#ifndef FIX1
#define FIX1 1
#endif
#ifndef FIX2
#define FIX2 1
#endif
#ifndef FIX3
#define FIX3 1
#endif
#ifndef FIX4
#define FIX4 1          /* a leaving node takes the records of an UPDATE answer, nothing else */
#endif
#ifndef FIX5
#define FIX5 1          /* a leaving node admits no joiner */
#endif
#ifndef FIX6
#define FIX6 1          /* a leaving node answers GET_SUCC as a node in no ring */
#endif
#ifndef FIX7
#define FIX7 2          /* how a leaving node answers UPDATE: 2 its successor list, no rectify, no
			   records (the core); 1 as a node in no ring (the core before, which
			   fails leave2-4); 0 as a member (see docs/verify.md) */
#endif
#ifndef STOPSELF
#define STOPSELF 1      /* 1: ring_set_successors ends a list at itself (the core); 0: skips it */
#endif
#ifndef JOIN_TRIES
#define JOIN_TRIES 2    /* join attempts (the core: 6) */
#endif
#ifndef JOIN_HOPS
#define JOIN_HOPS 2     /* ST_NOT_RESPONSIBLE steps per attempt (the core: lookup_max_hops) */
#endif
#ifndef MAX_REFUSALS
#define MAX_REFUSALS 3  /* LEAVE_MAX_REFUSALS (the core: 32; NN - 1 refusals walk any ring here) */
#endif
#if R != 2
#error "the model's lists are written for R = 2 (nearest_before, CRASH_OK)"
#endif
#define LEAVE_EXTRA_ROUNDS 3
#define MAXROUNDS (3 * NN + 3)

#define NONE 255
#define NS (4 * NN)     /* network slots: one per (requester, kind) */
#define NF (R + 2)      /* node fields per slot */

/* node status */
#define S_OUT 0         /* never joined, or gave up joining */
#define S_JOINING 1
#define S_IN 2          /* joined */
#define S_LEAVING 3     /* joined, its LEAVE operation runs */
#define S_LEFT 4        /* alive, in no ring: answers as a node outside any ring */
#define S_DEAD 5

/* slot kinds (slot = requester * 4 + kind) */
#define K_UPD 0
#define K_CHK 1
#define K_ADOPT 2
#define K_OP 3

/* request types */
#define M_UPD 1
#define M_GS 2
#define M_JOIN 3
#define M_LTS 4         /* LEAVE_TO_SUCC */
#define M_LTP 5         /* LEAVE_TO_PRED */

/* answer kinds */
#define A_EMPTY 9       /* no nodes: the responder is in no ring (or, FIX2, we departed) */
#define A_OK 10         /* JOIN and LEAVE: ST_OK; GET_SUCC: a member's answer */
#define A_NOTRESP 11    /* ST_NOT_RESPONSIBLE */
#define A_FAIL 12       /* no answer: the destination crashed (failure path) */

#define DIST(a, b) (((b) + NN - (a)) % NN)
/* x in (a, b) and x in (a, b] on the circle; (a, a) is all but a, (a, a] all */
#define IN_OO(x, a, b) ((a) == (b) -> (x) != (a) : (DIST(a, x) > 0 && DIST(a, x) < DIST(a, b)))
#define IN_OC(x, a, b) ((a) == (b) -> 1 : (DIST(a, x) > 0 && DIST(a, x) <= DIST(a, b)))
#define JOINED(x) ((x) != NONE && (st[x] == S_IN || st[x] == S_LEAVING))
#define BIT(x) (1 << (x))
#define SUCC(i, k) succ[(i) * R + (k)]
#define SN(s, k) sn[(s) * NF + (k)]
#define SNSUCC(s, k) sn[(s) * NF + 2 + (k)]

/* ---- node state ---- */
byte st[NN];
byte succ[NN * R];      /* successor list, NONE-padded */
byte pred[NN];
byte rect[NN];          /* rect_cand: waiting to replace a predecessor being checked */
byte known[NN];         /* nodes known besides the lists (the near list behind us) */
byte badhint[NN];       /* bad_hint */
byte tbl[NN];           /* object table: records by key */
byte departed[NN];      /* FIX2: leavers that handed us their records */
/* the LEAVE operation */
byte lbatch[NN];        /* records handed over, not yet acknowledged */
byte lphase[NN];        /* 0 handing records to the successor, 1 telling the predecessor */
byte lrounds[NN];
byte lref[NN];
bit ltold[NN];          /* FIX3: the predecessor was told already */
bit lwait[NN];          /* FIX3: waiting for an UPDATE answer before going on */
/* the JOIN operation */
byte jtries[NN];
byte jhops[NN];
bit jneed[NN];          /* a new attempt: a lookup names the node to ask */

/* ---- the network: one slot per (requester, kind) ---- */
byte sph[NS];           /* 0 empty, 1 request in flight, 2 answer in flight */
byte sto[NS];           /* the node asked */
byte styp[NS];          /* the request type */
byte sk[NS];            /* the answer's kind (UPDATE: 0..2 like UPDATE_R, or A_*) */
byte sn[NS * NF];       /* node fields: 0 hint / next / leaver's pred, 1 pred, 2.. list */
byte srec[NS];          /* records carried */
#if FIFO
int spre[NS];           /* slots the same sender sent to the same receiver before */
#endif

/* ---- bounds and bookkeeping ---- */
byte njoins, nleaves, ncrashes;
byte exempt;            /* records a crash took */
bit settled;

/* scratch, written before it is read within each step: not part of the state. Spin's
 * breadth-first search (the shortest counterexample) refuses hidden variables; with -DBFS
 * they are ordinary ones, zeroed at the end of every step so no state differs by them. */
#if BFS
#define HIDDEN
#else
#define HIDDEN hidden
#endif
HIDDEN byte cand[R + 3];
HIDDEN byte ncand;
HIDDEN byte sx, sy, sz, sw, sdup;
HIDDEN byte rx, rw, rmflags;
HIDDEN byte na_best, na_x, na_i;
HIDDEN byte ds, dow, dpeer;
HIDDEN byte ua, ub, uc, ud, uk;
HIDDEN byte hx, hheld, hlost, hd;
HIDDEN byte cu, cv, ck, crep, crep0, cnm, csum;
HIDDEN byte bs[NN];
HIDDEN byte snap_succ[NN * R], snap_pred[NN], snap_tbl[NN], snap_bad[NN], snap_rect[NN], snap_known[NN];
HIDDEN byte rounds, changed, si;
HIDDEN byte gi, gj;

#if BFS
inline scrub()
{
	ncand = 0; sx = 0; sy = 0; sz = 0; sw = 0; sdup = 0; rx = 0; rw = 0; rmflags = 0;
	na_best = 0; na_x = 0; na_i = 0; ds = 0; dow = 0; dpeer = 0; ua = 0; ub = 0; uc = 0;
	ud = 0; uk = 0; hx = 0; hheld = 0; hlost = 0; hd = 0; cu = 0; cv = 0; ck = 0; crep = 0;
	crep0 = 0; cnm = 0; csum = 0; rounds = 0; changed = 0; si = 0; gj = 0;
	gi = 0;
	do
	:: gi < R + 3 -> cand[gi] = 0; gi++
	:: else -> break
	od;
	gi = 0;
	do
	:: gi < NN -> bs[gi] = 0; snap_pred[gi] = 0; snap_tbl[gi] = 0; snap_succ[gi * R] = 0; snap_succ[gi * R + 1] = 0;
		snap_bad[gi] = 0; snap_rect[gi] = 0; snap_known[gi] = 0; gi++
	:: else -> break
	od;
	gi = 0
}
#else
#define scrub() skip
#endif

/* ---- helpers ---- */

/* The successor list from cand[0..ncand) (ring_set_successors): skip NONE, self and
 * duplicates, keep the first R. STOPSELF: a list that comes round to us ends there. */
inline set_succ(i)
{
	sw = 0;
	sx = 0;
	do
	:: sx < ncand && sw < R && !(STOPSELF && cand[sx] == i) ->
		sy = cand[sx];
		sdup = (sy == NONE || sy == i);
		sz = 0;
		do
		:: sz < sw -> if :: SUCC(i, sz) == sy -> sdup = 1 :: else -> skip fi; sz++
		:: else -> break
		od;
		if
		:: !sdup -> SUCC(i, sw) = sy; sw++
		:: else -> skip
		fi;
		sx++
	:: else -> break
	od;
	do
	:: sw < R -> SUCC(i, sw) = NONE; sw++
	:: else -> break
	od
}

/* ring_remove: x leaves the successor list, the predecessor slot and the known nodes.
 * rmflags: 1 it was a successor, 2 the first, 4 the predecessor. */
inline ring_remove(i, x)
{
	rmflags = 0;
	rx = 0;
	rw = 0;
	do
	:: rx < R ->
		if
		:: SUCC(i, rx) == x -> rmflags = rmflags | (rx == 0 -> 3 : 1)
		:: else -> SUCC(i, rw) = SUCC(i, rx); rw++
		fi;
		rx++
	:: else -> break
	od;
	do
	:: rw < R -> SUCC(i, rw) = NONE; rw++
	:: else -> break
	od;
	if
	:: pred[i] == x -> pred[i] = NONE; rmflags = rmflags | 4
	:: else -> skip
	fi;
	known[i] = known[i] & ~BIT(x)
}

/* dht_node_failed: x is presumed dead (or out of any ring). */
inline node_failed(i, x)
{
	ring_remove(i, x);
	if
	:: (rmflags & 4) && rect[i] != NONE -> pred[i] = rect[i]; rect[i] = NONE
	:: else -> skip
	fi;
	if
	:: rect[i] == x -> rect[i] = NONE
	:: else -> skip
	fi;
	/* reseed_successor: the list ran dry, fall back on any node still known */
	if
	:: SUCC(i, 0) == NONE ->
		na_best = NONE;
		na_i = 0;
		do
		:: na_i < NN ->
			if
			:: (known[i] & BIT(na_i)) && (na_best == NONE || DIST(i, na_i) < DIST(i, na_best)) -> na_best = na_i
			:: else -> skip
			fi;
			na_i++
		:: else -> break
		od;
		if
		:: na_best != NONE -> SUCC(i, 0) = na_best
		:: na_best == NONE && pred[i] != NONE -> SUCC(i, 0) = pred[i]
		:: else -> skip
		fi
	:: else -> skip
	fi
}

/* near_after: the node nearest after x in (x, i) among i's predecessor, known nodes and
 * successors, into na_best (NONE if none). */
inline consider(i, x, y)
{
	if
	:: y != NONE && IN_OO(y, x, i) && (na_best == NONE || DIST(x, y) < DIST(x, na_best)) -> na_best = y
	:: else -> skip
	fi
}

inline near_after(i, x)
{
	na_best = NONE;
	consider(i, x, pred[i]);
	na_i = 0;
	do
	:: na_i < NN ->
		if
		:: known[i] & BIT(na_i) -> consider(i, x, na_i)
		:: else -> skip
		fi;
		na_i++
	:: else -> break
	od;
	na_i = 0;
	do
	:: na_i < R -> consider(i, x, SUCC(i, na_i)); na_i++
	:: else -> break
	od
}

/* The nearest node i knows before itself (ring_closest_preceding(self)), into na_best. */
inline nearest_before(i)
{
	na_best = NONE;
	na_i = 0;
	do
	:: na_i < NN ->
		if
		:: na_i != i && ((known[i] & BIT(na_i)) || SUCC(i, 0) == na_i || SUCC(i, R - 1) == na_i) &&
		   (na_best == NONE || DIST(i, na_i) > DIST(i, na_best)) -> na_best = na_i
		:: else -> skip
		fi;
		na_i++
	:: else -> break
	od
}

#if FIFO
/* s now holds a message from a to b: everything a sent b before goes first. */
inline fifo_put(s, a, b)
{
	spre[s] = 0;
	gi = 0;
	do
	:: gi < NS ->
		if
		:: gi != s && sph[gi] != 0 &&
		   ((sph[gi] == 1 && gi / 4 == a && sto[gi] == b) || (sph[gi] == 2 && sto[gi] == a && gi / 4 == b)) ->
			spre[s] = spre[s] | (1 << gi)
		:: else -> skip
		fi;
		gi++
	:: else -> break
	od
}

inline fifo_gone(s)
{
	gj = 0;
	do
	:: gj < NS -> spre[gj] = spre[gj] & ~(1 << s); gj++
	:: else -> break
	od
}
#define FIFO_OK(s) (spre[s] == 0)
#else
#define fifo_put(s, a, b) skip
#define fifo_gone(s) skip
#define FIFO_OK(s) 1
#endif

inline clear_fields(s)
{
	SN(s, 0) = NONE;
	SN(s, 1) = NONE;
	sz = 0;
	do
	:: sz < R -> SNSUCC(s, sz) = NONE; sz++
	:: else -> break
	od
}

/* A request from i (slot kind k) to node t of type typ, with no fields; the caller sets
 * those it carries. */
inline put_req(i, k, t, typ)
{
	sph[(i) * 4 + (k)] = 1;
	sto[(i) * 4 + (k)] = t;
	styp[(i) * 4 + (k)] = typ;
	sk[(i) * 4 + (k)] = 0;
	srec[(i) * 4 + (k)] = 0;
	clear_fields((i) * 4 + (k));
	fifo_put((i) * 4 + (k), i, t)
}

/* An empty slot keeps nothing of its last message (no two states differ by leftovers). */
inline wipe_if_free(s)
{
	if
	:: sph[s] == 0 -> sto[s] = 0; styp[s] = 0; sk[s] = 0; srec[s] = 0; clear_fields(s)
	:: else -> skip
	fi
}

inline copy_succ_to_msg(s, i)
{
	sz = 0;
	do
	:: sz < R -> SNSUCC(s, sz) = SUCC(i, sz); sz++
	:: else -> break
	od
}

/* cand = [first] ++ the list in slot s */
inline cand_from_msg(first, s)
{
	cand[0] = first;
	sz = 0;
	do
	:: sz < R -> cand[sz + 1] = SNSUCC(s, sz); sz++
	:: else -> break
	od;
	ncand = R + 1
}

/* The records in (a, b] */
inline keys_oc(a, b, out)
{
	out = 0;
	sz = 0;
	do
	:: sz < NN ->
		if
		:: IN_OC(sz, a, b) -> out = out | BIT(sz)
		:: else -> skip
		fi;
		sz++
	:: else -> break
	od
}

/* ---- timers ---- */

inline send_update(i)
{
	put_req(i, K_UPD, SUCC(i, 0), M_UPD);
	printf("MSC: %d sends UPDATE to %d\n", i, SUCC(i, 0))
}

inline send_check_pred(i)
{
	if
	:: sph[(i) * 4 + K_CHK] == 0 && pred[i] != NONE && !(FIX1 && st[i] == S_LEAVING) ->
		put_req(i, K_CHK, pred[i], M_GS)
	:: else -> skip
	fi
}

/* ---- the LEAVE operation (dht_leave_step, leave_cb) ---- */

inline keep_batch(i)
{
	tbl[i] = tbl[i] | lbatch[i];
	lbatch[i] = 0
}

/* A crashed node's memory is gone; nobody reads it, and no two states differ by it. */
inline forget(i)
{
	SUCC(i, 0) = NONE;
	SUCC(i, R - 1) = NONE;
	pred[i] = NONE;
	rect[i] = NONE;
	known[i] = 0;
	badhint[i] = NONE;
	tbl[i] = 0;
	departed[i] = 0;
	lbatch[i] = 0;
	lphase[i] = 0;
	lrounds[i] = 0;
	lref[i] = 0;
	ltold[i] = 0;
	lwait[i] = 0
}

inline leave_done(i)
{
	keep_batch(i);
	printf("MSC: %d has left, holding records %d\n", i, tbl[i]);
	st[i] = S_LEFT;
	sz = 0;
	do
	:: sz < R -> SUCC(i, sz) = NONE; sz++
	:: else -> break
	od;
	pred[i] = NONE;
	rect[i] = NONE;
	known[i] = 0;
	lphase[i] = 0;
	lrounds[i] = 0;
	lref[i] = 0;
	ltold[i] = 0;
	lwait[i] = 0
}

inline leave_abort(i)
{
	keep_batch(i);
	st[i] = S_IN;
	lphase[i] = 0;
	lrounds[i] = 0;
	lref[i] = 0;
	ltold[i] = 0;
	lwait[i] = 0
}

/* Phase 0: our predecessor and our records to the first successor. */
inline leave_handoff(i)
{
	if
	:: SUCC(i, 0) == NONE -> leave_done(i)   /* nobody to hand to: the records go with us */
	:: else ->
		if
		:: lbatch[i] == 0 -> lbatch[i] = tbl[i]; tbl[i] = 0
		:: else -> skip
		fi;
		put_req(i, K_OP, SUCC(i, 0), M_LTS);
		SN((i) * 4 + K_OP, 0) = pred[i];
		srec[(i) * 4 + K_OP] = lbatch[i];
		printf("MSC: %d sends LEAVE_TO_SUCC to %d (pred %d, records %d)\n", i, SUCC(i, 0), pred[i], lbatch[i])
	fi
}

/* Phase 1: our successor list to the predecessor. */
inline leave_tell_pred(i)
{
	lphase[i] = 1;
	ltold[i] = 1;
	if
	:: pred[i] != NONE ->
		put_req(i, K_OP, pred[i], M_LTP);
		copy_succ_to_msg((i) * 4 + K_OP, i);
		printf("MSC: %d sends LEAVE_TO_PRED to %d\n", i, pred[i])
	:: else -> leave_done(i)
	fi
}

/* FIX3: what a leave does next once nothing of its own is in flight. */
inline leave_continue(i)
{
	lwait[i] = 0;
	if
	:: tbl[i] != 0 -> lphase[i] = 0; leave_handoff(i)
	:: tbl[i] == 0 && sph[(i) * 4 + K_UPD] != 0 -> lwait[i] = 1
	:: tbl[i] == 0 && sph[(i) * 4 + K_UPD] == 0 && !ltold[i] -> leave_tell_pred(i)
	:: else -> leave_done(i)
	fi
}

/* ---- request handlers at d, from requester o, in slot s; they write the answer ---- */

inline on_update(s, d, o)
{
	clear_fields(s);
	srec[s] = 0;
	if
	:: !JOINED(d) || (FIX2 && (departed[d] & BIT(o))) -> sk[s] = A_EMPTY
	:: FIX7 == 2 && st[d] == S_LEAVING ->
		/* the core: nobody's successor, so no rectify and no records handed back; but its
		 * successor list (kind 0), so that the caller goes on past it until LEAVE_TO_PRED */
		sk[s] = 0;
		copy_succ_to_msg(s, d)
	:: FIX7 == 1 && st[d] == S_LEAVING ->
		/* nobody's successor: no rectify, the answer of a node in no ring; its predecessor
		 * still gets the records outside (pred, d] (respond_with_handoff) */
		sk[s] = A_EMPTY;
		if
		:: pred[d] == o ->
			keys_oc(o, d, ub);
			srec[s] = tbl[d] & ~ub;
			tbl[d] = tbl[d] & ub;
			if
			:: srec[s] != 0 -> printf("MSC: %d, leaving, hands records %d to %d in its UPDATE answer\n", d, srec[s], o)
			:: else -> skip
			fi
		:: else -> skip
		fi
	:: else ->
		ua = pred[d];
		/* rectify */
		if
		:: SUCC(d, 0) == NONE -> SUCC(d, 0) = o
		:: else -> skip
		fi;
		if
		:: pred[d] == NONE || IN_OO(o, pred[d], d) ->
			pred[d] = o;
			printf("MSC: %d takes %d as its predecessor (rectify)\n", d, o)
		:: pred[d] != NONE && !IN_OO(o, pred[d], d) && pred[d] != o ->
			rect[d] = o;
			send_check_pred(d)
		:: else -> skip
		fi;
		/* near_note */
		if
		:: NEAR && pred[d] != o -> known[d] = known[d] | BIT(o)
		:: NEAR && pred[d] == o && ua != NONE && ua != o -> known[d] = known[d] | BIT(ua)
		:: else -> skip
		fi;
		sk[s] = 0;
		if
		:: pred[d] != NONE ->
			sk[s] = 1;
			SN(s, 1) = pred[d];
			if
			:: pred[d] != o ->
				near_after(d, o);
				if
				:: na_best != NONE && na_best != pred[d] -> sk[s] = 2; SN(s, 0) = na_best
				:: else -> skip
				fi
			:: else -> skip
			fi
		:: else -> skip
		fi;
		copy_succ_to_msg(s, d);
		/* the handoff: records no longer in (o, d], to our predecessor only */
		if
		:: pred[d] == o ->
			keys_oc(o, d, ub);
			srec[s] = tbl[d] & ~ub;
			tbl[d] = tbl[d] & ub;
			if
			:: srec[s] != 0 -> printf("MSC: %d hands records %d to %d in its UPDATE answer\n", d, srec[s], o)
			:: else -> skip
			fi
		:: else -> skip
		fi
	fi
}

/* GET_SUCC_R: [d, d's successors] from a member, no nodes otherwise. check_pred reads only
 * whether d lists itself, so its answer carries no list here (no two states differ by it). */
inline on_get_succ(s, d, o)
{
	clear_fields(s);
	srec[s] = 0;
	if
	:: JOINED(d) && !(FIX6 && st[d] == S_LEAVING) ->
		sk[s] = A_OK;
		if :: s % 4 == K_ADOPT -> copy_succ_to_msg(s, d) :: else -> skip fi
	:: else -> sk[s] = A_EMPTY
	fi
}

inline on_join(s, d, o)
{
	clear_fields(s);
	srec[s] = 0;
	departed[d] = departed[d] & ~BIT(o);
	if
	:: !JOINED(d) || (FIX5 && st[d] == S_LEAVING) -> sk[s] = A_NOTRESP
	:: else ->
		nearest_before(d);
		if
		:: SUCC(d, 0) == NONE ||
		   (pred[d] == NONE && na_best != NONE && IN_OC(o, na_best, d)) ||
		   (pred[d] != NONE && (IN_OO(o, pred[d], d) || o == pred[d])) ->
			sk[s] = A_OK;
			copy_succ_to_msg(s, d)
		:: else ->
			sk[s] = A_NOTRESP;
			near_after(d, o);
			SN(s, 0) = na_best
		fi
	fi
}

inline on_leave(s, d, o)
{
	ua = SN(s, 0);          /* LEAVE_TO_SUCC: the leaver's predecessor */
	ub = srec[s];           /* LEAVE_TO_SUCC: its records */
	cand_from_msg(NONE, s); /* LEAVE_TO_PRED: its successor list */
	clear_fields(s);
	srec[s] = 0;
	if
	:: !JOINED(d) || (st[d] == S_LEAVING && styp[s] == M_LTS) ->
		/* a node leaving, or gone, is nobody's successor */
		sk[s] = A_NOTRESP;
		if
		:: JOINED(d) -> copy_succ_to_msg(s, d)
		:: else -> skip
		fi
	:: else ->
		known[d] = known[d] & ~BIT(o);
		if
		:: styp[s] == M_LTS ->
			if
			:: FIX2 -> departed[d] = departed[d] | BIT(o)
			:: else -> skip
			fi;
			if
			:: pred[d] == NONE || pred[d] == o ->
				pred[d] = NONE;
				if
				:: ua != NONE && ua != d && !(FIX2 && (departed[d] & BIT(ua))) -> pred[d] = ua
				:: else -> skip
				fi
			:: else -> skip
			fi;
			tbl[d] = tbl[d] | ub;
			ring_remove(d, o);
			printf("MSC: %d takes the records %d of %d, and %d as its predecessor\n", d, ub, o, pred[d])
		:: else ->
			ring_remove(d, o);
			if
			:: (rmflags & 2) || SUCC(d, 0) == NONE -> set_succ(d)
			:: else -> skip
			fi
		fi;
		sk[s] = A_OK
	fi
}

/* ---- answer handlers at requester o, from the node asked p ---- */

inline join_later(o)
{
	jtries[o]++;
	if
	:: jtries[o] >= JOIN_TRIES -> st[o] = S_OUT   /* the join failed */
	:: else -> jneed[o] = 1
	fi
}

inline update_cb(s, o, p)
{
	if
	:: sk[s] == A_FAIL -> skip     /* the failure path removed p; the next round goes on */
	:: sk[s] != A_FAIL && !JOINED(o) ->
		if
		:: srec[s] != 0 -> printf("MSC: %d, no longer in the ring, drops records %d\n", o, srec[s])
		:: else -> skip
		fi
	:: sk[s] == A_EMPTY && JOINED(o) && !(FIX4 && st[o] == S_LEAVING) ->
		printf("MSC: %d drops %d: its UPDATE answer names no node\n", o, p);
		node_failed(o, p)
	:: FIX4 && st[o] == S_LEAVING && JOINED(o) ->
		/* the list it hands its predecessor stays the one it had (see docs/verify.md) */
		tbl[o] = tbl[o] | srec[s]
	:: else ->
		if
		:: srec[s] != 0 -> printf("MSC: %d receives records %d in the UPDATE answer of %d\n", o, srec[s], p)
		:: else -> skip
		fi;
		tbl[o] = tbl[o] | srec[s];
		if
		:: SUCC(o, 0) != p -> skip     /* we adopted a nearer successor meanwhile */
		:: else ->
			uc = NONE;              /* the candidate better successor */
			if
			:: sk[s] == 2 && SN(s, 0) != badhint[o] && SN(s, 0) != o && IN_OO(SN(s, 0), o, p) -> uc = SN(s, 0)
			:: else -> skip
			fi;
			if
			:: uc == NONE && sk[s] >= 1 && SN(s, 1) != o && IN_OO(SN(s, 1), o, p) -> uc = SN(s, 1)
			:: else -> skip
			fi;
			cand_from_msg(p, s);
			set_succ(o);
			if
			:: uc != NONE && sph[(o) * 4 + K_ADOPT] == 0 && !(FIX1 && st[o] == S_LEAVING) ->
				put_req(o, K_ADOPT, uc, M_GS)
			:: else -> skip
			fi
		fi
	fi;
	srec[s] = 0;
	if
	:: FIX3 && st[o] == S_LEAVING && lwait[o] -> leave_continue(o)
	:: else -> skip
	fi
}

inline check_pred_cb(s, o, p)
{
	if
	:: sk[s] == A_FAIL -> skip
	:: sk[s] == A_EMPTY -> node_failed(o, p)   /* alive but in no ring */
	:: sk[s] == A_OK && pred[o] == p -> rect[o] = NONE
	:: else -> skip
	fi
}

inline adopt_cb(s, o, p)
{
	if
	:: sk[s] == A_FAIL -> badhint[o] = p
	:: sk[s] != A_FAIL && !JOINED(o) -> skip
	:: sk[s] == A_EMPTY && JOINED(o) -> badhint[o] = p; node_failed(o, p)
	:: else ->
		if
		:: SUCC(o, 0) == NONE || IN_OO(p, o, SUCC(o, 0)) ->
			cand_from_msg(p, s);
			set_succ(o)
		:: else -> skip
		fi
	fi
}

inline join_cb(s, o, p)
{
	if
	:: sk[s] == A_OK ->
		cand_from_msg(p, s);
		set_succ(o);
		pred[o] = NONE;
		st[o] = S_IN;
		jtries[o] = 0;
		jhops[o] = 0;
		printf("MSC: %d joined at %d\n", o, p)
	:: sk[s] == A_NOTRESP && SN(s, 0) != NONE && IN_OO(SN(s, 0), o, p) && jhops[o] < JOIN_HOPS ->
		jhops[o]++;
		uc = SN(s, 0);
		put_req(o, K_OP, uc, M_JOIN)
	:: else -> join_later(o)
	fi
}

inline leave_cb(s, o, p)
{
	if
	:: styp[s] == M_LTP -> /* the predecessor was told, or could not be */
		if
		:: FIX3 -> leave_continue(o)
		:: else -> leave_done(o)
		fi
	:: styp[s] == M_LTS && sk[s] == A_OK ->
		lbatch[o] = 0;
		if
		:: FIX3 -> leave_continue(o)
		:: else ->
			if
			:: tbl[o] == 0 || lrounds[o] >= LEAVE_EXTRA_ROUNDS -> leave_tell_pred(o)
			:: else -> lrounds[o]++; leave_handoff(o)
			fi
		fi
	:: styp[s] == M_LTS && sk[s] == A_NOTRESP && lref[o] < MAX_REFUSALS ->
		/* our successor is leaving too: its list replaces ours */
		lref[o]++;
		cand_from_msg(NONE, s);
		ring_remove(o, p);
		if
		:: cand[1] != NONE -> set_succ(o)
		:: else -> skip
		fi;
		leave_handoff(o)
	:: styp[s] == M_LTS && sk[s] == A_FAIL -> leave_handoff(o)   /* to the next successor */
	:: else -> leave_abort(o)    /* refused too often: stay, keep the records */
	fi
}

/* ---- delivery of slot s ---- */

inline drop_records(s)
{
	/* records sent to, or by way of an answer to, a crashed node: the crash took them */
	hd = srec[s];
	srec[s] = 0;
	held(hheld);
	exempt = exempt | (hd & ~hheld)
}

/* Each handler runs as one d_step: deterministic, executed as one block of C (no state is
 * kept between its statements, and Spin runs it an order of magnitude faster). */
inline answer(s, o, p)
{
	if
	:: s % 4 == K_UPD -> d_step { update_cb(s, o, p); skip }
	:: s % 4 == K_CHK -> d_step { check_pred_cb(s, o, p); skip }
	:: s % 4 == K_ADOPT -> d_step { adopt_cb(s, o, p); skip }
	:: s % 4 == K_OP && styp[s] == M_JOIN -> d_step { join_cb(s, o, p); skip }
	:: else -> d_step { leave_cb(s, o, p); skip }
	fi
}

inline deliver(s)
{
	dow = (s) / 4;
	dpeer = sto[s];
	if
	:: sph[s] == 1 && st[dpeer] == S_DEAD ->
		/* no answer: the requester's failure path, then its callback */
		d_step { sph[s] = 0; fifo_gone(s); skip };
		if
		:: st[dow] != S_DEAD ->
			if
			:: styp[s] == M_LTS -> srec[s] = 0   /* the batch stays with the leaver */
			:: else -> drop_records(s)
			fi;
			d_step { node_failed(dow, dpeer); skip };
			sk[s] = A_FAIL;
			answer(s, dow, dpeer)
		:: else -> drop_records(s)
		fi
	:: sph[s] == 1 && st[dpeer] != S_DEAD ->
		if
		:: styp[s] == M_UPD -> d_step { on_update(s, dpeer, dow); skip }
		:: styp[s] == M_GS -> d_step { on_get_succ(s, dpeer, dow); skip }
		:: styp[s] == M_JOIN -> d_step { on_join(s, dpeer, dow); skip }
		:: else -> d_step { on_leave(s, dpeer, dow); skip }
		fi;
		d_step { sph[s] = 2; fifo_gone(s); fifo_put(s, dpeer, dow); skip }
	:: sph[s] == 2 ->
		d_step { sph[s] = 0; fifo_gone(s); skip };
		if
		:: st[dow] == S_DEAD -> drop_records(s)
		:: else -> answer(s, dow, dpeer)
		fi
	fi;
	d_step { wipe_if_free(s); skip }   /* unless a handler put its next request there */
}

/* ---- invariants ---- */

/* Records held by a live member (table or leave batch) or travelling in a message: what a
 * crash or a message to a crashed node leaves, to tell whether the crash took a record.
 * A leave batch whose successor has taken it (its ST_OK is on the way back) is not a copy
 * of its own: the leaver drops it when the answer comes. Counting it would miss a record
 * the successor then sent to a crashed node (an UPDATE the crashed node sent before it
 * crashed made the successor take it for its predecessor and hand it the leaver's
 * records): the record would be lost for good when the batch is dropped, yet never
 * counted as taken by the crash. */
#define BATCH_TAKEN(x) (sph[(x) * 4 + K_OP] == 2 && styp[(x) * 4 + K_OP] == M_LTS && sk[(x) * 4 + K_OP] == A_OK)
inline held(out)
{
	out = 0;
	hx = 0;
	do
	:: hx < NN ->
		if
		:: JOINED(hx) -> out = out | tbl[hx] | (BATCH_TAKEN(hx) -> 0 : lbatch[hx])
		:: else -> skip
		fi;
		hx++
	:: else -> break
	od;
	hx = 0;
	do
	:: hx < NS ->
		if
		:: sph[hx] != 0 -> out = out | srec[hx]
		:: else -> skip
		fi;
		hx++
	:: else -> break
	od
}

/* The invariants after every step are evaluated in C (c_code): the same definitions, an
 * order of magnitude faster than as Promela statements, which Spin interprets one by one. */
c_code {
static int cj(int x)
{
	return x != NONE && (now.st[x] == S_IN || now.st[x] == S_LEAVING);
}

/* 0, or: 1 a member with no live member in its list, 2 a cycle that is not ordered (goes
 * round more than once), 3 two cycles (a second ring, or an appendage loop). */
int ring_bad(void)
{
	int bs[NN], nm = 0, rep0 = -1, u, v, w, k, rep, sum;

	for (u = 0; u < NN; u++) {
		bs[u] = NONE;
		if (!cj(u))
			continue;
		nm++;
		for (k = 0; k < R; k++)
			if (cj(now.succ[u * R + k])) {
				bs[u] = now.succ[u * R + k];
				break;
			}
	}
	if (nm < 2)
		return 0;
	for (u = 0; u < NN; u++)
		if (cj(u) && bs[u] == NONE)
			return 1;
	for (u = 0; u < NN; u++) {
		if (!cj(u))
			continue;
		for (v = u, k = 0; k < NN; k++)
			v = bs[v];   /* NN steps reach the cycle */
		rep = v;
		sum = DIST(v, bs[v]);
		for (w = bs[v]; w != v; w = bs[w]) {
			if (w < rep)
				rep = w;
			sum += DIST(w, bs[w]);
		}
		if (sum != NN)
			return 2;
		if (rep0 < 0)
			rep0 = rep;
		else if (rep != rep0)
			return 3;
	}
	return 0;
}

/* The records no live member holds (table or leave batch) and no message carries, and no
 * crash took. */
int records_lost(void)
{
	int h = 0, i;

	for (i = 0; i < NN; i++)
		if (cj(i))
			h |= now.tbl[i] | now.lbatch[i];
	for (i = 0; i < NS; i++)
		if (now.sph[i] != 0)
			h |= now.srec[i];
	return RECS & ~h & ~now.exempt;
}
}

byte viol;              /* 0 always; set only for the assertion that reports it */

c_code {
static int alldone;

void alldone_said(void)
{
	if (!alldone)
		printf("ring.pml: a quiescent state after every operation was reached\n");
	alldone = 1;
}
}

inline check_records()
{
	c_code { now.viol = records_lost(); };
	assert(viol == 0)   /* a record was lost */
}

inline check_ring()
{
	c_code { now.viol = ring_bad(); };
	assert(viol != 1);  /* a member with no live member in its list */
	assert(viol != 2);  /* the ring is not ordered: it goes round more than once */
	assert(viol != 3)   /* two cycles: a second ring or an appendage loop */
}

/* The members, into cnm (for the ideal ring). */
inline count_members()
{
	cnm = 0;
	cu = 0;
	do
	:: cu < NN -> if :: JOINED(cu) -> cnm++ :: else -> skip fi; cu++
	:: else -> break
	od
}

inline check()
{
	d_step { check_records(); check_ring(); scrub(); skip }
}

/* ---- quiescence: stabilize to a fixed point, then the ring must be ideal ---- */

inline drain()
{
	si = 0;
	do
	:: si < NS ->
		if
		:: sph[si] != 0 && FIFO_OK(si) -> deliver(si); check(); si = 0
		:: else -> si++
		fi
	:: else -> break
	od
}

inline check_ideal()
{
	cu = 0;
	do
	:: cu < NN ->
		if
		:: JOINED(cu) ->
			/* the expected successors, in order */
			cv = (cu + 1) % NN;
			ck = 0;
			do
			:: cv != cu ->
				if
				:: JOINED(cv) ->
					if
					:: ck < R -> assert(SUCC(cu, ck) == cv); ck++   /* successor list not ideal */
					:: else -> skip
					fi;
					uc = cv      /* the last member before cu, at the end */
				:: else -> skip
				fi;
				cv = (cv + 1) % NN
			:: else -> break
			od;
			do
			:: ck < R -> assert(SUCC(cu, ck) == NONE); ck++
			:: else -> break
			od;
			if
			:: cnm >= 2 -> assert(pred[cu] == uc)   /* predecessor not ideal */
			:: else -> skip
			fi;
			/* records: exactly those in (pred, self] */
			if
			:: cnm >= 2 -> keys_oc(pred[cu], cu, ud); assert((tbl[cu] & ~exempt & RECS) == (ud & RECS & ~exempt))
			:: else -> skip
			fi
		:: else -> skip
		fi;
		cu++
	:: else -> break
	od
}

inline settle()
{
	drain();
	rounds = 0;
	do
	:: rounds < MAXROUNDS ->
		gi = 0;
		do
		:: gi < NN -> snap_pred[gi] = pred[gi]; snap_tbl[gi] = tbl[gi]; snap_bad[gi] = badhint[gi];
			snap_rect[gi] = rect[gi]; snap_known[gi] = known[gi]; gi++
		:: else -> break
		od;
		gi = 0;
		do
		:: gi < NN * R -> snap_succ[gi] = succ[gi]; gi++
		:: else -> break
		od;
		uk = 0;
		do
		:: uk < NN ->
			if
			:: st[uk] == S_IN ->
				send_check_pred(uk);
				drain();
				if
				:: SUCC(uk, 0) != NONE -> send_update(uk); drain()
				:: else -> skip
				fi
			:: else -> skip
			fi;
			uk++
		:: else -> break
		od;
		changed = 0;
		gi = 0;
		do
		:: gi < NN -> changed = changed | (snap_pred[gi] != pred[gi]) | (snap_tbl[gi] != tbl[gi]) |
			(snap_bad[gi] != badhint[gi]) | (snap_rect[gi] != rect[gi]) | (snap_known[gi] != known[gi]); gi++
		:: else -> break
		od;
		gi = 0;
		do
		:: gi < NN * R -> changed = changed | (snap_succ[gi] != succ[gi]); gi++
		:: else -> break
		od;
		if
		:: changed -> rounds++
		:: else -> break
		fi
	:: else -> break
	od;
	assert(rounds < MAXROUNDS);   /* stabilization found no fixed point */
	count_members();
	check_ideal()
}

/* ---- the initial ring ---- */

inline init_ring()
{
	gi = 0;
	do
	:: gi < NS -> wipe_if_free(gi); gi++
	:: else -> break
	od;
	cu = 0;
	do
	:: cu < NN ->
		SUCC(cu, 0) = NONE;
		SUCC(cu, R - 1) = NONE;
		pred[cu] = NONE;
		rect[cu] = NONE;
		badhint[cu] = NONE;
		st[cu] = ((INITMEM & BIT(cu)) -> S_IN : S_OUT);
		cu++
	:: else -> break
	od;
	gi = 0;
	do
	:: gi < NS * NF -> sn[gi] = NONE; gi++
	:: else -> break
	od;
	cu = 0;
	do
	:: cu < NN ->
		if
		:: st[cu] == S_IN ->
			cv = (cu + 1) % NN;
			ck = 0;
			do
			:: cv != cu ->
				if
				:: st[cv] == S_IN ->
					if
					:: ck < R -> SUCC(cu, ck) = cv; ck++
					:: else -> skip
					fi;
					pred[cu] = cv
				:: else -> skip
				fi;
				cv = (cv + 1) % NN
			:: else -> break
			od;
			keys_oc(pred[cu], cu, ud);
			tbl[cu] = ud & RECS
		:: else -> skip
		fi;
		cu++
	:: else -> break
	od
}

/* ---- the system: every step is one handler run to completion ---- */

#define QUIESCENT (sph[0] == 0 && sph[1] == 0 && sph[2] == 0 && sph[3] == 0 && \
	sph[4] == 0 && sph[5] == 0 && sph[6] == 0 && sph[7] == 0 && \
	sph[8] == 0 && sph[9] == 0 && sph[10] == 0 && sph[11] == 0 && \
	sph[12] == 0 && sph[13] == 0 && sph[14] == 0 && sph[15] == 0 && MORE_QUIET && \
	st[0] != S_JOINING && st[0] != S_LEAVING && st[1] != S_JOINING && st[1] != S_LEAVING && \
	st[2] != S_JOINING && st[2] != S_LEAVING && st[3] != S_JOINING && st[3] != S_LEAVING && MORE_QUIET_ST)

#if NN > 4
#define MORE_QUIET (sph[16] == 0 && sph[17] == 0 && sph[18] == 0 && sph[19] == 0)
#define MORE_QUIET_ST (st[4] != S_JOINING && st[4] != S_LEAVING)
#else
#define MORE_QUIET 1
#define MORE_QUIET_ST 1
#endif

/* One option per kind of step; the node (or slot) it concerns is chosen inside, so the
 * handlers' code exists once. An atomic step stores no intermediate state; every choice
 * below is the first statement of its step, and the handlers are deterministic. */
#if NN > 4
#define EACH_NODE(G, V) :: !settled && G(0) -> V = 0 :: !settled && G(1) -> V = 1 \
	:: !settled && G(2) -> V = 2 :: !settled && G(3) -> V = 3 :: !settled && G(4) -> V = 4
#else
#define EACH_NODE(G, V) :: !settled && G(0) -> V = 0 :: !settled && G(1) -> V = 1 \
	:: !settled && G(2) -> V = 2 :: !settled && G(3) -> V = 3
#endif
#define SLOT_OK(s) (!settled && sph[s] != 0 && FIFO_OK(s))
#define SLOTS4(i) :: SLOT_OK((i) * 4) -> ds = (i) * 4 :: SLOT_OK((i) * 4 + 1) -> ds = (i) * 4 + 1 \
	:: SLOT_OK((i) * 4 + 2) -> ds = (i) * 4 + 2 :: SLOT_OK((i) * 4 + 3) -> ds = (i) * 4 + 3
#if NN > 4
#define EACH_SLOT SLOTS4(0) SLOTS4(1) SLOTS4(2) SLOTS4(3) SLOTS4(4)
#else
#define EACH_SLOT SLOTS4(0) SLOTS4(1) SLOTS4(2) SLOTS4(3)
#endif

#define CAN_STABILIZE(i) (JOINED(i) && !(FIX1 && st[i] == S_LEAVING) && SUCC(i, 0) != NONE && \
	sph[(i) * 4 + K_UPD] == 0)
#define CAN_CHECK(i) (CHECKPRED && JOINED(i) && !(FIX1 && st[i] == S_LEAVING) && pred[i] != NONE && \
	sph[(i) * 4 + K_CHK] == 0)
/* Symmetry: with every node a member and a record at every position, the start is the same
 * seen from any node, and so is the maintenance before the first leave or crash; rotating a
 * run whose first one happens at node k gives a run where it happens at node 0. So the
 * first happens at node 0, which divides the states by about NN and loses no run. */
#define SYMMETRIC (INITMEM == (1 << NN) - 1 && RECS == (1 << NN) - 1)
#define FIRST_OK(i) (!SYMMETRIC || nleaves + ncrashes > 0 || (i) == 0)
#define CAN_LEAVE(i) (nleaves < LEAVES && st[i] == S_IN && SUCC(i, 0) != NONE && FIRST_OK(i) && LEAVE_OK(i))
#define CAN_JOIN(i) (njoins < JOINS && st[i] == S_OUT && !(INITMEM & BIT(i)))
#define CAN_CRASH(i) (ncrashes < CRASHES && JOINED(i) && CRASH_OK(i) && FIRST_OK(i))
#define WANTS_TARGET(i) (st[i] == S_JOINING && jneed[i])
/* the join's lookup names some node that is or was in the ring (a stale pointer may name
 * one that left or died): any of them */
#define IS_TARGET(t) ((t) != dow && st[t] != S_OUT && st[t] != S_JOINING)

/* Zave's assumption: a crash never leaves a member without a live member in its list; a
 * node that is leaving counts as gone already (with r = 2, a crash and a leave of the two
 * nodes after a member are beyond what its list can bridge). */
#define LIVE_OTHER(j, k, i) (SUCC(j, k) != NONE && SUCC(j, k) != (i) && st[SUCC(j, k)] == S_IN)
#define KEEPS(j, i) ((j) == (i) || !JOINED(j) || LIVE_OTHER(j, 0, i) || LIVE_OTHER(j, R - 1, i))
#if NN > 4
#define CRASH_OK(i) (KEEPS(0, i) && KEEPS(1, i) && KEEPS(2, i) && KEEPS(3, i) && KEEPS(4, i))
#else
#define CRASH_OK(i) (KEEPS(0, i) && KEEPS(1, i) && KEEPS(2, i) && KEEPS(3, i))
#endif
/* The same assumption for a leave that begins after a crash: to the members it does not
 * tell, a leave is a failure. After a crash the leave may tell nobody useful: the
 * predecessor the leaver knows may be the crashed node (its LEAVE_TO_PRED then reaches
 * nobody), and its live predecessor may drop it before it is told (the leaver answers its
 * UPDATE with no nodes, FIX7) and then ignore LEAVE_TO_PRED, the leaver being no longer in
 * its list (docs/verify.md, "A crash, then a leave"). So a leave that begins after a crash
 * must leave every other member a live member that is not leaving, as a crash must. */
#define LEAVE_OK(i) (ncrashes == 0 || CRASH_OK(i))

active proctype system()
{
	atomic { init_ring(); check() };
end:
	do
	:: atomic { if EACH_SLOT fi; deliver(ds); check() }
	:: atomic { if EACH_NODE(CAN_STABILIZE, ds) fi; send_update(ds); check() }
	:: atomic { if EACH_NODE(CAN_CHECK, ds) fi; send_check_pred(ds); check() }
	:: atomic { if EACH_NODE(CAN_LEAVE, ds) fi;
		nleaves++; st[ds] = S_LEAVING; printf("MSC: %d begins to leave\n", ds); leave_handoff(ds); check() }
	:: atomic { if EACH_NODE(CAN_JOIN, ds) fi;
		njoins++; st[ds] = S_JOINING; jtries[ds] = 0; jneed[ds] = 1; departed[ds] = 0; check() }
	:: atomic { if EACH_NODE(WANTS_TARGET, dow) fi; if EACH_NODE(IS_TARGET, ds) fi;
		jneed[dow] = 0; jhops[dow] = 0; put_req(dow, K_OP, ds, M_JOIN); check() }
	:: atomic { if EACH_NODE(CAN_CRASH, ds) fi;
		ncrashes++; st[ds] = S_DEAD; held(hheld); exempt = exempt | (RECS & ~hheld); forget(ds);
		printf("MSC: %d crashes\n", ds); check() }
	:: atomic { !settled && QUIESCENT -> settled = 1;
		/* when every operation of the bounds happened, say so once (run.sh wants to see it:
		 * the final check is not vacuous) */
		if
		:: nleaves == LEAVES && njoins == JOINS && ncrashes == CRASHES -> c_code { alldone_said(); }
		:: else -> skip
		fi;
		settle() }
	od
}
