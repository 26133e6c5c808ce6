#!/usr/bin/env bats
# Many files at once: -o DIR/ writes one output per input, -i replaces
# each input atomically, plain runs concatenate with one CSV header; a
# bad input is reported and skipped, the worst status wins.

load helper

@test "-o DIR/ writes one file per input, suffixes following the output format" {
	cp "$SAMPLES/features.csv" "$SCRATCH/a.csv"
	cp "$SAMPLES/layers.json" "$SCRATCH/b.json"
	cp "$SAMPLES/batch.npy" "$SCRATCH/c.npy"
	mkdir "$SCRATCH/out"
	run lrelu -s 0.2 -o "$SCRATCH/out/" "$SCRATCH/a.csv" "$SCRATCH/b.json" "$SCRATCH/c.npy"
	expect_status 0
	[ "$(ls "$SCRATCH/out" | tr '\n' ' ')" = 'a.csv b.json c.npy ' ]
	cmp "$SCRATCH/out/a.csv" <("$LRELU" -s 0.2 "$SCRATCH/a.csv")
	cmp "$SCRATCH/out/b.json" <("$LRELU" -s 0.2 "$SCRATCH/b.json")
	cmp "$SCRATCH/out/c.npy" <("$LRELU" -s 0.2 "$SCRATCH/c.npy")
}

@test "-o DIR (an existing directory, no slash) is batch too; -t and -z set the suffix" {
	cp "$SAMPLES/features.csv" "$SCRATCH/a.csv"
	gzip -c "$SAMPLES/features.csv" >"$SCRATCH/g.csv.gz"
	mkdir "$SCRATCH/out"
	run lrelu -t json -o "$SCRATCH/out" "$SCRATCH/a.csv" "$SCRATCH/g.csv.gz"
	expect_status 0
	[ "$(ls "$SCRATCH/out" | tr '\n' ' ')" = 'a.json g.json.gz ' ]
	run lrelu -z -o "$SCRATCH/out/" "$SCRATCH/a.csv"
	[ -e "$SCRATCH/out/a.csv.gz" ]
	zcat "$SCRATCH/out/a.csv.gz" | cmp - <("$LRELU" "$SCRATCH/a.csv")
}

@test "-o DIR/ that does not exist is created, with its parents" {
	run --separate-stderr lrelu -o "$SCRATCH/new/deeper/" "$SAMPLES/features.csv"
	expect_status 0
	cmp "$SCRATCH/new/deeper/features.csv" <("$LRELU" "$SAMPLES/features.csv")
	: >"$SCRATCH/file"
	run --separate-stderr lrelu -o "$SCRATCH/file/sub/" "$SAMPLES/features.csv"
	expect_status 3
	expect_stderr_match 'file: Not a directory$'
}

@test "-o DIR/ refuses inputs of the same name before writing anything" {
	mkdir "$SCRATCH/a" "$SCRATCH/b"
	printf 'x\n-1\n' >"$SCRATCH/a/x.csv"
	printf 'x\n-2\n' >"$SCRATCH/b/x.csv"
	run --separate-stderr lrelu -o "$SCRATCH/out/" "$SAMPLES/features.csv" "$SCRATCH/a/x.csv" "$SCRATCH/b/x.csv"
	expect_status 2
	expect_stderr_match "^lrelu: -o .*/out/: .*/a/x.csv and .*/b/x.csv would both be written to .*/out/x.csv\$"
	[ ! -e "$SCRATCH/out" ]
	# a name whose format only its content tells is judged without its suffix
	printf 'x\n-2\n' >"$SCRATCH/b/x"
	run --separate-stderr lrelu -o "$SCRATCH/out/" "$SCRATCH/a/x.csv" "$SCRATCH/b/x"
	expect_status 2
	expect_stderr_match 'would both be written to .*/out/x\.\*$'
	# other suffixes after -t, or .gz, are other names
	run lrelu -o "$SCRATCH/out/" "$SCRATCH/a/x.csv" "$SCRATCH/b/x.json" 2>/dev/null
	[ ! -e "$SCRATCH/out/x.csv" ] || [ "$status" -ne 2 ]
	gzip -c "$SCRATCH/b/x.csv" >"$SCRATCH/b/x.csv.gz"
	run lrelu -o "$SCRATCH/out/" "$SCRATCH/a/x.csv" "$SCRATCH/b/x.csv.gz"
	expect_status 0
	[ -e "$SCRATCH/out/x.csv" ] && [ -e "$SCRATCH/out/x.csv.gz" ]
}

@test "a bad file among good ones: good outputs written, bad one not, exit 1" {
	cp "$SAMPLES/features.csv" "$SCRATCH/a.csv"
	printf 'x\n1\nabc\n' >"$SCRATCH/bad.csv"
	cp "$SAMPLES/features.tsv" "$SCRATCH/c.tsv"
	mkdir "$SCRATCH/out"
	run --separate-stderr lrelu -o "$SCRATCH/out/" "$SCRATCH/a.csv" "$SCRATCH/bad.csv" "$SCRATCH/c.tsv"
	expect_status 1
	expect_stderr_match 'bad.csv:3:1: not a number: "abc"'
	[ "$(ls -A "$SCRATCH/out" | tr '\n' ' ')" = 'a.csv c.tsv ' ]
}

@test "--in-place replaces each file atomically and keeps its permissions" {
	cp "$SAMPLES/features.csv" "$SCRATCH/a.csv"
	cp "$SAMPLES/layers.json" "$SCRATCH/b.json"
	chmod 640 "$SCRATCH/a.csv"
	"$LRELU" -s 0.5 "$SAMPLES/features.csv" >"$SCRATCH/want.csv"
	run lrelu -i -s 0.5 "$SCRATCH/a.csv" "$SCRATCH/b.json"
	expect_status 0
	cmp "$SCRATCH/a.csv" "$SCRATCH/want.csv"
	[ "$(stat -c %a "$SCRATCH/a.csv")" = 640 ]
	[ "$(ls -A "$SCRATCH" | tr '\n' ' ')" = 'a.csv b.json want.csv ' ]
}

@test "--in-place on bad input leaves the file byte-identical" {
	printf 'x\n-1\nabc\n' >"$SCRATCH/bad.csv"
	cp "$SCRATCH/bad.csv" "$SCRATCH/orig"
	run --separate-stderr lrelu -i "$SCRATCH/bad.csv"
	expect_status 1
	cmp "$SCRATCH/bad.csv" "$SCRATCH/orig"
	[ "$(ls -A "$SCRATCH" | tr '\n' ' ')" = 'bad.csv orig ' ]
}

@test "--in-place in a read-only directory fails with exit 3, file unchanged" {
	mkdir "$SCRATCH/ro"
	cp "$SAMPLES/features.csv" "$SCRATCH/ro/a.csv"
	chmod 755 "$SCRATCH"
	chmod 644 "$SCRATCH/ro/a.csv"
	chmod 555 "$SCRATCH/ro"
	run --separate-stderr lrelu_unprivileged -i "$SCRATCH/ro/a.csv"
	expect_status 3
	expect_stderr_match 'a.csv: Permission denied'
	cmp "$SCRATCH/ro/a.csv" "$SAMPLES/features.csv"
	[ "$(ls -A "$SCRATCH/ro")" = a.csv ]
}

@test "--in-place keeps a compressed file compressed" {
	gzip -c "$SAMPLES/features.csv" >"$SCRATCH/a.csv.gz"
	run lrelu -i -s 0.2 "$SCRATCH/a.csv.gz"
	expect_status 0
	zcat "$SCRATCH/a.csv.gz" | cmp - <("$LRELU" -s 0.2 "$SAMPLES/features.csv")
}

@test "--in-place refuses stdin and -o" {
	run --separate-stderr lrelu -i
	expect_status 2
	expect_stderr_match 'needs files, not standard input'
	run --separate-stderr lrelu -i -o x "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match 'do not go together'
}

@test "concatenated CSV keeps the first header only, unless --keep-headers" {
	run lrelu "$SAMPLES/features.csv" "$SAMPLES/features.csv"
	[ "${#lines[@]}" -eq 17 ]
	[ "$(printf '%s\n' "$output" | grep -c '^x0,')" -eq 1 ]
	run lrelu --keep-headers "$SAMPLES/features.csv" "$SAMPLES/features.csv"
	[ "$(printf '%s\n' "$output" | grep -c '^x0,')" -eq 2 ]
}

@test "a later input's CRLF header goes without leaving a blank line; data-first inputs lose nothing" {
	printf 'a,b\r\n-1,-2\r\n' >"$SCRATCH/c.csv"
	run bash -c "'$LRELU' '$SCRATCH/c.csv' '$SCRATCH/c.csv' | od -An -c -w64 | tr -s ' '"
	expect_output ' a , b \r \n - 0 . 0 1 , - 0 . 0 2 \r \n - 0 . 0 1 , - 0 . 0 2 \r \n'
	printf -- '-1\n' >"$SCRATCH/n.csv"
	run lrelu "$SCRATCH/n.csv" "$SCRATCH/n.csv"
	expect_output $'-0.01\n-0.01'
}

@test "regression: a later input's header wider than a block is dropped whole" {
	# 9000 names: the header's judgement comes when the first block fills
	{ printf 'h%s,' $(seq 1 9000); echo last; printf -- '-1%.0s,' $(seq 1 9000); echo -1; } >"$SCRATCH/w.csv"
	run lrelu -s 0.5 "$SCRATCH/w.csv" "$SCRATCH/w.csv"
	expect_status 0
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^h1,')" -eq 1 ]
}
