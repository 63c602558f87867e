#!/usr/bin/env python3
"""Plots of the kaonlab K+ -> pi+ nu nubar analysis (issue 5).

Reads <dir>/pnn_plot_data.json (written by kaonlab::analysis::writePnnPlotData) and writes,
as PNG and SVG into the same directory (or --output):
  pnn_background_vs_p.png/svg expected signal and backgrounds in R1+R2 vs pi+ momentum
  pnn_plane_<mode>.png/svg    m2miss vs pi+ momentum after the kinematic selection, R1/R2 boxes
  pnn_m2miss_modes.png/svg    m2miss per mode after the kinematic selection (log y)
  pnn_m2miss_selected.png/svg m2miss per mode after the full selection (weighted estimates, log y)
  pnn_background_table.png/svg kaonlab vs published 2018 background per mode

Needs matplotlib (Debian python3-matplotlib): run with /usr/bin/python3 where the python3
on PATH lacks it. Usage: plot_pnn.py results/ [--output DIR]
"""
import argparse
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402


def save(fig, out, name):
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"{name}.{ext}"), dpi=110, bbox_inches="tight")
    plt.close(fig)


def edges(lo, hi, n):
    return [lo + (hi - lo) * i / n for i in range(n + 1)]


def draw_regions(ax, reg, pmax_key="p_2018"):
    p0, p1 = reg[pmax_key]
    for name in ("r1", "r2"):
        lo, hi = reg[name]
        ax.add_patch(Rectangle((p0, lo), p1 - p0, hi - lo, fill=False, edgecolor="red", linewidth=1.5))
        ax.text(p1 + 0.3, 0.5 * (lo + hi), name.upper(), color="red", va="center", fontsize=9)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("directory")
    ap.add_argument("--output", default=None)
    args = ap.parse_args()
    out = args.output or args.directory
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(args.directory, "pnn_plot_data.json")) as f:
        d = json.load(f)
    b, reg = d["binning"], d["regions"]
    m2e = edges(b["m2_min"], b["m2_max"], b["m2_bins"])
    pe = edges(b["p_min"], b["p_max"], b["plane_p_bins"])
    me = edges(b["m2_min"], b["m2_max"], b["plane_m2_bins"])
    written = []

    # (p, m2miss) plane per mode
    for m in d["modes"]:
        z = m["plane"]
        npb, nmb = b["plane_p_bins"], b["plane_m2_bins"]
        grid = [[z[ip * nmb + im] for ip in range(npb)] for im in range(nmb)]
        pos = [v for row in grid for v in row if v > 0]
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        if pos:
            mesh = ax.pcolormesh(pe, me, [[v if v > 0 else float("nan") for v in row] for row in grid],
                                 norm=LogNorm(vmin=min(pos), vmax=max(pos)), cmap="viridis", shading="flat")
            fig.colorbar(mesh, ax=ax, label="expected K+ decays, Run 1 (per bin)")
        draw_regions(ax, reg)
        ax.set_xlabel("pi+ momentum (GeV/c)")
        ax.set_ylabel("m2miss (GeV^2/c^4)")
        ax.set_title(f"{m['label']}: kinematic selection (no PID, no vetoes)")
        name = f"pnn_plane_{m['key']}"
        save(fig, out, name)
        written.append(name)

    # m2miss per mode (kinematic and full selection)
    for hist, name, title in (("m2_kinematic", "pnn_m2miss_modes", "kinematic selection (no PID, no vetoes)"),
                              ("m2_selected", "pnn_m2miss_selected",
                               "full selection except the signal region (weighted estimates)")):
        fig, ax = plt.subplots(figsize=(7.5, 4.8))
        any_pos = False
        for m in d["modes"]:
            v = m[hist]
            if not any(x > 0 for x in v):
                continue
            any_pos = True
            ax.stairs(v, m2e, label=m["label"], linewidth=1.3)
        for r in ("r1", "r2"):
            ax.axvspan(reg[r][0], reg[r][1], color="red", alpha=0.08)
        if any_pos:
            ax.set_yscale("log")
            ax.legend(fontsize=7, loc="upper right")
        ax.set_xlabel("m2miss (GeV^2/c^4)")
        ax.set_ylabel("expected events, Run 1 (per 0.001 GeV^2/c^4)")
        ax.set_title(title, fontsize=10)
        save(fig, out, name)
        written.append(name)

    # expected events in R1+R2 vs pi+ momentum (2018 selection): signal (SM BR) and backgrounds
    fig, ax = plt.subplots(figsize=(7.5, 4.8))
    any_pos = False
    top = 0.0
    for m in d["modes"]:
        if m["key"] == "pinunu":
            v = [x * d["signal_br_sm"] / m["br"] for x in m["p_signal_region"]]
            lab, style = "pi+ nu nubar (SM)", dict(color="red", linewidth=2.0)
        else:
            v = m["p_signal_region_weighted"]
            lab, style = m["label"], dict(linewidth=1.2)
        if not any(x > 0 for x in v):
            continue
        any_pos = True
        ax.stairs(v, pe, label=lab, **style)
        top = max(top, max(v))
    if any_pos:
        ax.set_yscale("log")
        ax.set_ylim(top * 1e-5, top * 3)
        ax.legend(fontsize=7, loc="lower center", ncol=2)
    ax.set_xlim(reg["p_2018"][0] - 2, reg["p_2018"][1] + 2)
    ax.set_xlabel("pi+ momentum (GeV/c)")
    ax.set_ylabel("expected events in R1+R2, Run 1 (per 0.5 GeV/c)")
    ax.set_title("signal and backgrounds vs pi+ momentum (weighted estimates; upstream not simulated)", fontsize=9)
    save(fig, out, "pnn_background_vs_p")
    written.append("pnn_background_vs_p")

    # background table
    t = d["background_table_2018"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    y = list(range(len(t)))
    kl = [max(r["kaonlab"], 1e-6) for r in t]
    ke = [r["kaonlab_error"] for r in t]
    pub = [max(r["published"], 1e-6) for r in t]
    ax.barh([v + 0.2 for v in y], pub, height=0.4, color="tab:gray", label="NA62 2018 (talk)")
    ax.barh([v - 0.2 for v in y], kl, height=0.4, xerr=ke, color="tab:blue", label="kaonlab (direct)")
    # NA62's own procedure N(own region) x f_kin on kaonlab's samples, where a mode has one
    fy = [v - 0.2 for v, r in zip(y, t) if r.get("kaonlab_na62_procedure") is not None]
    fv = [r["kaonlab_na62_procedure"] for r in t if r.get("kaonlab_na62_procedure") is not None]
    fe = [r["kaonlab_na62_procedure_error"] for r in t if r.get("kaonlab_na62_procedure") is not None]
    if fv:
        ax.errorbar(fv, fy, xerr=fe, fmt="D", color="tab:orange", markersize=4,
                    label="kaonlab, NA62 procedure N(region) x f_kin")
    for i, r in enumerate(t):
        if r["published_upper_limit"]:
            ax.text(pub[i] * 1.3, i + 0.2, "< (upper limit)", va="center", fontsize=7)
    ax.set_yticks(y)
    ax.set_yticklabels([r["mode"] for r in t], fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("expected background events, 2018")
    ax.legend(fontsize=8)
    ax.set_title("K+ -> pi+ nu nubar backgrounds (upstream: not simulated)", fontsize=10)
    save(fig, out, "pnn_background_table")
    written.append("pnn_background_table")
    print("wrote " + ", ".join(f"{out}/{n}.png/svg" for n in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
