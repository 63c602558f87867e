#!/usr/bin/env python3
"""Plots of a kaonlab histogram file (kaonlab simulate with [output] histograms = true).

Reads PREFIX.hist.h5 (format kaonlab-histograms, docs/io.md "Histograms") and writes one
PNG and one SVG per histogram into the output directory: 1-D histograms as steps with
sqrt(sum_w2) error bars (the under- and overflow printed in the title), 2-D histograms as a
colour map on a log scale. Prints the files written.

Needs h5py and matplotlib (Debian python3-h5py, python3-matplotlib): run with
/usr/bin/python3 where the python3 on PATH lacks them.
Usage: plot_histograms.py FILE.hist.h5 OUTDIR [--logy]
"""
import argparse
import json
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402


def label(axis):
    return f"{axis['name']} [{axis['unit']}]" if axis["unit"] else axis["name"]


def save(fig, out, name):
    paths = []
    for ext in ("png", "svg"):
        p = os.path.join(out, f"{name}.{ext}")
        fig.savefig(p, dpi=110, bbox_inches="tight")
        paths.append(p)
    plt.close(fig)
    return paths


def plot_1d(entry, g, out, logy):
    ax_info = entry["axes"][0]
    w, w2 = g["sum_w"][:], g["sum_w2"][:]
    n = ax_info["bins"]
    edges = np.linspace(ax_info["lo"], ax_info["hi"], n + 1)
    inner, err = w[1:-1], np.sqrt(w2[1:-1])
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.stairs(inner, edges, color="tab:blue")
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax.errorbar(centres, inner, yerr=err, fmt="none", ecolor="tab:blue", alpha=0.5, lw=0.8)
    ax.set_xlabel(label(ax_info))
    ax.set_ylabel("sum of weights per bin")
    if logy and np.any(inner > 0):
        ax.set_yscale("log")
    ax.set_title(f"{entry['title']}\nunderflow {w[0]:.4g}, overflow {w[-1]:.4g}", fontsize=9)
    return save(fig, out, entry["name"])


def plot_2d(entry, g, out):
    ax_x, ax_y = entry["axes"]
    nx, ny = ax_x["bins"], ax_y["bins"]
    w = g["sum_w"][:].reshape(ny + 2, nx + 2)[1:-1, 1:-1]  # rows: y; columns: x (x fastest)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    xe = np.linspace(ax_x["lo"], ax_x["hi"], nx + 1)
    ye = np.linspace(ax_y["lo"], ax_y["hi"], ny + 1)
    positive = w[w > 0]
    norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if positive.size else None
    mesh = ax.pcolormesh(xe, ye, np.where(w > 0, w, np.nan), norm=norm, cmap="viridis")
    fig.colorbar(mesh, ax=ax, label="sum of weights per bin")
    ax.set_xlabel(label(ax_x))
    ax.set_ylabel(label(ax_y))
    ax.set_title(entry["title"], fontsize=9)
    return save(fig, out, entry["name"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("outdir")
    ap.add_argument("--logy", action="store_true", help="log scale for the 1-D histograms")
    a = ap.parse_args()
    with h5py.File(a.file, "r") as f:
        if f.attrs.get("format") != "kaonlab-histograms":
            sys.exit(f"plot_histograms.py: {a.file} is not a kaonlab histogram file")
        os.makedirs(a.outdir, exist_ok=True)
        for entry in json.loads(f.attrs["histograms"]):
            g = f[entry["name"]]
            paths = plot_1d(entry, g, a.outdir, a.logy) if len(entry["axes"]) == 1 else plot_2d(entry, g, a.outdir)
            for p in paths:
                print(p)


if __name__ == "__main__":
    main()
