-- latency_cdf.sql: operation latency CDF, one curve per (run, kind) of successful ops.
-- Rows: label latency_ms cumulative_fraction, ordered by label (shape series); at most 16 curves
-- (the lowest run_ids) so the legend stays readable; filter runs here for a bigger sweep.
-- title: Operation latency CDF
-- caption: Cumulative distribution of the latency of successful operations (ops.t_end_ns - t_start_ns, ok = 1), one curve per run and operation kind (at most 16 curves, lowest run ids first); a curve further left is faster.
-- needs: successful operations (ops rows with ok = 1)
-- shape: series
-- The runs drawn: those of the first 16 (run, kind) curves; runlabel.sql labels them.
INSERT INTO drawn
SELECT DISTINCT run_id FROM (
	SELECT DISTINCT run_id, kind FROM ops WHERE ok = 1 AND t_end_ns >= t_start_ns
	ORDER BY run_id, kind LIMIT 16
);
WITH lat AS (
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
