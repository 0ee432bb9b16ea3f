-- schema.sql: the one definition of the results database (docs/interface.md, SQLite schema).
-- themis-sim embeds this file at build time; every run appends to these tables, so one
-- database can hold a whole sweep. Wall-clock columns are the only non-deterministic ones.
CREATE TABLE IF NOT EXISTS runs (
	run_id INTEGER PRIMARY KEY,
	scenario TEXT,
	seed INTEGER,
	mode TEXT,           -- 'sim' | 'udp'
	security TEXT,       -- 'on' | 'off'
	params TEXT,         -- every scenario key as section.key=value, one per line
	version TEXT,
	started_at TEXT,     -- UTC, ISO 8601
	wall_s REAL,
	sim_end_ns INTEGER,
	events INTEGER,
	trace_hash TEXT
);
CREATE TABLE IF NOT EXISTS ops (
	run_id INTEGER,
	op_id INTEGER,
	node TEXT,
	kind TEXT,           -- find | store | join | update | leave | handshake | register | discover | ping
	target TEXT,
	t_start_ns INTEGER,
	t_end_ns INTEGER,
	ok INTEGER,
	hops INTEGER,
	msgs INTEGER,
	bytes INTEGER,
	detail TEXT
);
CREATE TABLE IF NOT EXISTS metrics (
	run_id INTEGER,
	t_ns INTEGER,
	node TEXT,
	name TEXT,
	value REAL
);
CREATE TABLE IF NOT EXISTS attacks (
	run_id INTEGER,
	t_ns INTEGER,
	kind TEXT,
	action TEXT,
	target TEXT,
	outcome TEXT         -- what the honest side did: rejected | accepted | dropped | ...
);
CREATE TABLE IF NOT EXISTS summary (
	run_id INTEGER,
	name TEXT,
	value REAL
);
CREATE INDEX IF NOT EXISTS ops_run ON ops(run_id, kind);
CREATE INDEX IF NOT EXISTS metrics_run ON metrics(run_id, name);
CREATE INDEX IF NOT EXISTS summary_run ON summary(run_id, name);
