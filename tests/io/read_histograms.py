#!/usr/bin/env python3
"""Cross-check a kaonlab histogram file with h5py (and pandas when importable).

usage: read_histograms.py FILE     exit status 0 = all checks passed
The file holds the histogram "h1" of HistogramTable.ReadableWithH5py: 4 bins on [0, 2),
sum_w = cell index, sum_w2 = 2 x cell index, 10 events.
"""
import json
import sys

import h5py
import numpy as np


def check(cond, what):
    if not cond:
        print("read_histograms.py: FAILED:", what)
        sys.exit(1)


def main():
    with h5py.File(sys.argv[1], "r") as f:
        check(f.attrs["format"] == "kaonlab-histograms", "format attribute")
        check(f.attrs["events"] == "10", "events attribute")
        index = json.loads(f.attrs["histograms"])
        check([h["name"] for h in index] == ["h1"], "index %r" % index)
        ax = index[0]["axes"][0]
        check((ax["name"], ax["unit"], ax["bins"], ax["lo"], ax["hi"]) == ("x", "GeV", 4, 0.0, 2.0), "axis %r" % ax)
        g = f["h1"]
        lo, hi, w, w2 = (g[c][:] for c in ("x_low", "x_high", "sum_w", "sum_w2"))
        check(len(w) == 6, "rows (4 bins + 2 flow bins)")
        check(np.isneginf(lo[0]) and np.isposinf(hi[-1]), "flow-bin edges")
        check(np.array_equal(lo[1:-1], [0.0, 0.5, 1.0, 1.5]) and np.array_equal(hi[1:-1], [0.5, 1.0, 1.5, 2.0]), "edges")
        check(np.array_equal(w, np.arange(6.0)) and np.array_equal(w2, 2 * np.arange(6.0)), "sums")
        check(g["sum_w"].attrs["description"].startswith("sum of event weights"), "description")
        check(list(f["modes/name"][:].astype(str)) == ["k2pi", "kmu2"], "modes")
        try:
            import pandas as pd
        except ImportError:
            return
        df = pd.DataFrame({c: g[c][:] for c in g})
        check(df["sum_w"].sum() == 15.0, "pandas sum")


if __name__ == "__main__":
    main()
