// Upstream transport (final collimator, TRIM5, GTK3, CHANTI, tank entrance) and the response
// to a K+ that decayed upstream of GTK3. Positions by hand from na62-detector.md 1.2/1.3/2.6.
#include <gtest/gtest.h>

#include <cmath>

#include "kaonlab/core/ParticleData.hpp"
#include "kaonlab/detector/FastSimulation.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

using namespace kaonlab;
using namespace kaonlab::detector;

namespace {
const FastSimulation& sim() {
  static const FastSimulation s(DetectorConfig{}, generator::BeamConfig{});
  return s;
}
FourVector pion(double p, double sx = 0, double sy = 0) {
  const double pz = p / std::sqrt(1 + sx * sx + sy * sy);
  return FourVector::fromMass({sx * pz, sy * pz, pz}, mass(pdg::kPiPlus));
}
}  // namespace

TEST(UpstreamTransport, Trim5KickAngleIsPtOverP) {
  // 0.3 x 0.7505 T x 0.4 m = 0.090 GeV/c (na62-detector.md 1.2): a 20 GeV/c pi+ is bent by
  // 4.5 mrad towards +x, a pi- by -4.5 mrad, a 75 GeV/c pi+ by 1.2 mrad; photons go straight.
  const Vector3 start(0, 0, 101.5 * units::m);
  for (double p : {15.0, 20.0, 45.0, 75.0}) {
    const UpstreamPassage up = sim().transportUpstream(pdg::kPiPlus, pion(p), start);
    ASSERT_FALSE(up.absorbed) << p;
    EXPECT_NEAR(up.momentum.x / up.momentum.z, 0.090 / p, 1e-4 * 0.090 / p) << p;
    EXPECT_NEAR(up.momentum.mag(), p, 1e-9);  // a magnetic field keeps |p|
    // x at the tank entrance: 0.090/p x (105.595 - 101.8) m
    EXPECT_NEAR(up.position.x, 0.090 / p * (105595.0 - 101800.0), 1e-3);
    EXPECT_DOUBLE_EQ(up.position.z, 105595.0);
    const UpstreamPassage neg = sim().transportUpstream(-pdg::kPiPlus, pion(p), start);
    EXPECT_NEAR(neg.momentum.x / neg.momentum.z, -0.090 / p, 1e-4 * 0.090 / p);
  }
  EXPECT_NEAR(0.090 / 20.0, 4.5e-3, 1e-12);
  const UpstreamPassage g = sim().transportUpstream(pdg::kPhoton, {0, 0, 10, 10}, start);
  EXPECT_DOUBLE_EQ(g.momentum.x, 0.0);
  // a kick after the collimator: a particle starting downstream of TRIM5 is not kicked
  const UpstreamPassage late = sim().transportUpstream(pdg::kPiPlus, pion(20), {0, 0, 102.0 * units::m});
  EXPECT_DOUBLE_EQ(late.momentum.x, 0.0);
}

TEST(UpstreamTransport, FinalCollimatorAbsorbsOutsideItsAperture) {
  // "Design 2016": aperture 66 x 33 mm^2, outer 100 x 100 mm^2, 100.255 - 101.255 m.
  const double z = 99.6 * units::m;
  struct Case {
    double x, y;
    bool absorbed;
  };
  const Case cases[] = {{0, 0, false},   {32, 0, false},  {34, 0, true},  {0, 16, false}, {0, 17, true},
                        {45, 45, true},  {-40, 10, true}, {60, 0, false}, {0, -55, false}};
  for (const auto& c : cases) {
    const UpstreamPassage up = sim().transportUpstream(pdg::kPiPlus, pion(20), {c.x, c.y, z});
    EXPECT_EQ(up.absorbed, c.absorbed) << c.x << " " << c.y;
    EXPECT_EQ(up.inCollimator, c.absorbed) << c.x << " " << c.y;
  }
  // diverging into the block between the faces is caught at the back face: x = 20 mm at the
  // front, +15 mrad -> 35 mm at the back (outside the 33 mm half-aperture)
  const UpstreamPassage d = sim().transportUpstream(pdg::kPiPlus, pion(20, 15e-3), {20 - 15e-3 * 655, 0, z});
  EXPECT_TRUE(d.inCollimator);
  // photons are absorbed too
  EXPECT_TRUE(sim().transportUpstream(pdg::kPhoton, {0, 0, 10, 10}, {40, 0, z}).inCollimator);
}

TEST(UpstreamTransport, Gtk3AndChantiSeeOwnChargedParticles) {
  const double z = 101.9 * units::m;  // after TRIM5: straight lines
  // inside the GTK3 sensor (60.8 x 27 mm^2) and the CHANTI hole (95 x 65 mm^2): GTK3 hit only
  UpstreamPassage a = sim().transportUpstream(pdg::kPiPlus, pion(20), {10, 5, z});
  EXPECT_TRUE(a.gtk3);
  EXPECT_EQ(a.chantiMask, 0);
  // x = 40 mm: outside GTK3, inside the CHANTI hole (|x| < 47.5 mm)
  a = sim().transportUpstream(pdg::kPiPlus, pion(20), {40, 0, z});
  EXPECT_FALSE(a.gtk3);
  EXPECT_EQ(a.chantiMask, 0);
  // x = 60 mm: in the six CHANTI rings (47.5 < |x| < 150 mm)
  a = sim().transportUpstream(pdg::kPiPlus, pion(20), {60, 0, z});
  EXPECT_EQ(a.chantiMask, 0x3F);
  // leaving the hole: 40 mm at 101.9 m with +10 mrad reaches 47.5 mm at 102.65 m, i.e.
  // between stations 3 (102.600 m) and 4 (102.830 m): stations 4, 5, 6 fire
  a = sim().transportUpstream(pdg::kPiPlus, pion(20, 10e-3), {40, 0, z});
  EXPECT_EQ(a.chantiMask, 0x38);
  // neutral particles leave no GTK3/CHANTI signal
  a = sim().transportUpstream(pdg::kPhoton, {0, 0, 10, 10}, {60, 0, z});
  EXPECT_EQ(a.chantiMask, 0);
}

TEST(UpstreamTransport, KaonDecayedUpstreamHasNoGtkTrackAndItsPionItsOwnSignals) {
  DetectorConfig cfg;
  cfg.accidentals.enabled = false;
  cfg.gtk.trackEfficiency = 1.0;
  const FastSimulation s(cfg, generator::BeamConfig{});
  generator::TruthEvent ev;
  ev.index = 5;
  ev.beamMomentum = FourVector::fromMass({0, 0, 75}, mass(pdg::kKPlus));
  ev.beamOrigin = {0, 0, 102400, 0};
  ev.clearParticles();
  // pi+ through the aperture, the GTK3 sensor and the CHANTI hole
  ev.decayVertex = {0, 0, 101000, -0.005};
  ev.add({pdg::kPiPlus, pion(30, 0.5e-3, 0.2e-3), -1, 1});
  DetectorEvent d;
  s.simulate(ev, d);
  EXPECT_EQ(d.nGtk, 0u);  // no kaon track: the kaon never reached GTK3
  ASSERT_EQ(d.nGtk3Hits, 1u);
  EXPECT_EQ(d.gtk3Hits[0].truthIndex, 0);
  EXPECT_EQ(d.nChanti, 0u);
  // the same kaon decaying in the fiducial volume keeps its GTK track
  ev.decayVertex = {0, 0, 120000, 0.06};
  s.simulate(ev, d);
  EXPECT_EQ(d.nGtk, 1u);
  EXPECT_EQ(d.nGtk3Hits, 0u);
  // a pi+ into the CHANTI rings: own CHANTI hits (truth-linked), seen by the reconstruction's veto
  ev.decayVertex = {0, 0, 101900, 0};
  ev.particles[0].p = pion(30, 0, 0);
  ev.decayVertex.px = 60;
  s.simulate(ev, d);
  EXPECT_GE(d.nChanti, 5u);
  for (std::size_t h = 0; h < d.nChanti; ++h) EXPECT_EQ(d.chanti[h].truthIndex, 0);
  // a pi+ absorbed in the collimator leaves nothing downstream
  ev.decayVertex = {40, 0, 100000, 0};
  s.simulate(ev, d);
  EXPECT_EQ(d.nStraw, 0u);
  EXPECT_EQ(d.nChanti + d.nGtk3Hits + d.nChod + d.nLkr, 0u);
}

TEST(UpstreamTransport, ForcedPileupTrackHasThePileupDistribution) {
  // pileupGtkTrack draws one pile-up particle like accidentals(): efficiency 0.94, time uniform
  // in +-2 ns, beam spot and slopes of the beam model
  RandomStream rng(3, 4, 5);
  GtkTrack g;
  int ok = 0;
  double st = 0, st2 = 0, sx = 0;
  constexpr int kN = 100000;
  for (int i = 0; i < kN; ++i) {
    if (!sim().pileupGtkTrack(0.0, rng, g)) continue;
    ++ok;
    st += g.time;
    st2 += g.time * g.time;
    sx += g.momentum.x / g.momentum.z;
    EXPECT_FALSE(g.trueKaon);
  }
  EXPECT_NEAR(ok / double(kN), 0.94, 5 * std::sqrt(0.94 * 0.06 / kN));
  EXPECT_NEAR(st / ok, 0.0, 0.02);
  EXPECT_NEAR(st2 / ok, 4.0 / 3.0 + 0.01, 0.02);  // uniform +-2 ns (+ 0.1 ns smearing)
  EXPECT_NEAR(sx / ok, 1.2e-3, 2e-6);
  EXPECT_NEAR(sim().pileupGtkMean(), 450e6 * 4e-9, 1e-9);
}
