# hops_vs_failed.gp: two panels against the failed share of the ring: hops per successful
# lookup (mean and p99) above, the share of lookups that succeeded below. figures.sh sets the
# terminal, datafile (one block per scenario:measure), labels and n.
is_ok(i) = strstrt(word(labels, i), 'success_pct') > 0
# hops are counted: whole-number ticks (count_step, style.gp), a mean sits between them;
# the largest, before any range filters stats
hmax = 0
do for [i=1:n] {
	if (!is_ok(i)) {
		stats datafile index (i-1) using 2 nooutput
		if (STATS_max > hmax) { hmax = STATS_max }
	}
}
set multiplot layout 2, 1 title "Lookups as a share of the ring fails at once"
set xlabel "failed share of the ring (%)"
set ylabel "hops per successful lookup (hops)"
set yrange [0:*]
set autoscale xfix
set offsets 2, 2, graph 0.05, 0
set key outside right top
# the same plot area in both panels, whatever the width of their keys
set lmargin at screen 0.08
set rmargin at screen 0.70
set ytics count_step(hmax) format "%.0f"
plot for [i=1:n] datafile index (i-1) using 1:(is_ok(i) ? NaN : $2) with linespoints \
     title (is_ok(i) ? '' : word(labels, i))
set ylabel "lookups that succeeded (%)"
set ytics autofreq format "% h"
set yrange [0:105]
plot for [i=1:n] datafile index (i-1) using 1:(is_ok(i) ? $2 : NaN) with linespoints \
     title (is_ok(i) ? word(labels, i) : '')
unset multiplot
