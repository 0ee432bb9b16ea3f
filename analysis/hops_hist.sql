-- hops_hist.sql: histogram of lookup hop counts (ops kind find with a hop count), one bar
-- colour per run (at most 12 runs). Rows: hops_rank hops run_rank run count (shape matrix).
-- title: Lookup hops
-- caption: Number of hops each find (lookup) took, counted per run; Chord-style routing should keep most lookups near log2(N)/2 hops.
-- needs: find operations with a hop count (ops kind = 'find', hops not null)
-- shape: matrix
WITH RECURSIVE f AS (
	SELECT o.run_id, o.hops,
	       replace(r.scenario, ' ', '_') || '#' || r.run_id ||
	         CASE WHEN r.security = 'off' THEN '/off' ELSE '' END AS label
	FROM ops o JOIN runs r USING (run_id)
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
