-- drops.sql: datagrams the honest nodes dropped, by reason, per run (summary drops_<reason>),
-- only runs and reasons with at least one drop. Rows: run_rank run reason_rank reason count.
-- title: Drops by reason
-- caption: Datagrams the honest nodes dropped in each run, by reason (summary drops_*, log scale); each attack should show up as drops of the reason that defeats it (tamper as bad_mac/bad_sig, replay as replay, cross-network as wrong_network).
-- needs: summary rows drops_<reason> with a value above 0
-- shape: matrix
-- The runs drawn: those with a drop; runlabel.sql labels them by what differs among them.
INSERT INTO drawn
SELECT DISTINCT run_id FROM summary WHERE name LIKE 'drops\_%' ESCAPE '\' AND value > 0;
WITH d AS (
	SELECT s.run_id, substr(s.name, 7) AS reason, s.value, rl.label
	FROM summary s JOIN runlabel rl USING (run_id)
	WHERE s.name LIKE 'drops\_%' ESCAPE '\' AND s.value > 0
)
SELECT dense_rank() OVER (ORDER BY run_id), label,
       dense_rank() OVER (ORDER BY reason), reason, value
FROM d ORDER BY run_id, reason;
