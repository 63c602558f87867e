// Validation of the basic K+ decay models against analytic formulas.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "StatTest.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/generator/models/Basic.hpp"

using namespace kaonlab;
using namespace kaonlab::generator;

namespace {
const double mK = mass(pdg::kKPlus);

void expectConserved(const DecayProducts& d) {
  const FourVector s = d.total();
  EXPECT_NEAR(s.e, mK, 1e-9 * mK);
  EXPECT_NEAR(s.px, 0, 1e-9 * mK);
  EXPECT_NEAR(s.py, 0, 1e-9 * mK);
  EXPECT_NEAR(s.pz, 0, 1e-9 * mK);
  for (const auto& p : d) EXPECT_NEAR(p.p.m2(), mass(p.pdgId) * mass(p.pdgId), 1e-9);
}
}  // namespace

TEST(TwoBody, ExactMomenta) {
  // p* from kaon-physics.md 1.1 [check]: 235.532, 246.838, 205.138 MeV/c
  const struct { int a, b; double p; } cases[] = {{-13, 14, 235.532}, {-11, 12, 246.838}, {211, 111, 205.138}};
  for (const auto& c : cases) {
    TwoBodyDecay m(c.a, c.b);
    RandomStream rng(1, streamId("twobody"), 0);
    DecayProducts d;
    for (int i = 0; i < 100; ++i) {
      m.generate(rng, d);
      expectConserved(d);
      EXPECT_NEAR(d[0].p.p() / units::MeV, c.p, 1e-3);
    }
  }
}

TEST(PiNuNu, PionMomentumSpectrumMatchesFormula) {
  PiNuNuDecay m(PiNuNuDecay::Config{});
  RandomStream rng(2, streamId("pinunu"), 0);
  DecayProducts d;
  std::vector<double> p;
  for (int i = 0; i < 200000; ++i) {
    m.generate(rng, d);
    if (i < 1000) expectConserved(d);
    p.push_back(d[0].p.p());
  }
  const double mpi = mass(pdg::kPiPlus);
  // dGamma/dp = dGamma/dq2 * |dq2/dp|, q2 = mK^2 + mpi^2 - 2 mK E, dq2/dp = -2 mK p/E
  auto pdf = [&](double pp) {
    const double e = std::sqrt(pp * pp + mpi * mpi);
    return m.spectrumQ2(mK * mK + mpi * mpi - 2 * mK * e) * pp / e;
  };
  const double pmax = m.pionMomentum(0.0);
  EXPECT_NEAR(pmax / units::MeV, 227.11, 0.01);  // kaon-physics.md 1.1
  const auto r = test::chi2Test(p, pdf, 0.0, pmax, 60);
  EXPECT_GT(r.pValue, 1e-3) << r.statistic << "/" << r.ndf;
}

TEST(Kl3, DalitzMarginalMatchesDensity) {
  for (int lepton : {11, 13}) {
    Kl3Decay m(Kl3Decay::Config{lepton, 0.0252, 0.0016, 0.0134});
    RandomStream rng(3, streamId("kl3"), lepton);
    DecayProducts d;
    std::vector<double> m12;
    for (int i = 0; i < 200000; ++i) {
      m.generate(rng, d);
      if (i < 1000) expectConserved(d);
      m12.push_back((d[0].p + d[1].p).m2());
    }
    const auto& dz = m.dalitz();
    const double mpi = mass(pdg::kPi0), ml = mass(lepton);
    // dN/dm12^2 = Int rho dm23^2 (rho in energies; measure dE_pi dE_l ~ dm12^2 dm23^2)
    auto marginal = [&](double s12) {
      const auto [lo, hi] = dz.m23Range(s12);
      return test::simpson(
          [&](double s23) {
            const double ePi = (mK * mK + mpi * mpi - s23) / (2 * mK);
            const double s13 = mK * mK + mpi * mpi + ml * ml - s12 - s23;
            const double eL = (mK * mK + ml * ml - s13) / (2 * mK);
            return m.density(ePi, eL);
          },
          lo, hi, 100);
    };
    const auto r = test::chi2Test(m12, marginal, dz.m12sqMin(), dz.m12sqMax(), 50);
    EXPECT_GT(r.pValue, 1e-3) << "lepton " << lepton << ": " << r.statistic << "/" << r.ndf;
    EXPECT_EQ(m.overflows(), 0u);
  }
}

TEST(Kl3, MuonToElectronWidthRatioMatchesPDG) {
  // Gamma(Kmu3)/Gamma(Ke3) vs the PDG BR ratio 3.352/5.07 = 0.6611 (uncertainty about
  // 1.1% from the two BRs). (The reference script checks/kl3_ratio.py gets 0.6590 because
  // it uses xi = (f0 - f+)(mK^2 - mpi^2)/t instead of (mK^2 - mpi^2)/t (f0/f+ - 1).)
  Kl3Decay ke3(Kl3Decay::Config{11, 0.0252, 0.0016, 0.0134});
  Kl3Decay kmu3(Kl3Decay::Config{13, 0.0252, 0.0016, 0.0134});
  const double ratio = kmu3.integratedDensity() / ke3.integratedDensity();
  EXPECT_NEAR(ratio, 3.352 / 5.07, 2 * 0.011 * 0.6611);
}

namespace {
// Refit (g, h, k) of generated K3pi events by the method of moments: for a density
// rho0 (1 + theta . phi) with phi = (u, u^2, v^2) and rho0 = uniform phase space,
// E[phi_j] (1 + theta.a) = a_j + sum_k theta_k b_jk, a = E0[phi], b = E0[phi phi].
Eigen::Vector3d refit(const K3piDecay& m, const std::vector<std::array<double, 3>>& phi,
                      const Eigen::Vector3d& a, const Eigen::Matrix3d& b) {
  Eigen::Vector3d mean = Eigen::Vector3d::Zero();
  for (const auto& f : phi) mean += Eigen::Vector3d(f[0], f[1], f[2]);
  mean /= static_cast<double>(phi.size());
  Eigen::Matrix3d A;
  for (int j = 0; j < 3; ++j)
    for (int k = 0; k < 3; ++k) A(j, k) = b(j, k) - mean(j) * a(k);
  (void)m;
  return A.colPivHouseholderQr().solve(mean - a);
}
}  // namespace

TEST(K3pi, RefittedSlopesRecoverGenerated) {
  for (bool neutral : {false, true}) {
    const auto cfg = neutral ? K3piDecay::Config::forNeutral() : K3piDecay::Config{};
    K3piDecay m(cfg);
    // uniform phase-space moments (independent sample, no matrix element)
    RandomStream r0(4, streamId("k3pi-ps"), neutral);
    Eigen::Vector3d a = Eigen::Vector3d::Zero();
    Eigen::Matrix3d b = Eigen::Matrix3d::Zero();
    const int n0 = 5000000;
    for (int i = 0; i < n0; ++i) {
      const auto [u, v] = m.uv(m.dalitz().samplePoint(r0));
      const Eigen::Vector3d f(u, u * u, v * v);
      a += f;
      b += f * f.transpose();
    }
    a /= n0;
    b /= n0;
    // generated events in 10 sub-samples: spread gives the statistical error
    RandomStream rng(5, streamId("k3pi"), neutral);
    DecayProducts d;
    std::vector<Eigen::Vector3d> fits;
    std::vector<std::array<double, 3>> all;
    for (int s = 0; s < 10; ++s) {
      std::vector<std::array<double, 3>> phi;
      for (int i = 0; i < 100000; ++i) {
        m.generate(rng, d);
        ThreeBodyDalitz::Point pt{(d[0].p + d[1].p).m2(), (d[1].p + d[2].p).m2(), (d[0].p + d[2].p).m2(), 0, 0, 0};
        const auto [u, v] = m.uv(pt);
        phi.push_back({u, u * u, v * v});
      }
      fits.push_back(refit(m, phi, a, b));
      all.insert(all.end(), phi.begin(), phi.end());
    }
    const Eigen::Vector3d total = refit(m, all, a, b);
    Eigen::Vector3d var = Eigen::Vector3d::Zero();
    for (const auto& f : fits) var += (f - total).cwiseProduct(f - total);
    const Eigen::Vector3d err = (var / 9.0 / 10.0).cwiseSqrt();  // error of the full-sample fit
    const Eigen::Vector3d truth(cfg.g, cfg.h, cfg.k);
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(total(j), truth(j), 4 * err(j) + 1e-3 * std::abs(truth(j)))
          << (neutral ? "pi+pi0pi0" : "pi+pi+pi-") << " parameter " << j;
    EXPECT_EQ(m.overflows(), 0u);
  }
}

TEST(FlatPhaseSpace, ThreeAndFourBodyConserveMomentum) {
  FlatPhaseSpaceDecay m3({-211, -13, -11});
  FlatPhaseSpaceDecay m4({-211, 111, -11, -11});
  RandomStream rng(6, streamId("flat"), 0);
  DecayProducts d;
  for (int i = 0; i < 1000; ++i) {
    m3.generate(rng, d);
    expectConserved(d);
    m4.generate(rng, d);
    expectConserved(d);
  }
  EXPECT_EQ(m4.overflows(), 0u);
}
