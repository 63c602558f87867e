#!/usr/bin/env python3
"""Cross-check a kaonlab truth ntuple with h5py (and pandas when importable).

usage: read_ntuple.py FILE N_EVENTS N_PARTICLES     exit status 0 = all checks passed
"""
import sys

import h5py
import numpy as np

EVENT_COLUMNS = ["index", "mode", "weight", "beam_pdg", "beam_px", "beam_py", "beam_pz", "beam_e",
                 "origin_x", "origin_y", "origin_z", "origin_t", "vertex_x", "vertex_y", "vertex_z",
                 "vertex_t", "n_particles", "first_particle"]
PARTICLE_COLUMNS = ["event", "pdg", "parent", "status", "px", "py", "pz", "e"]


def check(cond, what):
    if not cond:
        print("read_ntuple.py: FAILED:", what)
        sys.exit(1)


def main():
    path, n_events, n_particles = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with h5py.File(path, "r") as f:
        ev, pa = f["events"], f["particles"]
        check(sorted(ev.keys()) == sorted(EVENT_COLUMNS), "event columns %s" % sorted(ev.keys()))
        check(sorted(pa.keys()) == sorted(PARTICLE_COLUMNS), "particle columns %s" % sorted(pa.keys()))
        check(ev.attrs["columns"].split(",") == EVENT_COLUMNS, "events 'columns' attribute")
        for c in EVENT_COLUMNS:
            check(ev[c].shape == (n_events,), "rows of events/%s" % c)
        for c in PARTICLE_COLUMNS:
            check(pa[c].shape == (n_particles,), "rows of particles/%s" % c)
        check(ev["index"].dtype == np.uint64 and ev["mode"].dtype == np.int32
              and ev["weight"].dtype == np.float64 and ev["first_particle"].dtype == np.int64,
              "column types")
        check(f.attrs["units"] == "GeV, mm, ns", "units attribute %r" % f.attrs["units"])
        names = [s.decode() if isinstance(s, bytes) else s for s in f["modes/name"][:]]
        check(len(names) == 4 and names[1] == "K+ -> mu+ nu_mu", "mode names %r" % names)
        check(int(ev["n_particles"][:].sum()) == n_particles, "sum of n_particles")
        first, n = ev["first_particle"][:], ev["n_particles"][:]
        check(np.all(first[1:] == first[:-1] + n[:-1]), "first_particle is the running sum")
        check(np.all(pa["event"][:][first[n > 0]] == ev["index"][:][n > 0]), "particles point to their event")
        try:
            import pandas as pd
        except ImportError:
            print("read_ntuple.py: h5py checks passed (pandas not installed)")
            return
        events = pd.DataFrame({c: ev[c][:] for c in ev.attrs["columns"].split(",")})
        particles = pd.DataFrame({c: pa[c][:] for c in pa.attrs["columns"].split(",")})
        check(len(events) == n_events and len(particles) == n_particles, "pandas row counts")
        merged = particles.merge(events[["index", "mode"]], left_on="event", right_on="index")
        check(len(merged) == n_particles, "pandas join of particles to events")
        print("read_ntuple.py: h5py and pandas checks passed")


if __name__ == "__main__":
    main()
