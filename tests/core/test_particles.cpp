#include <gtest/gtest.h>

#include <stdexcept>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/core/Units.hpp"

using namespace kaonlab;

TEST(ParticleData, KaonLifetimeGivesDecayLength) {
  // c tau(K+) = 3.7114 m for tau = 1.2380e-8 s (kaon-physics.md 1.1)
  EXPECT_NEAR(particleData(pdg::kKPlus).ctau / units::m, 3.7114, 1e-4);
  // c tau(pi+) = 7.8045 m
  EXPECT_NEAR(particleData(pdg::kPiPlus).ctau / units::m, 7.8045, 1e-4);
}

TEST(ParticleData, ChargesAndNames) {
  EXPECT_EQ(charge(pdg::kKPlus), 1);
  EXPECT_EQ(charge(-pdg::kPiPlus), -1);
  EXPECT_EQ(charge(pdg::kMuon), -1);
  EXPECT_EQ(charge(-pdg::kElectron), 1);
  EXPECT_EQ(particleName(-pdg::kMuon), "mu+");
  EXPECT_EQ(pdgIdFromName("pi-").value(), -pdg::kPiPlus);
  EXPECT_EQ(pdgIdFromName("gamma").value(), pdg::kPhoton);
  EXPECT_FALSE(pdgIdFromName("graviton").has_value());
  EXPECT_THROW(particleData(999999), std::out_of_range);
}
