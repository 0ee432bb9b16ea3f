# paper_find_latency.gp: find latency against the number of nodes (the paper's Figure 4, top).
set title "Find latency at 50,000 offered finds/s (simulated, CPU model on)"
set xlabel "nodes (count, log scale)"
set ylabel "latency (ms)"
set logscale x
# node counts: a tick at each count the sweep ran (xtic), the axis just around them
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
set grid
set key top left
plot for [i=1:words(files)] word(files, i) using 1:2:xtic(sprintf("%.0f", $1)) with linespoints lw 2 pt 7 title word(titles, i)
