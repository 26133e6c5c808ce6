#!/usr/bin/python3
"""Writes tests/fixtures/realworld/: files as pandas, numpy and a public
dataset write them, and beside each the output expected of
`lrelu -s 0.01` (FILE.expected), computed here with Python's decimal
module, independently of lrelu: negative numbers times 0.01 exactly,
trailing zeros trimmed, notation as the input's; everything else as it
is. Run once; the main suite (tests/realworld.bats) compares."""
import csv
import decimal
import io
import os
import re

import numpy as np
import pandas as pd

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "realworld")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20)
SLOPE = decimal.Decimal("0.01")
NUM = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
NA = {"NA", "N/A", "n/a", "NULL", "null", "None", "<NA>", "#N/A", "nan", "NaN", ""}


def leaky(field):
    """The expected text for one field of a transformed column."""
    if field in NA or not NUM.match(field) or not field.startswith("-"):
        return field
    sci = re.search(r"([eE])([-+]?)\d+$", field)
    y = decimal.Decimal(field) * SLOPE
    if y == 0:
        return "-0"
    sign, digits, exp = y.as_tuple()
    digits = "".join(map(str, digits)).rstrip("0") or "0"
    point = len("".join(map(str, y.as_tuple()[1]))) + exp  # digits before the point
    if sci:
        e = point - 1
        mant = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        plus = "+" if sci.group(2) == "+" and e >= 0 else ""
        return "-" + mant + sci.group(1) + plus + str(e)
    text = format(y.normalize(), "f")
    return text


def expect(name, delim, header, skip=0, comment=None, index=False):
    with open(os.path.join(OUT, name), newline="") as f:
        lines = f.read().split("\n")
    out = []
    seen_header = not header
    for i, line in enumerate(lines):
        if i < skip or (comment and line.startswith(comment)) or line == "":
            out.append(line)
            continue
        if not seen_header:
            seen_header = True
            out.append(line)
            continue
        fields = line.split(delim) if delim != " " else line.split(" ")
        first = 1 if index else 0
        out.append(delim.join(fields[:first] + [leaky(x) for x in fields[first:]]))
    with open(os.path.join(OUT, name + ".expected"), "w", newline="") as f:
        f.write("\n".join(out))


df = pd.DataFrame(rng.normal(size=(6, 3)).round(4))
df.iloc[2, 1] = np.nan
df.to_csv(os.path.join(OUT, "pandas_index.csv"))  # ",0,1,2", an index column, NaN empty
expect("pandas_index.csv", ",", True, index=True)
df.to_csv(os.path.join(OUT, "pandas_noindex.csv"), index=False)  # "0,1,2"
expect("pandas_noindex.csv", ",", True)
named = pd.DataFrame({"pre0": [-1.5, 2.0, None], "pre1": [0.25, -3.0, 4.0]})
named.to_csv(os.path.join(OUT, "pandas_na.csv"), index=False, na_rep="NA")
expect("pandas_na.csv", ",", True)
np.savetxt(os.path.join(OUT, "savetxt.txt"), rng.normal(size=(4, 3)))  # "%.18e", spaces
expect("savetxt.txt", " ", False)
with open(os.path.join(OUT, "stock.csv"), "w") as f:
    f.write("# daily prices\n# source: a public dataset\nDate,Open,Close\n"
            "2020-01-02,-1.5,2.25\n2020-01-03,3,-0.5\n")
expect("stock.csv", ",", True, comment="#")
pd.DataFrame(rng.normal(size=(3, 2)).round(3), columns=["x", "y"]).to_csv(
    os.path.join(OUT, "tabs.tsv"), sep="\t", index=False)
expect("tabs.tsv", "\t", True)
