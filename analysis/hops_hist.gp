# hops_hist.gp: clustered bars of lookup hop counts, one colour per run; figures.sh sets the
# terminal, datafile (header line + one line per hop count) and ncols (runs).
set title "Lookup hops (find operations)"
set xlabel "hops per lookup"
set ylabel "lookups"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [0:*]
set grid noxtics ytics
set key outside right top
plot for [c=2:ncols+1] datafile using c:xtic(1) title columnheader(c)
