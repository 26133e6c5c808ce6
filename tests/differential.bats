#!/usr/bin/env bats
# The quote-free fast path of the CSV decoder against libcsv alone
# (LRELU_PATHS=libcsv): on random CSV
# with quotes, CRLF, CR, empty fields, BOM and long rows, output, messages
# and status must be byte-identical.

load helper

# The one binary, forced onto each reference or narrower path
# (LRELU_PATHS, HACKING.md).
ref_libcsv() { LRELU_PATHS=libcsv "$LRELU" "$@"; }
portable() { LRELU_PATHS=portable "$LRELU" "$@"; }
sse2() { LRELU_PATHS=sse2 "$LRELU" "$@"; }
avx2() { LRELU_PATHS=avx2 "$LRELU" "$@"; }
eager() { LRELU_PATHS=eager "$LRELU" "$@"; }
REF=ref_libcsv
PORTABLE=portable
SSE2=sse2
AVX2=avx2
# small buffers read ahead, every part's rows computed by the thread
EAGER=eager

@test "fast path and libcsv-only path agree byte for byte on random CSV" {
	local seed f bad=0
	for seed in $(seeds 1 40); do
		f=$SCRATCH/r$seed.csv
		awk -v seed="$seed" -v rows=400 -f "$TESTS_DIR/gen_csv.awk" >"$f"
		for args in "--skip-invalid" "--skip-invalid -c 2-4 -s 0.3" "--skip-invalid --header -m grad"; do
			# shellcheck disable=SC2086
			"$LRELU" $args "$f" >"$f.fast" 2>"$f.fast.err"; echo $? >>"$f.fast"
			# shellcheck disable=SC2086
			"$REF" $args "$f" >"$f.ref" 2>"$f.ref.err"; echo $? >>"$f.ref"
			cmp -s "$f.fast" "$f.ref" && cmp -s "$f.fast.err" "$f.ref.err" ||
				{ echo "seed $seed, $args: outputs differ" >&2; bad=1; }
			if true; then
				# shellcheck disable=SC2086
				"$PORTABLE" $args "$f" >"$f.port" 2>/dev/null; echo $? >>"$f.port"
				cmp -s "$f.fast" "$f.port" ||
					{ echo "seed $seed, $args: portable path differs" >&2; bad=1; }
			fi
			if true; then
				# shellcheck disable=SC2086
				"$EAGER" $args "$f" >"$f.eager" 2>"$f.eager.err"; echo $? >>"$f.eager"
				cmp -s "$f.fast" "$f.eager" && cmp -s "$f.fast.err" "$f.eager.err" ||
					{ echo "seed $seed, $args: read-ahead parts differ" >&2; bad=1; }
			fi
		done
	done
	[ "$bad" -eq 0 ]
}

@test "CSV from a pipe gives the bytes, messages and status the file gives, at every buffer edge" {
	# a pipe is read ahead by a second thread as a file is, a buffer for
	# each read; with LRELU_PATHS=eager reads are 4 KiB and the thread
	# computes every part of each buffer
	local seed f args bad=0 run st
	for seed in $(seeds 1 12); do
		f=$SCRATCH/p$seed.csv
		if [ $((seed % 2)) -eq 0 ]; then
			awk -v seed="$seed" -v rows=400 -f "$TESTS_DIR/gen_csv.awk" >"$f"
		else
			awk -v seed="$seed" -v rows=6000 -v odd=0.001 -f "$TESTS_DIR/gen_rows.awk" >"$f"
		fi
		for args in "-s 0.2" "--skip-invalid -s 0.01" "--skip-invalid -m prelu -s 0.1,0.2,0.3" \
			"--skip-invalid --dtype f32 -z" "--skip-invalid -t json -m grad"; do
			for run in "$LRELU" "$EAGER"; do
				# shellcheck disable=SC2086
				st=0; "$run" $args <"$f" >"$f.file" 2>"$f.file.err" || st=$?; echo $st >>"$f.file"
				# shellcheck disable=SC2086
				st=0; cat "$f" | "$run" $args >"$f.pipe" 2>"$f.pipe.err" || st=$?; echo $st >>"$f.pipe"
				cmp -s "$f.file" "$f.pipe" && cmp -s "$f.file.err" "$f.pipe.err" ||
					{ echo "seed $seed, $run $args: the pipe differs" >&2; bad=1; }
			done
		done
	done
	[ "$bad" -eq 0 ]
}

@test "the random CSV really has quotes, CRLF, blank lines and long rows" {
	awk -v seed=7 -v rows=400 -f "$TESTS_DIR/gen_csv.awk" >"$SCRATCH/r.csv"
	grep -q '"' "$SCRATCH/r.csv"
	grep -q $'\r$' "$SCRATCH/r.csv"
	grep -q '^$' "$SCRATCH/r.csv"
	[ "$(awk '{ if (length > m) m = length } END { print m }' "$SCRATCH/r.csv")" -gt 4096 ]
}

@test "errors are reported alike by both paths" {
	printf 'a,b\n1,2\n3,x"y\n' >"$SCRATCH/bad.csv"
	run --separate-stderr "$LRELU" "$SCRATCH/bad.csv"
	local fast_status=$status fast_err=$stderr
	run --separate-stderr "$REF" "$SCRATCH/bad.csv"
	[ "$status" -eq "$fast_status" ] && [ "$stderr" = "$fast_err" ]
	expect_status 1
}

@test "rows of plain numbers (SPAN cells) agree with the libcsv-only path" {
	local seed f odd ext delim more st n bad=0 runs=0 spans=0
	for seed in $(seeds 1 24); do
		odd=$(echo "0 0.0005 0.005 0.05" | cut -d' ' -f$((seed % 4 + 1)))
		ext=csv delim=, more=
		[ $((seed % 5)) -eq 0 ] && ext=tsv delim='\t'
		[ $((seed % 7)) -eq 0 ] && delim=';' more="-d ;"
		f=$SCRATCH/n$seed.$ext
		awk -v seed="$seed" -v rows=3000 -v odd="$odd" -v delim="$delim" -f "$TESTS_DIR/gen_rows.awk" >"$f"
		# the slopes of the rows checked 64 bytes at a time (against
		# every build); on every third file, every other mode and slope
		# shape (against the reference and the read-ahead parts)
		set -- "-s 0.01" "-s 10" "-s 1" "-s 1e-30" "-s 1e25" "-m prelu -s 0.1" \
			"--no-header -s 0.001" "-s 1e-16" "-s -0.01" "-s 0.5" "-s 0" "-s 0.01 -z" "-s 0.01 -t tsv" "--with-input -s 0.01"
		[ $((seed % 3)) -eq 0 ] && set -- "$@" "-s 0.2" "-s 0.1234" "-s 2.5" "-s 123456789.123" \
			"-m grad -s 0.2" "-m grad --zero-grad one -s 0.3" "-m prelu -s 0.1,0.2,0.3" \
			"-m prelu -s 0.1,-0.2,0,2.5,0.01" "-m grad -s 0.1,0.2,0.3,0.4" "--dtype f32 -s 0.2" \
			"--dtype f64 -s 0.1" "--precision 3 -s 0.25" "-m inverse -s 0.3" "-m identity" "-s -1.5" \
			"--with-input -m grad -s 0.2" "--with-input --dtype f32 -s 0.3"
		n=0
		for args in "$@"; do
			n=$((n + 1))
			args="$args $more"
			runs=$((runs + 1))
			# shellcheck disable=SC2086
			st=0; "$LRELU" --skip-invalid $args "$f" >"$f.fast" 2>"$f.fast.err" || st=$?; echo $st >>"$f.fast"
			# shellcheck disable=SC2086
			st=0; "$REF" --skip-invalid $args "$f" >"$f.ref" 2>"$f.ref.err" || st=$?; echo $st >>"$f.ref"
			cmp -s "$f.fast" "$f.ref" && cmp -s "$f.fast.err" "$f.ref.err" ||
				{ echo "seed $seed, $args: outputs differ" >&2; bad=1; }
			# the same rows checked 32 and 16 bytes a step, and byte by byte
			for other in "$AVX2" "$SSE2" "$PORTABLE" "$EAGER"; do
				[ "$n" -le 14 ] || [ "$other" = "$EAGER" ] || continue
				# shellcheck disable=SC2086
				st=0; "$other" --skip-invalid $args "$f" >"$f.other" 2>/dev/null || st=$?; echo $st >>"$f.other"
				cmp -s "$f.fast" "$f.other" ||
					{ echo "seed $seed, $args: $other differs" >&2; bad=1; }
			done
		done
		# without --skip-invalid: the first bad field's message, with
		# its line and column, and the status
		# shellcheck disable=SC2086
		st=0; "$LRELU" -s 0.01 $more "$f" >/dev/null 2>"$f.fast.err" || st=$?; echo $st >>"$f.fast.err"
		# shellcheck disable=SC2086
		st=0; "$REF" -s 0.01 $more "$f" >/dev/null 2>"$f.ref.err" || st=$?; echo $st >>"$f.ref.err"
		cmp -s "$f.fast.err" "$f.ref.err" ||
			{ echo "seed $seed: messages differ: $(head -c 300 "$f.fast.err") / $(head -c 300 "$f.ref.err")" >&2; bad=1; }
		if true; then
			# shellcheck disable=SC2086
			st=0; "$EAGER" -s 0.01 $more "$f" >/dev/null 2>"$f.eager.err" || st=$?; echo $st >>"$f.eager.err"
			cmp -s "$f.eager.err" "$f.ref.err" ||
				{ echo "seed $seed: read-ahead parts' message differs: $(head -c 300 "$f.eager.err")" >&2; bad=1; }
		fi
		grep -q 'not a number' "$f.ref.err" && spans=$((spans + 1))
	done
	echo "$runs runs, $spans inputs with a bad number" >&2
	[ "$bad" -eq 0 ] && sampled_over "$spans" 5
}

@test "rows of plain numbers to binary, read back from their results, agree with the libcsv-only path" {
	# SPAN rows' results are read back into values by the converter
	# (empty fields skipped, rows ended at LF, CRLF or CR) where libcsv's
	# cells give each value itself: the same bytes, or the same message
	local seed f st args bin out bad=0 runs=0
	for seed in $(seeds 1 16); do
		f=$SCRATCH/b$seed.csv
		awk -v seed="$seed" -v rows=3000 -v odd="$( [ $((seed % 2)) -eq 0 ] && echo 0.001 || echo 0)" \
			-v ragged="$( [ $((seed % 3)) -eq 0 ] && echo 0 || echo 0.01)" -v width=4 \
			-f "$TESTS_DIR/gen_rows.awk" >"$f"
		for args in "-t f64 -s 0.2" "-t f32 -s 0.01" "-t npy -s 0.3" "-t npy --dtype f32 -s 0.2" \
			"-t f16 -m grad -s 0.1" "-t bf16 -s 0.25" "-t f64 -m prelu -s 0.1,0.2,0.3,0.4" \
			"-t f64 --precision 3 -s 0.7" "-t f32 --dtype f64 -s 0.1" "-t npy -m inverse -s 0.3"; do
			runs=$((runs + 1))
			for bin in "$REF" "$LRELU" "$EAGER"; do
				out=$f.${bin##*/}
				[ "$bin" = "$LRELU" ] && out=$f.fast
				# shellcheck disable=SC2086
				st=0; "$bin" --skip-invalid $args -o "$out.bin" "$f" 2>"$out.err" || st=$?
				{ cat "$out.bin" 2>/dev/null; echo "$st"; cat "$out.err"; } >"$out"
			done
			cmp -s "$f.fast" "$f.ref_libcsv" || { echo "seed $seed, $args: differs from libcsv's" >&2; bad=1; }
			cmp -s "$f.eager" "$f.ref_libcsv" || { echo "seed $seed, $args: read-ahead parts differ" >&2; bad=1; }
		done
	done
	echo "$runs runs" >&2
	[ "$bad" -eq 0 ]
}

# paths_agree FILE ARGS...: lrelu ARGS on FILE (into -o FILE.out, which
# a failure leaves out) and on FILE.bad, by the libcsv-only path, the
# default one and with the thread doing every part: the output, the
# messages and the statuses must be the same; says which path differs.
paths_agree() {
	local f=$1 bin st ok=0
	shift
	for bin in "$REF" "$LRELU" "$EAGER"; do
		rm -f "$f.out"
		st=0; "$bin" "$@" -o "$f.out" "$f" 2>"$f.err" || st=$?; echo $st >>"$f.err"
		[ -e "$f.out" ] || : >"$f.out"
		st=0; "$bin" "$@" "$f.bad" >/dev/null 2>>"$f.err" || st=$?; echo $st >>"$f.err"
		if [ "$bin" = "$REF" ]; then
			mv "$f.out" "$f.ref"
			mv "$f.err" "$f.ref.err"
		elif ! cmp -s "$f.out" "$f.ref" || ! cmp -s "$f.err" "$f.ref.err"; then
			echo "${f##*/} $*: $bin differs" >&2
			ok=1
		fi
	done
	return $ok
}

@test "rows of plain numbers with a slope per column agree with the libcsv-only path" {
	# rows as wide as the slopes are many; then with a row of another
	# width near the end, which ends a run of rows and which the
	# field-by-field path reports (what came before it may have gone
	# out or not, block by block: the message and status must agree)
	local seed f args bad=0
	# wide_rows SEED: the rows of a seed, and with the odd row
	wide_rows() {
		f=$SCRATCH/w$1.csv
		awk -v seed="$1" -v rows=2000 -v odd=0 -v ragged=0 -v width=$(($1 % 2 ? 3 : 5)) \
			-f "$TESTS_DIR/gen_rows.awk" >"$f"
		{ cat "$f"; printf '\n-1,2\n-3,4,5,6\n'; } >"$f.bad"
	}
	for seed in $(seeds 1 12); do
		wide_rows "$seed"
		for args in "-m prelu -s 0.1,0.2,0.3" "-m prelu -s 0.1,-0.2,0,2.5,0.01" "-m grad -s 0.1,0.2,0.3" \
			"--dtype f32 -m prelu -s 0.5,0.25,0.125,1,2" "-m inverse -s 0.1,0.2,0.3" \
			"--with-input -m prelu -s 0.1,0.2,0.3"; do
			# shellcheck disable=SC2086
			paths_agree "$f" $args || bad=1
		done
	done
	[ "$bad" -eq 0 ]
	# the rows are computed, not refused, and the odd one is reported
	# (seed 1's rows, three wide, under three slopes)
	wide_rows 1
	[ "$("$REF" -m prelu -s 0.1,0.2,0.3 "$f" | wc -l)" -gt 1500 ]
	run --separate-stderr "$REF" -m prelu -s 0.1,0.2,0.3 "$f.bad"
	expect_status 1
	expect_stderr_match "values in the row, but 3 slopes given\$"
}

@test "rows after pandas' index column agree with the libcsv-only path" {
	# to_csv's header has an empty first name, then the index passes
	# through (a negative one too) and the columns after it are the
	# channels; ,0,1,2 names wait for the second row to decide. Parts
	# the read-ahead thread took before the header said so go unused.
	local seed f args bad=0
	for seed in $(seeds 1 12); do
		f=$SCRATCH/ix$seed.csv
		awk -v seed="$seed" 'BEGIN { srand(seed)
			print (seed % 2 ? ",a,b,c" : ",0,1,2")
			for (r = 0; r < 6000; r++) {
				printf "%d", rand() < 0.05 ? -int(rand() * 100) : r
				for (c = 0; c < 3; c++) {
					x = rand(); d = int(rand() * 4); k = int(rand() * 18)
					t = x < 0.05 ? "0" : x < 0.08 ? "0.000" : sprintf("%.*f", k, rand() * 10 ^ d)
					sub(/^0+/, "", t); if (t ~ /^\./ || t == "") t = "0" t
					printf ",%s%s", rand() < 0.5 ? "-" : "", t
				}
				printf "\n"
			} }' >"$f"
		{ cat "$f"; printf '7,-1,2\n8,-3,4,5,6\n'; } >"$f.bad"
		for args in "-s 0.2" "-m grad -s 0.2" "-m prelu -s 0.1,0.2,0.3" "--dtype f32 -s 0.3" \
			"--with-input -s 0.2" "--precision 3 -s 0.25" "-m inverse -s 0.3" "-m identity" \
			"-s 0.01" "-t npy -s 0.2"; do
			# shellcheck disable=SC2086
			paths_agree "$f" $args || bad=1
		done
	done
	# a header after 30,000 lines that --skip-rows passes through: the
	# thread has taken parts past it before the parse finds the index
	f=$SCRATCH/late.csv
	awk 'BEGIN { for (i = 0; i < 30000; i++) print "1,2,3,4"; print ",a,b,c"
		for (r = 0; r < 30000; r++) printf "%d,%d,-%d.5,%d\n", -r, -r, r, r }' >"$f"
	"$REF" --skip-rows 30000 -m grad -s 0.2 "$f" >"$f.ref"
	for bin in "$LRELU" "$EAGER"; do
		"$bin" --skip-rows 30000 -m grad -s 0.2 "$f" | cmp -s - "$f.ref" ||
			{ echo "late header: $bin differs" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ]
	# the index stays, the columns after it are computed
	[ "$(printf ',a,b\n-4,-5,-10\n' | "$LRELU" -m prelu -s 0.1,0.2)" = $',a,b\n-4,-0.5,-2' ]
}

@test "the portable path prints floats as the SSE2 path does" {
	# shortest.c writes float64 digits with SSE2 or, with LRELU_PATHS=portable,
	# with scalar words; random 17-digit numbers across the whole exponent
	# range give float64 and float32 values of every shape
	local t
	awk 'BEGIN { srand(7); print "x"; for (i = 0; i < 20000; i++) {
		m = ""; for (j = 0; j < 17; j++) m = m int(rand() * 10)
		printf "%s%s.%se%d\n", (rand() < 0.5 ? "-" : ""), substr(m, 1, 1), substr(m, 2), int(rand() * 640) - 325 } }' >"$SCRATCH/x.csv"
	for t in f64 f32; do
		"$LRELU" -m identity --dtype "$t" -t "$t" "$SCRATCH/x.csv" >"$SCRATCH/x.$t"
		"$LRELU" -m identity -f "$t" -t csv "$SCRATCH/x.$t" >"$SCRATCH/sse2.$t.csv"
		"$PORTABLE" -m identity -f "$t" -t csv "$SCRATCH/x.$t" >"$SCRATCH/port.$t.csv"
		[ "$(wc -l <"$SCRATCH/sse2.$t.csv")" -ge 20000 ]
		cmp "$SCRATCH/sse2.$t.csv" "$SCRATCH/port.$t.csv"
	done
}

@test "rows the read-ahead thread computed are not used inside a quoted field" {
	# quoted fields holding many lines of numbers: a part of a chunk read
	# ahead starts inside one, where the thread sees rows of numbers
	awk 'BEGIN { for (i = 1; i <= 1000; i++) {
		if (i % 25 == 0) {
			printf "\"-7.5"; for (j = 0; j < 60; j++) printf "\n-1.5,-2.25,3"; print "\",-4"
		} else if (i % 25 == 12) {
			printf "-2,\"-3"; for (j = 0; j < 60; j++) printf "\r\n-0.5,-8"; print "\"\r"
		} else
			print "-1.25,2.5,-3.75" } }' >"$SCRATCH/q.csv"
	[ "$(wc -c <"$SCRATCH/q.csv")" -gt 60000 ]
	"$EAGER" --skip-invalid -s 0.01 "$SCRATCH/q.csv" >"$SCRATCH/eager.csv"
	"$REF" --skip-invalid -s 0.01 "$SCRATCH/q.csv" >"$SCRATCH/ref.csv"
	cmp "$SCRATCH/eager.csv" "$SCRATCH/ref.csv"
	# the quoted fields are the first bad numbers: each is placed alike
	printf -- '-1,x\n' >>"$SCRATCH/q.csv"
	run --separate-stderr "$EAGER" -s 0.01 "$SCRATCH/q.csv"
	expect_status 1
	local eager_err=$stderr
	run --separate-stderr "$REF" -s 0.01 "$SCRATCH/q.csv"
	[ "$stderr" = "$eager_err" ]
	[[ "$stderr" == *'q.csv:12:2: not a number'* ]]
}

@test "text into float64, float32, .npy and float16: each result's value, as its text would give" {
	# Into binary, results of the common shape go straight to a value
	# rounded once to the target; LRELU_PATHS=result-text writes every
	# result's text and reads it back. Values, messages and status must
	# be the same, for every slope shape, mode and target.
	local seed f t args st bad=0 runs=0 n=0
	for seed in $(seeds 1 2); do
		n=$((n + 1))
		for f in "$SCRATCH/n$seed.csv" "$SCRATCH/n$seed.ndjson"; do
			awk -v seed="$seed" -v rows=300 -v cols=4 -v json="$([ "${f##*.}" = ndjson ] && echo 1 || echo 0)" \
				-f "$TESTS_DIR/gen_numbers.awk" >"$f"
			for args in "-s 0.01" "-s 0.2" "-s 0.3" "-s 0.1234" "-s 3" "-s -2.5" "-s 0" \
				"-s 1234567890.123456789" "-s 1e-20" "-m prelu -s 0.1,0.25,-3,0" \
				"-m grad -s 0.2" "-m grad -s -0.5 --zero-grad one" "-m inverse -s 0.2" \
				"-s 0.2 --dtype f32"; do
				for t in f64 f32 npy f16; do
					st=0
					# shellcheck disable=SC2086
					"$LRELU" $args -t "$t" "$f" >"$f.v" 2>"$f.v.err" || st=$?
					echo "$st" >>"$f.v"
					st=0
					# shellcheck disable=SC2086
					LRELU_PATHS=result-text "$LRELU" $args -t "$t" "$f" >"$f.t" 2>"$f.t.err" || st=$?
					echo "$st" >>"$f.t"
					cmp -s "$f.v" "$f.t" && cmp -s "$f.v.err" "$f.t.err" ||
						{ echo "seed $seed, ${f##*.} $args -t $t: differ" >&2; bad=1; }
					[ "$st" -ne 0 ] || runs=$((runs + 1))
				done
			done
		done
	done
	# most runs write values: the shapes that fail (NaN into JSON's
	# grammar, inverse by 0) are few
	echo "$runs comparisons of values" >&2
	[ "$bad" -eq 0 ] && [ "$runs" -ge $((n * 80)) ] || { echo "only $runs" >&2; false; }
}
