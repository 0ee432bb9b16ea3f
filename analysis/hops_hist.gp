# hops_hist.gp: clustered bars of lookup hop counts, one colour per run; figures.sh sets the
# terminal, datafile (header line + one line per hop count), ncols (runs) and labels (the
# column names, each with the run's N=<nodes>). A dashed line of each run's colour marks
# 0.5 log2 N, the mean hop count Chord predicts for N nodes; bar k sits at x = k hops.
set title "Lookup hops (find operations)"
set xlabel "hops per lookup"
set ylabel "lookups (count)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set grid noxtics ytics
set key outside right top
# whole-number ticks for the counts, from the tallest bar
ymax = 0
do for [c=2:ncols+1] {
	stats datafile every ::1 using c nooutput
	if (STATS_max > ymax) { ymax = STATS_max }
}
set ytics count_step(ymax) format "%.0f"
set mytics 1
# N of run k: the digits after "N=" in its label, up to the next comma
nodes_of(w) = (p = strstrt(w, "N="), p == 0 ? 0 : (r = w[p+2:], c = strstrt(r, ","), (c > 0 ? r[1:c-1] : r) + 0))
do for [k=1:ncols] {
	N = nodes_of(word(labels, k))
	if (N > 1) { set arrow k from 0.5 * log(N) / log(2), graph 0 to 0.5 * log(N) / log(2), graph 1 nohead dt 2 lw 2 lc k front }
}
plot for [c=2:ncols+1] datafile using c:xtic(1) title columnheader(c), \
     NaN with lines dt 2 lw 2 lc "black" title "0.5 log2 N"
