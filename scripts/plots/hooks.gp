# One probed function of one scenario: the cumulative distribution of its
# latency in the timed phase of the attribution pass, one line per run.
# data: le_ns (log2 bucket edge), then one column per run (headed): the
# fraction of calls at or below that latency.  Variables: data, out, ttl,
# nruns.
load 'common.gp'
set logscale x 2
set format x '%.0s%c'
set xlabel 'latency (ns, log2 buckets)'
set ylabel 'fraction of calls at or below'
set yrange [0:1.02]
plot for [i=2:nruns + 1] data using 1:i with steps lt (i - 1) title columnheader(i)
load 'finish.gp'
