#!/bin/sh
# run.sh - runs the unit tests and every bats suite, then prints one
# closing line "N passed, N failed, N skipped" over both. Exit status is
# non-zero when anything failed. LRELU names the binary under test.
set -u
cd "$(dirname "$0")/.." || exit 3
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# which cases of the random suites run (tests/helper.bash), so that a
# run can be repeated
echo "random suites: 1 case in ${TEST_SAMPLE:-1} from TEST_OFFSET=${TEST_OFFSET:-0}" \
	"(make check TEST_OFFSET=${TEST_OFFSET:-0} takes the same)"
./tests/unit | tee "$out"
u_pass=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$out")
u_fail=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$out")
[ -n "$u_pass" ] || { u_pass=0; u_fail=1; }

# shellcheck disable=SC2086
bats --tap ${BATS_JOBS:---jobs 2 --no-parallelize-within-files} tests/ | tee "$out"
b_skip=$(grep -c '^ok .* # skip' "$out")
b_pass=$(($(grep -c '^ok ' "$out") - b_skip))
b_fail=$(grep -c '^not ok ' "$out")
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$out" | head -n 1)
# A suite that died before finishing counts what did not run as failed.
ran=$((b_pass + b_skip + b_fail))
[ -n "$planned" ] && [ "$ran" -lt "$planned" ] && b_fail=$((b_fail + planned - ran))

pass=$((u_pass + b_pass))
fail=$((u_fail + b_fail))
echo "$pass passed, $fail failed, $b_skip skipped"
[ "$fail" -eq 0 ]
