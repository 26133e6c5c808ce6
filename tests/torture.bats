#!/usr/bin/env bats
# torture.bats - every prefix of every sample file, and each sample with
# one byte changed at many positions, must end in exit 0 or 1 (with a
# "lrelu: " message on 1), never a crash, another status or a hang.
# TORTURE_STRIDE=N tries every Nth prefix and position, from
# TEST_OFFSET % N on (the sanitizer and Valgrind runs set it, where each
# run costs ten to a hundred times more).
# The runs are made by tests/torture.c.

load helper

STRIDE=${TORTURE_STRIDE:-1}
# A hang fails the test instead of the run (bats 1.7+).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-900}

samples() {
	ls "$SAMPLES"/*.csv "$SAMPLES"/*.tsv "$SAMPLES"/*.json "$SAMPLES"/*.ndjson \
		"$SAMPLES"/*.f32 "$SAMPLES"/*.npy "$SAMPLES"/*.gz
}

# torture prefix|change: every STRIDE-th prefix of every sample, or
# every sample with one byte changed at every STRIDE-th position, each
# run as one process by tests/torture (make builds it with the suite);
# it prints a line for each run that ends otherwise than in exit 0, or
# exit 1 with a "lrelu: " message.
torture() {
	[ -x "$TESTS_DIR/torture" ] || { echo "tests/torture is not built (make tests/torture)" >&2; return 1; }
	# shellcheck disable=SC2046
	"$TESTS_DIR/torture" "$1" "$STRIDE:$((${TEST_OFFSET:-0} % STRIDE))" "$SCRATCH" "$LRELU" $(samples) >"$SCRATCH/bad" 2>"$SCRATCH/log"
	cat "$SCRATCH/log" >&2
	grep -q " runs\$" "$SCRATCH/log"
	[ ! -s "$SCRATCH/bad" ] || { cat "$SCRATCH/bad"; false; }
}

@test "every prefix of every sample gives exit 0 or 1 with a message" {
	torture prefix
}

@test "each sample with one byte changed at each position gives exit 0 or 1 with a message" {
	torture change
}
