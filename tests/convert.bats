#!/usr/bin/env bats
# Conversion between format families: rows of numbers cross (a CSV row,
# a JSON element, a slice along an array's first axis); headers, strings
# and keys stay behind.

load helper

hex() { od -An -tx1 -v | tr -d ' \n'; }

@test "CSV to JSON: rows become objects keyed by the header, numbers JSON numbers" {
	run --separate-stderr lrelu -t json <<<$'a,b\n-1,007\n+2,.5\n-inf,nan'
	expect_status 0
	expect_output '[{"a":-0.01,"b":7},{"a":2,"b":0.5},{"a":null,"b":null}]'
	expect_stderr_match '2 results were not finite and were written as null'
	# without a header, and with --json-rows=arrays, rows are arrays
	run --separate-stderr lrelu -t json --no-header <<<$'-1,007\n+2,.5'
	expect_output '[[-0.01,7],[2,0.5]]'
	run --separate-stderr lrelu -t json --json-rows=arrays <<<$'a,b\n-1,007\n+2,.5'
	expect_output '[[-0.01,7],[2,0.5]]'
}

@test "CSV to NDJSON: one row per line" {
	run lrelu -s 0.5 -t ndjson -c 2- <<<$'id,x,y\nr1,-2,4\nr2,6,-8'
	expect_output $'{"x":-1,"y":4}\n{"x":6,"y":-4}'
	run lrelu -s 0.5 -t ndjson -c 2- --json-rows=arrays <<<$'id,x,y\nr1,-2,4\nr2,6,-8'
	expect_output $'[-1,4]\n[6,-4]'
}

# Issue 20: names survive conversion.
@test "header names key JSON objects: escaped by JSON's rules, empty fields null, extra values numbered" {
	run lrelu -t json <<<$'a,"b ""q""",c\n-1,,2,3'
	expect_output '[{"a":-0.01,"b \"q\"":null,"c":2,"4":3}]'
	# every input keeps its own header when several go to JSON
	printf 'a\n-1\n' >"$SCRATCH/1.csv"
	printf 'b\n-2\n' >"$SCRATCH/2.csv"
	run lrelu -t ndjson "$SCRATCH/1.csv" "$SCRATCH/2.csv"
	expect_output $'{"a":-0.01}\n{"b":-0.02}'
	# pandas' index column passes through CSV, and stays out of JSON
	run lrelu -t ndjson <<<$',x\n0,-1\n1,2'
	expect_output $'{"x":-0.01}\n{"x":2}'
	run --separate-stderr lrelu --json-rows=lists
	expect_status 2
	expect_stderr_match "invalid --json-rows 'lists': expected objects or arrays"
}

@test "JSON to CSV: the numbers of each element make a row" {
	run lrelu -s 0.2 -t csv <<<'[[-1.5,{"w":2}],[1,2,3],7]'
	expect_output $'-0.3,2\n1,2,3\n7'
	# objects too, with --json-rows=arrays
	run lrelu -s 0.2 -t csv --json-rows=arrays <<<'[{"w":[-1.5,2],"name":"x","b":-0.5},[1,2,3]]'
	expect_output $'-0.3,2,-0.1\n1,2,3'
}

# Issue 20, item 7: names survive conversion both ways.
@test "JSON objects to CSV: a null before any other value is an empty field" {
	# the first value of the first row is empty: nothing is stored yet
	run lrelu -t csv <<<'{"a": null}'
	expect_output $'a\n""'
	run lrelu -t csv -f ndjson <<<$'{"a": null, "b": -1}\n{"a": 2, "b": null}'
	expect_output $'a,b\n,-0.01\n2,'
}

@test "JSON objects to CSV: the first object's keys are the header, nested keys flattened" {
	run lrelu -s 0.2 -t csv <<<'[{"a":-1,"s":"x, \"y\"","t":true,"n":null},{"n":2,"a":3,"s":"\u00e9","t":false}]'
	expect_output $'a,s,t,n\n-0.2,"x, ""y""",true,\n3,\xc3\xa9,false,2'
	run lrelu -s 0.2 -t tsv -f ndjson <<<$'{"w":{"b":-1,"c":[1,-2]},"id":"a"}\n{"w":{"b":-3,"c":[5,-6]},"id":"b"}'
	expect_output $'w.b\tw.c.1\tw.c.2\tid\n-0.2\t1\t-0.4\ta\n-0.6\t5\t-1.2\tb'
	# and back: CSV with a header gives the same objects
	run bash -c "echo '[{\"a\":-1,\"b\":2},{\"a\":3,\"b\":-4}]' | '$LRELU' -m identity -t csv | '$LRELU' -m identity -t json"
	expect_output '[{"a":-1,"b":2},{"a":3,"b":-4}]'
}

@test "JSON objects to CSV: other keys in a later object are an error naming them" {
	run --separate-stderr lrelu -t csv -o "$SCRATCH/o.csv" <<<'[{"a":1},{"a":2,"b":3}]'
	expect_status 1
	expect_stderr_match "element 2 has the key 'b', which the first element has not"
	[ ! -e "$SCRATCH/o.csv" ]
	run --separate-stderr lrelu -t csv <<<'[{"a":1,"b":2},{"a":2}]'
	expect_status 1
	expect_stderr_match "element 2 has no key 'b', which the first element has"
	run --separate-stderr lrelu -t csv <<<'[{"a":1},[2]]'
	expect_status 1
	expect_stderr_match "element 2 is not an object, but the first was"
	run --separate-stderr lrelu -t csv <<<'{"a":1,"a":2}'
	expect_status 1
	expect_stderr_match "element 1 has the key 'a' twice"
}

@test "table to table: a number kept as it came is still quoted for the new separator" {
	# numbers lrelu writes from binary or JSON input skip the quoting
	# scan; a number of a table input is copied as it came, here with a
	# trailing tab, which TSV must quote
	run lrelu -f csv -t tsv <<<$'a,b\n"2\t",3'
	expect_status 0
	expect_output $'a\tb\n"2\t"\t3'
}

@test "CSV to .npy: rows by transformed columns, float64" {
	run lrelu -s 0.1 -t npy -o "$SCRATCH/f.npy" "$SAMPLES/features.csv"
	expect_status 0
	head -c 128 "$SCRATCH/f.npy" | grep -aq "'descr': '<f8', 'fortran_order': False, 'shape': ( *8, 4), }"
	[ $(($(wc -c <"$SCRATCH/f.npy") - 128)) -eq $((8 * 4 * 8)) ]
	# the first value: -1.5 * 0.1 as a little-endian float64
	[ "$(tail -c +129 "$SCRATCH/f.npy" | head -c 8 | hex)" = "333333333333c3bf" ]
}

@test "CSV to .npy with --dtype f32 writes float32" {
	run lrelu --dtype f32 -c 1 -t npy -o "$SCRATCH/f.npy" "$SAMPLES/features.csv"
	expect_status 0
	head -c 128 "$SCRATCH/f.npy" | grep -aq "'descr': '<f4'.*'shape': ( *8, 1), }"
}

@test "ragged rows to .npy are an error, and no file is left" {
	run --separate-stderr lrelu -t npy -o "$SCRATCH/r.npy" <<<$'1,2\n3'
	expect_status 1
	expect_stderr_match 'row 2 has 1 value, but the first row has 2: an .npy array needs rows of one width$'
	[ -z "$(ls -A "$SCRATCH")" ]
}

@test "a header-only CSV gives an empty .npy" {
	run lrelu -t npy -o "$SCRATCH/e.npy" <<<'a,b'
	expect_status 0
	head -c 128 "$SCRATCH/e.npy" | grep -aq "'descr': '<f8', 'fortran_order': False, 'shape': (0,), }"
}

@test ".npy to CSV and JSON: rows along the first axis" {
	run lrelu -m identity -t csv "$TESTS_DIR/fixtures/npy/v1_f4_2d.npy"
	expect_status 0
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "${lines[0]}" | tr ',' '\n' | wc -l)" -eq 4 ]
	run lrelu -m identity -t json "$TESTS_DIR/fixtures/npy/f2_1d.npy"
	[[ $output == '[0,-0,-1.5,2,'*']' ]]
	[ "$(printf '%s\n' "$output" | awk -F, '{ print NF }')" -eq 7 ]
}

@test "float32 to text prints the shortest text that reads back as that float32" {
	printf '\xcd\xcc\xcc\x3d\x00\x00\xc0\xbf' >"$SCRATCH/x.f32" # 0.1f, -1.5
	run lrelu -m identity -t csv "$SCRATCH/x.f32"
	expect_output $'0.1\n-1.5'
	run lrelu -m identity -t json --channels 2 "$SCRATCH/x.f32"
	expect_output '[[0.1,-1.5]]'
}

@test "float16 to text: shortest in float16, so 0.1 is 0.1" {
	printf '\x66\x2e\x00\x7c\x01\x00' >"$SCRATCH/x.f16" # 0.1, inf, smallest subnormal
	run lrelu -m identity -t csv "$SCRATCH/x.f16"
	expect_output $'0.1\ninf\n0.00000006'
}

@test "text to float16 rounds once, to nearest even, also at ties" {
	# 1 + 2^-11 is the tie between 1 and 1 + 2^-10: even is 1 (3c00);
	# just above the tie goes up (3c01), even when a double would land on it
	run bash -c "printf '%s\n' 0.1 1.00048828125 1.00048828125000000000001 65520 -0 | '$LRELU' -m identity -t f16 | od -An -tx1 -v | tr -d ' \n'"
	expect_output '662e003c013c007c0080'
}

@test "text to bfloat16 rounds once, to nearest even" {
	# 1 + 2^-8 is the tie between 1 and 1 + 2^-7
	run bash -c "printf '%s\n' 1.00390625 1.0039062500000000000001 -2.5 | '$LRELU' -m identity -t bf16 | od -An -tx1 -v | tr -d ' \n'"
	expect_output '803f813f20c0'
}

@test "text to float32 is correctly rounded" {
	run bash -c "printf '%s\n' 16777217 0.1 | '$LRELU' -m identity -t f32 | od -An -tx1 -v | tr -d ' \n'"
	expect_output '0000804bcdcccc3d'
}

@test "text to .npy on a pipe is written whole, header first" {
	run --separate-stderr bash -c "printf '1\n' | '$LRELU' -t npy | cat | head -c 128 | grep -ac \"'shape': (                   1, 1), }\""
	expect_status 0
	expect_output 1
}

@test "conversion keeps streaming: a long CSV to float32 and back" {
	seq -5000 5000 >"$SCRATCH/s.csv"
	run bash -c "'$LRELU' -m identity -t f32 '$SCRATCH/s.csv' | '$LRELU' -m identity -f f32 -t csv | cmp - '$SCRATCH/s.csv'"
	expect_status 0
}

@test "large binary inputs convert whole, to another type and to text" {
	# more values than one block holds, in every direction (no NaN,
	# whose payload float64 would quieten)
	seq -131071 131072 | "$LRELU" -m identity -t f32 -s 0.5 >"$SCRATCH/r.f32"
	run bash -c "'$LRELU' -m identity -t f64 '$SCRATCH/r.f32' | '$LRELU' -m identity -f f64 -t f32 | cmp - '$SCRATCH/r.f32'"
	expect_status 0
	run bash -c "'$LRELU' -m identity -t csv '$SCRATCH/r.f32' | wc -l"
	expect_output 262144
	run bash -c "'$LRELU' -m identity -t ndjson --channels 4 '$SCRATCH/r.f32' | wc -l"
	expect_output 65536
	run bash -c "'$LRELU' -m identity -t csv '$SCRATCH/r.f32' | cmp - <(seq -131071 131072)"
	expect_status 0
}

@test "binary to CSV in two threads writes the bytes of one: every type, rows across the halves" {
	# a block's second half is printed by a second thread; -j 1 prints
	# it all in one. Random bits: NaN, infinities, subnormals, -0.
	head -c 300000 /dev/urandom >"$SCRATCH/bits"
	local t w bad=0
	for t in f32 f64 f16 bf16; do
		for w in 1 7 1000 ""; do
			for to in csv tsv; do
				"$LRELU" -f "$t" -t "$to" ${w:+--channels $w} -s 0.3 "$SCRATCH/bits" >"$SCRATCH/two" || bad=1
				"$LRELU" -j 1 -f "$t" -t "$to" ${w:+--channels $w} -s 0.3 "$SCRATCH/bits" >"$SCRATCH/one" || bad=1
				cmp -s "$SCRATCH/one" "$SCRATCH/two" || { echo "$t, --channels $w, $to differ" >&2; bad=1; }
			done
		done
	done
	[ "$bad" -eq 0 ]
	# and the rows are whole: 300000 bytes of float32 in rows of 7
	[ "$("$LRELU" -f f32 -t csv --channels 7 -m identity <(head -c 299992 "$SCRATCH/bits") | wc -l)" -eq 10714 ]
}

@test "rows of numbers to binary: a block of more values than a binary block holds goes out whole" {
	# rows of numbers are computed a whole block at a time, ~90,000
	# values here, more than one binary block: it goes out in pieces
	seq -150000 150000 | sed 's/$/.5,-1.25,7/' >"$SCRATCH/big.csv"
	run "$LRELU" -s 0.2 -t npy -o "$SCRATCH/a.npy" "$SCRATCH/big.csv"
	expect_status 0
	LRELU_PATHS=libcsv "$LRELU" -s 0.2 -t npy -o "$SCRATCH/b.npy" "$SCRATCH/big.csv"
	cmp "$SCRATCH/a.npy" "$SCRATCH/b.npy"
	head -c 128 "$SCRATCH/a.npy" | grep -aq "'shape': ( *300001, 3), }"
	"$LRELU" -s 0.2 -t f32 "$SCRATCH/big.csv" | cmp - <(LRELU_PATHS=libcsv "$LRELU" -s 0.2 -t f32 "$SCRATCH/big.csv")
}

@test "a long CSV column to .npy keeps every row" {
	seq 1 100000 >"$SCRATCH/s.csv"
	run lrelu -t npy -o "$SCRATCH/s.npy" "$SCRATCH/s.csv"
	expect_status 0
	head -c 128 "$SCRATCH/s.npy" | grep -aq "'shape': ( *100000, 1), }"
	[ "$(wc -c <"$SCRATCH/s.npy")" -eq $((128 + 800000)) ]
}

# Issue 20: .npy of a length known only at the end, into a pipe.
@test ".npy to a pipe or through gzip: the values wait in a temporary file for the header" {
	printf 'a,b\n-1,2\n-3,4\n' >"$SCRATCH/in.csv"
	mkdir "$SCRATCH/tmp"
	TMPDIR=$SCRATCH/tmp "$LRELU" -t npy "$SCRATCH/in.csv" | cat >"$SCRATCH/o.npy"
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f8', 'fortran_order': False, 'shape': (                   2, 2), }" ]
	[ "$(tail -c 32 "$SCRATCH/o.npy" | od -An -tf8 -v | tr -s ' \n' ' ')" = ' -0.01 2 -0.03 4 ' ]
	[ -z "$(ls -A "$SCRATCH/tmp")" ]
	# the same bytes as a file written in place, and through gzip
	"$LRELU" -t npy -o "$SCRATCH/f.npy" "$SCRATCH/in.csv"
	cmp "$SCRATCH/o.npy" "$SCRATCH/f.npy"
	"$LRELU" -t npy -z "$SCRATCH/in.csv" | gzip -dc | cmp - "$SCRATCH/f.npy"
	# --range, and raw floats from a pipe
	run bash -c "'$LRELU' --range=-1:1:5 -t npy | cat | head -c 128 | tail -c +11 | head -n 1"
	[[ $output == *"'shape': (                   5, 2), }"* ]] || { echo "$output" >&2; return 1; }
	run bash -c "cat '$SAMPLES/activations.f32' | '$LRELU' -f f32 -t npy | cat | wc -c"
	[ "$output" -eq $((128 + $(wc -c <"$SAMPLES/activations.f32"))) ]
}
