# One scenario: the verdict metric per repetition, one line per run, to
# see drift and warm-up.  data: rep, then one column per run (headed).
# Variables: data, out, ttl, ylab, nruns.
load 'common.gp'
set ylabel ylab noenhanced
set xlabel 'repetition'
plot for [i=2:nruns + 1] data using 1:i with linespoints pt 7 ps 0.6 title columnheader(i)
load 'finish.gp'
