#!/usr/bin/env bats
# faults.bats - what happens when the world misbehaves: a disk that fills
# mid-write, hostile inputs built to exhaust memory (a 100 MB field, deep
# nesting, a header claiming 2^60 values, gzip bombs), symbolic links at
# the output path. Each ends in a clear message and status, with the
# original files untouched and nothing half-written left behind.
# (Full disk on stdout, unreadable and directory inputs, missing output
# directories, read-only directories, EPIPE and SIGINT are in cli.bats,
# errors.bats and batch.bats.)

load helper

# A file limit (ulimit -f, in KiB) makes writes past it fail with EFBIG,
# as a disk that fills up does. SIGXFSZ is ignored so the write fails
# instead of killing the process; ignored signals stay so across exec.
lrelu_small_disk() {
	local kib=$1
	shift
	bash -c 'trap "" XFSZ; ulimit -f "$0"; exec ${LRELU_WRAP:-} "$LRELU" "$@"' "$kib" "$@"
}

# Address space bounded to 64 MiB by the kernel (less than the hostile
# inputs below would need if held whole), where the binary allows it: a sanitizer
# build reserves terabytes of address space and Valgrind has its own.
lrelu_bounded_memory() {
	if [ -n "${LRELU_WRAP:-}" ] || nm -D "$LRELU" 2>/dev/null | grep __asan_init >/dev/null; then
		lrelu "$@"
	else
		bash -c 'ulimit -v 65536; exec "$LRELU" "$@"' lrelu "$@"
	fi
}

big_csv() {
	seq -f '%.1f' -5000 0.5 20000 >"$1"   # about 500 KB
}

no_temporaries() {
	! ls -A "$1" | grep -q '^\.'
}

@test "--in-place on a disk that fills mid-write: exit 3 naming the file, original byte-identical, no temporary" {
	big_csv "$SCRATCH/data.csv"
	cp "$SCRATCH/data.csv" "$SCRATCH/orig.csv"
	run --separate-stderr lrelu_small_disk 100 -i "$SCRATCH/data.csv"
	expect_status 3
	expect_stderr_match "^lrelu: $SCRATCH/data.csv: File too large$"
	cmp "$SCRATCH/data.csv" "$SCRATCH/orig.csv"
	no_temporaries "$SCRATCH"
}

@test "-o on a disk that fills mid-write: exit 3, no output and no temporary" {
	big_csv "$SCRATCH/data.csv"
	run --separate-stderr lrelu_small_disk 100 -o "$SCRATCH/out.csv" "$SCRATCH/data.csv"
	expect_status 3
	expect_stderr_match "^lrelu: $SCRATCH/out.csv: File too large$"
	[ ! -e "$SCRATCH/out.csv" ]
	no_temporaries "$SCRATCH"
}

@test "regression: -o DIR/ on a full disk names the output file (its name outlives the call)" {
	big_csv "$SCRATCH/data.csv"
	mkdir "$SCRATCH/out"
	run --separate-stderr lrelu_small_disk 100 -o "$SCRATCH/out/" "$SCRATCH/data.csv"
	expect_status 3
	expect_stderr_match "^lrelu: $SCRATCH/out/data.csv: File too large$"
	[ -z "$(ls -A "$SCRATCH/out")" ]
}

@test "a large CSV of numbers to a file that fills: exit 3, and what was written is the result's start" {
	# rows of numbers leave in a few large writes, pieces of which may
	# be results the read-ahead thread made
	awk 'BEGIN { srand(5); for (i = 0; i < 200000; i++) printf "%.6f,%.6f\n", rand() * 2 - 1.5, rand() - 0.5 }' \
		>"$SCRATCH/big.csv"
	"$LRELU" -s 0.01 "$SCRATCH/big.csv" >"$SCRATCH/whole.csv"
	[ "$(wc -c <"$SCRATCH/whole.csv")" -gt 2000000 ]
	run --separate-stderr bash -c 'trap "" XFSZ; ulimit -f 1000; exec "$LRELU" -s 0.01 "$1" >"$2"' \
		lrelu "$SCRATCH/big.csv" "$SCRATCH/out.csv"
	expect_status 3
	expect_stderr_match "^lrelu: <stdout>: File too large$"
	[ "$(wc -c <"$SCRATCH/out.csv")" -eq 1024000 ]
	cmp -n 1024000 "$SCRATCH/out.csv" "$SCRATCH/whole.csv"
}

@test "a disk that fills while compressing: exit 3, the .gz input untouched" {
	big_csv "$SCRATCH/data.csv"
	gzip -1 "$SCRATCH/data.csv"
	cp "$SCRATCH/data.csv.gz" "$SCRATCH/orig.gz"
	run --separate-stderr lrelu_small_disk 20 -i "$SCRATCH/data.csv.gz"
	expect_status 3
	expect_stderr_match 'data.csv.gz: File too large$'
	cmp "$SCRATCH/data.csv.gz" "$SCRATCH/orig.gz"
	no_temporaries "$SCRATCH"
}

@test "a 100 MB CSV field from a pipe stops at the field limit with exit 1, in bounded memory" {
	run --separate-stderr lrelu_bounded_memory -s 0.5 < <(printf 'a\n'; head -c 100000000 /dev/zero | tr '\0' 7)
	expect_status 1
	expect_stderr_match '^lrelu: <stdin>:2:1: field longer than 1048576 bytes$'
}

@test "a JSON element nested 100,000 deep is a clear error at the depth limit" {
	{ head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; } >"$SCRATCH/deep.json"
	run --separate-stderr lrelu_bounded_memory "$SCRATCH/deep.json"
	expect_status 1
	expect_stderr_match '^lrelu: .*deep.json:1:1001: nesting deeper than 1000 levels$'
}

@test "an .npy header claiming 2^60 values streams what is there, then says what is missing" {
	npy "$SCRATCH/huge.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1152921504606846976,), }"
	run --separate-stderr lrelu_bounded_memory -t csv "$SCRATCH/huge.npy"
	expect_status 1
	expect_stderr_match 'huge.npy: the shape says 1152921504606846976 values, but the data holds 4$'
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
}

@test "an .npy shape whose product overflows is refused before any data" {
	npy "$SCRATCH/ovf.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"
	run --separate-stderr lrelu "$SCRATCH/ovf.npy"
	expect_status 1
	expect_stderr_match 'ovf.npy: bad .npy header: the shape claims more than 2\^60 values$'
	[ -z "$output" ]
	npy "$SCRATCH/ovf2.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999999,), }"
	run --separate-stderr lrelu "$SCRATCH/ovf2.npy"
	expect_status 1
	expect_stderr_match 'ovf2.npy: bad .npy header: the shape is too large$'
}

# bomb FILE MEMBER COUNT: COUNT copies of one gzip member, a valid
# multi-member stream that inflates COUNT times over.
bomb() {
	local f=$1 member=$2 n=$3 i
	: >"$f"
	for ((i = 0; i < n; i++)); do cat "$member" >>"$f"; done
}

@test "a gzip bomb of one endless field stops at the field limit" {
	head -c 1000000 /dev/zero | tr '\0' 9 | gzip -9 >"$SCRATCH/m.gz"
	bomb "$SCRATCH/bomb.csv.gz" "$SCRATCH/m.gz" 200   # 200 MB from about 200 KB
	[ "$(wc -c <"$SCRATCH/bomb.csv.gz")" -lt 1000000 ]
	run --separate-stderr lrelu_bounded_memory "$SCRATCH/bomb.csv.gz"
	expect_status 1
	expect_stderr_match 'bomb.csv.gz:1:1: field longer than 1048576 bytes$'
}

@test "a gzip bomb of many rows streams through in bounded memory, every row out" {
	yes -- -2 | head -n 1000000 | gzip -9 >"$SCRATCH/m.gz"
	bomb "$SCRATCH/rows.csv.gz" "$SCRATCH/m.gz" 24   # 72 MB of rows from about 100 KB
	[ "$(wc -c <"$SCRATCH/rows.csv.gz")" -lt 200000 ]
	run --separate-stderr bash -c "set -o pipefail; $(declare -f lrelu_bounded_memory lrelu)
		lrelu_bounded_memory -s 0.5 '$SCRATCH/rows.csv.gz' |
			awk '\$0 != \"-1\" { bad++ } END { print NR, bad + 0 }'"
	expect_status 0
	expect_output "24000000 0"
}

@test "--in-place replaces a symbolic link by a file and leaves its target alone" {
	printf -- '-1\n' >"$SCRATCH/target.csv"
	ln -s target.csv "$SCRATCH/link.csv"
	run --separate-stderr lrelu -i "$SCRATCH/link.csv"
	expect_status 0
	[ ! -L "$SCRATCH/link.csv" ]
	[ "$(cat "$SCRATCH/link.csv")" = "-0.01" ]
	[ "$(cat "$SCRATCH/target.csv")" = "-1" ]
}

@test "the temporary file is hidden in the target directory while written, and gone after" {
	start_held_output
	local tmp
	tmp=$(ls -A "$SCRATCH" | grep '^\.out\.csv\.')
	[ -n "$tmp" ]
	exec 7>&-
	wait "$LRELU_PID"
	[ -e "$SCRATCH/out.csv" ]
	! ls -A "$SCRATCH" | grep -q '^\.out\.csv\.'
}

@test "a bad row while the writer still holds the pipe open: exit 1 at once, not when the writer ends" {
	# the rows before it are read ahead by a second thread, which must
	# stop although no more input comes and the pipe stays open
	mkfifo "$SCRATCH/in"
	{ seq 1 100000 | sed 's/^/-/'; echo x; exec sleep 120; } >"$SCRATCH/in" &
	local writer=$!
	run --separate-stderr timeout 20 "$LRELU" "$SCRATCH/in"
	kill "$writer"
	expect_status 1
	expect_stderr_match "in:100001:1: .*not a number"
}
