#!/usr/bin/python3
"""Bit-for-bit comparison of `lrelu --dtype f32` (and f64) with PyTorch
tensors of that dtype, and of exact mode with Python's decimal module.

Random values: uniform, wide-exponent, random bit patterns (subnormals,
NaN, inf), and both zeros; every mode in forward/grad/inverse (prelu is
forward with per-column slopes and gets its own case) and the slopes the
specification names. Prints one line per case and a closing
"N passed, N failed"."""
import decimal
import os
import subprocess
import sys

import numpy as np
import torch

LRELU = os.environ.get("LRELU", "./lrelu")
N = int(os.environ.get("ORACLE_N", "100000"))
rng = np.random.default_rng(20261126)


def values32(n):
    parts = [
        rng.uniform(-10, 10, n // 3 + 1000),
        rng.standard_normal(n // 3 + 1000) * 10.0 ** rng.integers(-40, 38, n // 3 + 1000),
        rng.integers(0, 2**32, n // 3 + 1000, dtype=np.uint64).astype(np.uint32).view(np.float32),
    ]
    edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45,
                      3.4028235e38, -3.4028235e38, 65504, -65504], dtype=np.float32)
    v = np.concatenate([edges] + [p.astype(np.float32) for p in parts])
    v = v[~np.isnan(v) | (np.arange(len(v)) % 97 == 0)]  # keep a few NaN
    return v[:n]


def text32(v):
    # numpy's repr of float32 is the shortest round-trip text
    return "\n".join("nan" if np.isnan(x) else repr(float(x)) if np.isinf(x)
                     else np.format_float_positional(x, unique=True, trim="-")
                     if 1e-5 <= abs(x) < 1e16 or x == 0
                     else np.format_float_scientific(x, unique=True, trim="-")
                     for x in v) + "\n"


def run(args, data):
    r = subprocess.run([LRELU, "--no-header"] + args, input=data.encode(),
                       capture_output=True)
    if r.returncode != 0:
        raise SystemExit("lrelu failed: %s" % r.stderr.decode())
    return r.stdout.decode().split("\n")[:-1]


def torch_ref(mode, slope, v, dtype):
    t = torch.tensor(v, dtype=dtype)
    if mode == "forward":
        return torch.nn.functional.leaky_relu(t, slope).numpy()
    if mode == "grad":
        t.requires_grad_(True)
        torch.nn.functional.leaky_relu(t, slope).backward(torch.ones_like(t))
        return t.grad.numpy()
    a = torch.tensor(slope, dtype=dtype)
    return torch.where(t > 0, t, t / a).numpy()


def same_bits(a, b):
    both_nan = np.isnan(a) & np.isnan(b)
    eq = a.view(np.uint32 if a.dtype == np.float32 else np.uint64) == \
        b.view(np.uint32 if b.dtype == np.float32 else np.uint64)
    return eq | both_nan


passed = failed = 0


def case(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok  ", name)
    else:
        failed += 1
        print("FAIL", name, detail)


v32 = values32(N)
data32 = text32(v32)
for mode in ("forward", "grad", "inverse"):
    for slope in ("0.01", "0", "2", "-0.5"):
        if mode == "inverse" and float(slope) <= 0:
            continue
        got = np.array([np.float32(s) for s in run(["-m", mode, "-s", slope, "--dtype", "f32"],
                                                   data32)], dtype=np.float32)
        want = torch_ref(mode, float(slope), v32, torch.float32)
        ok = same_bits(got, want)
        bad = np.flatnonzero(~ok)
        case("f32 %s slope %s (%d values)" % (mode, slope, len(v32)), ok.all(),
             "" if ok.all() else "first mismatch x=%r got=%r want=%r" %
             (v32[bad[0]], got[bad[0]], want[bad[0]]))

v64 = rng.standard_normal(N // 4) * 10.0 ** rng.integers(-300, 300, N // 4)
data64 = "\n".join(repr(float(x)) for x in v64) + "\n"
for slope in ("0.01", "-0.5", "2"):
    got = np.array([float(s) for s in run(["-s", slope, "--dtype", "f64"], data64)])
    want = torch_ref("forward", float(slope), v64, torch.float64)
    ok = same_bits(got, want)
    case("f64 forward slope %s (%d values)" % (slope, len(v64)), ok.all())

# prelu: one slope per column, as torch.nn.PReLU over channels
cols = v32[: (len(v32) // 3) * 3].reshape(-1, 3)
datap = "\n".join(",".join(s for s in text32(r).split("\n")[:-1]) for r in cols) + "\n"
gotp = np.array([[np.float32(s) for s in line.split(",")]
                 for line in run(["-m", "prelu", "-s", "0.1,0.2,0.3", "--dtype", "f32"], datap)],
                dtype=np.float32)
prelu = torch.nn.PReLU(3)
with torch.no_grad():
    prelu.weight[:] = torch.tensor([0.1, 0.2, 0.3])
    wantp = prelu(torch.tensor(cols)).numpy()
case("f32 prelu 3 channels (%d rows)" % len(cols), same_bits(gotp, wantp).all())

# exact mode against Python's decimal module
decimal.getcontext().prec = 200
xs = ["%.*f" % (int(rng.integers(0, 12)), x) for x in rng.uniform(-1000, 1000, N // 10)]
for slope in ("0.01", "0.2", "-0.5", "0.123456789"):
    got = run(["-s", slope], "\n".join(xs) + "\n")
    a = decimal.Decimal(slope)
    bad = 0
    for x, g in zip(xs, got):
        d = decimal.Decimal(x)
        want = d if d > 0 else d * a
        if d > 0:
            bad += g != x
        else:
            bad += decimal.Decimal(g) != want or (g.startswith("-") != want.is_signed())
    case("exact forward slope %s (%d values) against decimal" % (slope, len(xs)), bad == 0,
         "%d differ" % bad)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
