#!/bin/sh
# bench.sh - times lrelu and its peers on the same generated data in one
# run and prints medians, ratios and peak RSS. Not a test: the machine
# may be shared and noisy, so read ratios, not absolute times.
#
#   RUNS=3        runs per command (the median is shown)
#   FAST_RUNS=15  runs of the millisecond rows (cat and lrelu on CSV and
#                 float32, whose runs take turns)
#   VALUES=10000000  values in the generated CSV
#   RSS_GB=0      if > 0, also stream this many GB of each format through
#                 lrelu and report its peak RSS
#   ONLY=         matrix, csv, json, ndjson, binary, gzip or print: time
#                 that section alone
set -u
cd "$(dirname "$0")/../.." || exit 3
LRELU=${LRELU:-./lrelu}
RUNS=${RUNS:-3}
FAST_RUNS=${FAST_RUNS:-15}
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

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# run_once COMMAND: runs COMMAND (stdout to /dev/null) and prints its
# wall time in seconds.
run_once() {
	t0=$(date +%s.%N)
	sh -c "$1" >/dev/null 2>&1 || { echo "  failed: $1" >&2; return 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

# record NAME TIMES COMMAND: records the median of TIMES and the peak
# RSS of one more run of COMMAND.
record() {
	med=$(printf '%s\n' $2 | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	rss=-
	if [ -x /usr/bin/time ]; then
		rss=$(/usr/bin/time -f %M sh -c "exec $3" 2>&1 >/dev/null | tail -n 1)
		rss=$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')
	fi
	printf '%s\t%s\t%s\n' "$1" "$med" "$rss" >>"$results"
}

# time_cmd NAME COMMAND: runs COMMAND RUNS times and records the median
# wall time and the peak RSS.
time_cmd() {
	times=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t=$(run_once "$2") || return
		times="$times $t"
		i=$((i + 1))
	done
	record "$1" "$times" "$2"
}

# time_alt NAME1 COMMAND1 NAME2 COMMAND2 [NAME3 COMMAND3]: as time_cmd
# for each, their runs taken in turn, so that a change in the shared
# machine's speed during the runs falls on all of them alike.
time_alt() {
	ta= tb= tc=
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t=$(run_once "$2") || return
		ta="$ta $t"
		t=$(run_once "$4") || return
		tb="$tb $t"
		if [ $# -ge 6 ]; then
			t=$(run_once "$6") || return
			tc="$tc $t"
		fi
		i=$((i + 1))
	done
	record "$1" "$ta" "$2"
	record "$3" "$tb" "$4"
	[ $# -lt 6 ] || record "$5" "$tc" "$6"
}

# report TITLE: prints the table of the section just timed, ratios
# against lrelu's time and against the first row's, then starts afresh.
report() {
	base=$(awk -F'\t' '$1 == "lrelu" { print $2 }' "$results")
	first=$(head -n 1 "$results" | cut -f 2)
	printf '\n%s\n' "$1"
	printf '%-26s %10s %13s %13s %12s\n' tool "median s" "x lrelu" "x $(head -n 1 "$results" | cut -f 1)" "peak RSS"
	while IFS='	' read -r name med rss; do
		awk -v n="$name" -v m="$med" -v b="$base" -v c="$first" -v r="$rss" 'BEGIN {
			printf "%-26s %10.3f %13.2f %13.2f %12s\n", n, m, m / b, m / c, r }'
	done <"$results"
	: >"$results"
}

want() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

size=$(wc -c <"$csv")
if want csv; then
# cat and lrelu take tens of milliseconds: more runs steady their medians.
(
	RUNS=$FAST_RUNS
	time_alt "cat" "cat '$csv'" "lrelu" "'$LRELU' -s 0.01 '$csv'"
)
time_cmd "lrelu -s 0.2" "'$LRELU' -s 0.2 '$csv'"
time_cmd "lrelu --dtype f64" "'$LRELU' --dtype f64 -s 0.01 '$csv'"
time_cmd "mawk" "mawk -F, -v OFS=, 'NR > 1 { for (i = 1; i <= NF; i++) if (\$i < 0) \$i = \$i * 0.01 } { print }' '$csv'"
if $PY -c 'import numpy' 2>/dev/null; then
	time_cmd "numpy loadtxt/savetxt" "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY -c \"
import numpy as np, sys
x = np.loadtxt('$csv', delimiter=',', skiprows=1)
np.savetxt(sys.stdout, np.where(x > 0, x, x * 0.01), delimiter=',', fmt='%.17g')\""
fi
report "CSV forward, slope 0.01: $VALUES values, $size bytes (cat and lrelu: median of $FAST_RUNS runs in turn, others of $RUNS)"
fi

# The same values as a JSON array of 5-number arrays, and as NDJSON.
json=$DATA/values-$VALUES.json
ndjson=$DATA/values-$VALUES.ndjson
[ -s "$json" ] || tail -n +2 "$csv" | mawk 'BEGIN { printf "[" } { printf "%s[%s]", (NR > 1 ? "," : ""), $0 } END { print "]" }' >"$json"
[ -s "$ndjson" ] || tail -n +2 "$csv" | mawk '{ printf "{\"x\":[%s]}\n", $0 }' >"$ndjson"
if want json; then
if command -v jq >/dev/null; then
	time_cmd "jq" "jq -c 'map(map(if . < 0 then . * 0.01 else . end))' '$json'"
fi
time_cmd "lrelu" "'$LRELU' -s 0.01 '$json'"
if $PY -c 'import json' 2>/dev/null; then
	time_cmd "python json" "$PY -c \"
import json, sys
x = json.load(open('$json'))
json.dump([[v if v > 0 else v * 0.01 for v in r] for r in x], sys.stdout, separators=(',', ':'))\""
fi
report "JSON array of arrays: $VALUES values, $(wc -c <"$json") bytes"
fi

if want ndjson; then
if command -v jq >/dev/null; then
	time_cmd "jq" "jq -c '.x |= map(if . < 0 then . * 0.01 else . end)' '$ndjson'"
fi
time_cmd "lrelu" "'$LRELU' -s 0.01 '$ndjson'"
report "NDJSON objects: $VALUES values, $(wc -c <"$ndjson") bytes"
fi

if want binary; then
f32=$DATA/values-$VALUES.f32
npy=$DATA/values-$VALUES.npy
if [ ! -s "$f32" ]; then
	tail -n +2 "$csv" | tr ',' '\n' | "$LRELU" -m identity --dtype f32 --no-header |
		mawk 'BEGIN { ORS = "" } { print $0 "\n" }' >"$DATA/tmp.txt"
	# float32 bytes of the same values, through lrelu's own conversion
	# once it exists; until then numpy writes them when present, else
	# random bytes stand in (the kernel's cost does not depend on them).
	if $PY -c 'import numpy' 2>/dev/null; then
		$PY -c "import numpy as np; np.loadtxt('$DATA/tmp.txt', dtype=np.float32).tofile('$f32')"
	else
		head -c $((VALUES * 4)) /dev/urandom >"$f32"
	fi
	rm -f "$DATA/tmp.txt"
fi
[ -s "$npy" ] || "$LRELU" -m identity -f f32 -t npy -o "$npy" "$f32"
# These take a few milliseconds, start-up included: more runs steady
# their medians.
(
	RUNS=$FAST_RUNS
	time_alt "cat" "cat '$f32'" "lrelu" "'$LRELU' -s 0.01 '$f32'" "lrelu .npy" "'$LRELU' -s 0.01 '$npy'"
)
time_cmd "lrelu -t csv (shortest text)" "'$LRELU' -m identity -t csv '$f32'"
time_cmd "lrelu -m prelu, 5 channels" "'$LRELU' -m prelu -s 0.1,0.2,0.3,0.4,0.5 --channels 5 '$f32'"
if $PY -c 'import numpy' 2>/dev/null; then
	time_cmd "numpy fromfile/tofile" "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $PY -c \"
import numpy as np, sys
x = np.fromfile('$f32', dtype=np.float32)
np.where(x > 0, x, x * np.float32(0.01)).tofile(sys.stdout.buffer)\""
fi
report "float32 forward, slope 0.01: $VALUES values, $(wc -c <"$f32") bytes (cat and lrelu: median of $FAST_RUNS runs in turn)"
fi

if want gzip; then
gz=$DATA/values-$VALUES.csv.gz
plainout=$DATA/values-$VALUES.out.csv
[ -s "$gz" ] || gzip -6 -c "$csv" >"$gz"
[ -s "$plainout" ] || "$LRELU" -s 0.01 "$csv" >"$plainout"
time_cmd "gzip -6 (of the output)" "gzip -6 -c '$plainout'"
time_cmd "lrelu" "'$LRELU' -s 0.01 -z --level 6 '$gz'"
time_cmd "lrelu -j 2" "'$LRELU' -s 0.01 -z --level 6 -j 2 '$gz'"
if command -v pigz >/dev/null; then
	time_cmd "pigz -6 -p 2 (of the output)" "pigz -6 -p 2 -c '$plainout'"
fi
time_cmd "zcat | mawk | gzip -6" "zcat '$gz' | mawk -F, -v OFS=, 'NR > 1 { for (i = 1; i <= NF; i++) if (\$i < 0) \$i = \$i * 0.01 } { print }' | gzip -6"
report "csv.gz to csv.gz (level 6), slope 0.01: $VALUES values, $(wc -c <"$gz") bytes compressed"
fi

# The workload matrix: every job a user runs, each as a ratio to `cat`
# of the same input (issue 21's targets), and their geometric mean.
# cat_of FILE: the median time of cat FILE > /dev/null, FAST_RUNS runs.
cat_of() {
	times=
	i=0
	while [ "$i" -lt "$FAST_RUNS" ]; do
		times="$times $(run_once "cat '$1'")"
		i=$((i + 1))
	done
	printf '%s\n' $times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# job NAME BASE COMMAND [peer|aside]: times COMMAND (RUNS runs; FAST_RUNS
# when it is quick) and prints its median, the cat time BASE, their ratio
# and the peak RSS; the ratio joins the geometric mean unless it is a
# peer's or a row set aside (not among issue 21's targets).
job() {
	times=
	i=0
	n=$RUNS
	while [ "$i" -lt "$n" ]; do
		t=$(run_once "$3") || return
		times="$times $t"
		i=$((i + 1))
		# quick jobs get more runs, as cat does
		[ "$i" -eq 1 ] && [ "$(echo "$t < 0.3" | bc -l)" -eq 1 ] && n=$FAST_RUNS
	done
	med=$(printf '%s\n' $times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	rss=$(/usr/bin/time -f %M sh -c "exec $3" 2>&1 >/dev/null | tail -n 1)
	awk -v n="$1" -v m="$med" -v b="$2" -v r="$rss" 'BEGIN {
		printf "%-40s %9.3f %9.3f %8.2f %9.1f MiB\n", n, m, b, m / b, r / 1024 }'
	[ -n "${4:-}" ] || echo "$med $2" >>"$ratios"
}

if want matrix; then
ratios=$(mktemp)
f32=$DATA/values-$VALUES.f32
npy=$DATA/values-$VALUES.npy
gz=$DATA/values-$VALUES.csv.gz
[ -s "$f32" ] || tail -n +2 "$csv" | "$LRELU" -m identity -f csv -t f32 -o "$f32"
[ -s "$npy" ] || "$LRELU" -m identity -f f32 -t npy -o "$npy" "$f32"
[ -s "$gz" ] || gzip -6 -c "$csv" >"$gz"
L="'$LRELU'"
c_csv=$(cat_of "$csv") c_json=$(cat_of "$json") c_nd=$(cat_of "$ndjson")
c_f32=$(cat_of "$f32") c_npy=$(cat_of "$npy") c_gz=$(cat_of "$gz")
echo
echo "workload matrix: $VALUES values; ratio = lrelu / cat of the same input (medians)"
printf '%-40s %9s %9s %8s %13s\n' job "lrelu s" "cat s" ratio "peak RSS"
for s in 0.01 0.2 0.3 0.25 0.1234; do
	job "CSV -s $s" "$c_csv" "$L -s $s '$csv'"
done
job "CSV -m prelu, a slope per column" "$c_csv" "$L -m prelu -s 0.1,0.2,0.3,0.25,0.01 '$csv'"
job "cat | cat (a pipe's own cost)" "$c_csv" "cat '$csv' | cat" peer
job "CSV -s 0.2 from a pipe" "$c_csv" "cat '$csv' | $L -s 0.2"
job "CSV -s 0.01 from a pipe" "$c_csv" "cat '$csv' | $L -s 0.01"
job "CSV -m grad" "$c_csv" "$L -m grad -s 0.2 '$csv'"
job "CSV --dtype f32" "$c_csv" "$L --dtype f32 -s 0.2 '$csv'"
job "CSV --dtype f64" "$c_csv" "$L --dtype f64 -s 0.2 '$csv'"
job "CSV --precision 6" "$c_csv" "$L --precision 6 -s 0.2 '$csv'"
job "CSV --with-input" "$c_csv" "$L --with-input -s 0.2 '$csv'"
job "JSON array -s 0.01" "$c_json" "$L -s 0.01 '$json'"
job "JSON array -s 0.2" "$c_json" "$L -s 0.2 '$json'"
job "JSON array -s 0.2 from a pipe" "$c_json" "cat '$json' | $L -s 0.2"
job "NDJSON -s 0.2" "$c_nd" "$L -s 0.2 '$ndjson'"
job "NDJSON -s 0.2 from a pipe" "$c_nd" "cat '$ndjson' | $L -s 0.2 -f ndjson"
job "float32 forward" "$c_f32" "$L -s 0.2 '$f32'"
job "float32 grad" "$c_f32" "$L -m grad -s 0.2 '$f32'"
job "float32 prelu, 5 channels" "$c_f32" "$L -m prelu -s 0.1,0.2,0.3,0.4,0.5 --channels 5 '$f32'"
job "cat | cat (a pipe's own cost)" "$c_f32" "cat '$f32' | cat" peer
job "float32 from a pipe" "$c_f32" "cat '$f32' | $L -s 0.2 -f f32"
job ".npy forward" "$c_npy" "$L -s 0.2 '$npy'"
job "float32 to CSV text" "$c_f32" "$L -s 0.2 -t csv '$f32'"
job "CSV to .npy" "$c_csv" "$L -s 0.2 -t npy -o /dev/null '$csv'"
job "csv.gz in, CSV out" "$c_gz" "$L -s 0.2 '$gz'"
job "zcat (for the line above)" "$c_gz" "zcat '$gz'" peer
# As pandas' to_csv writes float64 values: an index column and each
# value's shortest repr (up to 17 digits); set aside from the mean.
pd=$DATA/pandas-$VALUES.csv
[ -s "$pd" ] || python3 -c "
import random, sys
random.seed(42)
w = sys.stdout.write
w(',a,b,c,d,e\\n')
for i in range($VALUES // 5):
    w(str(i) + ',' + ','.join([repr(random.gauss(0, 1)) for _ in range(5)]) + '\\n')
" >"$pd"
c_pd=$(cat_of "$pd")
job "pandas CSV (index, 17 digits) -s 0.2" "$c_pd" "$L -s 0.2 '$pd'" aside
gzo=$DATA/values-$VALUES.out.csv
[ -s "$gzo" ] || "$LRELU" -s 0.2 "$csv" >"$gzo"
job "csv.gz to csv.gz, level 6" "$c_gz" "$L -s 0.2 -z '$gz'"
job "gzip -6 of the output (for the line above)" "$c_gz" "gzip -6 -c '$gzo'" peer
echo "sizes: lrelu -z $("$LRELU" -s 0.2 -z "$gz" | wc -c) bytes, gzip -6 $(gzip -6 -c "$gzo" | wc -c) bytes"
awk '{ s += log($1 / $2); n++ }
	END { printf "geometric mean of the %d lrelu ratios: %.2f\n", n, exp(s / n) }' "$ratios"
rm -f "$ratios"
fi

# Printing floats: the C library against shortest.c, per value.
if want print && [ -x tests/bench/shortest_bench ]; then
	echo
	echo "printing floats as text (each round times every row in turn; medians of 11 rounds):"
	tests/bench/shortest_bench 1000000 | sed 's/^/  /'
fi

# rss NAME ARGS: streams RSS_GB of generated input (on stdin) through
# lrelu ARGS and prints lrelu's own peak RSS.
rss() {
	name=$1
	shift
	/usr/bin/time -f "  $name: %M KiB peak RSS of lrelu, %e s" "$LRELU" "$@" |
		wc -c | awk '{ printf "    (%d bytes of output)\n", $1 }'
}

if [ "$RSS_GB" != 0 ] && [ -x /usr/bin/time ]; then
	echo
	echo "peak RSS streaming $RSS_GB GB through lrelu, per format:"
	reps=$(awk -v g="$RSS_GB" -v s="$size" 'BEGIN { print int(g * 1e9 / s) + 1 }')
	i=0
	while [ "$i" -lt "$reps" ]; do tail -n +2 "$csv"; i=$((i + 1)); done |
		rss CSV -s 0.01 --no-header
	{
		printf '['
		i=0
		while [ "$i" -lt "$reps" ]; do
			tail -n +2 "$csv" | mawk -v first=$((i == 0)) '{ printf "%s[%s]", (first && NR == 1 ? "" : ","), $0 }'
			i=$((i + 1))
		done
		echo ']'
	} | rss "JSON array" -s 0.01 -f json
	i=0
	while [ "$i" -lt "$reps" ]; do cat "$ndjson"; i=$((i + 1)); done |
		rss NDJSON -s 0.01 -f ndjson
fi
