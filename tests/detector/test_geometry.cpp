// Geometric acceptances computed by hand from na62-detector.md §2.1/§2.4, config
// validation, decays in flight and cluster merging.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/core/Error.hpp"
#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"

using namespace kaonlab;
using namespace kaonlab::detector;

namespace {
const FastSimulation& sim() {
  static const FastSimulation s(DetectorConfig{}, generator::BeamConfig{});
  return s;
}
/// A photon of energy e from `v` with slopes (sx, sy).
FourVector photon(double e, double sx, double sy) {
  const double n = std::sqrt(1 + sx * sx + sy * sy);
  return {e * sx / n, e * sy / n, e / n, e};
}
}  // namespace

TEST(Geometry, BeamTrackIsLostInTheStrawHoles) {
  // A 75 GeV/c pi+ on the beam trajectory (x = 1.2 mrad (z - 102.4 m), y = 0) passes
  // through the four beam holes: by hand, x at STRAW1/2 = 97.3/110.0 mm (hole centres
  // 101.2/114.4, radius 63.8); after the -3.6 mrad MNP33 kick x at STRAW3/4 = 95.6/61.0
  // (hole centres 92.4/52.8): all inside the holes, so no STRAW chamber sees it.
  const double slope = 1.2e-3, z0 = 150.0 * units::m;
  const Vector3 start(slope * (z0 - 102400.0), 0, z0);
  const double p = 75.0;
  const FourVector mom = FourVector::fromMass({p * slope, 0, p}, mass(pdg::kPiPlus));
  const double kick = -0.270 / p;
  const double zs[4] = {183508, 194066, 204459, 218885}, hc[4] = {101.2, 114.4, 92.4, 52.8};
  for (int k = 0; k < 4; ++k) {
    const double x = zs[k] < 196995 ? slope * (zs[k] - 102400)
                                    : slope * (196995 - 102400) + (slope + kick) * (zs[k] - 196995);
    EXPECT_LT(std::abs(x - hc[k]), 63.8) << "hand computation, chamber " << k + 1;
  }
  RandomStream rng(1, 2, 3);
  Trajectory t;
  sim().transport(pdg::kPiPlus, mom, start, rng, t, {false, false});
  int active = 0;
  for (int i = 0; i < t.n; ++i)
    if (t.crossings[i].element == Element::Straw && t.crossings[i].active) ++active;
  EXPECT_EQ(active, 0);
  EXPECT_EQ(t.find(Element::Lkr), nullptr);  // inside the LKr beam tube
  const Crossing* r = t.find(Element::Rich);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->active);
  // a 20 GeV/c pi+ on the same line is kicked out of the holes after the magnet: 2 chambers
  const FourVector soft = FourVector::fromMass({20 * slope, 0, 20}, mass(pdg::kPiPlus));
  sim().transport(pdg::kPiPlus, soft, start, rng, t, {false, false});
  active = 0;
  for (int i = 0; i < t.n; ++i)
    if (t.crossings[i].element == Element::Straw && t.crossings[i].active) ++active;
  EXPECT_EQ(active, 2);  // x(STRAW3) = 21.7 mm, x(STRAW4) = -155.7 mm: outside the holes
}

TEST(Geometry, PhotonHitsTheLavStationComputedByHand) {
  struct Case {
    double z0, slope;
  } cases[] = {{110000, 0.030}, {140000, 0.015}, {120000, 0.045}, {150000, 0.0125}, {105000, 0.020}};
  // §2.4 table: front z, back z, inner radius
  const double lav[12][3] = {{121363, 121953, 536.5}, {128973, 129563, 536.5}, {136583, 137173, 536.5},
                             {144193, 144783, 536.5}, {151803, 152393, 536.5}, {165313, 165903, 767.5},
                             {172823, 173413, 767.5}, {180333, 180923, 767.5}, {192709, 193179, 980},
                             {203102, 203572, 980},   {217528, 217998, 980},   {238313, 238783, 1070}};
  for (const auto& c : cases) {
    int expected = 0;
    for (int s = 0; s < 12 && expected == 0; ++s) {
      if (lav[s][0] <= c.z0) continue;
      if (c.slope * (lav[s][0] - c.z0) >= lav[s][2] || c.slope * (lav[s][1] - c.z0) >= lav[s][2]) expected = s + 1;
    }
    ASSERT_GT(expected, 0);
    int station = -1;
    const auto d = sim().photonDestination(photon(1.0, 0, c.slope), Vector3(0, 0, c.z0), &station);
    EXPECT_EQ(d, PhotonDetector::LAV) << c.z0 << " " << c.slope;
    EXPECT_EQ(station, expected) << c.z0 << " " << c.slope;
  }
  // the two worked examples of docs/detector.md
  int st = 0;
  sim().photonDestination(photon(1.0, 0, 0.030), Vector3(0, 0, 110000), &st);
  EXPECT_EQ(st, 2);  // R(LAV1) = 341 mm < 536.5; R(LAV2) = 569 mm
  sim().photonDestination(photon(1.0, 0.015, 0), Vector3(0, 0, 140000), &st);
  EXPECT_EQ(st, 11);  // R(LAV10 back) = 954 < 980; R(LAV11) = 1163 mm
}

TEST(Geometry, SmallAnglePhotonsReachLkrIrcSac) {
  const Vector3 v(0, 0, 150000);
  // 5 mrad: R = 455 mm at the LKr (150 < R, inside the octagon), 448 mm at the IRC (> 145)
  EXPECT_EQ(sim().photonDestination(photon(10, 0.005, 0), v), PhotonDetector::LKr);
  EXPECT_EQ(sim().photonDestination(photon(10, 0, -0.005), v), PhotonDetector::LKr);
  // 0.5 mrad along +x: 44.9 mm at the IRC, 32.9 mm from its hole centre (x = +12) < 60:
  // through the hole, 45.5 mm at the LKr (< 80 mm beam tube), 55.5 mm at the SAC (< 100)
  EXPECT_EQ(sim().photonDestination(photon(10, 0.0005, 0), v), PhotonDetector::SAC);
  // 1 mrad along +y: 89.7 mm at the IRC, sqrt(89.7^2 + 12^2) = 90.5 mm from its centre: IRC
  EXPECT_EQ(sim().photonDestination(photon(10, 0, 0.001), v), PhotonDetector::IRC);
  // 60 mrad from 106 m: R(LAV1 front) = 922 mm: LAV1 (outer crystal radius 906.5 does not matter)
  int st = 0;
  EXPECT_EQ(sim().photonDestination(photon(1, 0.060, 0), Vector3(0, 0, 106000), &st), PhotonDetector::LAV);
  EXPECT_EQ(st, 1);
}

TEST(Geometry, ConfigValidationNamesTheField) {
  DetectorConfig c;
  c.straw.z[2] = c.straw.z[1] - 1.0;
  try {
    c.validate();
    FAIL() << "no exception";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("detector.straw.z[2]"), std::string::npos) << e.what();
  }
  DetectorConfig d;
  d.lkr.inefficiency.value[1] = 2.0;
  EXPECT_THROW(d.validate(), ConfigError);
  DetectorConfig e;
  e.gtk.trackEfficiency = 1.5;
  try {
    FastSimulation s(e, generator::BeamConfig{});
    FAIL() << "no exception";
  } catch (const ConfigError& err) {
    EXPECT_NE(std::string(err.what()).find("gtk.track_efficiency"), std::string::npos) << err.what();
  }
  EXPECT_NO_THROW(DetectorConfig{}.validate());
}

TEST(DecayInFlight, PionDecayFractionFollowsExponentialLaw) {
  // pi+ of 20 GeV/c along z from z = 105 m: P(decay before STRAW4) = 1 - exp(-dz / (p/m c tau))
  const double p = 20.0, z0 = 105000.0, z4 = 218885.0;
  const double lambda = p / mass(pdg::kPiPlus) * particleData(pdg::kPiPlus).ctau;  // 1118 m
  const double expected = 1.0 - std::exp(-(z4 - z0) / lambda);
  EXPECT_NEAR(expected, 0.0968, 0.0005);
  const FourVector mom = FourVector::fromMass({0, 0, p}, mass(pdg::kPiPlus));
  const int n = 200000;
  int decayed = 0, firstHalf = 0, muons = 0;
  Trajectory t;
  for (int i = 0; i < n; ++i) {
    RandomStream rng(5, streamId("test-dif"), i);
    sim().transport(pdg::kPiPlus, mom, Vector3(0, 0, z0), rng, t, {true, false});
    if (t.firstDecayZ > 0 && t.firstDecayZ < z4) {
      ++decayed;
      if (t.firstDecayZ < 0.5 * (z0 + z4)) ++firstHalf;
      const Crossing* d = t.find(Element::Decay);
      ASSERT_NE(d, nullptr);
      if (d->pdgId == -pdg::kMuon) ++muons;
    }
  }
  const double f = static_cast<double>(decayed) / n;
  EXPECT_NEAR(f, expected, 5 * std::sqrt(expected * (1 - expected) / n)) << f;
  EXPECT_EQ(muons, decayed);
  // within the decayed sample, the fraction in the first half of the path
  const double h = (1 - std::exp(-0.5 * (z4 - z0) / lambda)) / expected;
  EXPECT_NEAR(static_cast<double>(firstHalf) / decayed, h, 5 * std::sqrt(h * (1 - h) / decayed));
}

TEST(Lkr, ClosePhotonsMerge) {
  DetectorConfig c;
  c.accidentals.enabled = false;
  FastSimulation s(c, generator::BeamConfig{});
  generator::TruthEvent ev;
  ev.index = 3;
  ev.decayVertex = FourVector(0, 0, 200000, 0);
  const double dz = c.lkr.zFront - 200000;
  auto run = [&](double sepMm) {
    ev.clearParticles();
    ev.add({pdg::kPhoton, photon(20, 400.0 / dz, 0), -1, 1});
    ev.add({pdg::kPhoton, photon(20, (400.0 + sepMm) / dz, 0), -1, 1});
    DetectorEvent out;
    s.simulate(ev, out);
    return out;
  };
  const DetectorEvent near = run(25.0);  // < 40 mm: one cluster of 40 GeV
  ASSERT_EQ(near.nLkr, 1u);
  EXPECT_NEAR(near.lkr[0].energy, 40.0, 1.0);
  EXPECT_EQ(near.lkr[0].type, ClusterType::Merged);
  const DetectorEvent far = run(80.0);
  EXPECT_EQ(far.nLkr, 2u);
}
