-- paper_find_latency.sql: Figure 4 (top) of the paper: median and 99th percentile find latency
-- (ms) against the number of nodes, one series per security setting and percentile.
SELECT 'security=' || r.security || ',' || p.q,
       (SELECT value FROM summary WHERE run_id = r.run_id AND name = 'nodes'),
       (SELECT value FROM summary WHERE run_id = r.run_id AND name = p.name) / 1e6
FROM runs r, (SELECT 'p50' AS q, 'lookup_latency_p50_ns' AS name
              UNION ALL SELECT 'p99', 'lookup_latency_p99_ns') p
WHERE r.scenario = 'paper-find-vs-nodes'
ORDER BY 1, 2;
