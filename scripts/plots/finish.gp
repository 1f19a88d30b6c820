# The same plot again as SVG: PNG for mail and chat, SVG for documents.
set terminal svg size 1000,600 noenhanced font 'sans,10' background '#ffffff'
set output out.'.svg'
replot
set output
