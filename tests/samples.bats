#!/usr/bin/env bats
# The shipped samples give the reviewed outputs under tests/expected/.

load helper

@test "features.csv at slope 0.2" {
	run --separate-stderr lrelu --slope 0.2 "$SAMPLES/features.csv"
	expect_status 0
	expect_output "$(cat "$TESTS_DIR/expected/features.s0.2.csv")"
}

@test "activations.csv, columns 3 onwards, slope 0.1" {
	run --separate-stderr lrelu --slope 0.1 --columns 3- "$SAMPLES/activations.csv"
	expect_status 0
	expect_output "$(cat "$TESTS_DIR/expected/activations.s0.1.c3.csv")"
}

@test "activations.csv by column names gives the same" {
	run --separate-stderr lrelu --slope 0.1 --columns pre0,pre1,pre2 "$SAMPLES/activations.csv"
	expect_output "$(cat "$TESTS_DIR/expected/activations.s0.1.c3.csv")"
}

@test "features.tsv gradient" {
	run --separate-stderr lrelu -m grad -s 0.2 "$SAMPLES/features.tsv"
	expect_status 0
	expect_output "$(cat "$TESTS_DIR/expected/features.grad.tsv")"
}

@test "make demo's commands run on the samples" {
	run --separate-stderr bash -c "cd '$ROOT' && sed -n '/^demo:/,/^\$/p' Makefile | grep '^	\./lrelu' | sed 's|^	\./lrelu|$LRELU|' | sh"
	expect_status 0
	[ -n "$output" ]
}

@test "the gzip'd sample gives what the plain one gives" {
	run bash -c "'$LRELU' -s 0.2 '$SAMPLES/features.csv.gz' | cmp - '$TESTS_DIR/expected/features.s0.2.csv'"
	expect_status 0
}

@test "every sample file is read without error" {
	local f
	for f in "$SAMPLES"/*; do
		case $f in *.sh | *.png) continue ;; esac
		"$LRELU" -m identity --skip-invalid "$f" >/dev/null 2>&1 || { echo "failed: $f" >&2; return 1; }
	done
}
