# paper_find_throughput.gp: completed finds per second against the number of nodes.
set title "Find throughput at 50,000 offered finds/s (simulated, CPU model on)"
set xlabel "nodes (count, log scale)"
set ylabel "finds completed (per simulated second)"
set logscale x
# node counts: a tick at each count the sweep ran (xtic), the axis just around them
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set yrange [0:*]
set grid
set key bottom left
plot for [i=1:words(files)] word(files, i) using 1:2:xtic(sprintf("%.0f", $1)) with linespoints lw 2 pt 7 title word(titles, i)
