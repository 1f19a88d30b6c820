# Scenarios that differ only in one parameter (vCPUs, memory size):
# median throughput against it, one line per run.
# data: parameter value, then one column per run (headed).
# Variables: data, out, ttl, ylab, xlab, nruns, logx (1 for a log2 axis).
load 'common.gp'
set ylabel ylab noenhanced
set xlabel xlab noenhanced
if (logx) set logscale x 2
set yrange [0:*]
plot for [i=2:nruns + 1] data using 1:i with linespoints lt (i - 1) title columnheader(i)
load 'finish.gp'
