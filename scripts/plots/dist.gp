# One scenario: the distribution of the verdict metric over the
# repetitions, side by side: a box (quartiles, median, whiskers at 1.5
# IQR) per run with every repetition drawn on it as a point.
# data: the reps TSV (rep, then one column per run, headed).
# gnuplot draws no box for fewer than 4 points: the median of each run is
# also drawn as a bar of its own.
# Variables: data, out, ttl, ylab, nruns, xt (the x tics: '("A" 0, ...)'),
# meds (the medians, space-separated, NaN for a run without the scenario).
load 'common.gp'
set ylabel ylab noenhanced
set xlabel 'run'
set xrange [-0.6:nruns - 0.4]
eval 'set xtics '.xt
set style boxplot nooutliers
set style fill transparent solid 0.25 border
set boxwidth 0.5
do for [i=1:nruns] {
	m = word(meds, i)
	if (m ne 'NaN') {
		set arrow from i - 1.3, real(m) to i - 0.7, real(m) nohead lt i lw 3 front
	}
}
# Points spread sideways by their repetition index (deterministic, so a
# re-plot is the same picture).
jit(r) = 0.16 * ((int(r) * 7) % 11 / 5.0 - 1)
plot for [i=2:nruns + 1] data using (i - 2):i with boxplot lt (i - 1) notitle, \
     for [i=2:nruns + 1] data using (i - 2 + jit($1)):i with points lt (i - 1) ps 0.9 title columnheader(i)
load 'finish.gp'
