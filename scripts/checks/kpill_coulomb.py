#!/usr/bin/env python3
"""Coulomb (Sommerfeld) factor of K+ -> pi+ l+ l- (kaon-physics.md 3.5; G. Isidori, EPJC 53
(2008) 567; NA62MC kch2pill.F): ratio of the corrected to the uncorrected rate, and the
forward-backward asymmetry of cos(theta_l+) (l+ vs pi+ in the l+ l- rest frame) it induces.
An independent implementation (rate formula from shared/reference/checks/kpill_br.py), used
as the reference of tests/generator/test_pill.cpp. Deterministic quadrature (log z grid).
Usage: python3 scripts/checks/kpill_coulomb.py
"""
import math

alpha = 1 / 137.035999
GF = 1.1663787e-5
mK, mpi, me, mmu = 0.493677, 0.13957039, 0.00051099895, 0.1056583755
rpi2 = (mpi / mK) ** 2
AL, BE, rV2 = -20.6e-8, -2.8e-8, 2.5


def lam(a, b, c):
    return a * a + b * b + c * c - 2 * (a * b + a * c + b * c)


def G(w):
    if w <= 4:
        return complex(math.sqrt(4 / w - 1) * math.asin(math.sqrt(w) / 2), 0)
    s = math.sqrt(1 - 4 / w)
    return complex(-0.5 * s * math.log((1 - s) / (1 + s)), -0.5 * s * math.pi)


def W(z, a, b):
    chi = 4 / 9 - 4 * rpi2 / (3 * z) - (1 - 4 * rpi2 / z) * G(z / rpi2) / 3
    z0 = 1 / 3 + rpi2
    Wpp = (1 + z / rV2) * (AL + BE * (z - z0) / rpi2) / rpi2 * chi
    return GF * mK ** 2 * (a + b * z) + Wpp


def dGdz(z, ml, a, b):
    rl2 = (ml / mK) ** 2
    if z <= 4 * rl2:
        return 0.0
    l = lam(1, z, rpi2)
    if l <= 0:
        return 0.0
    return (alpha ** 2 * mK / (12 * math.pi * (4 * math.pi) ** 4) * l ** 1.5 * math.sqrt(1 - 4 * rl2 / z)
            * (1 + 2 * rl2 / z) * abs(W(z, a, b)) ** 2)


def sommerfeld(s, mi, mj, like):
    a = (mi * mi - mj * mj) / s
    b = (mi * mi + mj * mj) / s
    beta = math.sqrt(max(1 + a * a - 2 * b, 0.0)) / (1 - b)
    A = (2 if like else -2) * math.pi * alpha / beta
    return A / math.expm1(A)


def coulomb(ml, a, b, nz=3000, nc=400):
    zmin, zmax = 4 * (ml / mK) ** 2, (1 - mpi / mK) ** 2
    u0, u1 = math.log(zmin), math.log(zmax)
    tot0 = tot = fb = 0.0
    for i in range(nz):
        u = u0 + (u1 - u0) * (i + 0.5) / nz
        z = math.exp(u)
        f = dGdz(z, ml, a, b) * z * (u1 - u0) / nz
        bl2 = 1 - 4 * ml ** 2 / (z * mK * mK)
        mll = math.sqrt(z) * mK
        q, El = mll / 2 * math.sqrt(bl2), mll / 2
        Epi = (mK * mK - mll * mll - mpi * mpi) / (2 * mll)
        ppi = math.sqrt(max(Epi * Epi - mpi * mpi, 0.0))
        norm = 2 * (1 - bl2 / 3)
        wll = sommerfeld(mll * mll, ml, ml, False)
        for j in range(nc):
            c = -1 + 2 * (j + 0.5) / nc
            d = f * (1 - bl2 * c * c) / norm * (2 / nc)
            s_plus = (Epi + El) ** 2 - (ppi * ppi + q * q + 2 * ppi * q * c)   # pi+ l+
            s_minus = (Epi + El) ** 2 - (ppi * ppi + q * q - 2 * ppi * q * c)  # pi+ l-
            w = wll * sommerfeld(s_minus, mpi, ml, False) * sommerfeld(s_plus, mpi, ml, True)
            tot0 += d
            tot += d * w
            fb += d * w * (1 if c > 0 else -1)
    return tot / tot0, fb / tot


if __name__ == "__main__":
    for name, ml, a, b in (("pimumu", mmu, -0.575, -0.722), ("piee", me, -0.578, -0.779)):
        r, afb = coulomb(ml, a, b)
        print(f"{name}: Coulomb rate ratio {r:.5f}, A_FB(cos theta_l+) {afb:+.5f}")
