#pragma once
// Reconstructed event: flat, fixed capacity; the columns of the HDF5 ntuple
// (names, units and meaning: docs/detector.md "RecoEvent columns").
#include <array>
#include <limits>
#include <cstddef>
#include <cstdint>

#include "kaonlab/core/FourVector.hpp"

namespace kaonlab::reco {

enum class TimeSource : std::uint8_t { Straw, Chod, Rich };

struct RecoTrack {
  int strawIndex = -1;       ///< index in DetectorEvent::straw
  int charge = 0;
  Vector3 momentum;          ///< at STRAW1, before the magnet (GeV)
  double p = 0;              ///< |momentum| (GeV)
  Vector3 positionStraw1;    ///< (mm)
  int nChambers = 0;
  double chi2 = 0;           ///< STRAW track-fit chi2 (ndf 3 for 4 chambers)
  bool inAcceptance = false; ///< geometric acceptance STRAW1-4, LAV rings, RICH, NewCHOD, CHOD, LKr, MUV3
  double time = 0;           ///< best downstream time: RICH ring, else CHOD, else STRAW (ns)
  TimeSource timeSource = TimeSource::Straw;
  // K+ (GTK) association
  int gtkIndex = -1;         ///< best GTK track (-1: none)
  bool gtkTrueKaon = false;  ///< truth: the matched GTK track is the decaying K+
  double cda = 0;            ///< closest distance of approach GTK-STRAW (mm)
  Vector3 vertex;            ///< midpoint of the CDA segment (mm)
  double dtGtk = 0;          ///< t(track) - t(GTK) (ns)
  double discriminant = 0;   ///< (dt/sigma_t)^2 + (cda/sigma_cda)^2 of the best match (sigma_cda: Reconstruction::cdaSigma2)
  Vector3 kaonMomentum;      ///< matched GTK track momentum (GeV); the nominal beam when there is none
  /// Distance at the GTK3 plane between the straight back-extrapolated track and the nearest
  /// GTK3 hit (mm; +inf without a hit): the upstream veto (ii) of the pnn selection.
  double gtk3HitDistance = std::numeric_limits<double>::infinity();
  /// Smallest vertex z of the K-pi matching candidates of a matched track (NA62's
  /// MatchingRG candidate list, the matched one included; mm; +inf: no match, or kaonlab's own
  /// matching): the additional-vertex veto (vii) of the pnn selection (na62fw
  /// KaonDecaySelection.cc: "additional vertex upstream of GTK3 (100<z<105m)").
  double gtkCandidateVertexZMin = std::numeric_limits<double>::infinity();
  double dtKtag = 0;         ///< t(track) - t(KTAG) (ns)
  // kinematics (GeV^2)
  double m2miss = 0;         ///< (P_K(GTK) - P_pi(STRAW))^2, pi+ mass
  double m2missBeam = 0;     ///< nominal beam instead of the GTK track
  double m2missRich = 0;     ///< GTK kaon, pi+ momentum from the RICH ring (0 if no ring)
  // PID
  bool hasRing = false;
  double ringRadius = 0;     ///< mm
  int ringHits = 0;
  double richMass = 0;       ///< from ring radius + STRAW momentum (GeV; < 0: beta > 1/n cos)
  double pRich = 0;          ///< momentum from the ring radius under the pi+ hypothesis (GeV; 0 = none)
  /// RICH likelihoods of the e+, mu+, pi+ hypotheses normalised to 1 (ring radius vs the
  /// radius expected at the STRAW momentum; 0 when there is no ring), Reconstruction::richProbabilities.
  double richProbElectron = 0, richProbMuon = 0, richProbPion = 0;
  int lkrIndex = -1;         ///< associated LKr cluster
  double lkrEnergy = 0;
  double eOverP = 0;
  double lkrX = 0, lkrY = 0; ///< track impact on the LKr front plane (extrapolated)
  double muv1Energy = 0, muv2Energy = 0;
  bool muv3 = false;
  double dtMuv3 = 0;
  bool hasChod = false;
  bool hasNewChod = false;
  /// NA62 best-track downstream association (BestTrackSelection.cc): CHOD and NewCHOD hits
  /// within Reconstruction::Config::newChodChodWindow, the RICH ring (when there is one; the
  /// pi+ identification requires it) within richChodWindow of the CHOD, and an LKr cluster
  /// within lkrChodMaxDistance and lkrChodWindow of the CHOD time
  bool associated = false;
  int truthIndex = -1;       ///< truth link of the STRAW track
};

struct RecoEvent {
  static constexpr std::size_t kMaxTracks = 8;

  std::uint64_t index = 0;
  std::array<RecoTrack, kMaxTracks> tracks{};
  std::size_t nTracks = 0;
  int best = -1;             ///< track with the best K+ match (smallest discriminant); -1 none
  // beam
  int nGtk = 0;
  bool ktagTagged = false;
  int ktagSectors = 0;
  double ktagTime = 0;
  // vetoes, w.r.t. the best track time (or the KTAG time without a track)
  bool lavVeto = false, ircVeto = false, sacVeto = false, lkrVeto = false, photonVeto = false;
  /// "merged-like" LKr cluster: another in-time cluster 40-100 mm from the best track's
  /// impact while the track has its own (NA62 MultiplicitySelection; part of photonVeto here)
  bool lkrMergedVeto = false;
  int nLkrExtra = 0;         ///< in-time LKr clusters not the best track's (another track's count, as in NA62)
  /// In-time CHOD/NewCHOD hits of charged particles without a STRAW track and of the tracks
  /// other than the best one (NA62 treats them as extra activity); chodVeto = the
  /// multiplicity veto of NA62's MultiplicitySelection (Reconstruction::Config: more than 3
  /// extra CHOD slabs, or extra CHOD-NewCHOD, CHOD-LKr or NewCHOD-LKr activity in coincidence)
  int nChodExtra = 0;
  int nChodExtraChod = 0;  ///< of them, the CHOD hits (the slab rule counts these: Config::maxExtraChodSlabs)
  bool chodVeto = false;
  /// NA62 STRAW segment veto (na62fw StrawSegmentAlgorithm::ReconstructSegments): a charged
  /// particle without a track left a segment in chambers 1-2 or 3-4 pointing to the best
  /// track's vertex, away from the track (Reconstruction::Config "STRAW segments")
  bool strawSegment = false;
  bool chantiVeto = false;
  // three-track vertex
  bool hasVertex3 = false;
  std::array<int, 3> vertex3Tracks{-1, -1, -1};
  Vector3 vertex3;           ///< (mm)
  double vertex3Quality = 0; ///< sqrt(sum of the three pairwise CDA^2) (mm)
  int vertex3Charge = 0;
  Vector3 vertex3Momentum;   ///< total momentum (GeV)
  double vertex3Mass = 0;    ///< invariant mass with Reconstruction::Config::threeTrackMasses (GeV)

  void clear() {
    nTracks = 0;
    best = -1;
    nGtk = 0;
    ktagTagged = false;
    ktagSectors = 0;
    ktagTime = 0;
    lavVeto = ircVeto = sacVeto = lkrVeto = photonVeto = chantiVeto = lkrMergedVeto = false;
    nLkrExtra = 0;
    nChodExtra = 0;
    nChodExtraChod = 0;
    chodVeto = false;
    strawSegment = false;
    hasVertex3 = false;
    vertex3Tracks = {-1, -1, -1};
    vertex3 = {};
    vertex3Quality = 0;
    vertex3Charge = 0;
    vertex3Momentum = {};
    vertex3Mass = 0;
  }
};

}  // namespace kaonlab::reco
