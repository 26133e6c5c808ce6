#!/usr/bin/env bats
# The scale-out recipes of the README: GNU parallel splitting CSV (header
# repeated), NDJSON and float32 at record boundaries gives the same bytes
# as one serial run.

load helper

setup_file() {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
}

@test "CSV: parallel --pipe --header 1, later headers dropped, equals the serial run" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
	{ echo a,b,c; seq -20000 20000 | awk '{ print $1 "," ($1 / 8) "," (-$1) }'; } >"$SCRATCH/x.csv"
	"$LRELU" -s 0.01 "$SCRATCH/x.csv" >"$SCRATCH/serial.csv"
	# every job sees the header; all but the first leave it out of the output
	parallel --will-cite --pipe --keep-order --header 1 --block 64k \
		"'$LRELU' -s 0.01 | if [ {#} -gt 1 ]; then tail -n +2; else cat; fi" \
		<"$SCRATCH/x.csv" >"$SCRATCH/par.csv"
	[ "$(grep -c '^a,b,c' "$SCRATCH/par.csv")" -eq 1 ]
	cmp "$SCRATCH/serial.csv" "$SCRATCH/par.csv"
}

@test "NDJSON: parallel --pipe equals the serial run" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
	seq -20000 20000 | awk '{ print "{\"x\":[" $1 "," $1 / 4 "]}" }' >"$SCRATCH/x.ndjson"
	"$LRELU" -s 0.01 "$SCRATCH/x.ndjson" >"$SCRATCH/serial.ndjson"
	parallel --will-cite --pipe --keep-order --block 64k "'$LRELU' -s 0.01 -f ndjson" \
		<"$SCRATCH/x.ndjson" >"$SCRATCH/par.ndjson"
	cmp "$SCRATCH/serial.ndjson" "$SCRATCH/par.ndjson"
}

@test "float32: parallel --pipe --recend '' with blocks of whole values equals the serial run" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
	seq -50000 50000 | "$LRELU" -m identity -t f32 >"$SCRATCH/x.f32"
	"$LRELU" -s 0.01 "$SCRATCH/x.f32" >"$SCRATCH/serial.f32"
	parallel --will-cite --pipe --keep-order --recend '' --block 65536 "'$LRELU' -s 0.01 -f f32" \
		<"$SCRATCH/x.f32" >"$SCRATCH/par.f32"
	cmp "$SCRATCH/serial.f32" "$SCRATCH/par.f32"
}
