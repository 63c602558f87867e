// Tests of the K+ -> pi+ l+ l- model (DEIP form factor, kaon-physics.md section 3).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/models/PiLeptonLepton.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {

constexpr double kTauK = 1.2380e-8 * units::s;  // the lifetime used by checks/kpill_br.py
const double kHbar = constants::hbarc / constants::c_light;  // GeV ns

double relDiff(const FourVector& a, const FourVector& b) {
  const double d = std::abs(a.px - b.px) + std::abs(a.py - b.py) + std::abs(a.pz - b.pz) + std::abs(a.e - b.e);
  return d / std::abs(b.e);
}

struct Sample {
  std::vector<double> z, cosTheta;
};

// z = m_ll^2/m_K^2 and cos theta_l (l+ vs pi+ in the l+l- rest frame), computed from the
// generated four-momenta, not from the generator's internal variables.
Sample generateSample(const PiLeptonLeptonDecay& model, std::uint64_t seed, int n) {
  Sample s;
  s.z.reserve(n);
  s.cosTheta.reserve(n);
  const double mK2 = mass(pdg::kKPlus) * mass(pdg::kKPlus);
  DecayProducts out;
  for (int i = 0; i < n; ++i) {
    RandomStream rng(seed, streamId("test_pill"), static_cast<std::uint64_t>(i));
    model.generate(rng, out);
    const FourVector ll = out[1].p + out[2].p;
    s.z.push_back(ll.m2() / mK2);
    const Vector3 b = ll.vec() * (-1.0 / ll.e);
    const Vector3 lp = out[1].p.boosted(b).vec().unit();
    const Vector3 pi = out[0].p.boosted(b).vec().unit();
    s.cosTheta.push_back(lp.dot(pi));
  }
  return s;
}

}  // namespace

TEST(PiLeptonLepton, ConfigValidation) {
  PiLeptonLeptonDecay::Config c;
  c.leptonPdg = 15;
  EXPECT_THROW(PiLeptonLeptonDecay::validate(c), std::invalid_argument);
  EXPECT_THROW(PiLeptonLeptonDecay{c}, std::invalid_argument);
  c.leptonPdg = -13;
  EXPECT_THROW(PiLeptonLeptonDecay{c}, std::invalid_argument);
  c.leptonPdg = 211;
  EXPECT_THROW(PiLeptonLeptonDecay{c}, std::invalid_argument);
  c.leptonPdg = 13;
  c.aPlus = std::nan("");
  EXPECT_THROW(PiLeptonLeptonDecay{c}, std::invalid_argument);
  EXPECT_NO_THROW(PiLeptonLeptonDecay::validate(PiLeptonLeptonDecay::Config{}));
  EXPECT_NO_THROW(PiLeptonLeptonDecay::validate(PiLeptonLeptonDecay::electronDefaults()));

  const PiLeptonLeptonDecay mumu;
  ASSERT_EQ(mumu.daughters().size(), 3u);
  EXPECT_EQ(mumu.daughters()[0], 211);
  EXPECT_EQ(mumu.daughters()[1], -13);  // mu+
  EXPECT_EQ(mumu.daughters()[2], 13);   // mu-
  const PiLeptonLeptonDecay ee(PiLeptonLeptonDecay::electronDefaults());
  EXPECT_EQ(ee.daughters()[1], -11);
  EXPECT_EQ(ee.daughters()[2], 11);
}

TEST(PiLeptonLepton, FormFactorMatchesIndependentPythonCheck) {
  // |W(z)|^2 and dGamma/dz from checks/kpill_br.py (an independent implementation of
  // kaon-physics.md 3.1-3.2) for a+ = -0.575, b+ = -0.722 (mu mu). The python script uses
  // G_F = 1.1663787e-5 and alpha = 1/137.035999: differences < 1e-6 relative.
  const PiLeptonLeptonDecay m;
  EXPECT_NEAR(m.formFactor2(0.01) / 2.7448738840119474e-12, 1.0, 1e-5);
  EXPECT_NEAR(m.formFactor2(0.2) / 4.571057071588943e-12, 1.0, 1e-5);
  EXPECT_NEAR(m.formFactor2(0.3) / 6.127758962300945e-12, 1.0, 1e-5);
  EXPECT_NEAR(m.formFactor2(0.35) / 7.362124253540487e-12, 1.0, 1e-5);  // above 2m_pi: complex W
  EXPECT_NEAR(m.formFactor2(0.45) / 9.854227938664914e-12, 1.0, 1e-5);
  // dGamma/dz: the script's rate times the Coulomb factor at z (mean over cos theta_l,
  // scripts/checks/kpill_coulomb.py with 20000 cos points: 1.0433033, 1.0245014, 1.0236563)
  EXPECT_NEAR(m.dGammaDz(0.2) / 1.654296467130429e-23 / 1.0433033, 1.0, 1e-5);
  EXPECT_NEAR(m.dGammaDz(0.35) / 1.7637296256730172e-23 / 1.0245014, 1.0, 1e-5);
  EXPECT_NEAR(m.dGammaDz(0.45) / 5.466624804329596e-24 / 1.0236563, 1.0, 1e-5);
  EXPECT_NEAR(m.coulombFactor(0.2), 1.0433033, 1e-6);
  EXPECT_EQ(m.dGammaDz(m.zMin() * 0.99), 0.0);
  EXPECT_EQ(m.dGammaDz(m.zMax() * 1.01), 0.0);
  // e e: small z, where the Taylor branch of chi(z) is used
  const PiLeptonLeptonDecay ee(PiLeptonLeptonDecay::electronDefaults());
  EXPECT_NEAR(ee.formFactor2(1e-4) / 2.7004237534047296e-12, 1.0, 1e-5);
  // W_pipi is real below the pi pi threshold z = 4 r_pi^2 and complex above
  const double rPi2 = std::pow(mass(pdg::kPiPlus) / mass(pdg::kKPlus), 2);
  EXPECT_EQ(m.formFactor(3.9 * rPi2).imag(), 0.0);
  EXPECT_LT(m.formFactor(4.5 * rPi2).imag(), 0.0);
  // continuity of chi across the Taylor / closed-form switch (w = 1e-3)
  EXPECT_NEAR(ee.formFactor2(rPi2 * (1e-3 - 1e-12)) / ee.formFactor2(rPi2 * (1e-3 + 1e-12)), 1.0, 1e-9);
}

TEST(PiLeptonLepton, BranchingRatiosMatchReferenceCheck) {
  // kaon-physics.md 3.3 / checks/kpill_br.py with tau_K = 1.2380e-8 s:
  // BR(pi mu mu; -0.575, -0.722) = 8.840e-8, BR(pi e e; -0.578, -0.779) = 3.077e-7.
  // Without the Coulomb factor (the reference script's rate):
  PiLeptonLeptonDecay::Config bareMuMu;
  bareMuMu.coulomb = false;
  const double brMuMuBare = PiLeptonLeptonDecay(bareMuMu).partialWidth() * kTauK / kHbar;
  EXPECT_NEAR(brMuMuBare / 8.8403e-8, 1.0, 2e-5) << "BR(pi mu mu) = " << brMuMuBare;
  PiLeptonLeptonDecay::Config bareEE = PiLeptonLeptonDecay::electronDefaults();
  bareEE.coulomb = false;
  const double brEEBare = PiLeptonLeptonDecay(bareEE).partialWidth() * kTauK / kHbar;
  EXPECT_NEAR(brEEBare / 3.0775e-7, 1.0, 1e-4) << "BR(pi e e) = " << brEEBare;
  // ... and the Coulomb factor's rate ratio from the independent quadrature
  // scripts/checks/kpill_coulomb.py: 1.02837 (mu mu), 1.02292 (e e)
  const PiLeptonLeptonDecay mumu;
  const double brMuMu = mumu.partialWidth() * kTauK / kHbar;
  EXPECT_NEAR(brMuMu / brMuMuBare, 1.02837, 2e-4) << "BR(pi mu mu) = " << brMuMu;
  const PiLeptonLeptonDecay ee(PiLeptonLeptonDecay::electronDefaults());
  const double brEE = ee.partialWidth() * kTauK / kHbar;
  EXPECT_NEAR(brEE / brEEBare, 1.02292, 2e-4) << "BR(pi e e) = " << brEE;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.5g (ee %.5g)", brMuMu, brEE);
  RecordProperty("BR_mumu", buf);
  // the partial width is the integral of dGamma/dz (independent Simpson in z)
  const double integral = test::simpson([&](double z) { return mumu.dGammaDz(z); }, mumu.zMin(), mumu.zMax(), 20000);
  EXPECT_NEAR(integral / mumu.partialWidth(), 1.0, 1e-4);
  // b+ enters with the same sign as a+ (both negative): a smaller |b+| gives a smaller rate
  PiLeptonLeptonDecay::Config c;
  c.bPlus = -0.5;
  EXPECT_LT(PiLeptonLeptonDecay(c).partialWidth(), mumu.partialWidth());
}

TEST(PiLeptonLepton, MuMuZSpectrumFollowsDGammaDz) {
  const PiLeptonLeptonDecay model;
  const auto s = generateSample(model, 11, 200000);
  const auto r = test::chi2Test(s.z, [&](double z) { return model.dGammaDz(z); }, model.zMin(), model.zMax(), 50);
  RecordProperty("chi2_ndf", std::to_string(r.statistic) + "/" + std::to_string(r.ndf));
  EXPECT_GT(r.pValue, 1e-3) << "chi2/ndf = " << r.statistic << "/" << r.ndf;
  EXPECT_EQ(model.overflows(), 0u);
}

TEST(PiLeptonLepton, EEZSpectrumFollowsDGammaDz) {
  const PiLeptonLeptonDecay model(PiLeptonLeptonDecay::electronDefaults());
  const auto s = generateSample(model, 12, 100000);
  const auto r = test::chi2Test(s.z, [&](double z) { return model.dGammaDz(z); }, model.zMin(), model.zMax(), 50);
  EXPECT_GT(r.pValue, 1e-3) << "chi2/ndf = " << r.statistic << "/" << r.ndf;
  // low-mass region resolved separately (the threshold rise of beta (1 + 2 r^2/z))
  const auto low = test::chi2Test(s.z, [&](double z) { return model.dGammaDz(z); }, model.zMin(), 0.02, 20);
  EXPECT_GT(low.pValue, 1e-3) << "chi2/ndf = " << low.statistic << "/" << low.ndf;
  RecordProperty("chi2_z_ee", std::to_string(r.statistic) + "/" + std::to_string(r.ndf));
  RecordProperty("chi2_z_ee_low", std::to_string(low.statistic) + "/" + std::to_string(low.ndf));
  EXPECT_EQ(model.overflows(), 0u);
}

TEST(PiLeptonLepton, CosThetaFollowsOnePhotonExchange) {
  // d2Gamma/dz dcos ~ 1 - beta^2 cos^2 theta_l (kaon-physics.md 3.2): check the cos theta_l
  // marginal over the full z range and in a narrow z band, against the analytic density
  // integrated over z.
  const PiLeptonLeptonDecay model;
  const auto s = generateSample(model, 13, 200000);
  auto marginal = [&](double zlo, double zhi) {
    return [&model, zlo, zhi](double c) {
      return test::simpson([&](double z) { return model.d2GammaDzDcos(z, c); }, zlo, zhi, 200);
    };
  };
  const auto all = test::chi2Test(s.cosTheta, marginal(model.zMin(), model.zMax()), -1.0, 1.0, 40);
  EXPECT_GT(all.pValue, 1e-3) << "chi2/ndf = " << all.statistic << "/" << all.ndf;
  RecordProperty("chi2_cos_all", std::to_string(all.statistic) + "/" + std::to_string(all.ndf));
  // z band [0.40, 0.45]: beta^2 ~ 0.56, distribution 1 - 0.56 c^2
  std::vector<double> band;
  for (std::size_t i = 0; i < s.z.size(); ++i)
    if (s.z[i] > 0.40 && s.z[i] < 0.45) band.push_back(s.cosTheta[i]);
  ASSERT_GT(band.size(), 10000u);
  const auto r = test::chi2Test(band, marginal(0.40, 0.45), -1.0, 1.0, 20);
  EXPECT_GT(r.pValue, 1e-3) << "chi2/ndf = " << r.statistic << "/" << r.ndf;
  // the flat alternative is clearly rejected in that band (the test has power)
  const auto flat = test::chi2Test(band, [](double) { return 1.0; }, -1.0, 1.0, 20);
  EXPECT_LT(flat.pValue, 1e-6);
  RecordProperty("chi2_cos_band", std::to_string(r.statistic) + "/" + std::to_string(r.ndf) + " (flat " +
                                      std::to_string(flat.statistic) + ")");
  // forward-backward asymmetry: none from one-photon exchange; the Coulomb factor (pi+ l-
  // attractive, pi+ l+ repulsive) gives -0.438% (scripts/checks/kpill_coulomb.py), which the
  // model's d2Gamma/dz dcos integrates to and the sample follows
  const auto fbModel = [&] {
    double f = 0, t = 0;
    const int nz = 400, nc = 200;
    for (int i = 0; i < nz; ++i) {
      const double z = model.zMin() + (model.zMax() - model.zMin()) * (i + 0.5) / nz;
      for (int j = 0; j < nc; ++j) {
        const double c = -1.0 + 2.0 * (j + 0.5) / nc;
        const double d = model.d2GammaDzDcos(z, c);
        t += d;
        f += c > 0 ? d : -d;
      }
    }
    return f / t;
  }();
  EXPECT_NEAR(fbModel, -0.00438, 2e-4);
  double fb = 0;
  for (double c : s.cosTheta) fb += c > 0 ? 1.0 : -1.0;
  EXPECT_LT(std::abs(fb / s.cosTheta.size() - fbModel), 4.0 / std::sqrt(static_cast<double>(s.cosTheta.size())));
}

TEST(PiLeptonLepton, FourMomentumConservationAndMasses) {
  for (const auto& cfg : {PiLeptonLeptonDecay::Config{}, PiLeptonLeptonDecay::electronDefaults()}) {
    const PiLeptonLeptonDecay model(cfg);
    const double mK = mass(pdg::kKPlus);
    DecayProducts out;
    for (int i = 0; i < 5000; ++i) {
      RandomStream rng(14, streamId("test_pill_conservation"), static_cast<std::uint64_t>(i));
      model.generate(rng, out);
      ASSERT_EQ(out.size(), 3u);
      for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(out[k].pdgId, model.daughters()[k]);
      EXPECT_LT(relDiff(out.total(), FourVector(0, 0, 0, mK)), 1e-9);
      EXPECT_NEAR(out[0].p.m(), mass(pdg::kPiPlus), 1e-6);
      EXPECT_NEAR(out[1].p.m2(), std::pow(mass(cfg.leptonPdg), 2), 1e-9);
      EXPECT_NEAR(out[2].p.m2(), std::pow(mass(cfg.leptonPdg), 2), 1e-9);
    }
  }
}

TEST(PiLeptonLepton, SamplingBoundsHold) {
  // envelope >= dGamma/dz >= squeeze everywhere (the exactness of the accept-reject)
  EXPECT_EQ(PiLeptonLeptonDecay().boundViolations(200000), 0u);
  EXPECT_EQ(PiLeptonLeptonDecay(PiLeptonLeptonDecay::electronDefaults()).boundViolations(200000), 0u);
  PiLeptonLeptonDecay::Config c;
  c.aPlus = 0.3;  // W(z) crosses zero: a form factor with a dip
  c.bPlus = -2.0;
  EXPECT_EQ(PiLeptonLeptonDecay(c).boundViolations(200000), 0u);
}

TEST(PiLeptonLepton, ReproducibleFromCounter) {
  const PiLeptonLeptonDecay model;
  DecayProducts a, b;
  RandomStream r1(5, streamId("test_pill"), 42), r2(5, streamId("test_pill"), 42);
  model.generate(r1, a);
  model.generate(r2, b);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(a[k].p.e, b[k].p.e);
}
