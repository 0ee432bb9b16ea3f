# drops.gp: grouped bars of drops by reason per run (log scale: a flood's thousands of drops and
# a tamper's dozens share one axis); figures.sh sets terminal, datafile and ncols (reasons).
set title "Datagrams dropped by the honest nodes, by reason"
set ylabel "datagrams dropped (count, log scale)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [0.8:*]
# counts: decade ticks as whole numbers (1, 10, 100, 1000000), never 1e+06
set format y "%.0f"
set grid noxtics ytics
set xtics rotate by -30 left
set key outside right top title "reason"
set bmargin 7
plot for [c=2:ncols+1] datafile using c:xtic(1) title columnheader(c)
