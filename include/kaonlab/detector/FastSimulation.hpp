#pragma once
// NA62 fast (parametric) detector simulation.
//
//  truth particle ──► transport (straight lines between detector planes; MNP33 as a p_T
//  kick; Highland multiple scattering in the STRAW chambers; decays in flight
//  pi -> mu nu, mu -> e nu nu; stopped in material outside an acceptance)
//      ──► Trajectory (list of detector-plane crossings)
//      ──► response (efficiencies, resolutions, RICH rings, calorimeter deposits,
//          photon-veto inefficiency) ──► DetectorEvent
//  + accidental activity (pile-up GTK tracks at the beam rate, random veto hits).
//
// Random numbers: RandomStream(seed, streamId("detector"), event index) for the event's
// own particles and RandomStream(seed, streamId("accidentals"), event index) for the
// accidental activity, so event i is reproducible alone and thread-independent.
// The per-event path allocates nothing and uses no virtual calls.
// Models and numbers: docs/detector.md.
#include <array>
#include <cstdint>
#include <vector>

#include "kaonlab/core/FourVector.hpp"
#include "kaonlab/core/Random.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/detector/DetectorEvent.hpp"
#include "kaonlab/generator/Beam.hpp"
#include "kaonlab/generator/Event.hpp"

namespace kaonlab::detector {

/// Detector elements a particle can cross in the transport.
enum class Element : std::uint8_t {
  TankWall,  ///< stopped on the decay-tank wall (or RICH vessel)
  Lav,
  Straw,
  Magnet,
  Rich,
  NewChod,
  Chod,
  Irc,
  Lkr,
  Muv1,
  Muv2,
  Iron,  ///< MUV3 iron wall
  Muv3,
  Sac,
  Decay,  ///< decay in flight (position = decay point, pdgId = charged daughter or 0)
};

struct Crossing {
  Element element = Element::Straw;
  int station = 0;     ///< LAV 1..12, STRAW 1..4, else 0
  bool active = true;  ///< STRAW/RICH: inside the active area (false: in the beam hole or outside)
  int pdgId = 0;       ///< particle crossing (after decays in flight)
  Vector3 position;    ///< mm
  Vector3 momentum;    ///< GeV, after any kick applied at this element
};

/// What happened to one particle: its crossings in z order.
struct Trajectory {
  static constexpr int kMax = 32;
  std::array<Crossing, kMax> crossings{};
  int n = 0;
  bool stopped = false;     ///< absorbed (false: left the detector or reached the end)
  Element stoppedIn = Element::TankWall;
  double firstDecayZ = 0;   ///< z of the first decay in flight, 0 = none
  int finalPdgId = 0;

  void add(const Crossing& c) {
    if (n < kMax) crossings[n++] = c;
  }
  /// First crossing of this element (and station if > 0), nullptr if none.
  const Crossing* find(Element e, int station = 0) const {
    for (int i = 0; i < n; ++i)
      if (crossings[i].element == e && (station == 0 || crossings[i].station == station)) return &crossings[i];
    return nullptr;
  }
};

enum class PhotonDetector : std::uint8_t { None, LAV, LKr, IRC, SAC };

struct TransportOptions {
  bool decays = true;              ///< decays in flight
  bool multipleScattering = true;  ///< Highland MS in the STRAW chambers
};

/// What the beam line between GTK1 and the decay tank does to a particle produced upstream of
/// the tank (FastSimulation::transportUpstream; no randomness).
struct UpstreamPassage {
  enum class Stop : std::uint8_t { None, Dipole, Scraper, Collimator, Trim5, Tank, Backwards };
  bool absorbed = false;     ///< stopped in an achromat dipole, the scraper, the final collimator, TRIM5 or outside the tank entrance
  bool inCollimator = false; ///< absorbed in the final-collimator block
  Stop stop = Stop::None;    ///< where it was stopped
  Vector3 position;          ///< at the tank entrance (tank.zStart), or where it was absorbed (mm)
  Vector3 momentum;          ///< after the TRIM5 kick (GeV)
  bool gtk2 = false;         ///< charged and inside the GTK2 sensor (centred at y = upstream.gtk2CentreY)
  Vector3 gtk2Position;      ///< at the GTK2 plane
  bool gtk3 = false;         ///< charged and inside the GTK3 sensor
  Vector3 gtk3Position;      ///< at the GTK3 plane
  Vector3 trim5Position;     ///< at the TRIM5 plane (when crossed)
  Vector3 collimatorPosition;  ///< at the downstream face of the final collimator (when reached)
  std::uint8_t chantiMask = 0;  ///< bit k: charged and inside CHANTI station k+1 (between hole and outer square)
};

/// Forced STRAW hard scatter of one particle's track (weighted estimates of kinematic tails,
/// docs/analysis-pnn.md): the uniform that decides the single-scattering tail
/// (FastSimulation::strawScatteringTail) is mapped onto one branch, and `weight` multiplies
/// by the probability of that branch. Simulating an event once with `mode` = -1 (no hard
/// scatter, weight 1 - P) and once with +1 (a hard scatter, weight P x the angle-bias weight)
/// gives an exact, lower-variance estimate of the tail. With +1 the scatter angle is drawn
/// from a mixture: half natural (1/theta^2 above the threshold), half above angleBoost x the
/// threshold; weight = natural density / mixture density.
struct TailForcing {
  int truthIndex = -1;     ///< particle whose STRAW track is forced
  int mode = 0;            ///< +1: hard scatter, -1: none, 0: natural
  double angleBoost = 4.0; ///< kappa >= 1 (1: natural angles)
  double weight = 1.0;     ///< out: product of the branch probabilities / biased densities
  bool applied = false;    ///< out: the particle had a track whose tail was decided
};

class FastSimulation {
 public:
  /// `beam` gives the pile-up beam (species mix, spot, rate); the config is validated.
  FastSimulation(const DetectorConfig& cfg, const generator::BeamConfig& beam);

  /// Simulate the detector response to one generated event (deterministic in
  /// (config seed, truth.index)).
  void simulate(const generator::TruthEvent& truth, DetectorEvent& out) const { simulate(truth, out, nullptr); }
  /// The same with the STRAW hard scatter of one particle forced (`forcing`, may be null).
  void simulate(const generator::TruthEvent& truth, DetectorEvent& out, TailForcing* forcing) const;

  /// Transport one particle from `start` (mm) with momentum `p` (GeV).
  void transport(int pdgId, const FourVector& p, const Vector3& start, RandomStream& rng, Trajectory& traj,
                 const TransportOptions& opt = {}) const;

  /// Transport a particle produced upstream of the decay tank (simulate() uses it for particles
  /// produced upstream of the last CHANTI station) through the second achromat (BEND 4A, 4B,
  /// scraper, GTK2, BEND 5, 6: thick dipoles with apertures), the final collimator of
  /// upstream.collimatorDesign, TRIM5, GTK3 and the CHANTI to the tank entrance
  /// (docs/detector.md "Upstream transport"). Deterministic.
  UpstreamPassage transportUpstream(int pdgId, const FourVector& p, const Vector3& start) const;
  /// One pile-up beam particle in the GTK (species, kinematics, time uniform in
  /// t0 +- gtk.accidentalWindow, track efficiency, smearing): the distribution of each of the
  /// Poisson(rate x 2 window) pile-up tracks of simulate(). Returns false when its track is
  /// not reconstructed (inefficiency). Used for forced-accidental weighting (upstream background).
  bool pileupGtkTrack(double t0, RandomStream& rng, GtkTrack& out) const;
  /// Mean number of pile-up beam particles in the GTK window (rate x 2 x accidentalWindow).
  double pileupGtkMean() const { return muGtk_; }

  /// Where a photon from `start` with momentum `p` ends (no randomness for photons).
  PhotonDetector photonDestination(const FourVector& p, const Vector3& start, int* lavStation = nullptr) const;
  /// Photon detection inefficiency of a detector at energy e (None: 1).
  double photonInefficiency(PhotonDetector d, double e) const;
  /// Probability that no photon of the event is detected (product over the event's
  /// photons of the inefficiency of the detector each one reaches; 1 for a photon that
  /// reaches no veto). Cluster merging and accidentals are not included.
  double photonVetoInefficiency(const generator::TruthEvent& truth) const;

  /// Momentum from the STRAW measurement resolution (relative sigma at momentum p).
  double strawSigmaPOverP(double p) const;
  double strawSigmaAngle(double p) const;
  /// Single Coulomb scattering in the STRAW chambers (Moliere tail, docs/physics.md):
  /// probability, per chamber, of one scatter above the tail threshold (independent of p).
  double strawTailProbability() const { return strawTail_.probability(); }
  /// Space angle above which the tail is drawn and the nuclear cut-off, for momentum p and
  /// velocity beta (radians).
  double strawTailThreshold(double p, double beta) const;
  /// chi_c^2 of one chamber for momentum x velocity pBeta (rad^2).
  double strawTailChiC2(double pBeta) const;
  double strawTailMaxAngle(double p) const;
  /// The STRAW chamber and GTK3 scattering layers.
  const SingleScatteringTail& strawTail() const { return strawTail_; }
  const SingleScatteringTail& gtk3Tail() const { return gtk3Tail_; }
  /// A hard scatter in one of the chambers in `mask` (bit k = chamber k+1) that kinks the
  /// measured track: slope changes (dx/dz, dy/dz) and the chamber (1-4; 0 = none).
  struct StrawKink {
    double dSlopeX = 0, dSlopeY = 0;
    int chamber = 0;
  };
  StrawKink strawScatteringTail(double p, double beta, int mask, RandomStream& rng,
                                TailForcing* forcing = nullptr) const;
  /// STRAW track chi2 (src/detector/StrawFit.cpp; NA62 single-track cut chi2 < 20, §4.3): the
  /// degrees of freedom of the track model for the chambers in `mask` (x view: a line bent at
  /// the MNP33 plane, y view: a line), the fit residual chi2 of a hard scatter of slopes
  /// (dSlopeX, dSlopeY) in `chamber` (covariance: chamber resolution + multiple scattering at
  /// momentum x velocity pBeta; 0 for STRAW1, whose kink is a new direction), and the chi2 of a
  /// simulated track, non-central chi2(ndf, lambda) drawn with `rng`.
  static int strawFitNdf(int mask);
  double strawKinkChi2(int mask, int chamber, double dSlopeX, double dSlopeY, double pBeta) const;
  static double strawTrackChi2(int mask, double lambda, RandomStream& rng);
  /// LKr resolutions at energy e.
  double lkrSigmaE(double e) const;
  double lkrSigmaPosition(double e) const;
  double lkrSigmaTime(double e) const;
  /// RICH: Cherenkov angle (rad; 0 below threshold), expected ring radius and hit count.
  double cherenkovAngle(double p, double m) const;
  double ringRadius(double p, double m) const;
  double expectedRingHits(double p, double m) const;

  const DetectorConfig& config() const { return cfg_; }
  const generator::Beam& beam() const { return beam_; }

  struct Plane {
    double z;
    Element element;
    int station;
  };
  const std::vector<Plane>& planes() const { return planes_; }

 private:
  void kaonResponse(const generator::TruthEvent& truth, RandomStream& rng, DetectorEvent& out) const;
  /// Hard single scatter of the K+ in GTK3 (gtk.gtk3Material): subtracts the kick from the
  /// measured slopes (sx, sy); returns its space angle (0: none).
  double gtk3Kink(const generator::TruthEvent& truth, RandomStream& rng, double& sx, double& sy) const;
  void particleResponse(const Trajectory& traj, int truthIndex, double t0, RandomStream& rng,
                        DetectorEvent& out, TailForcing* forcing = nullptr) const;
  void accidentals(const generator::TruthEvent& truth, RandomStream& rng, DetectorEvent& out) const;
  void mergeClusters(DetectorEvent& out) const;
  /// Upstream transport of an event particle with its GTK3/CHANTI signals; updates p and start
  /// to the tank entrance; false when the particle was absorbed.
  bool upstreamResponse(int pdgId, int truthIndex, double t0, RandomStream& rng, FourVector& p, Vector3& start,
                        DetectorEvent& out) const;
  double tankRadius(double z) const;

  /// A transport plane with its per-plane constants, precomputed in the constructor.
  struct PlaneInfo {
    double z;
    Element element;
    int station;
    double tankRadius;  ///< radius of the decay tank at this plane (+inf outside the tank)
    double a = 0, b = 0;  ///< element constants (LAV: inner radius; STRAW: hole centre x)
    /// Planes [this, groupEnd] where nothing happens to a particle with R below groupMin
    /// (tank wall and LAV planes, and for neutral particles every plane inside the tank).
    /// R along a straight line is convex in z, so R < groupMin at both ends of the run
    /// means R < groupMin at every plane of it: the run is crossed in one step.
    std::size_t groupEnd = 0;
    double groupMin = 0;
  };
  static void buildGroups(std::vector<PlaneInfo>& planes, bool neutral);

  DetectorConfig cfg_;
  generator::Beam beam_;
  std::vector<Plane> planes_;  ///< sorted by z, built once
  std::vector<PlaneInfo> chargedPlanes_;  ///< every plane, sorted by z
  std::vector<PlaneInfo> neutralPlanes_;  ///< the planes where a neutral particle can stop
  double thetaMax_;            ///< Cherenkov angle at beta = 1
  double sin2ThetaMax_;        ///< sin^2(thetaMax_)
  SingleScatteringTail strawTail_;  ///< one STRAW chamber
  SingleScatteringTail gtk3Tail_;   ///< the K+ in GTK3
  double mPi_, mMu_, mE_, ctauPi_, ctauMu_;
  double pionInteractionProbability_;  ///< 1 - exp(-LKr depth in interaction lengths)
  std::vector<double> ktagCdf_;        ///< cumulative Binomial(KTAG sectors, sector probability)
  /// exp(-mu) of the accidental Poisson means (GTK pile-up, LAV, IRC, SAC, LKr, CHANTI)
  double expMuGtk_, expMuLav_, expMuIrc_, expMuSac_, expMuLkr_, expMuChanti_;
  double muGtk_, muLav_, muIrc_, muSac_, muLkr_, muChanti_;
  /// all random veto/LKr/CHANTI hits: summed mean, exp(-sum), cumulative means (LAV..LKr)
  double muRandom_, expMuRandom_, randomCdf_[4];
  /// pile-up GTK tracks: cumulative species fractions (K+, pi+), measured momentum sigma,
  /// GTK3 - beam reference z, measured slope sigma, position-slope Cholesky terms
  double speciesCdf_[2], gtkSigmaP_, gtkDz_, gtkSlopeSigma_, gtkPosCorr_, gtkPosSigma_;
};

}  // namespace kaonlab::detector
