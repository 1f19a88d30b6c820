# Shared by every septbench compare plot; loaded first by each template.
# The plot goes to out.png, then finish.gp redraws it as out.svg.
reset
set datafile separator "\t"
set key outside top center horizontal noenhanced
set grid ytics lc rgb '#dddddd'
set border 3
set tics nomirror
set title ttl noenhanced
# One colour per side in every plot: A (the base) blue, B orange, then
# green, purple...  Linetype n is side n - 1 (A = 1).
set linetype 1 lc rgb '#1f77b4' lw 2 pt 7
set linetype 2 lc rgb '#ff7f0e' lw 2 pt 7
set linetype 3 lc rgb '#2ca02c' lw 2 pt 7
set linetype 4 lc rgb '#9467bd' lw 2 pt 7
set linetype 5 lc rgb '#8c564b' lw 2 pt 7
set linetype 6 lc rgb '#e377c2' lw 2 pt 7
set linetype 7 lc rgb '#7f7f7f' lw 2 pt 7
set linetype 8 lc rgb '#17becf' lw 2 pt 7
set linetype cycle 8
set terminal pngcairo size 1000,600 noenhanced font ',10'
set output out.'.png'
