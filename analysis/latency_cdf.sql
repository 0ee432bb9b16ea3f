-- latency_cdf.sql: operation latency CDF, one curve per (run, kind) of successful ops.
-- Rows: label latency_ms cumulative_fraction, ordered by label (shape series); at most 16 curves
-- (the lowest run_ids) so the legend stays readable; filter runs here for a bigger sweep.
-- title: Operation latency CDF
-- caption: Cumulative distribution of the latency of successful operations (ops.t_end_ns - t_start_ns, ok = 1), one curve per run and operation kind (at most 16 curves, lowest run ids first); a curve further left is faster.
-- needs: successful operations (ops rows with ok = 1)
-- shape: series
WITH -- Run labels name what differs between the runs of the database (scenario, node count,
-- security, seed), not the run id: "N=512,security=off". Identical runs keep "#run_id".
lab0 AS (
	SELECT r.run_id, r.scenario, r.seed, r.security,
	       CAST(substr(r.params, instr(r.params, 'nodes.count=') + 12) AS INTEGER) AS cnt
	FROM runs r
), dif AS (
	SELECT count(DISTINCT scenario) AS ds, count(DISTINCT cnt) AS dc,
	       count(DISTINCT security) AS dsec, count(DISTINCT seed) AS dseed FROM lab0
), lab1 AS (
	SELECT run_id, cnt, trim(
	         CASE WHEN ds > 1 OR (dc <= 1 AND dsec <= 1 AND dseed <= 1) THEN replace(scenario, ' ', '_') || ',' ELSE '' END ||
	         CASE WHEN dc > 1 THEN 'N=' || cnt || ',' ELSE '' END ||
	         CASE WHEN dsec > 1 THEN 'security=' || security || ',' ELSE '' END ||
	         CASE WHEN dseed > 1 THEN 'seed=' || seed || ',' ELSE '' END, ',') AS l
	FROM lab0, dif
), runlabel AS (
	SELECT run_id, cnt,
	       l || CASE WHEN (SELECT count(*) FROM lab1 b WHERE b.l = a.l) > 1 THEN '#' || run_id ELSE '' END AS label
	FROM lab1 a
), lat AS (
	SELECT o.run_id, o.kind, rl.label || ':' || o.kind AS label,
	       (o.t_end_ns - o.t_start_ns) / 1e6 AS ms
	FROM ops o JOIN runlabel rl USING (run_id)
	WHERE o.ok = 1 AND o.t_end_ns >= o.t_start_ns
), ranked AS (
	SELECT *, dense_rank() OVER (ORDER BY run_id, kind) AS series,
	       cume_dist() OVER (PARTITION BY run_id, kind ORDER BY ms) AS frac
	FROM lat
)
-- Each curve starts with (first latency, 0) so its first step rises from 0: a kind whose
-- operations all took the same time is then a vertical line, not an invisible point.
SELECT label, ms, frac FROM (
	SELECT label, series, ms, frac FROM ranked WHERE series <= 16
	UNION ALL
	SELECT label, series, min(ms), 0 FROM ranked WHERE series <= 16 GROUP BY series
) ORDER BY series, ms, frac;
