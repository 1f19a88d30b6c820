# Ratio of medians NEW/BASE per scenario with its 95% bootstrap CI.
# data: idx, scenario, then (ratio, ci_lo, ci_hi) per new run.
# Variables: data, out, ttl, ylab, nnew, names (space-separated run labels).
load 'common.gp'
set ylabel ylab noenhanced
set xtics rotate by -40 left noenhanced
set rmargin 10
set xrange [-0.7:*]
set offsets 0, 0.7, 0, 0
set style line 1 lc rgb '#888888' dt 2
w = 0.5 / nnew
# Tic labels from a clause of their own: inside the loop gnuplot 5.4
# warns "add_tic_user: list sort error".
plot data using 1:(NaN):xtic(2) notitle, \
     for [i=1:nnew] data using ($1 + (i - 1 - (nnew - 1) / 2.0) * w):(column(3 * i)):(column(3 * i + 1)):(column(3 * i + 2)) \
	with yerrorbars pt 7 ps 0.8 title word(names, i), \
     1 with lines ls 1 notitle
load 'finish.gp'
