// Radiative IB models: normalisation from the soft-photon limit, the PDG
// K+ -> pi+ pi0 gamma (IB) branching ratio, and generated spectra vs the densities.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/Pi0Decay.hpp"
#include "kaonlab/generator/models/Radiative.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
const double mK = mass(pdg::kKPlus);
}

TEST(Kl2GammaIB, SoftLimitFixesNormalisation) {
  // dGamma/dx / Gamma(mu nu) -> b / x for x -> 0 (Low / Yennie-Frautschi-Suura), with b the
  // soft-photon exponent of the muon (kaon-physics.md 2.6: b = 0.0032 for mu, [check]).
  Kl2GammaIBDecay m(Kl2GammaIBDecay::Config{13, 1.0 * units::MeV});
  const double r = m.r();
  const double beta = (1 - r) / (1 + r);
  const double b = softPhotonExponent(beta);
  EXPECT_NEAR(b, 0.0032, 0.00005);
  const double x = 1e-4;
  EXPECT_NEAR(x * m.relativeDx(x) / b, 1.0, 0.01);
}

TEST(Kl2GammaIB, GeneratedPhotonSpectrumMatchesBEG) {
  Kl2GammaIBDecay m(Kl2GammaIBDecay::Config{13, 10.0 * units::MeV});
  RandomStream rng(7, streamId("kmu2g"), 0);
  DecayProducts d;
  std::vector<double> lx;
  for (int i = 0; i < 100000; ++i) {
    m.generate(rng, d);
    const FourVector s = d.total();
    ASSERT_NEAR(s.e, mK, 1e-9);
    ASSERT_NEAR(s.p(), 0.0, 1e-9);
    lx.push_back(std::log(2 * d[2].p.e / mK));
  }
  auto pdf = [&](double l) { const double x = std::exp(l); return x * m.relativeDx(x); };
  const auto res = test::chi2Test(lx, pdf, std::log(m.xMin()), std::log(m.xMax()), 40);
  EXPECT_GT(res.pValue, 1e-3) << res.statistic << "/" << res.ndf;
  EXPECT_EQ(m.overflows(), 0u);
}

TEST(PiPi0GammaIB, SoftLimitAndPdgBranchingRatio) {
  PiPi0GammaIBDecay m(PiPi0GammaIBDecay::Config{10.0 * units::MeV});
  // soft limit: dGamma/dlnE -> Gamma(pi pi0) b_pi
  const double mpi = mass(pdg::kPiPlus);
  const double p = twoBodyMomentum(mK, mpi, mass(pdg::kPi0));
  const double b = softPhotonExponent(p / std::sqrt(p * p + mpi * mpi));
  const double e1 = 0.05 * units::MeV, e2 = 0.1 * units::MeV;
  const double slope = (m.relativeRate(e1) - m.relativeRate(e2)) / std::log(e2 / e1);
  EXPECT_NEAR(slope / b, 1.0, 0.02);
  // PDG: BR(K+ -> pi+ pi0 gamma, IB, T*_pi 55-90 MeV) = (2.75 +- 0.15)e-4 (kaon-physics.md 1.2)
  const double tmin = 55 * units::MeV, tmax = 90 * units::MeV;
  const double rel = m.relativeRate(1e-3 * units::MeV, [&](double ePi, double) {
    const double t = ePi - mpi;
    return t > tmin && t < tmax;
  });
  const double br = 0.2067 * rel;
  EXPECT_NEAR(br, 2.75e-4, 2 * 0.15e-4) << "BR(IB, 55-90 MeV) = " << br;
}

TEST(PiPi0GammaIB, GeneratedPhotonSpectrumMatchesLow) {
  PiPi0GammaIBDecay m(PiPi0GammaIBDecay::Config{10.0 * units::MeV});
  RandomStream rng(8, streamId("k2pig"), 0);
  DecayProducts d;
  std::vector<double> le;
  for (int i = 0; i < 100000; ++i) {
    m.generate(rng, d);
    ASSERT_NEAR(d.total().e, mK, 1e-9);
    le.push_back(std::log(d[2].p.e));
  }
  auto pdf = [&](double l) {
    const double eg = std::exp(l);
    const auto [lo, hi] = m.ePiRange(eg);
    return eg * test::simpson([&](double ep) { return m.lowFactor(ep, eg); }, lo, hi, 200);
  };
  const auto res = test::chi2Test(le, pdf, std::log(10.0 * units::MeV), std::log(m.eGammaMax()), 40);
  EXPECT_GT(res.pValue, 1e-3) << res.statistic << "/" << res.ndf;
  EXPECT_EQ(m.overflows(), 0u);
}

TEST(Pi0Decay, KrollWadaMassSpectrum) {
  Pi0Decayer pi0;
  RandomStream rng(9, streamId("pi0"), 0);
  ProductList<3> out;
  const double mpi0 = mass(pdg::kPi0);
  std::vector<double> lx;
  for (int i = 0; i < 200000; ++i) {
    pi0.decayAtRest(Pi0Channel::Dalitz, rng, out);
    ASSERT_EQ(out.size(), 3u);
    ASSERT_NEAR(out.total().e, mpi0, 1e-10);
    ASSERT_NEAR(out.total().p(), 0.0, 1e-10);
    lx.push_back(std::log((out[0].p + out[1].p).m2() / (mpi0 * mpi0)));
  }
  auto pdf = [&](double l) { const double x = std::exp(l); return x * pi0.dalitzDx(x); };
  const auto res = test::chi2Test(lx, pdf, std::log(pi0.dalitzXMin()), 0.0, 50);
  EXPECT_GT(res.pValue, 1e-3) << res.statistic << "/" << res.ndf;
}

TEST(Pi0Decay, KrollWadaAngularDistribution) {
  // y = 2(E+ - E-)/(m (1-x)) follows 1 + y^2 + r/x at fixed x: test the x > 0.3 band,
  // where r/x is negligible and |y| <= beta ~ 1: density ~ 1 + y^2 on [-1, 1].
  Pi0Decayer pi0;
  RandomStream rng(10, streamId("pi0-y"), 0);
  ProductList<3> out;
  const double m = mass(pdg::kPi0);
  std::vector<double> ys;
  while (ys.size() < 50000) {
    pi0.decayAtRest(Pi0Channel::Dalitz, rng, out);
    const double x = (out[0].p + out[1].p).m2() / (m * m);
    if (x < 0.3) continue;
    ys.push_back(2 * (out[0].p.e - out[1].p.e) / (m * (1 - x)));
  }
  const auto res = test::chi2Test(ys, [](double y) { return 1 + y * y; }, -1.0, 1.0, 20);
  EXPECT_GT(res.pValue, 1e-3) << res.statistic << "/" << res.ndf;
}
