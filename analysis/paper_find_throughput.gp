# paper_find_throughput.gp: completed finds per second against the number of nodes.
set title "Find throughput at 50,000 offered finds/s (simulated, CPU model on)"
set xlabel "nodes"
set ylabel "finds completed per simulated second"
set logscale x
set yrange [0:*]
set grid
set key bottom left
plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lw 2 pt 7 title word(titles, i)
