#!/usr/bin/env bats
# --stats summaries and the progress bar: on a terminal by default, never
# in a pipe unless asked.

load helper

@test "--stats counts the input values, checked against awk" {
	local want
	want=$(awk -F, 'NR > 1 { for (i = 1; i <= NF; i++) { v = $i + 0; n++
		if (v < 0) neg++; if (v == 0) z++
		if (n == 1 || v < min) min = v; if (n == 1 || v > max) max = v } }
		END { printf "%d values, %d negative, %d zero, 0 NaN, min %s, max %s", n, neg, z, min, max }' \
		"$SAMPLES/features.csv")
	run --separate-stderr lrelu --stats "$SAMPLES/features.csv"
	expect_status 0
	[ "$stderr" = "lrelu: $SAMPLES/features.csv: $want" ] || { echo "got: $stderr / want: $want" >&2; return 1; }
}

@test "--stats=json is one object per input, for scripts" {
	run --separate-stderr lrelu --stats=json -o "$SCRATCH/" "$SAMPLES/features.csv" "$SAMPLES/batch.npy"
	expect_status 0
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 2 ]
	printf '%s\n' "$stderr" | sed -n 1p | grep -q '^{"file":".*features.csv","values":32,"negatives":15,"zeros":2,"nan":0,"missing":0,"min":-12.75,"max":6.5}$'
	printf '%s\n' "$stderr" | sed -n 2p | grep -q '"values":24,'
}

@test "--stats counts NaN and leaves min and max to the others" {
	run --separate-stderr lrelu --stats --no-header --na='' <<<$'nan\n-2\ninf'
	expect_stderr_match '3 values, 1 negative, 0 zero, 1 NaN, min -2, max inf$'
	run --separate-stderr lrelu --stats=json --no-header --na='' <<<'nan'
	expect_stderr_match '"nan":1,"missing":0,"min":null,"max":null}$'
	run --separate-stderr lrelu --stats=yaml </dev/null
	expect_status 2
}

@test "the progress bar shows on a terminal once the work takes a second, and is erased" {
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "{ sleep 1.3; cat '$SAMPLES/features.csv'; } | '$LRELU' >/dev/null" /dev/null
	[[ $output == *'1/1 <stdin>'*'MiB/s'* ]] || { echo "no bar in: $output" >&2; return 1; }
	[[ $output == *$'\r\033[K' ]] || { echo "not erased: $output" >&2; return 1; }
	# a quick run prints nothing, however many files (unless this run
	# was not quick: a loaded machine or a sanitizer build)
	local t0=$(date +%s%N)
	run script -qec "'$LRELU' -o '$SCRATCH/' '$SAMPLES/features.csv' '$SAMPLES/features.tsv' '$SAMPLES/layers.json'" /dev/null
	local ms=$((($(date +%s%N) - t0) / 1000000))
	[ -z "$output" ] || [ "$ms" -ge 900 ] || { echo "bar on a quick run ($ms ms): $output" >&2; return 1; }
}

@test "no progress bar in a pipe, nor with --no-progress on a terminal" {
	run --separate-stderr lrelu "$SAMPLES/features.csv"
	[ -z "$stderr" ]
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "'$LRELU' --no-progress '$SAMPLES/features.csv' >/dev/null" /dev/null
	[[ $output != *'100%'* ]]
}

@test "--progress forces the bar into a pipe: one line for the whole batch" {
	run --separate-stderr lrelu --progress "$SAMPLES/features.csv"
	expect_status 0
	[[ $stderr == *'features.csv ['*'] 100%'* ]]
	run --separate-stderr lrelu --progress -o "$SCRATCH/" "$SAMPLES/features.csv" "$SAMPLES/features.tsv" "$SAMPLES/layers.json"
	expect_status 0
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	[[ $stderr == '3/3 '*'layers.json ['*'] 100%'* ]] || { echo "got: $stderr" >&2; return 1; }
}
