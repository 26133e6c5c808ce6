#!/usr/bin/env bats
# gzip in and out: compressed input is found by its magic bytes in every
# format, all members are read, a truncated or corrupt stream is an
# error; output is compressed with -z or an -o name ending in .gz.
# Compressed bytes are never compared, only what they inflate to.

load helper

@test "a .csv.gz round-trips: zcat of the output equals the plain run" {
	gzip -c "$SAMPLES/features.csv" >"$SCRATCH/d.csv.gz"
	run lrelu -s 0.2 "$SCRATCH/d.csv.gz" -o "$SCRATCH/out.csv.gz"
	expect_status 0
	zcat "$SCRATCH/out.csv.gz" | cmp - <("$LRELU" -s 0.2 "$SAMPLES/features.csv")
	[ "$(ls -A "$SCRATCH" | sort | tr '\n' ' ')" = 'd.csv.gz out.csv.gz ' ]
}

@test "gzip input is recognised by content on stdin, in every format" {
	run bash -c "gzip -c '$SAMPLES/features.csv' | '$LRELU' -s 0.2 | cmp - <('$LRELU' -s 0.2 '$SAMPLES/features.csv')"
	expect_status 0
	run bash -c "gzip -c '$SAMPLES/layers.json' | '$LRELU' -s 0.2 | cmp - <('$LRELU' -s 0.2 '$SAMPLES/layers.json')"
	expect_status 0
	run bash -c "gzip -c '$SAMPLES/batch.npy' | '$LRELU' -m identity -t csv | cmp - <('$LRELU' -m identity -t csv '$SAMPLES/batch.npy')"
	expect_status 0
}

@test "the suffix under .gz names the format" {
	printf -- '-1\t-2\n' | gzip >"$SCRATCH/x.tsv.gz"
	run lrelu "$SCRATCH/x.tsv.gz"
	expect_output $'-0.01\t-0.02'
	gzip -c "$SAMPLES/activations.f32" >"$SCRATCH/a.f32.gz"
	run bash -c "'$LRELU' -m identity '$SCRATCH/a.f32.gz' | cmp - '$SAMPLES/activations.f32'"
	expect_status 0
}

@test "a two-member gzip file is read whole" {
	{ seq -3 -1 | gzip; seq -6 -4 | gzip; } >"$SCRATCH/two.csv.gz"
	run lrelu -s 1 "$SCRATCH/two.csv.gz"
	expect_output "$(seq -3 -1; seq -6 -4)"
}

@test "a truncated gzip stream is an error naming the file, and leaves no output" {
	seq 1 100000 | gzip >"$SCRATCH/full.csv.gz"
	head -c 2000 "$SCRATCH/full.csv.gz" >"$SCRATCH/cut.csv.gz"
	run --separate-stderr lrelu "$SCRATCH/cut.csv.gz" -o "$SCRATCH/out.csv"
	expect_status 1
	expect_stderr_match "cut.csv.gz: truncated gzip stream\$"
	[ ! -e "$SCRATCH/out.csv" ]
	[ "$(ls -A "$SCRATCH" | sort | tr '\n' ' ')" = 'cut.csv.gz full.csv.gz ' ]
}

@test "a corrupt gzip stream is an error naming the file" {
	seq 1 1000 | gzip >"$SCRATCH/c.csv.gz"
	printf '\377\377\377\377' | dd of="$SCRATCH/c.csv.gz" bs=1 seek=20 conv=notrunc 2>/dev/null
	run --separate-stderr lrelu "$SCRATCH/c.csv.gz"
	expect_status 1
	expect_stderr_match 'c.csv.gz: corrupt gzip stream'
}

@test "-z compresses standard output; --level is checked" {
	run bash -c "'$LRELU' -z -s 0.2 '$SAMPLES/features.csv' | zcat | cmp - <('$LRELU' -s 0.2 '$SAMPLES/features.csv')"
	expect_status 0
	run --separate-stderr lrelu -z --level 10 "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match "invalid --level '10'"
	run bash -c "'$LRELU' -z --level 1 '$SAMPLES/features.csv' | gzip -t"
	expect_status 0
}

@test "several inputs make one gzip stream on standard output" {
	run bash -c "'$LRELU' -z '$SAMPLES/features.csv' '$SAMPLES/features.csv' | gzip -dc | wc -l"
	expect_output 17 # one header
}

@test "an .npy of unknown length is written compressed, its header first" {
	run --separate-stderr bash -c "printf '\0\0\0\0' | '$LRELU' -f f32 -t npy -o '$SCRATCH/x.npy.gz'"
	expect_status 0
	[ "$(ls -A "$SCRATCH")" = x.npy.gz ]
	gzip -dc "$SCRATCH/x.npy.gz" | head -c 128 | grep -aq "'shape': (                   1,), }"
	[ "$(gzip -dc "$SCRATCH/x.npy.gz" | wc -c)" -eq 132 ]
}

@test "a known-length .npy compresses fine" {
	run lrelu -s 0.1 "$SAMPLES/batch.npy" -o "$SCRATCH/b.npy.gz"
	expect_status 0
	run bash -c "zcat '$SCRATCH/b.npy.gz' | cmp - <('$LRELU' -s 0.1 '$SAMPLES/batch.npy')"
	expect_status 0
}

# identity_of SIZE FILE: a CSV of SIZE bytes ("1\n" lines, then "2" if
# SIZE is odd) that -m identity copies byte for byte.
identity_of() {
	{ yes 1 | head -n $(($1 / 2)); [ $(($1 % 2)) -eq 0 ] || printf 2; } >"$2"
	[ "$(wc -c <"$2")" -eq "$1" ]
}

@test "-j N: valid gzip with the same content, at every chunk edge" {
	local size j
	# empty, short, one 128 or 256 KiB chunk exactly, one byte over, several chunks
	for size in 0 1 131071 131072 131073 262143 262144 262145 700001; do
		identity_of "$size" "$SCRATCH/in.csv"
		for j in 2 3; do
			"$LRELU" -m identity -j "$j" -z "$SCRATCH/in.csv" >"$SCRATCH/out.gz"
			gzip -t "$SCRATCH/out.gz"
			zcat "$SCRATCH/out.gz" | cmp - "$SCRATCH/in.csv"
		done
	done
}

@test "gzip output is smaller than gzip -6 makes it, the same for every -j, and read by Python" {
	# libdeflate: a member per 256 KiB, whatever the threads; zlib alone
	# (make ZLIB_ONLY=1) writes one stream as zlib does
	awk 'BEGIN { srand(3); print "a,b,c"; for (i = 0; i < 60000; i++)
		printf "%.6f,%.6f,%.6f\n", rand() * 20 - 10, rand() * 20 - 10, rand() * 20 - 10 }' >"$SCRATCH/in.csv"
	lrelu -s 0.2 "$SCRATCH/in.csv" >"$SCRATCH/plain.csv"
	lrelu -s 0.2 -z -j 1 "$SCRATCH/in.csv" >"$SCRATCH/j1.gz"
	lrelu -s 0.2 -z -j 3 "$SCRATCH/in.csv" >"$SCRATCH/j3.gz"
	zcat "$SCRATCH/j1.gz" | cmp - "$SCRATCH/plain.csv"
	zcat "$SCRATCH/j3.gz" | cmp - "$SCRATCH/plain.csv"
	/usr/bin/python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())' \
		"$SCRATCH/j3.gz" | cmp - "$SCRATCH/plain.csv"
	if ldd "$LRELU" | grep -q libdeflate; then
		cmp "$SCRATCH/j1.gz" "$SCRATCH/j3.gz"
		[ "$(wc -c <"$SCRATCH/j1.gz")" -lt "$(gzip -6 -c "$SCRATCH/plain.csv" | wc -c)" ]
	fi
}

@test "-j N with -o FILE.gz and with -i on a compressed input" {
	yes -- -2 | head -n 200000 >"$SCRATCH/a.csv"
	run lrelu -j 2 -s 0.5 -o "$SCRATCH/a.csv.gz" "$SCRATCH/a.csv"
	expect_status 0
	[ "$(zcat "$SCRATCH/a.csv.gz" | sort -u)" = "-1" ]
	[ "$(zcat "$SCRATCH/a.csv.gz" | wc -l)" -eq 200000 ]
	run lrelu -j 4 -s 0.5 -i "$SCRATCH/a.csv.gz"
	expect_status 0
	gzip -t "$SCRATCH/a.csv.gz"
	[ "$(zcat "$SCRATCH/a.csv.gz" | sort -u)" = "-0.5" ]
}

@test "-j is checked; -j 0 means one thread per processor" {
	run --separate-stderr lrelu -j 257 -z "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match "^lrelu: invalid --threads '257': expected 0 to 256$"
	run --separate-stderr lrelu --threads x "$SAMPLES/features.csv"
	expect_status 2
	run bash -c "'$LRELU' -j 0 -z -s 0.2 '$SAMPLES/features.csv' | zcat | cmp - <('$LRELU' -s 0.2 '$SAMPLES/features.csv')"
	expect_status 0
}

@test "-j on a disk that fills up: exit 3, no file left" {
	seq -300000 -1 >"$SCRATCH/a.csv"   # about 600 KB compressed
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 20; exec "$0" -j 2 -o "$1" "$2"' \
		"$LRELU" "$SCRATCH/out.csv.gz" "$SCRATCH/a.csv"
	expect_status 3
	expect_stderr_match 'out.csv.gz: File too large$'
	[ ! -e "$SCRATCH/out.csv.gz" ]
}

# Regular CSV files larger than one buffer are read ahead by a second
# thread (other formats and pipes are not). The two must not differ in
# any byte.
@test "a large file read ahead gives the bytes a pipe of it gives, in every format" {
	awk 'BEGIN { srand(7); print "a,b,c"
		for (i = 0; i < 60000; i++)
			printf "%.5f,%d,%.3f\n", rand() * 20 - 10, int(rand() * 200) - 100, rand() - 0.5 }' \
		>"$SCRATCH/big.csv"
	[ "$(wc -c <"$SCRATCH/big.csv")" -gt 1000000 ]
	"$LRELU" -m identity -t f32 "$SCRATCH/big.csv" -o "$SCRATCH/big.f32"
	"$LRELU" -m identity -t ndjson "$SCRATCH/big.csv" -o "$SCRATCH/big.ndjson"
	gzip -1 -c "$SCRATCH/big.csv" >"$SCRATCH/big.csv.gz"
	for f in big.csv big.f32 big.ndjson big.csv.gz; do
		"$LRELU" -s 0.2 "$SCRATCH/$f" >"$SCRATCH/file.out"
		fmt=${f#big.}
		cat "$SCRATCH/$f" | "$LRELU" -s 0.2 -f "${fmt%.gz}" >"$SCRATCH/pipe.out"
		cmp "$SCRATCH/file.out" "$SCRATCH/pipe.out"
		[ -s "$SCRATCH/file.out" ]
	done
}

# The read-ahead thread also computes rows of numbers while it waits;
# -j 1, or a process allowed a single processor, keeps to one thread.
@test "-j 1 or one processor: a large CSV is read and computed by one thread, to the same bytes" {
	command -v strace >/dev/null || skip "strace not installed (make deps installs it)"
	awk 'BEGIN { srand(3); print "a,b"
		for (i = 0; i < 100000; i++) printf "%.6f,%.2f\n", rand() * 20 - 10, rand() * 2 - 1.5 }' \
		>"$SCRATCH/big.csv"
	[ "$(wc -c <"$SCRATCH/big.csv")" -gt 1000000 ]
	# threads started (LeakSanitizer cannot run under strace)
	clones() {
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
			strace -f -qq -o "$SCRATCH/trace" -e trace=clone,clone3 "$@" &&
			{ grep -c CLONE_THREAD "$SCRATCH/trace" || true; }
	}
	if [ "$(nproc)" -gt 1 ]; then
		[ "$(clones "$LRELU" -s 0.01 "$SCRATCH/big.csv" -o "$SCRATCH/two.csv")" -eq 1 ]
	else
		"$LRELU" -s 0.01 "$SCRATCH/big.csv" -o "$SCRATCH/two.csv"
	fi
	[ "$(clones "$LRELU" -j 1 -s 0.01 "$SCRATCH/big.csv" -o "$SCRATCH/one.csv")" -eq 0 ]
	cmp "$SCRATCH/two.csv" "$SCRATCH/one.csv"
	[ "$(clones taskset -c 0 "$LRELU" -s 0.01 "$SCRATCH/big.csv" -o "$SCRATCH/pinned.csv")" -eq 0 ]
	cmp "$SCRATCH/two.csv" "$SCRATCH/pinned.csv"
	# and the results are the field-by-field path's
	"$LRELU" -s 0.01 -c 1-2 "$SCRATCH/big.csv" | cmp - "$SCRATCH/two.csv"
}

@test "a truncated gzip file read ahead: results from before the cut, then one message, exit 1" {
	seq -1000000 0 | gzip -1 >"$SCRATCH/full.csv.gz"
	head -c 1500000 "$SCRATCH/full.csv.gz" >"$SCRATCH/cut.csv.gz"
	run --separate-stderr lrelu "$SCRATCH/cut.csv.gz"
	expect_status 1
	expect_stderr_match "^lrelu: [^ ]*cut.csv.gz: truncated gzip stream\$"
	[ "${#stderr_lines[@]}" -eq 1 ]
	# what came before the message is the start of the whole result
	[ "${#lines[@]}" -gt 100000 ]
	printf '%s\n' "$output" >"$SCRATCH/part.out"
	"$LRELU" "$SCRATCH/full.csv.gz" | head -n "${#lines[@]}" | cmp - "$SCRATCH/part.out"
}

@test "gzip input inflates alike through ISA-L and zlib: members of every shape, cuts and damage" {
	# the default inflater (ISA-L where it is built in) against zlib
	# (LRELU_PATHS=zlib): whole streams give the same bytes; cut or
	# damaged ones the same status and the same kind of message (at 25
	# places each, every TEST_SAMPLE-th of them)
	local f cut pos st st_ref bad=0 n=0
	seq -50000 3 100000 >"$SCRATCH/s.csv"
	gzip -1 -c "$SCRATCH/s.csv" >"$SCRATCH/fast.csv.gz"
	gzip -9 -n -c "$SCRATCH/s.csv" >"$SCRATCH/best.csv.gz"
	gzip -c "$SCRATCH/s.csv" >"$SCRATCH/named.csv.gz"   # a name in the header
	{ seq -3 -1 | gzip; printf '' | gzip; seq -6 -4 | gzip -9; } >"$SCRATCH/three.csv.gz"
	"$LRELU" -m identity -z "$SCRATCH/s.csv" >"$SCRATCH/members.csv.gz" # 256 KiB members
	# incompressible bytes: stored blocks
	head -c 27092 "$SAMPLES/curves.png" | gzip -c >"$SCRATCH/stored.f32.gz"
	if command -v bgzip >/dev/null; then
		bgzip -c "$SCRATCH/s.csv" >"$SCRATCH/bgzf.csv.gz"
	fi
	for f in "$SCRATCH"/*.gz; do
		n=$((n + 1))
		st=0; "$LRELU" -s 0.2 "$f" >"$f.out" 2>"$f.err" || st=$?
		st_ref=0; LRELU_PATHS=zlib "$LRELU" -s 0.2 "$f" >"$f.ref" 2>"$f.ref.err" || st_ref=$?
		[ "$st" -eq 0 ] && [ "$st_ref" -eq 0 ] && cmp -s "$f.out" "$f.ref" && cmp -s "$f.err" "$f.ref.err" ||
			{ echo "$(basename "$f"): differs ($st, $st_ref)" >&2; bad=1; }
	done
	# bytes after the last member that cannot start one: corrupt, said
	# alike (ISA-L alone would wait for a whole header and call it cut)
	for f in junk zeros; do
		cp "$SCRATCH/three.csv.gz" "$SCRATCH/$f.gz"
		if [ $f = junk ]; then printf 'junk' >>"$SCRATCH/$f.gz"; else head -c 3 /dev/zero >>"$SCRATCH/$f.gz"; fi
		st=0; "$LRELU" "$SCRATCH/$f.gz" >/dev/null 2>"$SCRATCH/err" || st=$?
		st_ref=0; LRELU_PATHS=zlib "$LRELU" "$SCRATCH/$f.gz" >/dev/null 2>"$SCRATCH/err.ref" || st_ref=$?
		[ "$st" -eq 1 ] && [ "$st_ref" -eq 1 ] && cmp -s "$SCRATCH/err" "$SCRATCH/err.ref" &&
			grep -q "$f.gz: corrupt gzip stream: incorrect header check\$" "$SCRATCH/err" ||
			{ echo "$f: $st $(cat "$SCRATCH/err") / $st_ref $(cat "$SCRATCH/err.ref")" >&2; bad=1; }
	done
	# the whole stream inflated: the plain file's results
	"$LRELU" -s 0.2 "$SCRATCH/s.csv" | cmp - "$SCRATCH/members.csv.gz.out"
	# cut at many places, and a byte changed at many places
	for f in three.csv.gz members.csv.gz stored.f32.gz; do
		f=$SCRATCH/$f
		for ((pos = 1; pos < $(wc -c <"$f"); pos += $(($(wc -c <"$f") / 24 * TEST_SAMPLE + 1)))); do
			head -c "$pos" "$f" >"$SCRATCH/cut"
			cp "$f" "$SCRATCH/hit"
			printf '\x5a' | dd of="$SCRATCH/hit" bs=1 seek="$pos" conv=notrunc status=none
			for cut in cut hit; do
				n=$((n + 1))
				st=0; "$LRELU" -f csv "$SCRATCH/$cut" >/dev/null 2>"$SCRATCH/err" || st=$?
				st_ref=0; LRELU_PATHS=zlib "$LRELU" -f csv "$SCRATCH/$cut" >/dev/null 2>"$SCRATCH/err.ref" || st_ref=$?
				[ "$st" -eq "$st_ref" ] &&
					[ "$(cut -d: -f1-3 "$SCRATCH/err")" = "$(cut -d: -f1-3 "$SCRATCH/err.ref")" ] ||
					{ echo "$(basename "$f") $cut at $pos: $st $(cat "$SCRATCH/err") / $st_ref $(cat "$SCRATCH/err.ref")" >&2; bad=1; }
			done
		done
	done
	echo "$n comparisons" >&2
	[ "$bad" -eq 0 ]
	# the cuts were seen as cuts
	head -c 1000 "$SCRATCH/members.csv.gz" >"$SCRATCH/cut"
	run --separate-stderr lrelu "$SCRATCH/cut"
	expect_status 1
	expect_stderr_match "cut: truncated gzip stream\$"
}
