#!/bin/sh
# curves.sh - draws Leaky ReLU and its gradient for a few slopes from
# `lrelu --range`, with gnuplot, into samples/curves.png (or $OUT).
# Run by `make plot`; LRELU names the binary (default ./lrelu).
set -eu
cd "$(dirname "$0")/.."
LRELU=${LRELU:-./lrelu}
OUT=${OUT:-samples/curves.png}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for a in 0.01 0.1 0.3; do
	"$LRELU" --range=-3:3:601 -m forward,grad -s "$a" >"$tmp/a$a.csv"
done
gnuplot <<GP
set terminal pngcairo size 900,380 font ",10"
set output "$OUT"
set datafile separator ","
set key top left
set grid
set multiplot layout 1,2
set title "lrelu -m forward"
set xlabel "x"
plot for [a in "0.01 0.1 0.3"] "$tmp/a".a.".csv" using 1:2 every ::1 with lines lw 2 title "slope ".a
set title "lrelu -m grad"
set yrange [-0.1:1.1]
plot for [a in "0.01 0.1 0.3"] "$tmp/a".a.".csv" using 1:3 every ::1 with steps lw 2 title "slope ".a
unset multiplot
GP
echo "wrote $OUT"
