#!/usr/bin/env bats
# --range: evenly spaced x in exact decimal with one column per mode, in
# any output format; the gnuplot script that draws the samples' curves.

load helper

@test "--range=-5:5:11 -s 0.1 gives 11 exact rows from -5 to 5" {
	run --separate-stderr lrelu --range=-5:5:11 -s 0.1
	expect_status 0
	expect_output "$(printf 'x,y\n'; for x in -5 -4 -3 -2 -1; do printf '%s,-0.%s\n' "$x" "${x#-}"; done; for x in 0 1 2 3 4 5; do printf '%s,%s\n' "$x" "$x"; done)"
}

@test "--range steps are exact decimals, not binary round-off" {
	run lrelu --range 0:0.3:4 -m identity
	expect_output $'x,y\n0,0\n0.1,0.1\n0.2,0.2\n0.3,0.3'
	run lrelu --range 0:1:4 -m identity
	expect_output $'x,y\n0,0\n0.33333333333333333,0.33333333333333333\n0.66666666666666667,0.66666666666666667\n1,1'
}

@test "several modes add one column each, named after the mode" {
	run lrelu --range=-1:1:3 -m forward,grad,inverse -s 0.5
	expect_output $'x,forward,grad,inverse\n-1,-0.5,0.5,-2\n0,0,0.5,0\n1,1,1,1'
}

@test "--range in JSON and .npy" {
	run lrelu --range=-1:1:3 -t json
	expect_output '[{"x":-1,"y":-0.01},{"x":0,"y":0},{"x":1,"y":1}]'
	run lrelu --range=-1:1:3 -t json --json-rows=arrays
	expect_output '[[-1,-0.01],[0,0],[1,1]]'
	run lrelu --range=-1:1:5 -m forward,grad -t npy -o "$SCRATCH/r.npy"
	expect_status 0
	head -c 128 "$SCRATCH/r.npy" | grep -aq "'descr': '<f8'.*'shape': ( *5, 3), }"
}

@test "a count of one gives START alone" {
	run lrelu --range 2.5:9:1
	expect_output $'x,y\n2.5,2.5'
}

@test "bad --range values are usage errors" {
	for bad in '1:2' 'a:2:3' '1:2:0' '1:2:x' '1:inf:3'; do
		run --separate-stderr lrelu --range "$bad"
		[ "$status" -eq 2 ] || { echo "$bad: $status" >&2; return 1; }
		[[ $stderr == *'invalid --range'* ]] || { echo "$bad: $stderr" >&2; return 1; }
	done
	run --separate-stderr lrelu --range 0:1:3 "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match 'makes its own input'
	run --separate-stderr lrelu -m forward,grad "$SAMPLES/features.csv"
	expect_status 2
	expect_stderr_match 'several modes go with --range only'
}

@test "the plotting script draws the samples' curves" {
	command -v gnuplot >/dev/null || skip "gnuplot is not installed"
	run bash -c "cd '$ROOT' && LRELU='$LRELU' OUT='$SCRATCH/c.png' sh samples/curves.sh"
	expect_status 0
	[ "$(head -c 8 "$SCRATCH/c.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
}

# Issue 20: several slopes side by side.
@test "--range with several slopes gives one column per mode and slope" {
	run lrelu --range=-1:1:3 -s 0.1,0.2,0.25
	expect_output $'x,y_0.1,y_0.2,y_0.25\n-1,-0.1,-0.2,-0.25\n0,0,0,0\n1,1,1,1'
	run lrelu --range=-2:0:2 -m forward,grad -s 0.01,0.3
	expect_output $'x,forward_0.01,forward_0.3,grad_0.01,grad_0.3\n-2,-0.02,-0.6,0.01,0.3\n0,0,0,0.01,0.3'
	run lrelu --range=-1:1:3 -s 0.1,0.2 -t ndjson
	expect_output $'{"x":-1,"y_0.1":-0.1,"y_0.2":-0.2}\n{"x":0,"y_0.1":0,"y_0.2":0}\n{"x":1,"y_0.1":1,"y_0.2":1}'
	# many columns stay within a bounded block
	run bash -c "'$LRELU' --range=-1:1:5000 -s $(seq -s, 0.001 0.001 0.3) | tail -n 1 | tr , '\n' | wc -l"
	expect_output 301
}
