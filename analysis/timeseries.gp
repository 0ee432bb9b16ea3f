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

# What a panel's values count, for its y axis (every metric the simulator samples is a count
# or a 0/1 state).
unit(p) = p eq "nodes_up" || p eq "ring_size" || p eq "ring_members" ? "nodes" : \
	p eq "pings_done" ? "pings (cumulative)" : \
	p eq "sessions_established" ? "sessions" : \
	p eq "drops" ? "datagrams dropped (cumulative)" : \
	p eq "pkts_out" ? "datagrams sent (cumulative)" : \
	p eq "bytes_out" ? "bytes sent (cumulative)" : \
	p eq "ring_valid" || p eq "ring_ideal" ? "0 = no, 1 = yes" : "count"
binary(p) = p eq "ring_valid" || p eq "ring_ideal"

# One x range for every panel: the whole sampled time of all runs.
stats datafile using 1 nooutput
xlo = STATS_min; xhi = STATS_max
if (xhi <= xlo) { xhi = xlo + 1 }

set multiplot title "Metrics over simulated time (metrics table)"
set xlabel "simulated time (s)"
set xrange [xlo:xhi]
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
	set ylabel unit(pname)
	if (binary(pname)) {
		# a state: steps between "no" and "yes", nothing in between
		set yrange [-0.15:1.15]
		set ytics ("no" 0, "yes" 1)
		plot for [i=lo:hi] datafile index (i-1) using 1:2 with steps lw 2 lt runcolour(runof(i)) notitle, \
		     for [i=lo:hi] datafile index (i-1) using 1:2 with points ps 0.6 lt runcolour(runof(i)) notitle
	} else {
		# a count: whole-number ticks, at least 1 apart, a 1-2-5 step (count_step, style.gp)
		ymin = 1e300; ymax = -1e300
		do for [i=lo:hi] {
			stats datafile index (i-1) using 2 nooutput
			if (STATS_min < ymin) { ymin = STATS_min }
			if (STATS_max > ymax) { ymax = STATS_max }
		}
		step = count_step(ymax - ymin)
		set yrange [floor(ymin) - (ymax == ymin ? 1 : 0) : ceil(ymax) + (ymax == ymin ? 1 : 0)]
		set ytics step format "%.0f"
		plot for [i=lo:hi] datafile index (i-1) using 1:2 with linespoints ps 0.6 lt runcolour(runof(i)) notitle
	}
	set autoscale y
	set ytics autofreq format "% h"
}
# The legend: an empty plot whose only visible part is its key.
set origin 0, 0; set size 1, 0.15
unset border; unset tics; unset xlabel; unset ylabel; unset title; unset grid
set xrange [0:1]; set yrange [0:1]
set key center center horizontal maxrows 3 width 2
plot for [k=1:nr] NaN with linespoints lt k title word(runs, k)
unset multiplot
