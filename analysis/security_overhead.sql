-- security_overhead.sql: the paper's "vanilla vs THEMIS": for every scenario run with security
-- both on and off, lookup and ping latency p50/p99 (summary, mean over seeds) side by side.
-- Rows: row_rank "scenario:metric" sec_rank security value_ms (shape matrix).
-- title: Security overhead (vanilla vs THEMIS)
-- caption: For each scenario the database holds with security both off (vanilla, PLAIN messages) and on (THEMIS: handshake + authenticated encryption), the p50 and p99 lookup and ping latencies from summary (mean over seeds); the gap between the bars is the cost of security (a ping's first round trip includes the handshake).
-- needs: the same scenario run with [run] security = on and = off (e.g. --set run.security=off)
-- shape: matrix
WITH paired AS (
	SELECT scenario FROM runs GROUP BY scenario
	HAVING sum(security = 'on') > 0 AND sum(security = 'off') > 0
), v AS (
	SELECT r.scenario, r.security, s.name, avg(s.value) / 1e6 AS ms,
	       CASE s.name WHEN 'lookup_latency_p50_ns' THEN 1 WHEN 'lookup_latency_p99_ns' THEN 2
	                   WHEN 'ping_rtt_p50_ns' THEN 3 ELSE 4 END AS mo
	FROM runs r JOIN paired USING (scenario) JOIN summary s USING (run_id)
	WHERE s.name IN ('lookup_latency_p50_ns', 'lookup_latency_p99_ns', 'ping_rtt_p50_ns', 'ping_rtt_p99_ns')
	  -- the summary writes 0 for a run without such operations (a churn run has no pings):
	  -- an empty pair of bars; a side with no value cannot be compared (below)
	  AND s.value > 0
	GROUP BY r.scenario, r.security, s.name
), both AS (
	-- a metric only one side has cannot be compared
	SELECT scenario, name FROM v GROUP BY scenario, name HAVING count(DISTINCT security) = 2
)
SELECT dense_rank() OVER (ORDER BY v.scenario, v.mo),
       replace(v.scenario, ' ', '_') || ':' || replace(replace(v.name, '_ns', ''), 'latency_', ''),
       CASE v.security WHEN 'off' THEN 1 ELSE 2 END,
       CASE v.security WHEN 'off' THEN 'vanilla(security=off)' ELSE 'THEMIS(security=on)' END,
       v.ms
FROM v JOIN both USING (scenario, name)
ORDER BY v.scenario, v.mo, v.security DESC;
