-- hops.sql: per run, how many lookups (find operations) took each number of hops.
SELECT 'run' || run_id, hops, count(*)
FROM ops
WHERE kind = 'find' AND ok = 1
GROUP BY run_id, hops
ORDER BY run_id, hops;
