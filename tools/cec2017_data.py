"""Build problems/data/cec2017/cec2017_D{10,30,50,100}.npz from the competition's input_data.

Source: the PyPI package surfaces-cec-data 0.0.1 (MIT; its cec2017 arrays are the competition's
input_data files, checked equal number for number at D = 10, 30, 50 and 100 against the text
files in VladimirStanovov/L-SRTDE_CEC-2024 input_data/). Only what cec17_test_func.cpp reads is
kept: per function f, ``M{f}`` (k, D, D) transformation matrices, ``o{f}`` (k, D) shift vectors
(k = the number of components of a composition, else 1) and ``S{f}`` the shuffles (0-based) of
hybrid functions and of F29-F30.

    pip download surfaces-cec-data==0.0.1 --no-deps -d /tmp/s && unzip /tmp/s/*.whl -d /tmp/s
    python tools/cec2017_data.py /tmp/s/surfaces_cec_data/cec2017
"""

import os
import pathlib
import sys

import numpy as np

COMPONENTS = {21: 3, 22: 3, 23: 4, 24: 4, 25: 5, 26: 5, 27: 6, 28: 6, 29: 3, 30: 3}
TARGET = pathlib.Path(__file__).resolve().parents[1] / "problems" / "data" / "cec2017"


def build(source, dim):
    data = np.load(os.path.join(source, f"cec2017_data_dim{dim}.npz"))
    arrays = {}
    for f in [1] + list(range(3, 31)):
        k = COMPONENTS.get(f, 1)
        if k == 1:
            arrays[f"M{f}"] = data[f"rotation_{f}"][None]
            arrays[f"o{f}"] = data[f"shift_{f}"][None]
        else:
            arrays[f"M{f}"] = np.stack([data[f"rotation_{f}_{i}"] for i in range(k)])
            arrays[f"o{f}"] = np.stack([data[f"shift_{f}_{i}"] for i in range(k)])
        if 11 <= f <= 20:
            arrays[f"S{f}"] = data[f"shuffle_{f}"][None].astype(np.int16)
        elif f in (29, 30):
            arrays[f"S{f}"] = np.stack([data[f"shuffle_{f}_{i}"] for i in range(3)]
                                       ).astype(np.int16)
    path = TARGET / f"cec2017_D{dim}.npz"
    np.savez_compressed(path, **arrays)
    print(f"{path}: {os.path.getsize(path):,} bytes")


if __name__ == "__main__":
    for d in (10, 30, 50, 100):
        build(sys.argv[1], d)
