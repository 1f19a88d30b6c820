# One scenario with several vCPUs: per vCPU, the median over the
# repetitions of its own host time per op in the timed phase, one line
# per run: is one vCPU slower (contention, placement)?
# data: vcpu, then one column per run (headed).
# Variables: data, out, ttl, ylab, nruns, nvcpus.
load 'common.gp'
set ylabel ylab noenhanced
set xlabel 'vCPU'
set xrange [-0.5:nvcpus - 0.5]
set xtics 0, (nvcpus > 16 ? ceil(nvcpus / 16.0) : 1)
set mxtics 1
set format x '%.0f'
set yrange [0:*]
plot for [i=2:nruns + 1] data using 1:i with linespoints lt (i - 1) title columnheader(i)
load 'finish.gp'
