-- timeseries.sql: each sampled metric summed over the nodes at every sample time (first four
-- metric names of the database, so the plot stays readable).
SELECT name, t_ns / 1e9, sum(value)
FROM metrics
WHERE name IN (SELECT DISTINCT name FROM metrics ORDER BY name LIMIT 4)
GROUP BY name, t_ns
ORDER BY name, t_ns;
