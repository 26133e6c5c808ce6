#!/usr/bin/env bats
# Bad input: every message names its place (file:line:column) and the
# exit status tells data (1) from usage (2) and I/O (3) problems.

load helper

@test "a non-numeric field in a transformed column names file, line and column" {
	printf 'a,b\n1,2\n3,abc\n' >"$SCRATCH/data.csv"
	run --separate-stderr lrelu "$SCRATCH/data.csv"
	expect_status 1
	expect_stderr_match "^lrelu: $SCRATCH/data.csv:3:2: not a number: \"abc\"\$"
}

@test "line numbers count the lines inside quoted fields and CRLF once" {
	run --separate-stderr lrelu -c 2 <<<$'h,v\r\n"x\ny",1\r\nz,bad'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:4:2: not a number: "bad"$'
}

@test "an unterminated quote is an error with its line" {
	run --separate-stderr lrelu <<<$'a,b\n1,"oops\n2,3'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:2: unterminated quoted field$'
}

@test "a stray quote inside a field is an error with its line" {
	run --separate-stderr lrelu <<<$'a,b\n1,2\n3,4"5'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:3:2: malformed quoting'
}

@test "a number with too many digits is a clear error" {
	run --separate-stderr lrelu <<<"-1$(printf '%01100d' 0)1"
	expect_status 1
	expect_stderr_match '<stdin>:1:1: number out of range'
}

@test "a field over the size limit is a clear error, not memory exhaustion" {
	{ printf 'a,"'; head -c 1100000 /dev/zero | tr '\0' x; printf '"\n'; } >"$SCRATCH/huge.csv"
	run --separate-stderr lrelu -c 1 "$SCRATCH/huge.csv"
	expect_status 1
	expect_stderr_match 'huge.csv:1:2: field longer than 1048576 bytes'
}

@test "prelu: a row with fewer values than slopes is an error" {
	run --separate-stderr lrelu -m prelu -s 0.1,0.2,0.3 <<<$'-1,-1,-1\n-1,-1'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2: 2 values in the row, but 3 slopes given$'
}

@test "prelu: a row with more values than slopes is an error" {
	run --separate-stderr lrelu -m prelu -s 0.1,0.2 <<<'-1,-1,-1'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:3: more values in the row than the 2 slopes given$'
}

@test "a column name or index that is not there is a usage error listing the columns" {
	run --separate-stderr lrelu -c nosuch <<<$'a,b\n1,2'
	expect_status 2
	expect_output ''
	expect_stderr_match "^lrelu: <stdin>: --columns: no column named 'nosuch'; the columns are a, b\$"
	run --separate-stderr lrelu -c 'x*' <<<$'a,b\n1,2'
	expect_status 2
	expect_stderr_match "^lrelu: <stdin>: --columns: 'x\\*' matches no column; the columns are a, b\$"
	run --separate-stderr lrelu -c 3 <<<$'a,b\n1,2'
	expect_status 2
	expect_stderr_match "^lrelu: <stdin>: --columns: 3 is beyond the last column; the columns are a, b\$"
	# rows without a header may be ragged: an index is not checked there
	run --separate-stderr lrelu -c 3 <<<$'-1,2\n-1,2,-3'
	expect_status 0
	expect_output $'-1,2\n-1,2,-0.03'
}

@test "a column name without a header row is an error" {
	run --separate-stderr lrelu -c a <<<'1,2'
	expect_status 1
	expect_stderr_match "names a column, but the first row is not a header"
}

@test "a missing file is an I/O error naming it" {
	run --separate-stderr lrelu "$SCRATCH/nope.csv"
	expect_status 3
	expect_stderr_match "^lrelu: $SCRATCH/nope.csv: No such file or directory\$"
}

@test "a directory as input is an I/O error naming it" {
	run --separate-stderr lrelu "$SCRATCH"
	expect_status 3
	expect_stderr_match "^lrelu: $SCRATCH: Is a directory\$"
}

@test "an unreadable file is an I/O error naming it" {
	printf '1\n' >"$SCRATCH/secret.csv"
	chmod 000 "$SCRATCH/secret.csv"
	run --separate-stderr lrelu_unprivileged "$SCRATCH/secret.csv"
	expect_status 3
	expect_stderr_match "secret.csv: Permission denied"
}

@test "regression: the exponent limit is on the value, so what is read can be written and read back" {
	run --separate-stderr lrelu --no-header -m identity <<<'3100000900000000000000000000000e999999999'
	expect_status 1
	expect_stderr_match '<stdin>:1:1: number out of range'
	run --separate-stderr lrelu --no-header -s 1 <<<'-9.99e999999999'
	expect_status 0
	expect_output '-9.99e999999999'
	run --separate-stderr lrelu --no-header -s 1 <<<'-0.1e-999999999'
	expect_status 1
}

@test "messages show control bytes and non-ASCII text as escapes" {
	run --separate-stderr bash -c "printf 'a\n-1\t2\n' | '$LRELU' -d ,"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "-1\\t2"'
	run --separate-stderr bash -c "printf 'a\n\342\210\2221.5\n' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "\\u\{2212\}1\.5"'
	run --separate-stderr bash -c "printf 'a\n-\377\001\n' | '$LRELU'"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "-\\xFF\\x01"'
}

# Issue 19: content is checked before a suffix is trusted.
# zip_with FILE NAME: a zip archive whose first member is NAME (stored).
zip_with() {
	local n=${#2}
	{
		printf 'PK\003\004\024\000\000\000\000\000\000\000\000\000\000\000\000\000'
		printf '\004\000\000\000\004\000\000\000'
		printf "\\$(printf %03o "$n")\\000\\000\\000%s" "$2"
		printf '\223NUMPY\001\000'
	} >"$1"
}

@test "an .npz, a PyTorch zip or another zip read as text says what it is" {
	zip_with "$SCRATCH/w.npz" x.npy
	run --separate-stderr lrelu "$SCRATCH/w.npz"
	expect_status 1
	expect_stderr_match '^lrelu: .*w.npz: looks like an .npz \(zip\) archive of .npy arrays, not text: unpack it'
	expect_output ''
	run --separate-stderr lrelu -f npy "$SCRATCH/w.npz"
	expect_status 1
	expect_stderr_match 'not a .npy file: it looks like an .npz'
	zip_with "$SCRATCH/m.pt" archive/data.pkl
	run --separate-stderr lrelu "$SCRATCH/m.pt"
	expect_status 1
	expect_stderr_match 'm.pt: looks like a PyTorch checkpoint \(.pt, a zip archive\)'
	zip_with "$SCRATCH/o.csv" notes.txt
	run --separate-stderr lrelu <"$SCRATCH/o.csv"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>: looks like a zip archive, not text'
}

@test "raw floats, compressed streams and .npy bytes read as text say what they are" {
	awk 'BEGIN { for (i = 0; i < 64; i++) printf "%c%c%c%c", 0, 0, 128, 191 }' >"$SCRATCH/raw"
	run --separate-stderr lrelu "$SCRATCH/raw"
	expect_status 1
	expect_stderr_match 'raw: binary data, not text: for raw floats give -f f32\|f64\|f16\|bf16'
	run --separate-stderr lrelu <"$SCRATCH/raw"
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>: binary data, not text'
	run lrelu -f f32 -t csv "$SCRATCH/raw"
	expect_status 0
	[ "$(echo "$output" | head -n 1)" = '-0.01' ]
	printf '\037' >"$SCRATCH/lone.csv"
	run --separate-stderr lrelu "$SCRATCH/lone.csv"
	expect_status 1
	expect_output ''
	expect_stderr_match 'lone.csv: binary data, not text'
	seq -100 100 | gzip -n >"$SCRATCH/s.gz"
	gzip -n <"$SCRATCH/s.gz" >"$SCRATCH/double.csv.gz"
	run --separate-stderr lrelu "$SCRATCH/double.csv.gz"
	expect_status 1
	expect_stderr_match 'double.csv.gz: looks like gzip inside gzip: decompress one layer first'
	{ printf 'x\234'; tail -c +11 "$SCRATCH/s.gz"; } >"$SCRATCH/z.csv"
	run --separate-stderr lrelu "$SCRATCH/z.csv"
	expect_status 1
	expect_stderr_match 'z.csv: looks like a zlib stream'
	tail -c +11 "$SCRATCH/s.gz" >"$SCRATCH/deflate.csv"
	run --separate-stderr lrelu "$SCRATCH/deflate.csv"
	expect_status 1
	expect_stderr_match 'deflate.csv: binary data, not text.*compressed input must be gzip'
	cp "$TESTS_DIR/fixtures/npy/v1_f4_2d.npy" "$SCRATCH/n.csv"
	run --separate-stderr lrelu "$SCRATCH/n.csv"
	expect_status 1
	expect_stderr_match 'n.csv: looks like an .npy file, not text: name it .npy or give -f npy'
	cp "$TESTS_DIR/fixtures/npy/v1_f4_2d.npy" "$SCRATCH/n.json"
	run --separate-stderr lrelu "$SCRATCH/n.json"
	expect_status 1
	expect_stderr_match 'n.json: looks like an .npy file'
}

@test "text with a stray control byte or Latin-1 letters is still text" {
	run --separate-stderr bash -c "printf 'name,v\ncaf\351,-1\n' | '$LRELU' -c v"
	expect_status 0
	expect_output "$(printf 'name,v\ncaf\351,-0.01')"
	run --separate-stderr bash -c "printf 'v\n-1\n\f-2\n' | '$LRELU'"
	expect_stderr_match 'not a number: "\\x0C-2"'
}
