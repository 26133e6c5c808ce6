#!/usr/bin/env bats
# The path for rows of numbers against the general JSON path alone
# (LRELU_PATHS=json-general): on random
# JSON, valid and mutated, output, messages and status must be
# byte-identical.

load helper

# The one binary on the general path (LRELU_PATHS, HACKING.md).
json_general() { LRELU_PATHS=json-general "$LRELU" "$@"; }
REF=json_general

compare() { # file args...
	local f=$1
	shift
	"$LRELU" "$@" "$f" >"$f.fast" 2>"$f.fast.err"
	echo $? >>"$f.fast"
	"$REF" "$@" "$f" >"$f.ref" 2>"$f.ref.err"
	echo $? >>"$f.ref"
	cmp -s "$f.fast" "$f.ref" && cmp -s "$f.fast.err" "$f.ref.err"
}

# compare, and then the read-ahead thread's parts against the same
# reference: with LRELU_PATHS=eager the input comes in 4 KiB reads and
# the thread does every part of each before the parse comes to it, which
# takes the thread's elements wherever it lands on a part's start.
compare_all() { # file args...
	local f=$1
	compare "$@" || return 1
	shift
	LRELU_PATHS=eager "$LRELU" "$@" "$f" >"$f.eager" 2>"$f.eager.err"
	echo $? >>"$f.eager"
	cmp -s "$f.eager" "$f.ref" && cmp -s "$f.eager.err" "$f.ref.err"
}

@test "the row path and the general path agree on random valid JSON" {
	local seed bad=0 ok=0
	for seed in $(seeds 1 30); do
		awk -v seed="$seed" -v n=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/v$seed.json"
		compare "$SCRATCH/v$seed.json" -s 0.3 || { echo "seed $seed differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/v$seed.json.fast")" = 0 ] && ok=$((ok + 1))
		# whole elements in every mode, and results that are not finite
		for args in "-m grad -s 0.2" "-s -0.5" "--dtype f32 -s 1e38" "-m inverse -s 0.3" \
			"--precision 2 -s 0.7" "-t ndjson -s 0.2"; do
			# shellcheck disable=SC2086
			compare "$SCRATCH/v$seed.json" $args || { echo "seed $seed, $args differs" >&2; bad=1; }
		done
	done
	[ "$bad" -eq 0 ]
	sampled_over "$ok" 5 # some documents are valid (the generator also writes bad numbers)
}

@test "the row path and the general path agree element by element on mutated NDJSON" {
	local seed line bad=0 errors=0 n=0
	for seed in $(seeds 1 5); do
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
	sampled_over "$errors" 30
}

@test "the row path and the general path agree on whole mutated arrays, pretty and not" {
	local seed bad=0
	for seed in $(seeds 1 20); do
		awk -v seed="$seed" -v n=20 -v mutate=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/a$seed.json"
		compare_all "$SCRATCH/a$seed.json" || { echo "seed $seed differs" >&2; bad=1; }
		compare "$SCRATCH/a$seed.json" --pretty -m grad || { echo "seed $seed pretty differs" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

# rows N SEED BAD [WIDTH]: a JSON array of N rows of numbers, no spaces
# (the shape the row fast path takes), of WIDTH numbers or 1 to 6; one
# row in BAD has a malformed number or separator, or a number out of range.
rows() {
	awk -v n="$1" -v seed="$2" -v bad="$3" -v width="${4:-0}" 'BEGIN {
		srand(seed)
		split("0 -0 1 -1.5 2.25e-3 -2.25E+3 1e2 -0.000001 123456789012345678901234 -7 3.14159 -1e-400 0.000 0.5 1.50", ok, " ")
		split("01 1. .5 - 1e +1 1e+ --1 1.2.3 0x1 -01 1ee2 -1e9999999999", no, " ")
		printf "["
		for (r = 0; r < n; r++) {
			printf "%s[", r ? "," : ""
			w = width ? width : 1 + int(rand() * 6)
			for (i = 0; i < w; i++)
				printf "%s%s", i ? "," : "", ok[1 + int(rand() * 15)]
			if (bad && rand() < bad)
				printf "%s", rand() < 0.8 ? "," no[1 + int(rand() * 13)] : ","
			printf "]"
		}
		print "]"
	}'
}

@test "the row fast path and the general path agree, valid rows" {
	local bad=0
	rows 30000 7 0 >"$SCRATCH/rows.json"
	for args in "" "-m grad" "-t csv" "--with-input" "-c x" "--pretty" "--dtype f32 -t ndjson" \
		"-s 0.2" "-s -0.5" "-s 0" "-s 123456789.5" "-s 0.1234" "-m grad --zero-grad one -s 0.3" \
		"-m inverse -s 0.3" "--dtype f64 -s 0.1" "--dtype f32 -s 1e38" "--precision 3 -s 0.25" \
		"--allow-nan --dtype f32 -s 1e38" "-m identity" "-t ndjson -s 0.2"; do
		# shellcheck disable=SC2086
		compare_all "$SCRATCH/rows.json" $args || { echo "differs: $args" >&2; bad=1; }
	done
	[ "$(tail -n 1 "$SCRATCH/rows.json.fast")" = 0 ]
	[ "$bad" -eq 0 ]
}

@test "the row fast path and the general path agree on bad rows and slope counts" {
	local seed bad=0 errors=0
	for seed in $(seeds 1 40); do
		rows 50 "$seed" 0.05 >"$SCRATCH/bad.json"
		compare_all "$SCRATCH/bad.json" || { echo "seed $seed differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/bad.json.fast")" = 1 ] && errors=$((errors + 1))
		rows 20 "$seed" 0 >"$SCRATCH/prelu.json"
		compare "$SCRATCH/prelu.json" -m prelu -s 0.1,0.2,0.3 || { echo "seed $seed prelu differs" >&2; bad=1; }
		rows 20 "$seed" 0 3 >"$SCRATCH/prelu3.json"
		compare "$SCRATCH/prelu3.json" -m prelu -s 0.1,0.2,0.3 || { echo "seed $seed prelu 3 differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/prelu3.json.fast")" = 0 ] || bad=1
	done
	[ "$bad" -eq 0 ]
	sampled_over "$errors" 20
}

# records SEED COUNT: objects as Python's json.dumps and pandas'
# to_json(lines=True) write them, one a line: ", " and ": " or no
# blanks, numbers of every form, arrays and objects inside, plain
# strings, true, false and null; now and then something the direct
# path leaves to the general one (an escape, a byte above ASCII).
records() {
	awk -v seed="$1" -v n="$2" 'function num(  r) { r = rand()
			if (r < 0.1) return sprintf("%.3e", (rand() - 0.5) * 1e6)
			if (r < 0.2) return sprintf("%d", (rand() - 0.5) * 1e9)
			if (r < 0.23) return odd[1 + int(rand() * 5)]
			return sprintf("%.*f", int(rand() * 17), (rand() - 0.5) * 200) }
		function val(d,  r) { r = rand()
			if (d > 3 || r < 0.5) return num()
			if (r < 0.6) return str[1 + int(rand() * 5)]
			if (r < 0.65) return lit[1 + int(rand() * 3)]
			if (r < 0.85) return arr(d)
			return obj(d, int(rand() * 4)) }
		function arr(d,  k, i, s) { k = int(rand() * 6); s = "["
			for (i = 0; i < k; i++) s = s (i ? sep : "") val(d + 1)
			return s "]" }
		function obj(d, k,  i, s) { s = "{"
			for (i = 0; i < k; i++) s = s (i ? sep : "") "\"k" i "\"" colon val(d + 1)
			return s "}" }
		BEGIN { srand(seed)
			split("\"a b\"|\"x\\ny\"|\"\303\251\"|\"\"|\"  \"", str, "|")
			split("true false null", lit, " ")
			split("-0 1e5 -1E-7 0.0 -0.0e+00", odd, " ")
			for (j = 0; j < n; j++) {
				py = rand() < 0.5; sep = py ? ", " : ","; colon = py ? ": " : ":"
				if (rand() < 0.03) sep = ",\t"
				print obj(1, 2 + int(rand() * 5)) } }'
}

@test "whole elements straight from the chunk agree with the general path: Python's and pandas' records" {
	local seed bad=0
	for seed in $(seeds 1 16); do
		records "$seed" 300 >"$SCRATCH/r.ndjson"
		{ printf '['; paste -sd, "$SCRATCH/r.ndjson"; printf ']\n'; } >"$SCRATCH/r.json"
		"$LRELU" "$SCRATCH/r.ndjson" >/dev/null || { echo "seed $seed: not valid" >&2; bad=1; }
		for args in "-s 0.2" "-s 0.01" "-m grad -s 0.3" "--dtype f32 -s 0.1" "-m inverse -s 0.3" \
			"--precision 3 -s 0.25" "--dtype f64 -s 1e300" "-t json -s 0.2" "-m prelu -s 0.1,0.2"; do
			# shellcheck disable=SC2086
			compare_all "$SCRATCH/r.ndjson" $args || { echo "seed $seed, ndjson $args differs" >&2; bad=1; }
			# shellcheck disable=SC2086
			compare_all "$SCRATCH/r.json" $args || { echo "seed $seed, json $args differs" >&2; bad=1; }
		done
	done
	[ "$bad" -eq 0 ]
}

@test "after the read-ahead thread's parts, a bad element is reported where the general path puts it" {
	local seed bad=0 errors=0
	for seed in $(seeds 1 12); do
		records "$seed" 400 >"$SCRATCH/r.ndjson"
		# one element late in the file made bad: a number JSON does not
		# allow, a raw control byte in a key, or its last brace gone
		awk -v seed="$seed" 'BEGIN { srand(seed); at = 300 + int(rand() * 90); kind = seed % 3 }
			NR == at { if (kind == 0) sub(/^\{/, "{\"bad\": 01, ")
				else if (kind == 1) sub(/^\{/, "{\"b\001\": 1, ")
				else sub(/\}$/, "") }
			{ print }' "$SCRATCH/r.ndjson" >"$SCRATCH/e.ndjson"
		{ printf '['; paste -sd, "$SCRATCH/e.ndjson"; printf ']\n'; } >"$SCRATCH/e.json"
		for f in e.ndjson e.json; do
			# (-o: what goes out before the error depends on the block sizes)
			compare_all "$SCRATCH/$f" -s 0.2 -o "$SCRATCH/out.json" || { echo "seed $seed, $f differs" >&2; bad=1; }
			[ "$(tail -n 1 "$SCRATCH/$f.eager")" = 1 ] && errors=$((errors + 1))
		done
		# a row late in the file one number wider than the slopes: the
		# message counts the elements before it
		rows 2000 "$seed" 0 2 | awk -v at=$((1500 + seed * 37)) '{ n = split($0, a, /\],\[/)
			a[at] = a[at] ",1"; s = a[1]; for (i = 2; i <= n; i++) s = s "],[" a[i]; print s }' >"$SCRATCH/w.json"
		compare_all "$SCRATCH/w.json" -m prelu -s 0.1,0.2 -o "$SCRATCH/out.json" ||
			{ echo "seed $seed, a wide row differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/w.json.eager")" = 1 ] && errors=$((errors + 1))
	done
	[ "$bad" -eq 0 ]
	[ "$errors" -gt 0 ]
}

@test "numbers read sixteen bytes at a time are judged and cut as the byte loop does" {
	# LRELU_PATHS=portable: the byte loop alone; tokens of every shape,
	# valid or not, inside rows, records and other arrays
	local seed f bad=0 st
	for seed in $(seeds 1 400); do
		f=$SCRATCH/n$seed.json
		awk -v seed="$seed" 'function pick(s,  a, n) { n = split(s, a, " "); return a[1 + int(rand() * n)] }
			BEGIN { srand(seed)
				t = (rand() < 0.5 ? "-" : "") pick("0 00 01 7 10 123456789012345 1234567890123456 12345678901234567890")
				if (rand() < 0.6) t = t pick(". .5 .000123 .1234567890123 .12345678901234567 .0")
				if (rand() < 0.3) t = t pick("e5 E-7 e+12 e E+ e-0")
				if (rand() < 0.3) t = t pick("+ - . e 5 .5 x")
				if (rand() < 0.1) t = pick("- -. . .5 -x")
				printf "[[1,%s,-2.5],{\"a\": %s},[%s]]\n", t, t, t }' >"$f"
		st=0; "$LRELU" -s 0.2 "$f" >"$f.fast" 2>&1 || st=$?; echo "$st" >>"$f.fast"
		st=0; LRELU_PATHS=portable "$LRELU" -s 0.2 "$f" >"$f.port" 2>&1 || st=$?; echo "$st" >>"$f.port"
		cmp -s "$f.fast" "$f.port" || { echo "seed $seed: $(head -c 120 "$f") differs" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

# scalars SEED N BAD: a top-level array of N numbers as json.dump writes
# a list (", ", or "," or a tab or a line end), now and then another
# value; with BAD, one number in BAD outside JSON's grammar.
scalars() {
	awk -v seed="$1" -v n="$2" -v bad="$3" 'BEGIN { srand(seed)
		split("0 -0 1 -1.5 2.25e-3 -2.25E+3 1e2 -0.000001 123456789012345678901234 -7 3.14159 -1e-400 0.000 0.5 -9.330601", ok, " ")
		split("01 1. .5 - 1e +1 --1 1.2.3 -01 1ee2 1x 2true", no, " ")
		split("\"a\" true null [1,-2] {\"k\":-3}", other, " ")
		printf "["
		for (i = 0; i < n; i++) {
			r = rand()
			sep = r < 0.6 ? ", " : r < 0.9 ? "," : r < 0.95 ? ",\t" : ",\n"
			v = rand() < 0.03 ? other[1 + int(rand() * 5)] : ok[1 + int(rand() * 15)]
			if (bad && rand() < bad) v = no[1 + int(rand() * 12)]
			printf "%s%s", i ? sep : "", v
		}
		print "]" }'
}

@test "top-level arrays of numbers, as json.dump writes a list, agree with the general path" {
	local seed bad=0 errors=0
	for seed in $(seeds 1 16); do
		scalars "$seed" 3000 0 >"$SCRATCH/s.json"
		for args in "-s 0.2" "-s 0.01" "-m grad -s 0.3" "--dtype f32 -s 1e38" "-m prelu -s 0.1,0.2" \
			"--precision 2 -s 0.7" "-t ndjson -s 0.2"; do
			# shellcheck disable=SC2086
			compare_all "$SCRATCH/s.json" $args || { echo "seed $seed, $args differs" >&2; bad=1; }
		done
		[ "$(tail -n 1 "$SCRATCH/s.json.fast")" = 0 ] || { echo "seed $seed: not valid" >&2; bad=1; }
		scalars "$seed" 2000 0.002 >"$SCRATCH/b.json"
		compare_all "$SCRATCH/b.json" -s 0.2 -o "$SCRATCH/out.json" || { echo "seed $seed, bad differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/b.json.fast")" = 1 ] && errors=$((errors + 1))
	done
	[ "$bad" -eq 0 ]
	sampled_over "$errors" 8
}

@test "a row longer than a block leaves the fast path with the same output" {
	seq -5000 7 50000 | paste -sd, | sed 's/^/[[/; s/$/],[1,-2]]/' >"$SCRATCH/long.json"
	compare "$SCRATCH/long.json" -s 0.5
	[ "$(tail -n 1 "$SCRATCH/long.json.fast")" = 0 ]
}

# Issue 20: elements of any size. LRELU_PATHS=json-window reads every
# element of more than one byte through the window a few bytes at a
# time, as an element over the whole-element limit is read; verdicts,
# messages and output must be those of the whole-element path.
compare_window() { # file args...
	local f=$1
	shift
	"$LRELU" "$@" "$f" >"$f.whole" 2>"$f.whole.err"
	echo $? >>"$f.whole"
	LRELU_PATHS=json-window "$LRELU" "$@" "$f" >"$f.win" 2>"$f.win.err"
	echo $? >>"$f.win"
	cmp -s "$f.whole" "$f.win" && cmp -s "$f.whole.err" "$f.win.err"
}

@test "the window and the whole element agree on random and mutated JSON and NDJSON" {
	local seed bad=0 errors=0
	for seed in $(seeds 1 20); do
		awk -v seed="$seed" -v n=20 -v mutate=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/a$seed.json"
		compare_window "$SCRATCH/a$seed.json" -s 0.3 || { echo "seed $seed differs" >&2; bad=1; }
		compare_window "$SCRATCH/a$seed.json" --pretty -m grad || { echo "seed $seed pretty differs" >&2; bad=1; }
		awk -v seed="$seed" -v n=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/v$seed.json"
		compare_window "$SCRATCH/v$seed.json" -c a,b -s 0.3 || { echo "seed $seed -c differs" >&2; bad=1; }
		awk -v seed="$seed" -v n=30 -v mutate=1 -v ndjson=1 -f "$TESTS_DIR/gen_json.awk" >"$SCRATCH/m$seed.ndjson"
		compare_window "$SCRATCH/m$seed.ndjson" -s 0.3 || { echo "seed $seed ndjson differs" >&2; bad=1; }
		[ "$(tail -n 1 "$SCRATCH/a$seed.json.whole")" = 1 ] && errors=$((errors + 1))
	done
	[ "$bad" -eq 0 ]
	sampled_over "$errors" 3 # the mutations reach the error paths
}

@test "the window and the whole element agree on every fourth text of the validity sample" {
	local hex bad=0 n=0 i=0
	while read -r hex _; do
		[ "$hex" = "#" ] && continue
		# every fourth text, of those every TEST_SAMPLE-th
		i=$((i + 1))
		[ $((i % 4)) -eq 0 ] && [ $(((i / 4 + TEST_OFFSET) % TEST_SAMPLE)) -eq 0 ] || continue
		printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$SCRATCH/t.json"
		compare_window "$SCRATCH/t.json" -f json || { echo "json differs: $hex" >&2; bad=1; }
		compare_window "$SCRATCH/t.json" -f ndjson || { echo "ndjson differs: $hex" >&2; bad=1; }
		n=$((n + 1))
	done <"$TESTS_DIR/fixtures/json_validity.txt"
	[ "$i" -eq 400 ] && [ "$n" -ge $((100 / TEST_SAMPLE)) ]
	[ "$bad" -eq 0 ]
}
