# latency_cdf.gp: draws the operation latency CDF; the driver (figures.sh) sets the terminal,
# datafile (one block per curve), labels (one word per block) and n.
set title "Operation latency CDF (successful operations)"
set xlabel "latency (ms, log scale)"
set ylabel "fraction of operations <= latency"
set logscale x
# 1-2-5 ticks: latencies often span less than a decade, where decade ticks alone say little.
set format x "%g"
set xtics ()
do for [e=-3:6] { set xtics add (10.0**e, 2*10.0**e, 5*10.0**e) }
set offsets graph 0.03, graph 0.03, 0, 0
set yrange [0:1.02]

set key outside right top Left reverse
# Past 12 curves the colours repeat, so the later curves are dashed.
dts(i) = i > 12 ? 2 : 1
# Steps, not lines: an empirical CDF jumps at each sample; with few samples lines would lie.
plot for [i=1:n] datafile index (i-1) using 1:2 with steps lw 2 dt dts(i) title word(labels, i)
