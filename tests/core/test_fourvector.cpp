#include <gtest/gtest.h>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

using namespace kaonlab;

TEST(FourVector, BoostOfParticleAtRestGivesGammaMBeta) {
  const double m = mass(pdg::kKPlus);
  const FourVector rest(0, 0, 0, m);
  const Vector3 b{0.1, -0.2, 0.9};
  const FourVector moving = rest.boosted(b);
  const double gamma = 1.0 / std::sqrt(1.0 - b.mag2());
  EXPECT_NEAR(moving.e, gamma * m, 1e-12);
  EXPECT_NEAR(moving.px, gamma * m * b.x, 1e-12);
  EXPECT_NEAR(moving.pz, gamma * m * b.z, 1e-12);
  EXPECT_NEAR(moving.m(), m, 1e-12);
}

TEST(FourVector, BoostIsInvertibleAndPreservesInvariants) {
  const FourVector a(0.1, 0.2, -0.05, 0.4), c(-0.03, 0.01, 0.2, 0.3);
  const Vector3 b{0.3, 0.1, 0.94};
  const FourVector ab = a.boosted(b), cb = c.boosted(b);
  EXPECT_NEAR(ab.dot(cb), a.dot(c), 1e-12);
  const FourVector back = ab.boosted(-b);
  EXPECT_NEAR(back.px, a.px, 1e-12);
  EXPECT_NEAR(back.e, a.e, 1e-12);
}

TEST(Kinematics, TwoBodyMomentaMatchReference) {
  // ../shared/reference/kaon-physics.md section 1.1 [check]: p*(mu nu) = 235.532 MeV/c,
  // p*(e nu) = 246.838 MeV/c, p*(pi+ pi0) = 205.138 MeV/c
  const double mK = mass(pdg::kKPlus);
  EXPECT_NEAR(twoBodyMomentum(mK, mass(pdg::kMuon), 0) / units::MeV, 235.532, 5e-4);
  EXPECT_NEAR(twoBodyMomentum(mK, mass(pdg::kElectron), 0) / units::MeV, 246.838, 5e-4);
  EXPECT_NEAR(twoBodyMomentum(mK, mass(pdg::kPiPlus), mass(pdg::kPi0)) / units::MeV, 205.138, 5e-4);
}
