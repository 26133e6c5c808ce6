#!/usr/bin/env bats
# Files as real writers make them: pandas' to_csv with and without the
# index, its NA tokens, np.savetxt's default output, a dataset with '#'
# comment lines, a tab-separated file on stdin, and a writer that sleeps
# between lines. The fixtures and their expected outputs (computed with
# Python's decimal module) are made by tests/oracle/make_realworld_fixtures.py;
# make check-oracle also reads lrelu's output back with pandas.

load helper

RW=$TESTS_DIR/fixtures/realworld

# same FILE ARGS...: lrelu -s 0.01 ARGS FILE gives FILE.expected
same() {
	local f=$1
	shift
	run --separate-stderr lrelu -s 0.01 "$@" "$RW/$f"
	expect_status 0
	expect_output "$(cat "$RW/$f.expected")"
}

@test "pandas to_csv() with its index: the header is a header, the index passes through" {
	same pandas_index.csv
	# the gradient shows it: names and index are not numbers to transform
	run lrelu -m grad "$RW/pandas_index.csv"
	[ "$(printf '%s\n' "$output" | head -n 2)" = $',0,1,2\n0,0.01,1,1' ]
}

@test "pandas to_csv(index=False): integer column names are a header" {
	same pandas_noindex.csv
	run lrelu -m grad "$RW/pandas_noindex.csv"
	[ "$(printf '%s\n' "$output" | head -n 2)" = $'0,1,2\n0.01,1,1' ]
}

@test "pandas NA tokens pass through and are counted" {
	same pandas_na.csv --stats
	expect_stderr_match '5 values, 2 negative, 0 zero, 0 NaN, 1 missing'
}

@test "np.savetxt's default output: space-separated, scientific notation kept" {
	same savetxt.txt
	run lrelu -s 0.01 <"$RW/savetxt.txt"
	expect_output "$(cat "$RW/savetxt.txt.expected")"
}

@test "a dataset with '#' comment lines, with --comment" {
	same stock.csv --comment='#' -c Open,Close
}

@test "a tab-separated file on stdin is sniffed" {
	run lrelu -s 0.01 <"$RW/tabs.tsv"
	expect_output "$(cat "$RW/tabs.tsv.expected")"
}

@test "a writer that sleeps between lines: the first result comes before it ends" {
	# the writer waits for the test's word; the test waits up to 20 s
	# for the first rows, however slow the machine
	{ head -n 2 "$RW/tabs.tsv"; until [ -e "$SCRATCH/go" ]; do sleep 0.05; done; tail -n +3 "$RW/tabs.tsv"; } |
		"$LRELU" -s 0.01 >"$SCRATCH/out" &
	local pid=$! i
	for i in $(seq 400); do
		[ -s "$SCRATCH/out" ] && break
		sleep 0.05
	done
	sleep 0.2
	cp "$SCRATCH/out" "$SCRATCH/early"
	touch "$SCRATCH/go"
	wait "$pid"
	[ "$(cat "$SCRATCH/early")" = "$(head -n 2 "$RW/tabs.tsv.expected")" ]
	cmp "$SCRATCH/out" "$RW/tabs.tsv.expected"
}

@test "a writer that pauses after many rows: every row before the pause comes out before it ends" {
	# enough rows that the input is read ahead by a second thread
	seq 1 100000 | sed 's/^/-/' >"$SCRATCH/rows"
	{ cat "$SCRATCH/rows"; until [ -e "$SCRATCH/go" ]; do sleep 0.05; done; echo -7; } |
		"$LRELU" -s 0.5 >"$SCRATCH/out" &
	local pid=$! i
	for i in $(seq 400); do
		[ "$(wc -l <"$SCRATCH/out")" -ge 100000 ] && break
		sleep 0.05
	done
	cp "$SCRATCH/out" "$SCRATCH/early"
	touch "$SCRATCH/go"
	wait "$pid"
	"$LRELU" -s 0.5 "$SCRATCH/rows" >"$SCRATCH/want"
	cmp "$SCRATCH/early" "$SCRATCH/want"
	echo -3.5 >>"$SCRATCH/want"
	cmp "$SCRATCH/out" "$SCRATCH/want"
}
