// pi0 -> gamma gamma importance sampling (Pi0Decayer::AsymmetryBias): the weighted sample
// must reproduce the isotropic decay exactly (flat |cos theta*|, soft-photon fraction), and
// the band must really be oversampled.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/generator/Pi0Decay.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
/// |cos theta*| of the photons about the flight direction, from the lab energy of one photon:
/// E1 = E/2 (1 + beta cos theta*).
double absCosStar(const FourVector& pi0, const FourVector& g1) {
  const double beta = pi0.vec().mag() / pi0.e;
  return std::abs((2.0 * g1.e / pi0.e - 1.0) / beta);
}
}  // namespace

TEST(Pi0AsymmetryBias, WeightedSampleIsIsotropicAndTheBandIsOversampled) {
  const Pi0Decayer pi0;
  const Pi0Decayer::AsymmetryBias bias{0.5, 0.02};
  const double m = mass(pdg::kPi0);
  const FourVector p = FourVector::fromMass(Vector3{0.3, -0.2, 50.0}, m);  // 50 GeV, off axis
  constexpr int kN = 400000, kBins = 50;
  std::vector<double> w(kBins, 0.0), w2(kBins, 0.0);
  double sumW = 0, sumW2 = 0, softW = 0, softW2 = 0;
  int inBand = 0;
  RandomStream rng(7, streamId("pi0-bias-test"), 0);
  for (int i = 0; i < kN; ++i) {
    ProductList<3> out;
    const double wt = pi0.decayGammaGammaBiased(p, bias, rng, out);
    ASSERT_EQ(out.size(), 2u);
    // exact invariants: photons massless, momentum and energy conserved
    const FourVector sum = out[0].p + out[1].p;
    EXPECT_NEAR(sum.e, p.e, 1e-9);
    EXPECT_NEAR(sum.m(), m, 1e-6);
    const double u = absCosStar(p, out[0].p);
    const int b = std::min(kBins - 1, static_cast<int>(u * kBins));
    w[b] += wt;
    w2[b] += wt * wt;
    sumW += wt;
    sumW2 += wt * wt;
    inBand += u > 1.0 - bias.width;
    const double eSoft = std::min(out[0].p.e, out[1].p.e);
    if (eSoft < 0.2) {
      softW += wt;
      softW2 += wt * wt;
    }
  }
  // E[w] = 1
  EXPECT_NEAR(sumW / kN, 1.0, 5.0 * std::sqrt(sumW2) / kN);
  // weighted |cos theta*| flat: chi2 with the weights' variance per bin
  double chi2 = 0;
  for (int b = 0; b < kBins; ++b) {
    const double expected = sumW / kBins;
    chi2 += (w[b] - expected) * (w[b] - expected) / w2[b];
  }
  EXPECT_LT(chi2, 90.0) << "chi2 = " << chi2 << " for " << kBins - 1 << " dof";  // p ~ 3e-4
  // soft-photon fraction against the analytic isotropic value: E_soft < E0 <=> u > (1 - 2 E0/E)/beta
  const double beta = p.vec().mag() / p.e;
  const double uSoft = (1.0 - 2.0 * 0.2 / p.e) / beta;
  const double expectedSoft = 1.0 - uSoft;
  EXPECT_NEAR(softW / kN, expectedSoft, 5.0 * std::sqrt(softW2) / kN);
  // the band holds about half of the decays (vs 2% without bias)
  EXPECT_NEAR(static_cast<double>(inBand) / kN, 0.5 + 0.5 * bias.width, 0.01);
}

TEST(Pi0AsymmetryBias, GeneratorWeightsKeepTheModeRate) {
  // K+ -> pi+ pi0 with and without bias: same sum of weights (the FV decay probability x BR)
  // within errors, and the bias can be switched off exactly (bit-identical events).
  GeneratorConfig c;
  c.seed = 99;
  c.modes = {"k2pi"};
  const Generator plain(c);
  GeneratorConfig cb = c;
  cb.pi0Bias = {0.5, 0.02};
  const Generator biased(cb);
  TruthEvent ev;
  constexpr int kN = 100000;
  double s0 = 0, s1 = 0, s1sq = 0;
  for (int i = 0; i < kN; ++i) {
    plain.generate(i, ev);
    s0 += ev.weight;
    biased.generate(i, ev);
    s1 += ev.weight;
    s1sq += ev.weight * ev.weight;
  }
  EXPECT_NEAR(s1 / s0, 1.0, 5.0 * std::sqrt(s1sq) / s1);
  GeneratorConfig bad = c;
  bad.pi0Bias = {1.0, 0.02};
  EXPECT_THROW(Generator{bad}, kaonlab::ConfigError);
}
