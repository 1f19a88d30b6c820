# One scenario's per-op latency: the cumulative distribution of the timed
# phase's op latencies, every repetition pooled, one line per run.
# data: latency_ns (8 points per power of two), then one column per run
# (headed): the fraction of ops at or below that latency.
# Variables: data, out, ttl, nruns.
load 'common.gp'
set logscale x 10
set format x '%.0s%c'
set xlabel 'latency per op (ns, log scale)'
set ylabel 'fraction of ops at or below'
set yrange [0:1.02]
set key inside bottom right vertical
plot for [i=2:nruns + 1] data using 1:i with steps lt (i - 1) title columnheader(i)
load 'finish.gp'
