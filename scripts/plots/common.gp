# Shared by every septbench compare plot; loaded first by each template.
# The plot goes to out.png, then finish.gp redraws it as out.svg.
reset
set datafile separator "\t"
set key outside top center horizontal noenhanced
set grid ytics lc rgb '#dddddd'
set border 3
set tics nomirror
set title ttl noenhanced
set terminal pngcairo size 1000,600 noenhanced font ',10'
set output out.'.png'
