#pragma once
// K+ -> pi+ mu+ mu- end to end (NA62 Run 1, JHEP 11 (2022) 011; the talk's "Kpimumu" page):
// the model-independent branching ratio, the form-factor parameters a+ and b+ of
// W(z) = G_F m_K^2 (a+ + b+ z) + W_pipi(z), and the forward-backward asymmetry A_FB in
// cos(theta_Kmu), measured on simulated data and printed beside the published numbers.
//
//   PiMuMuAnalysisConfig cfg = PiMuMuAnalysisConfig::standard();  // or ::quick()
//   PiMuMuResults r = runPiMuMuAnalysis(cfg, progress);           // deterministic, TBB parallel
//   for (const core::Comparison& row : piMuMuReportRows(r)) ...
//
// Samples (each its own generator seed, all with the same detector and reconstruction):
//  - "data": K+ -> pi+ mu+ mu- with the configured true a+, b+ (default: the published
//    values), as many decays in the fiducial region as make NA62's candidate count (27 679)
//    at kaonlab's acceptance; and a downscaled K+ -> pi+ pi+ pi- "data" sample for the flux;
//  - Monte Carlo: K+ -> pi+ mu+ mu- (acceptance per z bin) and K+ -> pi+ pi+ pi-
//    (normalisation acceptance), independent of the data samples.
// Procedure (NA62's, docs/analysis-pimumu.md):
//   N_K = N(K3pi selected) x D / (A_3pi x B_3pi);
//   B = sum_i N_i / (N_K A_i)                      (A_i: MC acceptance of z bin i);
//   a+, b+: binned Poisson likelihood fit of N_i to N_K A_i int_i dB/dz(z; a+, b+) dz;
//   A_FB = (N(cos > 0) - N(cos < 0)) / N, minus the MC's reconstructed - generated A_FB
//   (one-photon exchange is even in cos(theta_Kmu); the Coulomb factor of the generator
//   makes the generated A_FB +0.44%).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kaonlab/core/Comparison.hpp"
#include "kaonlab/analysis/PnnEstimate.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::analysis {

/// Three-track selection of the signal and of the K+ -> pi+ pi+ pi- normalisation.
/// Common part from NA62's K3piSelection.cc (na62fw, E. Goudzovski; the normalisation
/// selection of the NA62 three-track analyses): exactly one three-track vertex of total
/// charge +1, each track in the STRAW 1-4 and NewCHOD acceptance, vertex z in 104-180 m,
/// |P_3trk - 75 GeV/c| < 3 GeV/c, and the three-track mass in 490-497 MeV/c^2 (its "last
/// cut"). kaonlab's vertex quality (the rms CDA of the three pairs) stands in for NA62's
/// vertex-fit chi2 < 25.
/// Signal particle identification (na62-detector.md 5.2 and 7.2, from memory: the NA62
/// three-track analyses): mu: MUV3 hit and LKr E/p < 0.2; pi: no MUV3 hit and E/p < 0.85; the
/// LKr and MUV3 acceptance is then required for the three tracks.
struct PiMuMuSelectionConfig {
  double zMin = 104.0 * units::m;
  double zMax = 180.0 * units::m;
  double beamMomentum = 75.0 * units::GeV;
  double maxMomentumDeviation = 3.0 * units::GeV;
  double massMin = 0.490 * units::GeV;
  double massMax = 0.497 * units::GeV;
  double maxVertexQuality = 20.0 * units::mm;
  double muonMaxEOverP = 0.2;
  double pionMaxEOverP = 0.85;
  /// e: no MUV3 hit and E/p in this window (na62-detector.md 7.2, memory: the LFV/LNV
  /// analyses' "LKr E/p 0.9-1.1"; their RICH condition is not applied)
  double electronMinEOverP = 0.9, electronMaxEOverP = 1.1;
  /// Throws ConfigError naming the key when a value is out of range.
  void validate() const;
};

/// One event through the signal selection.
struct PiMuMuCandidate {
  bool selected = false;
  double z = 0;         ///< m^2(mu+ mu-) / m_K^2 (reconstructed)
  double cosTheta = 0;  ///< cos(theta_Kmu): K+ and mu- directions in the mu+ mu- rest frame
  double mass = 0;      ///< m(pi mu mu) (GeV)
};

PiMuMuCandidate selectPiMuMu(const reco::RecoEvent& ev, const reco::Reconstruction& rec,
                             const PiMuMuSelectionConfig& cfg);

/// Species of a reconstructed track by the identification above.
enum class TrackSpecies { Pion, Muon, Electron, Unidentified };
TrackSpecies identify(const reco::RecoTrack& t, const PiMuMuSelectionConfig& cfg);

/// Any three-track final state of pions, muons and electrons (K+ -> pi+ mu+ mu-, the LNV
/// pi- mu+ mu+, the LFV pi- mu+ e+ ...):
/// the vertex cuts, LKr and MUV3 acceptance, each product (PDG id) assigned a vertex track of
/// its charge and species, and the mass window with the products' masses.
struct ThreeTrackCandidate {
  bool selected = false;
  std::array<int, 3> tracks{-1, -1, -1};  ///< vertex track of each product
  double mass = 0;                        ///< with the products' masses (0 if not assigned)
};
ThreeTrackCandidate selectThreeTrack(const reco::RecoEvent& ev, const reco::Reconstruction& rec,
                                     const PiMuMuSelectionConfig& cfg, const std::array<int, 3>& products);
/// NA62's K3piSelection on the same three-track vertex (pi mass hypotheses); m3pi: its mass.
bool selectK3pi(const reco::RecoEvent& ev, const reco::Reconstruction& rec, const PiMuMuSelectionConfig& cfg,
                double* m3pi = nullptr);
/// cos(theta_Kmu) of (K+, mu+, mu-) four-momenta: the angle between the K+ and the mu-
/// in the mu+ mu- rest frame (NA62's A_FB variable).
double cosThetaKmu(const FourVector& kaon, const FourVector& muPlus, const FourVector& muMinus);

/// Published K+ -> pi+ mu+ mu- numbers (talk page "Kpimumu decays: Results", JHEP 11 (2022) 011)
/// and the normalisation inputs.
struct PiMuMuPublished {
  int candidates = 27679;        ///< N_obs after the signal selection (talk)
  double aPlus = -0.575, aPlusStat = 0.012;
  double bPlus = -0.722, bPlusStat = 0.040;
  double br = 9.15e-8, brStat = 0.06e-8;
  double brTotal = 0.08e-8;      ///< abstract: (9.15 +- 0.08) x 10^-8
  double afb = 0.0, afbStat = 0.7e-2;
  /// NA62 K3piSelection.cc: "Acceptance in Z range (105-180)m, evaluated with MC v0.11.2"
  double k3piAcceptance = 0.1536;
  double brK3pi = 0.05583;       ///< PDG 2017 as in K3piSelection.cc (the catalogue's value is used for N_K)
};

struct PiMuMuAnalysisConfig {
  std::uint64_t seed = 20221111;
  int threads = 0;  ///< 0 = all cores (TBB)
  /// Monte Carlo samples (decays in the fiducial region generated).
  std::uint64_t mcEvents = 0, k3piMcEvents = 0;
  /// The K3pi "data" sample (decays generated; its downscaling D follows from the flux).
  std::uint64_t k3piDataEvents = 0;
  /// Selected "data" candidates aimed at (the data sample's size is this over the MC
  /// acceptance; default NA62's count).
  double dataCandidates = 27679;
  /// True form factor of the data sample (the published values by default).
  double trueAPlus = -0.575, trueBPlus = -0.722;
  int zBins = 15;  ///< equal bins over the kinematic range 4 r_mu^2 < z < (1 - r_pi)^2
  generator::GeneratorConfig generator{};  ///< modes, seeds and form factor set per sample
  detector::DetectorConfig detector{};
  reco::Reconstruction::Config reco{};
  PiMuMuSelectionConfig selection{};
  PiMuMuPublished published{};

  static PiMuMuAnalysisConfig quick();     ///< a few seconds on 2 cores (data at 1/10 of NA62's count)
  static PiMuMuAnalysisConfig standard();  ///< NA62's sample size, ~1 minute on 2 cores
  /// Fiducial decay region of the three-track analyses (NA62 K3piSelection.cc: 105-180 m).
  static generator::FiducialConfig fiducial();
};

struct PiMuMuSample {
  std::string name;
  std::uint64_t generated = 0;
  std::uint64_t selected = 0;
  std::vector<double> generatedPerBin;  ///< by true z (signal samples)
  std::vector<double> selectedPerBin;   ///< by reconstructed z
  double forward = 0, backward = 0;     ///< selected with cos(theta_Kmu) > 0 / < 0
  double trueForward = 0, trueBackward = 0;  ///< generated, true cos(theta_Kmu) (signal samples)
};

struct PiMuMuResults {
  PiMuMuAnalysisConfig config;
  std::vector<double> edges;  ///< z bin edges
  PiMuMuSample mc, data, k3piMc, k3piData;
  double trueBr = 0;          ///< B of the data sample's model (DEIP W(z) at the true a+, b+)
  double nKTrue = 0;          ///< K+ decays in the fiducial region the data samples stand for
  double downscaling = 0;     ///< D of the K3pi data sample
  Estimate k3piAcceptance;    ///< A_3pi (MC, K3pi selection), decays in 105-180 m
  Estimate signalAcceptance;  ///< A_pimumu (MC, all z)
  std::vector<Estimate> acceptancePerBin;  ///< A_i: selected in reco z bin i / generated in true z bin i (MC)
  Estimate nK;                ///< N_K from the K3pi data sample
  Estimate br;                ///< model-independent B (statistical error of the data)
  double brMcError = 0;       ///< from the MC acceptances
  double aPlus = 0, aPlusError = 0, bPlus = 0, bPlusError = 0, correlation = 0;
  double fitChi2 = 0;
  int fitNdf = 0;
  bool fitValid = false;
  Estimate afb;               ///< acceptance-corrected A_FB
  Estimate afbMcBias;         ///< MC: reconstructed - generated A_FB (the correction)
  double trueAfb = 0;         ///< generated A_FB of the data sample (the Coulomb factor's, ~ +0.44%)
  double seconds = 0;
};

using PiMuMuProgress = std::function<void(const std::string& sample, std::uint64_t done, std::uint64_t total)>;

PiMuMuResults runPiMuMuAnalysis(const PiMuMuAnalysisConfig& cfg, const PiMuMuProgress& progress = {});
std::vector<core::Comparison> piMuMuReportRows(const PiMuMuResults& r);
/// Acceptance of selectThreeTrack for `products` on `events` decays of one catalogue mode in
/// the three-track fiducial region (detector, reconstruction and cuts of `cfg`).
Estimate threeTrackAcceptance(const PiMuMuAnalysisConfig& cfg, const std::string& modeKey, std::uint64_t seed,
                              std::uint64_t events, const std::array<int, 3>& products,
                              const PiMuMuProgress& progress = {});
/// Everything of the run as JSON (pimumu_results.json of `kaonlab reproduce`): samples, z
/// spectra per bin, acceptances, N_K, B, the fit and A_FB.
std::string piMuMuResultsJson(const PiMuMuResults& r);

/// dB/dz of K+ -> pi+ mu+ mu- for any (a+, b+), from the generator's DEIP model:
/// dB/dz = tau_K / hbar * K(z) |G_F m_K^2 (a+ + b+ z) + W_pipi(z)|^2.
class PiMuMuSpectrum {
 public:
  PiMuMuSpectrum();
  double dBdz(double z, double aPlus, double bPlus) const;
  /// tau_K / hbar * K(z): dB/dz = kinematicFactor(z) |W(z)|^2 (with the Coulomb factor).
  double kinematicFactor(double z) const;
  /// |W(z)|^2 for (a+, b+) (dimensionless).
  double formFactor2(double z, double aPlus, double bPlus) const;
  /// B over [lo, hi] (tanh-sinh quadrature, relative accuracy ~1e-10).
  double integral(double lo, double hi, double aPlus, double bPlus) const;
  double zMin() const { return zMin_; }
  double zMax() const { return zMax_; }

 private:
  double zMin_ = 0, zMax_ = 0;
};

}  // namespace kaonlab::analysis
