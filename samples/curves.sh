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
# one column per mode and slope: x,forward_0.01,...,grad_0.3
"$LRELU" --range=-3:3:601 -m forward,grad -s 0.01,0.1,0.3 >"$tmp/curves.csv"
gnuplot <<GP
set terminal pngcairo size 900,380 font ",10" noenhanced
set output "$OUT"
set datafile separator ","
set key top left autotitle columnheader
set grid
set multiplot layout 1,2
set title "lrelu -m forward"
set xlabel "x"
plot for [i=2:4] "$tmp/curves.csv" using 1:i with lines lw 2
set title "lrelu -m grad"
set yrange [-0.1:1.1]
plot for [i=5:7] "$tmp/curves.csv" using 1:i with steps lw 2
unset multiplot
GP
echo "wrote $OUT"
