# attacks.gp: one stacked bar per attack kind, segments = outcomes as a share of its actions
# (counts differ by 1000x between kinds, so shares keep small attacks visible; the counts are
# in the data file and the total in the tic label). figures.sh sets datafile and ncols.
set title "What the honest side did with the adversary's datagrams"
set ylabel "share of the adversary's actions (%)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.7
set yrange [0:100]
set grid noxtics ytics
set xtics rotate by -30 left
set key outside right top title "outcome"
set bmargin 7
cell(k) = valid(k) ? column(k) : 0
# An outcome a kind never had is left out (NaN), not drawn as a zero-height box.
share(c) = cell(c) > 0 ? 100.0 * cell(c) / (sum [k=2:ncols+1] cell(k)) : NaN
plot for [c=2:ncols+1] datafile using (share(c)):xtic(1) title columnheader(c)
