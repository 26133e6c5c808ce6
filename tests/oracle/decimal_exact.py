#!/usr/bin/python3
"""lrelu's exact decimal arithmetic on text against Python's decimal
module: random numbers of 1 to 25 digits (leading and trailing zeros,
a point anywhere, exponents, 2^64 and its multiples, whose digits wrap
a 64-bit integer), at slopes of every shape, in forward, grad, inverse
and prelu, read as CSV, JSON and NDJSON. Each result must equal the
exact product (or the quotient where it terminates, else the quotient
correctly rounded to 17 digits), keep the sign of a zero, and a value
forward leaves alone must come back byte for byte. Prints each failing case (every case with
VERBOSE=1) and a summary line."""
import os
import random
import re
import subprocess
import sys
from decimal import Decimal, Inexact, getcontext, localcontext

getcontext().prec = 300
LRELU = os.environ.get("LRELU", "./lrelu")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def number(rng, json_ok):
    """A random number's text; json_ok: in JSON's grammar."""
    nd = rng.randint(1, 25)
    digits = str(rng.randrange(10 ** (nd - 1) if nd > 1 else 0, 10 ** nd))
    if rng.random() < 0.1:
        digits = str(rng.randint(1, 40) * 2 ** 64)
    if not json_ok and rng.random() < 0.3:
        digits = "0" * rng.randint(1, 5) + digits
    if rng.random() < 0.5 and len(digits) > 1:
        p = rng.randint(1, len(digits) - 1)
        if not json_ok or digits[0] != "0" or p == 1:
            digits = digits[:p] + "." + digits[p:]
    if rng.random() < 0.2:
        digits += "e" + str(rng.randint(-30, 30))
    return ("-" if rng.random() < 0.7 else "") + digits


def expected(mode, x, a):
    if mode == "forward" or mode == "prelu":
        return x if x > 0 else x * a
    if mode == "grad":
        return Decimal(1) if x > 0 else a
    if x > 0:
        return x
    # inverse: exact where the quotient terminates, else correctly
    # rounded to 17 significant digits
    with localcontext() as ctx:
        ctx.traps[Inexact] = False
        ctx.clear_flags()
        q = x / a
        if not ctx.flags[Inexact]:
            return q
    with localcontext() as ctx:
        ctx.prec = 17
        return x / a


def check(name, args, texts, slopes, mode, out):
    """Compares each number lrelu printed with the exact result."""
    got = NUMBER.findall(out)
    if len(got) != len(texts):
        print(f"not ok {name}: {len(got)} numbers out, {len(texts)} in")
        return 1
    bad = 0
    for i, (a, b) in enumerate(zip(texts, got)):
        x = Decimal(a)
        want = expected(mode, x, Decimal(slopes[i % len(slopes)]))
        y = Decimal(b)
        wrong = y != want or (y == 0 and y.is_signed() != want.is_signed())
        if mode == "forward" and x > 0 and a != b:
            wrong = True  # copied, not recomputed
        if wrong:
            if bad < 3:
                print(f"  {' '.join(args)}: {a} gave {b}, want {want}")
            bad += 1
    return report(name, len(texts), bad)


def report(name, n, bad):
    """Prints a failing case (any case with VERBOSE=1); 1 if it failed."""
    if bad or os.environ.get("VERBOSE"):
        print(f"{'ok' if bad == 0 else 'not ok'} {name} ({n} values, {bad} wrong)")
    return 1 if bad else 0


def layout(fmt, rows):
    """Rows of number texts as a CSV, JSON or NDJSON document."""
    if fmt == "csv":
        return "".join(",".join(r) + "\n" for r in rows)
    if fmt == "json":
        return "[" + ",\n".join("[" + ",".join(r) + "]" for r in rows) + "]\n"
    return "".join('{"x":[' + ",".join(r) + "]}\n" for r in rows)


def run(args, data):
    p = subprocess.run([LRELU] + args, input=data, capture_output=True, text=True)
    if p.returncode != 0:
        print(f"not ok {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()[:200]}")
        return None
    return p.stdout


def main():
    rng = random.Random(int(os.environ.get("SEED", "2026")))
    n = int(os.environ.get("VALUES", "6000"))
    cases = [("forward", s) for s in ["0.01", "0.2", "0.3", "0.25", "0.1234", "2.5", "-0.75", "0", "7",
                                     "0.000123456789012345678", "1e-20", "123456789.123456789"]]
    cases += [("grad", "0.2"), ("grad", "-3.5e-7")]
    cases += [("inverse", s) for s in ["0.2", "0.25", "2.5", "8", "0.00125", "0.3", "0.1234", "7",
                                       "9999999999999999999"]]
    failed = 0
    for fmt in ["csv", "json", "ndjson"]:
        texts = [number(rng, fmt != "csv") for _ in range(n)]
        rows = [texts[i:i + 3] for i in range(0, n - n % 3, 3)]
        texts = texts[:n - n % 3]
        data = layout(fmt, rows)
        base = ["-f", fmt] + (["--no-header"] if fmt == "csv" else [])
        for mode, slope in cases + [("prelu", "0.1,-0.2,0.3")]:
            args = base + ["-m", mode, "-s", slope]
            out = run(args, data)
            if out is None:
                failed += 1
                continue
            failed += check(f"{fmt} -m {mode} -s {slope}", args, texts, slope.split(","), mode, out)
    print(f"decimal_exact: {3 * (len(cases) + 1)} cases of {n - n % 3} values, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
