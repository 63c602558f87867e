// Upstream K+ decay source (UpstreamDecays.hpp): decay-z law, weight, beam back-propagation
// through TRIM5, and that the Generator refactoring (decayKaon) keeps generate() unchanged.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/UpstreamDecays.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
GeneratorConfig config(const char* mode = "k2pi") {
  GeneratorConfig g;
  g.seed = 4242;
  g.modes = {mode};
  return g;
}
}  // namespace

TEST(UpstreamDecays, DecayZFollowsTheExponentialLawAndWeightIsItsIntegral) {
  // A long region (20 - 102.4 m) so that the law is visibly not flat: the kaon flux grows
  // upstream as exp((z0 - z)/lambda), 1.16x between 102.4 m and 20 m at 75 GeV/c.
  UpstreamDecayConfig up;
  up.zMin = 20.0 * units::m;
  up.zMax = 102.4 * units::m;
  up.downstreamShare = 0;  // no region biasing (tested below)
  const UpstreamDecaySource src(config(), up);
  const double lam = 75.0 / mass(pdg::kKPlus) * particleData(pdg::kKPlus).ctau;  // ~563.9 m
  EXPECT_NEAR(lam / units::m, 563.9, 0.5);  // na62-detector.md 1.4
  const double z0 = 102.4 * units::m, a = up.zMin, b = up.zMax;
  constexpr int kBins = 20, kN = 200000;
  std::vector<double> h(kBins, 0.0);
  double sumW = 0;
  TruthEvent ev;
  for (int i = 0; i < kN; ++i) {
    src.generate(static_cast<std::uint64_t>(i), ev);
    const double z = ev.decayVertex.pz;
    ASSERT_GE(z, a);
    ASSERT_LE(z, b);
    h[static_cast<std::size_t>(std::min(kBins - 1, static_cast<int>((z - a) / (b - a) * kBins)))] += 1;
    // per-event weight = P(decay in [a, b]) at this kaon's p_z (mode BR = weight factor)
    const double lz = ev.beamMomentum.pz / mass(pdg::kKPlus) * particleData(pdg::kKPlus).ctau;
    const double p = std::exp((z0 - a) / lz) - std::exp((z0 - b) / lz);
    const double br = src.generator().selectedBranchingRatio();
    // (p_z here is the kaon's at the decay point, the law uses p_z at GTK3: they differ by up to
    // 1.4e-4 relative in the achromat, where the orbit has a 16.7 mrad slope)
    ASSERT_NEAR(ev.weight, p * br, 3e-4 * p * br);
    sumW += ev.weight / br;
  }
  // analytic bin contents of the truncated exponential at 75 GeV/c (1% momentum spread: < 1e-3 effect)
  auto F = [&](double z) { return std::exp((z0 - z) / lam); };
  const double norm = F(a) - F(b);
  double chi2 = 0, chi2Flat = 0;
  for (int k = 0; k < kBins; ++k) {
    const double lo = a + (b - a) * k / kBins, hi = a + (b - a) * (k + 1) / kBins;
    const double e = kN * (F(lo) - F(hi)) / norm, ef = kN / double(kBins);
    chi2 += (h[static_cast<std::size_t>(k)] - e) * (h[static_cast<std::size_t>(k)] - e) / e;
    chi2Flat += (h[static_cast<std::size_t>(k)] - ef) * (h[static_cast<std::size_t>(k)] - ef) / ef;
  }
  RecordProperty("chi2_exponential", std::to_string(chi2));
  EXPECT_LT(chi2, 45.3);       // chi2(19 dof) at p = 0.001
  EXPECT_GT(chi2Flat, 100.0);  // a flat law is rejected (the test can fail)
  EXPECT_NEAR(sumW / kN, norm, 2e-3 * norm);
}

TEST(UpstreamDecays, BeamIsBackPropagatedThroughTrim5) {
  // downstream of the achromat (BEND 6 ends at 99.46 m): straight lines and the TRIM5 kick
  UpstreamDecayConfig region;
  region.zMin = 99.460 * units::m;
  const UpstreamDecaySource src(config(), region);
  const auto& cfg = src.config();
  EXPECT_DOUBLE_EQ(UpstreamDecayConfig{}.zMin, 79.600 * units::m);  // GTK1, na62-detector.md 1.2
  EXPECT_DOUBLE_EQ(cfg.zMax, 102.400 * units::m);
  TruthEvent ev;
  double sumSlopeBefore = 0;
  int nBefore = 0, nAfter = 0;
  for (int i = 0; i < 20000; ++i) {
    src.generate(static_cast<std::uint64_t>(i), ev);
    const FourVector& k = ev.beamMomentum;
    const double z = ev.decayVertex.pz;
    EXPECT_DOUBLE_EQ(ev.beamOrigin.pz, 102.4 * units::m);
    // position: straight from the GTK3 crossing with the slopes of the momentum at the decay
    // (after TRIM5) or via the TRIM5 plane (before)
    if (z < cfg.trim5Z) {
      ++nBefore;
      const double sBefore = k.px / k.pz;
      sumSlopeBefore += sBefore;
      const double sAfter = sBefore + cfg.trim5Kick / k.pz;  // slope at GTK3
      const double xTrim = ev.beamOrigin.px + sAfter * (cfg.trim5Z - ev.beamOrigin.pz);
      EXPECT_NEAR(ev.decayVertex.px, xTrim + sBefore * (z - cfg.trim5Z), 1e-5);
    } else {
      ++nAfter;
      EXPECT_NEAR(ev.decayVertex.px, ev.beamOrigin.px + k.px / k.pz * (z - ev.beamOrigin.pz), 1e-6);
    }
    EXPECT_NEAR(ev.decayVertex.py, ev.beamOrigin.py + k.py / k.pz * (z - ev.beamOrigin.pz), 1e-5);
    // the products conserve the momentum of the kaon at the decay point
    const FourVector s = ev.finalStateSum();
    EXPECT_NEAR(s.px, k.px, 1e-6);
    EXPECT_NEAR(s.pz, k.pz, 1e-6);
    EXPECT_LT(ev.decayVertex.e, 0.0);  // decays before the (virtual) GTK3 crossing at t = 0
  }
  // the mean slope at GTK3 (1.2 mrad) is the TRIM5 kick of a 75 GeV/c beam: ~0 before TRIM5
  ASSERT_GT(nBefore, 1000);
  ASSERT_GT(nAfter, 1000);
  EXPECT_NEAR(sumSlopeBefore / nBefore, 0.0, 0.01e-3);
  EXPECT_NEAR(slopeBeforeTrim5(1.2e-3, 75.0, +1, 0.090), 0.0, 1e-12);
  EXPECT_NEAR(slopeBeforeTrim5(1.2e-3, 75.0, -1, 0.090), 2.4e-3, 1e-12);
}

TEST(UpstreamDecays, ConfigValidationAndDeterminism) {
  UpstreamDecayConfig bad;
  bad.zMax = 103.0 * units::m;  // downstream of GTK3
  EXPECT_THROW(UpstreamDecaySource(config(), bad), ConfigError);
  bad = {};
  bad.zMin = bad.zMax;
  EXPECT_THROW(UpstreamDecaySource(config(), bad), ConfigError);
  const UpstreamDecaySource src(config("all"), {});
  TruthEvent a, b;
  src.generate(123, a);
  src.generate(123, b);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_DOUBLE_EQ(a.decayVertex.pz, b.decayVertex.pz);
  EXPECT_DOUBLE_EQ(a.particles[0].p.px, b.particles[0].p.px);
}

TEST(UpstreamDecays, BeamIsBackPropagatedThroughTheAchromat) {
  // default region GTK1 - GTK3: the decaying kaon follows the achromat orbit, on axis before
  // BEND 4A, at y = -60 mm between BEND 4B and BEND 5 (GTK2, na62-detector.md 1.2/1.3), with
  // the slope -kick/p = -16.7 mrad between 4A and 4B (p_T kick 1.251 GeV/c at 75 GeV/c)
  const UpstreamDecaySource src(config(), {});
  TruthEvent ev;
  double y0 = 0, yMid = 0, sMid = 0, sBetween = 0;
  int n0 = 0, nMid = 0, nBetween = 0;
  for (int i = 0; i < 40000; ++i) {
    src.generate(static_cast<std::uint64_t>(i), ev);
    const double z = ev.decayVertex.pz / units::m;
    const FourVector& k = ev.beamMomentum;
    if (z < 80.48) y0 += ev.decayVertex.py, ++n0;
    if (z > 86.58 && z < 93.36) yMid += ev.decayVertex.py, sMid += k.py / k.pz, ++nMid;
    if (z > 82.98 && z < 84.08) sBetween += k.py / k.pz, ++nBetween;
    const FourVector s = ev.finalStateSum();  // the products carry the kaon momentum at the decay
    ASSERT_NEAR(s.py, k.py, 1e-6);
  }
  ASSERT_GT(n0, 300);
  ASSERT_GT(nMid, 10000);
  ASSERT_GT(nBetween, 400);  // 10% of the decays upstream of 86.58 m (region biasing)
  const double beamY = generator::BeamConfig{}.meanY;  // the beam spot centre at GTK3
  EXPECT_NEAR(y0 / n0, beamY, 2.0);
  EXPECT_NEAR(yMid / nMid, beamY - 60.0, 2.0);
  EXPECT_NEAR(sMid / nMid, 0.0, 0.05e-3);
  EXPECT_NEAR(sBetween / nBetween, -1.2508 / 75.0, 0.3e-3);
}

TEST(UpstreamDecays, RegionBiasingKeepsTheWeightedDecayLaw) {
  // 90% of the decays drawn downstream of BEND 4B (86.58 m) instead of the natural 69%: the
  // weights P(part)/share restore the decay law (sum of weights and the weighted share)
  UpstreamDecayConfig up;
  ASSERT_DOUBLE_EQ(up.downstreamShare, 0.9);
  const UpstreamDecaySource src(config(), up);
  const double lam = 75.0 / mass(pdg::kKPlus) * particleData(pdg::kKPlus).ctau;
  const double z0 = 102.4 * units::m;
  auto F = [&](double z) { return std::exp((z0 - z) / lam); };
  const double pAll = F(up.zMin) - F(up.zMax), pDown = F(up.zSplit) - F(up.zMax);
  constexpr int kN = 100000;
  const double br = src.generator().selectedBranchingRatio();
  double sumW = 0, sumWDown = 0, sumW2 = 0;
  int nDown = 0;
  TruthEvent ev;
  for (int i = 0; i < kN; ++i) {
    src.generate(static_cast<std::uint64_t>(i), ev);
    const double w = ev.weight / br;
    sumW += w;
    sumW2 += w * w;
    if (ev.decayVertex.pz >= up.zSplit) sumWDown += w, ++nDown;
  }
  EXPECT_NEAR(nDown / double(kN), 0.9, 0.005);  // the biased share (binomial 1e-3)
  EXPECT_NEAR(pDown / pAll, 0.69, 0.01);         // the natural one
  const double err = std::sqrt(sumW2) / kN;
  EXPECT_NEAR(sumW / kN, pAll, 4 * err + 1e-3 * pAll);
  EXPECT_NEAR(sumWDown / sumW, pDown / pAll, 0.01);
  UpstreamDecayConfig bad;
  bad.downstreamShare = 1.0;
  EXPECT_THROW(UpstreamDecaySource(config(), bad), ConfigError);
}
