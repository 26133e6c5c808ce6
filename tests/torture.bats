#!/usr/bin/env bats
# torture.bats - every prefix of every sample file, and each sample with
# one byte changed at many positions, must end in exit 0 or 1 (with a
# "lrelu: " message on 1), never a crash, another status or a hang.
# TORTURE_STRIDE=N tries every Nth prefix and position (make
# check-valgrind sets it, since each run there costs half a second).

load helper

STRIDE=${TORTURE_STRIDE:-1}
# A hang fails the test instead of the run (bats 1.7+).
export BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-900}

samples() {
	ls "$SAMPLES"/*.csv "$SAMPLES"/*.tsv "$SAMPLES"/*.json "$SAMPLES"/*.ndjson \
		"$SAMPLES"/*.f32 "$SAMPLES"/*.npy "$SAMPLES"/*.gz
}

# try FILE ARGS...: runs lrelu on FILE; prints a line if the outcome is
# not acceptable.
try() {
	local f=$1 st err
	shift
	err=$(${LRELU_WRAP:-} "$LRELU" "$@" "$f" 2>&1 >/dev/null)
	st=$?
	case $st in
	0) ;;
	1) [[ $err == lrelu:* ]] || echo "status 1 without a message: $(basename "$f") $*" ;;
	*) echo "status $st: $(basename "$f") $* ($err)" ;;
	esac
}

@test "every prefix of every sample gives exit 0 or 1 with a message" {
	local f n size out bad=
	for f in $(samples); do
		size=$(wc -c <"$f")
		for ((n = 0; n < size; n += STRIDE)); do
			out=$SCRATCH/$n.$(basename "$f")
			head -c "$n" "$f" >"$out"
			# plain, and every other one through another mode and encoder
			if ((n % 2)); then bad+=$(try "$out" -m grad -t json); else bad+=$(try "$out"); fi
			rm -f "$out"
		done
	done
	[ -z "$bad" ] || { echo "$bad"; false; }
}

@test "each sample with one byte changed at each position gives exit 0 or 1 with a message" {
	local f n size out bad= i=0
	# bytes that mean something to some decoder, in turn
	local -a bytes=('\x00' '\xff' '"' ',' '\n' '[' '{' '-' '9' 'e' '.' '\x93' '\x80' ' ')
	for f in $(samples); do
		size=$(wc -c <"$f")
		for ((n = 0; n < size; n += STRIDE)); do
			out=$SCRATCH/$n.$(basename "$f")
			cp "$f" "$out"
			printf "${bytes[i++ % ${#bytes[@]}]}" |
				dd of="$out" bs=1 seek="$n" conv=notrunc status=none
			if ((n % 2)); then bad+=$(try "$out" -m prelu -s 0.1,0.2 -t csv); else bad+=$(try "$out"); fi
			rm -f "$out"
		done
	done
	[ -z "$bad" ] || { echo "$bad"; false; }
}
