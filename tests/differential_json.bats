#!/usr/bin/env bats
# The quick JSON check against cJSON alone (tests/lrelu-cjson, built with
# -DLR_JSON_CJSON_ALWAYS=1): on random JSON, valid and mutated, output,
# messages and status must be byte-identical.

load helper

REF=$ROOT/tests/lrelu-cjson

compare() { # file args...
	local f=$1
	shift
	"$LRELU" "$@" "$f" >"$f.fast" 2>"$f.fast.err"
	echo $? >>"$f.fast"
	"$REF" "$@" "$f" >"$f.ref" 2>"$f.ref.err"
	echo $? >>"$f.ref"
	cmp -s "$f.fast" "$f.ref" && cmp -s "$f.fast.err" "$f.ref.err"
}

@test "quick check and cJSON agree on random valid JSON" {
	[ -x "$REF" ] || skip "tests/lrelu-cjson not built (make check builds it)"
	local seed bad=0 ok=0
	for seed in $(seq 1 30); do
		awk -v seed="$seed" -v n=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/v$seed.json"
		compare "$SCRATCH/v$seed.json" -s 0.3 || { echo "seed $seed differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/v$seed.json.fast")" = 0 ] && ok=$((ok + 1))
	done
	[ "$bad" -eq 0 ]
	[ "$ok" -gt 5 ] # some documents are valid (the generator also writes bad numbers)
}

@test "quick check and cJSON agree element by element on mutated NDJSON" {
	[ -x "$REF" ] || skip "tests/lrelu-cjson not built"
	local seed line bad=0 errors=0 n=0
	for seed in $(seq 1 5); do
		awk -v seed="$seed" -v n=100 -v mutate=1 -v ndjson=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/m$seed.ndjson"
		# one line at a time, so that every bad element is judged
		while IFS= read -r line; do
			n=$((n + 1))
			printf '%s\n' "$line" >"$SCRATCH/one.ndjson"
			compare "$SCRATCH/one.ndjson" -s 0.3 || { echo "differs: $line" >&2; bad=1; }
			[ "$(tail -n 1 "$SCRATCH/one.ndjson.fast")" = 1 ] && errors=$((errors + 1))
		done <"$SCRATCH/m$seed.ndjson"
	done
	echo "$n elements, $errors rejected" >&2
	[ "$bad" -eq 0 ]
	[ "$errors" -gt 30 ]
}

@test "quick check and cJSON agree on whole mutated arrays, pretty and not" {
	[ -x "$REF" ] || skip "tests/lrelu-cjson not built"
	local seed bad=0
	for seed in $(seq 1 20); do
		awk -v seed="$seed" -v n=20 -v mutate=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/a$seed.json"
		compare "$SCRATCH/a$seed.json" || { echo "seed $seed differs" >&2; bad=1; }
		compare "$SCRATCH/a$seed.json" --pretty -m grad || { echo "seed $seed pretty differs" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ]
}
