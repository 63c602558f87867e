#pragma once
// K+ -> pi+ nu nubar end to end (issue 5): generate each decay mode, simulate, reconstruct,
// select (PnnSelection), and turn the acceptances into the numbers of the NA62 Run 1 result:
// signal acceptance, SES, expected signal, background per mode, BR, interval, significance.
//
//   PnnAnalysisConfig cfg = PnnAnalysisConfig::standard();   // or ::quick(), or set events
//   PnnResults r = runPnnAnalysis(cfg, progress);            // deterministic, TBB parallel
//   for (const PnnRow& row : pnnReportRows(r)) ...           // "published | kaonlab" rows
//   writePnnPlotData(r, "results");                          // pnn_plot_data.json for scripts/plot_pnn.py
//
// Weights. Every generated event carries w = P_FV x BR (generator). The acceptance of a
// mode is A = sum(w selected) / sum(w generated), its expected count N_K x BR x A.
// Weighted estimates (docs/analysis-pnn.md "weighted estimates") replace three random
// detector decisions by their probabilities:
//  - photon veto: for events whose only visible particles besides the pi+ candidate are
//    photons, the photon-veto cut is removed and the event weighted by
//    P_esc = prod_photons inefficiency(E, detector) x [the accidental-only veto passes]
//    (the event re-reconstructed without its own photons' signals); a photon reaching the
//    LKr within the track-distance cut does not veto but, if detected, adds its energy to
//    the track's E/p: it passes when undetected or when E/p stays below the cut;
//  - MUV3: for a muon track the MUV3 cut is removed and the event weighted by (1 - eps_MUV3);
//  - calorimetric muon/pion separation: for a muon track the calorimetric cut is removed and
//    the event weighted by a configured mis-identification probability (the fast simulation
//    has no shower-shape model; default 1e-5, na62-detector.md §4.3 "calorimeters ~1e-5", M).
//  - charged particles without a STRAW track (PnnNormalisation::weightChodMultiplicity,
//    weightUntrackedLkr): their CHOD/NewCHOD multiplicity-veto hits and their LKr clusters
//    far from the track are replaced by the probability of no in-time signal;
//  - K+ -> pi+ pi+ pi- can be generated biased toward the pi+ pi- pair in the STRAW beam hole
//    (k3piThresholdBias, Russian roulette with exact weights).
// Everything else (kinematics, RICH, LAV/IRC/SAC hits of charged particles) is brute force.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kaonlab/core/Comparison.hpp"
#include "kaonlab/analysis/PnnEstimate.hpp"
#include "kaonlab/analysis/PnnSelection.hpp"
#include "kaonlab/analysis/PnnUpstream.hpp"
#include "kaonlab/detector/DetectorConfig.hpp"
#include "kaonlab/generator/Generator.hpp"
#include "kaonlab/reco/Reconstruction.hpp"

namespace kaonlab::analysis {

/// Inputs of the normalisation and the published numbers kaonlab is compared with.
struct PnnNormalisation {
  /// 2016: N_K = 1.21e11, SES = 3.15e-10 (PLB 791 (2019) 156 abstract).
  double nK2016 = 1.21e11;
  double ses2016 = 3.15e-10;
  /// 2017: SES = 0.389e-10 (JHEP 11 (2020) 042 abstract); N_K not published in the abstract.
  double ses2017 = 0.389e-10;
  /// 2018: SES = BR_SM / N_exp = 8.4e-11 / 7.58 (talk backup page).
  double ses2018 = 8.4e-11 / 7.58;
  /// N_K per year; 0 = derived: N_K(y) = 1 / (SES(y) x A_eff,2016 x r(y)), A_eff,2016 =
  /// 1 / (N_K,2016 x SES_2016) and r(2018) = kaonlab's acceptance ratio of the 15-45 and
  /// 15-35 GeV/c selections (r = 1 for 2016-17).
  double nK2017 = 0, nK2018 = 0;
  /// Trigger efficiency (not simulated): 0.87 (na62-detector.md §4.3, memory).
  double triggerEfficiency = 0.87;
  /// SM BR used by NA62 for the expected signal (talk: 10.01 = 8.4 / 0.839).
  double brSM = 8.4e-11;
  /// Calorimetric pi+ identification (NA62's BDT on LKr/MUV1/MUV2/MUV3, not simulated) as a
  /// working point: JHEP 11 (2023) 138 abstract: "muon misidentification probability of
  /// 1.2e-5 for a pion identification efficiency of 75% in the momentum range 15-40 GeV/c"
  /// (consistent with the design "penetration/calorimetry 1e-5", na62-detector.md §2.3/§4.3).
  /// Applied as a weight per selected track: pi+ (and other hadrons) caloPionEfficiency,
  /// mu+ muonCaloMisId; e+ are removed by the simulated E/p < 0.8 cut.
  double caloPionEfficiency = 0.75;
  double muonCaloMisId = 1.2e-5;
  /// muonCaloMisId already contains the MUV3 veto (combined "penetration/calorimetry" figure):
  /// the weighted estimate of muon tracks then ignores the simulated MUV3 result; false:
  /// it multiplies by the MUV3 inefficiency (used by the weighted-vs-brute-force check).
  bool muonMisIdIncludesMuv3 = true;
  /// Muon tracks: replace the simulated RICH decision by its probability (Gaussian ring-radius
  /// measurement integrated over the pi+ acceptance of the RICH cuts and the RICH m2miss
  /// condition), so that the ~1e-3 RICH mis-identification does not cost MC statistics.
  bool weightRichForMuons = true;
  /// CHOD/NewCHOD multiplicity veto (part of the one-track cut): the random detection of the
  /// event's charged particles without a STRAW track is replaced by the probability that none
  /// of them gives an in-time hit (same model as the fast simulation: efficiency per plane,
  /// Gaussian hit time), for every event that passes the track topology (one track, or NA62's
  /// two-track case with the second track's own signals brute force). The dominant rejection
  /// of K+ -> pi+ pi- e+ nu and pi+ pi+ pi- whose extra particles escape the STRAW.
  bool weightChodMultiplicity = true;
  /// LKr clusters of the charged particles without a STRAW track whose impact is far from the
  /// track (> track-distance cut + 60 mm): their random photon-veto decision is replaced by
  /// the probability that the cluster is not in time (fast-simulation deposit and time model,
  /// reconstruction window); the rest of the photon veto is evaluated on the event without
  /// those clusters. The pi- of K+ -> pi+ pi- e+ nu and the pi+ pi- pair of K3pi that pass
  /// the STRAW beam hole reach the LKr.
  bool weightUntrackedLkr = true;
  /// Observed candidates (talk / JHEP 06 (2021) 093): 1 (2016), 2 (2017), 17 (2018) = 20.
  std::array<int, 3> observed{1, 2, 17};
  /// Upstream background (not simulated; published values used beside kaonlab's own
  /// backgrounds for the BR): 2016 0.050 (+0.090 -0.030), 2017 0.89 +- 0.24 (§4.2, M),
  /// 2018 3.30 (+0.98 -0.73) (talk).
  std::array<double, 3> upstream{0.050, 0.89, 3.30};
  std::array<double, 3> upstreamUp{0.090, 0.24, 0.98};
  std::array<double, 3> upstreamDown{0.030, 0.24, 0.73};
};

struct PnnModeSpec {
  std::string key;         ///< generator catalogue key
  std::uint64_t events = 0;
};

struct PnnAnalysisConfig {
  std::uint64_t seed = 20210601;
  int threads = 0;  ///< 0 = all cores (TBB)
  std::vector<PnnModeSpec> modes;
  generator::GeneratorConfig generator{};  ///< modes and seed are set per mode by the runner
  detector::DetectorConfig detector{};
  reco::Reconstruction::Config reco{};
  PnnSelectionConfig selection{};          ///< 2018 selection (the 2016-17 one = p <= 35 GeV/c)
  PnnNormalisation normalisation{};
  /// Also run the weighted-versus-brute-force check (photon inefficiencies x1000, MUV3
  /// efficiency 0.5) with this many K+ -> pi+ pi0 and K+ -> mu+ nu events (0 = skip).
  std::uint64_t checkEvents = 0;
  double checkPhotonScale = 1000;  ///< factor on the photon inefficiency curves in the check
  /// K+ -> pi+ pi+ pi- biased generation (N > 1): N x the mode's events are generated; those
  /// whose pi- and one pi+ go through the STRAW 1-2 beam hole (the pair that escapes
  /// untracked, near the pi+ pi- threshold) are all simulated, the others with probability
  /// 1/N and weight x N (Russian roulette: exact, deterministic in (seed, index)). Simulated
  /// events ~ the mode's events; the biased region gets N times the statistics.
  std::uint32_t k3piThresholdBias = 1;
  /// ... and, for the events of that region, the STRAW single-scattering tail of the candidate
  /// pi+ forced (detector::TailForcing): each is simulated without a hard scatter (weight
  /// 1 - P) and with one (weight P, angles biased: half above k3piTailAngleBoost x the tail
  /// threshold). The m2miss tail from the pi+ pi- threshold (0.078) into R2 (< 0.068) needs a
  /// kink of ~10 x the threshold angle.
  bool k3piForceTail = true;
  double k3piTailAngleBoost = 8.0;
  /// Upstream background by simulation (PnnUpstream.hpp; events = 0: not simulated).
  PnnUpstreamConfig upstream{};
  /// pi0 -> gamma gamma importance sampling for the K+ -> pi+ pi0(gamma) samples (k2pi, k2pig):
  /// half of the decays in the asymmetric band |cos theta*| > 0.98, where one photon is soft
  /// (< ~0.5 GeV for a 50 GeV pi0) and can reach no veto; the events that make the
  /// background (docs/analysis-pnn.md). Exact weights; fraction 0 = natural sampling.
  generator::Pi0Decayer::AsymmetryBias k2piPi0Bias{0.5, 0.02};

  /// Default mode list with `total` events shared out (signal and the main backgrounds).
  static std::vector<PnnModeSpec> defaultModes(std::uint64_t total);
  static PnnAnalysisConfig quick();     ///< ~1 minute on 2 cores
  static PnnAnalysisConfig standard();  ///< ~10 minutes on 2 cores
};

/// Histogram binning of the plot data.
struct PnnBinning {
  static constexpr int kM2Bins = 250;
  static constexpr double kM2Min = -0.10, kM2Max = 0.15;   ///< GeV^2/c^4
  static constexpr int kPlaneM2Bins = 125;
  static constexpr int kPlanePBins = 80;
  static constexpr double kPMin = 10.0, kPMax = 50.0;      ///< GeV/c
  /// momentum bins of the factorised background estimate: 15-45 GeV/c in 5 GeV/c (kaonlab's
  /// choice; the RICH mu mis-ID and the m2miss tails change with momentum)
  static constexpr int kFactorisedPBins = 6;
  static constexpr double kFactorisedPMin = 15.0, kFactorisedPWidth = 5.0;  ///< GeV/c
};

struct PnnModeResult {
  std::string key, label;
  double br = 0;
  std::uint64_t generated = 0;
  WeightSum gen;                      ///< all generated events
  CutFlow cutflow;                    ///< brute force
  // brute force, full selection; index 0 = 2018 selection (15-45 GeV/c), 1 = 2016-17 (15-35)
  std::array<WeightSum, 2> r1{}, r2{};
  // weighted estimate, full selection
  std::array<WeightSum, 2> r1w{}, r2w{};
  // all cuts except the signal region: brute force and weighted (the check where brute force has statistics)
  WeightSum noRegion, noRegionWeighted;
  // single-track stage (one track incl. the CHOD/NewCHOD multiplicity veto, quality,
  // acceptance, momentum): brute force and with the weighted multiplicity veto
  WeightSum trackStage, trackStageWeighted;
  // ... and the photon veto (weighted: also the LKr veto of the untracked charged particles)
  WeightSum trackPhoton, trackPhotonWeighted;
  // kinematic selection (no PID, no vetoes): all, and in R1+R2 (15-45 GeV/c)
  WeightSum kin, kinSR;
  WeightSum kinNoDecay, kinSRNoDecay;  ///< kinematic selection (in R1+R2), track not decayed before the RICH (truth)
  WeightSum kinM2Window;              ///< kinematic selection with m2miss (GTK) in the R1/R2 windows, no beam/RICH m2miss condition
  /// sum w x P_esc over the kinematic selection (pi0 rejection) and in R1+R2, for the events whose
  /// only other visible particles are photons; kinPhotonEvents/kinSRPhotonEvents: their sum w
  WeightSum kinPhotonEscape, kinSRPhotonEscape;
  WeightSum kinPhotonEvents, kinSRPhotonEvents;
  WeightSum kinRichPass;              ///< kinematic selection passing the RICH pi+ ID
  WeightSum kinRichCaloPass;          ///< ... and the calorimetric pi+ ID
  WeightSum kinRichCaloMuvPass;       ///< ... and the MUV3 veto
  WeightSum allButPhoton;             ///< all cuts except the photon veto (random veto of the signal)
  WeightSum allButMuon;               ///< all cuts except MUV3 and calorimeters, track is a muon
  std::vector<double> m2Kinematic, m2Selected;  ///< sum of w per m2miss bin (PnnBinning)
  std::vector<double> plane;                    ///< [p bin * kPlaneM2Bins + m2 bin], kinematic selection
  /// NA62's factorised estimate (talk backup: N_exp(region) = N(pi+ pi0 region) x f_kin(region),
  /// "the same procedure used for K+ -> mu+ nu and K+ -> pi+ pi+ pi-"), per pi+ momentum bin
  /// (PnnBinning::kFactorisedPBins, 2018 selection): the mode's own m2miss region (K2pi for
  /// k2pi, Kmu2 for kmu2, K3pi for k3pi; None otherwise); f_kin's control sample
  /// = the kinematic selection without the one-track cut (NA62 selects its K+ -> pi+ pi+ pi-
  /// control sample with all three tracks), the track's particle not decayed before the RICH
  /// (NA62's control samples are identified pi+ or mu+: a pi+ -> mu+ nu decay in the
  /// spectrometer is rejected by the PID in both the control and the signal sample), in R1+R2
  /// and in the own region (muons: regions without the RICH m2miss condition, whose rejection of
  /// a mu+ is part of N(own region)); N of the own region = the weighted estimate of every cut
  /// but the signal region
  PnnRegion ownRegion = PnnRegion::None;
  std::array<WeightSum, PnnBinning::kFactorisedPBins> kinSRControl{}, kinOwnRegion{}, selOwnRegion{};
  /// sum of w in R1+R2 per pi+ momentum bin (kPlanePBins), 2018 selection: brute force
  /// (with the calorimetric working point) and weighted estimate
  std::vector<double> pSignalRegion, pSignalRegionWeighted;

  /// Fraction of the mode's decays in the FV selected: sum w / sum w(generated).
  Estimate fraction(const WeightSum& s) const;
};

/// Weighted-versus-brute-force check with enlarged inefficiencies.
struct PnnWeightCheck {
  std::string key, what;
  Estimate bruteForce, weighted;  ///< fraction of decays (all cuts except the signal region)
};

struct PnnYear {
  std::string name;       ///< "2016", "2017", "2018"
  double nK = 0;          ///< K+ decays in the FV
  bool nKDerived = false;
  int selection = 0;      ///< 0 = 15-45 GeV/c, 1 = 15-35 GeV/c
  double sesPublished = 0;
  Estimate acceptance;    ///< A_pnn x eps_RV (kaonlab simulation, accidentals included)
  Estimate ses, signal;   ///< kaonlab SES and expected SM signal
  std::vector<Estimate> background;  ///< per background group (PnnResults::groups)
  Estimate backgroundTotal;          ///< simulated groups only
  Estimate backgroundForStats;       ///< groups as used for the BR (published value where substituted), no upstream
};

/// A background group of the published table (one or more generator modes).
struct PnnGroup {
  std::string name;
  std::vector<std::string> keys;
  double published2018 = 0, published2018Error = 0;  ///< talk backup table
  bool publishedIsUpperLimit = false;
  /// Use kaonlab's estimate in the BR fit (false: known simulation gap, the published value is used).
  bool useSimulationForStats = true;
};

/// The m2miss region a mode populates (NA62's control region of its background estimate):
/// k2pi -> K2pi, kmu2 -> Kmu2, k3pi -> K3pi, any other key -> None (the radiative samples k2pig
/// and kmu2g sit outside their peak: the group's factorised estimate adds their direct one).
PnnRegion ownRegion(const std::string& modeKey);

/// The two factors of the one-bin estimate (`parts` of factorisedBackground).
struct FactorisedParts {
  Estimate nOwnRegion;  ///< N(own region): selected events in the mode's own region
  Estimate fKin;        ///< f_kin: control sample in R1+R2 / in the own region
};

/// NA62's factorised background estimate of a background group (talk backup page "Control
/// K+ -> pi+ pi0 data used to study the tails": N_exp(region) = N(own region) x f_kin(region)),
/// from the simulation of the group's modes (their sums combined with the weights BR / sum of
/// generated w), 2018 selection (15-45 GeV/c), summed over `bins` equal groups of the
/// PnnBinning::kFactorisedPBins momentum bins (1: one 15-45 GeV/c bin; kFactorisedPBins:
/// 5 GeV/c bins):
///   N(own region) = nKTimesTrigger x sum BR x fraction(selOwnRegion)   (every cut but the region)
///   f_kin         = sum BR x fraction(kinSRControl) / sum BR x fraction(kinOwnRegion)
/// It equals the direct estimate (r1w + r2w) when the rejection of the vetoes and the PID does
/// not depend on m2miss within a bin; the difference measures that correlation. Modes without
/// an own region are skipped; a bin without control events in the own region adds nothing.
Estimate factorisedBackground(const std::vector<const PnnModeResult*>& modes, double nKTimesTrigger, int bins = 1,
                              FactorisedParts* parts = nullptr);

/// NA62's factorised estimate of one background group, 2018.
struct PnnFactorised {
  bool available = false;  ///< a mode of the group with an own region was simulated
  /// factorisedBackground of its modes in one momentum bin and in PnnBinning::kFactorisedPBins,
  /// plus the direct estimate of its modes without an own region (the radiative samples)
  Estimate oneBin, binned;
  FactorisedParts parts;   ///< the two factors of the one-bin estimate
};

struct PnnResults {
  PnnAnalysisConfig config;
  std::vector<PnnModeResult> modes;
  std::vector<PnnGroup> groups;
  std::vector<PnnYear> years;
  std::vector<PnnWeightCheck> checks;
  /// per group: NA62's factorised estimate, 2018 (PnnFactorised)
  std::vector<PnnFactorised> factorised2018;
  double aEff2016Published = 0;       ///< 1 / (N_K,2016 x SES_2016)
  Estimate acceptance2018, acceptance1617;  ///< signal A_pnn (no random veto), R1+R2
  Estimate acceptanceR1, acceptanceR2;      ///< 2018 selection
  Estimate randomVetoEfficiency;            ///< eps_RV from the signal sample
  Estimate sesRun1, signalRun1, backgroundRun1;  ///< kaonlab (background: simulated groups)
  double upstreamRun1 = 0, upstreamRun1Up = 0, upstreamRun1Down = 0;
  /// Background used for the BR: per group kaonlab's Run-1 estimate when the group is
  /// usable (PnnGroup::useSimulationForStats) and its relative statistical error is below
  /// 50%, else the published 2018 value x 10.01/7.58 (listed in `substituted`); plus the
  /// published upstream background.
  Estimate backgroundForStats;
  std::vector<std::string> substituted;
  // statistics (kaonlab background + published upstream; kaonlab SES; 20 observed)
  double br = 0, brUp = 0, brDown = 0, significance = 0, pValue = 0;
  double brSimOnly = 0, brSimOnlyUp = 0, brSimOnlyDown = 0, significanceSimOnly = 0;
  /// Three categories (2016, 2017, 2018: observed 1, 2, 17), per-year SES and background.
  double brCategories = 0, brCategoriesUp = 0, brCategoriesDown = 0, significanceCategories = 0;
  double wallSeconds = 0;
  /// Upstream background by simulation (PnnUpstream.hpp); per year in `upstreamYears`.
  PnnUpstreamResult upstream;    ///< "Design 2016" collimator (2016, 2017, 2018 S1)
  PnnUpstreamResult upstreamS2;  ///< "Design 2018" collimator (2018 S2); generated = 0 when not run
  std::vector<PnnUpstreamYear> upstreamYears;
  bool upstreamSimulatedForStats = false;  ///< upstreamRun1 is kaonlab's estimate (else published)

  const PnnModeResult* mode(const std::string& key) const;
};

using PnnProgress = std::function<void(const std::string& mode, std::uint64_t done, std::uint64_t total)>;

PnnResults runPnnAnalysis(const PnnAnalysisConfig& cfg, const PnnProgress& progress = {});

/// Simulate one mode (used by runPnnAnalysis and the tests).
PnnModeResult runPnnMode(const PnnAnalysisConfig& cfg, const std::string& key, std::uint64_t events,
                         const PnnProgress& progress = {});

/// One row of the "published | kaonlab | pull" report (core::Comparison, declared in
/// PnnUpstream.hpp as PnnRow; the app prints the rows as they are).
std::vector<PnnRow> pnnReportRows(const PnnResults& r);

/// Every number as JSON text (results, cut flows, groups, years, checks).
std::string pnnResultsJson(const PnnResults& r);
/// Write <dir>/pnn_plot_data.json (histograms, plane, regions, background table) for
/// scripts/plot_pnn.py; returns the path.
std::filesystem::path writePnnPlotData(const PnnResults& r, const std::filesystem::path& dir);

}  // namespace kaonlab::analysis
