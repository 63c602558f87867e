#!/usr/bin/env python3
"""Reference fit for tests/stats/test_minuit.cpp: fit a histogram with iminuit (Minuit2
MIGRAD, HESSE, MINOS) using exactly the likelihood of kaonlab::stats::BinnedFit.

Input file: one line per bin, "lo hi count". Model: extended quadratic density on the
histogram range [x0, x1],
    nu_i = N * int_bin (1 + a x + b x^2) dx / int_{x0}^{x1} (1 + a x + b x^2) dx,
-ln L = sum_i [nu_i - n_i + n_i ln(n_i / nu_i)] (Baker-Cousins), errordef 0.5.
Output: "name value hesse_error minos_lower minos_upper" per parameter, then
"fval <value> valid <0|1>".
"""
import math
import sys

from iminuit import Minuit


def main(path):
    bins, counts = [], []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            lo, hi, n = (float(v) for v in line.split())
            bins.append((lo, hi))
            counts.append(n)
    x0, x1 = bins[0][0], bins[-1][1]

    def integral(lo, hi, a, b):
        return (hi - lo) + a * (hi**2 - lo**2) / 2 + b * (hi**3 - lo**3) / 3

    def nll(N, a, b):
        norm = integral(x0, x1, a, b)
        s = 0.0
        for (lo, hi), n in zip(bins, counts):
            nu = N * integral(lo, hi, a, b) / norm
            if nu <= 0:
                return 1e300
            s += nu - n + (n * math.log(n / nu) if n > 0 else 0.0)
        return s

    m = Minuit(nll, N=1000.0, a=0.0, b=0.0)
    m.errordef = Minuit.LIKELIHOOD
    m.errors["N"], m.errors["a"], m.errors["b"] = 30.0, 0.05, 0.1
    m.limits["N"] = (0.0, 1e7)
    m.limits["a"] = (-5.0, 5.0)
    m.limits["b"] = (-5.0, 5.0)
    m.strategy = 2
    m.tol = 1e-4
    m.migrad()
    m.hesse()
    m.minos()
    for p in m.parameters:
        me = m.merrors[p]
        print(f"{p} {m.values[p]!r} {m.errors[p]!r} {me.lower!r} {me.upper!r}")
    print(f"fval {m.fval!r} valid {int(m.valid)}")


if __name__ == "__main__":
    main(sys.argv[1])
