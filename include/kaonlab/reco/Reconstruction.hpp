#pragma once
// Event reconstruction from the fast-simulation output (kaonlab::detector::DetectorEvent):
// GTK-STRAW matching (time + CDA discriminant), decay vertex, m2miss (GTK, nominal beam,
// RICH momentum), PID estimators (RICH mass, LKr E/p, MUV3), photon/CHANTI vetoes and the
// best three-track vertex. Allocation-free and deterministic; algorithms in docs/detector.md.
#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Units.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/detector/DetectorEvent.hpp"
#include "kaonlab/reco/RecoEvent.hpp"

namespace kaonlab::reco {

/// Closest approach of two lines (point + direction).
struct Cda {
  double distance = 0;
  Vector3 midpoint;
};
Cda closestApproach(const Vector3& p1, const Vector3& d1, const Vector3& p2, const Vector3& d2);

namespace detail {
/// The LAV acceptance planes (front and back of each station, in z order) grouped in runs
/// of equal inner radius on one side of the magnet. R along a straight line is convex in z,
/// so the largest R over a run's planes downstream of the vertex is at its first or its
/// last such plane: two checks per run instead of one per plane (same decisions).
struct LavRuns {
  struct Run {
    double rInner;
    int first, last;  ///< indices into z
  };
  std::array<double, 24> z{};
  std::array<Run, 24> runs{};
  int nRuns = 0;
};
}  // namespace detail

/// (P_K - P_x)^2 for a kaon of momentum pK (mass m_K) and a particle of momentum p with mass m.
double missingMass2(const Vector3& pK, const Vector3& p, double m);

class Reconstruction {
 public:
  struct Config {
    // GTK-STRAW matching discriminant D = (dt/sigma_t)^2 + (CDA/sigma_cda)^2, sigma_cda per
    // candidate from the detector resolutions (cdaSigma2) and this extra term in quadrature
    double sigmaCdaExtra = 0.0;                ///< model: extra CDA smearing (0: the detector resolutions only)
    double sigmaTimeGtk = 0.10 * units::ns;    ///< na62-detector.md §3
    double sigmaTimeRich = 0.08 * units::ns;   ///< §3 (RICH ring ~70 ps)
    double sigmaTimeChod = 0.30 * units::ns;   ///< model (CHOD 0.2 ns, NewCHOD 1 ns)
    double sigmaTimeStraw = 5.0 * units::ns;   ///< model
    double gtkTimeWindow = 2.0 * units::ns;    ///< GTK candidates considered (model; kaonlab matching)
    /// NA62's K-pi matching (na62fw MatchingRG.cc, Ruggiero/Marchevski, as used by the pnn
    /// BestTrackSelection; default) instead of kaonlab's chi2-like discriminant above.
    /// GTK candidates in time with the KTAG (|t_GTK - t_KTAG| < 0.6 ns) and beam-like
    /// ((p - 74.9)/0.9)^2 + ((dx/dz - 1.22e-3)/1.2e-4)^2 + ((dy/dz - 2.5e-5)/1e-4)^2 < 20 (p in
    /// GeV/c) are counted; each with CDA < 60 mm, |t_KTAG - t_GTK| < 0.95 ns and a vertex between
    /// GTK3 and STRAW1 gets D1 = (1 - P_CDA)(1 - P_dt,KTAG), D2 = (1 - P_CDA)(1 - P_dt,track),
    /// P = the CDF of NA62's fitted kaon PDFs (CDA: 0.0702 G(1.47 mm) + 0.0229 G(2.6 mm) +
    /// 0.0145 exp(-0.319/mm x) + 3.3e-5 - 1.6e-6/mm x on 0-25 mm; |dt|: 0.027 G(0.13 ns) +
    /// 0.0017 G(0.23 ns) for the KTAG, 0.026 G(0.141 ns) + 0.001 G(0.279 ns) for the RICH, on
    /// 0-1 ns); the largest D1 wins. No match with more than 5 in-time beam particles, with
    /// D1 or D2 <= 0.005 or both <= 0.03, or when more than 2 are in time and the candidates
    /// within 0.3 of the best D1 are ambiguous under the pile-up PDFs (CDA 0.0122 G(5.95 mm) +
    /// 0.0235 G(13.87 mm), dt flat): the best pile-up-like candidate is not the best, or its
    /// ratios (1 - P)/(1 - P_pileup) differ from the best one's by less than x1.5.
    bool na62Matching = true;
    double matchKtagWindow = 0.6 * units::ns;          ///< fDeltaT
    double matchBeamMomentum = 74.9 * units::GeV, matchBeamMomentumSigma = 0.9 * units::GeV;
    double matchBeamSlopeX = 1.22e-3, matchBeamSlopeXSigma = 1.2e-4;
    double matchBeamSlopeY = 2.5e-5, matchBeamSlopeYSigma = 1.0e-4;
    double matchMaxChi2Beam = 20.0;                    ///< fMaxChi2Event
    double matchMaxCda = 60.0 * units::mm;             ///< fMaxCDA
    double matchMaxDt = 0.95 * units::ns;              ///< fMaxDeltaT
    int matchMaxInTime = 5;                            ///< fMaxNInTimeWithKTAG
    double matchMinD = 0.03, matchMinD1 = 0.005, matchMinD2 = 0.005;  ///< fMinD, fMinD1, fMinD2
    double matchDeltaD1 = 0.3;                         ///< fDeltaD1
    double matchSimilarRatio = 1.5;                    ///< fCutSimilarRatioCDA / DT
    // nominal beam for m2miss without the GTK (§1.1, §4.3)
    double beamMomentum = 75.0 * units::GeV;
    double beamSlopeX = 1.2 * units::mrad;
    double beamSlopeY = 0.0;
    // vetoes: windows from na62-detector.md §3 "Timing windows" / §4.3
    double lavWindow = 3.0 * units::ns;
    double ircSacWindow = 7.0 * units::ns;
    // LKr photon-veto time window (NA62: na62fw PnnAnalyzers PhotonRejectionLKr.cc with
    // EvaluateLKrCluster of PnnKinematicTailsFunctions.cc): |t - t_track| < 5 ns below 1 GeV,
    // < 5 sigma(E) at 1-2 GeV, < 15 sigma(E) at 2-15 GeV, < 70 sigma(E) above 15 GeV, with
    // sigma(E) = 0.56 + 1.53/E - 0.233/sqrt(E) ns (E in GeV, §2.5); above 10 GeV also within
    // 2.5 ns of t_track +- 25 ns (the neighbouring 25 ns LKr readout slots)
    double lkrWindowLowE = 5.0 * units::ns;          ///< LKrClusterTimeDiff1, E < lkrWindowEnergy1
    double lkrWindowEnergy1 = 1.0 * units::GeV;      ///< LKrClusterEnergy1
    double lkrWindowEnergy2 = 2.0 * units::GeV;      ///< LKrClusterEnergy2
    double lkrWindowEnergy4 = 15.0 * units::GeV;     ///< LKrClusterEnergy4
    double lkrWindowSigmas1 = 5.0;                   ///< LKrClusterTimeDiffSigma1 (1-2 GeV)
    double lkrWindowSigmas2 = 15.0;                  ///< LKrClusterTimeDiffSigma2 (2-15 GeV)
    double lkrWindowSigmas3 = 70.0;                  ///< LKrClusterTimeDiffSigma3 (> 15 GeV)
    double lkrSigmaA = 0.56 * units::ns, lkrSigmaB = 1.53 * units::ns, lkrSigmaC = 0.233 * units::ns;  ///< LKrSigmaA/B/C
    double lkrSideSlotEnergy = 10.0 * units::GeV;    ///< LKrClusterEnergy3
    double lkrSideSlotOffset = 25.0 * units::ns;
    double lkrSideSlotWindow = 2.5 * units::ns;      ///< LKrClusterTimeDiff2
    /// Clusters closer to a track are not photons (§4.3); their in-time energy is the
    /// track's calorimetric energy (E/p).
    double lkrTrackDistance = 100.0 * units::mm;
    double lkrAssociationDistance = 50.0 * units::mm;  ///< track-cluster association for E/p (model)
    /// in-time window of the clusters summed into the track's LKr energy (E/p): NA62
    /// BestTrackSelection CutTimeDiffLKrCHOD (LKr-CHOD time of the associated cluster)
    double lkrAssociationWindow = 6.0 * units::ns;
    // Best-track downstream association (RecoTrack::associated), na62fw
    // NA62Analysis/Analyzers/PnnAnalyzers/src/BestTrackSelection.cc (repository of
    // na62-detector.md [FW-GA]): the track needs a CHOD and a NewCHOD hit within
    // newChodChodWindow (CutTimeDiffCHODNewCHOD), its RICH ring within richChodWindow of the
    // CHOD (CutTimeDiffRICHCHOD) and an LKr cluster with E > 0 within lkrChodMaxDistance
    // (CutMaxDistLKr) and lkrAssociationWindow (CutTimeDiffLKrCHOD) of the CHOD time.
    double newChodChodWindow = 5.0 * units::ns;
    // STRAW segments (RecoEvent::strawSegment), na62fw NA62Tools StrawSegmentAlgorithm.cc
    // (OneViewSegment, ReconstructSegments; used by PnnAnalyzers K2pi.cc / Kmu2.cc): a line fit
    // through the track vertex (error segmentVertexError) and the two chamber hits (error
    // segmentHitError) with |slope| <= segmentMaxSlope (x and y for chambers 1-2, y only for
    // 3-4, bent in x by the MNP33), mean squared distance from the track at the two chambers
    // >= segmentMinDistance^2, for 3-4 the bending estimate charge x p in
    // (-segmentMaxNegativeP, segmentMaxPositiveP), and NA62's time/quality condition
    // |dt| < A - B chi2 with A, B = 35 ns, 1.4 ns (1-2) and 40 ns, 5.7 ns (3-4); a particle of
    // the same decay is in time (dt = 0: the fast simulation has no STRAW hit times).
    double segmentVertexError = 1.0 * units::mm;
    double segmentHitError = 2.0 * units::mm;
    double segmentMaxSlope = 0.02;
    double segmentMinDistance = 30.0 * units::mm;
    double segmentMaxPositiveP = 10.0 * units::GeV;
    double segmentMaxNegativeP = 90.0 * units::GeV;
    double segmentTimeA12 = 35.0 * units::ns, segmentTimeB12 = 1.4 * units::ns;
    double segmentTimeA34 = 40.0 * units::ns, segmentTimeB34 = 5.7 * units::ns;
    double richChodWindow = 2.0 * units::ns;
    double lkrChodMaxDistance = 100.0 * units::mm;
    double lkrMinEnergy = 0.0;                 ///< GeV
    double chantiWindow = 3.0 * units::ns;     ///< §4.3 (iv)
    // Multiplicity veto (RecoEvent::chodVeto), NA62's rule: na62fw
    // NA62Analysis/Analyzers/PnnAnalyzers/src/MultiplicitySelection.cc (2017-era defaults, the
    // repository of na62-detector.md [FW-GA]). Extra = not the track's: CHOD hits (one CHOD
    // hit = one H + one V slab) in time with the track, NewCHOD hits in time, LKr clusters
    // further than lkrExtraMinDistance from every track impact in an energy-dependent window.
    // The event is vetoed when the extra CHOD slabs exceed maxExtraChodSlabs or when two
    // detectors see extra activity in coincidence: CHOD-NewCHOD, CHOD-LKr or NewCHOD-LKr.
    // A lone extra hit in one detector does not veto (a lone LKr cluster is the photon veto's).
    double chodWindow = 7.0 * units::ns;       ///< CutTimeDiffTrackCHODSlab
    double newChodWindow = 5.0 * units::ns;    ///< CutTimeDiffNewCHODExtra
    int maxExtraChodSlabs = 3;                 ///< MaxNCHODSlabs
    double chodNewChodMaxDx = 250.0 * units::mm;  ///< CutMaxXDistanceCHODNewCHODCoincidence
    double chodNewChodMaxDy = 140.0 * units::mm;  ///< CutMaxYDistanceCHODNewCHODCoincidence
    double chodNewChodMaxDt = 15.0 * units::ns;   ///< CutTimeDiffCHODNewCHODCoincidence
    double chodLkrMaxDistance = 130.0 * units::mm;  ///< CutMaxDistanceCHODLKrCoincidence
    double chodLkrMaxDt = 15.0 * units::ns;         ///< CutTimeDiffCHODLKrCoincidence
    double newChodLkrMaxDx = 250.0 * units::mm;   ///< CutMaxXDistanceNewCHODLKrCoincidence
    double newChodLkrMaxDy = 140.0 * units::mm;   ///< CutMaxYDistanceNewCHODLKrCoincidence
    double lkrExtraMinDistance = 100.0 * units::mm;  ///< CutMinDistanceLKrExtra
    double lkrExtraMinEnergy = 0.05 * units::GeV;    ///< CutEnergyLKrExtra (50 MeV)
    double lkrExtraLowEnergy = 0.3 * units::GeV;     ///< CutLowEnergyLKrExtra
    double lkrExtraHighEnergy = 2.0 * units::GeV;    ///< CutHighEnergyLKrExtra
    double lkrExtraWindowLowE = 4.0 * units::ns;     ///< |t - t_track| below 0.3 GeV
    /// 0.3-2 GeV: t_track - t in (-7, 10) ns, i.e. up to 10 ns early and 7 ns late
    double lkrExtraEarlyMidE = 10.0 * units::ns;
    double lkrExtraLateMidE = 7.0 * units::ns;
    double lkrExtraWindowHighE = 10.0 * units::ns;   ///< |t - t_track| above 2 GeV
    /// merged-like cluster: another cluster in (min, max) of the best track's LKr impact and
    /// within the window of its time vetoes when the track has its own cluster
    double mergedLikeMinDistance = 40.0 * units::mm;   ///< CutMinDistanceLKrTrackMergedLikeLKrCluster
    double mergedLikeMaxDistance = 100.0 * units::mm;  ///< CutMaxDistanceLKrTrackMergedLikeLKrCluster
    double mergedLikeWindow = 6.0 * units::ns;         ///< CutTimeDiffTrackLKrMergedLikeLKrCluster
    double muv3Window = 7.0 * units::ns;       ///< §3
    /// Mass hypotheses of the three-track vertex, in the order of the tracks (m_pi each).
    std::array<double, 3> threeTrackMasses{0.13957039, 0.13957039, 0.13957039};
    double maxThreeTrackQuality = 1.0e9;       ///< mm; vertices above are not kept
  };

  Reconstruction(const Config& cfg, const detector::DetectorConfig& det);

  void reconstruct(const detector::DetectorEvent& in, RecoEvent& out) const;

  /// Track position at plane z: straight line to the magnet, p_T kick, straight line.
  Vector3 extrapolate(const RecoTrack& t, double z) const;
  Vector3 extrapolateToLkr(const RecoTrack& t) const { return extrapolate(t, zLkr_); }
  /// Geometric acceptance of a track (NA62 GeometricAcceptance): STRAW1-4 (outside the
  /// hole, R < 1000 mm), inside the LAV rings downstream of the vertex, RICH
  /// entrance/back, NewCHOD, CHOD, LKr (R > 150 mm,
  /// octagon), MUV3. `detectors`: the detectors to check (bits below; default all, the
  /// RecoTrack::inAcceptance flag); e.g. NA62's K3piSelection.cc checks kStraw | kNewChod.
  enum AcceptanceDetector : unsigned {
    kStraw = 1u << 0,
    kRich = 1u << 1,
    kChod = 1u << 2,
    kNewChod = 1u << 3,
    kLav = 1u << 4,
    kLkr = 1u << 5,
    kMuv3 = 1u << 6,
    kAllDetectors = (1u << 7) - 1
  };
  bool inAcceptance(const RecoTrack& t, unsigned detectors = kAllDetectors) const;
  /// RICH mass (GeV) from ring radius (mm) and momentum; negative when beta n cos(theta) > 1.
  double richMass(double radius, double p) const;
  /// Momentum from the ring radius for mass m (0 if the radius is at/above saturation).
  double richMomentum(double radius, double m) const;
  /// Expected ring radius (mm) of a particle of mass m and momentum p; 0 below threshold.
  double richExpectedRadius(double p, double m) const;
  /// Normalised likelihoods {e+, mu+, pi+} of a ring of `radius` with `hits` hits for a track
  /// of momentum p: Gaussian in the radius with sigma = single-hit resolution / sqrt(hits)
  /// (the fast simulation's ring model); a hypothesis below threshold gets 0.
  std::array<double, 3> richProbabilities(double radius, int hits, double p) const;
  /// Expected ring radii {e+, mu+, pi+} at momentum p (0 below threshold), and the likelihoods
  /// from precomputed radii (for repeated radii at one momentum).
  std::array<double, 3> richExpectedRadii(double p) const;
  std::array<double, 3> richProbabilities(double radius, int hits, const std::array<double, 3>& expected) const;
  /// Half-width of the main LKr cluster-track time window at cluster energy e (Config, "LKr
  /// photon-veto time window"): 5 ns below 1 GeV, then 5 / 15 / 70 sigma(E).
  double lkrWindow(double e) const {
    if (e < cfg_.lkrWindowEnergy1) return cfg_.lkrWindowLowE;
    const double eg = e / units::GeV;
    const double sigma = cfg_.lkrSigmaA + cfg_.lkrSigmaB / eg - cfg_.lkrSigmaC / std::sqrt(eg);
    if (e < cfg_.lkrWindowEnergy2) return cfg_.lkrWindowSigmas1 * sigma;
    if (e < cfg_.lkrWindowEnergy4) return cfg_.lkrWindowSigmas2 * sigma;
    return cfg_.lkrWindowSigmas3 * sigma;
  }
  /// The photon-veto time intervals (t - t_track, disjoint, increasing) of a cluster of energy
  /// e: the main window and, above lkrSideSlotEnergy, the two side slots; returns how many.
  int lkrVetoIntervals(double e, std::array<std::pair<double, double>, 3>& out) const {
    const double w = lkrWindow(e);
    std::array<std::pair<double, double>, 3> iv{{{-w, w}, {0, 0}, {0, 0}}};
    int n = 1;
    if (e > cfg_.lkrSideSlotEnergy) {
      const double o = cfg_.lkrSideSlotOffset, s = cfg_.lkrSideSlotWindow;
      iv[0] = {-o - s, -o + s};
      iv[1] = {-w, w};
      iv[2] = {o - s, o + s};
      n = 3;
    }
    int m = 0;  // merge overlaps (sorted by the lower edge)
    for (int i = 0; i < n; ++i) {
      if (m > 0 && iv[i].first <= out[m - 1].second) {
        out[m - 1].second = std::max(out[m - 1].second, iv[i].second);
        out[m - 1].first = std::min(out[m - 1].first, iv[i].first);
      } else {
        out[m++] = iv[i];
      }
    }
    return m;
  }
  /// Whether a cluster of energy e at t - t_track = dt is in a photon-veto interval.
  bool lkrVetoInTime(double e, double dt) const {
    std::array<std::pair<double, double>, 3> iv;
    const int n = lkrVetoIntervals(e, iv);
    for (int i = 0; i < n; ++i)
      if (dt > iv[i].first && dt < iv[i].second) return true;
    return false;
  }
  /// Time window [t_track - early, t_track + late] of an extra LKr cluster of energy e for the
  /// multiplicity veto (MultiplicitySelection.cc); {0, 0} (no window) at or below
  /// lkrExtraMinEnergy.
  std::pair<double, double> lkrExtraWindow(double e) const {
    if (e <= cfg_.lkrExtraMinEnergy) return {0.0, 0.0};
    if (e < cfg_.lkrExtraLowEnergy) return {cfg_.lkrExtraWindowLowE, cfg_.lkrExtraWindowLowE};
    if (e < cfg_.lkrExtraHighEnergy) return {cfg_.lkrExtraEarlyMidE, cfg_.lkrExtraLateMidE};
    return {cfg_.lkrExtraWindowHighE, cfg_.lkrExtraWindowHighE};
  }
  /// Whether an LKr cluster is extra activity of the multiplicity veto: in its energy-dependent
  /// window around tRef (lkrExtraWindow) and beyond lkrExtraMinDistance of every track impact.
  bool isExtraLkrCluster(const detector::LkrCluster& cl, double tRef, const RecoEvent& ev) const {
    const auto [early, late] = lkrExtraWindow(cl.energy);
    const double dt = cl.time - tRef;
    if (!(dt > -early && dt < late)) return false;
    // far from the best track (the other tracks' clusters are extra activity, NA62)
    if (ev.best < 0) return true;
    const double d2 = cfg_.lkrExtraMinDistance * cfg_.lkrExtraMinDistance;
    const auto& b = ev.tracks[static_cast<std::size_t>(ev.best)];
    const double dx = cl.x - b.lkrX, dy = cl.y - b.lkrY;
    return dx * dx + dy * dy > d2;
  }
  /// Invariant mass of the given three tracks with the given masses.
  static double threeTrackMass(const RecoEvent& ev, const std::array<int, 3>& idx, const std::array<double, 3>& masses);

  const Config& config() const { return cfg_; }
  /// Expected CDA resolution squared (mm^2) of a track of momentum p matched to a GTK track with
  /// the vertex at zVertex: the STRAW line (position + angle sigma(p) x (z_STRAW1 - z_v)) and the
  /// GTK line (position + angle x (z_v - z_GTK3)) errors at the vertex, per projection, in
  /// quadrature (the CDA is the one-dimensional distance along the common perpendicular), plus
  /// Config::sigmaCdaExtra.
  double cdaSigma2(double p, double zVertex) const;
  /// NA62 matching probabilities (Config "na62Matching"): the CDFs P of the kaon CDA, kaon
  /// |dt| (KTAG, RICH) and pile-up CDA PDFs at x (mm, ns), in [0, 1]; the pile-up |dt| CDF is
  /// |dt| / 1 ns.
  static double na62KaonCdaCdf(double cda);
  static double na62KaonDtKtagCdf(double dt);
  static double na62KaonDtRichCdf(double dt);
  static double na62PileupCdaCdf(double cda);

 private:
  /// kaonlab's chi2-like K-pi matching (Config "na62Matching" = false).
  void chi2Match(const detector::DetectorEvent& in, RecoTrack& t, const Vector3& dir, double sigmaT) const;
  /// NA62's K-pi matching (Config "na62Matching"): sets the track's GTK match, or none.
  void na62Match(const detector::DetectorEvent& in, RecoTrack& t, const Vector3& dir) const;
  /// Best-track downstream association (RecoTrack::associated) of STRAW track s with LKr
  /// impact point imp.
  bool associated(const detector::StrawTrack& s, const detector::DetectorEvent& in, const Vector3& imp) const;
  /// STRAW segment veto (Config "STRAW segments") for the best track: sets strawSegment.
  void strawSegmentVeto(const detector::DetectorEvent& in, RecoEvent& out) const;
  /// Multiplicity veto (Config, "Multiplicity veto"): sets nChodExtra and chodVeto.
  void multiplicityVeto(const detector::DetectorEvent& in, RecoEvent& out, double tRef) const;
  Config cfg_;
  detector::DetectorConfig det_;
  double zStraw1_, zGtk3_, zMagnet_, zLkr_, ptKick_;
  int kickSign_;
  double indexMinusOne_, focalLength_;
  double mK_, mPi_, mMu_, mE_;
  detail::LavRuns lavRuns_;
};

}  // namespace kaonlab::reco
