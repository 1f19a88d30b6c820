# One scenario: median throughput per run with the 95% bootstrap CI of
# that median.  data: idx, run label, median, ci_lo, ci_hi.
# Variables: data, out, ttl, ylab.  Each bar in its run's colour.
load 'common.gp'
set ylabel ylab noenhanced
set style fill solid 0.5 border -1
set boxwidth 0.6
set xrange [-0.6:*]
set offsets 0, 0.6, 0, 0
set yrange [0:*]
set xtics noenhanced
set xlabel 'run'
plot data using 1:3:($1 + 1):xtic(2) with boxes lc variable notitle, \
     data using 1:3:4:5 with yerrorbars lc rgb '#000000' pt 0 notitle
load 'finish.gp'
