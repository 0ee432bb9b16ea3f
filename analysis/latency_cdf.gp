# latency_cdf.gp: files/titles come from figures.sh, one data file per series ("x y").
set title "Operation latency"
set xlabel "latency (ms, log scale)"
set ylabel "fraction of operations"
set logscale x
set yrange [0:1.02]
set grid
set key bottom right
plot for [i=1:words(files)] word(files, i) using 1:2 with steps lw 2 title word(titles, i)
