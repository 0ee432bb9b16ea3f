# timeseries.gp: a 2x2 multiplot, one panel per metrics name, and one legend for all panels at
# the bottom. Block labels are "name:run"; blocks are panel-major, so a panel plots the
# contiguous range of blocks with its name. figures.sh sets terminal, datafile, labels and n.

# The panel names and the runs, in order of first appearance; a run keeps its colour in
# every panel (its position in `runs`).
panels = ""; runs = ""
do for [i=1:n] {
	w = word(labels, i); c = strstrt(w, ":"); p = w[1:c-1]; r = w[c+1:]
	if (strstrt(" " . panels . " ", " " . p . " ") == 0) { panels = panels . " " . p }
	if (strstrt(" " . runs . " ", " " . r . " ") == 0) { runs = runs . " " . r }
}
np = words(panels); nr = words(runs)
runcolour(r) = sum [k=1:nr] (word(runs, k) eq r ? k : 0)
runof(i) = word(labels, i)[strstrt(word(labels, i), ":")+1:]

set multiplot title "Metrics over simulated time (metrics table)"
set xlabel "simulated time (s)"
set offsets 0, 0, graph 0.06, 0
unset key
# Panels on a 2x2 grid above a strip kept for the legend.
do for [pi=1:np] {
	pname = word(panels, pi)
	set origin ((pi - 1) % 2) * 0.5, 0.15 + (1 - (pi - 1) / 2) * 0.40
	set size 0.5, 0.40
	lo = 0; hi = -1
	do for [i=1:n] { if (strstrt(word(labels, i), pname . ":") == 1) { if (hi < 0) { lo = i }; hi = i } }
	set title pname
	set ylabel pname
	plot for [i=lo:hi] datafile index (i-1) using 1:2 with linespoints ps 0.6 lt runcolour(runof(i)) notitle
}
# The legend: an empty plot whose only visible part is its key.
set origin 0, 0; set size 1, 0.15
unset border; unset tics; unset xlabel; unset ylabel; unset title; unset grid
set xrange [0:1]; set yrange [0:1]
set key center center horizontal maxrows 3 width 2
plot for [k=1:nr] NaN with linespoints lt k title word(runs, k)
unset multiplot
