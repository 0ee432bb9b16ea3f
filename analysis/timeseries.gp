# timeseries.gp: sampled metrics over simulated time, one line per metric.
set title "Metrics over time"
set xlabel "simulated time (s)"
set ylabel "value (sum over nodes)"
set grid
set key top left
plot for [i=1:words(files)] word(files, i) using 1:2 with lines lw 2 title word(titles, i)
