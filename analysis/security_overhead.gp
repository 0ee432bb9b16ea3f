# security_overhead.gp: clustered bars, vanilla (security off) next to THEMIS (security on),
# one cluster per scenario and latency percentile; figures.sh sets datafile and ncols (2).
set title "Security overhead: vanilla vs THEMIS latency"
set ylabel "latency (ms)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid noxtics ytics
set xtics rotate by -30 left
set key outside right top
set bmargin 7
plot for [c=2:ncols+1] datafile using c:xtic(1) title columnheader(c) lc rgb (c == 2 ? "#999999" : "#1f77b4")
