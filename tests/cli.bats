#!/usr/bin/env bats
# The command line: help, version, option checks, files and stdin,
# atomic -o, pipes that close early, write errors.

load helper

@test "--help lists every option and exits 0" {
	run --separate-stderr lrelu --help
	expect_status 0
	for o in --slope --mode --dtype --precision --zero-grad --columns --delimiter \
		--header --no-header --skip-invalid --from --to --output --help --version; do
		printf '%s\n' "$output" | grep -q -- "$o" || { echo "missing $o" >&2; return 1; }
	done
}

@test "--version prints the version" {
	run lrelu --version
	expect_status 0
	[[ $output =~ ^lrelu\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "an unknown option is a usage error pointing to --help" {
	run --separate-stderr lrelu --bogus
	expect_status 2
	expect_stderr_match "^lrelu: unknown option '--bogus'"
	expect_stderr_match "Try 'lrelu --help'"
	run --separate-stderr lrelu -q
	expect_status 2
	expect_stderr_match "unknown option '-q'"
}

@test "an option without its value is a usage error" {
	run --separate-stderr lrelu --slope
	expect_status 2
	expect_stderr_match "option '--slope' needs a value"
}

@test "bad option values are usage errors that say what was wrong" {
	local -a cases=(
		"-s abc|invalid slope 'abc'"
		"-s inf|invalid slope 'inf'"
		"-s 0.1,,0.2|invalid slope ''"
		"-s 1.23456789012345678901|at most 19 significant digits"
		"-m backward|invalid --mode 'backward'"
		"--dtype f16|invalid --dtype 'f16'"
		"--precision 0|invalid --precision '0'"
		"--precision 2x|invalid --precision '2x'"
		"--zero-grad two|invalid --zero-grad 'two'"
		"-c 0|columns count from 1"
		"-c 5-2|ranges go upwards"
		"-c 1,,2|empty item"
		"-d ab|invalid --delimiter 'ab'"
		"-d 5|invalid --delimiter '5'"
		"-f xml|invalid --from 'xml'"
		"-t xml|invalid --to 'xml'"
		"-m inverse -s 0|inverse needs slopes greater than 0"
		"-m inverse -s -0.1|inverse needs slopes greater than 0"
		"--no-header -c name|needs a header row"
	)
	local c args want
	for c in "${cases[@]}"; do
		args=${c%%|*}
		want=${c#*|}
		# shellcheck disable=SC2086
		run --separate-stderr lrelu $args </dev/null
		[ "$status" -eq 2 ] || { echo "$args: status $status" >&2; return 1; }
		printf '%s' "$stderr" | grep -qF -- "$want" || { echo "$args: $stderr" >&2; return 1; }
	done
}

@test "files are read in order and concatenated; '-' is stdin" {
	printf -- '-1\n' >"$SCRATCH/a.csv"
	printf -- '-2\n' >"$SCRATCH/b.csv"
	run bash -c "printf -- '-3\n' | '$LRELU' '$SCRATCH/a.csv' - '$SCRATCH/b.csv'"
	expect_output $'-0.01\n-0.03\n-0.02'
}

@test "-o writes the file atomically and leaves no temporary behind" {
	printf 'v\n-1\n' >"$SCRATCH/in.csv"
	run lrelu -o "$SCRATCH/out.csv" "$SCRATCH/in.csv"
	expect_status 0
	[ "$(cat "$SCRATCH/out.csv")" = $'v\n-0.01' ]
	[ "$(ls -A "$SCRATCH")" = $'in.csv\nout.csv' ]
}

@test "-o on bad input leaves the old file untouched and no temporary" {
	printf 'old\n' >"$SCRATCH/out.csv"
	printf -- '-1\nabc\n' >"$SCRATCH/bad.csv"
	run --separate-stderr lrelu -o "$SCRATCH/out.csv" "$SCRATCH/bad.csv"
	expect_status 1
	[ "$(cat "$SCRATCH/out.csv")" = old ]
	[ "$(ls -A "$SCRATCH")" = $'bad.csv\nout.csv' ]
}

@test "-o on bad input creates nothing" {
	run --separate-stderr lrelu -o "$SCRATCH/new.csv" --no-header <<<'abc'
	expect_status 1
	[ -z "$(ls -A "$SCRATCH")" ]
}

@test "-o into a missing directory is an I/O error" {
	run --separate-stderr lrelu -o "$SCRATCH/nodir/out.csv" <<<'-1'
	expect_status 3
	expect_stderr_match "nodir/out.csv: No such file or directory"
}

@test "the output file gets the usual permissions" {
	run bash -c "umask 022; '$LRELU' -o '$SCRATCH/o.csv' <<<'-1'; stat -c %a '$SCRATCH/o.csv'"
	expect_output 644
}

@test "a reader that goes away early is a quiet success" {
	seq -200000 200000 >"$SCRATCH/big.csv"
	run --separate-stderr bash -c "set -o pipefail; '$LRELU' '$SCRATCH/big.csv' | head -n 1"
	expect_status 0
	expect_output '-2000'
	[ -z "$stderr" ]
}

@test "a full disk is an I/O error with a message" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c "'$LRELU' <<<'-1' >/dev/full"
	expect_status 3
	expect_stderr_match '^lrelu: <stdout>: No space left on device$'
}

@test "with several inputs on stdout a bad one is reported and the rest still go out" {
	printf 'abc\n' >"$SCRATCH/bad.csv"
	printf -- '-1\n' >"$SCRATCH/good.csv"
	run --separate-stderr lrelu --no-header "$SCRATCH/bad.csv" "$SCRATCH/good.csv"
	expect_status 1
	expect_output '-0.01'
	expect_stderr_match 'bad.csv:1:1: not a number'
}

@test "an interrupted -o leaves no file and no temporary behind" {
	start_held_output
	ls -A "$SCRATCH" | grep -q '^\.out\.csv\.' # the temporary exists meanwhile
	kill -INT "$LRELU_PID"
	wait "$LRELU_PID" || true
	exec 7>&-
	[ "$(ls -A "$SCRATCH")" = in.csv ]
}

# Issue 19: -o writes into what is there instead of replacing it.
@test "-o a FIFO writes into it: the reader gets the output, the FIFO stays" {
	mkfifo "$SCRATCH/pipe"
	timeout 10 cat "$SCRATCH/pipe" >"$SCRATCH/got" &
	local reader=$!
	run --separate-stderr lrelu -o "$SCRATCH/pipe" <<<'-1'
	expect_status 0
	wait "$reader"
	[ -p "$SCRATCH/pipe" ]
	[ "$(cat "$SCRATCH/got")" = '-0.01' ]
	[ "$(ls -A "$SCRATCH" | sort | tr '\n' ' ')" = 'got pipe ' ]
}

@test "-o a character device writes to it and leaves the node alone" {
	[ "$(id -u)" -eq 0 ] || skip "mknod needs root"
	mknod "$SCRATCH/null" c 1 3 || skip "mknod not allowed here"
	run --separate-stderr lrelu -o "$SCRATCH/null" <<<'-1'
	expect_status 0
	[ -c "$SCRATCH/null" ]
	[ "$(ls -A "$SCRATCH")" = null ]
	# an unprivileged user may write to a device without creating files beside it
	chmod 666 "$SCRATCH/null"
	run --separate-stderr lrelu_unprivileged -o "$SCRATCH/null" "$SAMPLES/features.csv"
	expect_status 0
	[ -c "$SCRATCH/null" ]
}

@test "-o through a symbolic link replaces its target and keeps the link" {
	printf 'old\n' >"$SCRATCH/target.csv"
	ln -s target.csv "$SCRATCH/link.csv"
	run --separate-stderr lrelu -o "$SCRATCH/link.csv" <<<'-1'
	expect_status 0
	[ -L "$SCRATCH/link.csv" ]
	[ "$(readlink "$SCRATCH/link.csv")" = target.csv ]
	[ "$(cat "$SCRATCH/target.csv")" = '-0.01' ]
	# a link to a file not there yet: the file is made where it points
	ln -s sub/made.csv "$SCRATCH/dangling.csv"
	mkdir "$SCRATCH/sub"
	run lrelu -o "$SCRATCH/dangling.csv" <<<'-2'
	expect_status 0
	[ -L "$SCRATCH/dangling.csv" ]
	[ "$(cat "$SCRATCH/sub/made.csv")" = '-0.02' ]
	# /dev/stdout is a link to the descriptor: written through, never replaced
	run bash -c "'$LRELU' -o /dev/stdout <<<'-3' | cat"
	expect_status 0
	expect_output '-0.03'
}

@test "-o - is standard output" {
	cd "$SCRATCH"
	run --separate-stderr lrelu -o - <<<'-1'
	expect_status 0
	expect_output '-0.01'
	[ ! -e "$SCRATCH/-" ]
}

# Issue 20: output keeps pace with a slow writer.
# slow_writer FIRST SECOND FLAGS...: lrelu reads FIRST from a pipe whose
# writer then waits; what lrelu has written once something came out (or
# after 20 s) is in $SCRATCH/early; then the writer sends SECOND and
# ends, and all of it is in $SCRATCH/out. No fixed delay: a slow machine
# waits longer, and a tool that writes nothing before EOF fails.
slow_writer() {
	local first=$1 second=$2 i
	shift 2
	rm -f "$SCRATCH/go"
	{ printf -- "$first"; until [ -e "$SCRATCH/go" ]; do sleep 0.05; done; printf -- "$second"; } |
		"$LRELU" "$@" >"$SCRATCH/out" &
	local pid=$!
	for i in $(seq 400); do
		[ -s "$SCRATCH/out" ] && break
		sleep 0.05
	done
	sleep 0.2
	cp "$SCRATCH/out" "$SCRATCH/early"
	touch "$SCRATCH/go"
	wait "$pid"
}

@test "a slow writer's rows come out as they arrive, in CSV, NDJSON and float32" {
	slow_writer 'x\n-1\n' '-2\n'
	[ "$(cat "$SCRATCH/early")" = $'x\n-0.01' ]
	[ "$(cat "$SCRATCH/out")" = $'x\n-0.01\n-0.02' ]
	slow_writer '{"a":-1}\n' '{"a":-2}\n' -f ndjson
	[ "$(cat "$SCRATCH/early")" = '{"a":-0.01}' ]
	slow_writer '-1\n' '-2\n' -f json
	[ "$(cat "$SCRATCH/early")" = '-0.01' ]
	slow_writer '\0\0\200\277' '\0\0\0\300' -s 0.5 -f f32
	[ "$(od -An -tx1 "$SCRATCH/early" | tr -d ' ')" = 000000bf ]
	[ "$(wc -c <"$SCRATCH/out")" -eq 8 ]
}

@test "--unbuffered writes each record as it is done, the same bytes" {
	command -v strace >/dev/null || skip "strace is not installed (make deps)"
	# (LeakSanitizer cannot run under ptrace: off for the traced runs)
	printf 'a,b\n-1,2\n-3,4\n-5,6\n' >"$SCRATCH/in.csv"
	run lrelu --unbuffered "$SCRATCH/in.csv"
	expect_output "$("$LRELU" "$SCRATCH/in.csv")"
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write,writev -o "$SCRATCH/trace" "$LRELU" --unbuffered "$SCRATCH/in.csv" >/dev/null
	[ "$(grep -cE '^[0-9]+ +writev?\(1,' "$SCRATCH/trace")" -ge 4 ]
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write,writev -o "$SCRATCH/trace" "$LRELU" "$SCRATCH/in.csv" >/dev/null
	[ "$(grep -cE '^[0-9]+ +writev?\(1,' "$SCRATCH/trace")" -eq 1 ]
	printf '[-1,[2],{"a":-3}]\n' >"$SCRATCH/in.json"
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=write,writev -o "$SCRATCH/trace" "$LRELU" --unbuffered "$SCRATCH/in.json" >/dev/null
	[ "$(grep -cE '^[0-9]+ +writev?\(1,' "$SCRATCH/trace")" -ge 3 ]
	run lrelu --unbuffered "$SCRATCH/in.json"
	expect_output '[-0.01,[2],{"a":-0.03}]'
}

# Issue 20: help that teaches.
@test "an unknown long option suggests the nearest one" {
	run --separate-stderr lrelu --slpoe 0.2
	expect_status 2
	expect_stderr_match "^lrelu: unknown option '--slpoe': did you mean '--slope'\\?\$"
	run --separate-stderr lrelu --allow_nan
	expect_stderr_match "did you mean '--allow-nan'\\?\$"
	run --separate-stderr lrelu --xyzzy
	expect_status 2
	expect_stderr_match "^lrelu: unknown option '--xyzzy'\$"
}

@test "--help ends with five examples" {
	run lrelu --help
	expect_status 0
	[ "$(printf '%s\n' "$output" | sed -n '/^Examples:$/,$p' | grep -c '^  lrelu ')" -eq 5 ]
}

@test "every option --help shows with a value refuses a value it cannot use" {
	# Taken from --help, so an option added without a check fails here.
	# --columns, --na and --output take any text.
	local opt
	for opt in $(lrelu --help | grep -oE -- '--[a-z-]+[ =][A-Z]' | sed -E 's/^--//; s/[ =][A-Z]$//'); do
		case $opt in columns | na | output) continue ;; esac
		run --separate-stderr lrelu "--$opt=x!" </dev/null
		[ "$status" -eq 2 ] || { echo "--$opt: status $status" >&2; return 1; }
		printf '%s' "$stderr" | grep -qE -- "invalid (--)?$opt 'x!'" || { echo "--$opt: $stderr" >&2; return 1; }
	done
	run --separate-stderr lrelu --stats=x </dev/null
	expect_status 2
	expect_stderr_match "invalid --stats 'x': expected text or json"
}

@test "options the formats at hand ignore are named in one warning each" {
	run --separate-stderr lrelu --pretty --endian big --channels 3 "$SAMPLES/features.csv" "$SAMPLES/features.csv"
	expect_status 0
	[ "$(printf '%s\n' "$stderr" | grep -c 'warning: --pretty indents JSON output only; ignored for csv output')" -eq 1 ]
	expect_stderr_match 'warning: --endian applies to raw f32, f64, f16 and bf16 only'
	expect_stderr_match 'warning: --channels applies to raw binary input only; ignored for csv input'
	# said for the default value too: it was given, and does nothing
	run --separate-stderr lrelu --endian little "$SAMPLES/features.csv"
	expect_stderr_match 'warning: --endian applies to raw f32, f64, f16 and bf16 only; ignored for csv to csv'
	run --separate-stderr lrelu --pretty -t json "$SAMPLES/features.csv"
	[ -z "$stderr" ]
}

@test "reading standard input from a terminal is said on stderr" {
	command -v script >/dev/null || skip "no script(1)"
	run script -qec "'$LRELU' </dev/tty" /dev/null </dev/null
	[[ $output == *'reading standard input from the terminal'* ]] || { echo "got: $output" >&2; return 1; }
	run --separate-stderr lrelu <<<'-1'
	[ -z "$stderr" ]
}
