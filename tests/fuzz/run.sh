#!/bin/sh
# run.sh - runs each libFuzzer harness in build-fuzz/ for FUZZ_SECONDS
# seconds on a corpus seeded from samples/ and tests/fixtures/, then
# prints one line per harness (executions, corpus size, crashes) and a
# summary. Crashing inputs are kept as build-fuzz/crash-*; reproduce one
# with `build-fuzz/fuzz_NAME build-fuzz/crash-...`.
#   FUZZ_SECONDS=60   time per harness
#   FUZZERS="csv json ndjson binary gzip decimal"
# Inputs that once crashed a harness live in tests/fuzz/regress/NAME/
# (name them for the bug) and are run first, every time.
set -u
cd "$(dirname "$0")/../.." || exit 3
B=build-fuzz
SECONDS_EACH=${FUZZ_SECONDS:-60}
FUZZERS=${FUZZERS:-csv json ndjson binary gzip decimal}

# seed DIR FILE...: copies each file into DIR behind a few option bytes
# (the harness reads two bytes of options first).
seed() {
	dir=$1
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		for o in '\000\000' '\000\020' '\022\000' '\047\001' '\103\200' '\361\100'; do
			{ printf "$o"; cat "$f"; } >"$dir/$b-$(printf "$o" | od -An -tx1 | tr -d ' ')"
		done
	done
}

fail=0
total=0
# corpus NAME: seeds the harness's corpus the first time
corpus() {
	name=$1
	corpus=$B/corpus-$name
	[ -d "$corpus" ] && return
	mkdir -p "$corpus"
	case $name in
	csv)
		# and rows of plain numbers, some with odd fields
		awk -v seed=1 -v rows=80 -v odd=0.02 -f tests/gen_rows.awk >"$corpus/rows.csv"
		seed "$corpus" samples/*.csv samples/*.tsv tests/fixtures/*.tsv "$corpus/rows.csv"
		rm -f "$corpus/rows.csv" ;;
	json) seed "$corpus" samples/*.json ;;
	ndjson) seed "$corpus" samples/*.ndjson ;;
	binary) seed "$corpus" samples/*.f32 samples/*.npy tests/fixtures/npy/*.npy ;;
	gzip)
		seed "$corpus" samples/*.gz
		for f in samples/layers.json samples/batch.npy; do
			gzip -c "$f" >"$B/$(basename "$f").gz"
		done
		seed "$corpus" "$B"/*.gz
		rm -f "$B"/*.gz ;;
	decimal)
		for t in '0.01\n-1.5' '0.2\n-1.234567e-3' '3\n-0' '-0.5\n1E+400' \
		    '1e-5\n-123456789012345678901234567890.5e-10' '0.25\nNaN' '7\n.5' '1\n-00012.3400'; do
			printf '%b' "$t" >"$corpus/seed-$(printf '%b' "$t" | cksum | cut -d' ' -f1)"
		done ;;
	esac
}
# Two harnesses at a time, one a processor: each still runs its full time.
i=0
for name in $FUZZERS; do
	corpus "$name"
	"$B/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$B/" \
		"$B/corpus-$name" $(ls -d "tests/fuzz/regress/$name" 2>/dev/null) \
		>"$B/fuzz-$name.log" 2>&1 &
	i=$((i + 1))
	[ $((i % 2)) -ne 0 ] || wait
done
wait
for name in $FUZZERS; do
	log=$B/fuzz-$name.log
	execs=$(awk '/stat::number_of_executed_units/ { print $2 }' "$log")
	ok=0
	grep -q '^Done [0-9]* runs' "$log" && ! grep -q 'ERROR:' "$log" && ok=1
	total=$((total + ${execs:-0}))
	printf '%-16s %12s executions %8s inputs in corpus   %s\n' "fuzz_$name" "${execs:-?}" \
		"$(ls "$B/corpus-$name" | wc -l)" "$([ "$ok" -eq 1 ] && echo "no crash" || echo "CRASH (see $log)")"
	[ "$ok" -eq 1 ] || { fail=1; grep -m 5 -E 'ERROR|SUMMARY|Test unit written' "$log"; }
done
echo "fuzz: $total executions in all, $([ "$fail" -eq 0 ] && echo "0 crashes" || echo "crashes found")"
exit $fail
