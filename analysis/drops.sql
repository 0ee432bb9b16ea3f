-- drops.sql: the datagrams dropped for each reason (summary drops_*), one bar per run and
-- reason with a non-zero count ("run N: reason").
SELECT 'drops', 'run' || run_id || ':' || substr(name, 7), value
FROM summary
WHERE name LIKE 'drops\_%' ESCAPE '\' AND value > 0
ORDER BY run_id, name;
