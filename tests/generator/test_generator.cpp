// The full generator: decay-z law, mode mix, conservation, determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/Generator.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
const Generator& defaultGenerator() {
  static const Generator gen([] {
    GeneratorConfig c;
    c.seed = 12345;
    return c;
  }());
  return gen;
}
bool same(const FourVector& a, const FourVector& b) {
  return a.px == b.px && a.py == b.py && a.pz == b.pz && a.e == b.e;
}
/// Bit-exact equality of everything an event carries.
bool sameEvent(const TruthEvent& a, const TruthEvent& b) {
  if (a.index != b.index || a.mode != b.mode || a.weight != b.weight || a.nParticles != b.nParticles) return false;
  if (!same(a.beamMomentum, b.beamMomentum) || !same(a.beamOrigin, b.beamOrigin) ||
      !same(a.decayVertex, b.decayVertex))
    return false;
  for (std::size_t i = 0; i < a.nParticles; ++i) {
    const auto &p = a.particles[i], &q = b.particles[i];
    if (p.pdgId != q.pdgId || p.parent != q.parent || p.status != q.status || !same(p.p, q.p)) return false;
  }
  return true;
}
}  // namespace

TEST(Generator, DecayZFollowsExponentialLaw) {
  GeneratorConfig c;
  c.seed = 3;
  c.beam.momentumSpread = 0;
  c.beam.divergence = 0;
  c.beam.meanSlopeX = 0;
  c.modes = {"k2pi"};
  Generator gen(c);
  std::vector<double> z;
  TruthEvent ev;
  for (std::uint64_t i = 0; i < 100000; ++i) {
    gen.generate(i, ev);
    z.push_back(ev.decayVertex.pz);
  }
  const double mK = mass(pdg::kKPlus);
  const double lambda = c.beam.momentum / mK * particleData(pdg::kKPlus).ctau;  // 563.9 m
  EXPECT_NEAR(lambda / units::m, 563.9, 0.2);  // na62-detector.md 1.4 cross-check
  const double z0 = c.beam.referenceZ, a = c.fiducial.zMin, b = c.fiducial.zMax;
  auto cdf = [&](double zz) {
    return (std::exp(-(a - z0) / lambda) - std::exp(-(zz - z0) / lambda)) /
           (std::exp(-(a - z0) / lambda) - std::exp(-(b - z0) / lambda));
  };
  const auto ks = test::ksTest(z, cdf);
  EXPECT_GT(ks.pValue, 1e-3) << "D = " << ks.statistic;
  // P(decay in 105-165 m) ~ 0.100 (na62-detector.md 1.4); it is the event weight x 1/BR
  EXPECT_NEAR(ev.weight / gen.selectedBranchingRatio(), 0.100, 0.001);
}

TEST(Generator, ModeMixReproducesBranchingFractions) {
  const Generator& gen = defaultGenerator();
  const auto& sel = gen.selectedModes();
  std::map<int, double> counts;
  TruthEvent ev;
  const int n = 1000000;
  for (int i = 0; i < n; ++i) {
    gen.generate(i, ev);
    counts[ev.mode] += 1;
  }
  // chi2 of the counts of modes with expectation >= 20 against n BR_i / sum(BR)
  double chi2 = 0;
  int ndf = -1;
  double rest = 0, restExp = 0;
  for (std::size_t k = 0; k < sel.size(); ++k) {
    const double expct = n * gen.selectionProbabilities()[k];
    const double obs = counts[static_cast<int>(sel[k])];
    if (expct < 20) {
      rest += obs;
      restExp += expct;
      continue;
    }
    chi2 += (obs - expct) * (obs - expct) / expct;
    ++ndf;
    // and each within 5 binomial sigma
    const double p = gen.selectionProbabilities()[k];
    EXPECT_NEAR(obs / n, p, 5 * std::sqrt(p * (1 - p) / n)) << gen.catalogue().mode(sel[k]).key;
  }
  EXPECT_LT(rest, restExp + 6 * std::sqrt(restExp) + 3);
  boost::math::chi_squared dist(ndf);
  EXPECT_GT(boost::math::cdf(boost::math::complement(dist, chi2)), 1e-3) << chi2 << "/" << ndf;
  // the six main modes saturate the width (kaon-physics.md 1.2: 99.995%)
  EXPECT_NEAR(gen.selectedBranchingRatio(), 1.0, 1e-3);
}

TEST(Generator, FourMomentumConservedInEveryEvent) {
  GeneratorConfig c;
  c.seed = 99;
  c.modes = {"all", "pim_mup_ep", "pip_mum_ep", "pim_ep_ep", "pim_mup_mup", "pim_pi0_ep_ep", "mum_nu_ep_ep",
             "pi0_mum_ep"};
  c.selection = ModeSelection::Uniform;
  Generator gen(c);
  TruthEvent ev;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    gen.generate(i, ev);
    const FourVector s = ev.finalStateSum();
    const FourVector& k = ev.beamMomentum;
    const double tol = 1e-9 * k.e;
    ASSERT_NEAR(s.e, k.e, tol) << "event " << i << " mode " << gen.catalogue().mode(ev.mode).key;
    ASSERT_NEAR(s.px, k.px, tol);
    ASSERT_NEAR(s.py, k.py, tol);
    ASSERT_NEAR(s.pz, k.pz, tol);
    ASSERT_GE(ev.decayVertex.pz, c.fiducial.zMin);
    ASSERT_LE(ev.decayVertex.pz, c.fiducial.zMax);
  }
}

TEST(Generator, IdenticalForAnyThreadCountAndSplit) {
  const Generator& gen = defaultGenerator();
  auto run = [&](int threads, std::uint64_t first, std::uint64_t count) {
    std::vector<TruthEvent> out;
    runEvents(gen, first, count, threads, [&](const TruthEvent& e) { out.push_back(e); });
    return out;
  };
  const auto one = run(1, 0, 40000);
  const auto two = run(2, 0, 40000);
  auto a = run(2, 0, 17000);
  const auto b = run(1, 17000, 23000);
  a.insert(a.end(), b.begin(), b.end());
  ASSERT_EQ(one.size(), two.size());
  ASSERT_EQ(one.size(), a.size());
  for (std::size_t i = 0; i < one.size(); ++i) {
    ASSERT_TRUE(sameEvent(one[i], two[i])) << i;
    ASSERT_TRUE(sameEvent(one[i], a[i])) << i;
  }
  // an event regenerated alone is identical
  TruthEvent ev;
  gen.generate(31337, ev);
  EXPECT_TRUE(sameEvent(ev, one[31337]));
}
