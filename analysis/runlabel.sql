-- runlabel.sql: the curve label of each run a figure draws, run before every figure's .sql.
-- A figure first fills `drawn` with the runs it will draw, then reads `runlabel(run_id, cnt,
-- label)`. The label names what differs among those runs only, never among every run of the
-- database (a ping run next to a churn sweep must not make the sweep's labels long):
-- - the scenario, when the figure draws more than one;
-- - within one scenario, every setting whose value is not the same in all of its drawn runs:
--   the node count as N=, security=, seed=, then any other scenario key as --set names it
--   (churn.fail_share=0.25) in name order; durations in seconds, decimals as %g;
-- - "#run_id" only after a label that two drawn runs would otherwise share.
-- cnt is the run's node count (nodes.count), for a figure that needs it whatever differs.
CREATE TEMP TABLE drawn (run_id INTEGER PRIMARY KEY);
CREATE TEMP VIEW runlabel AS
WITH RECURSIVE dr AS (
	SELECT r.run_id, replace(r.scenario, ' ', '_') AS sc, r.seed, r.security,
	       coalesce(r.params, '') || char(10) AS params
	FROM runs r JOIN drawn USING (run_id)
), lines(run_id, rest, line) AS (
	-- params holds one "section.key=value" per line
	SELECT run_id, params, NULL FROM dr
	UNION ALL
	SELECT run_id, substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1)
	FROM lines WHERE rest <> ''
), kv AS (
	SELECT run_id, substr(line, 1, instr(line, '=') - 1) AS k, substr(line, instr(line, '=') + 1) AS v
	FROM lines WHERE instr(line, '=') > 0
), attrs AS (
	-- (run, order, name, value); the run's name, seed and security come from its columns
	SELECT run_id, 1 AS o, 'N' AS name, v FROM kv WHERE k = 'nodes.count'
	UNION ALL SELECT run_id, 2, 'security', security FROM dr
	UNION ALL SELECT run_id, 3, 'seed', CAST(seed AS TEXT) FROM dr
	UNION ALL
	SELECT run_id, 4, k,
	       CASE WHEN v GLOB '[0-9]*ns' AND v NOT GLOB '*[^0-9]*ns' THEN printf('%g', CAST(v AS INTEGER) / 1e9) || 's'
	            WHEN v GLOB '[0-9]*.[0-9]*' AND v NOT GLOB '*[^0-9.]*' THEN printf('%g', CAST(v AS REAL))
	            ELSE replace(v, ' ', '_') END
	FROM kv WHERE k NOT IN ('run.name', 'run.seed', 'run.security', 'nodes.count', 'run.trace_hash')
), per_sc AS (
	SELECT sc, count(*) AS runs, sum(params <> char(10)) AS with_params FROM dr GROUP BY sc
), differs AS (
	-- a setting differs within a scenario when its values differ or some drawn runs lack it
	-- (a run recorded without params lacks none of the keys: it has no say)
	SELECT dr.sc, a.o, a.name
	FROM attrs a JOIN dr USING (run_id) JOIN per_sc USING (sc)
	GROUP BY dr.sc, a.o, a.name
	HAVING count(DISTINCT a.v) > 1 OR count(*) < max(CASE WHEN a.o IN (2, 3) THEN per_sc.runs ELSE per_sc.with_params END)
), parts AS (
	SELECT dr.run_id, d.o, d.name, d.name || '=' || coalesce(a.v, '-') AS part
	FROM dr JOIN differs d ON d.sc = dr.sc
	LEFT JOIN attrs a ON a.run_id = dr.run_id AND a.o = d.o AND a.name = d.name
), joined AS (
	SELECT run_id, group_concat(part, ',') AS what
	FROM (SELECT * FROM parts ORDER BY run_id, o, name) GROUP BY run_id
), lab1 AS (
	SELECT dr.run_id, dr.sc,
	       CASE WHEN j.what IS NULL THEN dr.sc
	            WHEN (SELECT count(*) FROM per_sc) > 1 THEN dr.sc || ',' || j.what
	            ELSE j.what END AS l
	FROM dr LEFT JOIN joined j USING (run_id)
)
SELECT a.run_id,
       (SELECT CAST(v AS INTEGER) FROM kv WHERE kv.run_id = a.run_id AND k = 'nodes.count') AS cnt,
       a.l || CASE WHEN (SELECT count(*) FROM lab1 b WHERE b.l = a.l) > 1 THEN '#' || a.run_id ELSE '' END AS label
FROM lab1 a;
