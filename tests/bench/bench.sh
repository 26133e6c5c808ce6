#!/bin/sh
# bench.sh - times lrelu and its peers on the same generated data in one
# run and prints medians, ratios and peak RSS. Not a test: the machine
# may be shared and noisy, so read ratios, not absolute times.
#
#   RUNS=3        runs per command (the median is shown)
#   VALUES=10000000  values in the generated CSV
#   RSS_GB=0      if > 0, also stream a generated CSV of this many GB and
#                 report lrelu's peak RSS on it
set -u
cd "$(dirname "$0")/../.." || exit 3
LRELU=${LRELU:-./lrelu}
RUNS=${RUNS:-3}
VALUES=${VALUES:-10000000}
RSS_GB=${RSS_GB:-0}
DATA=tests/bench/data
PY=/usr/bin/python3
mkdir -p "$DATA"
csv=$DATA/values-$VALUES.csv

if [ ! -s "$csv" ]; then
	echo "generating $csv ($VALUES values, 5 per row)..."
	mawk -v rows=$((VALUES / 5)) 'BEGIN { srand(42); print "a,b,c,d,e"
		for (r = 0; r < rows; r++)
			printf "%.6f,%.6f,%.6f,%.6f,%.6f\n", rand()*20-10, rand()*20-10,
				rand()*20-10, rand()*20-10, rand()*20-10 }' >"$csv"
fi

# time_cmd NAME COMMAND: runs COMMAND (stdout to /dev/null) RUNS times and
# records the median wall time and the peak RSS of the last run.
results=$(mktemp)
trap 'rm -f "$results"' EXIT
time_cmd() {
	name=$1
	shift
	times=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(date +%s.%N)
		sh -c "$*" >/dev/null 2>&1 || { echo "  $name failed" >&2; return; }
		t1=$(date +%s.%N)
		times="$times $(echo "$t1 - $t0" | bc -l)"
		i=$((i + 1))
	done
	med=$(printf '%s\n' $times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	rss=-
	if [ -x /usr/bin/time ]; then
		rss=$(/usr/bin/time -f %M sh -c "exec $*" 2>&1 >/dev/null | tail -n 1)
		rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')
	fi
	printf '%s\t%s\t%s\n' "$name" "$med" "$rss" >>"$results"
}

size=$(wc -c <"$csv")
echo "CSV forward, slope 0.01: $VALUES values, $size bytes, median of $RUNS runs"
time_cmd "cat" "cat '$csv'"
time_cmd "lrelu" "'$LRELU' -s 0.01 '$csv'"
time_cmd "lrelu --dtype f64" "'$LRELU' --dtype f64 -s 0.01 '$csv'"
time_cmd "mawk" "mawk -F, -v OFS=, 'NR > 1 { for (i = 1; i <= NF; i++) if (\$i < 0) \$i = \$i * 0.01 } { print }' '$csv'"
if $PY -c 'import numpy' 2>/dev/null; then
	time_cmd "numpy loadtxt/savetxt" "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY -c \"
import numpy as np, sys
x = np.loadtxt('$csv', delimiter=',', skiprows=1)
np.savetxt(sys.stdout, np.where(x > 0, x, x * 0.01), delimiter=',', fmt='%.17g')\""
fi

base=$(awk -F'\t' '$1 == "lrelu" { print $2 }' "$results")
cat=$(awk -F'\t' '$1 == "cat" { print $2 }' "$results")
printf '\n%-24s %10s %14s %14s %12s\n' tool "median s" "x lrelu time" "x cat time" "peak RSS"
while IFS='	' read -r name med rss; do
	awk -v n="$name" -v m="$med" -v b="$base" -v c="$cat" -v r="$rss" 'BEGIN {
		printf "%-24s %10.3f %14.2f %14.2f %12s\n", n, m, m / b, m / c, r }'
done <"$results"

if [ "$RSS_GB" != 0 ] && [ -x /usr/bin/time ]; then
	echo
	echo "peak RSS streaming $RSS_GB GB of CSV through lrelu:"
	reps=$(awk -v g="$RSS_GB" -v s="$size" 'BEGIN { print int(g * 1e9 / s) + 1 }')
	i=0
	while [ "$i" -lt "$reps" ]; do tail -n +2 "$csv"; i=$((i + 1)); done |
		/usr/bin/time -f '  %M KiB peak RSS of lrelu, %e s' "$LRELU" -s 0.01 --no-header |
		wc -c | awk '{ printf "  %d bytes of output\n", $1 }'
fi
