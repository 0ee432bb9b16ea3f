-- hops_hist.sql: histogram of lookup hop counts (ops kind find with a hop count), one bar
-- colour per run (at most 12 runs). Rows: hops_rank hops run_rank run count (shape matrix).
-- title: Lookup hops
-- caption: Number of hops each find (lookup) took, counted per run; Chord-style routing should keep most lookups near 0.5 log2 N hops (the dashed line of the run's colour, N its node count).
-- needs: find operations with a hop count (ops kind = 'find', hops not null)
-- shape: matrix
-- The runs drawn (at most 12); runlabel.sql labels them.
INSERT INTO drawn
SELECT DISTINCT run_id FROM ops WHERE kind = 'find' AND hops IS NOT NULL ORDER BY run_id LIMIT 12;
WITH RECURSIVE f AS (
	-- the label always carries the node count: the figure draws each run's 0.5 log2 N
	SELECT o.run_id, o.hops,
	       rl.label || CASE WHEN instr(rl.label, 'N=') = 0 AND rl.cnt IS NOT NULL THEN ',N=' || rl.cnt ELSE '' END AS label
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
