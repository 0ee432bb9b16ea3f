-- attacks.sql: what the honest side did with each adversary action, per attack kind (attacks
-- table, all runs together). Rows: kind_rank "kind(n=N)" outcome_rank outcome count.
-- title: Attack outcomes
-- caption: For each attack kind, what the receiving node did with the adversary's datagrams (attacks.outcome) as stacked shares of all its actions, with the number of actions under the bar; "accepted" is the only outcome that is not a drop (for hello_flood: a HELLO answered within the rate and table limits).
-- needs: rows in the attacks table (a scenario with an [adversary])
-- shape: matrix
WITH c AS (
	SELECT kind, outcome, count(*) AS n FROM attacks GROUP BY kind, outcome
), t AS (
	SELECT kind, sum(n) AS total FROM c GROUP BY kind
)
SELECT dense_rank() OVER (ORDER BY c.kind), replace(c.kind, ' ', '_') || '(n=' || t.total || ')',
       dense_rank() OVER (ORDER BY c.outcome), replace(c.outcome, ' ', '_'), c.n
FROM c JOIN t USING (kind) ORDER BY c.kind, c.outcome;
