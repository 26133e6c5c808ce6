#!/usr/bin/python3
"""lrelu's verdict on JSON validity against Python's json module in strict
mode (UTF-8 text, json.loads with parse_constant raising, so NaN and
Infinity are refused). The texts are mutations of a few seed documents:
every byte value inserted at every structural position (before and after
each token, bracket, comma and colon, and just inside each string), and
string mutations (escapes, control characters, UTF-8 good and bad).

The one documented difference is lrelu's stream acceptance: several
concatenated values, or none at all (empty or blank input), are a
stream lrelu accepts where json.loads wants exactly one value.

Usage: json_validity.py            check every text, print a summary
       json_validity.py --sample F write a sample (hex text, verdict)
                                   for the main suite to F"""
import concurrent.futures
import json
import os
import random
import subprocess
import sys

LRELU = os.environ.get("LRELU", "./lrelu")

SEEDS = [
    b'{"a":[1,-2.5e3,"s\\u00e9\\n"],"b":{"c":null,"d":true,"e":false}}',
    b'[0,-0.0,1E+2,"x y",[],{}]',
    b'{"k":"v\xc3\xa9","n":-12.5}',
    b'"text"',
    b'-1',
]

STRING_INSERTS = [
    b"\\", b"\\\\", b'\\"', b"\\/", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t",
    b"\\u", b"\\u0", b"\\u00", b"\\u004", b"\\u0041", b"\\u12G4", b"\\uD800",
    b"\\uDFFF", b"\\uD83D\\uDE00", b"\\U0041", b"\\x41", b"\\a", b"\\0", b"\\'",
    b"\xc3\xa9", b"\xe2\x88\x92", b"\xf0\x9f\x98\x80", b"\xc0\xaf",
    b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
    b"\xe2\x88", b"\x80", b"\xbf", b"\xfe", b"\xff", b"\xc2", b"\xef\xbb\xbf",
]


def structural_positions(doc):
    """Offsets next to every token boundary: around brackets, commas,
    colons and quotes, at both ends, and between a number's characters."""
    pos = {0, len(doc)}
    for i, c in enumerate(doc):
        if c in b'{}[],:"':
            pos.add(i)
            pos.add(i + 1)
        if c in b"-+.eE0123456789" and i + 1 < len(doc):
            pos.add(i + 1)
    return sorted(pos)


def string_insides(doc):
    """Offsets just inside each string, after its opening quote."""
    out, in_str, esc = [], False, False
    for i, c in enumerate(doc):
        if in_str:
            if esc:
                esc = False
            elif c == 0x5C:
                esc = True
            elif c == 0x22:
                in_str = False
                out.append(i)  # before the closing quote too
        elif c == 0x22:
            in_str = True
            out.append(i + 1)
    return out


def texts():
    seen = set()
    for doc in SEEDS:
        for p in structural_positions(doc):
            for b in range(256):
                t = doc[:p] + bytes([b]) + doc[p:]
                if t not in seen:
                    seen.add(t)
                    yield t
        for p in string_insides(doc):
            for ins in STRING_INSERTS + [bytes([b]) for b in range(0x20)] + [b"\x7f"]:
                t = doc[:p] + ins + doc[p:]
                if t not in seen:
                    seen.add(t)
                    yield t
        # deletions: every byte left out once
        for p in range(len(doc)):
            t = doc[:p] + doc[p + 1:]
            if t not in seen:
                seen.add(t)
                yield t


def refuse(name):
    raise ValueError(name)


def python_accepts(t):
    try:
        s = t.decode("utf-8")
        json.loads(s, parse_constant=refuse)
        return True
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def is_stream(t):
    """Zero or several strict JSON values one after another."""
    try:
        s = t.decode("utf-8")
    except UnicodeDecodeError:
        return False
    dec, i, n = json.JSONDecoder(parse_constant=refuse), 0, 0
    while True:
        while i < len(s) and s[i] in " \t\n\r":
            i += 1
        if i == len(s):
            return n != 1
        try:
            _, i = dec.raw_decode(s, i)
        except ValueError:
            return False
        n += 1


def lrelu_accepts(t):
    r = subprocess.run([LRELU, "-f", "json"], input=t, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    if r.returncode not in (0, 1):
        raise SystemExit("lrelu exit %d on %r: %s" % (r.returncode, t, r.stderr))
    if r.returncode == 1 and not r.stderr.startswith(b"lrelu: <stdin>"):
        raise SystemExit("no placed message on %r: %s" % (t, r.stderr))
    return r.returncode == 0


def main():
    all_texts = list(texts())
    if len(sys.argv) == 3 and sys.argv[1] == "--sample":
        rng = random.Random(19)
        sample = rng.sample(all_texts, 400)
        with open(sys.argv[2], "w") as f:
            f.write("# hex text, then 1 if Python's strict json accepts it as one value\n")
            f.write("# or lrelu's documented stream (tests/oracle/json_validity.py)\n")
            for t in sample:
                ok = python_accepts(t) or is_stream(t)
                f.write("%s %d\n" % (t.hex(), ok))
        return 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        verdicts = list(ex.map(lrelu_accepts, all_texts))
    agree = stream = 0
    bad = []
    for t, ours in zip(all_texts, verdicts):
        theirs = python_accepts(t)
        if ours == theirs:
            agree += 1
        elif ours and is_stream(t):
            stream += 1
        else:
            bad.append((t, ours, theirs))
    for t, ours, theirs in bad[:30]:
        print("differs: %r lrelu %s, python %s" % (t, ours, theirs))
    print("json_validity: %d texts, %d same verdict, %d accepted as a stream, %d differ"
          % (len(all_texts), agree, stream, len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
