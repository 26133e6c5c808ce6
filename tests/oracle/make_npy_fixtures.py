#!/usr/bin/python3
"""Writes tests/fixtures/npy/: .npy inputs as numpy writes them (header
versions 1.0 and 2.0, both byte orders, 1-D to 4-D, C and Fortran order,
float16/32/64), bad ones (int64, a truncated header, a shape that does
not match the data), and for each good input the data bytes PyTorch
computes (little-endian, in the input's dtype), so that the main suite
can check lrelu without numpy or torch installed."""
import io
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "npy")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(4)


def save(name, arr, version=None):
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, arr, version=version)


def expect(name, arr, mode, slopes):
    t = torch.from_numpy(np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("=")))
    work = t.float() if t.dtype == torch.float16 else t
    if mode == "prelu":
        w = torch.tensor(slopes, dtype=work.dtype)
        shape = [1] * work.dim()
        shape[1] = len(slopes)
        y = torch.where(work > 0, work, work * w.view(shape))
    else:
        y = torch.nn.functional.leaky_relu(work, slopes[0])
    y = y.to(t.dtype).numpy()
    # data in the array's own memory order, little-endian
    order = "F" if np.isfortran(arr) else "C"
    data = y.astype(y.dtype.newbyteorder("<")).tobytes(order=order)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def vals(shape, dtype):
    v = (rng.standard_normal(shape) * 3).astype(dtype)
    flat = v.reshape(-1)
    flat[:4] = [0.0, -0.0, -1.5, 2.0]
    return v


a = vals((3, 4), "<f4")
save("v1_f4_2d.npy", a)
expect("v1_f4_2d.s0.1.bin", a, "forward", [0.1])

b = vals((2, 3, 2), ">f8")
save("v2_be_f8_3d.npy", b, version=(2, 0))
expect("v2_be_f8_3d.s0.1.bin", b, "forward", [0.1])

c = vals((7,), "<f2")
save("f2_1d.npy", c)
expect("f2_1d.s0.1.bin", c, "forward", [0.1])

d = np.asfortranarray(vals((3, 4), "<f4"))
save("fortran_f4_2d.npy", d)
expect("fortran_f4_2d.s0.5.bin", d, "forward", [0.5])

e = vals((2, 3, 1, 2), "<f4")
save("f4_4d.npy", e)
expect("f4_4d.prelu.bin", e, "prelu", [0.1, 0.2, 0.3])

save("bad_int64.npy", np.arange(5, dtype=np.int64))
buf = io.BytesIO()
np.lib.format.write_array(buf, vals((4,), "<f4"))
raw = buf.getvalue()
with open(os.path.join(OUT, "bad_truncated_header.npy"), "wb") as f:
    f.write(raw[:40])
with open(os.path.join(OUT, "bad_shape.npy"), "wb") as f:
    f.write(raw[:-4])  # header says 4 values, the data holds 3
