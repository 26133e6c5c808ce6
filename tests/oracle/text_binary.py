#!/usr/bin/python3
"""Text into float64 and float32 (-t f64, -t f32, -t npy) against
Python's exact arithmetic: each value lrelu writes must be the exact
decimal result (decimal module) rounded once, to nearest with ties to
even, to the target's width (Python's Fraction to float for float64; the
float32 neighbours compared exactly for float32, never through float64).
Numbers of 1 to 25 digits, exponents, numbers just above float32
halfway points, subnormals and overflows, at slopes of every shape, in
forward, prelu and grad, read as CSV, JSON and NDJSON. Prints each
failing case (every case with VERBOSE=1) and a summary line."""
import os
import random
import struct
import subprocess
import sys
from decimal import Decimal, getcontext
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decimal_exact import expected, layout, number, report  # noqa: E402

getcontext().prec = 300
LRELU = os.environ.get("LRELU", "./lrelu")
F32_MAX = Fraction(2) ** 128 - Fraction(2) ** 104
F32_LIMIT = Fraction(2) ** 128 - Fraction(2) ** 103  # halfway to 2^128: rounds to inf

# numbers whose float32 rounding is lost when float64 comes first, the
# edges of both widths, and subnormals
SPECIAL = ["1.000000059604644776", "1.500000059604644776", "3.000000119209289551",
           "3.4028235677973366e38", "3.4028235677973367e38", "1.17549435e-38",
           "1.4e-45", "7e-46", "8e-46", "2.2250738585072014e-308", "4.9e-324",
           "2.4703282292062328e-324", "1.7976931348623157e308", "1.8e308", "1e-400"]


def f64_of(fr, neg):
    try:
        v = float(fr)
    except OverflowError:
        v = float("inf")
    return -v if neg else v


def f32_bits_of(fr, neg):
    """The float32 nearest the exact fraction fr >= 0, ties to even."""
    sign = 0x80000000 if neg else 0
    if fr >= F32_LIMIT:
        return sign | 0x7F800000
    if fr > F32_MAX:
        return sign | 0x7F7FFFFF
    try:
        guess = struct.unpack("<I", struct.pack("<f", float(fr)))[0]
    except OverflowError:
        guess = 0x7F7FFFFF
    best = None
    for b in (guess - 1, guess, guess + 1):
        if b < 0 or b > 0x7F7FFFFF:
            continue
        v = Fraction(struct.unpack("<f", struct.pack("<I", b))[0])
        d = abs(v - fr)
        if best is None or d < best[0] or (d == best[0] and b % 2 == 0):
            best = (d, b)
    return sign | best[1]


def run(args, data):
    p = subprocess.run([LRELU] + args, input=data.encode(), capture_output=True)
    if p.returncode != 0:
        print(f"not ok {' '.join(args)}: exit {p.returncode}: {p.stderr.decode().strip()[:200]}")
        return None
    return p.stdout


def check(name, texts, slopes, mode, width, out):
    fmt = "<%d%s" % (len(texts), "d" if width == 64 else "I")
    if len(out) != struct.calcsize(fmt):
        print(f"not ok {name}: {len(out)} bytes out for {len(texts)} values")
        return 1
    got = struct.unpack(fmt, out)
    bad = 0
    for i, (t, g) in enumerate(zip(texts, got)):
        want = expected(mode, Decimal(t), Decimal(slopes[i % len(slopes)]))
        fr, neg = Fraction(abs(want)), want.is_signed()
        if width == 64:
            w = f64_of(fr, neg)
            wrong = struct.pack("<d", w) != struct.pack("<d", g)
        else:
            w = f32_bits_of(fr, neg)
            wrong = w != g
        if wrong:
            if bad < 3:
                print(f"  {name}: {t} gave {g!r}, want {w!r} (exact {want})")
            bad += 1
    return report(name, len(texts), bad)


def main():
    rng = random.Random(int(os.environ.get("SEED", "2027")))
    n = int(os.environ.get("VALUES", "6000"))
    cases = [("forward", s) for s in ["0.01", "0.2", "0.3", "0.1234", "2.5", "-0.75", "0",
                                     "1e-20", "123456789.123456789"]]
    cases += [("grad", "0.2"), ("grad", "-3.5e-7"), ("prelu", "0.1,-0.2,0.3")]
    failed = total = 0
    for fmt in ["csv", "json", "ndjson"]:
        texts = [number(rng, fmt != "csv") if rng.random() < 0.9 else
                 ("-" if rng.random() < 0.6 else "") + rng.choice(SPECIAL) for _ in range(n)]
        texts = texts[:n - n % 3]
        rows = [texts[i:i + 3] for i in range(0, len(texts), 3)]
        data = layout(fmt, rows)
        base = ["-f", fmt] + (["--no-header"] if fmt == "csv" else [])
        for mode, slope in cases:
            for to, width in [("f64", 64), ("f32", 32)]:
                args = base + ["-m", mode, "-s", slope, "-t", to]
                out = run(args, data)
                total += 1
                if out is None:
                    failed += 1
                    continue
                failed += check(" ".join(args), texts, slope.split(","), mode, width, out)
        # .npy: float64 values after a header of 128 bytes
        out = run(base + ["-s", "0.2", "-t", "npy"], data)
        total += 1
        if out is None or out[:6] != b"\x93NUMPY":
            failed += 1
        else:
            hlen = struct.unpack("<H", out[8:10])[0] + 10
            failed += check(f"{fmt} -s 0.2 -t npy", texts, ["0.2"], "forward", 64, out[hlen:])
    print(f"text_binary: {total} cases of {n - n % 3} values, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
