// PnnSelection on hand-made RecoEvents: a good signal candidate passes, and each cut can fail.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "PnnCandidate.hpp"
#include "kaonlab/analysis/PnnSelection.hpp"

using namespace kaonlab;
using namespace kaonlab::analysis;

TEST(PnnSelection, GoodCandidatePassesEveryCut) {
  const PnnSelection sel;
  const auto c = sel.classify(test::pnnCandidate());
  EXPECT_TRUE(c.passed()) << std::hex << c.failed;
  EXPECT_EQ(c.stage, kPnnCutCount);
  EXPECT_EQ(c.region, PnnRegion::R2);
}

TEST(PnnSelection, EachCutCanFail) {
  const PnnSelection sel;
  struct Case {
    PnnCut cut;
    std::function<void(reco::RecoEvent&)> spoil;
  };
  const std::vector<Case> cases{
      {PnnCut::OneTrack, [](auto& e) { e.nTracks = 2; e.tracks[1] = e.tracks[0]; }},
      {PnnCut::TrackQuality, [](auto& e) { e.tracks[0].charge = -1; }},
      {PnnCut::TrackQuality, [](auto& e) { e.tracks[0].nChambers = 3; }},
      {PnnCut::TrackQuality, [](auto& e) { e.tracks[0].associated = false; }},
      {PnnCut::Acceptance, [](auto& e) { e.tracks[0].inAcceptance = false; }},
      {PnnCut::Momentum, [](auto& e) { e.tracks[0].p = 12.0; }},
      {PnnCut::Momentum, [](auto& e) { e.tracks[0].p = 47.0; }},
      {PnnCut::KaonId, [](auto& e) { e.ktagTagged = false; }},
      {PnnCut::KaonId, [](auto& e) { e.tracks[0].dtKtag = 1.5; }},
      {PnnCut::KaonMatch, [](auto& e) { e.tracks[0].gtkIndex = -1; }},
      {PnnCut::KaonMatch, [](auto& e) { e.tracks[0].cda = 6.0; }},
      {PnnCut::KaonMatch, [](auto& e) { e.tracks[0].dtGtk = 1.3; }},
      {PnnCut::Vertex, [](auto& e) { e.tracks[0].vertex.z = 170000.0; }},
      {PnnCut::Vertex, [](auto& e) { e.tracks[0].vertex.z = 106000.0; }},
      {PnnCut::UpstreamVeto, [](auto& e) { e.chantiVeto = true; }},
      // track pointing back to the beam axis at TRIM5/GTK3
      {PnnCut::UpstreamVeto, [](auto& e) {
         e.tracks[0].momentum = {0.0, 0.25, 25.0};
         e.tracks[0].positionStraw1 = {0.0, 0.25 / 25.0 * (183508.0 - 101800.0), 183508.0};
       }},
      {PnnCut::RichPionId, [](auto& e) { e.tracks[0].richMass = 0.105; }},
      {PnnCut::CaloPionId, [](auto& e) { e.tracks[0].eOverP = 0.95; }},
      {PnnCut::RichPionId, [](auto& e) { e.tracks[0].richProbMuon = 0.3; e.tracks[0].richProbPion = 0.7; }},
      {PnnCut::RichPionId, [](auto& e) { e.tracks[0].richProbElectron = 0.06; }},
      {PnnCut::MuonVeto, [](auto& e) { e.tracks[0].muv3 = true; }},
      {PnnCut::PhotonVeto, [](auto& e) { e.photonVeto = true; e.lavVeto = true; }},
      {PnnCut::SignalRegion, [](auto& e) { e.tracks[0].m2miss = 0.018; }},          // K2pi peak
      {PnnCut::SignalRegion, [](auto& e) { e.tracks[0].m2missBeam = 0.010; }},      // beam m2miss outside R2
      {PnnCut::SignalRegion, [](auto& e) { e.tracks[0].m2missRich = 0.075; }},      // RICH m2miss outside R2
  };
  for (const auto& cs : cases) {
    auto ev = test::pnnCandidate();
    cs.spoil(ev);
    const auto c = sel.classify(ev);
    EXPECT_EQ(c.failed, bit(cs.cut)) << cutName(cs.cut);
    EXPECT_EQ(c.stage, static_cast<int>(cs.cut)) << cutName(cs.cut);
    EXPECT_TRUE(c.passesAllBut(bit(cs.cut)));
  }
}

// na62fw KaonDecaySelection::IsGoodCandidate: the GTK kaon's angle to the beam axis before
// TRIM5, theta_corr = |(dx/dz - 91.3 MeV/p - 0.02 mrad, dy/dz - 0.02 mrad)|, must be below
// 0.35 mrad, inside the dx/dz and dy/dz windows too.
TEST(PnnSelection, BeamKaonAngleBeforeTrim5IsCutAsInNa62) {
  const PnnSelectionConfig cfg;
  const PnnSelection sel(cfg);
  const double p = 75.0, kick = 0.0913 / p;  // 1.2173 mrad
  auto kaon = [&](double sx, double sy) {
    const double pz = p / std::sqrt(1.0 + sx * sx + sy * sy);
    return Vector3{sx * pz, sy * pz, pz};
  };
  // by hand: (1.45 - 1.2173 - 0.02, 0.35 - 0.02) mrad -> 0.393 mrad; (.., 0.20 - 0.02) -> 0.279 mrad
  EXPECT_NEAR(beamThetaCorr(kaon(1.45e-3, 0.35e-3), cfg), std::hypot(1.45e-3 - kick - 0.02e-3, 0.33e-3), 1e-12);
  EXPECT_NEAR(beamThetaCorr(kaon(1.45e-3, 0.35e-3), cfg) * 1e3, 0.3927, 1e-3);
  EXPECT_NEAR(beamThetaCorr(kaon(1.45e-3, 0.20e-3), cfg) * 1e3, 0.2788, 1e-3);

  auto ev = test::pnnCandidate();
  ev.tracks[0].kaonMomentum = kaon(1.45e-3, 0.35e-3);  // inside both slope windows
  auto c = sel.classify(ev);
  EXPECT_EQ(c.failed, bit(PnnCut::KaonMatch));
  ev.tracks[0].kaonMomentum = kaon(1.45e-3, 0.20e-3);
  EXPECT_TRUE(sel.classify(ev).passed());

  PnnSelectionConfig off = cfg;  // <= 0 switches the cut off
  off.beamMaxThetaCorr = 0;
  ev.tracks[0].kaonMomentum = kaon(1.45e-3, 0.35e-3);
  EXPECT_TRUE(PnnSelection(off).classify(ev).passed());
}

// na62fw KaonDecaySelection.cc: "additional vertex upstream of GTK3 (100<z<105m)" among the
// K-pi matching candidates' vertices rejects the event (upstream veto (vii)).
TEST(PnnSelection, AdditionalCandidateVertexAt100To105mIsVetoedAsInNa62) {
  const PnnSelection sel;
  auto ev = test::pnnCandidate();
  ev.tracks[0].gtkCandidateVertexZMin = 103500.0;
  EXPECT_EQ(sel.classify(ev).failed, bit(PnnCut::UpstreamVeto));
  ev.tracks[0].gtkCandidateVertexZMin = 105500.0;  // outside the window
  EXPECT_TRUE(sel.classify(ev).passed());
  ev.tracks[0].gtkCandidateVertexZMin = 103500.0;
  PnnSelectionConfig off;
  off.additionalVertexCut = false;
  EXPECT_TRUE(PnnSelection(off).classify(ev).passed());
}

TEST(PnnSelection, StrawSegmentVetoIsPartOfTheOneTrackCutWhenEnabled) {
  // off by default (PnnSelectionConfig::strawSegmentVeto): a segment changes nothing; on, it
  // fails the one-track cut and only that cut
  auto ev = test::pnnCandidate();
  ev.strawSegment = true;
  EXPECT_EQ(PnnSelection{}.classify(ev).failed, 0u);
  PnnSelectionConfig c;
  c.strawSegmentVeto = true;
  EXPECT_EQ(PnnSelection{c}.classify(ev).failed, bit(PnnCut::OneTrack));
  ev.strawSegment = false;
  EXPECT_EQ(PnnSelection{c}.classify(ev).failed, 0u);
}

TEST(PnnSelection, Na62TwoTrackTopology) {
  // na62fw SingleTrackEventSelection.cc: up to two STRAW tracks, both positive, exactly one of
  // them a best track (kaonlab: RecoTrack::associated, which makes it RecoEvent::best)
  auto ev = test::pnnCandidate();
  ev.nTracks = 2;
  ev.tracks[1] = ev.tracks[0];
  ev.tracks[1].associated = false;
  const PnnSelection sel;
  EXPECT_TRUE(sel.trackTopologyOk(ev));
  EXPECT_EQ(sel.classify(ev).failed, 0u);
  ev.tracks[1].associated = true;  // two best tracks of one decay: no timing arbitration
  EXPECT_FALSE(sel.trackTopologyOk(ev));
  EXPECT_EQ(sel.classify(ev).failed, bit(PnnCut::OneTrack));
  ev.tracks[1].associated = false;
  ev.tracks[1].charge = -1;
  EXPECT_FALSE(sel.trackTopologyOk(ev));
  ev.tracks[1].charge = 1;
  ev.nTracks = 3;
  ev.tracks[2] = ev.tracks[1];
  EXPECT_FALSE(sel.trackTopologyOk(ev));
  ev.nTracks = 2;
  PnnSelectionConfig c;
  c.na62TwoTracks = false;  // exactly one track
  EXPECT_FALSE(PnnSelection{c}.trackTopologyOk(ev));
  ev.nTracks = 1;
  EXPECT_TRUE(PnnSelection{c}.trackTopologyOk(ev));
}

TEST(PnnSelection, NoRichRingFailsPionIdAndTheRichSignalRegionCondition) {
  const PnnSelection sel;
  auto ev = test::pnnCandidate();
  ev.tracks[0].hasRing = false;
  const auto c = sel.classify(ev);
  EXPECT_EQ(c.failed, bit(PnnCut::RichPionId) | bit(PnnCut::SignalRegion));
  EXPECT_EQ(c.region, PnnRegion::SignalBoxFail);
}

TEST(PnnSelection, Regions) {
  const PnnSelection sel;
  // Region 1 at 30 GeV/c with all three m2miss inside
  EXPECT_EQ(sel.region(0.005, 0.006, 0.004, 30.0), PnnRegion::R1);
  // Region 1 needs beam m2miss >= 0 above 25 GeV/c, >= -0.005 below
  EXPECT_EQ(sel.region(0.005, -0.003, 0.004, 30.0), PnnRegion::SignalBoxFail);
  EXPECT_EQ(sel.region(0.005, -0.003, 0.004, 18.0), PnnRegion::R1);
  EXPECT_EQ(sel.region(0.017, 0.017, 0.017, 30.0), PnnRegion::K2pi);
  EXPECT_EQ(sel.region(0.012, 0.0, 0.0, 30.0), PnnRegion::Control1);
  EXPECT_EQ(sel.region(0.023, 0.0, 0.0, 30.0), PnnRegion::Control2);
  EXPECT_EQ(sel.region(0.080, 0.0, 0.0, 30.0), PnnRegion::K3pi);
  // Kmu2 peak under the pi+ hypothesis: (m_pi^2 - m_mu^2)(1 - E_K/p) = -0.0166 at 25 GeV/c
  EXPECT_NEAR(sel.kmu2Peak(25.0), -0.01662, 2e-4);
  EXPECT_EQ(sel.region(-0.016, 0.0, 0.0, 25.0), PnnRegion::Kmu2);
  EXPECT_EQ(sel.region(-0.005, 0.0, 0.0, 25.0), PnnRegion::ControlKmu2);
}

TEST(PnnSelection, CutFlowCountsStages) {
  const PnnSelection sel;
  CutFlow cf;
  auto ev = test::pnnCandidate();
  cf.fill(sel.classify(ev), 2.0);
  ev.tracks[0].muv3 = true;
  cf.fill(sel.classify(ev), 1.0);
  EXPECT_EQ(cf.events[0], 2);
  EXPECT_EQ(cf.events[static_cast<int>(PnnCut::MuonVeto)], 2);        // both reach the MUV3 cut
  EXPECT_EQ(cf.events[static_cast<int>(PnnCut::MuonVeto) + 1], 1);    // one survives it
  EXPECT_DOUBLE_EQ(cf.weights[kPnnCutCount], 2.0);
}

TEST(PnnSelection, InvalidConfigThrows) {
  PnnSelectionConfig c;
  c.pMax = 10;
  EXPECT_ANY_THROW(PnnSelection{c});
}
