// Tests of the Ke4 model K+ -> pi+ pi- e+ nu (Pais-Treiman, kaon-physics.md section 2.5).
#include <gtest/gtest.h>

#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <cmath>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/PhaseSpace.hpp"
#include "kaonlab/generator/models/Ke4.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;
using CM = Ke4Decay::CMVariables;

namespace {

const Ke4Decay& defaultModel() {
  static const Ke4Decay model;  // the maximum scan takes ~0.2 s: build once
  return model;
}

/// Four momenta (pi+, pi-, e+, nu) in the K rest frame for given CM variables, built
/// directly from the definitions (pi pi system along +z, e nu along -z; the pi+ in the x-z
/// half plane x > 0; the e+ transverse direction at (cos phi, -sin phi), which is the
/// orientation phi of the CM convention documented in Ke4.hpp).
std::array<FourVector, 4> momentaFromCM(const CM& v) {
  const double mK = mass(pdg::kKPlus), mPi = mass(pdg::kPiPlus), mE = mass(pdg::kElectron);
  const double p = std::sqrt(kallen(mK * mK, v.sPi, v.sE)) / (2 * mK);
  const double men = std::sqrt(v.sE);
  const double qPi = std::sqrt(v.sPi / 4 - mPi * mPi);
  const double qE = (v.sE - mE * mE) / (2 * men);
  const double sPi = std::sqrt(1 - v.cosThetaPi * v.cosThetaPi), sE = std::sqrt(1 - v.cosThetaE * v.cosThetaE);
  const Vector3 dPi{sPi, 0, v.cosThetaPi};
  const Vector3 dE{sE * std::cos(v.phi), -sE * std::sin(v.phi), -v.cosThetaE};
  const Vector3 bPP{0, 0, p / std::sqrt(p * p + v.sPi)}, bEN{0, 0, -p / std::sqrt(p * p + v.sE)};
  return {FourVector::fromMass(dPi * qPi, mPi).boosted(bPP), FourVector::fromMass(dPi * -qPi, mPi).boosted(bPP),
          FourVector::fromMass(dE * qE, mE).boosted(bEN), FourVector(dE * -qE, qE).boosted(bEN)};
}

/// Histogram comparison of unweighted generated values with a weighted reference sample:
/// Pearson chi2 including the reference's own variance; bins with expected < 5 merged.
test::GofResult chi2VsWeighted(const std::vector<double>& x, const std::vector<double>& xr,
                               const std::vector<double>& wr, double lo, double hi, int nbins) {
  std::vector<double> n(nbins, 0.0), w(nbins, 0.0), w2(nbins, 0.0);
  const double h = (hi - lo) / nbins;
  auto bin = [&](double v) { return std::min(nbins - 1, static_cast<int>((v - lo) / h)); };
  double nt = 0, wt = 0;
  for (double v : x)
    if (v >= lo && v < hi) n[bin(v)] += 1, nt += 1;
  for (std::size_t i = 0; i < xr.size(); ++i)
    if (xr[i] >= lo && xr[i] < hi) {
      const int b = bin(xr[i]);
      w[b] += wr[i];
      w2[b] += wr[i] * wr[i];
      wt += wr[i];
    }
  test::GofResult r;
  double oAcc = 0, eAcc = 0, vAcc = 0;
  int groups = 0;
  for (int b = 0; b < nbins; ++b) {
    oAcc += n[b];
    eAcc += nt * w[b] / wt;
    vAcc += nt * nt * w2[b] / (wt * wt);
    if (eAcc >= 5.0 || b == nbins - 1) {
      r.statistic += (oAcc - eAcc) * (oAcc - eAcc) / (eAcc + vAcc);
      ++groups;
      oAcc = eAcc = vAcc = 0;
    }
  }
  r.ndf = groups - 1;
  boost::math::chi_squared dist(r.ndf);
  r.pValue = boost::math::cdf(boost::math::complement(dist, r.statistic));
  return r;
}

}  // namespace

TEST(Ke4, CabibboMaksymowiczVariablesFromMomenta) {
  const double mPi = mass(pdg::kPiPlus);
  for (const CM& v : {CM{0.09, 0.01, 0.3, -0.6, 1.2}, CM{4 * mPi * mPi * 1.2, 0.002, -0.9, 0.2, -2.5},
                      CM{0.12, 0.0005, 0.05, 0.95, 3.0}, CM{0.08, 0.03, -0.4, -0.1, -0.3}}) {
    const auto p = momentaFromCM(v);
    const CM r = Ke4Decay::cabibboMaksymowicz(p[0], p[1], p[2], p[3]);
    EXPECT_NEAR(r.sPi, v.sPi, 1e-12);
    EXPECT_NEAR(r.sE, v.sE, 1e-12);
    EXPECT_NEAR(r.cosThetaPi, v.cosThetaPi, 1e-9);
    EXPECT_NEAR(r.cosThetaE, v.cosThetaE, 1e-9);
    EXPECT_NEAR(r.phi, v.phi, 1e-9);
    // invariance under a rotation and a boost of the whole event
    std::array<FourVector, 4> q;
    const Vector3 axis = Vector3{0.3, -0.5, 0.8}.unit();
    const Vector3 boost{0.1, 0.2, 0.97};  // a 75 GeV-like kaon
    for (int i = 0; i < 4; ++i)
      q[i] = FourVector(rotateFromFrame(p[i].vec(), axis, 0.7), p[i].e).boosted(boost);
    const CM s = Ke4Decay::cabibboMaksymowicz(q[0], q[1], q[2], q[3]);
    EXPECT_NEAR(s.sPi, v.sPi, 1e-9);
    EXPECT_NEAR(s.sE, v.sE, 1e-9);
    EXPECT_NEAR(s.cosThetaPi, v.cosThetaPi, 1e-7);
    EXPECT_NEAR(s.cosThetaE, v.cosThetaE, 1e-7);
    EXPECT_NEAR(s.phi, v.phi, 1e-7);
  }
}

TEST(Ke4, MatrixElementPositiveAndAngularIntegral) {
  const Ke4Decay& m = defaultModel();
  RandomStream rng(31, streamId("test_ke4_me"), 0);
  Genbod g(mass(pdg::kKPlus), std::array<double, 4>{mass(pdg::kPiPlus), mass(pdg::kPiPlus), mass(pdg::kElectron), 0.0});
  std::array<FourVector, 4> p;
  for (int i = 0; i < 100000; ++i) {
    g.generate(rng, p);
    ASSERT_GE(m.matrixElement2(Ke4Decay::cabibboMaksymowicz(p[0], p[1], p[2], p[3])), 0.0);
  }
  // closed-form angular integral vs a midpoint grid over (cos theta_pi, cos theta_e, phi)
  for (auto [sPi, sE] : {std::pair{0.09, 0.01}, std::pair{0.1, 0.0004}, std::pair{0.13, 0.005}}) {
    const int n = 40, nphi = 64;
    double sum = 0;
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b)
        for (int c = 0; c < nphi; ++c)
          sum += m.matrixElement2(CM{sPi, sE, -1 + (a + 0.5) * 2.0 / n, -1 + (b + 0.5) * 2.0 / n,
                                     -constants::pi + (c + 0.5) * constants::two_pi / nphi});
    sum *= (2.0 / n) * (2.0 / n) * (constants::two_pi / nphi);
    EXPECT_NEAR(sum / m.angularIntegral(sPi, sE), 1.0, 2e-3) << sPi << " " << sE;
  }
  // phase shift: 0 at threshold, positive and rising over the Ke4 range (ACGL, ~0.3 rad at 0.49 GeV)
  const double mPi = mass(pdg::kPiPlus);
  EXPECT_EQ(m.phaseShift(4 * mPi * mPi), 0.0);
  double last = 0;
  for (double mpp = 0.29; mpp < 0.49; mpp += 0.02) {
    const double d = m.phaseShift(mpp * mpp);
    EXPECT_GT(d, last);
    last = d;
  }
  EXPECT_GT(last, 0.15);
  EXPECT_LT(last, 0.6);
}

TEST(Ke4, FourMomentumConservationAndOrder) {
  const Ke4Decay& m = defaultModel();
  ASSERT_EQ(m.daughters().size(), 4u);
  EXPECT_EQ(m.daughters()[0], 211);
  EXPECT_EQ(m.daughters()[1], -211);
  EXPECT_EQ(m.daughters()[2], -11);
  EXPECT_EQ(m.daughters()[3], 12);
  const double mK = mass(pdg::kKPlus);
  DecayProducts out;
  for (int i = 0; i < 3000; ++i) {
    RandomStream rng(32, streamId("test_ke4_conservation"), static_cast<std::uint64_t>(i));
    m.generate(rng, out);
    ASSERT_EQ(out.size(), 4u);
    for (std::size_t k = 0; k < 4; ++k) EXPECT_EQ(out[k].pdgId, m.daughters()[k]);
    const FourVector t = out.total();
    EXPECT_LT((std::abs(t.px) + std::abs(t.py) + std::abs(t.pz) + std::abs(t.e - mK)) / mK, 1e-9);
    EXPECT_NEAR(out[0].p.m(), mass(pdg::kPiPlus), 1e-6);
    EXPECT_NEAR(out[1].p.m(), mass(pdg::kPiPlus), 1e-6);
    EXPECT_NEAR(out[2].p.m2(), std::pow(mass(pdg::kElectron), 2), 1e-9);
    EXPECT_NEAR(out[3].p.m2(), 0.0, 1e-9);
  }
}

TEST(Ke4, MarginalsMatchGenbodWeightedIntegration) {
  // Generated sample vs an independent plain-MC integration of the 5-D density: GENBOD
  // phase space (its own instance, natural particle order) weighted by GENBOD weight x |M|^2.
  const Ke4Decay& m = defaultModel();
  const int nGen = 60000, nRef = 600000;
  std::vector<double> sPi, sE, ce, phi;
  DecayProducts out;
  for (int i = 0; i < nGen; ++i) {
    RandomStream rng(33, streamId("test_ke4_gen"), static_cast<std::uint64_t>(i));
    m.generate(rng, out);
    const CM v = Ke4Decay::cabibboMaksymowicz(out[0].p, out[1].p, out[2].p, out[3].p);
    sPi.push_back(v.sPi);
    sE.push_back(v.sE);
    ce.push_back(v.cosThetaE);
    phi.push_back(v.phi);
  }
  EXPECT_EQ(m.overflows(), 0u);
  Genbod g(mass(pdg::kKPlus), std::array<double, 4>{mass(pdg::kPiPlus), mass(pdg::kPiPlus), mass(pdg::kElectron), 0.0});
  RandomStream rng(34, streamId("test_ke4_reference"), 0);
  std::vector<double> rPi, rE, rCe, rPhi, w;
  std::array<FourVector, 4> p;
  for (int i = 0; i < nRef; ++i) {
    const double wt = g.generate(rng, p);
    const CM v = Ke4Decay::cabibboMaksymowicz(p[0], p[1], p[2], p[3]);
    rPi.push_back(v.sPi);
    rE.push_back(v.sE);
    rCe.push_back(v.cosThetaE);
    rPhi.push_back(v.phi);
    w.push_back(wt * m.matrixElement2(v));
  }
  const auto a = chi2VsWeighted(sPi, rPi, w, m.sPiMin(), 0.15, 30);
  EXPECT_GT(a.pValue, 1e-3) << "s_pi: chi2/ndf = " << a.statistic << "/" << a.ndf;
  const auto b = chi2VsWeighted(sE, rE, w, 0.0, m.sEMax(), 30);
  EXPECT_GT(b.pValue, 1e-3) << "s_e: chi2/ndf = " << b.statistic << "/" << b.ndf;
  const auto c = chi2VsWeighted(ce, rCe, w, -1.0, 1.0, 20);
  EXPECT_GT(c.pValue, 1e-3) << "cos theta_e: chi2/ndf = " << c.statistic << "/" << c.ndf;
  const auto d = chi2VsWeighted(phi, rPhi, w, -constants::pi, constants::pi, 20);
  EXPECT_GT(d.pValue, 1e-3) << "phi: chi2/ndf = " << d.statistic << "/" << d.ndf;
  // power: the pure phase-space s_pi distribution (GENBOD weights only) is rejected
  std::vector<double> wgb;
  RandomStream rps(36, streamId("test_ke4_ps"), 0);
  std::vector<double> psPi;
  for (int i = 0; i < nRef; ++i) {
    wgb.push_back(g.generate(rps, p));
    psPi.push_back((p[0] + p[1]).m2());
  }
  const auto ps = chi2VsWeighted(sPi, psPi, wgb, m.sPiMin(), 0.15, 30);
  EXPECT_LT(ps.pValue, 1e-6) << "phase space: chi2/ndf = " << ps.statistic << "/" << ps.ndf;
  RecordProperty("chi2_sPi", std::to_string(a.statistic) + "/" + std::to_string(a.ndf));
  RecordProperty("chi2_sE", std::to_string(b.statistic) + "/" + std::to_string(b.ndf));
  RecordProperty("chi2_cosThetaE", std::to_string(c.statistic) + "/" + std::to_string(c.ndf));
  RecordProperty("chi2_phi", std::to_string(d.statistic) + "/" + std::to_string(d.ndf));
  RecordProperty("chi2_sPi_vs_phase_space", std::to_string(ps.statistic) + "/" + std::to_string(ps.ndf));
}

TEST(Ke4, SeMarginalMatchesAnalyticAngularIntegral) {
  // d Gamma/ds_e ~ int ds_pi X sigma_pi (1 - m_e^2/s_e) int dOmega |M|^2, the angular integral
  // in closed form: independent of GENBOD and of the CM-variable code.
  const Ke4Decay& m = defaultModel();
  std::vector<double> sE, sPi;
  DecayProducts out;
  for (int i = 0; i < 60000; ++i) {
    RandomStream rng(37, streamId("test_ke4_se"), static_cast<std::uint64_t>(i));
    m.generate(rng, out);
    sE.push_back((out[2].p + out[3].p).m2());
    sPi.push_back((out[0].p + out[1].p).m2());
  }
  const double mK = mass(pdg::kKPlus), mE = mass(pdg::kElectron);
  auto pdfSe = [&](double se) {
    const double hi = std::pow(mK - std::sqrt(se), 2);
    if (hi <= m.sPiMin()) return 0.0;
    // s_pi = s_min + (hi - s_min) u^2 smooths the sqrt threshold of sigma_pi
    return test::simpson([&](double u) {
      const double s = m.sPiMin() + (hi - m.sPiMin()) * u * u;
      return 2 * u * (hi - m.sPiMin()) * m.phaseSpaceDensity(s, se) * m.angularIntegral(s, se);
    }, 0.0, 1.0, 200);
  };
  const auto r = test::chi2Test(sE, pdfSe, mE * mE, m.sEMax(), 30);
  EXPECT_GT(r.pValue, 1e-3) << "s_e: chi2/ndf = " << r.statistic << "/" << r.ndf;
  auto pdfSpi = [&](double sp) {
    const double hi = std::pow(mK - std::sqrt(sp), 2);
    const double lo = mE * mE;
    if (hi <= lo) return 0.0;
    return test::simpson([&](double se) { return m.phaseSpaceDensity(sp, se) * m.angularIntegral(sp, se); }, lo, hi, 200);
  };
  const auto q = test::chi2Test(sPi, pdfSpi, m.sPiMin(), m.sPiMax(), 30);
  EXPECT_GT(q.pValue, 1e-3) << "s_pi: chi2/ndf = " << q.statistic << "/" << q.ndf;
  RecordProperty("chi2_sE_analytic", std::to_string(r.statistic) + "/" + std::to_string(r.ndf));
  RecordProperty("chi2_sPi_analytic", std::to_string(q.statistic) + "/" + std::to_string(q.ndf));
}
