#pragma once
// The K+ -> pi+ nu nubar selection (NA62 2016-18 analyses) applied to a reco::RecoEvent.
//
// Defaults = the 2018 analysis as described in ../shared/reference/na62-detector.md §4.3
// (cited as §4.3 with the NA62 code file when the value comes from na62fw PnnAnalyzers,
// "M" = "from memory, unverified" in the reference, "model" = kaonlab choice).
//
// Every cut is evaluated (no short-circuit): classify() returns the bit mask of the cuts an
// event fails, so "all cuts but X" (used by the weighted background estimates) is
// (failed & ~X) == 0, and the cut-flow stage is the index of the first failed cut.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "kaonlab/core/Units.hpp"
#include "kaonlab/detector/DetectorEvent.hpp"
#include "kaonlab/reco/RecoEvent.hpp"

namespace kaonlab::analysis {

/// Cuts in cut-flow order (the bit of cut c is 1u << c).
enum class PnnCut : std::uint8_t {
  OneTrack,          ///< exactly one STRAW track (multi-track veto)
  TrackQuality,      ///< positive, >= 4 STRAW chambers, track chi2 < 20, downstream association
  Acceptance,        ///< geometric acceptance STRAW..MUV3 (reco::Reconstruction::inAcceptance)
  Momentum,          ///< pi+ momentum window
  KaonId,            ///< KTAG coincidence (>= 5 sectors) in time with the track
  KaonMatch,         ///< GTK-STRAW match (time, CDA) and beam-kaon kinematics
  Vertex,            ///< decay vertex in the fiducial region
  UpstreamVeto,      ///< CHANTI veto, GTK3-area and TRIM5 box cuts on the back-extrapolated track
  RichPionId,        ///< RICH ring with pi+ mass
  CaloPionId,        ///< LKr E/p < 0.8 (no positron); the BDT working point is a weight (PnnNormalisation)
  MuonVeto,          ///< no in-time MUV3 hit
  PhotonVeto,        ///< LAV, IRC, SAC, LKr (clusters away from the track) in time
  SignalRegion,      ///< m2miss in Region 1 or Region 2 (GTK, nominal beam and RICH m2miss)
};
inline constexpr int kPnnCutCount = 13;
inline constexpr std::uint32_t bit(PnnCut c) { return 1u << static_cast<unsigned>(c); }
/// Short name of a cut (for cut-flow tables).
std::string_view cutName(PnnCut c);

/// m2miss regions (§4.3, KinematicTails.cc).
enum class PnnRegion : std::uint8_t {
  None,          ///< no track
  Kmu2,          ///< below the Kmu2 peak + 3 sigma
  ControlKmu2,   ///< between the Kmu2 region and 0
  R1,            ///< Signal Region 1 (all three m2miss conditions)
  Control1,      ///< 0.010 - 0.015
  K2pi,          ///< 0.015 - 0.021
  Control2,      ///< 0.021 - 0.026
  R2,            ///< Signal Region 2 (all three m2miss conditions)
  K3pi,          ///< above 0.068
  SignalBoxFail, ///< GTK m2miss in R1/R2 but the nominal-beam or RICH m2miss outside
};
std::string_view regionName(PnnRegion r);

struct PnnSelectionConfig {
  // single track (§4.3 "Single track: >= 4 STRAW chambers")
  int maxTracks = 1;
  /// NA62's single-track topology (na62fw SingleTrackEventSelection.cc, CutMaxNTracks = 2):
  /// also two STRAW tracks, both positive, exactly one of them with the best-track
  /// association (RecoTrack::associated; it is then RecoEvent::best). NA62 also keeps two
  /// associated tracks with CDA > 30 mm when the timing singles one out; kaonlab has no
  /// accidental tracks, so two associated tracks of one decay are rejected.
  bool na62TwoTracks = true;
  int minChambers = 4;
  double maxTrackChi2 = 20.0;  ///< STRAW track chi2 < 20 (§4.3 "Single track: >= 4 STRAW chambers, chi2 < 20")
  /// part of the track quality: NA62's best-track CHOD + NewCHOD + RICH-time + LKr association
  /// (reco::RecoTrack::associated; na62fw BestTrackSelection.cc)
  bool requireAssociation = true;
  /// part of the one-track cut: no in-time CHOD/NewCHOD hit of a charged particle without a
  /// STRAW track (RecoEvent::chodVeto; §4.3 "multiplicity: CHOD/NewCHOD/LKr coincidences")
  bool chodMultiplicityVeto = true;
  /// part of the one-track cut: no STRAW segment of an untracked particle (RecoEvent::strawSegment;
  /// na62fw StrawSegmentAlgorithm, as in PnnAnalyzers K2pi.cc / Kmu2.cc). Off by default: the
  /// fast simulation's segments are found with efficiency 1 (NA62's finder needs view clusters,
  /// doublets and trailing times; its efficiency is not sourced), and with it the K+ -> pi+ pi-
  /// e+ nu background falls to 0.016 (quick run) against the published 0.50 +- 0.11
  /// (docs/analysis-pnn.md "STRAW segment veto")
  bool strawSegmentVeto = false;
  // pi+ momentum: 15-45 GeV/c in 2018 (talk "pi+ momentum range 15-45 GeV/c"; §4.3 M), 15-35 in 2016-17 (§4.3, K2pi.cc)
  double pMin = 15.0 * units::GeV;
  double pMax = 45.0 * units::GeV;
  // KTAG (§3, §4.3: >= 5 sectors, |t_KTAG - t_track| < 1 ns)
  int ktagMinSectors = 5;
  double ktagWindow = 1.0 * units::ns;
  // GTK (§4.3: |dt| < 1.1 ns; CDA < 4 mm: model, matches the CDA resolution of the fast simulation)
  double gtkWindow = 1.1 * units::ns;
  double maxCda = 4.0 * units::mm;
  bool beamKinematics = true;  ///< matched GTK kaon (RecoTrack::kaonMomentum) 72.7-77.2 GeV/c, 0.9-1.6 mrad, -0.3-0.4 mrad (§4.3)
  double beamPMin = 72.7 * units::GeV, beamPMax = 77.2 * units::GeV;
  double beamSlopeXMin = 0.9e-3, beamSlopeXMax = 1.6e-3;
  double beamSlopeYMin = -0.3e-3, beamSlopeYMax = 0.4e-3;
  /// and its direction before TRIM5 within a cone about the beam axis (na62fw
  /// KaonDecaySelection::IsGoodCandidate, MaxThetaCorr): theta_corr =
  /// sqrt((dx/dz - kick / p_K - mean_x)^2 + (dy/dz - mean_y)^2) < 0.35 mrad, with the code's
  /// kick fTRIM5kick = 91.3 MeV/c and means 0.02 mrad (its meanSlopeX/Y). Part of
  /// beamKinematics; beamMaxThetaCorr <= 0 switches it off.
  double beamMaxThetaCorr = 0.35e-3;
  double beamThetaCorrKick = 0.0913 * units::GeV;
  double beamThetaCorrMeanX = 0.02e-3, beamThetaCorrMeanY = 0.02e-3;
  // fiducial decay region (§4.3: papers 105(110)-165 m, code 115-165 m)
  double zMin = 110.0 * units::m;
  double zMax = 165.0 * units::m;
  // upstream-background rejection (§4.3 (i), (iv), (vi))
  bool chantiVeto = true;
  bool gtk3AreaCut = true;        ///< reject tracks extrapolated back into |x| < 30, |y| < 15 mm at GTK3 (102.4 m)
  double gtk3Z = 102.4 * units::m, gtk3HalfX = 30.0 * units::mm, gtk3HalfY = 15.0 * units::mm;
  /// (ii) no GTK3 hit within 24 mm of the track extrapolated to GTK3 (§4.3). The fast simulation
  /// records GTK3 hits of the event's own charged particles only (DetectorEvent::gtk3Hits: daughters
  /// of upstream K+ decays), so the cut never touches fiducial decays (RecoTrack::gtk3HitDistance).
  bool gtk3HitCut = true;
  double gtk3HitDistance = 24.0 * units::mm;
  /// (v) R_STRAW1 > a - b z_vertex (R from the STRAW1 hole centre x = 101.2 mm; a = 830 mm,
  /// b = 0.00436, §4.3 na62fw). Not part of kaonlab's default selection (off); used by the
  /// upstream-background diagnostics.
  bool strawRadiusVsZCut = false;
  double strawRadiusA = 830.0 * units::mm, strawRadiusB = 0.00436, strawHoleCentreX = 101.2 * units::mm;
  /// (vii) no K-pi matching candidate vertex at 100-105 m (RecoTrack::gtkCandidateVertexZMin;
  /// na62fw KaonDecaySelection.cc CutAdditionalVertexMinZ/MaxZ, applied there)
  bool additionalVertexCut = true;
  double additionalVertexZMin = 100.0 * units::m, additionalVertexZMax = 105.0 * units::m;
  bool trim5BoxCut = true;        ///< reject |x| < 100 and |y| < 500 mm at the TRIM5 plane (101.8 m)
  double trim5Z = 101.8 * units::m, trim5HalfX = 100.0 * units::mm, trim5HalfY = 500.0 * units::mm;
  // RICH (§4.3 PnnFunctions.cc: mass 118-200 MeV/c^2 and "RICH likelihood < 0.05 for non-pion
  // hypotheses": reco::RecoTrack::richProbElectron/Muon below richMaxNonPion)
  double richMassMin = 0.118 * units::GeV;
  double richMassMax = 0.200 * units::GeV;
  double richMaxNonPion = 0.05;
  // calorimeters: LKr E/p < 0.8 (§4.3). NA62's calorimetric BDT is not simulated: its working
  // point enters as a weight (PnnNormalisation::caloPionEfficiency, muonCaloMisId).
  // minCaloEnergyOverP: optional (E_LKr + E_MUV1 + E_MUV2)/p MIP cut (model; 0 = off).
  double maxEOverP = 0.8;
  double minCaloEnergyOverP = 0.0;
  // m2miss regions (GeV^2/c^4, §4.3 KinematicTails.cc)
  double r1Min = 0.0, r1Max = 0.010;
  double r2Min = 0.026, r2Max = 0.068;
  double control1Max = 0.015, k2piMax = 0.021, control2Max = 0.026;
  double m2Sigma = 0.001;  ///< m2miss resolution used for the Kmu2 region (§3, KinematicTails.cc)
  double beamEnergy = 75.0 * units::GeV;  ///< for the Kmu2 peak position under the pi+ hypothesis
  bool useBeamM2 = true;   ///< nominal-beam m2miss conditions (§4.3)
  bool useRichM2 = true;   ///< RICH-momentum m2miss conditions (§4.3)

  /// The 2016-17 variant (pi+ 15-35 GeV/c).
  static PnnSelectionConfig run2016_2017() {
    PnnSelectionConfig c;
    c.pMax = 35.0 * units::GeV;
    return c;
  }
  void validate() const;  ///< throws ConfigError
};

/// NA62's corrected beam-kaon angle (na62fw KaonDecaySelection::IsGoodCandidate): the GTK
/// kaon direction with the TRIM5 kick (c.beamThetaCorrKick / |p_K|) and the mean slopes taken
/// out, i.e. its angle to the beam axis before TRIM5. kaonMomentum in GeV, result in rad.
double beamThetaCorr(const Vector3& kaonMomentum, const PnnSelectionConfig& c);

struct PnnClassification {
  std::uint32_t failed = 0;   ///< bit mask of failed cuts (bit(PnnCut))
  int stage = 0;              ///< cuts passed in order = index of the first failed cut (kPnnCutCount: all)
  PnnRegion region = PnnRegion::None;
  int track = -1;             ///< the pi+ candidate (RecoEvent::best)
  double p = 0;               ///< its momentum (GeV)
  double m2miss = 0;          ///< GTK m2miss (GeV^2)
  bool passed() const { return failed == 0; }
  /// Passes every cut except those in `ignore`.
  bool passesAllBut(std::uint32_t ignore) const { return (failed & ~ignore) == 0; }
  bool inSignalRegion() const { return region == PnnRegion::R1 || region == PnnRegion::R2; }
};

class PnnSelection {
 public:
  explicit PnnSelection(const PnnSelectionConfig& cfg = {});
  /// Classify one event from its reconstructed quantities only (so the same selection runs on a
  /// reco ntuple, `kaonlab analyse`).
  PnnClassification classify(const reco::RecoEvent& ev) const;
  /// The track-multiplicity part of the one-track cut (maxTracks, na62TwoTracks).
  bool trackTopologyOk(const reco::RecoEvent& ev) const;
  /// m2miss region of a track (GTK, nominal-beam and RICH m2miss, momentum p).
  PnnRegion region(double m2, double m2Beam, double m2Rich, double p) const;
  /// Kmu2 peak of m2miss under the pi+ hypothesis at muon momentum p:
  /// (m_pi^2 - m_mu^2)(1 - E_K/p) (collinear approximation).
  double kmu2Peak(double p) const;
  const PnnSelectionConfig& config() const { return cfg_; }

 private:
  PnnSelectionConfig cfg_;
};

/// Cut flow: events and weights reaching each stage.
struct CutFlow {
  std::array<double, kPnnCutCount + 1> events{};   ///< [0] = all, [k+1] = after cut k
  std::array<double, kPnnCutCount + 1> weights{};
  /// `calo`: weight of the calorimetric pi+ identification working point (PnnNormalisation),
  /// applied to the stages after CaloPionId.
  void fill(const PnnClassification& c, double w, double calo = 1.0) {
    for (int k = 0; k <= c.stage; ++k) {
      events[k] += 1;
      weights[k] += k > static_cast<int>(PnnCut::CaloPionId) ? w * calo : w;
    }
  }
};

}  // namespace kaonlab::analysis
