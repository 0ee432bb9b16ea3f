-- hops_vs_failed.sql: lookups right after a share of the ring failed at once ([churn]
-- fail_share): hops of the successful ones (mean and p99, nearest rank) and the share that
-- succeeded, against the failed share, pooled over seeds, one series per scenario and measure.
-- Only scenarios run at two or more shares (analysis/failed_share.sh makes such a database).
-- Rows: label share value (shape series), labels measure, scenario:measure when several
-- scenarios are drawn.
-- title: Lookup hops against the share of failed nodes
-- caption: Lookups that start as a share of the ring fails at once (never succ_len neighbours in a row): their success rate should stay at 100 % while the hop count grows with the share.
-- needs: runs of one scenario at two or more [churn] fail_share values, with find operations
-- shape: series
WITH r AS (
	SELECT run_id, replace(scenario, ' ', '_') AS sc,
	       round(100 * CAST(substr(params, instr(params, 'churn.fail_share=') + 17) AS REAL)) AS share
	FROM runs WHERE instr(params, 'churn.fail_share=') > 0
), swept AS (
	-- the curve label's prefix: the scenario, when more than one is drawn
	SELECT sc, CASE WHEN count(*) OVER () > 1 THEN sc || ':' ELSE '' END AS pre
	FROM r GROUP BY sc HAVING count(DISTINCT share) >= 2
), f AS (
	SELECT r.sc, r.share, o.ok, o.hops
	FROM ops o JOIN r USING (run_id)
	WHERE o.kind = 'find' AND r.sc IN (SELECT sc FROM swept)
), ok AS (
	SELECT sc, share, hops,
	       row_number() OVER (PARTITION BY sc, share ORDER BY hops) AS k,
	       count(*) OVER (PARTITION BY sc, share) AS n
	FROM f WHERE ok = 1 AND hops IS NOT NULL
), asked AS (
	SELECT r.sc, r.share, sum(s.value) AS lookups
	FROM summary s JOIN r USING (run_id)
	WHERE s.name = 'lookups' AND r.sc IN (SELECT sc FROM swept)
	GROUP BY r.sc, r.share
)
SELECT pre || 'hops_mean', share, avg(hops) FROM ok JOIN swept USING (sc) GROUP BY sc, share
UNION ALL
SELECT pre || 'hops_p99', share, hops FROM ok JOIN swept USING (sc) WHERE k = (n * 99 + 99) / 100
UNION ALL
SELECT pre || 'success_pct', a.share,
       100.0 * (SELECT count(*) FROM f WHERE f.sc = a.sc AND f.share = a.share AND f.ok = 1) / a.lookups
FROM asked a JOIN swept USING (sc) WHERE a.lookups > 0
ORDER BY 1, 2;
