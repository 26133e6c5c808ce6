#!/usr/bin/env bats
# Raw float32/float64/float16/bfloat16 and .npy: results as PyTorch
# computes them (fixtures made by tests/oracle/make_npy_fixtures.py from
# numpy and torch), shape and order kept, errors named.

load helper

NPY=$TESTS_DIR/fixtures/npy

# npy_data FILE: the data bytes after the header.
npy_data() {
	local v hl
	v=$(od -An -tu1 -j6 -N1 "$1" | tr -d ' ')
	if [ "$v" = 1 ]; then
		hl=$(od -An -tu2 -j8 -N2 "$1" | tr -d ' ')
		tail -c +$((hl + 11)) "$1"
	else
		hl=$(od -An -tu4 -j8 -N4 "$1" | tr -d ' ')
		tail -c +$((hl + 13)) "$1"
	fi
}

# hex FILE: the bytes in hex, one line.
hex() { od -An -tx1 -v "$1" | tr -d ' \n'; }

@test ".npy float32 2-D, version 1.0: PyTorch's bytes, shape kept" {
	run lrelu -s 0.1 "$NPY/v1_f4_2d.npy" -o "$SCRATCH/o.npy"
	expect_status 0
	npy_data "$SCRATCH/o.npy" | cmp - "$NPY/v1_f4_2d.s0.1.bin"
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }"
}

@test ".npy version 2.0, big-endian float64, 3-D: read right, written little-endian 1.0" {
	run lrelu -s 0.1 "$NPY/v2_be_f8_3d.npy" -o "$SCRATCH/o.npy"
	expect_status 0
	npy_data "$SCRATCH/o.npy" | cmp - "$NPY/v2_be_f8_3d.s0.1.bin"
	[ "$(od -An -tu1 -j6 -N1 "$SCRATCH/o.npy" | tr -d ' ')" = 1 ]
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'descr': '<f8'.*'shape': (2, 3, 2), }"
}

@test ".npy float16 1-D: computed in float32, rounded back as PyTorch does" {
	run lrelu -s 0.1 "$NPY/f2_1d.npy" -o "$SCRATCH/o.npy"
	expect_status 0
	npy_data "$SCRATCH/o.npy" | cmp - "$NPY/f2_1d.s0.1.bin"
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'descr': '<f2'.*'shape': (7,), }"
}

@test ".npy Fortran order is read and kept" {
	run lrelu -s 0.5 "$NPY/fortran_f4_2d.npy" -o "$SCRATCH/o.npy"
	expect_status 0
	npy_data "$SCRATCH/o.npy" | cmp - "$NPY/fortran_f4_2d.s0.5.bin"
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'fortran_order': True, 'shape': (3, 4)"
}

@test ".npy prelu: one slope per channel on axis 1 of a 4-D array" {
	run lrelu -m prelu -s 0.1,0.2,0.3 "$NPY/f4_4d.npy" -o "$SCRATCH/o.npy"
	expect_status 0
	npy_data "$SCRATCH/o.npy" | cmp - "$NPY/f4_4d.prelu.bin"
}

@test ".npy prelu: slopes must match axis 1, and a 1-D array takes one" {
	run --separate-stderr lrelu -m prelu -s 0.1,0.2 "$NPY/f4_4d.npy" -o "$SCRATCH/o.npy"
	expect_status 1
	expect_stderr_match 'f4_4d.npy: 2 slopes given, but axis 1 has 3 channels$'
	run --separate-stderr lrelu -m prelu -s 0.1,0.2 "$NPY/f2_1d.npy" -o "$SCRATCH/o.npy"
	expect_status 1
	expect_stderr_match 'but a 1-D array takes one slope$'
	[ ! -e "$SCRATCH/o.npy" ]
}

@test "an int64 .npy is a clear error" {
	run --separate-stderr lrelu "$NPY/bad_int64.npy"
	expect_status 1
	expect_stderr_match "bad_int64.npy: bad .npy header: dtype '<i8' is not supported"
}

@test "a truncated .npy header is a clear error" {
	run --separate-stderr lrelu "$NPY/bad_truncated_header.npy"
	expect_status 1
	expect_stderr_match 'bad_truncated_header.npy: truncated .npy header: 40 of 128 bytes$'
}

@test "an .npy whose data does not match its shape is a clear error, no output left" {
	run --separate-stderr lrelu "$NPY/bad_shape.npy" -o "$SCRATCH/o.npy"
	expect_status 1
	expect_stderr_match 'bad_shape.npy: the shape says 4 values, but the data holds 3$'
	[ -z "$(ls -A "$SCRATCH")" ]
}

@test "10 bytes of float32 is an error naming the byte offset" {
	head -c 10 /dev/zero >"$SCRATCH/x.f32"
	run --separate-stderr lrelu "$SCRATCH/x.f32"
	expect_status 1
	expect_stderr_match 'x.f32: 10 bytes is not a whole number of float32 values \(2 bytes left over at byte offset 8\)$'
}

@test "raw float32 edges, as PyTorch: -0, NaN, -inf at slope 0, subnormals" {
	# x: +0 -0 -1.5 nan -inf -1e-45 (bits little-endian)
	printf '\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\xc0\xbf\x00\x00\xc0\x7f\x00\x00\x80\xff\x01\x00\x00\x80' >"$SCRATCH/x.f32"
	lrelu -s 0 "$SCRATCH/x.f32" >"$SCRATCH/y.f32"
	# +0 -0 -0 nan nan(-inf * 0, the x86 default NaN) -0
	[ "$(hex "$SCRATCH/y.f32")" = "0000000000000080000000800000c07f0000c0ff00000080" ]
	lrelu -s 0.5 "$SCRATCH/x.f32" >"$SCRATCH/y.f32"
	# +0 -0 -0.75 nan -inf -0 (-1e-45 * 0.5 rounds to even, -0)
	[ "$(hex "$SCRATCH/y.f32")" = "0000000000000080000040bf0000c07f000080ff00000080" ]
}

@test "the slope is rounded to float32 before a float32 multiply" {
	# 3.0 * float32(0.1) = 0x3e99999a (0.3 rounded), not 0.30000000000000004 rounded
	printf '\x00\x00\x40\xc0' >"$SCRATCH/x.f32" # -3.0
	lrelu -s 0.1 "$SCRATCH/x.f32" >"$SCRATCH/y.f32"
	[ "$(hex "$SCRATCH/y.f32")" = "9a9999be" ]
}

@test "big-endian raw input and output" {
	printf '\xc0\x40\x00\x00' >"$SCRATCH/x.f32" # -3.0 big-endian
	run bash -c "'$LRELU' --endian big -s 0.5 '$SCRATCH/x.f32' | od -An -tx1 | tr -d ' '"
	expect_output 'bfc00000'
}

@test "float64, float16 and bfloat16 raw files by suffix" {
	printf '\x00\x00\x00\x00\x00\x00\x08\xc0' >"$SCRATCH/x.f64" # -3.0
	run bash -c "'$LRELU' -s 0.5 '$SCRATCH/x.f64' | od -An -tx1 | tr -d ' '"
	expect_output '000000000000f8bf'
	printf '\x00\xc2' >"$SCRATCH/x.f16" # -3.0 half
	run bash -c "'$LRELU' -s 0.5 '$SCRATCH/x.f16' | od -An -tx1 | tr -d ' '"
	expect_output '00be'
	printf '\x40\xc0' >"$SCRATCH/x.bf16" # -3.0 bfloat16
	run bash -c "'$LRELU' -s 0.5 '$SCRATCH/x.bf16' | od -An -tx1 | tr -d ' '"
	expect_output 'c0bf'
}

@test "float16 overflow and rounding to nearest even" {
	# -65504 * 2 overflows to -inf; -1.0009765625 (1 + 2^-10) * 0.5 is exact
	printf '\xff\xfb\x01\xbc' >"$SCRATCH/x.f16"
	run bash -c "'$LRELU' -s 2 '$SCRATCH/x.f16' | od -An -tx1 | tr -d ' '"
	expect_output '00fc01c0'
}

@test "raw prelu needs --channels equal to the slope count" {
	printf '\x00\x00\x80\xbf\x00\x00\x80\xbf\x00\x00\x80\xbf\x00\x00\x80\xbf' >"$SCRATCH/x.f32"
	run --separate-stderr lrelu -m prelu -s 0.5,0.25 "$SCRATCH/x.f32"
	expect_status 1
	expect_stderr_match 'raw input needs --channels 2'
	run bash -c "'$LRELU' -m prelu -s 0.5,0.25 --channels 2 '$SCRATCH/x.f32' | od -An -tx1 | tr -d ' '"
	expect_output '000000bf000080be000000bf000080be'
}

@test "conversion between binary types: f32 to f64, f16 and npy" {
	printf '\x00\x00\xc0\xbf' >"$SCRATCH/x.f32" # -1.5
	run bash -c "'$LRELU' -m identity -t f64 '$SCRATCH/x.f32' | od -An -tx1 | tr -d ' '"
	expect_output '000000000000f8bf'
	run bash -c "'$LRELU' -m identity -t f16 '$SCRATCH/x.f32' | od -An -tx1 | tr -d ' '"
	expect_output '00be'
	run lrelu -m identity -t npy -o "$SCRATCH/x.npy" "$SCRATCH/x.f32"
	expect_status 0
	head -c 128 "$SCRATCH/x.npy" | grep -aq "'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
	[ "$(($(wc -c <"$SCRATCH/x.npy") % 64))" -eq 4 ] # data starts at 64
}

@test ".npy from a pipe: into a pipe, or a file whose header is fixed up" {
	run --separate-stderr bash -c "printf '\0\0\0\0' | '$LRELU' -f f32 -t npy | cat | head -c 128 | grep -ac \"'shape': (                   1,), }\""
	expect_output 1
	run bash -c "printf '\0\0\0\0\0\0\0\0' | '$LRELU' -f f32 -t npy -o '$SCRATCH/p.npy'"
	expect_status 0
	head -c 128 "$SCRATCH/p.npy" | grep -aq "'shape': (                   2,), }"
}

@test "stdin .npy is recognised by its magic" {
	run bash -c "'$LRELU' -s 0.1 -o '$SCRATCH/o.npy' < '$NPY/v1_f4_2d.npy'"
	expect_status 0
	[ "$(head -c 6 "$SCRATCH/o.npy" | od -An -c | tr -d ' ')" = '223NUMPY' ]
}

@test "a large raw file streams in order, plain and compressed" {
	head -c 400000 /dev/urandom >"$SCRATCH/r.f32"
	run bash -c "'$LRELU' -m identity '$SCRATCH/r.f32' | cmp - '$SCRATCH/r.f32'"
	expect_status 0
	# blocks of values go to the compressor without the sink's buffer
	run bash -c "'$LRELU' -m identity -z '$SCRATCH/r.f32' | gzip -dc | cmp - '$SCRATCH/r.f32'"
	expect_status 0
	run bash -c "'$LRELU' -m identity -z -j 2 '$SCRATCH/r.f32' | gzip -dc | cmp - '$SCRATCH/r.f32'"
	expect_status 0
}

@test "--with-input on binary: pairs side by side in every output" {
	printf '\x00\x00\xc0\xbf\x00\x00\x80\x3f' >"$SCRATCH/w.f32" # -1.5, 1
	run bash -c "'$LRELU' --with-input -s 0.5 '$SCRATCH/w.f32' | od -An -tx1 | tr -d ' '"
	expect_output '0000c0bf000040bf0000803f0000803f'
	run lrelu --with-input -s 0.5 -t csv "$SCRATCH/w.f32"
	expect_output $'-1.5,-0.75\n1,1'
	run lrelu --with-input -s 0.5 -t json "$SCRATCH/w.f32"
	expect_output '[[-1.5,-0.75],[1,1]]'
	run lrelu --with-input -s 0.5 -t json --channels 2 "$SCRATCH/w.f32"
	expect_output '[[[-1.5,-0.75],[1,1]]]'
}

@test "--with-input on .npy adds a trailing axis of 2" {
	run lrelu --with-input -s 0.5 -o "$SCRATCH/o.npy" "$NPY/v1_f4_2d.npy"
	expect_status 0
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'shape': (3, 4, 2), }"
	[ "$(npy_data "$SCRATCH/o.npy" | wc -c)" -eq 96 ]
	# the first pair: the input 0.0 and its result
	[ "$(npy_data "$SCRATCH/o.npy" | head -c 8 | od -An -tx1 | tr -d ' ')" = 0000000000000000 ]
}

@test "regression: --with-input on a Fortran-order .npy puts the pair axis first" {
	# memory holds input, result, input, result...: the axis that varies
	# fastest, the first one in Fortran order
	run lrelu --with-input -s 0.5 -o "$SCRATCH/o.npy" "$NPY/fortran_f4_2d.npy"
	expect_status 0
	head -c 128 "$SCRATCH/o.npy" | grep -aq "'fortran_order': True, 'shape': (2, 3, 4), }"
}

# Issue 19: empty arrays, 0-d arrays and the headers numpy reads.
@test ".npy with no values keeps dtype, shape and order, in every mode" {
	local descr order shape mode i=0
	local -a modes=(forward grad prelu inverse)
	# every dtype, order and shape; the mode turns so that each meets
	# every shape and every dtype (32 runs, not 128: under Valgrind
	# each costs a second)
	for descr in '<f8' '<f4' '>f4' '<f2'; do
		for order in False True; do
			for shape in '(0, 5)' '(0,)' '(3, 0, 2)' '(2, 0)'; do
				npy "$SCRATCH/e.npy" "{'descr': '$descr', 'fortran_order': $order, 'shape': $shape, }" ''
				mode=${modes[(i + i / 4 + i / 8) % 4]}
				i=$((i + 1))
				run --separate-stderr lrelu -m "$mode" -s 0.5 -o "$SCRATCH/o.npy" "$SCRATCH/e.npy"
				expect_status 0
				[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '${descr/>/<}', 'fortran_order': $order, 'shape': $shape, }" ] ||
					{ echo "$descr $order $shape $mode: $(npy_header "$SCRATCH/o.npy")" >&2; return 1; }
				[ "$(($(wc -c <"$SCRATCH/o.npy") % 64))" -eq 0 ]
			done
		done
	done
	npy "$SCRATCH/e.npy" "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5), }" ''
	run lrelu --with-input -o "$SCRATCH/o.npy" "$SCRATCH/e.npy"
	expect_status 0
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 5, 2), }" ]
	npy "$SCRATCH/e.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }" '\0\0\0\0'
	run --separate-stderr lrelu -o "$SCRATCH/o.npy" "$SCRATCH/e.npy"
	expect_status 1
	expect_stderr_match 'the shape says 0 values, but the data holds more$'
}

@test ".npy 0-d arrays, and --with-input on them, give shapes numpy accepts" {
	npy "$SCRATCH/s.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (), }" '\0\0\200\277'
	run lrelu -s 0.5 -o "$SCRATCH/o.npy" "$SCRATCH/s.npy"
	expect_status 0
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f4', 'fortran_order': False, 'shape': (), }" ]
	[ "$(tail -c 4 "$SCRATCH/o.npy" | od -An -tx1 | tr -d ' ')" = 000000bf ]
	run lrelu -s 0.5 --with-input -o "$SCRATCH/o.npy" "$SCRATCH/s.npy"
	expect_status 0
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" ]
	[ "$(tail -c 8 "$SCRATCH/o.npy" | od -An -tx1 | tr -d ' ')" = 000080bf000000bf ]
	npy "$SCRATCH/s.npy" "{'descr': '<f4', 'fortran_order': True, 'shape': (), }" '\0\0\200\277'
	run lrelu --with-input -o "$SCRATCH/o.npy" "$SCRATCH/s.npy"
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }" ]
	npy "$SCRATCH/s.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" '\0\0\200\277\0\0\0\100\0\0\200\277'
	run lrelu --with-input -o "$SCRATCH/o.npy" "$SCRATCH/s.npy"
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }" ]
}

@test ".npy headers numpy reads: Python 2 long shapes, native byte order" {
	local descr
	for descr in 'f4' '=f4' '|f4' '<f4'; do
		npy "$SCRATCH/l.npy" "{'descr': '$descr', 'fortran_order': False, 'shape': (2L,), }" '\0\0\200\277\0\0\0\100'
		run --separate-stderr lrelu -s 0.5 -t csv "$SCRATCH/l.npy"
		expect_status 0
		expect_output $'-0.5\n2'
	done
	npy "$SCRATCH/l.npy" "{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }" '\0\0\200\277\0\0\0\100'
	run lrelu -s 0.5 -o "$SCRATCH/o.npy" "$SCRATCH/l.npy"
	expect_status 0
	[ "$(npy_header "$SCRATCH/o.npy")" = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }" ]
	npy "$SCRATCH/l.npy" "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }" '\0\0\200\277\0\0\0\100'
	run --separate-stderr lrelu "$SCRATCH/l.npy"
	expect_status 1
	expect_stderr_match "dtype '<i4' is not supported"
}
