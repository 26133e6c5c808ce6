#!/usr/bin/env bats
# Exact decimal results, notation, precision, the four modes and the
# float32/float64 emulation, checked through the command line.

load helper

@test "the README example: header kept, exact products, notation kept" {
	run --separate-stderr lrelu --slope 0.2 <<<$'a,b\n-1.5,2\n-0.000001,-3e5'
	expect_status 0
	expect_output $'a,b\n-0.3,2\n-0.0000002,-6e4'
}

@test "exact decimal: no binary round-off in products" {
	run lrelu -s 0.01 <<<$'-1.234567\n-0.1\n-3.3'
	expect_output $'-0.01234567\n-0.001\n-0.033'
}

@test "values the mode leaves alone are copied byte for byte" {
	run lrelu -s 0.01 <<<$'1.50\n007\n+2\n1e3\nNaN\nInfinity'
	expect_output $'1.50\n007\n+2\n1e3\nNaN\nInfinity'
}

@test "signed zero is kept, and a zero is written in the notation of its input" {
	run lrelu -s 0.01 <<<$'-0\n0\n-0.000\n0e5'
	expect_output $'-0\n0\n-0\n0e0'
}

@test "notation: scientific input stays scientific, exponent case and plus kept" {
	run lrelu -s 0.01 <<<$'-1e-3\n-2.5E+3\n-7.0e2'
	expect_output $'-1e-5\n-2.5E+1\n-7e0'
}

@test "notation: plain results needing more than 20 padding zeros turn scientific" {
	run lrelu -s 0.001 <<<$'-0.00000000000000000001\n-0.000000000000000001'
	expect_output $'-1e-23\n-0.000000000000000000001'
}

@test "long numbers are multiplied exactly" {
	run lrelu -s 0.3 <<<'-123456789012345678901234567890.123456789'
	expect_output '-37037036703703703670370370367.0370370367'
}

@test "20-digit numbers that are multiples of 2^64 are multiplied exactly" {
	# 2^64 wraps a 64-bit accumulator to exactly 0; these came out as -0
	run lrelu -s 0.01 <<<$'-18446744073709551616\n-00036893488147419103232\n-1844674407370955161.6\n-184467440737095516160'
	expect_output $'-184467440737095516.16\n-368934881474191032.32\n-18446744073709551.616\n-1844674407370955161.6'
	run lrelu -f json -s 0.5 <<<'[-18446744073709551616]'
	expect_output '[-9223372036854775808]'
}

@test "blanks around a number are kept" {
	run lrelu -s 0.5 <<<$'1, -2 ,3'
	expect_output $'1, -1 ,3'
}

@test "--precision rounds computed values half to even, leaves copies alone" {
	run lrelu -s 1 --precision 2 <<<$'-1.25\n-1.35\n-1.251\n3.14159'
	expect_output $'-1.2\n-1.4\n-1.3\n3.14159'
}

# plain_numbers SEED [QUOTIENTS] > FILE: 3,000 rows of a plain number of
# 1 to 19 digits (ties, carries, a point anywhere) and a zero of either
# sign; with QUOTIENTS, at most 19 digits, some led by a 3 (a slope's
# odd part), and a third field of multiples of 3.
plain_numbers() {
	awk -v seed="$1" -v quot="${2:-0}" 'BEGIN { srand(seed)
		for (i = 0; i < 3000; i++) {
			nd = 1 + int(rand() * 19); d = ""
			for (j = 0; j < nd; j++) d = d int(rand() * 10)
			if (!quot && rand() < 0.2) d = d "5"
			if (quot && rand() < 0.2) d = "3" substr(d, 2)
			if (rand() < 0.1) d = "9999" d
			if (quot && length(d) > 19) d = substr(d, 1, 19)
			k = int(rand() * (length(d) + 1))
			t = k && k < length(d) ? substr(d, 1, k) "." substr(d, k + 1) : d
			printf "%s%s,%s", (rand() < 0.8 ? "-" : ""), t, (rand() < 0.5 ? "-0" : "-0.000")
			if (quot) printf ",-%d", 3 * int(rand() * 1000)
			printf "\n"
		} }'
}

# quick_is_general FILE ARGS...: lrelu ARGS on FILE's plain numbers
# (the quick path) and with a blank before each, which sends it through
# the general parser and stays in front of its result: the two must
# agree digit for digit; says which ARGS differ.
quick_is_general() {
	local f=$1
	shift
	sed 's/^/ /; s/,/, /g' "$f" >"$f.blank"
	"$LRELU" --no-header "$@" "$f" >"$f.quick" || return 1
	"$LRELU" --no-header "$@" "$f.blank" | tr -d ' ' >"$f.general" || return 1
	cmp -s "$f.quick" "$f.general" || { echo "$* differs" >&2; return 1; }
}

@test "--precision: plain numbers' quick product rounds as the general parser's does" {
	# at every precision, slope shape, ties and carries
	local p s bad=0
	plain_numbers 11 >"$SCRATCH/p.csv"
	for p in 1 2 3 6 17 25; do
		for s in 0.2 0.25 123.456 1e-30 7 0.1234567891234567 -0.3 0; do
			quick_is_general "$SCRATCH/p.csv" --precision "$p" -s "$s" || bad=1
		done
		quick_is_general "$SCRATCH/p.csv" --precision "$p" -m prelu -s 0.3,0.05 || bad=1
	done
	[ "$bad" -eq 0 ]
	# and it did compute: the first number's result is not its text
	[ "$("$LRELU" --no-header --precision 3 -s 0.2 <<<'-1.2345')" = -0.247 ]
}

@test "inverse and identity: plain numbers' quick quotient is the general parser's" {
	# the quick one divides in 64-bit arithmetic, exact where the
	# quotient ends (also where the number cancels the slope's factors
	# other than 2 and 5), else rounded to 17 digits
	local s p bad=0
	plain_numbers 23 quotients >"$SCRATCH/q.csv"
	for s in 0.3 0.2 0.25 3 0.1234 0.96 7e-30 9999999999999999999 1152921504606846976 123456789.123 1e25; do
		quick_is_general "$SCRATCH/q.csv" -m inverse -s "$s" || bad=1
	done
	# and rounded by --precision (to 17 digits or fewer in 64-bit
	# arithmetic; more by the long division), also grad's slope
	for p in 1 3 6 17 18; do
		for s in 0.3 0.25 0.96 9999999999999999999; do
			quick_is_general "$SCRATCH/q.csv" --precision "$p" -m inverse -s "$s" || bad=1
		done
		quick_is_general "$SCRATCH/q.csv" --precision "$p" -m grad -s 0.123456789,9.99,0.5 || bad=1
	done
	"$LRELU" --no-header -m identity "$SCRATCH/q.csv" >"$SCRATCH/quick" || bad=1
	cmp -s "$SCRATCH/quick" "$SCRATCH/q.csv" || { echo "-m identity changed a number" >&2; bad=1; }
	[ "$bad" -eq 0 ]
	# and it did compute: a quotient that ends, and one that does not
	[ "$("$LRELU" -m inverse -s 0.3 <<<'-0.9,-2')" = -3,-6.6666666666666667 ]
	[ "$("$LRELU" -m inverse -s 0.3 --precision 3 <<<'-0.9,-2')" = -3,-6.67 ]
	[ "$("$LRELU" -m grad -s 0.123456789 --precision 3 <<<'-2')" = 0.123 ]
}

@test "grad gives 1 or the slope" {
	# nan is a missing value in CSV unless --na says otherwise
	run lrelu -m grad -s 0.2 --na='' <<<$'-5\n5\n0\nnan'
	expect_output $'0.2\n1\n0.2\n0.2'
	run lrelu -m grad -s 0.2 <<<$'-5\nnan'
	expect_output $'0.2\nnan'
}

@test "--zero-grad one gives 1 at both zeros" {
	run lrelu -m grad --zero-grad one <<<$'0\n-0\n-1'
	expect_output $'1\n1\n0.01'
}

@test "prelu defaults to 0.25 and takes one slope per column" {
	run lrelu -m prelu <<<'-4'
	expect_output '-1'
	run lrelu -m prelu -s 0.1,0.2,0.3 <<<$'-1,-1,-1\n-10,5,-10'
	expect_output $'-0.1,-0.2,-0.3\n-1,5,-3'
}

@test "grad takes a slope list too" {
	run lrelu -m grad -s 0.1,0.2 <<<$'-1,-1\n1,-1'
	expect_output $'0.1,0.2\n1,0.2'
}

@test "inverse undoes forward, exactly when the quotient terminates" {
	run lrelu -m inverse -s 0.25 <<<$'-0.3\n2'
	expect_output $'-1.2\n2'
	run lrelu -m inverse -s 3 <<<'-1'
	expect_output '-0.33333333333333333'
	run lrelu -m inverse -s 3 --precision 5 <<<'-2'
	expect_output '-0.66667'
}

@test "forward then inverse gives the input back" {
	run bash -c "printf '%s\n' -1.5 -0.001 2 -123.456 | '$LRELU' -s 0.07 | '$LRELU' -m inverse -s 0.07"
	expect_output $'-1.5\n-0.001\n2\n-123.456'
}

@test "--dtype f64 shows float64 round-off, --dtype f32 rounds to float32" {
	run lrelu --dtype f64 -s 0.2 <<<'-1.5'
	expect_output '-0.30000000000000004'
	run lrelu --dtype f32 -s 0.01 <<<$'-0.1\n16777217\n1e-40'
	expect_output $'-0.001\n16777216\n1e-40'
}

@test "edge values match PyTorch in exact, f64 and f32 arithmetic" {
	local mode a x want64 want32 got bad=0
	while IFS=$'\t' read -r mode a x want64 want32; do
		case $mode in '#'*) continue ;; esac
		for dt in exact f64 f32; do
			# (--na='': nan is PyTorch's NaN here, not a missing value)
			got=$(printf '%s\n' "$x" | "$LRELU" -m "$mode" -s "$a" --dtype "$dt" --na='')
			want=$want64
			[ "$dt" = f32 ] && want=$want32
			# Exact mode copies unchanged input text (e.g. "-0", "nan").
			if [ "$got" != "$want" ]; then
				echo "$mode slope=$a x=$x dtype=$dt: got $got, want $want" >&2
				bad=1
			fi
		done
	done <"$TESTS_DIR/fixtures/edges.tsv"
	[ "$bad" -eq 0 ]
}

@test "a zero result keeps the notation of its input (0e+1 gives 0e+0)" {
	run lrelu --no-header <<<$'0e+1,-0E+3,0.0e5,-0.0,0'
	expect_output '0e+0,-0E+0,0e0,-0,0'
	run lrelu <<<'[0e+1,-0E-5,0]'
	expect_output '[0e+0,-0E0,0]'
	run lrelu --dtype f32 --no-header <<<'0e+1,-0E+3'
	expect_output '0e+0,-0E+0'
	run lrelu --dtype f64 --precision 3 --no-header <<<'-0e7'
	expect_output '-0e0'
	run lrelu -s -0.5 --no-header <<<'-0e2'
	expect_output '0e0'
}
