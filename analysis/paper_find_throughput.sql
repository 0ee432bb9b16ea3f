-- paper_find_throughput.sql: Figure 4 (bottom) of the paper: finds completed per simulated
-- second over the span of the workload, against the number of nodes, per security setting.
SELECT 'security=' || r.security,
       (SELECT value FROM summary WHERE run_id = r.run_id AND name = 'nodes'),
       (SELECT count(*) * 1e9 / (max(t_end_ns) - min(t_start_ns)) FROM ops
        WHERE run_id = r.run_id AND kind = 'find' AND ok = 1)
FROM runs r
WHERE r.scenario = 'paper-find-vs-nodes'
ORDER BY 1, 2;
