# drops.gp: one bar per run and drop reason (the label on the x axis names both).
set title "Dropped datagrams by run and reason"
set ylabel "datagrams dropped (log scale)"
set logscale y
set yrange [0.8:*]
set style fill solid 0.7
set boxwidth 0.7
set grid y
set xtics rotate by -35 font ',9'
set bmargin 7
unset key
plot for [i=1:words(files)] word(files, i) using 0:2:xtic(1) with boxes lc rgb '#4477aa'
