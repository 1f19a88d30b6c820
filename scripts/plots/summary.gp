# Ratio of medians NEW/BASE per scenario with its 95% bootstrap CI, each
# new run in its colour (B orange ...), its verdict written above the bar
# where it is not "no change" (worse in red, better in green).
# data: idx, scenario, then (ratio, ci_lo, ci_hi) per new run, then the
# verdict per new run.
# Variables: data, out, ttl, ylab, nnew, names (space-separated run labels).
load 'common.gp'
set ylabel ylab noenhanced
set xlabel 'scenario'
set xtics rotate by -40 left noenhanced
set rmargin 10
set xrange [-0.7:*]
set offsets 0, 0.7, 0.05, 0.05
set style line 1 lc rgb '#888888' dt 2
w = 0.5 / nnew
x(i) = $1 + (i - 1 - (nnew - 1) / 2.0) * w
v(i) = stringcolumn(3 * nnew + 2 + i)
# Tic labels from a clause of their own: inside the loop gnuplot 5.4
# warns "add_tic_user: list sort error".
plot data using 1:(NaN):xtic(2) notitle, \
     for [i=1:nnew] data using (x(i)):(column(3 * i)):(column(3 * i + 1)):(column(3 * i + 2)) \
	with yerrorbars lt (i + 1) ps 0.8 title word(names, i), \
     for [i=1:nnew] data using (x(i)):(v(i) eq 'worse' ? column(3 * i + 2) : NaN):(v(i)) \
	with labels offset 0, 0.8 tc rgb '#c00000' notitle, \
     for [i=1:nnew] data using (x(i)):(v(i) eq 'better' ? column(3 * i + 2) : NaN):(v(i)) \
	with labels offset 0, 0.8 tc rgb '#008000' notitle, \
     1 with lines ls 1 notitle
load 'finish.gp'
