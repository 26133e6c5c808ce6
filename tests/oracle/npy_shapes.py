#!/usr/bin/python3
"""Every zero-element shape and 0-d array, in each dtype lrelu reads and
both orders, through every mode and --with-input: numpy must load the
output, with the dtype (in little-endian order, as lrelu writes), shape
and order it should have, and 0-d values must be what numpy computes."""
import os
import subprocess
import sys
import tempfile

import numpy as np

LRELU = os.environ.get("LRELU", "./lrelu")
DTYPES = ["<f2", "<f4", ">f4", "<f8", ">f8"]
SHAPES = [(0,), (0, 5), (5, 0), (0, 0), (2, 0, 3), (3, 4, 0), ()]
MODES = ["forward", "grad", "prelu", "inverse"]


def header(path):
    with open(path, "rb") as f:
        major, _ = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
        return read(f)  # shape, fortran_order, dtype


def expected(x, mode, slope):
    work = x.astype(np.float32) if x.dtype.itemsize == 2 else x
    a = work.dtype.type(slope)
    if mode in ("forward", "prelu"):
        y = np.where(work > 0, work, work * a)
    elif mode == "grad":
        y = np.where(work > 0, work.dtype.type(1), a)
    else:
        y = np.where(work > 0, work, work / a)
    return y.astype(x.dtype.newbyteorder("<"))


def main():
    fails = n = 0
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
        for dt in DTYPES:
            for shape in SHAPES:
                for fortran in (False, True):
                    x = np.full(shape, -1.5, dtype=dt)
                    if shape:  # (ascontiguousarray would make a 0-d array 1-D)
                        x = np.asfortranarray(x) if fortran else np.ascontiguousarray(x)
                    with open(src, "wb") as f:
                        np.lib.format.write_array(f, x)
                    want_f = header(src)[1]
                    for mode in MODES:
                        for with_input in (False, True):
                            n += 1
                            args = [LRELU, "-m", mode, "-s", "0.5", "-o", out, src]
                            if with_input:
                                args.insert(1, "--with-input")
                            r = subprocess.run(args, capture_output=True)
                            what = "%s %s fortran=%s %s%s" % (dt, shape, fortran, mode,
                                                               " --with-input" if with_input else "")
                            if r.returncode != 0:
                                print("FAIL %s: exit %d %s" % (what, r.returncode, r.stderr))
                                fails += 1
                                continue
                            try:
                                y = np.load(out)
                                gshape, gf, gdt = header(out)
                            except Exception as e:  # noqa: BLE001 - report any load failure
                                print("FAIL %s: numpy cannot load it: %s" % (what, e))
                                fails += 1
                                continue
                            wshape = shape
                            if with_input:
                                wshape = ((2,) + shape) if want_f else (shape + (2,))
                            wdt = np.dtype(dt).newbyteorder("<")
                            ok = gshape == wshape and gdt == wdt and gf == want_f and y.shape == wshape
                            if ok and shape == () and not with_input:
                                ok = y.tobytes() == expected(x, mode, 0.5).tobytes()
                            if not ok:
                                print("FAIL %s: got %s %s fortran=%s, want %s %s fortran=%s"
                                      % (what, gshape, gdt.str, gf, wshape, wdt.str, want_f))
                                fails += 1
    print("npy_shapes: %d passed, %d failed" % (n - fails, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
