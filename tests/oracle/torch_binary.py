#!/usr/bin/python3
"""Binary formats against PyTorch, bit for bit: ORACLE_N random values
(default 1,000,000: random bit patterns, so subnormals, NaN and
infinities, plus ordinary numbers, both zeros and values at the float16
limits), for every mode in forward, grad, inverse and prelu, every
dtype in f32, f64, f16, bf16, and the slopes 0.01, 0, 2 and -0.5.
Also .npy files written by numpy (1.0 and 2.0 headers, both byte
orders, 1-D to 4-D) are read, and lrelu's .npy load in numpy with their
dtype and shape. Prints a line per case and "N passed, N failed"."""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

LRELU = os.environ.get("LRELU", "./lrelu")
N = int(os.environ.get("ORACLE_N", "1000000"))
rng = np.random.default_rng(20261127)
passed = failed = 0


def case(name, ok, detail=""):
    global passed, failed
    passed += bool(ok)
    failed += not ok
    print("ok  " if ok else "FAIL", name, "" if ok else detail)


def values(dtype):
    """Random values of a numpy dtype: bit patterns and ordinary numbers."""
    n = N
    if dtype == "bf16":
        bits = rng.integers(0, 2**16, n // 2, dtype=np.uint64).astype(np.uint16)
        f = (bits.astype(np.uint32) << 16).view(np.float32)
        g = rng.standard_normal(n - n // 2).astype(np.float32) * 8
        g = ((g.view(np.uint32) >> 16) << 16).view(np.float32)  # exactly bfloat16
        return np.concatenate([np.array([0, -0.0, 3.38e38, -3.38e38], np.float32), f, g])[:n]
    width = {"f16": 16, "f32": 32, "f64": 64}[dtype]
    nd = {"f16": np.float16, "f32": np.float32, "f64": np.float64}[dtype]
    ud = {16: np.uint16, 32: np.uint32, 64: np.uint64}[width]
    bits = rng.integers(0, 2**63 - 1, n // 2, dtype=np.uint64, endpoint=True)
    if width < 64:
        bits = bits & ((1 << width) - 1)
    b = bits.astype(ud).view(nd)
    g = (rng.standard_normal(n - n // 2) * 10.0 ** rng.integers(-3, 4, n - n // 2)).astype(nd)
    edges = np.array([0, -0.0, 65504, -65504, 6e-8, -6e-8, np.inf, -np.inf], dtype=nd)
    return np.concatenate([edges, b, g])[:n]


def to_torch(v, dtype):
    if dtype == "bf16":
        return torch.from_numpy(v.copy()).to(torch.bfloat16)
    return torch.from_numpy(v.copy())


def torch_ref(mode, a, v, dtype, slopes=None):
    t = to_torch(v, dtype)
    # float16 and bfloat16 are computed in float32 and rounded back
    w = t.float() if dtype in ("f16", "bf16") else t
    sa = torch.tensor(a, dtype=w.dtype)
    if mode == "forward":
        y = torch.where(w > 0, w, w * sa)
    elif mode == "grad":
        y = torch.where(w > 0, torch.ones_like(w), sa.expand_as(w))
    elif mode == "inverse":
        y = torch.where(w > 0, w, w / sa)
    else:  # prelu over rows of len(slopes)
        ws = torch.tensor(slopes, dtype=w.dtype)
        m = w.view(-1, len(slopes))
        y = torch.where(m > 0, m, m * ws).view(-1)
    return y.to(t.dtype)


def check_leaky_relu_is_where():
    """The reference above is written with torch.where; make sure it is
    what torch's own kernels give where they exist."""
    x = torch.from_numpy(values("f32")[:100000])
    for a in (0.01, 0.0, 2.0, -0.5):
        y1 = torch.nn.functional.leaky_relu(x, a)
        y2 = torch.where(x > 0, x, x * torch.tensor(a, dtype=torch.float32))
        same = (y1.view(torch.int32) == y2.view(torch.int32)) | (y1.isnan() & y2.isnan())
        case("torch.where reference equals F.leaky_relu, float32 slope %s" % a, bool(same.all()))
        g = torch.ops.aten.leaky_relu_backward(torch.ones_like(x), x, a, False)
        g2 = torch.where(x > 0, torch.ones_like(x), torch.tensor(a, dtype=torch.float32).expand_as(x))
        case("reference grad equals leaky_relu_backward, slope %s" % a, bool((g == g2).all()))


def bits(t):
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16).numpy()
    return t.view(torch.int32 if t.dtype == torch.float32 else torch.int64).numpy()


def run(args, data):
    r = subprocess.run([LRELU] + args, input=data, capture_output=True)
    if r.returncode:
        raise SystemExit("lrelu %s failed: %s" % (args, r.stderr.decode()))
    return r.stdout


check_leaky_relu_is_where()
for dtype in ("f32", "f64", "f16", "bf16"):
    v = values(dtype)
    data = to_torch(v, dtype).view(torch.int16 if dtype in ("f16", "bf16") else
                                   torch.int32 if dtype == "f32" else torch.int64).numpy().tobytes()
    for mode in ("forward", "grad", "inverse", "prelu"):
        for a in (0.01, 0.0, 2.0, -0.5):
            if mode == "inverse" and a <= 0:
                continue
            slopes = [a, 0.25, -1.5]
            args = ["-f", dtype, "-m", mode]
            n = len(v)
            if mode == "prelu":
                n = len(v) // 3 * 3
                args += ["-s", ",".join(map(str, slopes)), "--channels", "3"]
            else:
                args += ["-s", str(a)]
            width = len(data) // len(v)
            got_bytes = run(args, data[: n * width])
            want = torch_ref(mode, a, v[:n], dtype, slopes)
            wb = bits(want)
            gb = np.frombuffer(got_bytes, dtype=wb.dtype)
            wt = want.float() if dtype in ("f16", "bf16") else want
            nan = wt.isnan().numpy()
            gnan = np.isnan(np.frombuffer(got_bytes, dtype={"f32": np.float32, "f64": np.float64,
                                                            "f16": np.float16}.get(dtype, np.int16)).astype(float)) \
                if dtype != "bf16" else ((gb.astype(np.uint16) & 0x7fff) > 0x7f80)
            ok = (gb == wb) | (nan & gnan)
            bad = np.flatnonzero(~ok)
            case("%s %s slope %s (%d values)" % (dtype, mode, a, n), len(bad) == 0 and len(gb) == len(wb),
                 "" if not len(bad) else "%d differ, first x=%r got=%#x want=%#x" %
                 (len(bad), v[bad[0]], gb[bad[0]], wb[bad[0]]))

# .npy written by numpy is read; .npy written by lrelu loads in numpy
with tempfile.TemporaryDirectory() as tmp:
    for shape in [(5,), (3, 4), (2, 3, 2), (2, 3, 1, 2)]:
        for descr in ("<f4", ">f4", "<f8", ">f8", "<f2", ">f2"):
            for version in ((1, 0), (2, 0)):
                for fortran in (False, True):
                    x = (rng.standard_normal(shape) * 3).astype(descr)
                    if fortran:
                        x = np.asfortranarray(x)
                    src = os.path.join(tmp, "in.npy")
                    out = os.path.join(tmp, "out.npy")
                    with open(src, "wb") as f:
                        np.lib.format.write_array(f, x, version=version)
                    subprocess.run([LRELU, "-s", "0.5", src, "-o", out], check=True)
                    y = np.load(out)
                    w = x.astype(x.dtype.newbyteorder("="))
                    t = torch.from_numpy(np.ascontiguousarray(w))
                    ref = torch.nn.functional.leaky_relu(t.float() if t.dtype == torch.float16 else t,
                                                         0.5).to(t.dtype).numpy()
                    ok = (y.shape == x.shape and y.dtype == w.dtype.newbyteorder("<") and
                          np.isfortran(y) == (fortran and len(shape) > 1) and
                          np.array_equal(y, ref, equal_nan=True))
                    case("npy %s %s v%d.%d %s" % (shape, descr, version[0], version[1],
                                                  "F" if fortran else "C"), ok)

# --with-input on .npy: the pair axis, last in C order, first in Fortran
with tempfile.TemporaryDirectory() as tmp:
    for fortran in (False, True):
        x = (rng.standard_normal((3, 4, 2)) * 3).astype("<f4")
        if fortran:
            x = np.asfortranarray(x)
        src, out = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
        np.save(src, x)
        subprocess.run([LRELU, "--with-input", "-s", "0.5", src, "-o", out], check=True)
        y = np.load(out)
        ref = torch.nn.functional.leaky_relu(torch.from_numpy(np.ascontiguousarray(x)), 0.5).numpy()
        pin, pout = (y[0], y[1]) if fortran else (y[..., 0], y[..., 1])
        case("--with-input npy %s order" % ("F" if fortran else "C"),
             np.array_equal(pin, x) and np.array_equal(pout, ref))

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
