# helper.bash - shared set-up for the bats suites: a fixed locale, the
# binary under test ($LRELU, default ./lrelu) behind an optional wrapper
# ($LRELU_WRAP, e.g. "valgrind -q --error-exitcode=99"), and a scratch
# directory per test.

bats_require_minimum_version 1.5.0

export LC_ALL=C
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
SAMPLES=$ROOT/samples
export LRELU=${LRELU:-$ROOT/lrelu}
# TEST_SAMPLE=N: the random suites take every Nth of their cases,
# starting TEST_OFFSET (0 to N-1) cases in, so that runs with other
# offsets take the others. make check sets both (tests/run.sh: every
# 4th case from a random offset, which it prints); make check-full
# takes every case.
TEST_SAMPLE=${TEST_SAMPLE:-1}
TEST_OFFSET=${TEST_OFFSET:-0}

# seeds FIRST LAST: the seeds from FIRST to LAST a random suite runs:
# those whose hash falls in this run's share (a hash, so that the
# sample follows no cycle of the seeds: the suites pick shapes by seed
# % 3, % 4, ...); over TEST_SAMPLE runs with offsets 0 to TEST_SAMPLE-1,
# each seed once. At least one. A failing case names its seed.
seeds() {
	local s n=0

	for ((s = $1; s <= $2; s++)); do
		((((s * 2654435761 >> 7) + TEST_OFFSET) % TEST_SAMPLE == 0)) || continue
		echo "$s"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || echo $(($1 + TEST_OFFSET % ($2 - $1 + 1)))
}

# sampled_over COUNT FULL: COUNT, how many cases of some kind (bad
# inputs, say) a random suite met, is over FULL / TEST_SAMPLE: the
# generator makes them. From TEST_SAMPLE=8 on (the sanitizer runs) the
# sample is too small to tell, and this holds.
sampled_over() {
	[ "$TEST_SAMPLE" -ge 8 ] || [ "$1" -gt $(($2 / TEST_SAMPLE)) ] ||
		{ echo "only $1 such cases (want over $(($2 / TEST_SAMPLE)))" >&2; return 1; }
}

lrelu() {
	${LRELU_WRAP:-} "$LRELU" "$@"
}

setup() {
	SCRATCH=$(mktemp -d "${BATS_TMPDIR:-/tmp}/lrelu.XXXXXX")
}

teardown() {
	chmod -R u+w "$SCRATCH" 2>/dev/null
	rm -rf "$SCRATCH"
}

# expect_output STRING: $output must be exactly STRING.
expect_output() {
	if [ "$output" != "$1" ]; then
		printf 'expected output:\n%s\n--- got:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

# expect_status N: $status must be N.
expect_status() {
	if [ "$status" -ne "$1" ]; then
		printf 'expected status %s, got %s (stderr: %s)\n' "$1" "$status" "${stderr:-}" >&2
		return 1
	fi
}

# expect_stderr_match REGEX: $stderr must match the extended regex.
expect_stderr_match() {
	if ! printf '%s' "$stderr" | grep -Eq -- "$1"; then
		printf 'stderr does not match /%s/:\n%s\n' "$1" "$stderr" >&2
		return 1
	fi
}

# lrelu_unprivileged ARGS: lrelu as a user without root's way past file
# permissions. As root it runs a copy of the binary from the scratch
# directory (reachable wherever the checkout lives) as nobody; skips the
# test when that cannot be done.
lrelu_unprivileged() {
	if [ "$(id -u)" -ne 0 ]; then
		lrelu "$@"
		return
	fi
	command -v setpriv >/dev/null || skip "needs setpriv to drop root"
	chmod 755 "$SCRATCH"
	cp "$LRELU" "$SCRATCH/.lrelu" && chmod 755 "$SCRATCH/.lrelu"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$SCRATCH/.lrelu" "$@"
}

# start_held_output: starts lrelu -o SCRATCH/out.csv reading the fifo
# SCRATCH/in.csv, gives it one row and leaves the fifo open on fd 7, so
# that the output is mid-write; LRELU_PID is the process. Close fd 7 to
# let it finish.
start_held_output() {
	mkfifo "$SCRATCH/in.csv"
	"$LRELU" -o "$SCRATCH/out.csv" "$SCRATCH/in.csv" &
	LRELU_PID=$!
	exec 7>"$SCRATCH/in.csv"
	printf -- '-1\n' >&7
	sleep 0.3
}

# npy FILE DICT [DATA]: a version 1.0 .npy with the header dict given,
# then DATA (printf escapes; 16 zero bytes if not given).
npy() {
	local dict=$2 total hl pad
	total=$(( (10 + ${#dict} + 1 + 63) / 64 * 64 ))
	hl=$((total - 10))
	pad=$((hl - ${#dict} - 1))
	{
		printf '\x93NUMPY\x01\x00'
		printf "\\x$(printf %02x $((hl & 255)))\\x$(printf %02x $((hl >> 8)))"
		printf '%s%*s\n' "$dict" "$pad" ''
		if [ $# -ge 3 ]; then printf "$3"; else head -c 16 /dev/zero; fi
	} >"$1"
}

# npy_header FILE: the header dict of an .npy, trailing blanks trimmed.
npy_header() {
	head -c 4096 "$1" | tail -c +11 | head -n 1 | sed 's/ *$//'
}
