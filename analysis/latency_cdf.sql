-- latency_cdf.sql: per run and kind, each successful operation's latency (ms) and the
-- fraction of operations at least that fast (an empirical CDF).
SELECT 'run' || run_id || '-' || kind,
       (t_end_ns - t_start_ns) / 1e6,
       cume_dist() OVER (PARTITION BY run_id, kind ORDER BY t_end_ns - t_start_ns)
FROM ops
WHERE ok = 1 AND kind IN ('find', 'store', 'discover', 'register', 'ping', 'join')
ORDER BY run_id, kind, t_end_ns - t_start_ns;
