# style.gp: the look every figure shares; figures.sh loads it before each <fig>.gp.
# Twelve distinct colours (gnuplot's default cycle repeats after 8, which made two legend
# entries look alike) and a light grid.
set linetype 1 lc rgb "#1f77b4" lw 2 pt 7
set linetype 2 lc rgb "#ff7f0e" lw 2 pt 5
set linetype 3 lc rgb "#2ca02c" lw 2 pt 9
set linetype 4 lc rgb "#d62728" lw 2 pt 11
set linetype 5 lc rgb "#9467bd" lw 2 pt 13
set linetype 6 lc rgb "#8c564b" lw 2 pt 15
set linetype 7 lc rgb "#e377c2" lw 2 pt 4
set linetype 8 lc rgb "#7f7f7f" lw 2 pt 6
set linetype 9 lc rgb "#bcbd22" lw 2 pt 8
set linetype 10 lc rgb "#17becf" lw 2 pt 10
set linetype 11 lc rgb "#393b79" lw 2 pt 12
set linetype 12 lc rgb "#000000" lw 2 pt 14
set linetype cycle 12
set grid lc rgb "#dddddd" lt 1 lw 1
set border lw 1
# count_step(span): the tick step for an axis of counts spanning `span`: whole numbers, at
# least 1 apart, 1, 2 or 5 times a power of ten, about six ticks ("%.0f" alone would print
# 0.5-steps as "0 0 1 1 2").
nice_step(raw) = (m = 10.0**floor(log10(raw)), f = raw / m, (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * m)
count_step(span) = span / 6.0 <= 1 ? 1 : nice_step(span / 6.0)
