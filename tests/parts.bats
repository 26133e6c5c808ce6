#!/usr/bin/env bats
# --part K/N and --byte-range (issue 22): for every format, the parts'
# outputs joined in order are the serial output byte for byte, on random
# files and on the shapes writers make (headers, BOM, CRLF, CR, blank
# lines, comments, a count line, pandas' names, no final line end, files
# smaller than N bytes, N larger than the record count).

load helper

# same_as_serial FILE ARGS...: the serial run and the parts' joined
# outputs for N in 1 2 3 7 64 are the same bytes, with the same status
# (the test's files are valid: a status other than 0 fails). Under
# TEST_SAMPLE (make check), N in 7 and 2 or 3 by TEST_OFFSET; from
# TEST_SAMPLE=8 on (the sanitizer and Valgrind runs, where each run
# costs ten to a hundred times more), N = 3 only.
same_as_serial() {
	local f=$1 n k st pst
	shift
	st=0
	lrelu "$@" "$f" >"$SCRATCH/serial" 2>/dev/null || st=$?
	[ "$st" -eq 0 ] || { echo "$f $*: the serial run fails" >&2; return 1; }
	for n in $(if [ "$TEST_SAMPLE" -ge 8 ]; then echo 3; elif [ "$TEST_SAMPLE" -gt 1 ]; then echo $((2 + TEST_OFFSET % 2)) 7; else echo 1 2 3 7 64; fi); do
		: >"$SCRATCH/parts"
		pst=0
		for k in $(seq 1 "$n"); do
			lrelu "$@" --part "$k/$n" "$f" >>"$SCRATCH/parts" 2>/dev/null || pst=$?
		done
		if [ "$pst" -ne "$st" ] || { [ "$st" -eq 0 ] && ! cmp -s "$SCRATCH/serial" "$SCRATCH/parts"; }; then
			echo "differs: $f $* in $n parts (serial status $st, parts $pst)" >&2
			return 1
		fi
	done
	runs=$((runs + 1))
}

@test "CSV and TSV in parts: the serial bytes, on random rows and writers' shapes" {
	local seed f runs=0 bad=0
	for seed in 1 2 3 4 5; do
		f=$SCRATCH/r$seed.csv
		awk -v seed="$seed" -v rows=400 -v odd=0 -f "$TESTS_DIR/gen_rows.awk" >"$f"
		same_as_serial "$f" -s 0.2 || bad=1
		same_as_serial "$f" -m grad -t tsv || bad=1
	done
	printf '\xef\xbb\xbfa,b\r\n-1,2\r\n\r\n-3,4\r\n5,-6\r\n' >"$SCRATCH/bom.csv"
	printf ',0,1\n0,-1,2\n1,-3,4\n2,5,-6\n' >"$SCRATCH/pandas.csv"
	printf '0,1\n1,2\n3,4\n5,6\n' >"$SCRATCH/ints.csv"
	printf 'a,b\r-1,2\r-3,4\r' >"$SCRATCH/cr.csv"
	printf 'a,b\n-1,2' >"$SCRATCH/nonl.csv"
	printf 'a,b\n' >"$SCRATCH/header.csv"
	: >"$SCRATCH/empty.csv"
	printf 'x,"a, ""b""",y\n-1,"-2.5",-2\n-3,"4",-4\n' >"$SCRATCH/quoted.csv"
	printf 'a;b\n-1;2\n-3;4\n' >"$SCRATCH/sniffed.txt"
	for f in bom.csv pandas.csv ints.csv cr.csv nonl.csv header.csv empty.csv quoted.csv sniffed.txt; do
		same_as_serial "$SCRATCH/$f" -s 0.5 || bad=1
	done
	printf '# comment\n# more\na,b\n-1,2\n# mid\n-3,4\n' >"$SCRATCH/c.csv"
	same_as_serial "$SCRATCH/c.csv" -s 0.5 --comment '#' || bad=1
	printf '506,13,,\nCRIM,ZN,A,B\n-1,2,3,4\n-5,6,7,8\n' >"$SCRATCH/count.csv"
	same_as_serial "$SCRATCH/count.csv" -s 0.5 --skip-rows 1 || bad=1
	printf -- '-1,2\n-3,4\n5,-6\n' >"$SCRATCH/data.csv"
	same_as_serial "$SCRATCH/data.csv" -s 0.5 --no-header || bad=1
	same_as_serial "$SCRATCH/data.csv" -s 0.5 --header || bad=1
	same_as_serial "$SAMPLES/activations.csv" -s 0.1 -c 3- || bad=1
	same_as_serial "$SAMPLES/activations.csv" -s 0.1 -c 3- -t ndjson || bad=1
	same_as_serial "$SAMPLES/features.csv" --with-input -m prelu -s 0.1,0.2,0.3,0.4 || bad=1
	# into one JSON array: the first part opens it, the others go on it
	same_as_serial "$SAMPLES/activations.csv" -s 0.1 -c 3- -t json || bad=1
	same_as_serial "$SCRATCH/r1.csv" -s 0.2 -t json || bad=1
	same_as_serial "$SCRATCH/header.csv" -s 0.5 -t json || bad=1
	same_as_serial "$SCRATCH/data.csv" -s 0.5 -t json || bad=1
	echo "$runs files and options, each in 1, 2, 3, 7 and 64 parts" >&2
	[ "$bad" -eq 0 ] && [ "$runs" -ge 27 ]
}

@test "NDJSON, JSON (by its index), float32 and .npy in parts: the serial bytes" {
	local runs=0 bad=0
	awk -v seed=5 -v n=300 -v ndjson=1 -f "$TESTS_DIR/gen_rows_json.awk" >"$SCRATCH/a.ndjson" 2>/dev/null ||
		awk 'BEGIN { srand(5); for (i = 0; i < 300; i++)
			printf "{\"x\":[%.3f,%.2f],\"s\":\"a, b\"}\n", rand() * 20 - 10, rand() * 20 - 10 }' >"$SCRATCH/a.ndjson"
	same_as_serial "$SCRATCH/a.ndjson" -s 0.3 || bad=1
	same_as_serial "$SAMPLES/activations.ndjson" -m grad || bad=1
	# a JSON array of members of every kind, compact and indented
	awk 'BEGIN { srand(9); printf "["; for (i = 0; i < 400; i++) {
		r = rand(); printf "%s", i ? (rand() < 0.5 ? ",\n " : ",") : ""
		if (r < 0.4) printf "%.4f", rand() * 20 - 10
		else if (r < 0.7) printf "[%.2f, {\"k\": [%.1f]}]", rand() * 20 - 10, rand() * 20 - 10
		else if (r < 0.9) printf "{\"w\": \"a],[b\", \"v\": %.3f}", rand() * 20 - 10
		else printf "[]" } print "]" }' >"$SCRATCH/a.json"
	lrelu --index "$SCRATCH/a.json" >"$SCRATCH/a.json.idx"
	same_as_serial "$SCRATCH/a.json" -s 0.3 || bad=1
	same_as_serial "$SCRATCH/a.json" -s 0.3 -t ndjson || bad=1
	lrelu --index "$SAMPLES/layers.json" -o "$SCRATCH/layers.json.idx"
	cp "$SAMPLES/layers.json" "$SCRATCH/layers.json"
	touch -r "$SAMPLES/layers.json" "$SCRATCH/layers.json"
	same_as_serial "$SCRATCH/layers.json" -s 0.1 || bad=1
	# raw values, rows of channels, and .npy rows along axis 0
	head -c 12000 /dev/urandom >"$SCRATCH/v.f32"
	same_as_serial "$SCRATCH/v.f32" -s 0.2 || bad=1
	same_as_serial "$SCRATCH/v.f32" -m prelu -s 0.1,0.2,0.3 --channels 3 || bad=1
	same_as_serial "$SCRATCH/v.f32" -s 0.2 -t csv --channels 5 -f f16 || bad=1
	awk 'BEGIN { srand(2); for (i = 0; i < 500; i++) printf "%.3f,%.3f,%.3f\n", rand() * 20 - 10,
		rand() * 20 - 10, rand() * 20 - 10 }' | lrelu -m identity -f csv -t npy -o "$SCRATCH/m.npy"
	same_as_serial "$SCRATCH/m.npy" -s 0.2 || bad=1
	same_as_serial "$SCRATCH/m.npy" -m prelu -s 0.1,0.2,0.3 -t csv || bad=1
	same_as_serial "$SCRATCH/m.npy" -s 0.2 -t f64 || bad=1
	same_as_serial "$SAMPLES/batch.npy" -m grad || bad=1
	# into one JSON array from NDJSON, raw values and .npy rows
	same_as_serial "$SCRATCH/a.ndjson" -s 0.3 -t json || bad=1
	same_as_serial "$SCRATCH/v.f32" -s 0.2 -t json || bad=1
	same_as_serial "$SCRATCH/m.npy" -s 0.2 -t json || bad=1
	echo "$runs files and options, each in 1, 2, 3, 7 and 64 parts" >&2
	[ "$bad" -eq 0 ] && [ "$runs" -eq 15 ]
}

@test "into .npy from text and raw values in parts: the first part's header has the whole length" {
	local runs=0 bad=0 f
	awk 'BEGIN { srand(3); print "x,y,z"; for (i = 0; i < 300; i++)
		printf "%.*f,%.3e,%d\n", int(rand() * 8), rand() * 20 - 10, rand() * 2e-3 - 1e-3,
			int(rand() * 2000) - 1000 }' >"$SCRATCH/r.csv"
	printf 'a,b\n-1,2\n-3,4\n5,-6\n' >"$SCRATCH/t.csv"
	printf 'a,b\n' >"$SCRATCH/header.csv"
	: >"$SCRATCH/empty.csv"
	for f in r.csv t.csv header.csv empty.csv; do
		same_as_serial "$SCRATCH/$f" -s 0.2 -t npy || bad=1
	done
	same_as_serial "$SCRATCH/t.csv" -m grad --dtype f32 -t npy || bad=1
	same_as_serial "$SAMPLES/activations.csv" -s 0.1 -c 3- -t npy || bad=1
	same_as_serial "$SAMPLES/features.csv" -m prelu -s 0.1,0.2,0.3,0.4 -t npy || bad=1
	same_as_serial "$SAMPLES/activations.ndjson" -s 0.3 -t npy || bad=1
	head -c 12000 /dev/urandom >"$SCRATCH/v.f32"
	same_as_serial "$SCRATCH/v.f32" -s 0.2 -t npy || bad=1
	same_as_serial "$SCRATCH/v.f32" -m prelu -s 0.1,0.2,0.3 --channels 3 -t npy || bad=1
	echo "$runs files and options, each in 1, 2, 3, 7 and 64 parts" >&2
	[ "$bad" -eq 0 ] && [ "$runs" -eq 10 ]
}

@test "into .npy in parts: gzip members and files of their own join to the serial array" {
	printf 'a,b\n-1,2\n-3,4\n5,-6\n' >"$SCRATCH/t.csv"
	lrelu -s 0.5 -t npy "$SCRATCH/t.csv" >"$SCRATCH/serial.npy"
	for k in 1 2 3; do lrelu -s 0.5 -t npy -z --part "$k/3" "$SCRATCH/t.csv"; done >"$SCRATCH/all.gz"
	zcat "$SCRATCH/all.gz" | cmp - "$SCRATCH/serial.npy"
	for k in 1 2 3; do lrelu -s 0.5 -t npy --part "$k/3" -o "$SCRATCH/p$k.npy" "$SCRATCH/t.csv"; done
	cat "$SCRATCH/p1.npy" "$SCRATCH/p2.npy" "$SCRATCH/p3.npy" | cmp - "$SCRATCH/serial.npy"
	# a later part holds only values: 2 rows of 2 float64
	[ "$(wc -c <"$SCRATCH/p3.npy")" -eq 16 ]
}

@test "into .npy in parts: a bad row anywhere fails the first part too, naming its line" {
	printf 'a,b\n-1,2\n-3,4\n5,x\n' >"$SCRATCH/t.csv"
	run --separate-stderr lrelu -t npy --part 1/3 "$SCRATCH/t.csv"
	expect_status 1
	expect_stderr_match 't.csv:4:2: not a number: "x"'
	[ -z "$output" ]
	printf 'a,b\n-1,2\n-3,4\n5\n' >"$SCRATCH/r.csv"
	run --separate-stderr lrelu -t npy --part 1/3 "$SCRATCH/r.csv"
	expect_status 1
	expect_stderr_match 'row 3 has 1 value, but the first row has 2'
}

@test "--byte-range takes the records that start in it; parts compress as gzip members" {
	local size
	printf 'a,b\n-1,2\n-3,4\n5,-6\n' >"$SCRATCH/t.csv"
	size=$(wc -c <"$SCRATCH/t.csv")
	# byte 4 starts row 2, byte 9 row 3: 4:9 is row 2 alone, 5:9 none
	run lrelu -s 0.5 --byte-range 4:9 "$SCRATCH/t.csv"
	expect_output '-0.5,2'
	run lrelu -s 0.5 --byte-range 5:9 "$SCRATCH/t.csv"
	expect_output ''
	run lrelu -s 0.5 --byte-range 0:1 "$SCRATCH/t.csv"
	expect_output 'a,b'
	run lrelu -s 0.5 --byte-range "9:$size" "$SCRATCH/t.csv"
	expect_output $'-1.5,4\n5,-3'
	run lrelu -s 0.5 --byte-range 9: "$SCRATCH/t.csv"
	expect_output $'-1.5,4\n5,-3'
	for k in 1 2 3; do lrelu -s 0.5 -z --part "$k/3" "$SCRATCH/t.csv"; done >"$SCRATCH/all.gz"
	gzip -t "$SCRATCH/all.gz"
	zcat "$SCRATCH/all.gz" | cmp - <(lrelu -s 0.5 "$SCRATCH/t.csv")
	lrelu -s 0.5 --part 2/2 -o "$SCRATCH/p2.csv" "$SCRATCH/t.csv"
	[ "$(cat "$SCRATCH/p2.csv")" = "$(lrelu -s 0.5 "$SCRATCH/t.csv" | tail -n 2)" ]
}

@test "a quoted line break makes the parts fail clearly, and the index makes them exact" {
	local n k st=0
	{ echo 'id,note,x'; for k in $(seq 1 400); do printf '%d,"line one\nline two",-%d.5\n' "$k" "$k"; done; } >"$SCRATCH/q.csv"
	run --separate-stderr lrelu -c x -s 0.5 --part 2/3 "$SCRATCH/q.csv"
	expect_status 1
	expect_stderr_match 'q.csv: a quoted field holds a line break \(line [0-9]+ of the part that starts at byte [0-9]+\): .*lrelu --index FILE > FILE.idx'
	lrelu --index "$SCRATCH/q.csv" >"$SCRATCH/q.csv.idx"
	lrelu -c x -s 0.5 "$SCRATCH/q.csv" >"$SCRATCH/serial"
	for n in 2 7; do
		for k in $(seq 1 "$n"); do lrelu -c x -s 0.5 --part "$k/$n" "$SCRATCH/q.csv" || st=1; done >"$SCRATCH/parts"
		cmp "$SCRATCH/serial" "$SCRATCH/parts"
	done
	[ "$st" -eq 0 ]
	# a stale index is refused
	echo '1,"x",-1' >>"$SCRATCH/q.csv"
	run --separate-stderr lrelu -c x --part 1/2 "$SCRATCH/q.csv"
	expect_status 2
	expect_stderr_match 'q.csv.idx is stale'
}

@test "--part is refused clearly where it cannot work" {
	printf 'a,b\n-1,2\n' >"$SCRATCH/t.csv"
	gzip -c "$SCRATCH/t.csv" >"$SCRATCH/t.csv.gz"
	run --separate-stderr lrelu --part 1/2 "$SCRATCH/t.csv.gz"
	expect_status 2
	expect_stderr_match 'a gzip file cannot be split into parts .*recompress it with bgzip'
	run --separate-stderr bash -c "'$LRELU' --part 1/2 < '$SCRATCH/t.csv'"
	expect_status 2
	expect_stderr_match 'give a file, not standard input'
	echo '[1,2]' >"$SCRATCH/a.json"
	run --separate-stderr lrelu --part 1/2 "$SCRATCH/a.json"
	expect_status 2
	expect_stderr_match 'a JSON array can be split into parts only by its index'
	for bad in 0/2 3/2 2 1/0 a/b; do
		run --separate-stderr lrelu --part "$bad" "$SCRATCH/t.csv"
		expect_status 2
		expect_stderr_match "invalid --part '$bad'"
	done
	run --separate-stderr lrelu --byte-range 9:4 "$SCRATCH/t.csv"
	expect_status 2
	expect_stderr_match "invalid --byte-range '9:4'"
	run --separate-stderr lrelu --index "$SCRATCH/t.csv.gz"
	expect_status 2
}

@test "BGZF (bgzip) files in parts: only their own blocks, the serial bytes" {
	command -v bgzip >/dev/null || skip "bgzip is not installed (make deps installs tabix)"
	local runs=0 bad=0
	# rows over many 64 KiB blocks, lines across block edges
	awk 'BEGIN { srand(1); print "a,b,c"; for (i = 0; i < 60000; i++)
		printf "%.6f,%.6f,%.6f\n", rand() * 20 - 10, rand() * 20 - 10, rand() * 20 - 10 }' >"$SCRATCH/r.csv"
	bgzip -c "$SCRATCH/r.csv" >"$SCRATCH/r.csv.gz"
	same_as_serial "$SCRATCH/r.csv.gz" -s 0.2 || bad=1
	# a header and rows wider than a block
	{ printf 'h%s,' $(seq 1 9000); echo last
	  awk 'BEGIN { srand(3); for (i = 0; i < 30; i++) { for (j = 0; j < 9001; j++)
		printf "%s%.2f", (j ? "," : ""), rand() * 20 - 10; print "" } }'; } >"$SCRATCH/wide.csv"
	bgzip -c "$SCRATCH/wide.csv" >"$SCRATCH/wide.csv.gz"
	same_as_serial "$SCRATCH/wide.csv.gz" -s 0.2 || bad=1
	# pandas' names, judged with the second row; NDJSON; a file of one block
	{ echo ',0,1'; awk 'BEGIN { for (i = 0; i < 20000; i++) printf "%d,%.3f,-%d.5\n", i, i / 7, i }'; } |
		bgzip -c >"$SCRATCH/pd.csv.gz"
	same_as_serial "$SCRATCH/pd.csv.gz" -s 0.2 || bad=1
	tail -n +2 "$SCRATCH/r.csv" | awk '{ printf "{\"x\":[%s]}\n", $0 }' | bgzip -c >"$SCRATCH/r.ndjson.gz"
	same_as_serial "$SCRATCH/r.ndjson.gz" -m grad || bad=1
	printf 'a,b\n-1,2\n' | bgzip -c >"$SCRATCH/tiny.csv.gz"
	same_as_serial "$SCRATCH/tiny.csv.gz" -s 0.5 || bad=1
	[ "$bad" -eq 0 ] && [ "$runs" -eq 5 ]
	# raw floats in BGZF are refused with a reason
	head -c 4000 /dev/zero | bgzip -c >"$SCRATCH/z.f32.gz"
	run --separate-stderr lrelu --part 1/2 "$SCRATCH/z.f32.gz"
	expect_status 2
	expect_stderr_match 'splits BGZF files of lines \(CSV, TSV, NDJSON\) only'
}
