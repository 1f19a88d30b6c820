# One scenario: the verdict metric per repetition, one line per run, to
# see drift and warm-up.  data: rep, then one column per run (headed).
# Variables: data, out, ttl, ylab, nruns, nreps (repetitions of the
# longest run: integer ticks, at most about 10 of them).
load 'common.gp'
set ylabel ylab noenhanced
set xlabel 'repetition (index)'
set xrange [-0.5:nreps - 0.5]
set xtics 0, (nreps > 10 ? ceil(nreps / 10.0) : 1)
set mxtics 1
set format x '%.0f'
plot for [i=2:nruns + 1] data using 1:i with linespoints lt (i - 1) ps 0.6 title columnheader(i)
load 'finish.gp'
