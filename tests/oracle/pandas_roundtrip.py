#!/usr/bin/python3
"""pandas to_csv() -> lrelu -> read_csv(), with and without the index,
with missing values: the frame read back equals Leaky ReLU of the frame
written (computed here in exact decimal from the written text), or its
gradient, the names, the index and the missing values unchanged."""
import decimal
import io
import os
import subprocess
import sys

import numpy as np
import pandas as pd

LRELU = os.environ.get("LRELU", "./lrelu")


def main():
    rng = np.random.default_rng(7)
    fails = 0
    n = 0
    for index, columns, mode in [(i, c, m) for i in (True, False)
                                 for c in (None, ["a", "b", "c", "d"]) for m in ("forward", "grad")]:
        n += 1
        if True:
            df = pd.DataFrame(rng.normal(size=(50, 4)).round(6), columns=columns)
            df.iloc[3, 2] = np.nan
            text = df.to_csv(index=index)
            out = subprocess.run([LRELU, "-s", "0.2", "-m", mode], input=text.encode(),
                                 capture_output=True)
            if out.returncode != 0:
                print("FAIL index=%s columns=%s %s: %s" % (index, columns, mode, out.stderr))
                fails += 1
                continue
            got = pd.read_csv(io.StringIO(out.stdout.decode()), index_col=0 if index else None)
            back = pd.read_csv(io.StringIO(text), index_col=0 if index else None)
            if mode == "grad":
                want = back.applymap(lambda v: v if np.isnan(v) else 1.0 if v > 0 else 0.2)
            else:
                want = back.applymap(lambda v: v if np.isnan(v) or v > 0 else
                                     float(decimal.Decimal(repr(v)) * decimal.Decimal("0.2")))
            if list(got.columns) != list(back.columns) or not got.index.equals(back.index) or \
               not np.array_equal(got.to_numpy(), want.to_numpy(), equal_nan=True):
                print("FAIL index=%s columns=%s %s: frames differ" % (index, columns, mode))
                fails += 1
    print("pandas_roundtrip: %d passed, %d failed" % (n - fails, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
