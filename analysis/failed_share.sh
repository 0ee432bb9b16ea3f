#!/bin/sh
# failed_share.sh [SIM] [DB]: lookups right after a share of the ring failed at once, against
# that share. Runs scenarios/churn/failed-share.ini (200 nodes, 400 lookups starting as the
# nodes fail) for every share in SHARES (percent) and seed in SEEDS into DB, then prints one
# table row per share: the share of nodes that did fail, runs, lookups, success, wrong
# owners, hops (mean, p99 and max of the successful lookups), latency (p50, p99).
# [churn] fail_share never fails succ_len ring neighbours in a row, so Chord's assumption
# holds at every share; above (r-1)/r it fails fewer nodes than asked (failed_pct says how
# many did). `make figures DB=...` then draws analysis/hops_vs_failed.{sql,gp}.
# Usage: sh analysis/failed_share.sh [build/themis-sim] [results/failed-share.db]
set -eu
SIM=${1:-build/themis-sim}
DB=${2:-results/failed-share.db}
SHARES=${SHARES:-"0 10 25 40 50 60 70"}
SEEDS=${SEEDS:-"1 2 3 4 5"}
INI=scenarios/churn/failed-share.ini

mkdir -p "$(dirname "$DB")"
rm -f "$DB"
for share in $SHARES; do
	for seed in $SEEDS; do
		"$SIM" "$INI" --quiet --db "$DB" --seed "$seed" --set "churn.fail_share=$share%"
	done
done

# the share of each run, from the parameters it ran with
sqlite3 -batch -column -header "$DB" "
WITH r AS (
	SELECT run_id, CAST(round(100 * CAST(substr(params, instr(params, 'churn.fail_share=') + 17)
	       AS REAL)) AS INTEGER) AS share FROM runs
), f AS (
	SELECT r.share, o.ok, o.hops, o.t_end_ns - o.t_start_ns AS lat,
	       o.detail LIKE '%WRONG-OWNER%' AS wrong
	FROM ops o JOIN r USING (run_id) WHERE o.kind = 'find'
), ok AS (
	SELECT share, hops, lat,
	       row_number() OVER (PARTITION BY share ORDER BY hops) AS hr,
	       row_number() OVER (PARTITION BY share ORDER BY lat) AS lr,
	       count(*) OVER (PARTITION BY share) AS n
	FROM f WHERE ok = 1
), asked AS (
	SELECT r.share, count(DISTINCT r.run_id) AS runs,
	       sum(CASE WHEN s.name = 'lookups' THEN s.value END) AS lookups,
	       100.0 * sum(CASE WHEN s.name = 'failures' THEN s.value END) /
	         sum(CASE WHEN s.name = 'nodes' THEN s.value END) AS failed
	FROM summary s JOIN r USING (run_id) GROUP BY r.share
)
SELECT a.share AS share_pct, printf('%.1f', a.failed) AS failed_pct, a.runs,
       CAST(a.lookups AS INTEGER) AS lookups,
       printf('%.4f', (SELECT count(*) FROM f WHERE f.share = a.share AND ok = 1) / a.lookups)
         AS success,
       (SELECT sum(wrong) FROM f WHERE f.share = a.share) AS wrong_owner,
       printf('%.2f', (SELECT avg(hops) FROM ok WHERE ok.share = a.share)) AS hops_mean,
       (SELECT hops FROM ok WHERE ok.share = a.share AND hr = (n * 99 + 99) / 100) AS hops_p99,
       (SELECT max(hops) FROM ok WHERE ok.share = a.share) AS hops_max,
       printf('%.0f', (SELECT lat FROM ok WHERE ok.share = a.share AND lr = (n + 1) / 2) / 1e6)
         AS lat_p50_ms,
       printf('%.0f', (SELECT lat FROM ok WHERE ok.share = a.share AND lr = (n * 99 + 99) / 100)
         / 1e6) AS lat_p99_ms
FROM asked a ORDER BY a.share;"
