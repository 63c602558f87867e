#pragma once
// A clean K+ -> pi+ nu nubar candidate for selection tests (shared by test_pnn_selection.cpp
// and test_pnn_upstream.cpp): one pi+ track of 25 GeV/c in Region 2, 6 mrad horizontal from
// a vertex near the beam axis at 140 m (x = -184 mm at TRIM5, -181 mm at GTK3, y = 0:
// outside the TRIM5 box and the GTK3 area), matched to one GTK track and the KTAG.
#include "kaonlab/reco/RecoEvent.hpp"

namespace kaonlab::test {

inline reco::RecoEvent pnnCandidate() {
  reco::RecoEvent ev;
  ev.clear();
  ev.nTracks = 1;
  ev.best = 0;
  ev.ktagTagged = true;
  ev.ktagSectors = 7;
  ev.nGtk = 1;
  auto& t = ev.tracks[0];
  t = reco::RecoTrack{};
  t.strawIndex = 0;
  t.charge = 1;
  t.p = 25.0;
  t.momentum = {0.15, 0.0, 25.0};
  t.positionStraw1 = {306.0, 0.0, 183508.0};
  t.nChambers = 4;
  t.inAcceptance = true;
  t.gtkIndex = 0;
  t.kaonMomentum = {0.09, 0.0, 75.0};  // 75 GeV/c, dx/dz = 1.2 mrad: inside the beam-kaon window
  t.cda = 1.0;
  t.dtGtk = 0.1;
  t.dtKtag = 0.1;
  t.vertex = {0.0, 0.0, 140000.0};
  t.m2miss = 0.040;
  t.m2missBeam = 0.041;
  t.m2missRich = 0.039;
  t.hasRing = true;
  t.ringHits = 12;
  t.richMass = 0.139;
  t.pRich = 25.1;
  t.lkrEnergy = 12.0;
  t.eOverP = 0.48;
  t.muv1Energy = 6.0;
  t.muv2Energy = 3.0;
  t.muv3 = false;
  t.hasChod = t.hasNewChod = true;
  t.associated = true;  // CHOD, NewCHOD, RICH time and LKr cluster (reco::RecoTrack::associated)
  return ev;
}

}  // namespace kaonlab::test
