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
  // "Design 2016": four 100 x 100 mm^2 blocks pinwheel-wise around the 66 x 33 mm^2 hole
  // (na62fw GigaTrackerCollimator::CreateGeometry20162017), 100.255 - 101.255 m.
  const double z = 99.6 * units::m;
  // What passes the collimator outside its hole meets the TRIM5 iron (|x|, |y| < 300 mm around
  // the 100 x 100 mm^2 gap, na62fw GigaTrackerMDXMagnet.cc) unless it is beyond 300 mm.
  struct Case {
    double x, y;
    bool inCollimator, inTrim5;
  };
  const Case cases[] = {{0, 0, false, false},    {32, 0, false, false},   {34, 0, true, false},
                        {0, 16, false, false},   {0, 17, true, false},    {45, 45, true, false},
                        {-40, 10, true, false},  {60, 0, true, false},    {0, -55, true, false},
                        {0, 110, true, false},   {0, 120, false, true},   {100, 100, false, true},
                        {140, 0, false, true},   {310, 0, false, false},  {0, -320, false, false}};
  for (const auto& c : cases) {
    const UpstreamPassage up = sim().transportUpstream(pdg::kPiPlus, pion(20), {c.x, c.y, z});
    EXPECT_EQ(up.absorbed, c.inCollimator || c.inTrim5) << c.x << " " << c.y;
    EXPECT_EQ(up.inCollimator, c.inCollimator) << c.x << " " << c.y;
    EXPECT_EQ(up.stop == UpstreamPassage::Stop::Trim5, c.inTrim5) << c.x << " " << c.y;
  }
  // diverging into the block between the faces is caught at the back face: x = 20 mm at the
  // front, +15 mrad -> 35 mm at the back (outside the 33 mm half-aperture)
  const UpstreamPassage d = sim().transportUpstream(pdg::kPiPlus, pion(20, 15e-3), {20 - 15e-3 * 655, 0, z});
  EXPECT_TRUE(d.inCollimator);
  // photons are absorbed too
  EXPECT_TRUE(sim().transportUpstream(pdg::kPhoton, {0, 0, 10, 10}, {40, 0, z}).inCollimator);
}

TEST(UpstreamTransport, FinalCollimatorGeometriesAreNa62s) {
  // na62fw NA62MC GigaTrackerCollimator.cc with the [FW-GTK] numbers, by hand.
  const UpstreamConfig u;
  // Design 2016: blocks centred (-17, 66.5), (-83, -33.5), (17, -66.5), (83, 33.5) mm, half 50
  struct P {
    double x, y;
    bool material;
  };
  const P d16[] = {{0, 0, false},     {32.9, 16.4, false}, {-32.9, -16.4, false}, {33.1, 0, true},
                   {0, 16.6, true},   {-66.9, 116.4, true}, {-67.1, 60, false},    {33.1, 83.4, true},
                   {33.1, 83.6, false}, {132.9, -16.4, true}, {133.1, 0, false},    {-132.9, -83.4, true},
                   {-100, 20, false}, {100, -20, false},   {-20, -116.4, true},   {0, 116.6, false}};
  for (const auto& p : d16) EXPECT_EQ(u.collimatorMaterial(2016, p.x, p.y), p.material) << "2016 " << p.x << " " << p.y;
  // Design 2018 (TCX): stadium bore |y| < 20 mm, |x| < 18.25 + sqrt(20^2 - y^2), box half-width
  // 0.502 x 36.5 = 18.323 mm; iron out to +-900 x +-850 mm
  const P d18[] = {{0, 0, false},        {38.2, 0, false},   {38.3, 0, true},       {0, 19.9, false},
                   {0, 20.1, true},      {18.25 + 12.0, 15.9, false}, {18.25 + 12.1, 16.1, true},
                   {18.3, 19.99, false}, {-30, -13.5, false}, {0, 32, true},         {100, 100, true},
                   {899, 849, true},     {901, 0, false},    {0, 851, false}};
  for (const auto& p : d18) EXPECT_EQ(u.collimatorMaterial(2018, p.x, p.y), p.material) << "2018 " << p.x << " " << p.y;
  // the beam spot at GTK3 (60.8 x 27.0 mm^2) fits through both
  for (double x : {-30.4, 30.4})
    for (double y : {-13.5, 13.5}) {
      EXPECT_FALSE(u.collimatorMaterial(2016, x, y));
      EXPECT_FALSE(u.collimatorMaterial(2018, x, y));
    }
}

TEST(UpstreamTransport, Gtk3AndChantiSeeOwnChargedParticles) {
  const double z = 102.05 * units::m;  // after TRIM5 (101.6-102.0 m): straight lines
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
  // leaving the hole: 40 mm at 102.05 m with +10 mrad reaches 47.5 mm at 102.80 m, i.e.
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
  ev.decayVertex = {0, 0, 102050, 0};  // after TRIM5 (its iron frame would absorb it at 60 mm)
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

// ---- second achromat (session 4) ------------------------------------------------------------

TEST(UpstreamTransport, NominalBeamFollowsTheAchromat) {
  // four 1.251 GeV/c kicks (-, +, +, -) of 2.5 m dipoles 3.6 m apart (na62-detector.md 1.2): a
  // 75 GeV/c K+ on axis at GTK1 is displaced by -kick/p x 3.6 m = -60.0 mm between BEND 4B and
  // BEND 5 (GTK2 at y = -60 mm, 1.3) and is back on axis, parallel, after BEND 6
  const auto d = beamline::secondAchromat();
  const double p = 75.0, m = mass(pdg::kKPlus);
  (void)m;
  beamline::State s{{0, 0, 79.6 * units::m}, {0, 0, p}};
  beamline::propagate(s, 92.8 * units::m, +1, d, 101.8 * units::m, 0.090);
  EXPECT_NEAR(s.x.y, -1.2508 / 75.0 * 3600.0, 0.05);
  EXPECT_NEAR(s.x.y, -60.0, 0.1);
  EXPECT_NEAR(s.p.y, 0.0, 1e-12);
  beamline::propagate(s, 101.0 * units::m, +1, d, 101.8 * units::m, 0.090);
  EXPECT_NEAR(s.x.y, 0.0, 1e-6);
  EXPECT_NEAR(s.p.y, 0.0, 1e-12);
  EXPECT_NEAR(s.p.mag(), p, 1e-9);
  // reversible: back from GTK3 (through the TRIM5 kick) to GTK1 gives the start again
  beamline::propagate(s, 102.4 * units::m, +1, d, 101.8 * units::m, 0.090);
  EXPECT_NEAR(s.p.x / s.p.z, 0.090 / 75.0, 1e-9);
  beamline::propagate(s, 79.6 * units::m, +1, d, 101.8 * units::m, 0.090);
  EXPECT_NEAR(s.x.x, 0.0, 1e-6);
  EXPECT_NEAR(s.x.y, 0.0, 1e-6);
  EXPECT_NEAR(s.p.x, 0.0, 1e-12);
  EXPECT_NEAR(s.p.y, 0.0, 1e-12);
  // a neutral particle goes straight
  beamline::State g{{0, 0, 80.0 * units::m}, {0, 0, 20}};
  beamline::propagate(g, 100.0 * units::m, 0, d, 101.8 * units::m, 0.090);
  EXPECT_DOUBLE_EQ(g.x.y, 0.0);
}

TEST(UpstreamTransport, AchromatDipolesHaveNa62sFieldRegionAndYoke) {
  // NA62's MCB (na62fw GigaTrackerMCBMagnet.cc, core/BeamLine.hpp): the field fills |x| < 40,
  // |y - axis| < 80 mm only; a 100 mm wide gap around it is field-free; the sides (|x| > 50 mm
  // up to v = 102 mm) are iron. BEND 6 (96.96-99.46 m, axis 0, yoke up, kick -1.251 GeV/c).
  const double z0 = 96.9 * units::m;
  const double kick = 1.2508 / 30.0;  // rad for a 30 GeV/c pi+
  // inside the field region: the full kick downwards
  UpstreamPassage a = sim().transportUpstream(pdg::kPiPlus, pion(30), {0, 20, z0});
  ASSERT_NE(a.stop, UpstreamPassage::Stop::Dipole);
  EXPECT_NEAR(a.momentum.y / a.momentum.z, -kick, 1e-4);
  // 20 mm above the field region (the gap): straight through
  a = sim().transportUpstream(pdg::kPiPlus, pion(30), {0, 100, z0});
  EXPECT_NE(a.stop, UpstreamPassage::Stop::Dipole);
  EXPECT_NEAR(a.momentum.y / a.momentum.z, 0.0, 1e-12);
  // in the gap beside the field (40 < |x| < 50 mm): straight; in the side iron (|x| > 50 mm): absorbed
  DetectorConfig noTrim5;  // (TRIM5's iron frame would stop these further down)
  noTrim5.upstream.trim5OuterHalf = noTrim5.upstream.trim5GapHalf;
  const FastSimulation s(noTrim5, generator::BeamConfig{});
  a = s.transportUpstream(pdg::kPiPlus, pion(30), {45, 0, z0});
  EXPECT_NE(a.stop, UpstreamPassage::Stop::Dipole);
  EXPECT_NEAR(a.momentum.y / a.momentum.z, 0.0, 1e-12);
  EXPECT_EQ(s.transportUpstream(pdg::kPiPlus, pion(30), {55, 0, z0}).stop, UpstreamPassage::Stop::Dipole);
  // leaving the field region half-way: the parabola is cut where |y| = 80 mm. A negative pion
  // with +40 mrad enters at y = 60 + 0.04 x 60 = 62.4 mm and is kicked upwards:
  // y = 62.4 + 0.04 dz + k dz^2 / 2 reaches 80 mm after dz ~ 0.41 m; then it goes straight
  const double slope0 = 0.04;
  a = s.transportUpstream(-pdg::kPiPlus, pion(30, 0, slope0), {0, 60, z0});
  const double k = kick / 2500.0;  // d(slope)/dz inside the field (per mm)
  const double y0 = 60.0 + slope0 * 60.0;
  const double dz = (-slope0 + std::sqrt(slope0 * slope0 + 2.0 * k * (80.0 - y0))) / k;  // reaches y = 80
  ASSERT_LT(dz, 2500.0 - 60.0);
  EXPECT_NEAR(a.momentum.y / a.momentum.z, slope0 + k * dz, 2e-4);
}

TEST(UpstreamTransport, PionThroughTheDesign2016NotchEndsInTrim5) {
  // a 30 GeV/c pi+ leaving the achromat parallel at x = 36, y = 90 mm passes the open notch
  // of the Design 2016 pinwheel between the block above the hole (x -67...33, y 16.5...116.5
  // mm) and the right one (x 33...133, y up to 83.5 mm) (na62fw GigaTrackerCollimator.cc) and
  // ends in the TRIM5 iron (|y| 50...300 mm around its gap, GigaTrackerMDXMagnet.cc); without
  // that iron it reaches the tank through the CHANTI rings; on the axis (x = 0) the block stops
  // it; the Design 2018 iron (+-850 mm) stops both (na62-detector.md 1.2 [FW-GTK])
  const Vector3 start(36, 90, 99.6 * units::m);
  EXPECT_EQ(sim().transportUpstream(pdg::kPiPlus, pion(30), start).stop, UpstreamPassage::Stop::Trim5);
  DetectorConfig noTrim5;
  noTrim5.upstream.trim5OuterHalf = noTrim5.upstream.trim5GapHalf;
  const FastSimulation sNoTrim5(noTrim5, generator::BeamConfig{});
  const UpstreamPassage a = sNoTrim5.transportUpstream(pdg::kPiPlus, pion(30), start);
  ASSERT_FALSE(a.absorbed);
  EXPECT_NEAR(a.collimatorPosition.y, 90.0, 1e-9);
  EXPECT_FALSE(a.gtk3);        // y = 90 mm: outside the GTK3 sensor
  EXPECT_NE(a.chantiMask, 0);  // and inside the CHANTI rings (|y| < 150 mm)
  EXPECT_TRUE(sim().transportUpstream(pdg::kPiPlus, pion(30), Vector3(0, 90, 99.6 * units::m)).inCollimator);
  DetectorConfig c2018;
  c2018.upstream.collimatorDesign = 2018;
  const FastSimulation s2018(c2018, generator::BeamConfig{});
  EXPECT_EQ(s2018.transportUpstream(pdg::kPiPlus, pion(30), start).stop, UpstreamPassage::Stop::Collimator);
  // the beam itself (75 GeV/c, on the orbit from 93 m) goes through both apertures and TRIM5
  const Vector3 orbit(0, -60, 93.0 * units::m);
  EXPECT_FALSE(sim().transportUpstream(pdg::kKPlus, FourVector::fromMass({0, 0, 75}, mass(pdg::kKPlus)), orbit).absorbed);
  EXPECT_FALSE(s2018.transportUpstream(pdg::kKPlus, FourVector::fromMass({0, 0, 75}, mass(pdg::kKPlus)), orbit).absorbed);
}

TEST(UpstreamTransport, ScraperAndGtk2) {
  // on the beam orbit at 75 GeV/c from just after BEND 4B: through the scraper aperture
  // (centred at y = -60 mm, +-30 mm) and the GTK2 sensor (y = -60 mm)
  const Vector3 start(0, -60, 87.0 * units::m);
  const UpstreamPassage a = sim().transportUpstream(pdg::kPiPlus, pion(75), start);
  EXPECT_FALSE(a.absorbed);
  EXPECT_TRUE(a.gtk2);
  EXPECT_NEAR(a.gtk2Position.y, -60.0, 1e-6);
  // 25 mrad downwards: y = -60 - 25e-3 x (scraper) > 30 mm below its centre -> absorbed in the iron
  const UpstreamPassage b = sim().transportUpstream(pdg::kPiPlus, pion(40, 0, -25e-3), start);
  EXPECT_TRUE(b.absorbed);
  EXPECT_EQ(b.stop, UpstreamPassage::Stop::Scraper);
  // a 20 GeV/c pi+ from GTK1 is over-bent by BEND 4A (62 mrad) and lost before GTK2
  const UpstreamPassage c = sim().transportUpstream(pdg::kPiPlus, pion(20), {0, 0, 80.0 * units::m});
  EXPECT_TRUE(c.absorbed);
  EXPECT_FALSE(c.gtk2);
  // GTK2 hits reach the event (station 2) but not the GTK3-hit cut (station 3 only)
  DetectorConfig cfg;
  cfg.accidentals.enabled = false;
  const FastSimulation s(cfg, generator::BeamConfig{});
  generator::TruthEvent ev;
  ev.index = 9;
  ev.beamMomentum = FourVector::fromMass({0, 0, 75}, mass(pdg::kKPlus));
  ev.beamOrigin = {0, 0, 102400, 0};
  ev.clearParticles();
  ev.decayVertex = {0, -60, 88000, -50};
  ev.add({pdg::kPiPlus, pion(70), -1, 1});
  DetectorEvent d;
  s.simulate(ev, d);
  ASSERT_EQ(d.nGtk3Hits, 2u);
  EXPECT_EQ(d.gtk3Hits[0].station, 2);
  EXPECT_EQ(d.gtk3Hits[1].station, 3);
}

namespace {
/// Scan of the pi+ phase space of upstream decays: decay z on the beam orbit (GTK1 - GTK3, beam
/// spot edges), pi+ momentum 15-45 GeV/c, directions within the largest decay angle of a K+
/// daughter (p* <= 0.23 GeV/c: theta <= 0.23/p around the kaon). Counts the pions that reach the
/// tank, pass the TRIM5 box cut (|x| >= 100 or |y| >= 500 mm at 101.8 m, na62-detector.md 4.3
/// (vi)) and can still meet a pile-up beam track (spot |x| < 30.4, |y| < 13.5 mm at GTK3, slopes
/// 0.9-1.6 and -0.3-0.4 mrad, the beam-kinematics cut of 4.3) within 4 mm in x and y at some z
/// in 110-165 m.
int boxSurvivorsThatCanMatch(const FastSimulation& s) {
  int n = 0;
  for (double zd = 79.7; zd < 102.4; zd += 0.5) {
    for (double x0 : {-30.0, 0.0, 30.0}) {
      // the kaon on the achromat orbit at zd (forwards from GTK1 with p = 75 GeV/c, slope 0)
      beamline::State k{{x0, 0, 79.6 * units::m}, {0, 0, 75}};
      beamline::propagate(k, zd * units::m, +1, s.config().upstream.dipoles, 101.8 * units::m, 0.0);
      for (double p : {15.0, 15.5, 16.0, 16.5, 17.0, 17.5, 18.0, 19.0, 20.0, 22.0, 25.0, 30.0, 35.0, 40.0, 45.0}) {
        const double tMax = 0.23 / p;
        for (int i = -10; i <= 10; ++i)
          for (int j = -10; j <= 10; ++j) {
            const double sx = k.p.x / k.p.z + tMax * i / 10.0, sy = k.p.y / k.p.z + tMax * j / 10.0;
            const UpstreamPassage up = s.transportUpstream(pdg::kPiPlus, pion(p, sx, sy), k.x);
            if (up.absorbed) continue;
            const Vector3& t = up.trim5Position;
            if (std::abs(t.x) < 100.0 && std::abs(t.y) < 500.0) continue;  // removed by the box cut
            const double tx = up.momentum.x / up.momentum.z, ty = up.momentum.y / up.momentum.z;
            bool can = false;
            for (double zv = 110.0; zv <= 165.0 && !can; zv += 1.0) {
              const double dz = (zv - 102.4) * 1000;
              const double xp = up.position.x + tx * (zv * 1000 - up.position.z);
              const double yp = up.position.y + ty * (zv * 1000 - up.position.z);
              const double lo = -30.4 + 0.9e-3 * dz, hi = 30.4 + 1.6e-3 * dz;
              const double loY = -13.5 - 0.3e-3 * dz, hiY = 13.5 + 0.4e-3 * dz;
              can = xp > lo - 4.0 && xp < hi + 4.0 && yp > loY - 4.0 && yp < hiY + 4.0;
            }
            n += can;
          }
      }
    }
  }
  return n;
}
}  // namespace

TEST(UpstreamTransport, BoxCutLeavesNoAchromatPionThatCanMeetABeamTrack) {
  // With the achromat apertures, no pi+ of 15-45 GeV/c from an upstream decay passes the box cut
  // and can still match a beam track in the fiducial volume: |x| > 100 mm at TRIM5 and back to
  // the beam needs p < ~17.5 GeV/c (TRIM5 kick 90 MeV/c) and a decay >= 18 m upstream of TRIM5
  // (before BEND 4B), where BEND 4A/4B over-bend such a pion by >= 240 mm into a dipole or the
  // scraper (docs/analysis-pnn.md "Upstream background"). Without the achromat fields and
  // yokes, the scraper, the collimator and the TRIM5 iron such trajectories exist: the test can fail.
  EXPECT_EQ(boxSurvivorsThatCanMatch(sim()), 0);
  // Without the achromat fields and yokes, the scraper, the collimator and the TRIM5 iron such a
  // trajectory exists: a 15 GeV/c pi+ from x = -30 mm at 79.7 m with dx/dz = -3.2 mrad is at
  // x = -100.7 mm at TRIM5 (outside the box), its 6 mrad kick turns it to +2.8 mrad and it
  // crosses the beam band (x 12...107 mm at 150 m); in NA62's beam line the BEND 4B yoke
  // (|x| > 50 mm) stops it.
  DetectorConfig open;
  for (auto& d : open.upstream.dipoles) {
    d.halfX = d.halfY = 0;
    d.kickY = 0;
  }
  open.upstream.scraperHalfX = open.upstream.scraperHalfY = 1e4;
  open.upstream.trim5OuterHalf = open.upstream.trim5GapHalf;
  open.upstream.trim5FieldHalfX = open.upstream.trim5FieldHalfY = 1e4;
  open.upstream.collimatorInnerHalfX = open.upstream.collimatorInnerHalfY = 1e4;
  const FastSimulation s(open, generator::BeamConfig{});
  const Vector3 start(-30, 0, 79.7 * units::m);
  const UpstreamPassage o = s.transportUpstream(pdg::kPiPlus, pion(15, -3.2e-3), start);
  ASSERT_FALSE(o.absorbed);
  EXPECT_LT(o.trim5Position.x, -100.0);
  const double tx = o.momentum.x / o.momentum.z;
  const double x150 = o.position.x + tx * (150.0 * units::m - o.position.z);
  EXPECT_GT(x150, -30.4 + 0.9e-3 * 47600.0);
  EXPECT_LT(x150, 30.4 + 1.6e-3 * 47600.0);
  const UpstreamPassage r = sim().transportUpstream(pdg::kPiPlus, pion(15, -3.2e-3), start);
  EXPECT_EQ(r.stop, UpstreamPassage::Stop::Dipole);
}
