#!/usr/bin/env python3
"""Plots of the kaonlab K+ -> pi+ mu+ mu- analysis (docs/analysis-pimumu.md).

Reads <dir>/pimumu_results.json (written by `kaonlab reproduce`) and writes, as PNG and SVG
into the same directory (or --output):
  pimumu_z_spectrum.png/svg  selected candidates vs z = m2(mu mu)/m2(K), with the fitted model
  pimumu_form_factor.png/svg |W(z)|^2 per z bin (acceptance-corrected data) with the fitted and
                             the published (NA62, a+ = -0.575, b+ = -0.722) curves

Needs matplotlib (Debian python3-matplotlib). Usage: plot_pimumu.py results/ [--output DIR]
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def save(fig, out, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"{name}.{ext}"), dpi=110, bbox_inches="tight")
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", help="folder with pimumu_results.json")
    ap.add_argument("--output", help="output folder (default: dir)")
    a = ap.parse_args()
    path = os.path.join(a.dir, "pimumu_results.json")
    try:
        with open(path) as f:
            r = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        sys.exit(f"plot_pimumu.py: cannot read {path}: {e}")
    out = a.output or a.dir
    os.makedirs(out, exist_ok=True)
    edges = r["z_bin_edges"]
    centres = [0.5 * (lo + hi) for lo, hi in zip(edges[:-1], edges[1:])]
    data = r["samples"]["pimumu_data"]["selected_per_z_bin"]
    plot = r["plot"]
    fit = r["fit"]

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.stairs(plot["fit_expected_per_z_bin"], edges, color="tab:blue",
              label=f"fit: a+ = {fit['a_plus']:.3f} ± {fit['a_plus_error']:.3f}, "
                    f"b+ = {fit['b_plus']:.3f} ± {fit['b_plus_error']:.3f}")
    ax.errorbar(centres, data, yerr=[v ** 0.5 for v in data], fmt="o", color="k", ms=3,
                label=f"kaonlab data ({r['samples']['pimumu_data']['selected']} candidates)")
    ax.set_xlabel("z = m²(μμ) / m²(K)")
    ax.set_ylabel("candidates per bin")
    ax.set_title("K+ → π+μ+μ−: reconstructed z spectrum")
    ax.legend(fontsize=8)
    save(fig, out, "pimumu_z_spectrum")

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(plot["curve_z"], plot["curve_form_factor2_fit"], color="tab:blue", label="kaonlab fit")
    ax.plot(plot["curve_z"], plot["curve_form_factor2_published"], color="tab:red", ls="--",
            label="NA62 (a+ = −0.575, b+ = −0.722)")
    ax.errorbar(centres, plot["form_factor2_per_z_bin"], yerr=plot["form_factor2_error_per_z_bin"],
                fmt="o", color="k", ms=3, label="kaonlab data, acceptance-corrected")
    ax.set_xlabel("z = m²(μμ) / m²(K)")
    ax.set_ylabel("|W(z)|²")
    ax.set_title("K+ → π+μ+μ− form factor")
    ax.legend(fontsize=8)
    save(fig, out, "pimumu_form_factor")


if __name__ == "__main__":
    main()
