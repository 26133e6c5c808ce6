# helper.bash - shared set-up for the bats suites: a fixed locale, the
# binary under test ($LRELU, default ./lrelu) behind an optional wrapper
# ($LRELU_WRAP, e.g. "valgrind -q --error-exitcode=99"), and a scratch
# directory per test.

bats_require_minimum_version 1.5.0

export LC_ALL=C
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$TESTS_DIR/.." && pwd)
SAMPLES=$ROOT/samples
LRELU=${LRELU:-$ROOT/lrelu}

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
