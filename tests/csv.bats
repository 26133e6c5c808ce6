#!/usr/bin/env bats
# CSV and TSV: header detection, quoting, line endings, BOM, empty
# fields, column selection, delimiters.

load helper

@test "header detected when the first row has a non-numeric field" {
	run lrelu <<<$'x,y\n-1,2'
	expect_output $'x,y\n-0.01,2'
}

@test "no header when the first row is all numbers or empty fields" {
	run lrelu <<<$'-1,,2\n-3,4,'
	expect_output $'-0.01,,2\n-0.03,4,'
}

@test "--header forces a numeric first row through untouched" {
	run lrelu --header <<<$'-1,-2\n-3,-4'
	expect_output $'-1,-2\n-0.03,-0.04'
}

@test "--no-header makes a non-numeric first row an error" {
	run --separate-stderr lrelu --no-header <<<$'x,y\n-1,2'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:1:1: not a number: "x" \(a column of text\?'
}

@test "quoted fields are parsed and re-quoted only where needed" {
	run lrelu -c 2 <<<$'name,v\n"a,b",-1\n"plain",-2\n"say ""hi""",-3\n"two\nlines",-4'
	expect_output $'name,v\n"a,b",-0.01\nplain,-0.02\n"say ""hi""",-0.03\n"two\nlines",-0.04'
}

@test "a quoted number is transformed" {
	run lrelu <<<'"-5",1'
	expect_output '-0.05,1'
}

@test "CRLF line ends are kept" {
	run bash -c "printf 'a,b\r\n-1,-2\r\n' | '$LRELU' | od -An -c -w64 | tr -s ' '"
	expect_output ' a , b \r \n - 0 . 0 1 , - 0 . 0 2 \r \n'
}

@test "a missing final newline stays missing" {
	run bash -c "printf 'a\n-1' | '$LRELU' | od -An -c | tr -s ' '"
	expect_output ' a \n - 0 . 0 1'
}

@test "a UTF-8 byte-order mark is kept" {
	run bash -c "printf '\357\273\277v\n-1\n' | '$LRELU' | od -An -tx1 | tr -s ' '"
	expect_output ' ef bb bf 76 0a 2d 30 2e 30 31 0a'
}

@test "blank lines pass through" {
	run lrelu <<<$'-1\n\n-2'
	expect_output $'-0.01\n\n-0.02'
}

@test "a row that is one empty quoted field stays a row, not a blank line" {
	run lrelu <<<$'v\n""\n-1'
	expect_output $'v\n""\n-0.01'
}

@test "--columns by index, range, open range and name" {
	local in=$'id,a,b,c\n-1,-1,-1,-1'
	run lrelu -c 2 <<<"$in"
	expect_output $'id,a,b,c\n-1,-0.01,-1,-1'
	run lrelu -c 2-3 <<<"$in"
	expect_output $'id,a,b,c\n-1,-0.01,-0.01,-1'
	run lrelu -c 3- <<<"$in"
	expect_output $'id,a,b,c\n-1,-1,-0.01,-0.01'
	run lrelu -c -2 <<<"$in"
	expect_output $'id,a,b,c\n-0.01,-0.01,-1,-1'
	run lrelu -c c,a <<<"$in"
	expect_output $'id,a,b,c\n-1,-0.01,-1,-0.01'
}

@test "columns not selected may hold text" {
	run lrelu -c 2 <<<$'id,v\nabc,-1\n,-2'
	expect_output $'id,v\nabc,-0.01\n,-0.02'
}

@test "prelu channels count the selected columns only" {
	run lrelu -m prelu -s 0.1,0.5 -c 2-3 <<<$'id,a,b\nx,-1,-1'
	expect_output $'id,a,b\nx,-0.1,-0.5'
}

@test ".tsv files are tab-separated" {
	printf 'a\tb\n-1\t2\n' >"$SCRATCH/in.tsv"
	run lrelu "$SCRATCH/in.tsv"
	expect_output $'a\tb\n-0.01\t2'
}

@test "-d sets the separator, and the output keeps it" {
	run lrelu -d ';' <<<$'a;b\n-1;"x;y"'
	expect_status 1
	run lrelu -d ';' -c 1 <<<$'a;b\n-1;"x;y"'
	expect_output $'a;b\n-0.01;"x;y"'
	run lrelu -d tab <<<$'-1\t-2'
	expect_output $'-0.01\t-0.02'
}

@test "-t tsv converts CSV to TSV, quoting what needs it" {
	run lrelu -t tsv -c 1 --no-header <<<$'-1,"a\tb",c'
	expect_output $'-0.01\t"a\tb"\tc'
}

@test "-f forces the input format whatever the name" {
	printf -- '-1\t-2\n' >"$SCRATCH/data.txt"
	run lrelu -f tsv "$SCRATCH/data.txt"
	expect_output $'-0.01\t-0.02'
}

@test "--skip-invalid passes bad fields through and counts them" {
	run --separate-stderr lrelu --skip-invalid --no-header <<<$'-1,abc\n1e,-2'
	expect_status 0
	expect_output $'-0.01,abc\n1e,-0.02'
	expect_stderr_match 'warning: <stdin>: 2 invalid values passed through'
}

@test "ragged rows are fine outside prelu" {
	run lrelu <<<$'-1\n-1,-2,-3\n-4,-5'
	expect_output $'-0.01\n-0.01,-0.02,-0.03\n-0.04,-0.05'
}

@test "rows larger than one input chunk, with and without quotes" {
	local row
	row=$(seq -s, -3000 -1)
	printf '%s\n' "$row" "\"q\",$row" >"$SCRATCH/wide.csv"
	run --separate-stderr lrelu -s 0 -c 2- "$SCRATCH/wide.csv"
	expect_status 0
	[ "$(printf '%s\n' "$output" | sed -n 2p | tr ',' '\n' | sort -u | tr '\n' ' ')" = '-0 q ' ]
}

@test "many rows stream through in bounded blocks and come out in order" {
	seq -5000 5000 >"$SCRATCH/seq.csv"
	run bash -c "'$LRELU' -s 1 '$SCRATCH/seq.csv' | cmp - '$SCRATCH/seq.csv'"
	expect_status 0
}

@test "regression: --header with --columns transforms only the chosen columns" {
	run lrelu --header -c b <<<$'a,b\n-1,-2'
	expect_output $'a,b\n-1,-0.02'
	run lrelu --header -c 1 <<<$'1,2\n-1,-2'
	expect_output $'1,2\n-0.01,-2'
}

@test "--with-input writes each input beside its result, header named after the mode" {
	run lrelu --with-input -c 2- -m grad <<<$'id,a,b\nr,-1,2'
	expect_output $'id,a,a_grad,b,b_grad\nr,-1,0.01,2,1'
	run lrelu --with-input --no-header <<<'-1,"-2"'
	expect_output '-1,-0.01,-2,-0.02'
}

@test "regression: --columns with a first row wider than a block (found by fuzz_csv)" {
	awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "c%d%s", i, i < 20000 ? "," : "\n"
		for (i = 1; i <= 20000; i++) printf "-1%s", i < 20000 ? "," : "\n" }' >"$SCRATCH/wide.csv"
	run --separate-stderr lrelu -s 0.5 -c c100 "$SCRATCH/wide.csv"
	expect_status 0
	[ "$(printf '%s\n' "$output" | tail -n 1 | tr ',' '\n' | sort | uniq -c | tr -s ' ')" = "$(printf ' 1 -0.5\n 19999 -1')" ]
	awk 'BEGIN { for (i = 1; i <= 20000; i++) printf ","; print ""; print "-1" }' >"$SCRATCH/empty.csv"
	run --separate-stderr lrelu -s 0.5 -c 1 "$SCRATCH/empty.csv"
	expect_status 0
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "-0.5" ]
}

# Issue 20: missing values as pandas writes and reads them.
@test "missing-value tokens pass through unchanged and are counted in --stats" {
	run --separate-stderr lrelu --stats <<<$'a,b\n-1,NA\nnull,-2\nNaN,None\n-nan,#N/A\n-1.#IND, <NA>\nN/A,NULL'
	expect_status 0
	expect_output $'a,b\n-0.01,NA\nnull,-0.02\nNaN,None\n-nan,#N/A\n-1.#IND, <NA>\nN/A,NULL'
	expect_stderr_match '^lrelu: <stdin>: 2 values, 2 negative, 0 zero, 0 NaN, 10 missing, min -2, max -1$'
	run --separate-stderr lrelu --stats=json -m grad <<<$'a\nNA\n-1'
	expect_output $'a\nNA\n0.01'
	expect_stderr_match '"missing":1,'
	# in every mode and arithmetic
	run lrelu --dtype f32 -m inverse -s 0.5 <<<$'a\nNA\n-1'
	expect_output $'a\nNA\n-2'
}

@test "--na sets the missing-value tokens; --na='' makes them errors or numbers again" {
	run --separate-stderr lrelu --na='' <<<$'a\nNA'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "NA"'
	run lrelu --na='' -m grad <<<$'a\nnan'
	expect_output $'a\n0.01'
	run --separate-stderr lrelu --na=missing,-999x --stats <<<$'a\nmissing\n-999x\n-1'
	expect_status 0
	expect_output $'a\nmissing\n-999x\n-0.01'
	expect_stderr_match '1 values.* 2 missing'
	run --separate-stderr lrelu --na=missing <<<$'a\nNA'
	expect_status 1
	# other text is still --skip-invalid's
	run --separate-stderr lrelu --skip-invalid <<<$'a\nNA\nabc'
	expect_status 0
	expect_stderr_match '1 invalid values passed through'
}

# Issue 20: headers as the common writers make them.
@test "pandas' integer column names are a header, and an empty first name an index column" {
	# df.to_csv() of a frame with columns 0, 1, 2: the index passes through
	run lrelu <<<$',0,1,2\n0,-1.5,2,-3\n1,4,-5,6'
	expect_output $',0,1,2\n0,-0.015,2,-0.03\n1,4,-0.05,6'
	# index=False: 0,1 above rows that are not all integers
	run lrelu <<<$'0,1\n-1.5,2\n-3,4'
	expect_output $'0,1\n-0.015,2\n-0.03,4'
	# but above rows of integers, 0,1 is data
	run lrelu <<<$'0,1\n0,1\n-1,2'
	expect_output $'0,1\n0,1\n-0.01,2'
	# named columns with an index column: the index passes through too
	run lrelu <<<$',a,b\n-7,-1,-2'
	expect_output $',a,b\n-7,-0.01,-0.02'
	# only the names, no rows: a header
	run lrelu <<<',0,1'
	expect_output ',0,1'
	# CRLF, and a second input's header dropped when concatenated
	printf '0,1\r\n-1.5,2\r\n' >"$SCRATCH/a.csv"
	cp "$SCRATCH/a.csv" "$SCRATCH/b.csv"
	run lrelu "$SCRATCH/a.csv" "$SCRATCH/b.csv"
	expect_output "$(printf '0,1\r\n-0.015,2\r\n-0.015,2\r')"
	# --header and --no-header still decide
	run lrelu --no-header <<<$'0,1\n-1.5,2'
	expect_output $'0,1\n-0.015,2'
}

@test "--comment passes comment lines through; --skip-rows passes the first lines through" {
	run lrelu --comment='#' <<<$'# prices\n# source: x\nDate,Open\n2020,-1\n#mid\n2021,-2'
	expect_output $'# prices\n# source: x\nDate,Open\n2020,-0.01\n#mid\n2021,-0.02'
	run --separate-stderr lrelu --comment='#' <<<$'# c\nx\nabc'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:3:1: not a number: "abc"'
	run lrelu --skip-rows 1 <<<$'506,13,,\nCRIM,ZN,X,Y\n-1,2,3,4'
	expect_output $'506,13,,\nCRIM,ZN,X,Y\n-0.01,2,3,4'
	run --separate-stderr lrelu --comment='##'
	expect_status 2
	expect_stderr_match "invalid --comment '##'"
	run --separate-stderr lrelu --skip-rows=-1
	expect_status 2
	expect_stderr_match "invalid --skip-rows '-1'"
}

@test "a count line above the header, or a text column, is named with what to give" {
	run --separate-stderr lrelu <<<$'506,13,,\nCRIM,ZN,X,Y\n-1,2,3,4'
	expect_status 1
	expect_output ''
	expect_stderr_match '^lrelu: <stdin>:2:1: "CRIM" makes row 2 look like the header, but row 1 was read as data: give --skip-rows 1 .* or --header if row 1 is the header$'
	run --separate-stderr lrelu <<<$'name,v\nbob,-1'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "bob" \(a column of text\? choose the columns to transform with -c, or pass text through with --skip-invalid\)$'
	# later rows keep the short message
	run --separate-stderr lrelu <<<$'v\n-1\n-2\nabc'
	expect_stderr_match '^lrelu: <stdin>:4:1: not a number: "abc"$'
}

# Issue 20: the separator, when no suffix says.
@test "the separator is sniffed on stdin and for names that do not fix it" {
	run lrelu <<<$'a;b\n-1;2\n-3;4'
	expect_output $'a;b\n-0.01;2\n-0.03;4'
	run lrelu <<<$'a|b\n-1|2'
	expect_output $'a|b\n-0.01|2'
	run lrelu <<<$'a\tb\n-1\t2'
	expect_output $'a\tb\n-0.01\t2'
	# np.savetxt's default: one space between numbers in scientific notation
	run lrelu <<<$'1.000000000000000000e+00 -2.000000000000000000e+00\n-3.0e+00 4.0e+00'
	expect_output $'1.000000000000000000e+00 -2e-2\n-3e-2 4.0e+00'
	printf 'a;b\n-1;2\n' >"$SCRATCH/data.txt"
	run lrelu "$SCRATCH/data.txt"
	expect_output $'a;b\n-0.01;2'
	# commas win a tie, one column stays as it is, and .csv means commas
	run lrelu <<<$'a,b c\n-1,2 3'
	expect_status 1
	run lrelu <<<$'-1\n-2'
	expect_output $'-0.01\n-0.02'
	cp "$SCRATCH/data.txt" "$SCRATCH/data.csv"
	run --separate-stderr lrelu "$SCRATCH/data.csv"
	expect_status 1
	expect_stderr_match ":2:1: not a number: \"-1;2\" \\(the file looks ';'-separated: give -d ';'\\)\$"
}

@test "-d space takes a run of spaces as one separator; the spacing is kept" {
	run lrelu -d space <<<$'  1   -2\n -3    4'
	expect_output $'  1   -0.02\n -0.03    4'
	run lrelu -d space -c 2 <<<$'  1   -2\n -3    4'
	expect_output $'  1   -0.02\n -3    4'
	run lrelu -d space -m prelu -s 0.1,0.2 <<<$'  1   -2\n -3    4'
	expect_output $'  1   -0.4\n -0.3    4'
	run lrelu -d space -t ndjson <<<$'  1   -2'
	expect_output '[1,-0.02]'
	# -d ' ' is one space: every space separates, and columns count them
	run lrelu -d ' ' -c 2 <<<$'1  -2'
	expect_output $'1  -2'
}

@test "a field holding another likely separator says which -d to give" {
	run --separate-stderr lrelu -d , <<<$'x\n-1\t2'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: not a number: "-1\\t2" \(the file looks tab-separated: give -d tab\)$'
	run --separate-stderr lrelu -d , <<<$'x\n-1\n-2 3'
	expect_stderr_match 'not a number: "-2 3" \(the file looks space-separated: give -d space\)$'
}

# Issue 20: columns by glob, by a range of names, by a name of digits.
@test "-c takes globs, name ranges and names made of digits" {
	run lrelu -c 'pre*' <<<$'a,pre0,pre1,pre2,b\n-1,-1,-1,-1,-1'
	expect_output $'a,pre0,pre1,pre2,b\n-1,-0.01,-0.01,-0.01,-1'
	run lrelu -c pre0:pre1 <<<$'a,pre0,pre1,pre2,b\n-1,-1,-1,-1,-1'
	expect_output $'a,pre0,pre1,pre2,b\n-1,-0.01,-0.01,-1,-1'
	run lrelu -c name:2019 <<<$'a,2019,b\n-1,-1,-1'
	expect_output $'a,2019,b\n-1,-0.01,-1'
	# and together with indexes
	run lrelu -c 'a,p*,5' <<<$'a,pre0,pre1,pre2,b\n-1,-1,-1,-1,-1'
	expect_output $'a,pre0,pre1,pre2,b\n-0.01,-0.01,-0.01,-0.01,-0.01'
}

@test "-c -N: takes the last N columns of the first row" {
	run lrelu -c -2: <<<$'a,b,c,d\n-1,-1,-1,-1'
	expect_output $'a,b,c,d\n-1,-1,-0.01,-0.01'
	run lrelu -c 1,-1: <<<$'-1,-1,-1\n-2,-2,-2'
	expect_output $'-0.01,-1,-0.01\n-0.02,-2,-0.02'
	run --separate-stderr lrelu -c -5: <<<$'a,b,c\n-1,-1,-1'
	expect_status 2
	expect_stderr_match "^lrelu: <stdin>: --columns: the last 5 columns are more than there are; the columns are a, b, c\$"
	run --separate-stderr lrelu --no-header -c -1: <<<'-1,-1'
	expect_status 2
	expect_stderr_match 'counts from the end of the first row, which --no-header leaves unread'
	run --separate-stderr lrelu -c -0: <<<'-1,-1'
	expect_status 2
	expect_stderr_match "invalid --columns item '-0:'"
}

@test "a lone minus sign is not a number, and reads nothing past itself" {
	run --separate-stderr lrelu <<<$'a,b\n1,-'
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:2: not a number: "-"'
}
