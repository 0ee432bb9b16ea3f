# hops.gp: lookups per hop count, one line per run.
set title "Lookup path length"
set xlabel "hops"
set ylabel "lookups"
set grid
set xtics 1
set key top right
plot for [i=1:words(files)] word(files, i) using 1:2 with linespoints lw 2 pt 7 title word(titles, i)
