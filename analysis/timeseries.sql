-- timeseries.sql: up to 4 metrics names over simulated time, one panel each, one curve per run
-- (at most 8 runs). A name's node = 'all' rows are used when it has them, else the sum over
-- nodes. Rows: "name:run" t_s value (shape series, panel-major).
-- title: Time series
-- caption: Up to four metrics sampled over simulated time (metrics table; DHT ring and operation counts first, then nodes up, pings, sessions, drops, traffic), one curve per run (at most 8); a node = 'all' series where present, else the sum over nodes.
-- needs: rows in the metrics table ([run] sample_interval > 0)
-- shape: series
-- size: 1100,800
-- The runs drawn (at most 8); runlabel.sql labels them.
INSERT INTO drawn
SELECT run_id FROM (SELECT DISTINCT run_id FROM metrics) ORDER BY run_id LIMIT 8;
WITH names AS (
	SELECT name,
	       CASE name
	         WHEN 'ring_size' THEN 1 WHEN 'ring_valid' THEN 2 WHEN 'lookups_done' THEN 3
	         WHEN 'finds_done' THEN 3 WHEN 'ops_per_s' THEN 3 WHEN 'stores_done' THEN 4
	         WHEN 'objects' THEN 5 WHEN 'nodes_up' THEN 10 WHEN 'pings_done' THEN 11
	         WHEN 'sessions_established' THEN 12 WHEN 'drops' THEN 13 WHEN 'pkts_out' THEN 14
	         WHEN 'bytes_out' THEN 15 ELSE 50 END AS pref
	FROM metrics JOIN drawn USING (run_id) GROUP BY name
	-- a counter that stayed 0 in every run (pings_done without pings) would be an empty panel
	HAVING max(value) <> 0 OR min(value) <> 0 OR name IN ('ring_valid', 'ring_ideal')
	ORDER BY pref, name LIMIT 4
), has_all AS (
	SELECT DISTINCT name FROM metrics WHERE node = 'all'
), v AS (
	SELECT m.name, m.run_id, m.t_ns, sum(m.value) AS value
	FROM metrics m JOIN names USING (name) JOIN drawn USING (run_id)
	WHERE m.node = 'all' OR m.name NOT IN (SELECT name FROM has_all)
	GROUP BY m.name, m.run_id, m.t_ns
)
SELECT replace(v.name, ' ', '_') || ':' || rl.label, v.t_ns / 1e9, v.value
FROM v JOIN names USING (name) JOIN runlabel rl USING (run_id)
ORDER BY names.pref, v.name, v.run_id, v.t_ns;
