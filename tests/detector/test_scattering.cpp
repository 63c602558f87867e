// Single Coulomb scattering tail of the STRAW chambers (docs/physics.md "STRAW scattering
// tail"): the Moliere chi_c^2 against an independent evaluation from the PDG radiation length
// of carbon, the Rutherford 1/theta^2 law of the sampled angles (KS test), the tail
// probability per chamber, and the kink rate of simulated tracks.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <vector>

#include "../support/StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/generator/Generator.hpp"

using namespace kaonlab;
using namespace kaonlab::detector;

namespace {
/// K+ -> mu+ nu events (one muon track per event) for the simulated-track checks.
generator::Generator kmu2Generator(std::uint64_t seed) {
  generator::GeneratorConfig gc;
  gc.seed = seed;
  gc.modes = {"kmu2"};
  return generator::Generator(gc);
}
}  // namespace

TEST(MaterialBudget, StrawAndGtk3FollowNa62sMcGeometry) {
  // x/X0 recomputed from NA62's MC geometry (na62fw, session 11; docs/detector.md), with PDG
  // radiation lengths (mm): Mylar 285.4, Ar 1.176e6 / CO2 1.96e6 at the gas density 1.977
  // mg/cm^3 (19.55 / 36.20 g/cm^2), Cu 14.36, Au 3.344, W 3.504, Si 93.7, C6F14 ~208, epoxy ~360.
  const DetectorConfig dc;
  // STRAW: per chamber 4 views x 4 layers of straws (inner radius 4.875 mm, 36 um Mylar,
  // 0.05 um Cu, 0.02 um Au, 15 um-radius wire) at a 17.6 mm pitch, averaged over the pitch
  const double pitch = 17.6, rIn = 4.875, layers = 16;
  const double rOut = rIn + 0.036;
  const double mylar = M_PI * (rOut * rOut - rIn * rIn) / pitch * layers;
  const double gasX0 = 1.0 / (0.7 / 19.55 + 0.3 / 36.20) / 1.977e-3 * 10.0;  // g/cm^2 / (g/cm^3) -> mm
  const double gas = M_PI * rIn * rIn / pitch * layers;
  const double metal = 2 * M_PI * rIn * layers / pitch * (0.05e-3 / 14.36 + 0.02e-3 / 3.344);
  const double wire = M_PI * 0.015 * 0.015 / pitch * layers / 3.504;
  const double straw = mylar / 285.4 + gas / gasX0 + metal + wire;
  EXPECT_NEAR(straw, 0.00457, 0.00005);
  EXPECT_NEAR(dc.straw.material.radiationLengths, straw, 0.03 * straw);
  // GTK3: sensor 200 + chips 100 um Si, glue 30 um, cooling plate 370 um of which a 200 um layer
  // is half C6F14
  const double gtk = (0.200 + 0.100 + 0.370 - 0.100) / 93.7 + 0.100 / 208.0 + 0.030 / 360.0;
  EXPECT_NEAR(dc.gtk.gtk3Material.radiationLengths, gtk, 0.03 * gtk);
}

TEST(StrawScatteringTail, ChiCAgreesWithDirectFormulaForCarbon) {
  // Direct Moliere/Bethe formula chi_c^2 = 0.157 Z(Z+1) x / A / (p beta)^2 (MeV^2, x in g/cm^2)
  // for carbon (Z = 6, A = 12.011) with x = 0.45% of X0(C) = 42.70 g/cm^2 (PDG table value):
  // independent of the 716.4/ln(287/sqrt Z) radiation-length formula used in the code (which
  // reproduces the PDG X0 of carbon to ~1%).
  DetectorConfig dc;
  dc.straw.material.effectiveZ = 6.0;
  dc.straw.material.effectiveA = 12.011;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const double x = dc.straw.material.radiationLengths * 42.70;  // g/cm^2
  const double pBeta = 20.0 * units::GeV;
  const double direct = 0.157 * 6.0 * 7.0 * x / 12.011 / std::pow(pBeta / units::MeV, 2);  // rad^2
  EXPECT_NEAR(sim.strawTailChiC2(pBeta) / direct, 1.0, 0.02);
  // ~16 urad at 20 GeV/c for 0.45% X0
  EXPECT_NEAR(std::sqrt(sim.strawTailChiC2(pBeta)), 16.4e-6, 0.5e-6);
}

TEST(StrawScatteringTail, ProbabilityIsChiCOverThresholdSquared) {
  const DetectorConfig dc;
  const FastSimulation sim(dc, generator::BeamConfig{});
  for (double p : {10.0, 25.0, 45.0}) {
    const double theta = sim.strawTailThreshold(p, 1.0);
    // threshold = k x Highland theta0 (PDG): 13.6 MeV/p sqrt(x/X0) (1 + 0.038 ln(x/X0))
    const double t = dc.straw.material.radiationLengths;
    const double highland = 0.0136 / p * std::sqrt(t) * (1.0 + 0.038 * std::log(t));
    EXPECT_NEAR(theta, dc.straw.material.tailThreshold * highland, 1e-12);
    EXPECT_NEAR(sim.strawTailProbability(), sim.strawTailChiC2(p) / (theta * theta), 1e-12);
  }
  // a few per cent per chamber for a 3.5 theta0 threshold
  EXPECT_GT(sim.strawTailProbability(), 0.005);
  EXPECT_LT(sim.strawTailProbability(), 0.05);
}

TEST(StrawScatteringTail, AnglesFollowRutherfordLaw) {
  const DetectorConfig dc;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const double p = 20.0 * units::GeV, beta = 1.0;
  const double cut = sim.strawTailThreshold(p, beta), tmax = sim.strawTailMaxAngle(p);
  ASSERT_GT(tmax, 10 * cut);
  const int chambersMask = 0b1111;  // chambers 1-3 count, chamber 4 does not
  const std::uint64_t n = 400000;
  std::vector<double> u;
  std::vector<double> phi;
  int kinks = 0;
  std::array<int, 4> perChamber{};
  for (std::uint64_t i = 0; i < n; ++i) {
    RandomStream rng(7, streamId("test-tail"), i);
    const auto k = sim.strawScatteringTail(p, beta, chambersMask, rng);
    if (k.chamber == 0) continue;
    ++kinks;
    ++perChamber[static_cast<std::size_t>(k.chamber)];
    const double th = std::hypot(k.dSlopeX, k.dSlopeY);
    ASSERT_GE(th, cut * (1 - 1e-12));
    ASSERT_LE(th, tmax);
    // P(> theta | kink) = (1/theta^2 - 1/tmax^2) / (1/cut^2 - 1/tmax^2): uniform variable
    u.push_back((1 / (th * th) - 1 / (tmax * tmax)) / (1 / (cut * cut) - 1 / (tmax * tmax)));
    phi.push_back(std::atan2(k.dSlopeY, k.dSlopeX));
  }
  EXPECT_EQ(perChamber[0], 0);
  // expected number: 3 chambers x P x (1 - cut^2/tmax^2)
  const double expected = n * 3 * sim.strawTailProbability() * (1 - cut * cut / (tmax * tmax));
  EXPECT_NEAR(kinks, expected, 5 * std::sqrt(expected));
  for (int c = 1; c <= 3; ++c) EXPECT_NEAR(perChamber[static_cast<std::size_t>(c)], expected / 3, 5 * std::sqrt(expected / 3));
  const auto ks = test::ksTest(u, [](double x) { return std::clamp(x, 0.0, 1.0); });
  EXPECT_GT(ks.pValue, 1e-3) << "D = " << ks.statistic;
  const auto ksPhi = test::ksTest(phi, [](double x) { return (x + M_PI) / (2 * M_PI); });
  EXPECT_GT(ksPhi.pValue, 1e-3) << "D = " << ksPhi.statistic;
}

TEST(StrawScatteringTail, SimulatedTracksAreKinkedAtTheExpectedRate) {
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const generator::Generator gen = kmu2Generator(11);
  generator::TruthEvent ev;
  DetectorEvent de;
  double expected = 0;
  int kinked = 0;
  for (std::uint64_t i = 0; i < 100000; ++i) {
    gen.generate(i, ev);
    sim.simulate(ev, de);
    for (std::size_t k = 0; k < de.nStraw; ++k) {
      const auto& t = de.straw[k];
      expected += std::popcount(static_cast<unsigned>(t.chamberMask & 0b0111)) * sim.strawTailProbability();
      if (t.kinkChamber != 0) ++kinked;
    }
  }
  // the nuclear cut-off removes < 1% of the tail at these momenta
  EXPECT_NEAR(kinked, expected, 5 * std::sqrt(expected));
  // switched off: no kinks
  DetectorConfig off = dc;
  off.straw.material.scatteringTail = false;
  const FastSimulation simOff(off, generator::BeamConfig{});
  for (std::uint64_t i = 0; i < 2000; ++i) {
    gen.generate(i, ev);
    simOff.simulate(ev, de);
    for (std::size_t k = 0; k < de.nStraw; ++k) EXPECT_EQ(de.straw[k].kinkChamber, 0);
  }
}

TEST(StrawScatteringTail, ForcedBranchesReproduceTheNaturalTail) {
  // TailForcing: the branch without a hard scatter (weight 1 - P) and the branch with one
  // (weight P x angle-bias weight) reproduce the natural tail: P(theta > 6 x threshold) =
  // P x (1/6)^2 (1/theta^2 law below the nuclear cut-off), estimated with ~100x smaller
  // variance than brute force; the weights of the forced branch average to P.
  const DetectorConfig dc;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const double p = 25.0 * units::GeV, beta = 1.0;
  const int mask = 0b0111;  // chambers 1-3 (relevant for the measurement)
  const double pAll = 3 * sim.strawTailProbability();
  const double cut = sim.strawTailThreshold(p, beta);
  ASSERT_GT(sim.strawTailMaxAngle(p), 10 * cut);
  const double x = 6.0 * cut;
  const double expected = pAll / 36.0;
  constexpr int kN = 40000;
  double forced = 0, forced2 = 0, wSum = 0, without = 0;
  int brute = 0;
  for (int i = 0; i < kN; ++i) {
    RandomStream r1(7, 1, static_cast<std::uint64_t>(i)), r2(7, 1, static_cast<std::uint64_t>(i)),
        r3(7, 1, static_cast<std::uint64_t>(i));
    const auto nat = sim.strawScatteringTail(p, beta, mask, r1);
    brute += std::hypot(nat.dSlopeX, nat.dSlopeY) > x;
    TailForcing with{0, +1, 8.0};
    const auto k = sim.strawScatteringTail(p, beta, mask, r2, &with);
    EXPECT_TRUE(with.applied);
    wSum += with.weight;
    const double f = std::hypot(k.dSlopeX, k.dSlopeY) > x ? with.weight : 0.0;
    forced += f;
    forced2 += f * f;
    TailForcing none{0, -1, 8.0};
    const auto k0 = sim.strawScatteringTail(p, beta, mask, r3, &none);
    EXPECT_EQ(k0.chamber, 0);
    without += none.weight;
  }
  EXPECT_NEAR(without / kN, 1.0 - pAll, 1e-12);
  EXPECT_NEAR(wSum / kN, pAll, 0.03 * pAll);
  const double mean = forced / kN, err = std::sqrt(forced2 / kN - mean * mean) / std::sqrt(kN);
  EXPECT_NEAR(mean, expected, 4 * err);
  EXPECT_LT(err, 0.03 * expected);
  // brute force agrees within its (much larger) Poisson error
  EXPECT_NEAR(brute / static_cast<double>(kN), expected, 4 * std::sqrt(expected / kN) + 1.0 / kN);
}

TEST(Gtk3ScatteringTail, KaonKinksFollowRutherfordLawAndShiftTheMeasuredSlopes) {
  // The K+ crossing GTK3 (0.5% X0 of silicon) scatters once above 3.5 theta0 with probability
  // chi_c^2 / threshold^2 (~1.8%); the measured GTK slopes are the pre-scatter ones, i.e. the
  // generated (post-scatter) slopes minus the kick: |measured - true| = kink angle within the
  // GTK angular resolution. Angles follow the 1/theta^2 law (KS test).
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  dc.gtk.trackEfficiency = 1.0;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const auto& tail = sim.gtk3Tail();
  // chi_c^2 for silicon against the direct formula with X0(Si) = 21.82 g/cm^2 (PDG table)
  const double pBeta = 75.0 * units::GeV;
  const double x = dc.gtk.gtk3Material.radiationLengths * 21.82;
  EXPECT_NEAR(tail.chiC2(pBeta) / (0.157 * 14 * 15 * x / 28.09 / std::pow(pBeta / units::MeV, 2)), 1.0, 0.03);
  EXPECT_GT(tail.probability(), 0.01);
  EXPECT_LT(tail.probability(), 0.03);

  const generator::Generator gen = kmu2Generator(5);
  generator::TruthEvent ev;
  DetectorEvent de;
  std::vector<double> u;
  double expected = 0;
  int kinks = 0;
  const std::uint64_t n = 200000;
  for (std::uint64_t i = 0; i < n; ++i) {
    gen.generate(i, ev);
    sim.simulate(ev, de);
    const GtkTrack* k = nullptr;
    for (std::size_t j = 0; j < de.nGtk; ++j)
      if (de.gtk[j].trueKaon) k = &de.gtk[j];
    if (!k) continue;
    const double p = ev.beamMomentum.p(), beta = p / ev.beamMomentum.e;
    const double cut = tail.threshold(p * beta), tmax = tail.maxAngle(p);
    expected += tail.probability() * (1 - cut * cut / (tmax * tmax));
    if (k->trueKink == 0) continue;
    ++kinks;
    ASSERT_GE(k->trueKink, cut * (1 - 1e-12));
    ASSERT_LE(k->trueKink, tmax);
    u.push_back((1 / (k->trueKink * k->trueKink) - 1 / (tmax * tmax)) / (1 / (cut * cut) - 1 / (tmax * tmax)));
    const double dx = k->momentum.x / k->momentum.z - ev.beamMomentum.px / ev.beamMomentum.pz;
    const double dy = k->momentum.y / k->momentum.z - ev.beamMomentum.py / ev.beamMomentum.pz;
    EXPECT_NEAR(std::hypot(dx, dy), k->trueKink, 6 * dc.gtk.sigmaAngle);
  }
  EXPECT_NEAR(kinks, expected, 5 * std::sqrt(expected));
  const auto ks = test::ksTest(u, [](double v) { return std::clamp(v, 0.0, 1.0); });
  EXPECT_GT(ks.pValue, 1e-3) << "D = " << ks.statistic;

  // switched off: no kinks
  DetectorConfig off = dc;
  off.gtk.gtk3Material.scatteringTail = false;
  const FastSimulation simOff(off, generator::BeamConfig{});
  for (std::uint64_t i = 0; i < 2000; ++i) {
    gen.generate(i, ev);
    simOff.simulate(ev, de);
    for (std::size_t j = 0; j < de.nGtk; ++j) EXPECT_EQ(de.gtk[j].trueKink, 0.0);
  }
}

TEST(StrawTrackChi2, KinkResidualMatchesTheStraightLineFitByHand) {
  // Without multiple scattering (x/X0 = 0) the covariance is sigma^2 I; a y kink delta in
  // STRAW3 displaces STRAW4 only, by delta (z4 - z3). A straight-line fit through the four
  // chambers leaves chi2 = r4^2 (1 - h44) / sigma^2 with the leverage
  // h44 = 1/4 + (z4 - zbar)^2 / sum (z - zbar)^2. A kink in STRAW1 is a new direction: chi2 0.
  DetectorConfig dc;
  dc.straw.material.radiationLengths = 0;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const auto& z = dc.straw.z;
  const double zbar = (z[0] + z[1] + z[2] + z[3]) / 4;
  double sxx = 0;
  for (double zi : z) sxx += (zi - zbar) * (zi - zbar);
  const double delta = 1e-4;
  const double r4 = delta * (z[3] - z[2]);
  const double sigma = dc.straw.chamberSigmaPosition;
  const double expected = r4 * r4 * (1 - (0.25 + (z[3] - zbar) * (z[3] - zbar) / sxx)) / (sigma * sigma);
  EXPECT_NEAR(sim.strawKinkChi2(0b1111, 3, 0.0, delta, 30 * units::GeV) / expected, 1.0, 1e-9);
  EXPECT_NEAR(sim.strawKinkChi2(0b1111, 1, 3 * delta, delta, 30 * units::GeV), 0.0, 1e-9);
  // quadratic in the kink
  EXPECT_NEAR(sim.strawKinkChi2(0b1111, 3, 0.0, 2 * delta, 30 * units::GeV) / expected, 4.0, 1e-8);
  EXPECT_EQ(FastSimulation::strawFitNdf(0b1111), 3);
  EXPECT_EQ(FastSimulation::strawFitNdf(0b0111), 1);
}

TEST(StrawTrackChi2, TracksWithoutHardScatterFollowChi2WithThreeDof) {
  // chi2 CDF for 3 degrees of freedom: erf(sqrt(x/2)) - sqrt(2x/pi) exp(-x/2) (KS test), and
  // hard scatters in STRAW2/3 raise it: most kinks above 10 theta0 fail chi2 < 20.
  DetectorConfig dc;
  dc.accidentals.enabled = false;
  const FastSimulation sim(dc, generator::BeamConfig{});
  const generator::Generator gen = kmu2Generator(21);
  generator::TruthEvent ev;
  DetectorEvent de;
  std::vector<double> chi2;
  int bigKinks = 0, bigKinksRejected = 0;
  for (std::uint64_t i = 0; i < 40000; ++i) {
    gen.generate(i, ev);
    sim.simulate(ev, de);
    for (std::size_t k = 0; k < de.nStraw; ++k) {
      const auto& t = de.straw[k];
      if (t.chamberMask != 0b1111) continue;
      if (t.kinkChamber == 0) {
        chi2.push_back(t.chi2);
      } else if (t.kinkChamber >= 2) {
        ++bigKinks;
        if (t.chi2 >= 20) ++bigKinksRejected;
      }
    }
  }
  ASSERT_GT(chi2.size(), 10000u);
  const auto ks = test::ksTest(chi2, [](double x) {
    return x <= 0 ? 0.0 : std::erf(std::sqrt(x / 2)) - std::sqrt(2 * x / M_PI) * std::exp(-x / 2);
  });
  EXPECT_GT(ks.pValue, 1e-3) << "D = " << ks.statistic;
  ASSERT_GT(bigKinks, 100);
  // the tail starts at 3.5 theta0, where the chi2 shift is small: a good part passes, but
  // a fraction is rejected (the 1/theta^2 law puts 1/4 of the kinks above 7 theta0)
  EXPECT_GT(bigKinksRejected, bigKinks / 20);
  EXPECT_LT(bigKinksRejected, bigKinks);
}
