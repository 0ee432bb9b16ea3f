-- hops_hist.sql: histogram of lookup hop counts (ops kind find with a hop count), one bar
-- colour per run (at most 12 runs). Rows: hops_rank hops run_rank run count (shape matrix).
-- title: Lookup hops
-- caption: Number of hops each find (lookup) took, counted per run; Chord-style routing should keep most lookups near 0.5 log2 N hops (the dashed line of the run's colour, N its node count).
-- needs: find operations with a hop count (ops kind = 'find', hops not null)
-- shape: matrix
WITH RECURSIVE -- Run labels name what differs between the runs of the database (scenario, node count,
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
), f AS (
	-- the label always carries the node count: the figure draws each run's 0.5 log2 N
	SELECT o.run_id, o.hops,
	       rl.label || CASE WHEN instr(rl.label, 'N=') = 0 THEN ',N=' || rl.cnt ELSE '' END AS label
	FROM ops o JOIN runlabel rl USING (run_id)
	WHERE o.kind = 'find' AND o.hops IS NOT NULL
), c AS (
	SELECT run_id, label, hops, count(*) AS n FROM f GROUP BY run_id, hops
), h AS (
	-- every hop count from 0 to the largest, so an empty bin shows as a gap, not a jump
	SELECT 0 AS hops UNION ALL SELECT hops + 1 FROM h WHERE hops < (SELECT max(hops) FROM f)
), runs_ranked AS (
	SELECT run_id, label, dense_rank() OVER (ORDER BY run_id) AS rr FROM c GROUP BY run_id
)
SELECT h.hops + 1, h.hops, rr.rr, rr.label, coalesce(c.n, 0)
FROM h CROSS JOIN runs_ranked rr LEFT JOIN c ON c.run_id = rr.run_id AND c.hops = h.hops
WHERE rr.rr <= 12 AND EXISTS (SELECT 1 FROM f)
ORDER BY 1, 3;
