// RICH reconstruction formulas against closed forms (na62-detector.md §2.3): expected ring
// radius R = F tan(theta_c) with cos(theta_c) = 1/(n beta), thresholds, the mass and momentum
// inversions, and the normalised hypothesis likelihoods used by the pi nu nu selection.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;

namespace {
const detector::DetectorConfig kDet{};
const reco::Reconstruction kRec({}, kDet);
const double kMpi = mass(pdg::kPiPlus), kMmu = mass(pdg::kMuon), kMe = mass(pdg::kElectron);
}  // namespace

TEST(Rich, ExpectedRadiusThresholdsAndSaturation) {
  const double n = 1.0 + kDet.rich.indexMinusOne, f = kDet.rich.focalLength;
  // threshold p_th = m / sqrt(n^2 - 1): pi+ 12.45 GeV/c, mu+ 9.43 GeV/c (§2.3)
  const double pthPi = kMpi / std::sqrt(n * n - 1), pthMu = kMmu / std::sqrt(n * n - 1);
  EXPECT_NEAR(pthPi, 12.45, 0.01);
  EXPECT_NEAR(pthMu, 9.43, 0.01);
  EXPECT_EQ(kRec.richExpectedRadius(0.99 * pthPi, kMpi), 0.0);
  EXPECT_GT(kRec.richExpectedRadius(1.01 * pthPi, kMpi), 0.0);
  // saturated ring (beta -> 1): F tan(acos(1/n)) = 190.7 mm (190.6 measured, §2.3)
  const double rSat = f * std::tan(std::acos(1.0 / n));
  EXPECT_NEAR(kRec.richExpectedRadius(1e4, kMe), rSat, 1e-3);
  EXPECT_NEAR(rSat, 190.6, 0.5);
  // closed form at 25 GeV/c for the pi+
  const double p = 25.0, beta = p / std::hypot(p, kMpi);
  EXPECT_NEAR(kRec.richExpectedRadius(p, kMpi), f * std::tan(std::acos(1.0 / (n * beta))), 1e-6);
}

TEST(Rich, MassAndMomentumInvertTheRadius) {
  for (double p : {15.0, 25.0, 35.0, 45.0}) {
    for (double m : {kMpi, kMmu}) {
      const double r = kRec.richExpectedRadius(p, m);
      ASSERT_GT(r, 0);
      EXPECT_NEAR(kRec.richMass(r, p), m, 1e-6) << p;
      EXPECT_NEAR(kRec.richMomentum(r, m), p, 1e-6 * p) << p;
    }
  }
}

TEST(Rich, HypothesisLikelihoodsAreNormalisedAndPickTheRightParticle) {
  const int hits = 13;
  for (double p : {15.0, 25.0, 35.0, 45.0}) {
    for (int h = 0; h < 3; ++h) {
      const double m = h == 0 ? kMe : (h == 1 ? kMmu : kMpi);
      const auto prob = kRec.richProbabilities(kRec.richExpectedRadius(p, m), hits, p);
      EXPECT_NEAR(prob[0] + prob[1] + prob[2], 1.0, 1e-12);
      // at the expected radius of a hypothesis, that hypothesis is the most likely
      for (int k = 0; k < 3; ++k) {
        if (k != h) {
          EXPECT_GT(prob[static_cast<std::size_t>(h)], prob[static_cast<std::size_t>(k)]) << p << " " << h;
        }
      }
    }
  }
  // well separated at 15 GeV/c: a pion ring leaves < 1e-6 to the muon hypothesis
  const auto p15 = kRec.richProbabilities(kRec.richExpectedRadius(15.0, kMpi), hits, 15.0);
  EXPECT_LT(p15[1], 1e-6);
  // equal distance between the mu and pi radii: equal likelihoods (Gaussian in the radius)
  const double p40 = 40.0, mid = 0.5 * (kRec.richExpectedRadius(p40, kMpi) + kRec.richExpectedRadius(p40, kMmu));
  const auto pm = kRec.richProbabilities(mid, hits, p40);
  EXPECT_NEAR(pm[1], pm[2], 1e-9);
}
