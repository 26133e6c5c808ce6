#!/usr/bin/env bats
# JSON and NDJSON: every number anywhere transformed, everything else
# kept, streaming per element, errors with line and column.

load helper

@test "the README example: nested numbers transformed, the rest kept" {
	run --separate-stderr lrelu -s 0.2 <<<'{"w":[-1.5,2,{"b":-0.5}],"name":"x","ok":true}'
	expect_status 0
	expect_output '{"w":[-0.3,2,{"b":-0.1}],"name":"x","ok":true}'
}

@test "numbers keep their text: exact products, -0, notation, copies" {
	run lrelu -s 0.01 <<<'[-1.234567,-0,1.50,-3e5,-2.5E+3,0.1]'
	expect_output '[-0.01234567,-0,1.50,-3e3,-2.5E+1,0.1]'
}

@test "strings, escapes, keys, literals and member order are kept byte for byte" {
	run lrelu <<<'{"z\"q":"a\u00e9\n","-1":[true,false,null],"a":"-5"}'
	expect_output '{"z\"q":"a\u00e9\n","-1":[true,false,null],"a":"-5"}'
}

@test "output is compact whatever the input layout" {
	run lrelu <<<$'[\n  { "a" : -1 ,\n    "b" : [ ] } ,\n  2\n]'
	expect_output '[{"a":-0.01,"b":[]},2]'
}

@test "--pretty indents by two spaces" {
	run lrelu --pretty <<<'{"a":[-1,{}],"b":[]}'
	expect_output $'{\n  "a": [\n    -0.01,\n    {}\n  ],\n  "b": []\n}'
}

@test "NDJSON: one value per line in, one per line out" {
	printf '{"a":-1}\n\n[-2]\n-3\n"s"\n' >"$SCRATCH/x.ndjson"
	run lrelu "$SCRATCH/x.ndjson"
	expect_output $'{"a":-0.01}\n[-0.02]\n-0.03\n"s"'
}

@test "a stream of concatenated values is processed value by value" {
	run lrelu -f json <<<'{"a":-1}{"a":-2} [-3]'
	expect_output $'{"a":-0.01}\n{"a":-0.02}\n[-0.03]'
}

@test ".jsonl is NDJSON, .json is JSON, stdin is sniffed" {
	printf '[-1]\n' >"$SCRATCH/x.jsonl"
	run lrelu "$SCRATCH/x.jsonl"
	expect_output '[-0.01]'
	run lrelu <<<'  [-1]'
	expect_output '[-0.01]'
}

@test "--pretty does not break NDJSON lines" {
	printf '{"a":[-1]}\n' >"$SCRATCH/x.ndjson"
	run --separate-stderr lrelu --pretty "$SCRATCH/x.ndjson"
	expect_output '{"a":[-0.01]}'
	expect_stderr_match 'warning: --pretty indents JSON output only; ignored for ndjson output'
}

@test "--columns names keys; numbers anywhere below a listed key are transformed" {
	run lrelu -c b <<<'[{"a":-1,"b":-1},{"a":-2,"b":{"c":[-3]}}]'
	expect_output '[{"a":-1,"b":-0.01},{"a":-2,"b":{"c":[-0.03]}}]'
}

# Issue 20, item 6: key paths and keys that match nothing.
@test "--columns takes key paths from each element's root: w.b, layers[*].w, [N], globs" {
	local doc='{"w":{"b":-1,"c":-2},"b":-3,"layers":[{"w":-4,"x":-5},{"w":[-6,-7]}]}'
	run lrelu -s 0.5 -c w.b <<<"$doc"
	expect_output '{"w":{"b":-0.5,"c":-2},"b":-3,"layers":[{"w":-4,"x":-5},{"w":[-6,-7]}]}'
	run lrelu -s 0.5 -c 'layers[*].w' <<<"$doc"
	expect_output '{"w":{"b":-1,"c":-2},"b":-3,"layers":[{"w":-2,"x":-5},{"w":[-3,-3.5]}]}'
	run lrelu -s 0.5 -c 'layers[1].w[0],w.*' <<<"$doc"
	expect_output '{"w":{"b":-0.5,"c":-1},"b":-3,"layers":[{"w":-4,"x":-5},{"w":[-3,-7]}]}'
	# a plain name still matches at any depth; name: takes a key with a dot
	run lrelu -s 0.5 -c b <<<"$doc"
	expect_output '{"w":{"b":-0.5,"c":-2},"b":-1.5,"layers":[{"w":-4,"x":-5},{"w":[-6,-7]}]}'
	run lrelu -s 0.5 -c name:a.b <<<'{"a.b":-1,"a":{"b":-1}}'
	expect_output '{"a.b":-0.5,"a":{"b":-1}}'
	# the elements of a top-level array are the roots
	run lrelu -s 0.5 -c 'w.b' <<<'[{"w":{"b":-1}},{"w":{"b":-2,"c":-2}}]'
	expect_output '[{"w":{"b":-0.5}},{"w":{"b":-1,"c":-2}}]'
}

@test "a --columns key that matches nothing is a usage error listing the keys" {
	run --separate-stderr lrelu -o "$SCRATCH/out.json" -c wb,a "$ROOT/samples/layers.json"
	expect_status 2
	expect_stderr_match "layers.json: --columns: 'wb' matches no key; the keys are [^;]*\bname\b"
	[ ! -e "$SCRATCH/out.json" ]
	run --separate-stderr lrelu -c w.nope <<<'{"w":{"b":1}}'
	expect_status 2
	expect_stderr_match "^lrelu: <stdin>: --columns: 'w.nope' matches no key; the keys are w, b\$"
	run --separate-stderr lrelu -c x <<<'[1,2]'
	expect_status 2
	expect_stderr_match "'x' matches no key; the input has no objects"
	run --separate-stderr lrelu -c 'a[x]' <<<'{}'
	expect_status 2
	expect_stderr_match "a key path takes \[N\] or \[\*\] for array items"
	run --separate-stderr lrelu -c 'a:b' <<<'{}'
	expect_status 2
	expect_stderr_match "a range of names is for CSV columns"
}

@test "--columns with positions is a usage error for JSON" {
	run --separate-stderr lrelu -c 2 <<<'[1]'
	expect_status 2
	expect_stderr_match 'takes key names'
}

@test "prelu: the channel is the position in the innermost array" {
	run lrelu -m prelu -s 0.1,0.2,0.3 <<<'[[-1,-1,-1],[-10,5,-10]]'
	expect_output '[[-0.1,-0.2,-0.3],[-1,5,-3]]'
}

@test "prelu: an array with the wrong number of values names the element" {
	run --separate-stderr lrelu -m prelu -s 0.1,0.2,0.3 <<<'[[-1,-1,-1],[-1,-1]]'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:13: element 2: an array of 2 values, but 3 slopes given$'
}

@test "non-finite results become null with one warning" {
	run --separate-stderr lrelu --dtype f32 -s 1e10 <<<'[-1e30,-1e30,-1]'
	expect_status 0
	expect_output '[null,null,-10000000000]'
	expect_stderr_match '^lrelu: warning: 2 results were not finite and were written as null$'
}

@test "--dtype f32 on JSON" {
	run lrelu --dtype f32 -s 0.01 <<<'[-0.1,16777217]'
	expect_output '[-0.001,16777216]'
}

@test "bad JSON: a trailing comma" {
	run --separate-stderr lrelu <<<'[1,2,]'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:6: trailing comma before ']'\$"
	run --separate-stderr lrelu <<<'{"a":[1,2,]}'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:11: invalid JSON at ']'\$"
}

@test "bad JSON: a value where an object wants a key" {
	run --separate-stderr lrelu <<<'{"a": 1, 2}'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:10: invalid JSON at '2'\$"
	run --separate-stderr lrelu <<<'[{"a":1,-2}]'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:9: invalid JSON at '-'\$"
}

@test "bad JSON: an unterminated string names where it starts" {
	run --separate-stderr lrelu <<<$'[1,\n  "abc]'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:3: unterminated string$'
}

@test "bad JSON: a bare word" {
	run --separate-stderr lrelu <<<'[1, foo]'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:5: invalid JSON at 'f'\$"
}

@test "bad JSON: a number cut off at the end of the file" {
	printf '{"a": -1.' >"$SCRATCH/cut.json"
	run --separate-stderr lrelu "$SCRATCH/cut.json"
	expect_status 1
	expect_stderr_match "cut.json:1:10: unexpected end of input\$"
	printf '[1, -' >"$SCRATCH/cut2.json"
	run --separate-stderr lrelu "$SCRATCH/cut2.json"
	expect_status 1
	expect_stderr_match "cut2.json:1:6: unexpected end of input\$"
}

@test "bad JSON: numbers outside RFC 8259's grammar" {
	for bad in '[01]' '[+1]' '[.5]' '[1.]' '[1e]' '[-]'; do
		run --separate-stderr lrelu <<<"$bad"
		[ "$status" -eq 1 ] || { echo "$bad accepted" >&2; return 1; }
	done
}

@test "bad JSON: nesting deeper than the limit" {
	run --separate-stderr bash -c "printf '%*s' 1001 '' | tr ' ' '[' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:1001: nesting deeper than 1000 levels$'
	run --separate-stderr bash -c "{ printf '%*s' 1000 '' | tr ' ' '['; printf '%*s' 1000 '' | tr ' ' ']'; } | '$LRELU'"
	expect_status 0
}

@test "bad JSON: an unclosed top-level array, and text after a value" {
	run --separate-stderr lrelu <<<'[1,2'
	expect_status 1
	expect_stderr_match 'the top-level array is not closed'
	run --separate-stderr lrelu <<<'[1 2]'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:4: expected ',' or '\\]'\$"
}

@test "a string over the one-token limit is a clear error" {
	{ printf '[-1,\n ["'; head -c 1100000 /dev/zero | tr '\0' x; printf '"]]'; } >"$SCRATCH/big.json"
	run --separate-stderr lrelu "$SCRATCH/big.json"
	expect_status 1
	expect_stderr_match 'big.json:2:3: a string or number longer than 1048576 bytes$'
}

# Issue 20: large JSON elements.
@test "an element of several megabytes is transformed, numbers split across reads included" {
	# {"layer1":[...300,000 numbers...],"b":{"c":[...]}} against the same
	# numbers as NDJSON, one per line, whose elements are small
	awk 'BEGIN { srand(7); for (i = 0; i < 300000; i++) printf "%.6f\n", rand() * 20 - 10 }' >"$SCRATCH/nums"
	{ printf '{"layer1":['; paste -sd, "$SCRATCH/nums"; printf '],"b":{"c":[1,-2]}}\n'; } >"$SCRATCH/w.json"
	[ "$(wc -c <"$SCRATCH/w.json")" -gt 2000000 ]
	lrelu -s 0.2 -f ndjson "$SCRATCH/nums" >"$SCRATCH/want"
	run --separate-stderr bash -c "'$LRELU' -s 0.2 '$SCRATCH/w.json' >'$SCRATCH/got'"
	expect_status 0
	[ -z "$stderr" ]
	grep -q ',"b":{"c":\[1,-0.4\]}}$' "$SCRATCH/got"
	sed 's/^{"layer1":\[//; s/\],"b".*//' "$SCRATCH/got" | tr , '\n' | cmp - "$SCRATCH/want"
}

@test "a fault deep in a large element names its line and column" {
	{ printf '[1,\n{"w":['; seq -s, 1 400000 | tr -d '\n'; printf ',\n  -1x]}]\n'; } >"$SCRATCH/bad.json"
	run --separate-stderr lrelu -o "$SCRATCH/out.json" "$SCRATCH/bad.json"
	expect_status 1
	expect_stderr_match "bad.json:3:5: invalid JSON at 'x'\$"
	[ ! -e "$SCRATCH/out.json" ]
}

@test "a large element with string escapes is checked and transformed" {
	{ printf '[["\\u0041",'; for i in $(seq 1 15); do printf '%s' "$(seq -s, -6000 -1),"; done; printf '1]]\n'; } >"$SCRATCH/wide.json"
	run --separate-stderr bash -c "'$LRELU' -s 1 '$SCRATCH/wide.json' | cmp - '$SCRATCH/wide.json'"
	expect_status 0
}

@test "JSON to NDJSON and back" {
	run lrelu -t ndjson <<<'{"a":-1}'
	expect_output '{"a":-0.01}'
}

@test "many elements stream through in order" {
	seq -3000 3000 | paste -sd, | sed 's/^/[/; s/$/]/' >"$SCRATCH/seq.json"
	run bash -c "'$LRELU' -s 1 '$SCRATCH/seq.json' | cmp - '$SCRATCH/seq.json'"
	expect_status 0
}

@test "--with-input makes each number [input, result]" {
	run lrelu --with-input -s 0.2 <<<'{"w":[-1.5,2],"s":"x"}'
	expect_output '{"w":[[-1.5,-0.3],[2,2]],"s":"x"}'
	run lrelu --with-input --pretty <<<'[-1]'
	expect_output $'[\n  [-1,-0.01]\n]'
}

@test "--with-input from text to another family is refused" {
	run --separate-stderr lrelu --with-input -t json "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match 'with-input from csv writes csv.s family only'
}

# Issue 19: validity is RFC 8259's, whatever the path an element takes.
@test "control bytes are not white space in JSON, anywhere" {
	local doc
	for doc in '[1,\001-2]' '[\f]' '[1\v]' '\001[1]' '[1]\001' '{\001"a":1}' '{"a"\001:1}' '{"a":\0011}' '[12]\002'; do
		run --separate-stderr bash -c "printf '$doc' | '$LRELU' -f json -s 0.5"
		[ "$status" -eq 1 ] || { echo "accepted: $doc" >&2; return 1; }
		[ -z "$output" ] || { echo "output for $doc: $output" >&2; return 1; }
		expect_stderr_match '^lrelu: <stdin>:1:[0-9]+: invalid JSON at byte 0x0[0-9A-F]$'
	done
	run --separate-stderr bash -c "printf '[1,\\001-2]' | '$LRELU' -s 0.5"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:4: invalid JSON at byte 0x01$'
	run --separate-stderr bash -c "printf '{\"a\":-1}\n\\001{\"a\":1}\n' | '$LRELU' -f ndjson"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: invalid JSON at byte 0x01$'
}

@test "raw control characters and bad escapes in strings are errors" {
	run --separate-stderr bash -c "printf '[\"a\\000a\"]' | '$LRELU'"
	expect_status 1
	expect_output ''
	expect_stderr_match '^lrelu: <stdin>:1:4: raw control character \\x00 in a string \(write it escaped\)$'
	run --separate-stderr bash -c "printf '[-1,\"a\\ta\"]' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:7: raw control character \\t in a string'
	run --separate-stderr bash -c "printf '{\"k\":\"a\\nb\"}' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:8: raw control character \\n in a string'
	run --separate-stderr lrelu <<<'["\uqqqq"]'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:3: invalid \\u escape in a string \(four hex digits must follow\)$'
	run --separate-stderr lrelu <<<'["\u12"]'
	expect_status 1
	run --separate-stderr lrelu <<<'["\x41"]'
	expect_status 1
	expect_stderr_match "^lrelu: <stdin>:1:3: invalid escape '\\\\x' in a string\$"
	run --separate-stderr bash -c "printf '[\"\\377\"]' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:3: invalid UTF-8 in a string \(byte 0xFF\)$'
	# overlong and surrogate forms are not UTF-8 either
	run --separate-stderr bash -c "printf '[\"\\300\\257\",\"\\355\\240\\200\"]' | '$LRELU'"
	expect_status 1
}

@test "strict strings: what RFC 8259 allows still passes through unchanged" {
	run lrelu -s 0.5 <<<'["\u00e9\uD83D\uDE00\"\\\/\b\f\n\r\t","é😀",-1]'
	expect_status 0
	expect_output '["\u00e9\uD83D\uDE00\"\\\/\b\f\n\r\t","é😀",-0.5]'
}

@test "a bad element fails with -o and leaves no file" {
	run --separate-stderr bash -c "printf '[-1,\"a\\001\"]' | '$LRELU' -o '$SCRATCH/out.json'"
	expect_status 1
	[ ! -e "$SCRATCH/out.json" ]
	[ -z "$(ls -A "$SCRATCH")" ]
}

@test "-c matches a key written with escapes by what it says" {
	run lrelu -c w1 <<<'{"w\u0031":-1,"x":-3}'
	expect_output '{"w\u0031":-0.01,"x":-3}'
}

@test "validity verdicts equal Python's strict json on a sample of mutated texts" {
	# tests/fixtures/json_validity.txt: made by tests/oracle/json_validity.py,
	# which checks every one of its 26,000 texts (make check-oracle)
	local hex want got n=0 i=0 bad=0
	while read -r hex want; do
		[ "$hex" = "#" ] && continue
		# every TEST_SAMPLE-th text, as the random suites sample
		i=$((i + 1))
		[ $(((i + TEST_OFFSET) % TEST_SAMPLE)) -eq 0 ] || continue
		printf "$(printf '%s' "$hex" | sed 's/../\\x&/g')" >"$SCRATCH/t.json"
		got=0
		"$LRELU" -f json "$SCRATCH/t.json" >/dev/null 2>&1 || got=$?
		[ "$got" -le 1 ] || { echo "exit $got on $hex" >&2; bad=1; }
		[ "$((got == 0))" = "$want" ] || { echo "verdict $got, want $want: $hex" >&2; bad=1; }
		n=$((n + 1))
	done <"$TESTS_DIR/fixtures/json_validity.txt"
	[ "$i" -eq 400 ] && [ "$n" -ge $((400 / TEST_SAMPLE)) ]
	[ "$bad" -eq 0 ]
}

# Issue 20: Python's JSON dialect.
@test "NaN and Infinity are refused with a hint, and read and written with --allow-nan" {
	run --separate-stderr lrelu <<<'{"loss":NaN,"w":[-1]}'
	expect_status 1
	expect_output ''
	expect_stderr_match "^lrelu: <stdin>:1:9: NaN and Infinity are not JSON \(Python's json writes them\): read them with --allow-nan\$"
	run --separate-stderr lrelu <<<'[-Infinity]'
	expect_status 1
	expect_stderr_match 'with --allow-nan$'
	run --separate-stderr lrelu --allow-nan <<<'{"loss":NaN,"w":[-Infinity,Infinity,-1]}'
	expect_status 0
	expect_output '{"loss":NaN,"w":[-Infinity,Infinity,-0.01]}'
	[ -z "$stderr" ]
	# computed results that are not finite take the same dialect
	run --separate-stderr lrelu --allow-nan -s 0 <<<'[-Infinity,NaN]'
	expect_output '[NaN,NaN]'
	run lrelu --allow-nan -m grad <<<'[NaN,Infinity]'
	expect_output '[0.01,1]'
	run lrelu --allow-nan --dtype f32 -f ndjson <<<'-Infinity'
	expect_output '-Infinity'
	# nan, NAN or inf are not Python's either
	run --separate-stderr lrelu --allow-nan <<<'[nan]'
	expect_status 1
}

@test "non-finite CSV values become null in JSON, whatever their case, or NaN and Infinity" {
	run --separate-stderr lrelu --no-header -t json <<<$'inf\nINF\n-Infinity\nnan'
	expect_status 0
	expect_output '[[null],[null],[null],[null]]'
	expect_stderr_match 'warning: 4 results were not finite and were written as null'
	run lrelu --no-header -t json --allow-nan <<<$'inf\nINF\n-Infinity\nnan'
	expect_output '[[Infinity],[Infinity],[-Infinity],[NaN]]'
}
