# latency_cdf.gp: draws the operation latency CDF; the driver (figures.sh) sets the terminal,
# datafile (one block per curve, latency in ms), labels (one word per block) and n.
# Before any range is set: stats of one column filter it by the y range. A zero latency (a
# find its own node answers) counts in the fractions but has no place on a log axis.
stats datafile using 1 nooutput
if (STATS_max > 0) { stats datafile using ($1 > 0 ? $1 : NaN) nooutput }
xlo = STATS_min; xhi = STATS_max
if (xhi <= 0) { xlo = 1; xhi = 1 }
set title "Operation latency CDF (successful operations)"
set xlabel "latency (log scale)"
set ylabel "fraction of operations <= latency"
set logscale x
set yrange [0:1.02]
set key outside right top Left reverse
# Past 12 curves the colours repeat, so the later curves are dashed.
dts(i) = i > 12 ? 2 : 1

# The x range: the latencies drawn, a little wider so the first and last steps show.
if (xhi <= xlo) { xlo = xlo / 2.0; xhi = xhi * 2.0 }
xlo = xlo / 1.15; xhi = xhi * 1.15
set xrange [xlo:xhi]

# Tick labels carry their unit and switch from ms to s at 1 s, so "5000" never needs reading.
tlabel(v) = v >= 1000 ? sprintf("%g s", v / 1000.0) : sprintf("%g ms", v)

# The ticks: the densest of these mantissa sets (per decade; a set with a step keeps every
# step-th decade) whose labels fit side by side with a character to spare on this plot's width.
# 1-2-5 reads well over a decade or two; over many decades only every decade, or every other,
# still fits. Widths are measured on the plot itself: a dry plot gives the plot area and
# the character width in pixels (HCHAR is in oversampled units), whatever the terminal and the
# width of the legend.
cands = "1,1.5,2,3,4,5,6,7,8 1,2,3,5 1,2,5 1,3 1 1/2 1/3 1/5 1/10"
out = GPVAL_OUTPUT
set output "/dev/null"
set xtics ()
plot for [i=1:n] datafile index (i-1) using 1:2 with steps lw 2 dt dts(i) title word(labels, i)
set output out
px0 = GPVAL_TERM_XMIN; pxw = GPVAL_TERM_XMAX - GPVAL_TERM_XMIN; hchar = GPVAL_TERM_HCHAR / GPVAL_TERM_SCALE
pos(v) = px0 + pxw * log(v / xlo) / log(xhi / xlo)
e0 = floor(log10(xlo)); e1 = ceil(log10(xhi))
chosen = ""
do for [ci=1:words(cands)] {
	if (chosen eq "") {
		c = word(cands, ci); sl = strstrt(c, "/")
		dstep = sl > 0 ? int(c[sl+1:]) : 1; ms = sl > 0 ? c[1:sl-1] : c
		ticks = ""; fits = 1; nt = 0; prevx = 0; prevw = 0
		do for [e=e0:e1] {
			if ((e - e0) % dstep == 0) {
				rest = ms . ","
				while (strlen(rest) > 0) {
					cm = strstrt(rest, ","); m = rest[1:cm-1] + 0; rest = rest[cm+1:]
					v = m * 10.0**e
					if (v >= xlo && v <= xhi) {
						x = pos(v); w = strlen(tlabel(v)) * hchar
						if (nt > 0 && x - prevx < (w + prevw) / 2.0 + hchar) { fits = 0 }
						ticks = ticks . (nt > 0 ? ", " : "") . sprintf('"%s" %.10g', tlabel(v), v)
						nt = nt + 1; prevx = x; prevw = w
					}
				}
			}
		}
		if (fits && nt > 0) { chosen = ticks }
	}
}
# Nothing fits (a plot narrower than two labels): the lowest tick alone.
if (chosen eq "") { chosen = sprintf('"%s" %.10g', tlabel(10.0**ceil(log10(xlo))), 10.0**ceil(log10(xlo))) }
eval "set xtics (" . chosen . ")"
set mxtics default

# Steps, not lines: an empirical CDF jumps at each sample; with few samples lines would lie.
plot for [i=1:n] datafile index (i-1) using 1:2 with steps lw 2 dt dts(i) title word(labels, i)
