#!/usr/bin/env python3
"""Cross-check a kaonlab reco ntuple with h5py (and pandas when importable).

usage: read_reco_ntuple.py FILE N_EVENTS N_TRACKS     exit status 0 = all checks passed
"""
import sys

import h5py
import numpy as np


def check(cond, what):
    if not cond:
        print("read_reco_ntuple.py: FAILED:", what)
        sys.exit(1)


def main():
    path, n_events, n_tracks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with h5py.File(path, "r") as f:
        check(f.attrs["format"] == "kaonlab-reco-ntuple", "format attribute")
        check(f.attrs["units"] == "GeV, mm, ns", "units attribute %r" % f.attrs["units"])
        ev, tr = f["events"], f["tracks"]
        ev_cols, tr_cols = ev.attrs["columns"].split(","), tr.attrs["columns"].split(",")
        check(sorted(ev.keys()) == sorted(ev_cols), "event columns %s" % sorted(ev.keys()))
        check(sorted(tr.keys()) == sorted(tr_cols), "track columns %s" % sorted(tr.keys()))
        for c in ev_cols:
            check(ev[c].shape == (n_events,), "rows of events/%s" % c)
            check(isinstance(ev[c].attrs["unit"], str) and ev[c].attrs["description"] != "", "attrs of events/%s" % c)
        for c in tr_cols:
            check(tr[c].shape == (n_tracks,), "rows of tracks/%s" % c)
        check(ev["index"].dtype == np.uint64 and ev["truth_mode"].dtype == np.int32
              and ev["weight"].dtype == np.float64 and ev["first_track"].dtype == np.int64
              and ev["ktag_tagged"].dtype == np.bool_ and tr["muv3"].dtype == np.bool_
              and tr["time_source"].dtype == np.int32, "column types")
        check(tr["m2miss"].attrs["unit"] == "GeV^2", "unit of m2miss")
        names = [s.decode() if isinstance(s, bytes) else s for s in f["modes/name"][:]]
        check(len(names) == 4 and names[1] == "K+ -> mu+ nu_mu", "mode names %r" % names)
        first, n = ev["first_track"][:], ev["n_tracks"][:]
        check(int(n.sum()) == n_tracks, "sum of n_tracks")
        check(np.all(first[1:] == first[:-1] + n[:-1]), "first_track is the running sum")
        check(np.all(tr["event"][:][first[n > 0]] == ev["index"][:][n > 0]), "tracks point to their event")
        best = ev["best"][:]
        sel = best >= 0
        check(np.all(best[sel] < n[sel]), "best is a track of the event")
        # photon_veto is the OR of the four vetoes in the synthetic events; boolean masks work directly
        anyveto = ev["lav_veto"][:] | ev["irc_veto"][:] | ev["sac_veto"][:] | ev["lkr_veto"][:]
        check(np.array_equal(anyveto, ev["photon_veto"][:]), "boolean columns")
        try:
            import pandas as pd
        except ImportError:
            print("read_reco_ntuple.py: h5py checks passed (pandas not installed)")
            return
        events = pd.DataFrame({c: ev[c][:] for c in ev_cols})
        tracks = pd.DataFrame({c: tr[c][:] for c in tr_cols})
        check(len(events) == n_events and len(tracks) == n_tracks, "pandas row counts")
        best_tracks = events[events.best >= 0].merge(tracks, left_on=["index", "best"], right_on=["event", "track"])
        check(len(best_tracks) == int(sel.sum()), "pandas join of the best track to its event")
        check(len(events[events.ktag_tagged]) == int(ev["ktag_tagged"][:].sum()), "pandas boolean mask")
        print("read_reco_ntuple.py: h5py and pandas checks passed")


if __name__ == "__main__":
    main()
